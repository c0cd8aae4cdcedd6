"""Gateway (gateway.networking.k8s.io v1 and v1beta1): its class and listeners.

KIC: internal/dataplane/translator/translate_certs.go getGatewayCerts (a listener's hostname and
TLS certificateRefs, a core Secret unless said otherwise), internal/controllers/gateway.
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.index.gateway_api import ObjectRef, items_of, object_ref
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record, Value, int_value, text_value
from kongcheck.parse.values import LMap


class Listener(NamedTuple):
    name: Value | None
    hostname: Value | None
    port: int | None
    protocol: str | None
    tls_mode: str | None
    certificates: list[ObjectRef]
    line: int
    column: int | None


class Gateway(Record):
    __slots__ = ("class_name", "listeners")

    def __init__(self, obj: Obj, *, class_name: Value | None = None, listeners: list[Listener] | None = None) -> None:
        Record.__init__(self, obj)
        self.class_name = class_name  # spec.gatewayClassName
        self.listeners = [] if listeners is None else listeners


def parse(obj: Obj) -> Gateway:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    listeners = []
    for item, path, position in items_of(obj, spec, "listeners", "spec.listeners"):
        tls = obj.get(item, "tls", LMap, path + ".tls")
        refs = [object_ref(obj, ref, where, at, "", "Secret")
                for ref, where, at in items_of(obj, tls, "certificateRefs", path + ".tls.certificateRefs")] if tls else []
        listeners.append(Listener(text_value(obj, item, "name", path + ".name"),
                                  text_value(obj, item, "hostname", path + ".hostname"),
                                  int_value(obj, item, "port", path + ".port"),
                                  obj.get(item, "protocol", str, path + ".protocol"),
                                  obj.get(tls, "mode", str, path + ".tls.mode") if tls else None, refs, *position))
    return Gateway(obj, class_name=text_value(obj, spec, "gatewayClassName", "spec.gatewayClassName") if spec else None,
                   listeners=listeners)
