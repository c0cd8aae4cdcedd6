"""One finding per value that Kong would see twice in a unique field: one rule per row of
facts/unique.py, with its catalogue entry, behaviour and example derived from the row."""
from __future__ import annotations

from collections import defaultdict

from kongcheck.facts import kinds, outcomes, unique, versions, webhook
from kongcheck.facts.kong import uniqueness_error
from kongcheck.facts.kube import CLASS_ANNOTATION, CREDENTIAL_LABEL
from kongcheck.facts.unique import KIC_DROPS_CONSUMERS, KONG_DECIDES, OLDEST_WINS, UniqueField
from kongcheck.index import KongIndex
from kongcheck.index.records import Value
from kongcheck.model import Participant, ResourceRef
from kongcheck.redact import LIVE_VALUE, Redactor
from kongcheck.rules.admission import consumer_checked
from kongcheck.rules.base import Hit, RuleInfo


class Entity:
    """One Kong entity's unique value, the resource that holds it, and who owns it."""

    __slots__ = ("value", "ref", "owners", "record", "live_owners", "consumers")

    def __init__(self, value: Value, ref: ResourceRef, owners: list[str], record: object = None,
                 live_owners: set[str] | None = None, consumers: list | None = None) -> None:
        self.value = value
        self.ref = ref
        self.owners = owners  # consumer ids, for credentials
        self.record = record  # the object holding the value, for kind rows
        self.live_owners = set() if live_owners is None else live_owners  # those of the owners that are live objects
        self.consumers = [] if consumers is None else consumers  # the consumer records owning a credential

    @property
    def live(self) -> bool:
        return self.value.obj.is_live


def _credential_entities(row: UniqueField, holders: list[tuple]) -> list[Entity]:
    """One entity per Secret among ``holders`` (a Secret two consumers name is one entity with two owners)."""
    by_secret: dict[ResourceRef, Entity] = {}
    for attachment, ref, value in holders:
        entity = by_secret.get(ref)
        if entity is None:
            entity = by_secret[ref] = Entity(value, ref, [])
        consumer = attachment.consumer
        entity.owners.append(consumer.obj.ref.id)
        entity.consumers.append(consumer)
        if consumer.obj.is_live:
            entity.live_owners.add(consumer.obj.ref.id)
    return list(by_secret.values())


def _holders(row: UniqueField, index: KongIndex) -> list[tuple]:
    """(item, the object holding the value, value) for each non-empty value of the row's field, in
    order: for a credential row, the item is each consumer's reference to a Secret of the row's type
    (a Secret two consumers name comes twice); else each processed object of the row's kind."""
    if row.credential_type:
        field = row.field
        return [(attachment, attachment.secret.obj.ref, value)
                for attachment in _attachments_by_type(index).get(row.credential_type, ())
                if (value := attachment.secret.values.get(field)) is not None and value.text != ""]
    path = row.dotted_path
    return [(record, record.obj.ref, value) for record in index.of(row.kind)
            if (value := record.unique_value(path)) is not None and value.text]


def _attachments_by_type(index: KongIndex) -> dict:
    """Credential type -> the attachments to a Secret of that type, in order (one walk for every row)."""
    grouped = index.memo.get("attachments_by_type")
    if grouped is None:
        grouped = index.memo["attachments_by_type"] = defaultdict(list)
        for attachment in index.attachments:
            if attachment.secret is not None:
                grouped[attachment.cred_type].append(attachment)
    return grouped


def _groups(row: UniqueField, index: KongIndex) -> list[list[Entity]]:
    """The entities holding each value that more than one object holds (only those can clash), in apply
    order, the groups in the order of their values' first holders.  One pass keeps each value's first
    holder and the few later ones, so that a scan of 100,000 distinct keys builds no entity for them."""
    first: dict[str, tuple] = {}
    later: dict[str, list[tuple]] = {}  # value -> its holders, once a second one comes
    for holder in _holders(row, index):
        text = holder[2].text
        found = first.setdefault(text, holder)
        if found is not holder:
            holders = later.get(text)
            if holders is None:
                later[text] = [found, holder]
            else:
                holders.append(holder)
    groups = []
    for text in (first if later else ()):  # the values in the order of their first holders
        holders = later.get(text)
        if holders is None or all(holder[1] == holders[0][1] for holder in holders):
            continue  # one object holds it (a Secret two consumers name)
        if row.credential_type:
            groups.append(_credential_entities(row, holders))
        else:
            groups.append([Entity(value, ref, [], record) for record, ref, value in holders])
    return groups


def _outcome(row: UniqueField, group: list[Entity], owners: list[str], index: KongIndex,
             refused: dict) -> outcomes.Outcome:
    target = index.settings.target
    if row.resolution == OLDEST_WINS:
        event = row.event.format(value=group[0].value.text)
        members = [_member(e.record, index) for e in group]
        return outcomes.oldest_wins(row.kind, event, members, refused)
    if row.resolution == KIC_DROPS_CONSUMERS:
        clash = outcomes.credential_clash(target, row.kic_index, [o for o in owners if o not in refused],
                                          row.endpoint_key)
    else:
        clash = outcomes.kong_clash(target, row.endpoint_key)
    if refused:
        kind = "KongConsumer" if row.credential_type else row.kind
        return outcomes.refused_first(kind, refused, clash if len(_left(group, refused)) > 1 else None)
    return clash


def _left(group: list[Entity], refused: dict) -> list[Entity]:
    """The entities that still exist once the webhook has refused ``refused``: a credential is left
    while a consumer that owns it is."""
    return [e for e in group if e.ref.id not in refused and (not e.owners or any(o not in refused for o in e.owners))]


def _member(record, index: KongIndex) -> outcomes.Member:
    live = index.live_version(record)
    created = live.created if live is not None else record.created
    return outcomes.Member(record.obj.ref.id, record.obj.ref.name, created, live is not None, record.obj.doc.order)


def _webhook_refuses(row: UniqueField, group: list[Entity], index: KongIndex, install=None) -> dict[str, str]:
    """The objects being applied that KIC's webhook refuses because a live object KIC already has
    holds the value (a KongVault prefix in its cache, a consumer username in Kong); the webhook checks
    only objects with exactly the controller's class annotation, and a KongConsumer only when the apply
    creates it or changes its username."""
    if row.credential_type:
        return _credential_refusals(row, group, index)
    if row.webhook_duplicate is None or not (install or index.settings.install).sends(row.kind):
        return {}
    cached = [e for e in group if e.record.obj.is_live]
    refused = {}
    for entity in group:
        record = entity.record
        if record.obj.is_live or not record.to_webhook or not index.exact_class(record):
            continue
        if row.kind == "KongConsumer" and not consumer_checked(record, index):
            continue
        other = next((c for c in cached if c.ref != entity.ref), None)
        if other is not None:
            refused[entity.ref.id] = row.webhook_duplicate.format(value=entity.value.text, other=other.ref.name)
    return refused


def _credential_refusals(row: UniqueField, group: list[Entity], index: KongIndex) -> dict[str, str]:
    """Consumers being applied that KIC's webhook refuses (KIC >= 3.0) because their credential's unique
    value is already held by a credential of a live consumer with the exact class annotation: its index
    holds the Secrets of the consumers in its cache, not those applied with the new one."""
    settings = index.settings
    if not webhook.consumer_failures_refuse(settings.target.kic, settings.install):
        return {}
    answer = f"{webhook.CREDENTIAL_FAILED}unique key constraint violated for {row.field}"
    cached = [e for e in group if any(c.obj.is_live and index.exact_class(c) for c in e.consumers)]
    refused = {}
    for entity in group:
        if not any(other is not entity for other in cached):
            continue
        for consumer in entity.consumers:
            if consumer_checked(consumer, index):
                refused[consumer.obj.ref.id] = answer
    return refused


def _kong_says(row: UniqueField, shown_value: str, index: KongIndex) -> str:
    """Kong's error, quoted only for Kong >= 3.4 (older DB-less Kong never returns it), and as what
    Kong *would* say where KIC resolves the clash before Kong sees it."""
    target = index.settings.target
    if not target.kong_rejects_duplicates:
        return ""
    error = uniqueness_error(row.entity, row.field, shown_value)
    if row.resolution == OLDEST_WINS:
        return f" Kong would reject it with \"{error}\", but KIC keeps one {row.kind} per {row.field}, so Kong never sees it."
    if row.resolution == KIC_DROPS_CONSUMERS and target.drops_conflicting_consumers:
        return f" Kong would reject it with \"{error}\", but KIC resolves the clash first, so Kong never sees it."
    return f" Kong {versions.show(target.kong)} answers \"{error}\"."


def _hit(row: UniqueField, group: list[Entity], index: KongIndex, show: Redactor) -> Hit:
    text = group[0].value.text
    value: str | None = text
    if not row.sensitive:
        plain = text
    elif all(entity.live for entity in group):
        plain, value = LIVE_VALUE, None  # a value only the cluster holds: nothing derived from it is shown
    else:
        plain = show(text)  # a credential or identity is only fingerprinted
    if row.sensitive and value is not None and index.settings.untrusted:
        return _unnamed_live_hit(row, group, index, plain, value)
    owners = sorted({owner for entity in group for owner in entity.owners})
    owned = f" (owned by {', '.join(owners)})" if owners else ""
    shown = plain if row.sensitive else repr(text)
    refused = _webhook_refuses(row, group, index)
    outcome = _outcome(row, group, owners, index, refused)
    says = _kong_says(row, plain, index) if len(_left(group, refused)) > 1 else ""
    title = f"{len(group)} {row.people} share {row.field} {shown}"
    message = f"{title}{owned}.{says} {outcome.text}."
    if not refused and not index.settings.install.sends(row.kind):
        other = _webhook_refuses(row, group, index, webhook.INSTALLS["kic"])
        if other:
            people = index.settings.install.people
            message += (f" {people[0].upper()}{people[1:]} does not send {row.kind}s to KIC's webhook; "
                        f"with KIC's own webhook manifests (--webhook kic) `kubectl apply` refuses "
                        f"{', '.join(sorted(other))} instead.")
    return Hit(row.rule, message, [Participant(e.ref, e.value.location) for e in group],
               entity=row.entity, field=row.field, value=value, outcome=outcome, title=title)


def _unnamed_live_hit(row: UniqueField, group: list[Entity], index: KongIndex, plain: str, value: str) -> Hit:
    """A clash on a credential or identity in a scan of an untrusted change (--untrusted): only the
    change's side is named.  A live object that holds the same value is said to exist, never named,
    and live consumers that own a clashing credential are left out, so that a change cannot learn
    which live Secret or consumer a guessed value belongs to."""
    changed = [entity for entity in group if not entity.live]
    owners = sorted({owner for entity in group for owner in entity.owners if owner not in entity.live_owners})
    owned = f" (owned by {', '.join(owners)})" if owners else ""
    refused = _webhook_refuses(row, group, index)  # its answers name no live object
    outcome = _outcome(row, changed, owners, index, refused)
    if len(changed) == len(group):
        title = f"{len(group)} {row.people} share {row.field} {plain}"
        said = f"{title}{owned}"
    else:
        holders = ", ".join(entity.ref.id for entity in changed)
        title = f"{row.field} {plain} of {holders}{owned} is also held by a live object"
        said = f"{title} in the cluster, which --untrusted does not name"
    says = _kong_says(row, plain, index) if len(_left(group, refused)) > 1 else ""
    return Hit(row.rule, f"{said}.{says} {outcome.text}.",
               [Participant(e.ref, e.value.location) for e in changed],
               entity=row.entity, field=row.field, value=value, outcome=outcome, title=title)


def check(index: KongIndex):
    show = Redactor.of(index.settings)
    for row in unique.rows():
        for group in _groups(row, index):
            yield _hit(row, group, index, show)


_BEHAVIOUR = {
    KIC_DROPS_CONSUMERS: "KIC >= 3.4 finds this clash itself and drops every KongConsumer involved; older KIC "
    "passes both credentials on and Kong >= 3.4 rejects the whole configuration (Kong < 3.4 DB-less silently "
    "keeps one).",
    KONG_DECIDES: "No KIC version detects this clash (KIC issue #4063): Kong >= 3.4 rejects the whole "
    "configuration and KIC keeps re-applying the last good one.",
    OLDEST_WINS: "KIC keeps the {kind} with the oldest creationTimestamp (a tie goes to the smaller name) and "
    "skips the others with the event '{event}'.",
}

SAME = "same-value"


def _yaml(value, indent: int = 0) -> str:
    """A small block-YAML rendering of nested dicts of text (the generated examples)."""
    pad = " " * indent
    lines = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}{key}:\n{_yaml(item, indent + 2)}")
        else:
            lines.append(f"{pad}{key}: {item}")
    return "\n".join(lines)


def _set(body: dict, path: tuple[str, ...], text: str) -> None:
    for key in path[:-1]:
        body = body.setdefault(key, {})
    body[path[-1]] = text


def _object(row: UniqueField, name: str, namespace: str | None) -> str:
    kind = kinds.BY_KIND[row.kind]
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    if kind.classed:
        metadata["annotations"] = {CLASS_ANNOTATION: "kong"}
    body = {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": metadata}
    for key, item in (kind.example or {}).items():
        body[key] = dict(item) if isinstance(item, dict) else item
    if row.path != ("metadata", "name"):
        _set(body, row.path, SAME)
    return _yaml(body) + "\n"


def _example(row: UniqueField) -> str:
    """Two objects that clash on the row's field (for a metadata.name, in two namespaces)."""
    if row.credential_type:
        secret = (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  labels:\n"
            f"    {CREDENTIAL_LABEL}: {row.credential_type}\nstringData:\n  {row.field}: {SAME}\n"
        )
        return secret.format(name="alice-cred") + "---\n" + secret.format(name="bob-cred")
    if row.path == ("metadata", "name"):
        return _object(row, SAME, "team-a") + "---\n" + _object(row, SAME, "team-b")
    short = row.kind.removeprefix("Kong").lower()
    return _object(row, f"{short}-a", None) + "---\n" + _object(row, f"{short}-b", None)


def _info(row: UniqueField) -> RuleInfo:
    return RuleInfo(
        id=row.rule,
        severity="error",
        summary=f"two {row.people} with the same {row.field} (Kong entity {row.entity})",
        behaviour=f"Kong keeps {row.entity}.{row.field} unique. "
        + _BEHAVIOUR[row.resolution].format(kind=row.kind, event=(row.event or "").format(value="<value>")),
        example=_example(row),
        fix=f"Give each {row.holder} its own {row.field}, or remove the copy that is no longer needed.",
        collision=True,
    )


RULES = [_info(row) for row in unique.rows()]
