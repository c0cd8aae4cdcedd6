"""credential-shared-by-consumers: one credential Secret attached more than once."""
from __future__ import annotations

from kongcheck.facts import outcomes, unique
from kongcheck.index import Attachment, KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo

RULES = [
    RuleInfo(
        id="credential-shared-by-consumers",
        severity="error",
        summary="one credential Secret attached to two or more consumers (or twice to one)",
        behaviour="KIC makes one Kong credential per attachment, so the Secret's unique value is declared "
        "twice. KIC >= 3.4 registers both in its conflict index and drops every consumer involved; older KIC "
        "lets Kong >= 3.4 reject the whole configuration. Since KIC 3.2 `credentials` is a set, so the API "
        "server refuses a KongConsumer that lists one Secret twice (consumer-duplicate-list-entry), which then holds no "
        "credential at all. The webhook leaves a consumer's own "
        "Secrets out of its index, so it lets this through.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: alice\ncredentials: [team-key]\n"
        "---\napiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: bob\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: bob\ncredentials: [team-key]\n",
        fix="Give each consumer its own credential Secret with its own key.",
        collision=True,
    )
]


def _hit(attachments: list[Attachment], index: KongIndex, rows: dict) -> Hit | None:
    first = attachments[0]
    row = rows.get(first.cred_type or "")
    value = first.secret.values.get(row.field) if row else None
    if row is None or value is None or value.text == "":
        return None  # acl, mtls-auth: nothing unique; a missing value is invalid-credential's
    secret_ref = first.secret.obj.ref
    shown = attachments
    if index.settings.untrusted:  # a scan of an untrusted change names no live consumer (see rules/uniqueness.py)
        shown = [a for a in attachments if not a.consumer.obj.is_live]
    owners = [a.consumer.obj.ref.id for a in shown]
    outcome = outcomes.credential_clash(index.settings.target, row.kic_index, owners)  # KIC >= 3.2: no repeats
    how = f"by {', '.join(sorted(set(owners)))}"
    if len(shown) < len(attachments):
        how += " and by live KongConsumers that --untrusted does not name"
    title = f"{first.cred_type} Secret {secret_ref.id} is attached {len(attachments)} times"
    return Hit(
        "credential-shared-by-consumers",
        f"{title} {how}; its {row.field} becomes {len(attachments)} {row.entity} entities with one value. {outcome.text}.",
        [Participant(secret_ref, value.location)] + [Participant(a.consumer.obj.ref, a.name.location)
                                                     for a in shown],
        entity=row.entity, field=row.field, outcome=outcome,
        value=None if first.secret.obj.is_live else value.text,  # nothing derived from a value only the cluster holds
        title=title,
    )


def check(index: KongIndex):
    rows = unique.by_credential_type()
    for group in index.named_often():  # each Secret named more than once, in the order first named
        if group[0].secret is not None and group[0].cred_type:  # one Secret: one type
            hit = _hit(group, index, rows)
            if hit is not None:
                yield hit
