"""GatewayClass (gateway.networking.k8s.io v1 and v1beta1, cluster-scoped): its controller.

KIC reconciles Gateways whose class names controller ``konghq.com/kic-gateway-controller``
(internal/controllers/gateway/gatewayclass_controller.go); the ``konghq.com/gatewayclass-unmanaged``
annotation selects the unmanaged mode KIC runs in beside a Kong it does not deploy.
"""
from __future__ import annotations

from kongcheck.facts.kube import GATEWAYCLASS_UNMANAGED, KIC_GATEWAY_CONTROLLER
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record, Value, text_value
from kongcheck.parse.values import LMap


class GatewayClass(Record):
    __slots__ = ("controller", "unmanaged")

    def __init__(self, obj: Obj, *, controller: Value | None = None, unmanaged: bool = False) -> None:
        Record.__init__(self, obj)
        self.controller = controller  # spec.controllerName
        self.unmanaged = unmanaged

    @property
    def is_kic(self) -> bool:
        return self.controller is not None and self.controller.text == KIC_GATEWAY_CONTROLLER


def parse(obj: Obj) -> GatewayClass:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    return GatewayClass(obj, controller=text_value(obj, spec, "controllerName", "spec.controllerName") if spec else None,
                        unmanaged=obj.annotation(GATEWAYCLASS_UNMANAGED) is not None)
