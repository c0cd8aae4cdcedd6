"""A fast reader for the plainest block YAML, with the composer (tree.py) as its fallback.

Most manifests are written in a small part of YAML: block mappings and sequences, one value per
line, plain words and quoted text without escapes, and in generated ones short flow collections on
one line (``port: {number: 80}``).  For a piece wholly inside that part, this module builds the
same ``LMap``/``LSeq`` tree, with the same positions, as composing libyaml's events does, at a
fraction of the cost; for anything else it answers None and the caller composes the piece (so
every error, and every construct whose meaning depends on the YAML version or the parser, stays
the composer's).  What it accepts, all else being refused:

- printable ASCII text (no tabs, carriage returns or other control characters); comment lines,
  blank lines, one leading ``---``;
- ``key: value`` and ``key:`` followed by a more indented block (or, for a list, one at the same
  indentation), ``- value`` and ``- key: value`` items;
- keys that are plain words starting with a letter or ``_`` (``app.kubernetes.io/name``), of 1000
  characters at most;
- values that are plain words (spaces between them; no ``#``, no ``: ``), ``'text'`` without a
  quote inside, ``"text"`` without a quote or backslash inside, and decimal numbers up to nine
  digits; a plain word that starts with another digit only where kubectl reads it as text
  (``128Mi``, ``1.5.2``: parse/scalars.py decides, as for the composer);
- as a value, a flow collection that ends on its line: ``{key: value, ...}`` and ``[value, ...]``,
  nested, empty (``{}``, ``[ ]``), spaces after the brackets and the commas, before the closing
  bracket; in it, keys as above after ``: `` and values without spaces or colons (``{url: http://x}``
  is the composer's), no trailing comma, nothing after the closing bracket but spaces;
- no word that kubectl reads as a boolean or null (``yes``, ``On``, ``n``, ``NULL``... parse/scalars.py
  ``WORDS``), as a key or a plain value; no duplicate key; at most 64 levels, flow ones included.

``tests/test_fast_yaml_subset.py`` checks it against the composer on every fixture and on hostile
pieces: each piece is either refused or read exactly as the composer reads it.
"""
from __future__ import annotations

import re
import sys

from kongcheck.parse import scalars
from kongcheck.parse.scalars import WORDS
from kongcheck.parse.values import LMap, LSeq

_DEEPEST = 64  # deeper pieces are the composer's (it applies --max-depth)
_KEY = r"[A-Za-z_][A-Za-z0-9_./-]{0,999}"  # libyaml: a key of 1024 characters at most
# a plain value as the line pattern takes it (cheap: one class); one with a colon or a trailing space
# is then held to the exact form, _PLAIN: words, with spaces between them and no ": " inside
_PLAIN_WIDE = r"[A-Za-z_/][A-Za-z0-9_./@+=~()\-: ]*"
_DIGIT_WIDE = r"[0-9][A-Za-z0-9_./@+=~()\-: ]*"  # a plain value that starts with a digit: 128Mi, 1.5.2
_WORD = r"[A-Za-z0-9_./@+=~()-]"
_PLAIN = re.compile(rf"[A-Za-z0-9_/]{_WORD}*(?::{_WORD}+)*(?: +{_WORD}+(?::{_WORD}+)*)*")
_QUOTED = r"""'[ -&(-~]*'|"[ !#-\[\]-~]*\""""
_NUMBER = r"0|[1-9][0-9]{0,8}"
# One line of the subset, as (indent, "- " and the spaces after it, key, the spaces after its colon,
# a plain value, a quoted one with its quotes, a number).  A blank line or a comment line gives
# empty texts but the indent; a line outside the subset does not match at all, so that a piece is in
# the subset exactly when there is one match per line.  (Empty alternatives, not "?": faster.)
_LINE = re.compile(
    rf"^( *)(?:(- +|)(?:({_KEY}):( *)|)(?:({_PLAIN_WIDE})|({_QUOTED}) *|({_NUMBER}) *|({_DIGIT_WIDE})|([{{\[][^\n]*[}}\]]) *|)"
    r"|#[ -~]*)\n", re.M)
# inside a flow collection: a key and the spaces after its colon; a value (a plain word without
# spaces or colons, quoted text, a number) or an opening bracket; after a value, a comma or a closing bracket
_FLOW_KEY = re.compile(rf"({_KEY}): +")
_FLOW_VALUE = re.compile(rf"(?:([A-Za-z_/]{_WORD}*)|({_QUOTED})|({_NUMBER})|([0-9]{_WORD}*))(?=[ ,}}\]])|([{{\[]) *")
_FLOW_NEXT = re.compile(r",( *)| *([}\]])")
_MARKER = re.compile(r"--- *(?:\n|\Z)")

_intern = sys.intern  # a key is written once per object: one copy of each in memory


def documents(text: str, line_offset: int = 0, max_depth: int = 1000) -> list | None:
    """``[(start_line, value)]`` as ``Composer(text, line_offset).documents()`` yields them, or None
    when the piece is outside the subset."""
    start = 0
    number = line_offset  # the number of the line before the one read next
    marker = None
    if text.startswith("-"):
        found = _MARKER.match(text)
        if found is not None:
            start = found.end()
            number += 1
            marker = number
    if not text.endswith("\n"):
        text += "\n"
    lines = _LINE.findall(text, start)
    if len(lines) != text.count("\n", start):  # a line outside the subset
        return None
    deepest = min(max_depth, _DEEPEST) - 1  # containers open below a new one
    words, intern = WORDS, _intern
    # The open containers below ``top``, innermost last, as (container, its positions, its indent, is
    # a mapping); the one below the document is a mapping that no line reaches (indent -1), whose
    # key "" receives the document.
    bottom = top = {}
    positions = None
    indent = -1
    is_map = True
    stack = []
    pending = ""  # the key of ``top`` whose block value opens on the next content line
    first = None
    for width, dash, key, gap, plain, quoted, digits, other, flow in lines:
        number += 1
        if key and not dash and is_map and pending is None and len(width) == indent:
            column = indent  # the usual line: one more entry of the open mapping
        elif not (key or dash):
            if plain or quoted or digits or other or flow:
                return None  # a scalar on its own line: a document of its own, or a plain scalar's next line
            continue  # a blank line or a comment
        else:
            width = len(width)
            if pending is not None:  # a block value opens here: a mapping, or a list (at the key's indent too)
                if width < indent or (width == indent and not dash) or len(stack) >= deepest:
                    return None  # an empty value (the composer's), or too deep
                stack.append((top, positions, indent, is_map))
                if dash:
                    opened, positions = LSeq(), []
                else:
                    opened, positions = LMap(), {}
                opened.line, opened.column, opened.pos = number, width + 1, positions
                top[pending] = opened  # no position kept: LMap.where() reads the value's own
                if first is None:
                    first = number
                top, indent, is_map, pending = opened, width, not dash, None
            else:
                while width < indent or (width == indent and not is_map and not dash):
                    top, positions, indent, is_map = stack.pop()  # never the bottom: no line is below it
                if width != indent:
                    return None  # deeper than the entries it follows
            if is_map:
                if dash:
                    return None  # an item among a mapping's entries
                column = width
            else:
                if not dash:
                    return None
                column = width + len(dash)
                if key and not gap and (plain or digits or other):  # "- a:b" is one plain scalar
                    plain, key = f"{key}:{plain or digits or other}", ""
                if not key:
                    if plain:
                        if (":" in plain or plain[-1] == " ") and (plain := _exact(plain)) is None:
                            return None
                        if plain in words:
                            return None  # a boolean or null: the composer's
                        top.append(plain)
                    elif quoted:
                        top.append(quoted[1:-1])
                    elif digits:
                        top.append(int(digits))
                    elif other:
                        if (other := _text(other, number)) is None:
                            return None
                        top.append(other)
                    elif flow:
                        if (found := _flow(flow, number, column, len(stack), deepest)) is None:
                            return None
                        top.append(found)
                    else:
                        return None  # an empty item
                    positions.append((number, column + 1))
                    continue
                if len(stack) >= deepest:  # a mapping opens on the item's line
                    return None
                opened = LMap()
                opened.line, opened.column, opened.pos = number, column + 1, {}
                top.append(opened)
                positions.append((number, column + 1))
                stack.append((top, positions, indent, False))
                top, positions, indent, is_map = opened, opened.pos, column, True
        key = intern(key)
        if key in top or key in words:
            return None  # a duplicate, or a key that is a boolean or null
        if plain:
            if (":" in plain or plain[-1] == " ") and (plain := _exact(plain)) is None:
                return None
            if plain in words or not gap:  # "a:b" is one plain scalar
                return None
            top[key] = plain
        elif quoted:
            if not gap:
                return None
            top[key] = quoted[1:-1]
        elif digits:
            if not gap:
                return None
            top[key] = int(digits)
        elif other:
            if not gap or (other := _text(other, number)) is None:
                return None
            top[key] = other
        elif flow:
            if not gap or (found := _flow(flow, number, column + len(key) + len(gap) + 1, len(stack),
                                          deepest)) is None:
                return None
            top[key] = found  # no position kept: LMap.where() reads the value's own
            continue
        else:
            pending = key
            continue
        positions[key] = (number, column + len(key) + len(gap) + 2)
    if pending is not None:
        return None  # a key without a value at the end, or no content at all
    return [(marker if marker is not None else first, bottom[""])]


def _exact(plain: str) -> str | None:
    """A plain value the line pattern took widely, without its trailing spaces, or None when it is
    not one plain scalar (``a: b`` inside it, or a colon at its end)."""
    plain = plain.rstrip(" ")
    return plain if _PLAIN.fullmatch(plain) is not None else None


def _text(plain: str, number: int) -> str | None:
    """A plain value that starts with a digit, when kubectl reads it as text (``128Mi``, ``1.5.2``,
    ``1:20``), by the composer's own resolution; None for a number, or outside the subset."""
    if (":" in plain or plain[-1] == " ") and (plain := _exact(plain)) is None:
        return None
    value = scalars.plain(plain, number)
    return plain if value.__class__ is str else None


def _flow(text: str, number: int, column: int, level: int, deepest: int):
    """The flow collection ``text`` (one line, from its opening bracket to its closing one, which
    stands at 0-based ``column``), with ``level`` containers open around it; None when it is outside
    the subset."""
    found, end = _collection(text, 0, number, column, level, deepest)
    return found if end == len(text) else None


def _collection(text: str, at: int, number: int, column: int, level: int, deepest: int):
    """The collection whose opening bracket is ``text[at]``, and where it ends: (None, -1) outside
    the subset."""
    if level >= deepest:
        return None, -1
    if text[at] == "{":
        found, positions, closer = LMap(), {}, "}"
    else:
        found, positions, closer = LSeq(), [], "]"
    found.line, found.column, found.pos = number, column + at + 1, positions
    at += 1
    while text[at] == " ":  # the text ends with a bracket: never past it
        at += 1
    if text[at] == closer:
        return found, at + 1
    while True:
        if closer == "}":
            match = _FLOW_KEY.match(text, at)
            if match is None:
                return None, -1
            key = _intern(match[1])
            if key in found or key in WORDS:
                return None, -1
            at = match.end()
        match = _FLOW_VALUE.match(text, at)
        if match is None:
            return None, -1
        plain, quoted, digits, other, opener = match.groups()
        if opener:
            value, at = _collection(text, at, number, column, level + 1, deepest)
            if value is None:
                return None, -1
            where = (number, value.column)
        else:
            if plain:
                if plain in WORDS:
                    return None, -1
                value = plain
            elif quoted:
                value = quoted[1:-1]
            elif digits:
                value = int(digits)
            elif (value := _text(other, number)) is None:
                return None, -1
            where = (number, column + at + 1)
            at = match.end()
        if closer == "}":
            found[key] = value
            if not opener:
                positions[key] = where
        else:
            found.append(value)
            positions.append(where)
        match = _FLOW_NEXT.match(text, at)
        if match is None:
            return None, -1
        if match[2] is not None:
            return (found, match.end()) if match[2] == closer else (None, -1)
        at = match.end()
