"""Where manifests come from: files and folders, standard input, rendered charts, the cluster.

A source yields :class:`Source` objects: a name for people, a kind (file, stdin, helm,
kustomize, cluster) and a way to read its bytes.  Sources are produced in the order
``kubectl apply`` would apply them, which is the order later stages rely on for
"last definition wins".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(slots=True)
class Source:
    name: str  # as people should see it: a path as given, "<stdin>", "helm:mychart"
    kind: str = "file"  # file | stdin | helm | kustomize
    reader: Callable[[], bytes] | None = field(default=None, repr=False)
    is_json: bool = False

    def read(self) -> bytes:
        assert self.reader is not None
        return self.reader()


def from_bytes(name: str, data: bytes, kind: str) -> Source:
    return Source(name=name, kind=kind, reader=lambda: data)
