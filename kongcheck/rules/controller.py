"""ignored-by-controller: objects the KIC for --ingress-class will never process."""
from __future__ import annotations

from kongcheck.index import KongIndex
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


def check(index: KongIndex) -> list[Finding]:
    findings = []
    for record, reason, warn in index.ignored:
        obj = record.obj
        if not warn or obj.is_live:
            continue
        annotations = obj.metadata.get("annotations")
        where = obj.location(annotations, "kubernetes.io/ingress.class") if (
            hasattr(annotations, "pos") and "kubernetes.io/ingress.class" in annotations
        ) else obj.location(obj.body, "kind")
        findings.append(Finding(
            rule="ignored-by-controller",
            severity="warning",
            message=f"{obj.ref.id} is ignored by the controller for class "
            f"{index.settings.ingress_class!r}: {reason}",
            participants=[Participant(obj.ref, where)],
        ))
    return findings
