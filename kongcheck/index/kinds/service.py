"""Service (core v1): its ``konghq.com/*`` annotations (plugins among them) and its ports.

KIC binds the plugins a Service names to the Kong service built for it (every Kubernetes Service
behind one Kong service: internal/dataplane/kongstate/kongstate.go getPluginRelations), and reads
its other ``konghq.com/*`` annotations as Kong service settings, which must agree among the
Services of one multi-backend rule (translator/ingressrules.go collectInconsistentAnnotations).
Services have no class rules.
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts.kube import PLUGINS_ANNOTATION
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Record, Value, int_value, kong_annotations, text_value
from kongcheck.parse.values import LMap, LSeq


class ServicePort(NamedTuple):
    name: Value | None
    port: int | None
    protocol: str | None
    line: int
    column: int | None


class Service(Record):
    __slots__ = ("annotations", "ports", "type")

    def __init__(self, obj: Obj, *, annotations: dict[str, Value] | None = None,
                 ports: list[ServicePort] | None = None, type: str | None = None) -> None:
        Record.__init__(self, obj)
        self.annotations = {} if annotations is None else annotations  # konghq.com/* only
        self.ports = [] if ports is None else ports
        self.type = type

    @property
    def plugins(self) -> Value | None:
        return self.annotations.get(PLUGINS_ANNOTATION)


def parse(obj: Obj) -> Service:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    ports: list[ServicePort] = []
    items = obj.get(spec, "ports", LSeq, "spec.ports") if spec else None
    for index, item in enumerate(items or ()):
        if not isinstance(item, LMap):
            raise FieldError(f"Service {obj.ref.name!r}: spec.ports[{index}] must be a mapping", items.where(index)[0])
        path = f"spec.ports[{index}]"
        line, column = items.where(index)
        ports.append(ServicePort(text_value(obj, item, "name", path + ".name"), int_value(obj, item, "port", path + ".port"),
                                 obj.get(item, "protocol", str, path + ".protocol"), line, column))
    return Service(obj, annotations=kong_annotations(obj), ports=ports,
                   type=obj.get(spec, "type", str, "spec.type") if spec else None)


def inconsistent_annotations(services: list) -> list[str]:
    """The konghq.com/* annotations that the Services behind one Kong service do not all carry with one
    value (KIC skips that Kong service and its routes)."""
    seen: dict[str, str] = {}
    for service in services:
        for name, value in service.annotations.items():
            seen[name] = value.text
    bad = []
    for name, text in seen.items():
        if any(name not in s.annotations or s.annotations[name].text != text for s in services):
            bad.append(name)
    return sorted(bad)
