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
        "take no part in collisions, and whatever they configure never reaches Kong. When Kong objects exist "
        "but none is processed and some carry another class, one warning lists the classes found (a "
        "mistyped --ingress-class checks nothing). On KIC < 3.1 a KongVault cannot even be applied: its CRD "
        "does not exist yet.",
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


def _wrong_class(index: KongIndex) -> list[Finding]:
    """One warning when Kong objects exist but every one carries another class: likely a wrong --ingress-class."""
    wanted = index.settings.ingress_class
    if index.consumers or index.groups or index.vaults:
        return []
    first: dict[str, object] = {}  # each other class -> its first object, in apply order
    for record, _reason, _warn in index.ignored:
        annotation = record.class_annotation
        if annotation and annotation != wanted:
            first.setdefault(annotation, record)
    if not first:
        return []
    found = ", ".join(repr(name) for name in sorted(first))
    return [Finding(
        rule="ignored-by-controller",
        severity="warning",
        message=f"no KongConsumer, KongConsumerGroup or KongVault carries class {wanted!r}, so the controller "
        f"for it processes none of them and nothing is checked (classes found: {found}); check --ingress-class",
        participants=[Participant(record.obj.ref, _where(record.obj)) for record in first.values()],
    )]


def check(index: KongIndex) -> list[Finding]:
    findings = [_finding(index, record, reason) for record, reason, warn in index.ignored
                if warn and not record.obj.is_live]
    return findings + _wrong_class(index)
