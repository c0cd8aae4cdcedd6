"""The Kubernetes resources kongcheck reads from a live cluster: the kinds table's rows as API paths."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from kongcheck.facts.kinds import BY_KIND, KINDS, Kind
from kongcheck.facts.versions import show


@dataclass(frozen=True)
class Resource:
    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool
    since: str = ""

    @classmethod
    def of(cls, row: Kind) -> "Resource":
        return cls(row.kind, row.group, row.versions[0], row.plural, row.namespaced,
                   f"KIC >= {show(row.since)}.0" if row.since else "")

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{self.group}"

    def list_path(self, namespace: str | None = None) -> str:
        prefix = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if namespace and self.namespaced:
            return f"{prefix}/namespaces/{quote(namespace, safe='')}/{self.plural}"
        return f"{prefix}/{self.plural}"

    def object_path(self, namespace: str | None, name: str) -> str:
        return f"{self.list_path(namespace)}/{quote(name, safe='')}"


RESOURCES = {row.kind: Resource.of(row) for row in KINDS}


def read(mode: str) -> list[tuple[Kind, Resource]]:
    """The kinds a live fetch reads in ``mode`` ("list", "labelled", "named"), in table order."""
    return [(row, RESOURCES[row.kind]) for row in KINDS if row.live == mode]


def row_of(resource: Resource) -> Kind:
    return BY_KIND[resource.kind]
