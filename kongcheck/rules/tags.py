"""invalid-tag: a konghq.com/tags entry Kong refuses, which rejects the whole configuration."""
from __future__ import annotations

from kongcheck.index import KongIndex
from kongcheck.index.objects import Obj
from kongcheck.loading.values import LMap
from kongcheck.model import Finding, Participant
from kongcheck.rules.base import RuleInfo

TAGS_ANNOTATION = "konghq.com/tags"

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


def _tagged_objects(index: KongIndex) -> list[Obj]:
    """The objects whose tags reach Kong: processed consumers, groups and vaults, attached Secrets."""
    objects = {id(r.obj): r.obj for r in (*index.consumers, *index.groups, *index.vaults)}
    for attachment in index.attachments:
        if attachment.secret is not None and attachment.cred_type:
            objects.setdefault(id(attachment.secret.obj), attachment.secret.obj)
    return [obj for obj in objects.values() if not obj.is_live]


def _check(obj: Obj) -> Finding | None:
    value = obj.annotation(TAGS_ANNOTATION)
    if not value:
        return None
    bad = [tag for tag in value.split(",") if "/" in tag]
    if not bad:
        return None
    annotations = obj.metadata.get("annotations")
    where = obj.location(annotations, TAGS_ANNOTATION) if isinstance(annotations, LMap) else \
        obj.location(obj.body, "kind")
    return Finding("invalid-tag", "error",
                   f"{obj.ref.id}: tag {', '.join(repr(tag) for tag in bad)} in {TAGS_ANNOTATION} contains '/'; "
                   "Kong refuses such tags and rejects the whole configuration",
                   [Participant(obj.ref, where)])


def check(index: KongIndex) -> list[Finding]:
    return [finding for finding in map(_check, _tagged_objects(index)) if finding is not None]
