"""Ingress (networking.k8s.io/v1): its rules, paths and backends, TLS entries, default backend and
``konghq.com/*`` annotations.

KIC: internal/dataplane/translator/subtranslator/ingress.go (one Kong route per Ingress, host,
backend Service and port; an empty path is "/"), translate_ingress.go (the default backend of
the oldest Ingress, TLS hosts per Secret).  The class comes from the ``kubernetes.io/ingress.class``
annotation or ``spec.ingressClassName`` (index/classes.py).
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts import names
from kongcheck.facts.kube import PLUGINS_ANNOTATION
from kongcheck.index.kinds.tcp_ingress import TLSEntry, tls_entries
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Classed, Value, int_value, kong_annotations, text_value
from kongcheck.parse.values import LMap, LSeq


class Backend(NamedTuple):
    """``backend.service`` (name and port number or name) or ``backend.resource``."""

    service: Value | None  # the Service name
    port_number: int | None
    port_name: Value | None
    resource_kind: str | None  # backend.resource: a KongServiceFacade or something KIC refuses
    resource_group: str | None
    resource_name: Value | None
    line: int
    column: int | None

    @property
    def port(self) -> int | str | None:
        """The port as KIC names it: its number, else its name, else None (an implicit port)."""
        if self.port_number:
            return self.port_number
        return self.port_name.text if self.port_name is not None and self.port_name.text else None


class IngressPath(NamedTuple):
    path: str  # as written ("" when absent)
    path_type: str | None
    backend: Backend | None
    line: int
    column: int | None


class IngressRule(NamedTuple):
    host: Value | None
    paths: list[IngressPath]
    line: int
    column: int | None


class KongRoute(NamedTuple):
    name: str
    service: str  # the Kong service name
    backend: Backend  # the first path's backend
    paths: list[IngressPath]


class Ingress(Classed):
    __slots__ = ("rules", "tls", "default_backend", "annotations")

    def __init__(self, obj: Obj, *, rules: list[IngressRule] | None = None, tls: list[TLSEntry] | None = None,
                 default_backend: Backend | None = None, annotations: dict[str, Value] | None = None) -> None:
        Classed.__init__(self, obj)
        self.rules = [] if rules is None else rules
        self.tls = [] if tls is None else tls  # read as a TCPIngress reads its own
        self.default_backend = default_backend
        self.annotations = {} if annotations is None else annotations  # konghq.com/* only

    @property
    def plugins(self) -> Value | None:
        return self.annotations.get(PLUGINS_ANNOTATION)

    def kong_routes(self) -> list[KongRoute]:
        """One entry per Kong route KIC builds from the rules (not the default backend), in the order
        of their first path: the paths of one host, Service and port share a route (facts/names.py)."""
        ref = self.obj.ref
        routes: dict[str, KongRoute] = {}
        for rule in self.rules:
            host = rule.host.text if rule.host is not None else ""
            for path in rule.paths:
                backend = path.backend
                if backend is None or backend.service is None:
                    continue
                key = names.ingress_route_key(ref.namespace, ref.name, backend.service.text, host, backend.port)
                if key not in routes:
                    routes[key] = KongRoute(
                        names.ingress_route(ref.namespace, ref.name, backend.service.text, host, backend.port),
                        names.ingress_service(ref.namespace, backend.service.text, backend.port), backend, [])
                routes[key].paths.append(path)
        return list(routes.values())


def _mapping(obj: Obj, items: LSeq, index: int, path: str) -> LMap:
    item = items[index]
    if not isinstance(item, LMap):
        raise FieldError(f"Ingress {obj.ref.name!r}: {path} must be a mapping", items.where(index)[0])
    return item


def _backend(obj: Obj, parent: LMap, key: str, path: str) -> Backend | None:
    backend = obj.get(parent, key, LMap, path)
    if backend is None:
        return None
    line, column = parent.where(key)
    service = obj.get(backend, "service", LMap, path + ".service")
    name = number = port_name = None
    if service is not None:
        name = text_value(obj, service, "name", path + ".service.name")
        port = obj.get(service, "port", LMap, path + ".service.port")
        if port is not None:
            number = int_value(obj, port, "number", path + ".service.port.number")
            port_name = text_value(obj, port, "name", path + ".service.port.name")
    resource = obj.get(backend, "resource", LMap, path + ".resource")
    kind = group = resource_name = None
    if resource is not None:
        kind = obj.get(resource, "kind", str, path + ".resource.kind")
        group = obj.get(resource, "apiGroup", str, path + ".resource.apiGroup")
        resource_name = text_value(obj, resource, "name", path + ".resource.name")
    return Backend(name, number, port_name, kind, group, resource_name, line, column)


def _rules(obj: Obj, spec: LMap) -> list[IngressRule]:
    rules = []
    items = obj.get(spec, "rules", LSeq, "spec.rules") or []
    for index in range(len(items)):
        path = f"spec.rules[{index}]"
        rule = _mapping(obj, items, index, path)
        http = obj.get(rule, "http", LMap, path + ".http")
        paths = []
        entries = obj.get(http, "paths", LSeq, path + ".http.paths") if http else None
        for number in range(len(entries or ())):
            where = f"{path}.http.paths[{number}]"
            entry = _mapping(obj, entries, number, where)
            paths.append(IngressPath(obj.get(entry, "path", str, where + ".path") or "",
                                     obj.get(entry, "pathType", str, where + ".pathType"),
                                     _backend(obj, entry, "backend", where + ".backend"), *entries.where(number)))
        rules.append(IngressRule(text_value(obj, rule, "host", path + ".host"), paths, *items.where(index)))
    return rules


def parse(obj: Obj) -> Ingress:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    if spec is None:
        return Ingress(obj, annotations=kong_annotations(obj))
    return Ingress(obj, rules=_rules(obj, spec), tls=tls_entries(obj, spec),
                   default_backend=_backend(obj, spec, "defaultBackend", "spec.defaultBackend"),
                   annotations=kong_annotations(obj))
