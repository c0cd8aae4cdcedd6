"""HTTPRoute (gateway.networking.k8s.io v1 and v1beta1): parents, hostnames, rules (matches,
filters with ExtensionRefs, backendRefs) and ``konghq.com/*`` annotations.

KIC: internal/dataplane/translator/subtranslator/httproute.go; the pieces are read by
index/gateway_api.py, defaults applied as the API server stores them.
"""
from __future__ import annotations

from kongcheck.facts import names
from kongcheck.facts.kube import PLUGINS_ANNOTATION
from kongcheck.index.gateway_api import ObjectRef, RouteRule, hostnames, parent_refs, route_rules
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record, Value, kong_annotations
from kongcheck.parse.values import LMap


class Route(Record):
    __slots__ = ("parents", "hostnames", "rules", "annotations")

    def __init__(self, obj: Obj, *, parents: list[ObjectRef] | None = None, hostnames: list[Value] | None = None,
                 rules: list[RouteRule] | None = None, annotations: dict[str, Value] | None = None) -> None:
        Record.__init__(self, obj)
        self.parents = [] if parents is None else parents
        self.hostnames = [] if hostnames is None else hostnames
        self.rules = [] if rules is None else rules
        self.annotations = {} if annotations is None else annotations  # konghq.com/* only

    @property
    def plugins(self) -> Value | None:
        return self.annotations.get(PLUGINS_ANNOTATION)

    def shapes(self) -> list[names.RuleShape]:
        return [names.RuleShape(rule.index, rule.backends_key, rule.filters_key,
                                tuple(match.key for match in rule.matches)) for rule in self.rules]

    def kong_services(self) -> list[names.KongService]:
        """The Kong services (and their routes) KIC builds from this route (facts/names.py)."""
        ref = self.obj.ref
        return names.httproute_layout(ref.namespace, ref.name, self.shapes())


def parse_route(obj: Obj, record=Route):
    spec = obj.get(obj.body, "spec", LMap, "spec")
    return record(obj, parents=parent_refs(obj, spec), hostnames=hostnames(obj, spec), rules=route_rules(obj, spec),
                  annotations=kong_annotations(obj))


def parse(obj: Obj) -> Route:
    return parse_route(obj)
