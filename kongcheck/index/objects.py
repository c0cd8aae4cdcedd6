"""Kubernetes object identity, field access with type checks, and positions.

An :class:`Obj` wraps one definition of an object (one document) and knows how to read its
fields as the API server would type them and where each value sits.  Which kinds are read, in
which API group and scope, comes from the kinds table (facts/kinds.py).
"""
from __future__ import annotations

import sys

from kongcheck.facts.kinds import BY_KIND
from kongcheck.loading import Document
from kongcheck.loading.locate import locate
from kongcheck.model import Location, ResourceRef
from kongcheck.parse.values import LMap, LSeq, type_name


_new_ref = tuple.__new__

# the metadata (and body) of a released object that keeps no annotation: shared, never written
RELEASED = LMap()
RELEASED.line, RELEASED.column, RELEASED.pos = 1, 1, {}


class FieldError(Exception):
    """A field of the wrong type: the API server would refuse the object."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class Obj:
    """One definition of a Kubernetes object, with typed, located field access."""

    __slots__ = ("doc", "body", "ref", "metadata", "kind_line", "kind_column", "kept", "is_live")

    def __init__(self, doc: Document, ref: ResourceRef, metadata: LMap) -> None:
        self.doc = doc
        self.body = doc.body
        self.ref = ref
        self.metadata = metadata
        self.kind_line, self.kind_column = doc.body.where("kind")  # where a finding about the whole object points
        self.kept: frozenset | None = None  # once its record is made: the only annotations still read
        self.is_live = doc.source.kind == "cluster"  # a live object (sources/live.py), not a manifest

    def release(self, metadata: LMap, kept: frozenset) -> None:
        """Let go of the object's tree once its record is made: only the annotations in ``kept`` are
        read after that (a read of anything else is a programming error, not a silent None)."""
        self.body, self.metadata, self.kept = None, metadata, kept

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

    def locate(self, line: int | None, column: int | None) -> Location:
        return locate(self.doc, line, column)

    def location(self, parent: LMap | LSeq, key) -> Location:
        return locate(self.doc, *parent.where(key))

    @property
    def kind_location(self) -> Location:
        """Where the object is: its ``kind:`` line (what a finding about the whole object points at)."""
        return locate(self.doc, self.kind_line, self.kind_column)

    def _metadata_map(self, field: str, name: str) -> tuple[str, LMap] | None:
        """One entry of metadata.labels/annotations, and its mapping; only text is taken there."""
        if self.kept is not None and (field != "annotations" or name not in self.kept):
            raise RuntimeError(f"metadata.{field}[{name!r}] is read after the object's tree was released")
        entries = self.metadata.get(field)
        if entries is None:
            return None
        if entries.__class__ is not LMap:  # the API server's type check, and its error
            entries = self.get(self.metadata, field, LMap, f"metadata.{field}")
        text = entries.get(name)
        if text is None:
            return None
        if text.__class__ is str:  # the usual case, without the checks below
            return text, entries
        try:
            text = self.get(entries, name, str, f"metadata.{field}[{name!r}]")
        except FieldError as exc:
            if isinstance(entries.get(name), (LMap, LSeq)):
                raise
            raise FieldError(f"{exc} (quote it)", exc.line) from None
        return None if text is None else (text, entries)

    def check_metadata_text(self) -> tuple[LMap | None, LMap | None]:
        """FieldError for a label or annotation whose value is not text: the API server refuses the whole
        object (``map[string]string``), whichever of them kongcheck reads.  Returns the labels and the
        annotations (None: absent), every value of which is then text or null."""
        metadata = self.metadata
        labels, annotations = metadata.get("labels"), metadata.get("annotations")  # most objects have one of them
        if labels is not None:
            self._text_entries("labels", labels)
        if annotations is not None:
            self._text_entries("annotations", annotations)
        return labels, annotations

    def _text_entries(self, field: str, entries) -> None:
        """FieldError unless ``entries`` (metadata[field]) is a mapping of text or null values."""
        if entries.__class__ is not LMap:
            self.get(self.metadata, field, LMap, f"metadata.{field}")  # the type check and its error
        for name, text in entries.items():
            if text.__class__ is not str and text is not None:
                self._metadata_map(field, name)  # raises the located FieldError

    def annotation(self, name: str) -> str | None:
        found = self._metadata_map("annotations", name)
        return found[0] if found else None

    def _entry(self, field: str, name: str) -> tuple[str, tuple[int, int]] | None:
        found = self._metadata_map(field, name)
        return None if not found else (shared_text(found[0]), found[1].where(name))

    def annotation_entry(self, name: str) -> tuple[str, tuple[int, int]] | None:
        """An annotation's text and the position of its value."""
        return self._entry("annotations", name)

    def label(self, name: str) -> str | None:
        found = self._metadata_map("labels", name)
        return found[0] if found else None

    def label_entry(self, name: str) -> tuple[str, tuple[int, int]] | None:
        """A label's text and the position of its value."""
        return self._entry("labels", name)


def shared_text(text: str) -> str:
    """A label or annotation value as records keep it: a short one (a class, a credential type) is one
    shared copy."""
    return sys.intern(text) if len(text) <= 64 else text


def _row(kind: str, group: str, body: LMap):
    """The kinds-table row of an object whose group is not its kind's, None if kongcheck has no use for
    it; raises FieldError for a Kong kind written in the core group (``apiVersion: v1``), which kubectl
    cannot apply."""
    row = BY_KIND[kind]
    if group == "" and row.group:
        raise FieldError(f"{kind}: apiVersion {body.get('apiVersion')!r} has no kind {kind}; kubectl refuses "
                         f"it (use {row.group}/{row.versions[0]})", body.where("apiVersion")[0])
    return None  # a kind of the same name in another API group


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
    if not api_version and kind in BY_KIND and doc.source.kind != "cluster":
        row = BY_KIND[kind]  # checked below, once the name is known
    else:
        row = BY_KIND.get(kind)
        if row is not None and row.group != group:
            row = _row(kind, group, body)
        if row is None:
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
    if row.namespaced:
        namespace = metadata.get("namespace", default_namespace)
        if not isinstance(namespace, str) or not namespace:
            raise FieldError(f"{kind} {name!r}: metadata.namespace must be non-empty text",
                             metadata.where("namespace")[0])
    # one shared kind text; made as NamedTuple's own __new__ makes it, without its call in Python
    return Obj(doc, _new_ref(ResourceRef, (row.kind, sys.intern(namespace), name, row.group)), metadata)
