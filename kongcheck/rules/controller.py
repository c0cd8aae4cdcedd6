"""ignored-by-controller: objects the KIC for --ingress-class will never process."""
from __future__ import annotations

from kongcheck.facts.kinds import classed_kinds, listing
from kongcheck.facts.kube import CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION
from kongcheck.index import Ignored, KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo, said

_KINDS = listing(classed_kinds())
ALLOW_OTHER_CLASSES = "--allow-other-classes"  # accepts an input with no object for --ingress-class

RULES = [
    RuleInfo(
        id="ignored-by-controller",
        severity="warning",
        summary=f"a {_KINDS} that the controller will not process",
        behaviour=f"KIC reads an object whose `{CLASS_ANNOTATION}` annotation equals its class; an "
        "object without the annotation only when that IngressClass has "
        f"`{DEFAULT_CLASS_ANNOTATION}: \"true\"`; an empty annotation never. Such objects "
        "take no part in collisions, and whatever they configure never reaches Kong. When the input's Kong "
        "objects are all ignored and some carry another class, the scan checked nothing: that is an input "
        f"error (exit 2) naming the classes found, or with {ALLOW_OTHER_CLASSES} one warning.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "username: alice   # no ingress class annotation, and 'kong' is not the default class\n",
        fix=f"Add `{CLASS_ANNOTATION}: <class>`, or pass --assume-default-class (or include the "
        "IngressClass) if the class is the cluster's default.",
    ),
    RuleInfo(
        id="crd-missing",
        severity="error",
        summary="an object of a kind the target KIC release does not define (a KongVault before KIC 3.1)",
        behaviour="The CRDs of a KIC release define only the kinds that release knows, so the API server has "
        "no such resource and `kubectl apply` fails for the object ('no matches for kind'), whatever its class.",
        example="apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault   # with --kic-version 3.0\n"
        "metadata:\n  name: env-vault\nspec:\n  backend: env\n  prefix: app\n",
        fix="Remove the object, or upgrade KIC (and its CRDs) to the release that introduced the kind.",
    ),
]


def _where(record):
    """The class annotation's value when it is written, else ``kind:``."""
    annotation = record.class_annotation
    return annotation.location if annotation is not None else record.obj.kind_location


def _hit(index: KongIndex, ignored: Ignored) -> Hit:
    record = ignored.record
    ref = record.obj.ref
    if ignored.crd_missing:  # not a class matter: the kind is unknown to the API server
        return Hit("crd-missing", participants=[Participant(ref, record.obj.kind_location)],
                   **said(f"{ref.id} cannot be applied", ignored.reason))
    return Hit("ignored-by-controller", participants=[Participant(ref, _where(record))],
               **said(f"{ref.id} is ignored by the controller",
                      f"for class {index.settings.ingress_class!r}: {ignored.reason}", " "))


def other_classes_message(index: KongIndex) -> str | None:
    """The line saying that no object of the input is for --ingress-class, naming the classes found;
    None when some object is processed or none carries another class."""
    first = index.other_classes()
    if not first:
        return None
    found = ", ".join(repr(name) for name in sorted(first))
    return (f"no {_KINDS} carries class {index.settings.ingress_class!r}, so the controller for it processes "
            f"none of them and nothing is checked (classes found: {found}); check --ingress-class")


def _wrong_class(index: KongIndex) -> list[Hit]:
    """Accepted with --allow-other-classes, a wrong class is one warning on the objects of each class
    found; otherwise the pipeline makes it an input error (a gate that checked nothing must not pass)."""
    message = other_classes_message(index) if index.settings.allow_other_classes else None
    if message is None:
        return []
    return [Hit("ignored-by-controller", message,
                [Participant(record.obj.ref, _where(record)) for record in index.other_classes().values()],
                title=message.split(", so ", 1)[0])]


def check(index: KongIndex) -> list[Hit]:
    hits = [_hit(index, ignored) for ignored in index.ignored if ignored.warn and not ignored.record.obj.is_live]
    return hits + _wrong_class(index)
