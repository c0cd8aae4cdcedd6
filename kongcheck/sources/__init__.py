"""Where manifests come from: files and folders, standard input, rendered charts, the cluster.

A source yields :class:`Source` objects: a name for people, a kind (file, stdin, helm,
kustomize, cluster) and a way to read its bytes.  Sources are produced in the order
``kubectl apply`` would apply them, which is the order later stages rely on for
"last definition wins".
"""
from __future__ import annotations

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


class Source:
    __slots__ = ("name", "kind", "reader", "is_json", "limited_reader", "detail", "rendered", "namespace")

    def __init__(self, name: str, kind: str = "file", reader: Callable[[], bytes] | None = None, is_json: bool = False,
                 limited_reader: Callable[[int], bytes] | None = None, detail: str | None = None,
                 rendered: object | None = None, namespace: str | None = None) -> None:
        self.name = name  # as people should see it: a path as given, "<stdin>", "helm:mychart"
        self.kind = kind  # file | stdin | helm | kustomize
        self.reader = reader
        self.is_json = is_json
        # reads at most ``limit`` + 1 bytes (files, stdin): a huge input is refused without loading it
        self.limited_reader = limited_reader
        self.detail = detail  # shown beside locations, e.g. the snapshot file:line of a live object
        # helm/kustomize renders: how to map objects back to files (kongcheck.sources.render.Rendered)
        self.rendered = rendered
        self.namespace = namespace  # default namespace for this source's objects (helm --namespace)

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

