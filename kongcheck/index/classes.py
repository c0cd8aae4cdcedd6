"""Which objects the controller for ``--ingress-class`` processes (KIC-NOTES.md, "Ingress class").

KIC reads an object when its ``kubernetes.io/ingress.class`` annotation equals the class;
an object without the annotation only when that class's IngressClass is the cluster
default; an empty annotation never.  Objects whose ``spec.controlPlaneRef.type`` is not
``kic`` belong to another control plane (Kong Operator / Konnect) and are skipped by
KIC >= 3.4.0; older KIC does not read ``spec.controlPlaneRef`` and processes them.
"""
from __future__ import annotations

from kongcheck.index.resources import Classed
from kongcheck.settings import Settings


def ignored_reason(record: Classed, settings: Settings, default_class: bool) -> tuple[str, bool] | None:
    """None if KIC processes the object, else (why, whether people should be warned)."""
    plane = record.control_plane
    if plane is not None and plane != "kic" and settings.target.honours_control_plane_ref:
        return f"spec.controlPlaneRef.type is {plane!r}; KIC only processes objects of type 'kic'", False
    annotation = record.class_annotation
    wanted = settings.ingress_class
    if annotation is None:
        if default_class:
            return None
        return (
            f"it has no kubernetes.io/ingress.class annotation and IngressClass {wanted!r} is not known to be "
            f"the default class; add the annotation 'kubernetes.io/ingress.class: {wanted}', or pass "
            "--assume-default-class if it is the cluster's default",
            True,
        )
    if annotation == "":
        return (
            f"its kubernetes.io/ingress.class annotation is empty, which KIC ignores; set it to {wanted!r}",
            True,
        )
    if annotation != wanted:
        return f"its ingress class {annotation!r} is not {wanted!r}", False
    return None
