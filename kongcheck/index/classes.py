"""Which objects the controller for ``--ingress-class`` processes.

KIC reads an object of a classed kind (facts/kinds.py) when its ``kubernetes.io/ingress.class``
annotation equals the class; an object without the annotation only when that class's
IngressClass is the cluster default; an empty annotation never (KIC: internal/store/store.go,
internal/controllers/utils/utils.go).  An Ingress may name its class in ``spec.ingressClassName``
instead: KIC takes the annotation when it is set and not empty, else that field (store.go
ListIngressesV1, utils.go MatchesIngressClass).  Objects whose ``spec.controlPlaneRef.type`` is not
``kic`` belong to another control plane (Kong Operator / Konnect) and are skipped by KIC >= 3.4.0;
older KIC does not read ``spec.controlPlaneRef`` and processes them
(internal/controllers/utils/control_plane_reference.go).  A kind whose CRD a KIC release does not
have yet cannot be applied at all.
"""
from __future__ import annotations

from kongcheck.facts.kinds import Kind
from kongcheck.facts.kube import CLASS_ANNOTATION, KIC_CONTROL_PLANE
from kongcheck.facts.versions import show
from kongcheck.index.records import Classed
from kongcheck.settings import Settings


def missing_crd(row: Kind) -> str:
    """The reason given for an object whose kind the target KIC's CRDs do not define."""
    since = show(row.since)
    return (f"the {row.kind} CRD does not exist before KIC {since}, so `kubectl apply` itself fails for it "
            f"(no matches for kind \"{row.kind}\"); remove it or target KIC {since} or newer")


def ignored_reason(record: Classed, settings: Settings, default_class: bool) -> tuple[str, bool] | None:
    """None if KIC processes the object, else (why, whether people should be warned)."""
    plane = record.control_plane
    if plane is not None and plane != KIC_CONTROL_PLANE and settings.target.honours_control_plane_ref:
        return f"spec.controlPlaneRef.type is {plane!r}; KIC only processes objects of type 'kic'", False
    annotation = record.class_annotation.text if record.class_annotation is not None else None
    wanted = settings.ingress_class
    if record.class_name is not None and not annotation:  # a non-empty annotation takes precedence
        name = record.class_name.text
        if name == wanted:
            return None
        return f"its spec.ingressClassName {name!r} is not {wanted!r}", False
    if annotation is None:
        if default_class:
            return None
        return (
            f"it has no {CLASS_ANNOTATION} annotation and IngressClass {wanted!r} is not known to be "
            f"the default class; add the annotation '{CLASS_ANNOTATION}: {wanted}', or pass "
            "--assume-default-class if it is the cluster's default",
            True,
        )
    if annotation == "":
        return f"its {CLASS_ANNOTATION} annotation is empty, which KIC ignores; set it to {wanted!r}", True
    if annotation != wanted:
        return f"its ingress class {annotation!r} is not {wanted!r}", False
    return None
