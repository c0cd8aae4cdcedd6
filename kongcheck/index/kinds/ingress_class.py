"""IngressClass (networking.k8s.io/v1): whether it is the cluster's default class.

Kubernetes and KIC take only the exact text "true" in the is-default-class annotation.
"""
from __future__ import annotations

from dataclasses import dataclass

from kongcheck.facts.kube import DEFAULT_CLASS_ANNOTATION
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record


@dataclass(slots=True)
class IngressClass(Record):
    is_default: bool = False


def parse(obj: Obj) -> IngressClass:
    return IngressClass(obj, is_default=obj.annotation(DEFAULT_CLASS_ANNOTATION) == "true")
