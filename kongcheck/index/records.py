"""What the index keeps of each object: a record with typed, located values.

Every record has the fields the index reads for any kind (its object, creation time, Kong tags,
the values of its unique fields); classed kinds add what the controller's class rules look at.
A kind's own fields come from its parser module (index/kinds/).  Locations are made only when
a finding asks for one: most values never need one.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from kongcheck.facts.kube import KONG_ANNOTATION_PREFIX
from kongcheck.index.objects import FieldError, Obj, shared_text
from kongcheck.model import Location
from kongcheck.parse.values import LMap, LSeq, type_name


class Value:
    """A string value and where it is written (located on demand)."""

    __slots__ = ("text", "obj", "line", "column")
    encoded = False  # decoded from a Secret's base64 `data` (a Decoded value)

    def __init__(self, text: str, obj: Obj, position: tuple[int, int | None]) -> None:
        self.text = text
        self.obj = obj
        self.line, self.column = position

    @property
    def location(self) -> Location:
        return self.obj.locate(self.line, self.column)

    def __repr__(self) -> str:  # never the text: it may be a credential
        return f"Value(<{len(self.text)} chars> at {self.line}:{self.column})"


class Decoded(Value):
    """A value decoded from a Secret's base64 ``data``."""

    __slots__ = ()
    encoded = True


class Part(Value):
    """One item of a comma-separated value (an annotation's plugin name), located at its own text
    when the value is written on one line; else where the value starts."""

    __slots__ = ("whole", "offset")

    def __init__(self, text: str, whole: Value, offset: int) -> None:
        super().__init__(text, whole.obj, (whole.line, whole.column))
        self.whole = whole
        self.offset = offset  # where the item starts in the whole value's text

    @property
    def location(self) -> Location:
        column = self.column
        doc = self.obj.doc
        if column is not None and self.line is not None and doc.source.kind != "cluster":
            raw = doc.source_line(self.line)
            start = column - 1
            if raw[start:start + 1] in ("'", '"'):
                start += 1
            end = start + self.offset + len(self.text)
            if raw[start:end] == self.whole.text[: self.offset + len(self.text)]:
                column = start + self.offset + 1
        return self.obj.locate(self.line, column)


class PluginRef(NamedTuple):
    """One entry of a ``konghq.com/plugins`` annotation: ``name`` or ``namespace:name``."""

    namespace: str | None  # None: the referrer's own namespace (no prefix written)
    name: Part  # the plugin's name, located at its own text in the annotation value


def plugin_refs(value: Value | None) -> list[PluginRef]:
    """The entries of a plugins annotation as KIC reads them (kubernetes-configuration
    pkg/metadata ExtractPluginsNamespacedNames): split on ",", blank entries skipped, an entry whose
    first ":" opens or closes it skipped, namespace and name trimmed; nothing is de-duplicated."""
    refs: list[PluginRef] = []
    if value is None:
        return refs
    offset = 0
    for item in value.text.split(","):
        start, offset = offset, offset + len(item) + 1
        if not item.strip():
            continue
        colon = item.find(":")
        if colon == 0 or colon == len(item) - 1:
            continue
        namespace, rest, skip = None, item, 0
        if colon != -1:
            namespace, rest, skip = item[:colon].strip() or None, item[colon + 1:], colon + 1
        name = rest.strip()
        if not name:
            continue
        refs.append(PluginRef(namespace, Part(name, value, start + skip + len(rest) - len(rest.lstrip()))))
    return refs


def int_value(obj: Obj, parent, key: str, path: str) -> int | None:
    """``parent[key]`` as a whole number, if it is set; FieldError for any other type."""
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {path} must be a number, not {type_name(value)}",
                         parent.where(key)[0])
    return value


def kong_annotations(obj: Obj) -> dict[str, Value]:
    """Every ``konghq.com/*`` annotation, located (a value that is not text is FieldError)."""
    found: dict[str, Value] = {}
    entries = obj.get(obj.metadata, "annotations", LMap, "metadata.annotations")
    for name in entries or ():
        if isinstance(name, str) and name.startswith(KONG_ANNOTATION_PREFIX):
            entry = obj.annotation_entry(name)
            if entry is not None:
                found[name] = Value(entry[0], obj, entry[1])
    return found


class BadValue:
    """A Secret data value the API server refuses (invalid base64); ``problem`` never quotes its key."""

    __slots__ = ("line", "problem")

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem


_NO_VALUES = MappingProxyType({})  # shared by the records that have no unique field (most): never written


class OneValue(Mapping):
    """A read-only mapping of one key to its value, without a dict's table (most credential Secrets hold
    one key)."""

    __slots__ = ("key", "value")

    def __init__(self, key: str, value: Value) -> None:
        self.key = key
        self.value = value

    def __getitem__(self, key: str) -> Value:
        if key == self.key:
            return self.value
        raise KeyError(key)

    def get(self, key: str, default=None):
        return self.value if key == self.key else default

    def __contains__(self, key: object) -> bool:
        return key == self.key

    def __iter__(self):
        yield self.key

    def __len__(self) -> int:
        return 1


class Record:
    """What every record has; a kind's parser module (index/kinds/) subclasses it with the kind's own
    fields, taken after the object (by position where records are made for most documents: a call with
    keywords costs more).  ``FIELDS`` names the kind's own fields that hold a
    unique field's value (dotted path -> attribute, read as the index would read the path), so that
    the index reads those paths only once."""

    __slots__ = ("obj", "created", "tags", "unique", "to_webhook")
    FIELDS: MappingProxyType = _NO_VALUES

    def __init__(self, obj: Obj, created: str | None = None, tags: Value | None = None,
                 unique: dict[str, Value] | None = None, to_webhook: bool = True) -> None:
        self.obj = obj
        self.created = created  # metadata.creationTimestamp (RFC 3339, checked)
        self.tags = tags  # the konghq.com/tags annotation
        self.unique = _NO_VALUES if unique is None else unique  # dotted path -> value, for facts/unique.py rows not in FIELDS
        self.to_webhook = to_webhook  # the install's webhook configuration sends it to KIC's webhook (facts/webhook.py)

    def unique_value(self, path: str) -> Value | None:
        """The value of the unique field at ``path`` (dotted, a facts/unique.py row's), if it is set."""
        attribute = self.FIELDS.get(path)
        return self.unique.get(path) if attribute is None else getattr(self, attribute)


class Classed(Record):
    """A record of a kind the controller's class rules apply to."""

    __slots__ = ("class_annotation", "control_plane", "class_name")

    def __init__(self, obj: Obj) -> None:
        Record.__init__(self, obj)
        self.class_annotation: Value | None = None  # kubernetes.io/ingress.class (None: absent)
        self.control_plane: str | None = None  # spec.controlPlaneRef.type (None: absent)
        self.class_name: Value | None = None  # the kind's class field, if it has one (Ingress spec.ingressClassName)


class SecretMaker(Record):
    """An object from which a controller in the cluster creates a Secret (SealedSecret, ExternalSecret):
    the Secret's name and labels are in the manifest, its values are not."""

    __slots__ = ("target", "type_label", "labels_known", "keys")

    def __init__(self, obj: Obj, *, target: str | None = None, type_label: Value | None = None,
                 labels_known: bool = True, keys: frozenset | None = None) -> None:
        Record.__init__(self, obj)
        self.target = target  # the Secret it creates, in its own namespace (None: it creates none)
        self.type_label = type_label  # the konghq.com/credential label the Secret gets
        self.labels_known = labels_known  # False: the labels are templated or come from elsewhere
        self.keys = keys  # the data keys the Secret gets (values unknown); None: not known

    @property
    def label_type(self) -> str | None:
        return self.type_label.text if self.type_label is not None else None


class Refusal:
    """An object the API server would refuse on apply for a reason beyond field types: it never
    exists, and KIC never sees it."""

    __slots__ = ("record", "field", "duplicate")

    def __init__(self, record: Record, field: str, duplicate: Value) -> None:
        self.record = record
        self.field = field  # e.g. "credentials"
        self.duplicate = duplicate  # the repeated entry (its second occurrence)

def text_value(obj: Obj, parent, key: str, path: str) -> Value | None:
    """``parent[key]`` as a located Value, if it is set; FieldError if it is not text."""
    text = parent.get(key)
    if text.__class__ is not str:
        if text is None:
            return None
        text = obj.get(parent, key, str, path)  # the type check and its error
    return Value(text, obj, parent.where(key))


def loose_map(parent, key: str) -> tuple[LMap | None, bool]:
    """``parent[key]`` when it is a mapping, for fields a CRD keeps without a schema: (the mapping or
    None, whether it is absent or a mapping); what is not read is unknown, not an error."""
    value = parent.get(key) if isinstance(parent, LMap) else None
    return (value, True) if isinstance(value, LMap) else (None, value is None)


def map_label(obj: Obj, labels: LMap | None, name: str) -> tuple[Value | None, bool]:
    """The label ``name`` of a label mapping inside the object: (its located value or None, whether
    its value is known: text without a template)."""
    text = labels.get(name) if labels is not None else None
    if text is None:
        return None, True
    if not isinstance(text, str) or "{{" in text:
        return None, False
    return Value(text, obj, labels.where(name)), True


def metadata_value(obj: Obj, entries: LMap, name: str) -> Value | None:
    """A label or annotation of a mapping Obj.check_metadata_text() returned (its values are text or null)."""
    text = entries.get(name)
    return None if text is None else Value(shared_text(text), obj, entries.where(name))


def label_value(obj: Obj, name: str) -> Value | None:
    """The label ``name`` as a located Value, if it is set.  A kind's parser runs once the reader has
    checked the object's labels (Obj.check_metadata_text: a mapping, every value text or null), so the
    label is read from them as it is."""
    labels = obj.metadata.get("labels")
    return None if labels is None else metadata_value(obj, labels, name)


def text_list(obj: Obj, parent, key: str) -> tuple[Value, ...]:
    """A list of text at ``parent[key]``, as a tuple (the shared empty one when absent or empty);
    FieldError for any other item."""
    items = parent.get(key)
    if items.__class__ is not LSeq:
        if items is None:
            return ()
        items = obj.get(parent, key, LSeq, key)  # the type check and its error (None when absent or null)
    if not items:
        return ()
    values = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {key}[{index}] must be text", items.where(index)[0])
        values.append(Value(item, obj, items.where(index)))
    return tuple(values)


def path_value(obj: Obj, path: tuple[str, ...]) -> Value | None:
    """The text at a dotted path of the object (``("spec", "prefix")``), typed as the API server
    types it: every step but the last must be a mapping, the last text."""
    parent = obj.body
    for depth, key in enumerate(path[:-1]):
        parent = obj.get(parent, key, LMap, ".".join(path[: depth + 1]))
        if parent is None:
            return None
    return text_value(obj, parent, path[-1], ".".join(path))
