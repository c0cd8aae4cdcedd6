"""A fast reader for the plainest block YAML, with the composer (tree.py) as its fallback.

Most manifests are written in a small part of YAML: block mappings and sequences, one value per
line, plain words and quoted text without escapes.  For a piece wholly inside that part, this
module builds the same ``LMap``/``LSeq`` tree, with the same positions, as composing libyaml's
events does, at a fraction of the cost; for anything else it answers None and the caller composes
the piece (so every error, and every construct whose meaning depends on the YAML version or the
parser, stays the composer's).  What it accepts, all else being refused:

- ASCII text without tabs, carriage returns or other control characters; comment lines, blank lines, one leading ``---``;
- ``key: value`` and ``key:`` followed by a more indented block (or, for a list, one at the same
  indentation), ``- value`` and ``- key: value`` items;
- keys that are plain words starting with a letter or ``_`` (``app.kubernetes.io/name``);
- values that are plain words (spaces between them; no ``#``, no ``: ``), ``'text'`` without a
  quote inside, ``"text"`` without a quote or backslash inside, and decimal numbers up to nine digits;
- no word that kubectl reads as a boolean or null (``yes``, ``On``, ``n``, ``NULL``... parse/scalars.py
  ``WORDS``), as a key or a plain value; no duplicate key; at most 64 levels.

``tests/test_fast_yaml_subset.py`` checks it against the composer on every fixture and on hostile
pieces: each piece is either refused or read exactly as the composer reads it.
"""
from __future__ import annotations

import re
import sys

from kongcheck.parse.scalars import WORDS
from kongcheck.parse.values import LMap, LSeq

_DEEPEST = 64  # deeper pieces are the composer's (it applies --max-depth)
_WORD = r"[A-Za-z0-9_./@+=~()-]"
# a mapping entry: key, then the value's text (empty: a block follows) after ": " or at the end
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_./-]*):(?: +|$)")
_PLAIN = re.compile(rf"[A-Za-z_/]{_WORD}*(?::{_WORD}+)*(?: +{_WORD}+(?::{_WORD}+)*)*")
_NUMBER = re.compile(r"0|[1-9][0-9]{0,8}")
_SINGLE = re.compile(r"'[ -&(-~]*'")
_DOUBLE = re.compile(r'"[ !#-\[\]-~]*"')
# characters that only constructs outside the subset need (flow collections, block scalars, anchors,
# aliases, tags), or that it never holds (tabs, carriage returns, and control characters, which kubectl
# refuses anywhere: 'control characters are not allowed'); in quotes or comments too: refused
_OUTSIDE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f{}\[\]|>&*!]")


_intern = sys.intern  # a key is written once per object: one copy of each in memory


class _Refused(Exception):
    """The piece is outside the subset: the composer reads it."""


def documents(text: str, line_offset: int = 0, max_depth: int = 1000) -> list | None:
    """``[(start_line, value)]`` as ``Composer(text, line_offset).documents()`` yields them, or None
    when the piece is outside the subset."""
    if not text.isascii() or _OUTSIDE.search(text) is not None:  # cheap: most refusals end here
        return None
    lines = []  # (line number, indent, content) of each content line
    marker = None
    for number, line in enumerate(text.split("\n"), line_offset + 1):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        content = content.rstrip(" ")
        if line[0] in "-.%" and (content == "---" or line.startswith(("---", "...", "%"))):
            if content != "---" or marker is not None or lines:
                return None
            marker = number
            continue
        lines.append((number, len(line) - len(line.lstrip(" ")), content))
    if not lines:
        return None
    reader = _Reader(lines, min(max_depth, _DEEPEST))
    try:
        value = reader.node(0)
    except _Refused:
        return None
    if reader.at != len(lines):
        return None
    return [(marker if marker is not None else lines[0][0], value)]


def _scalar(content: str):
    """The value of a scalar's text, or _Refused."""
    first = content[0]
    if first.isalpha() or first in "_/":  # the usual case first
        if _PLAIN.fullmatch(content) and content not in WORDS:  # a boolean or null: the composer's
            return content
    elif first == "'":
        if _SINGLE.fullmatch(content):
            return content[1:-1]
    elif first == '"':
        if _DOUBLE.fullmatch(content):
            return content[1:-1]
    elif first.isdigit():
        if _NUMBER.fullmatch(content):
            return int(content)
    raise _Refused


def _opened(container, number: int, indent: int, positions):
    """A mapping or a list that starts at line ``number`` after ``indent`` spaces."""
    container.line, container.column, container.pos = number, indent + 1, positions
    return container


def _is_item(content: str) -> bool:
    return content[0] == "-" and (len(content) == 1 or content[1] == " ")


class _Reader:
    __slots__ = ("lines", "at", "deepest", "depth")

    def __init__(self, lines: list, deepest: int) -> None:
        self.lines = lines
        self.at = 0
        self.deepest = deepest
        self.depth = 0

    def node(self, at: int):
        """The block node starting at line ``at`` (a mapping or a sequence)."""
        self.at = at
        self.depth += 1
        if self.depth >= self.deepest:
            raise _Refused
        number, indent, content = self.lines[at]
        value = self.sequence(indent) if _is_item(content) else self.mapping(indent)
        self.depth -= 1
        return value

    def mapping(self, indent: int) -> LMap:
        lines = self.lines
        at = self.at
        number, _, content = lines[at]
        found = _opened(LMap(), number, indent, {})
        positions = found.pos
        end = len(lines)
        while True:
            match = _ENTRY.match(content)
            if match is None:
                raise _Refused
            key = _intern(match.group(1))
            if key in found or key in WORDS or len(key) > 1000:  # libyaml: keys of 1024 at most
                raise _Refused
            rest = match.end()
            if rest < len(content):
                column = indent + rest
                value = _scalar(content[rest:])
                at += 1
                if at < end and lines[at][1] > indent:  # a plain scalar's next line, or a stray block
                    raise _Refused
                positions[key] = (number, column + 1)
            else:
                at += 1
                if at == end:
                    raise _Refused  # an empty value: the composer's
                next_indent, next_content = lines[at][1], lines[at][2]
                if next_indent > indent or (next_indent == indent and _is_item(next_content)):
                    value = self.node(at)  # no position kept: LMap.where() reads the value's own
                    at = self.at
                else:
                    raise _Refused
            found[key] = value
            if at == end:
                break
            number, next_indent, content = lines[at]
            if next_indent != indent:
                if next_indent > indent:
                    raise _Refused
                break
            if _is_item(content):
                raise _Refused
        self.at = at
        return found

    def sequence(self, indent: int) -> LSeq:
        lines = self.lines
        at = self.at
        number, _, content = lines[at]
        found = _opened(LSeq(), number, indent, [])
        positions = found.pos
        end = len(lines)
        while True:
            item = content[1:].lstrip(" ")
            if not item or _is_item(item):
                raise _Refused
            column = indent + len(content) - len(item)
            if _ENTRY.match(item) is not None:  # a mapping starts on the item's line
                lines[at] = (number, column, item)
                value = self.node(at)
                at = self.at
            else:
                value = _scalar(item)
                at += 1
                if at < end and lines[at][1] > indent:
                    raise _Refused
            found.append(value)
            positions.append((number, column + 1))
            if at == end:
                break
            number, next_indent, content = lines[at]
            if next_indent != indent or not _is_item(content):
                if next_indent > indent:
                    raise _Refused
                break
        self.at = at
        return found
