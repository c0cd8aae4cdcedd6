"""One finding per value that Kong would see twice in a unique field (rules/table.py)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kongcheck import outcomes, versions
from kongcheck.index import KongIndex
from kongcheck.index.resources import Value
from kongcheck.model import Finding, Participant, ResourceRef
from kongcheck.redact import Redactor, sha256_hex
from kongcheck.rules.base import RuleInfo
from kongcheck.rules.table import UNIQUE_FIELDS, UniqueField, kong_error


@dataclass(slots=True)
class Entity:
    """One Kong entity's unique value, the resource that holds it, and who owns it."""

    value: Value
    ref: ResourceRef
    owners: list[str]  # consumer ids, for credentials
    created: str | None = None  # KongVault creationTimestamp


def _credential_entities(row: UniqueField, index: KongIndex) -> list[Entity]:
    by_secret: dict[ResourceRef, Entity] = {}
    for attachment in index.attachments:
        secret = attachment.secret
        if secret is None or attachment.cred_type != row.credential_type:
            continue
        value = secret.values.get(row.field)
        if value is None or value.text == "":
            continue
        ref = secret.obj.ref
        entity = by_secret.setdefault(ref, Entity(value, ref, []))
        entity.owners.append(attachment.consumer.obj.ref.id)
    return list(by_secret.values())


def _entities(row: UniqueField, index: KongIndex) -> list[Entity]:
    if row.credential_type:
        return _credential_entities(row, index)
    if row.source == "KongConsumer":
        values = [(getattr(c, row.field), c.obj.ref, None) for c in index.consumers]
    elif row.source == "KongConsumerGroup":
        values = [(g.name, g.obj.ref, None) for g in index.groups]
    else:
        values = [(v.prefix, v.obj.ref, v.created) for v in index.vaults]
    return [Entity(value, ref, [], created) for value, ref, created in values if value and value.text]


def _outcome(row: UniqueField, group: list[Entity], index: KongIndex) -> outcomes.Outcome:
    target = index.settings.target
    if row.credential_type:
        owners = [owner for entity in group for owner in entity.owners]
        return outcomes.credential_clash(target, row.kic_index, owners, row.endpoint_key)
    if row.source == "KongVault":
        return outcomes.vault_clash(group[0].value.text, [(e.ref.name, e.created) for e in group])
    return outcomes.kong_clash(target, row.endpoint_key)


def _kong_says(row: UniqueField, shown_value: str, index: KongIndex) -> str:
    """Kong's error, quoted only for Kong >= 3.4 (older DB-less Kong never returns it), and as what
    Kong *would* say where KIC resolves the clash before Kong sees it."""
    target = index.settings.target
    if not target.kong_rejects_duplicates:
        return ""
    error = kong_error(row, shown_value)
    if row.source == "KongVault":
        return f" Kong would reject it with \"{error}\", but KIC keeps one KongVault per prefix, so Kong never sees it."
    if row.credential_type and target.drops_conflicting_consumers:
        return f" Kong would reject it with \"{error}\", but KIC resolves the clash first, so Kong never sees it."
    return f" Kong {versions.show(target.kong)} answers \"{error}\"."


def _finding(row: UniqueField, group: list[Entity], index: KongIndex, show: Redactor) -> Finding:
    text = group[0].value.text
    plain = show(text) if row.sensitive else text  # a credential or identity is only fingerprinted
    outcome = _outcome(row, group, index)
    owners = sorted({owner for entity in group for owner in entity.owners})
    owned = f" (owned by {', '.join(owners)})" if owners else ""
    shown = plain if row.sensitive else repr(text)
    message = (f"{len(group)} {row.what} share {row.field} {shown}{owned}."
               f"{_kong_says(row, plain, index)} {outcome.text}.")
    return Finding(
        rule=row.rule,
        severity="error",
        message=message,
        participants=[Participant(e.ref, e.value.location) for e in group],
        entity=row.kong_entity,
        field=row.field,
        value_sha256=sha256_hex(text),
        outcome=outcome.name,
        kept=outcome.kept,
        dropped=outcome.dropped,
    )


def check(index: KongIndex) -> list[Finding]:
    show = Redactor(index.settings.show_values)
    findings = []
    for row in UNIQUE_FIELDS:
        groups: dict[str, list[Entity]] = defaultdict(list)
        for entity in _entities(row, index):
            groups[entity.value.text].append(entity)
        findings.extend(_finding(row, group, index, show) for group in groups.values() if len(group) > 1)
    return findings


_BEHAVIOUR = {
    "credential": "KIC >= 3.4 finds this clash itself and drops every KongConsumer involved; older KIC passes "
    "both credentials on and Kong >= 3.4 rejects the whole configuration (Kong < 3.4 DB-less silently keeps one).",
    "kong": "No KIC version detects this clash (KIC issue #4063): Kong >= 3.4 rejects the whole configuration "
    "and KIC keeps re-applying the last good one.",
    "KongVault": "KIC >= 3.1 keeps the KongVault with the oldest creationTimestamp (a tie goes to the smaller "
    "name) and skips the others with the event 'spec.prefix \"<p>\" is duplicate'.",
}

_EXAMPLES = {
    "jwt-key-conflict": ("jwt", "key"),
    "key-auth-key-conflict": ("key-auth", "key"),
    "basic-auth-username-conflict": ("basic-auth", "username"),
    "hmac-auth-username-conflict": ("hmac-auth", "username"),
    "oauth2-client-id-conflict": ("oauth2", "client_id"),
}


def _example(row: UniqueField) -> str:
    if row.credential_type:
        cred_type, key = _EXAMPLES[row.rule]
        secret = (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  labels:\n"
            f"    konghq.com/credential: {cred_type}\nstringData:\n  {key}: same-value\n"
        )
        return secret.format(name="alice-cred") + "---\n" + secret.format(name="bob-cred")
    if row.source == "KongVault":
        vault = "apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: {n}\n" \
            "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: secrets\n"
        return vault.format(n="env-a") + "---\n" + vault.format(n="env-b")
    if row.source == "KongConsumerGroup":
        group = "apiVersion: configuration.konghq.com/v1beta1\nkind: KongConsumerGroup\nmetadata:\n" \
            "  name: gold\n  namespace: {ns}\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
        return group.format(ns="team-a") + "---\n" + group.format(ns="team-b")
    consumer = "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {n}\n" \
        f"  annotations:\n    kubernetes.io/ingress.class: kong\n{row.field}: same-value\n"
    return consumer.format(n="alice") + "---\n" + consumer.format(n="alice-v2")


def _info(row: UniqueField) -> RuleInfo:
    kind = "credential" if row.credential_type else ("KongVault" if row.source == "KongVault" else "kong")
    return RuleInfo(
        id=row.rule,
        severity="error",
        summary=f"two {row.what} with the same {row.field} (Kong entity {row.kong_entity})",
        behaviour=f"Kong keeps {row.kong_entity}.{row.field} unique. " + _BEHAVIOUR[kind],
        example=_example(row),
        fix=f"Give each {row.source} its own {row.field}, or remove the copy that is no longer needed.",
    )


RULES = [_info(row) for row in UNIQUE_FIELDS]
