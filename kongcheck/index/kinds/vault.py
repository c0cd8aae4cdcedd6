"""KongVault (configuration.konghq.com/v1alpha1, cluster-scoped): spec.backend and spec.prefix.

KIC: pkg/apis/configuration/v1alpha1/kong_vault_types.go.
"""
from __future__ import annotations

from types import MappingProxyType

from kongcheck.index.objects import Obj
from kongcheck.index.records import Classed, Value, text_value
from kongcheck.parse.values import LMap


class Vault(Classed):
    __slots__ = ("prefix", "backend")
    FIELDS = MappingProxyType({"spec.prefix": "prefix"})

    def __init__(self, obj: Obj, *, prefix: Value | None = None, backend: str | None = None) -> None:
        Classed.__init__(self, obj)
        self.prefix = prefix
        self.backend = backend


def parse(obj: Obj) -> Vault:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    return Vault(
        obj,
        prefix=text_value(obj, spec, "prefix", "spec.prefix") if spec else None,
        backend=obj.get(spec, "backend", str, "spec.backend") if spec else None,
    )
