"""ignored-by-controller: objects the KIC for --ingress-class will never process."""
from __future__ import annotations

from kongcheck.index import NO_VAULT_CRD, KongIndex
from kongcheck.model import Finding, Participant
from kongcheck.rules.base import RuleInfo

RULES = [
    RuleInfo(
        id="ignored-by-controller",
        severity="warning",
        summary="a KongConsumer, KongConsumerGroup or KongVault that the controller will not process",
        behaviour="KIC reads an object whose `kubernetes.io/ingress.class` annotation equals its class; an "
        "object without the annotation only when that IngressClass has "
        "`ingressclass.kubernetes.io/is-default-class: \"true\"`; an empty annotation never. Such objects "
        "take no part in collisions, and whatever they configure never reaches Kong.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "username: alice   # no ingress class annotation, and 'kong' is not the default class\n",
        fix="Add `kubernetes.io/ingress.class: <class>`, or pass --assume-default-class (or include the "
        "IngressClass) if the class is the cluster's default.",
    )
]


def _where(obj):
    """The class annotation's value when it is written, else ``kind:``."""
    annotations = obj.metadata.get("annotations")
    if hasattr(annotations, "pos") and "kubernetes.io/ingress.class" in annotations:
        return obj.location(annotations, "kubernetes.io/ingress.class")
    return obj.location(obj.body, "kind")


def _finding(index: KongIndex, record, reason: str) -> Finding:
    obj = record.obj
    if reason == NO_VAULT_CRD:  # not a class matter: the kind itself is unknown to the API server
        message, where = f"{obj.ref.id} cannot be applied: {reason}", obj.location(obj.body, "kind")
    else:
        message = f"{obj.ref.id} is ignored by the controller for class {index.settings.ingress_class!r}: {reason}"
        where = _where(obj)
    return Finding(rule="ignored-by-controller", severity="warning", message=message,
                   participants=[Participant(obj.ref, where)])


def check(index: KongIndex) -> list[Finding]:
    return [_finding(index, record, reason) for record, reason, warn in index.ignored
            if warn and not record.obj.is_live]
