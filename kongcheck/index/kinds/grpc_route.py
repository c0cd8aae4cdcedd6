"""GRPCRoute (gateway.networking.k8s.io v1): the same pieces as an HTTPRoute (index/gateway_api.py).

KIC: internal/dataplane/translator/translate_grpcroute.go, subtranslator/grpcroute.go (a Kong
service per rule, a Kong route per match).
"""
from __future__ import annotations

from kongcheck.facts import names
from kongcheck.index.kinds.http_route import Route, parse_route
from kongcheck.index.objects import Obj


class GRPCRoute(Route):
    __slots__ = ()

    def kong_services(self) -> list[names.KongService]:
        ref = self.obj.ref
        return names.grpcroute_layout(ref.namespace, ref.name, self.shapes())


def parse(obj: Obj) -> GRPCRoute:
    return parse_route(obj, GRPCRoute)
