"""Build plain Python values with source positions from YAML parser events.

PyYAML's libyaml parser (C) produces the events; this module composes them into
``LMap``/``LSeq`` containers that remember where each value starts.  Composing from events
(instead of PyYAML's recursive composer) keeps deep nesting from exhausting the C stack and
lets us bound nesting depth, resolve merge keys and reject duplicate keys ourselves.
"""
from __future__ import annotations

import re

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
from kongcheck.parse import scalars
from kongcheck.parse.values import LMap, LoadError, LSeq

try:
    from yaml import CSafeLoader as _Loader
    from yaml import _yaml as _libyaml
except ImportError:  # libyaml missing: the pure-Python parser gives the same events
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _libyaml = None

# libyaml 0.2.6 (PyYAML 6.0.4 wheels) has a nesting limit of its own (1000 levels); it is raised
# above ours so that --max-depth decides. Older libyaml has no limit and no setter.
_SET_LIBYAML_DEPTH = getattr(_libyaml, "_set_max_nest_level", None)

LIBYAML_MAX_DEPTH = 1000  # libyaml 0.2.6's default, where its limit cannot be raised


# kubectl decodes YAML with go-yaml, which refuses a document when too large a share of the
# nodes it decodes comes from expanding aliases ("document contains excessive aliasing").
# kongcheck never expands aliases, but applies the same rule so an alias bomb is refused
# exactly where kubectl would refuse it.
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000
_QUOTED = re.compile(r"'[^'\s]{2,}'|\"[^\"\s]{2,}\"")  # input text, never "' or '"


def allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_LOW:
        return 0.99
    if decoded >= _ALIAS_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)


def parser_problem(text: str) -> str:
    """A parser message without any quoted input text (it could be part of a credential)."""
    return _QUOTED.sub("'...'", text)


def _scalar(event: ScalarEvent, line: int):
    """The value kubectl's decoder gives a scalar (parse/scalars.py); ``<<`` where go-yaml takes it
    as a merge key (plain, or tagged ``!!merge``)."""
    value = event.value
    if event.tag is None:
        if not event.implicit[0]:
            return value  # quoted: always text
        if value[:1] not in scalars.HINTED:  # most plain text: no YAML 1.1 type starts like it
            return _MergeKey if value == "<<" else value
        return scalars.plain(value, line)
    if value == "<<" and (event.implicit[0] or event.tag == scalars.MERGE):
        return _MergeKey
    return scalars.resolve(event.tag, value, event.implicit[0], line)


class _MergeKey:
    """Marker for the YAML merge key ``<<``."""


class _Frame:
    __slots__ = ("container", "key", "key_pos", "merged", "anchor", "size")

    def __init__(self, container, anchor) -> None:
        self.container = container
        self.size = 1  # nodes once aliases are expanded, as kubectl's decoder counts them
        self.key = _NO_KEY
        self.key_pos = None
        self.merged: set | None = None  # keys whose value a merge key wrote
        self.anchor = anchor


_NO_KEY = object()
DOCUMENT, ITEM = "document", "item"  # what Composer.entries() yields


class Composer:
    """Turns the event stream of one YAML stream into documents (LMap/LSeq/scalars)."""

    def __init__(self, text, line_offset: int = 0, max_depth: int = 1000) -> None:
        """``text``: the stream as a str, or an object that reads it in pieces: ``read(size)`` gives the next
        UTF-8 bytes (b"" at the end), ``lines()`` how many lines were read, ``starts_with_tab(line)``
        whether the 0-based line, among those read last, starts with a tab."""
        if _SET_LIBYAML_DEPTH is not None:
            _SET_LIBYAML_DEPTH(max_depth + 2)  # a document's own level and the stream's
        self.loader = _Loader(text)
        self.text = text
        self.offset = line_offset
        self.max_depth = max_depth

    def documents(self):
        """Yield ``(start_line, value)`` for each document; raise LoadError on bad input."""
        for kind, start, value, _ in self.entries(None):
            yield start, value

    def entries(self, unpack: str | None):
        """Yield ``(DOCUMENT, start_line, value, None)`` for each document; raise LoadError on bad input.

        With ``unpack`` (a key), the items of a document's top-level ``unpack`` list are not kept in
        it: each is yielded as ``(ITEM, line, item, the list)`` as soon as it is composed, before its
        document, whose list is left empty.  A list with an anchor is kept whole (an alias may name
        it).  Every check is made as without ``unpack``; an item is alive only while it is composed
        (and as long as an anchor in it may be named), so a List of any length is read in the memory
        of its largest item.  A merge key may replace the list: its document's value then says
        which list, if any, the yielded items were of.
        """
        try:
            while True:
                event = self._next()
                if isinstance(event, StreamEndEvent):
                    return
                if isinstance(event, DocumentStartEvent):
                    start = event.start_mark.line + 1 + self.offset
                    yield from self._document(unpack, start)
        finally:
            self.loader.dispose()

    def _next(self):
        try:
            return self.loader.get_event()
        except yaml.MarkedYAMLError as exc:
            mark = self._within(exc.problem_mark) or self._within(exc.context_mark) or self._last_line(exc)
            line = mark.line + 1 + self.offset if mark else None
            problem = parser_problem(exc.problem or exc.context or "unreadable")
            if "maximum nesting depth" in problem:  # libyaml >= 0.2.6 stops at its own limit first
                depth = self.max_depth if _SET_LIBYAML_DEPTH else min(self.max_depth, LIBYAML_MAX_DEPTH)
                raise LoadError(f"nesting deeper than {depth} levels refused (--max-depth)", line) from None
            raise LoadError(f"invalid YAML: {problem}{self._tab_hint(mark, problem)}", line) from None
        except yaml.YAMLError:
            raise LoadError("invalid YAML", None) from None

    def _within(self, mark):
        """The mark, if it lies on a line of the text (the end of the stream after a last newline does not)."""
        return mark if mark is not None and mark.line < self._lines() else None

    def _lines(self) -> int:
        if not isinstance(self.text, str):
            return self.text.lines()
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)

    def _last_line(self, exc):
        """A problem found at the end of the stream is shown on the text's last line."""
        if exc.problem_mark is None and exc.context_mark is None:
            return None
        return yaml.Mark("", 0, max(0, self._lines() - 1), 0, None, None)

    def _tab_hint(self, mark, problem: str) -> str:
        """Name the usual cause when the offending line is indented with a tab."""
        if mark is None or "tab" in problem:
            return ""
        if not isinstance(self.text, str):
            tabbed = self.text.starts_with_tab(mark.line)
        else:
            lines = self.text.split("\n", mark.line + 1)
            tabbed = mark.line < len(lines) and lines[mark.line].startswith("\t")
        return " (a tab? YAML indents with spaces only)" if tabbed else ""

    def _pos(self, event) -> tuple[int, int]:
        mark = event.start_mark
        return mark.line + 1 + self.offset, mark.column + 1

    def _alias(self, event, anchors: dict, sizes: dict, counts: list[int]):
        if event.anchor not in anchors:
            raise LoadError("invalid YAML: an alias (*) names no anchor defined before it", self._pos(event)[0])
        size = sizes[event.anchor]
        counts[0] += size + 1
        counts[1] += size
        decoded, aliased = counts
        if aliased > 100 and decoded > 1000 and aliased / decoded > allowed_alias_ratio(decoded):
            raise LoadError("excessive aliasing (an alias bomb?): kubectl refuses this document with "
                            "'document contains excessive aliasing'", self._pos(event)[0])
        return anchors[event.anchor], size + 1

    def _document(self, unpack: str | None, start: int):
        anchors: dict[str, object] = {}
        sizes: dict[str, int] = {}
        counts = [0, 0]  # nodes decoded with aliases expanded, and how many of them came from aliases
        stack: list[_Frame] = []
        result = None
        streamed = None  # the frame of the top-level list whose items are yielded, while it is open
        while True:
            event = self._next()
            size = 1
            if isinstance(event, DocumentEndEvent):
                yield DOCUMENT, start, result, None
                return
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                frame = stack.pop()
                value = frame.container
                size = frame.size
                if frame is streamed:
                    streamed = None
            elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                if len(stack) >= self.max_depth:
                    raise LoadError(f"nesting deeper than {self.max_depth} levels refused (--max-depth)", self._pos(event)[0])
                container = LMap() if isinstance(event, MappingStartEvent) else LSeq()
                container.line, container.column = self._pos(event)
                container.pos = {} if isinstance(container, LMap) else []
                counts[0] += 1
                stack.append(_Frame(container, event.anchor))
                if (unpack is not None and len(stack) == 2 and not event.anchor and container.__class__ is LSeq
                        and stack[0].container.__class__ is LMap and stack[0].key == unpack):
                    streamed = stack[1]
                continue
            elif isinstance(event, AliasEvent):
                value, size = self._alias(event, anchors, sizes, counts)
            else:
                value = _scalar(event, event.start_mark.line + 1 + self.offset)
                if event.anchor:
                    anchors[event.anchor], sizes[event.anchor] = value, 1
            if isinstance(event, ScalarEvent):
                counts[0] += 1
            if not stack:
                result = _value(value, self._pos(event))
            elif stack[-1] is streamed:
                streamed.size += size
                ended = isinstance(event, (MappingEndEvent, SequenceEndEvent))
                pos = (value.line, value.column) if ended else self._pos(event)
                yield ITEM, pos[0], _value(value, pos) if value.__class__ in _NUMBERS or value is _MergeKey else value, \
                    streamed.container
            else:
                stack[-1].size += size
                self._add(stack[-1], value, event)
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)) and frame.anchor:
                anchors[frame.anchor], sizes[frame.anchor] = value, frame.size

    def _add(self, frame: _Frame, value, event) -> None:
        container = frame.container
        pos = self._pos(event) if not isinstance(event, (MappingEndEvent, SequenceEndEvent)) else None
        if isinstance(container, LSeq):
            container.append(_value(value, pos) if value.__class__ in _NUMBERS or value is _MergeKey else value)
            container.pos.append(pos or (value.line, value.column))
            return
        if frame.key is _NO_KEY:
            if isinstance(value, (LMap, LSeq)):
                raise LoadError("a mapping or list used as a mapping key; Kubernetes manifests need text keys",
                                pos[0] if pos else value.line)
            frame.key = value
            frame.key_pos = pos
            return
        key, frame.key = frame.key, _NO_KEY
        if key is _MergeKey:
            self._merge(frame, value, frame.key_pos)
            return
        if key.__class__ is not str:
            key = scalars.key_text(key, frame.key_pos[0] if frame.key_pos else None)
        if key in container:
            if frame.merged is None or key not in frame.merged:
                first = container.pos[key][0]
                raise LoadError(
                    f"duplicate key in a mapping (first at line {first}); kubectl would keep the last one "
                    "without a word, kustomize refuses the document: remove one",
                    frame.key_pos[0] if frame.key_pos else None)
            frame.merged.discard(key)
        container[key] = _value(value, pos) if value.__class__ in _NUMBERS or value is _MergeKey else value
        container.pos[key] = pos or (value.line, value.column)

    @staticmethod
    def _merge(frame: _Frame, value, pos) -> None:
        """go-yaml writes a merged mapping's keys where ``<<`` stands: over the keys before it, under
        the keys after it; of a list of mappings, the earlier ones win."""
        items = value if isinstance(value, LSeq) else [value]
        if not all(isinstance(item, LMap) for item in items):
            raise LoadError("invalid YAML: a merge key (<<) needs a mapping or a list of mappings",
                            pos[0] if pos else None)
        container = frame.container
        if frame.merged is None:
            frame.merged = set()
        for item in reversed(items):
            for key, entry in item.items():
                container[key] = entry
                container.pos[key] = item.where(key)
                frame.merged.add(key)


_NUMBERS = (int, float)


def _value(value, pos):
    """A value in a mapping or a list: a ``<<`` there is text, a number is what JSON gives back."""
    if value is _MergeKey:
        return "<<"
    if value.__class__ in _NUMBERS:
        return scalars.json_value(value, pos[0] if pos else None)
    return value
