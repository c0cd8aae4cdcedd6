"""ReferenceGrant (gateway.networking.k8s.io v1beta1 and v1): which kinds of which namespaces may
refer to which objects of the grant's namespace.

KIC checks it for cross-namespace backendRefs and for ``<namespace>:<plugin>`` entries of a
plugins annotation (internal/gatewayapi reference checks, kongstate.go
isRemotePluginReferenceAllowed): ``from`` names a group, kind and namespace, ``to`` a group, kind
and optionally one name.
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.index.gateway_api import items_of
from kongcheck.index.objects import Obj
from kongcheck.index.records import Record
from kongcheck.parse.values import LMap


class GrantFrom(NamedTuple):
    group: str
    kind: str
    namespace: str


class GrantTo(NamedTuple):
    group: str
    kind: str
    name: str | None  # None: every object of the kind


class ReferenceGrant(Record):
    __slots__ = ("sources", "targets")

    def __init__(self, obj: Obj, *, sources: list[GrantFrom] | None = None,
                 targets: list[GrantTo] | None = None) -> None:
        Record.__init__(self, obj)
        self.sources = [] if sources is None else sources
        self.targets = [] if targets is None else targets

    def allows(self, group: str, kind: str, namespace: str, to_group: str, to_kind: str, name: str) -> bool:
        """Whether an object of ``group``/``kind`` in ``namespace`` may refer to ``name`` here."""
        return (any(f == (group, kind, namespace) for f in self.sources)
                and any(t.group == to_group and t.kind == to_kind and (t.name is None or t.name == name) for t in self.targets))


def parse(obj: Obj) -> ReferenceGrant:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    sources = [GrantFrom(obj.get(item, "group", str, path + ".group") or "",
                         obj.get(item, "kind", str, path + ".kind") or "",
                         obj.get(item, "namespace", str, path + ".namespace") or "")
               for item, path, _ in items_of(obj, spec, "from", "spec.from")]
    targets = [GrantTo(obj.get(item, "group", str, path + ".group") or "",
                       obj.get(item, "kind", str, path + ".kind") or "",
                       obj.get(item, "name", str, path + ".name"))
               for item, path, _ in items_of(obj, spec, "to", "spec.to")]
    return ReferenceGrant(obj, sources=sources, targets=targets)
