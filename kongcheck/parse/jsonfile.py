"""JSON manifests: checked as JSON, composed with positions.

kubectl reads a file as JSON when its first character is ``{`` (and as YAML otherwise), and
a JSON file may hold several objects one after the other.  Valid JSON is not always valid
YAML (tabs before the first ``{``, keys over 1024 characters, escaped surrogate pairs), so
JSON is first validated by the ``json`` module (its messages name line and column, never
the text), then composed by the YAML composer; where libyaml still refuses valid JSON, a
small positional JSON reader below builds the same ``LMap``/``LSeq`` tree.  A ``\\u`` escape of a
lone surrogate (which libyaml refuses) becomes U+FFFD, as kubectl's Go JSON decoder reads it, so
two names that differ only there are one object, as in the cluster.
"""
from __future__ import annotations

import bisect
import json
import re

from kongcheck.parse.values import LMap, LoadError, LSeq

_SPACE = re.compile(r"[ \t\r\n]*")
_SURROGATE = re.compile("[\ud800-\udfff]")  # left by json only for an escape that is no pair
_ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
def _no_constant(name: str):
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # NaN and Infinity are Python's, not JSON
_LITERALS = {"true": True, "false": False, "null": None}


def _values(text: str):
    """Yield ``(begin, end)`` of each top-level JSON value; raise LoadError on invalid JSON."""
    index = _SPACE.match(text).end()
    while index < len(text):
        try:
            _, end = _DECODER.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
        except ValueError as exc:
            raise LoadError(f"invalid JSON: {exc} is not a JSON value", text.count("\n", 0, index) + 1) from None
        yield index, end
        index = _SPACE.match(text, end).end()


def documents(text: str, line_offset: int, max_depth: int):
    """Yield ``(start_line, value)`` for each JSON object of the stream."""
    try:
        spans = list(_values(text))
    except RecursionError:  # deeper than Python's json reader goes: libyaml reads it, with --max-depth
        spans = None
    if spans is None or len(spans) == 1:
        # tabs are only ever whitespace in valid JSON: spaces keep every line and column
        from kongcheck.parse.tree import Composer  # PyYAML: only once a document needs parsing

        try:
            composed = list(Composer(text.replace("\t", " "), line_offset, max_depth).documents())
        except LoadError:
            if spans is None:
                raise
            composed = None  # valid JSON that libyaml refuses, or a duplicate key: read it as JSON
        if composed is not None:
            yield from composed
            return
    lines = _Lines(text, line_offset)
    for begin, end in spans:
        yield lines.position(begin)[0], _Reader(text, lines, max_depth).read(begin)


class _Lines:
    def __init__(self, text: str, offset: int) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.offset = offset

    def position(self, index: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, index) - 1
        return row + 1 + self.offset, index - self.starts[row] + 1


class _Reader:
    """Builds one (already validated) JSON value with positions, without recursion."""

    def __init__(self, text: str, lines: _Lines, max_depth: int) -> None:
        self.text, self.lines, self.max_depth = text, lines, max_depth

    def _open(self, char: str, index: int, stack: list):
        if len(stack) >= self.max_depth:
            raise LoadError(f"nesting deeper than {self.max_depth} levels refused (--max-depth)",
                            self.lines.position(index)[0])
        container = LMap() if char == "{" else LSeq()
        container.line, container.column = self.lines.position(index)
        container.pos = {} if char == "{" else []
        stack.append([container, None])
        return index + 1

    def _atom(self, index: int):
        text = self.text
        if text[index] == '"':
            value, end = json.decoder.scanstring(text, index + 1)
            if _SURROGATE.search(value):  # a lone \ud800 escape: Go's encoding/json reads U+FFFD
                value = _SURROGATE.sub("\ufffd", value)
            return value, end
        match = _ATOM.match(text, index)
        token = match.group()
        value = _LITERALS[token] if token in _LITERALS else json.loads(token)
        return value, match.end()

    def read(self, index: int):
        text, stack = self.text, []
        while True:
            index = _SPACE.match(text, index).end()
            char = text[index]
            if char in "{[":
                index = self._open(char, index, stack)
                continue
            if char in ",:":
                index += 1
                continue
            if char in "}]":
                value, _ = stack.pop()
                index += 1
                pos = (value.line, value.column)
            else:
                pos = self.lines.position(index)
                value, index = self._atom(index)
            if not stack:
                return value
            self._add(stack[-1], value, pos)

    def _add(self, frame: list, value, pos: tuple[int, int]) -> None:
        container = frame[0]
        if isinstance(container, LSeq):
            container.append(value)
            container.pos.append(pos)
        elif frame[1] is None:
            frame[1] = (value, pos)
        else:
            key, key_pos = frame[1]
            frame[1] = None
            if key in container:
                raise LoadError(f"duplicate key in an object (first at line {container.pos[key][0]}); kubectl "
                                "would keep the last one without a word: remove one", key_pos[0])
            container[key] = value
            container.pos[key] = pos
