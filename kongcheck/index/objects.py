"""Kubernetes object identity, field access with type checks, and positions.

A :class:`Obj` wraps one definition of an object (one document) and knows how to read
its fields as the API server would type them and where each value sits.
"""
from __future__ import annotations

from kongcheck.loading import Document
from kongcheck.loading.values import LMap, LSeq, type_name
from kongcheck.locate import locate
from kongcheck.model import Location, ResourceRef

CLUSTER_SCOPED = {"KongVault", "IngressClass"}
KONG_GROUP = "configuration.konghq.com"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"


class FieldError(Exception):
    """A field of the wrong type: the API server would refuse the object."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class Obj:
    """One definition of a Kubernetes object, with typed, located field access."""

    __slots__ = ("doc", "body", "ref", "metadata")

    def __init__(self, doc: Document, ref: ResourceRef, metadata: LMap) -> None:
        self.doc = doc
        self.body = doc.body
        self.ref = ref
        self.metadata = metadata

    @property
    def is_live(self) -> bool:
        return self.doc.source.kind == "cluster"

    def get(self, parent: LMap, key: str, kind: type, path: str):
        """``parent[key]`` if present and of ``kind`` (str, LMap or LSeq); None if absent/null."""
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, kind):
            want = {str: "text", LMap: "a mapping", LSeq: "a list"}[kind]
            raise FieldError(f"{self.ref.kind} {self.ref.name!r}: {path} must be {want}, not {type_name(value)}",
                             parent.where(key)[0])
        return value

    def location(self, parent: LMap | LSeq, key) -> Location:
        line, column = parent.where(key)
        return locate(self.doc, line, column)

    def _metadata_map(self, field: str, name: str) -> str | None:
        """One entry of metadata.labels/annotations; the API server takes only text there."""
        entries = self.get(self.metadata, field, LMap, f"metadata.{field}")
        if not entries:
            return None
        try:
            return self.get(entries, name, str, f"metadata.{field}[{name!r}]")
        except FieldError as exc:
            if isinstance(entries.get(name), (LMap, LSeq)):
                raise
            raise FieldError(f"{exc} (quote it)", exc.line) from None

    def annotation(self, name: str) -> str | None:
        return self._metadata_map("annotations", name)

    def label(self, name: str) -> str | None:
        return self._metadata_map("labels", name)


def identify(doc: Document, default_namespace: str) -> Obj | None:
    """Name the object a document defines, or None if kongcheck has no use for its kind.

    Raises FieldError for objects the API server would refuse (wrong types, no name).
    """
    body = doc.body
    kind = body.get("kind")
    if not isinstance(kind, str):
        raise FieldError(f"kind must be text, not {type_name(kind)}", body.where("kind")[0])
    api_version = body.get("apiVersion")
    if api_version is not None and not isinstance(api_version, str):
        raise FieldError(f"apiVersion must be text, not {type_name(api_version)}", body.where("apiVersion")[0])
    group = api_version.rpartition("/")[0] if api_version else ""
    if kind not in RELEVANT_KINDS or (kind.startswith("Kong") and group not in ("", KONG_GROUP)):
        return None
    metadata = body.get("metadata")
    if "metadata" not in body:
        raise FieldError(f"{kind}: metadata is missing", body.where("metadata")[0])
    if not isinstance(metadata, LMap):
        raise FieldError(f"{kind}: metadata must be a mapping, not {type_name(metadata)}",
                         body.where("metadata")[0])
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        raise FieldError(f"{kind}: metadata.name must be non-empty text", metadata.where("name")[0])
    if not api_version and doc.source.kind != "cluster":  # cluster objects always carry it (sources/kube)
        raise FieldError(f"{kind} {name!r}: apiVersion is missing; kubectl refuses an object without it",
                         body.where("apiVersion")[0])
    namespace = ""
    if kind not in CLUSTER_SCOPED:
        namespace = metadata.get("namespace", default_namespace)
        if not isinstance(namespace, str) or not namespace:
            raise FieldError(f"{kind} {name!r}: metadata.namespace must be non-empty text",
                             metadata.where("namespace")[0])
    return Obj(doc, ResourceRef(kind, namespace, name, group), metadata)


RELEVANT_KINDS = {"KongConsumer", "KongConsumerGroup", "KongVault", "Secret", "IngressClass"}
