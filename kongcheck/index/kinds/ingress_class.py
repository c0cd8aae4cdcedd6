"""IngressClass (networking.k8s.io/v1): whether it is the cluster's default class.

Kubernetes and KIC take only the exact text "true" in the is-default-class annotation.
"""
from __future__ import annotations

from kongcheck.facts.kube import DEFAULT_CLASS_ANNOTATION
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record


class IngressClass(Record):
    __slots__ = ("is_default",)

    def __init__(self, obj: Obj, *, is_default: bool = False) -> None:
        Record.__init__(self, obj)
        self.is_default = is_default


def parse(obj: Obj) -> IngressClass:
    return IngressClass(obj, is_default=obj.annotation(DEFAULT_CLASS_ANNOTATION) == "true")
