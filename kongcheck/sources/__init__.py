"""Where manifests come from: files and folders, standard input, rendered charts, the cluster.

A source yields :class:`Source` objects: a name for people, a kind (file, stdin, helm,
kustomize, cluster) and a way to read its bytes.  Sources are produced in the order
``kubectl apply`` would apply them, which is the order later stages rely on for
"last definition wins".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


def size_text(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


class TooLarge(Exception):
    """A source over --max-file-size: refused without reading more than the limit."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        what = f"{size_text(size)}, more than" if size is not None else "more than"
        super().__init__(f"refused: {what} the {size_text(limit)} limit (--max-file-size)")


@dataclass(slots=True)
class Source:
    name: str  # as people should see it: a path as given, "<stdin>", "helm:mychart"
    kind: str = "file"  # file | stdin | helm | kustomize
    reader: Callable[[], bytes] | None = field(default=None, repr=False)
    is_json: bool = False
    # reads at most ``limit`` + 1 bytes (files, stdin): a huge input is refused without loading it
    limited_reader: Callable[[int], bytes] | None = field(default=None, repr=False)
    detail: str | None = None  # shown beside locations, e.g. the snapshot file:line of a live object
    # helm/kustomize renders: how to map objects back to files (kongcheck.sources.render.Rendered)
    rendered: object | None = field(default=None, repr=False)
    namespace: str | None = None  # default namespace for this source's objects (helm --namespace)

    def read(self, limit: int | None = None) -> bytes:
        """The bytes of the source; raises TooLarge when there are more than ``limit``."""
        if limit is not None and self.limited_reader is not None:
            data = self.limited_reader(limit)
        else:
            assert self.reader is not None
            data = self.reader()
        if limit is not None and len(data) > limit:
            raise TooLarge(limit, len(data) if self.limited_reader is None else None)
        return data

