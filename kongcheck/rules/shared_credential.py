"""credential-shared-by-consumers: one credential Secret attached more than once."""
from __future__ import annotations

from collections import defaultdict

from kongcheck import outcomes
from kongcheck.index import Attachment, KongIndex
from kongcheck.model import Finding, Participant
from kongcheck.redact import sha256_hex
from kongcheck.rules.base import RuleInfo
from kongcheck.rules.table import BY_CREDENTIAL_TYPE

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
    )
]


def _finding(attachments: list[Attachment], index: KongIndex) -> Finding | None:
    first = attachments[0]
    row = BY_CREDENTIAL_TYPE.get(first.cred_type or "")
    value = first.secret.values.get(row.field) if row else None
    if row is None or value is None or value.text == "":
        return None  # acl, mtls-auth: nothing unique; a missing value is invalid-credential's
    target = index.settings.target
    owners = [a.consumer.obj.ref.id for a in attachments]
    secret_ref = first.secret.obj.ref
    outcome = outcomes.credential_clash(target, row.kic_index, owners)  # KIC >= 3.2: no repeats (index.refused)
    how = f"{len(attachments)} times by {', '.join(sorted(set(owners)))}"
    return Finding(
        rule="credential-shared-by-consumers",
        severity="error",
        message=f"{first.cred_type} Secret {secret_ref.id} is attached {how}; its {row.field} becomes "
        f"{len(attachments)} {row.kong_entity} entities with one value. {outcome.text}.",
        participants=[Participant(secret_ref, value.location)]
        + [Participant(a.consumer.obj.ref, a.name.location) for a in attachments],
        entity=row.kong_entity,
        field=row.field,
        value_sha256=sha256_hex(value.text),
        outcome=outcome.name,
        kept=outcome.kept,
        dropped=outcome.dropped,
    )


def check(index: KongIndex) -> list[Finding]:
    by_secret: dict[object, list[Attachment]] = defaultdict(list)
    for attachment in index.attachments:
        if attachment.secret is not None and attachment.cred_type:
            by_secret[attachment.secret.obj.ref].append(attachment)
    findings = [_finding(group, index) for group in by_secret.values() if len(group) > 1]
    return [finding for finding in findings if finding is not None]
