"""Pieces that Gateway API kinds share: object references, route rules, matches and filters.

Read as the API server stores them, defaults applied (gateway-api apis/v1: a parentRef is a
``gateway.networking.k8s.io`` Gateway, a backendRef a core Service of weight 1, a header match
``Exact``, a rule without matches gets one catch-all match), because KIC sees the stored object.
Keys that KIC groups rules, matches and filters by are kept as canonical text (KIC:
internal/dataplane/translator/subtranslator/httproute.go getSortedItemsString, getKey).
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts.kube import GATEWAY_GROUP
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Value, int_value, text_value
from kongcheck.parse.values import LMap, LSeq


class ObjectRef(NamedTuple):
    """A parentRef, backendRef, extensionRef or certificateRef, defaults applied."""

    group: str
    kind: str
    name: Value | None
    namespace: str | None  # None: the referrer's namespace
    section: str | None  # parentRef sectionName
    port: int | None
    weight: int | None
    line: int
    column: int | None


class Filter(NamedTuple):
    type: str | None
    extension: ObjectRef | None  # an ExtensionRef filter's reference
    key: str  # canonical text of the whole filter
    line: int
    column: int | None


class Match(NamedTuple):
    key: str  # method, headers (lower-cased, first of each name, sorted) and query params (first of each)
    line: int
    column: int | None


class Backend(NamedTuple):
    ref: ObjectRef
    filters: list[Filter]


class RouteRule(NamedTuple):
    index: int
    name: str | None
    matches: list[Match]
    filters: list[Filter]
    backends: list[Backend]
    backends_key: str  # KIC groups the rules of one route with equal keys into one Kong service
    filters_key: str  # and the rules of one Kong service with equal keys into shared Kong routes
    line: int
    column: int | None


def canonical(value) -> str:
    """Order-independent text of parsed YAML (mapping keys sorted): equal text, equal objects."""
    import json  # only once a Gateway API route is read

    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def items_of(obj: Obj, parent: LMap | None, key: str, path: str) -> list[tuple[LMap, str, tuple]]:
    """The mappings of the list ``parent[key]``, each with its path and position."""
    items = obj.get(parent, key, LSeq, path) if parent is not None else None
    out = []
    for index, item in enumerate(items or ()):
        where = f"{path}[{index}]"
        if not isinstance(item, LMap):
            raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {where} must be a mapping", items.where(index)[0])
        out.append((item, where, items.where(index)))
    return out


def object_ref(obj: Obj, item: LMap, path: str, position: tuple, group: str, kind: str) -> ObjectRef:
    return ObjectRef(
        obj.get(item, "group", str, path + ".group") if "group" in item else group,
        obj.get(item, "kind", str, path + ".kind") or kind,
        text_value(obj, item, "name", path + ".name"),
        obj.get(item, "namespace", str, path + ".namespace"),
        obj.get(item, "sectionName", str, path + ".sectionName"),
        int_value(obj, item, "port", path + ".port"),
        int_value(obj, item, "weight", path + ".weight"),
        *position,
    )


def parent_refs(obj: Obj, spec: LMap | None) -> list[ObjectRef]:
    return [object_ref(obj, item, path, position, GATEWAY_GROUP, "Gateway")
            for item, path, position in items_of(obj, spec, "parentRefs", "spec.parentRefs")]


def _filters(obj: Obj, parent: LMap, path: str) -> list[Filter]:
    found = []
    for item, where, position in items_of(obj, parent, "filters", path + ".filters"):
        extension = obj.get(item, "extensionRef", LMap, where + ".extensionRef")
        ref = None
        if extension is not None:
            ref = object_ref(obj, extension, where + ".extensionRef", item.where("extensionRef"), "", "")
        found.append(Filter(obj.get(item, "type", str, where + ".type"), ref, canonical(item), *position))
    return found


def _first_of_each(entries: list[dict], lower: bool) -> list[dict]:
    seen, kept = set(), []
    for entry in entries:
        name = str(entry.get("name", ""))
        name = name.lower() if lower else name
        if name in seen:
            continue
        seen.add(name)
        kept.append({**entry, "name": name, "type": entry.get("type") or "Exact"})
    return kept


def _match_key(obj: Obj, item: LMap, path: str) -> str:
    headers = [entry for entry, _, _ in items_of(obj, item, "headers", path + ".headers")]
    query = [entry for entry, _, _ in items_of(obj, item, "queryParams", path + ".queryParams")]
    kept_headers = sorted(_first_of_each(headers, True), key=lambda entry: entry["name"])
    method = item.get("method")  # an HTTP method, or a GRPCRoute's service/method mapping
    return canonical({"method": method, "headers": kept_headers,
                      "query": _first_of_each(query, False)})


def _matches(obj: Obj, rule: LMap, path: str, position: tuple) -> list[Match]:
    matches = [Match(_match_key(obj, item, where), *where_at)
               for item, where, where_at in items_of(obj, rule, "matches", path + ".matches")]
    return matches or [Match(canonical({"method": None, "headers": [], "query": []}), *position)]


def _backend_key(ref: ObjectRef, filters: list[Filter]) -> str:
    return canonical({"group": ref.group, "kind": ref.kind, "name": ref.name.text if ref.name else None,
                      "namespace": ref.namespace, "port": ref.port, "weight": 1 if ref.weight is None else ref.weight,
                      "filters": [f.key for f in filters]})


def route_rules(obj: Obj, spec: LMap | None) -> list[RouteRule]:
    rules = []
    for index, (item, path, position) in enumerate(items_of(obj, spec, "rules", "spec.rules")):
        backends = []
        for entry, where, at in items_of(obj, item, "backendRefs", path + ".backendRefs"):
            backends.append(Backend(object_ref(obj, entry, where, at, "", "Service"), _filters(obj, entry, where)))
        filters = _filters(obj, item, path)
        rules.append(RouteRule(
            index, obj.get(item, "name", str, path + ".name"), _matches(obj, item, path, position), filters,
            backends, ";".join(sorted(_backend_key(b.ref, b.filters) for b in backends)),
            ";".join(sorted(f.key for f in filters)), *position))
    return rules


def hostnames(obj: Obj, spec: LMap | None) -> list[Value]:
    items = obj.get(spec, "hostnames", LSeq, "spec.hostnames") if spec is not None else None
    values = []
    for index, item in enumerate(items or ()):
        if not isinstance(item, str):
            raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: spec.hostnames[{index}] must be text",
                             items.where(index)[0])
        values.append(Value(item, obj, items.where(index)))
    return values


def for_kic(route, index) -> bool:
    """Whether KIC translates an HTTPRoute or GRPCRoute: some parentRef names a Gateway (of the Gateway API
    group) that is KIC's, or that kongcheck cannot see (or whose GatewayClass it cannot see); a route whose
    every parent is another controller's is not."""
    for parent in route.parents:
        if parent.kind != "Gateway" or parent.group != GATEWAY_GROUP or parent.name is None:
            continue
        gateway = index.find("Gateway", parent.namespace or route.obj.ref.namespace, parent.name.text)
        if gateway is None or gateway.class_name is None:
            return True
        found = index.find("GatewayClass", "", gateway.class_name.text)
        if found is None or found.is_kic:
            return True
    return False


def backend_services(route, rule: RouteRule, index) -> list:
    """The Services of a route rule that KIC uses, each once, in backendRef order (KIC:
    internal/dataplane/translator/backendref.go backendRefsToKongStateBackends).  A backendRef counts when
    it names a Service of the core group (group ``""`` or ``core``) that the index knows and, when it names
    another namespace, a ReferenceGrant there lets the route's kind in the route's namespace refer to that
    Service (before KIC 3.1 also when it names the route's own namespace).  KIC leaves any other backendRef
    out with a log line: its Service is no part of the Kong service, so its ``konghq.com/*`` annotations,
    plugins included, are neither compared nor applied."""
    own = route.obj.ref.namespace
    source = (GATEWAY_GROUP, route.obj.ref.kind, own)
    needs_grant_at_home = index.settings.target.own_namespace_backend_needs_grant
    services: list = []
    for backend in rule.backends:
        ref = backend.ref
        if ref.kind != "Service" or ref.group not in ("", "core") or ref.name is None:
            continue
        namespace = own if ref.namespace is None else ref.namespace
        if ref.namespace is not None and (namespace != own or needs_grant_at_home) and not index.granted(
                source, namespace, ref.group, "Service", ref.name.text):
            continue
        found = index.find("Service", namespace, ref.name.text)
        if found is not None and all(found is not service for service in services):
            services.append(found)
    return services
