"""The names KIC gives the Kong services and routes it builds from Ingresses and Gateway API routes.

Kong keeps ``services.name`` and ``routes.name`` unique; KIC keys its own maps by these names, so
two sources that come out with one name are merged or overwritten before Kong sees them.

Sources (KIC 3.4 and 3.5, the same code in both):
- Ingress: internal/dataplane/translator/subtranslator/ingress.go ``generateKongServiceName``
  (``<namespace>.<service>.<port>``; one Kong service per Service and port), ``intoKongRouteName``
  (``<namespace>.<ingress>.<service>.<host>.<port>``, ``*`` in the host written as ``_``),
  kongstate/types.go ``PortDef.CanonicalString`` (the port's number, else its name, else
  ``implicitPort``).
- Ingress default backend: translator/translate_ingress.go (the oldest Ingress only; service
  ``<namespace>.<service>.<port>``, route ``<namespace>.<ingress>``).
- HTTPRoute: subtranslator/httproute.go: the rules of one HTTPRoute with equal backendRefs make one
  Kong service ``httproute.<namespace>.<name>.<first rule>``; with
  ``--combined-services-from-different-httproutes`` (off by default) rules of every HTTPRoute of a
  namespace with equal backends share ``httproute.<namespace>.svc.<backend>_<backend>...`` (each
  backend ``<namespace>.<name>[.<port>][.<weight>]``, sorted; ``httproute.<namespace>.svc._`` with
  no backend; over 511 characters, the first backend and ``_combined.<sha256 of the name>``).
  Within one Kong service, rules with equal filters share Kong routes: their matches with equal
  method, headers and query parameters make one route named after the first of them,
  ``httproute.<namespace>.<name>.<rule>.<match>``.
- GRPCRoute: translator/translate_utils.go, service_names.go (``grpcroute.<namespace>.<name>.<rule>``),
  subtranslator/grpcroute.go (one route per match, ``grpcroute.<namespace>.<name>.<rule>.<match>``;
  a rule without matches ``.<rule>.0``).
"""
from __future__ import annotations

from typing import NamedTuple

IMPLICIT_PORT = "implicitPort"
MAX_COMBINED_SERVICE_NAME = 511  # subtranslator_vars.go maxKongServiceNameLength


def port_text(port: int | str | None) -> str:
    """A backend port as KIC writes it in names: its number, else its name, else ``implicitPort``."""
    if isinstance(port, int) and port:
        return str(port)
    return port if isinstance(port, str) and port else IMPLICIT_PORT


def ingress_service(namespace: str, service: str, port: int | str | None) -> str:
    return f"{namespace}.{service}.{port_text(port)}"


def ingress_route(namespace: str, ingress: str, service: str, host: str, port: int | str | None) -> str:
    return f"{namespace}.{ingress}.{service}.{host.replace('*', '_')}.{port_text(port)}"


def ingress_route_key(namespace: str, ingress: str, service: str, host: str, port: int | str | None,
                      host_first: bool = False) -> str:
    """The key KIC gathers an Ingress's paths under: from 3.1 the route name before ``*`` becomes ``_``;
    ``host_first`` (KIC 2.9-3.0, parser/translators/ingress.go) the host before the Service."""
    if host_first:
        return f"{namespace}.{ingress}.{host}.{service}.{port_text(port)}"
    return f"{namespace}.{ingress}.{service}.{host}.{port_text(port)}"


def ingress_default_route(namespace: str, ingress: str) -> str:
    return f"{namespace}.{ingress}"


def httproute_service(namespace: str, name: str, first_rule: int) -> str:
    return f"httproute.{namespace}.{name}.{first_rule}"


def combined_httproute_service(namespace: str, backends: list[tuple[str, str, int | None, int | None]]) -> str:
    """``backends``: (namespace, name, port, weight) of one rule's backendRefs."""
    if not backends:
        return f"httproute.{namespace}.svc._"
    names = sorted(f"{ns}.{name}" + (f".{port}" if port is not None else "") + (f".{weight}" if weight is not None else "")
                   for ns, name, port, weight in backends)
    full = f"httproute.{namespace}.svc.{'_'.join(names)}"
    if len(full) <= MAX_COMBINED_SERVICE_NAME:
        return full
    import hashlib  # only for a name over the limit: a plain scan never loads OpenSSL for it

    return f"httproute.{namespace}.svc.{names[0]}_combined.{hashlib.sha256(full.encode()).hexdigest()}"


def httproute_route(namespace: str, name: str, rule: int, match: int) -> str:
    return f"httproute.{namespace}.{name}.{rule}.{match}"


def grpcroute_service(namespace: str, name: str, rule: int) -> str:
    return f"grpcroute.{namespace}.{name}.{rule}"


def grpcroute_route(namespace: str, name: str, rule: int, match: int) -> str:
    return f"grpcroute.{namespace}.{name}.{rule}.{match}"


class RuleShape(NamedTuple):
    """What naming needs of one route rule: its index, grouping keys and match keys in order."""

    index: int
    backends_key: str
    filters_key: str
    match_keys: tuple[str, ...]


class KongService(NamedTuple):
    name: str
    rules: tuple[int, ...]  # the rules it is built from
    routes: dict  # (rule, match) -> Kong route name


def httproute_layout(namespace: str, name: str, rules: list[RuleShape]) -> list[KongService]:
    """The Kong services and routes one HTTPRoute makes (combined services off, the default)."""
    groups: dict[str, list[RuleShape]] = {}
    for rule in rules:
        groups.setdefault(rule.backends_key, []).append(rule)
    services = []
    for members in groups.values():
        routes: dict[tuple[int, int], str] = {}
        by_filters: dict[str, list[RuleShape]] = {}
        for rule in members:
            by_filters.setdefault(rule.filters_key, []).append(rule)
        for same_filters in by_filters.values():
            first_of_key: dict[str, str] = {}
            for rule in same_filters:
                if not rule.match_keys:
                    routes[(rule.index, 0)] = httproute_route(namespace, name, rule.index, 0)
                for number, key in enumerate(rule.match_keys):
                    named = first_of_key.setdefault(key, httproute_route(namespace, name, rule.index, number))
                    routes[(rule.index, number)] = named
        services.append(KongService(httproute_service(namespace, name, members[0].index),
                                    tuple(rule.index for rule in members), routes))
    return services


def grpcroute_layout(namespace: str, name: str, rules: list[RuleShape]) -> list[KongService]:
    """The Kong services and routes one GRPCRoute makes: a service per rule, a route per match."""
    return [KongService(grpcroute_service(namespace, name, rule.index), (rule.index,),
                        {(rule.index, number): grpcroute_route(namespace, name, rule.index, number)
                         for number in range(max(1, len(rule.match_keys)))})
            for rule in rules]
