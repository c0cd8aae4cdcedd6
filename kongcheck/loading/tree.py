"""Build plain Python values with source positions from YAML parser events.

PyYAML's libyaml parser (C) produces the events; this module composes them into
``LMap``/``LSeq`` containers that remember where each value starts.  Composing from events
(instead of PyYAML's recursive composer) keeps deep nesting from exhausting the C stack and
lets us bound nesting depth, resolve merge keys and reject duplicate keys ourselves.
"""
from __future__ import annotations

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from kongcheck.loading.values import LMap, LoadError, LSeq

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # libyaml missing: the pure-Python parser gives the same events
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
}


def _scalar(event: ScalarEvent):
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value
        for resolved, regexp in _RESOLVERS.get(value[:1] if value else "", ()):
            if regexp.match(value):
                tag = resolved
                break
        else:
            return value
    if tag == MERGE_TAG:
        return _MergeKey
    build = _CONSTRUCT.get(tag)
    if build is None:  # str, timestamps and custom tags stay text, as JSON would carry them
        return value
    try:
        return build(ScalarNode(tag, value))
    except (ValueError, yaml.YAMLError):
        return value


class _MergeKey:
    """Marker for the YAML merge key ``<<``."""


class _Frame:
    __slots__ = ("container", "key", "key_pos", "merges", "anchor")

    def __init__(self, container, anchor) -> None:
        self.container = container
        self.key = _NO_KEY
        self.key_pos = None
        self.merges: list = []
        self.anchor = anchor


_NO_KEY = object()


class Composer:
    """Turns the event stream of one YAML stream into documents (LMap/LSeq/scalars)."""

    def __init__(self, text: str, line_offset: int = 0, max_depth: int = 1000) -> None:
        self.loader = _Loader(text)
        self.offset = line_offset
        self.max_depth = max_depth

    def documents(self):
        """Yield ``(start_line, value)`` for each document; raise LoadError on bad input."""
        try:
            while True:
                event = self._next()
                if isinstance(event, StreamEndEvent):
                    return
                if isinstance(event, DocumentStartEvent):
                    start = event.start_mark.line + 1 + self.offset
                    value = self._document()
                    yield start, value
        finally:
            self.loader.dispose()

    def _next(self):
        try:
            return self.loader.get_event()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + self.offset if mark else None
            raise LoadError(f"invalid YAML: {exc.problem or exc.context}", line) from None
        except yaml.YAMLError as exc:
            raise LoadError(f"invalid YAML: {exc}", None) from None

    def _pos(self, event) -> tuple[int, int]:
        mark = event.start_mark
        return mark.line + 1 + self.offset, mark.column + 1

    def _document(self):
        anchors: dict[str, object] = {}
        stack: list[_Frame] = []
        result = None
        while True:
            event = self._next()
            if isinstance(event, DocumentEndEvent):
                return result
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                frame = stack.pop()
                value = self._close(frame)
            elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                if len(stack) >= self.max_depth:
                    raise LoadError(f"nesting deeper than {self.max_depth} levels refused", self._pos(event)[0])
                container = LMap() if isinstance(event, MappingStartEvent) else LSeq()
                container.line, container.column = self._pos(event)
                container.pos = {} if isinstance(container, LMap) else []
                stack.append(_Frame(container, event.anchor))
                continue
            elif isinstance(event, AliasEvent):
                if event.anchor not in anchors:
                    raise LoadError(f"invalid YAML: unknown alias *{event.anchor}", self._pos(event)[0])
                value = anchors[event.anchor]
            else:
                value = _scalar(event)
                if event.anchor:
                    anchors[event.anchor] = value
            if not stack:
                result = value
            else:
                self._add(stack[-1], value, event)
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)) and frame.anchor:
                anchors[frame.anchor] = value

    def _close(self, frame: _Frame):
        container = frame.container
        for merged in frame.merges:  # explicit keys win; earlier merged maps win over later
            for key, item in merged.items():
                if key not in container:
                    container[key] = item
                    container.pos[key] = merged.where(key)
        return container

    def _add(self, frame: _Frame, value, event) -> None:
        container = frame.container
        pos = self._pos(event) if not isinstance(event, (MappingEndEvent, SequenceEndEvent)) else None
        if isinstance(container, LSeq):
            container.append(value)
            container.pos.append(pos or (value.line, value.column))
            return
        if frame.key is _NO_KEY:
            frame.key = value if value is _MergeKey or not isinstance(value, (LMap, LSeq)) else repr(value)
            frame.key_pos = pos
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _MergeKey:
            self._merge(frame, value, frame.key_pos)
            return
        if not isinstance(key, str):
            key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
        if key in container:
            line = frame.key_pos[0] if frame.key_pos else None
            first = container.pos[key][0]
            raise LoadError(
                f"duplicate key {key!r} in a mapping (first at line {first}); "
                "kubectl and the API server refuse this document",
                line,
            )
        container[key] = value
        container.pos[key] = pos or (value.line, value.column)

    @staticmethod
    def _merge(frame: _Frame, value, pos) -> None:
        items = value if isinstance(value, LSeq) else [value]
        for item in items:
            if not isinstance(item, LMap):
                raise LoadError("invalid YAML: a merge key (<<) needs a mapping or a list of mappings",
                                pos[0] if pos else None)
            frame.merges.append(item)
