"""invalid-tag: a konghq.com/tags entry Kong refuses, which rejects the whole configuration."""
from __future__ import annotations

from kongcheck.facts.kong import TAG_FORBIDDEN
from kongcheck.facts.kube import TAGS_ANNOTATION
from kongcheck.index import KongIndex
from kongcheck.index.records import Record
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo, said

RULES = [
    RuleInfo(
        id="invalid-tag",
        severity="error",
        summary="a konghq.com/tags entry that contains '/', which Kong refuses",
        behaviour="KIC splits the `konghq.com/tags` annotation on ',' and adds each part as a Kong tag to "
        "the entity (credentials take the tags of their Secret). Kong's tag type forbids ',' and '/', so one "
        "such tag fails schema validation and Kong rejects the whole configuration.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\n    konghq.com/tags: team/payments\n"
        "username: alice\n",
        fix="Use tags without '/' (for example `team-payments` or `team:payments`).",
    )
]


def _tagged(index: KongIndex) -> list[Record]:
    """The records with tags that reach Kong: processed objects of classed kinds, attached Secrets (a
    Secret is of no classed kind, so it is never among the processed objects)."""
    records = [r for kind_records in index.processed.values() for r in kind_records
               if r.tags is not None and not r.obj.is_live]
    secrets: dict[int, Record] = {}
    for attachment in index.attachments:
        secret = attachment.secret
        if secret is not None and secret.tags is not None and attachment.cred_type and not secret.obj.is_live:
            secrets.setdefault(id(secret), secret)
    return records + list(secrets.values())


def _check(record: Record) -> Hit | None:
    tags = record.tags
    if tags is None or not tags.text:
        return None
    bad = [tag for tag in tags.text.split(",") if TAG_FORBIDDEN in tag]
    if not bad:
        return None
    ref = record.obj.ref
    return Hit("invalid-tag", participants=[Participant(ref, tags.location)],
               **said(f"{ref.id}: tag {', '.join(repr(tag) for tag in bad)} in {TAGS_ANNOTATION} contains "
                      f"'{TAG_FORBIDDEN}'", "Kong refuses such tags and rejects the whole configuration", "; "))


def check(index: KongIndex):
    return [hit for hit in map(_check, _tagged(index)) if hit is not None]
