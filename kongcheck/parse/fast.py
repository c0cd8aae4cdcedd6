"""A fast reader for the plainest block YAML, with the composer (tree.py) as its fallback.

Most manifests are written in a small part of YAML: block mappings and sequences, one value per
line, plain words and quoted text without escapes, and in generated ones short flow collections on
one line (``port: {number: 80}``).  For a piece wholly inside that part, this module builds the
same ``LMap``/``LSeq`` tree, with the same positions, as composing libyaml's events does, at a
fraction of the cost; for anything else it answers None and the caller composes the piece (so
every error, and every construct whose meaning depends on the YAML version or the parser, stays
the composer's).  What it accepts, all else being refused:

- printable ASCII text (no tabs, carriage returns or other control characters); comment lines,
  blank lines, one leading ``---`` (a comment after it too);
- ``key: value`` and ``key:`` followed by a more indented block (or, for a list, one at the same
  indentation), ``- value`` and ``- key: value`` items;
- keys that are plain words starting with a letter or ``_`` (``app.kubernetes.io/name``), of 1000
  characters at most;
- values that are plain words (spaces between them; no ``#``, no ``: ``), starting with a letter,
  ``_``, ``/`` or ``~`` and holding any other printable character but ``#`` (``~/api/v[0-9]+$``,
  ``it's``), ``'text'`` (``''`` in it is one quote), ``"text"`` without a quote or backslash inside, and
  decimal numbers up to nine digits; a plain word that starts with another digit only where kubectl
  reads it as text (``128Mi``, ``1.5.2``: parse/scalars.py decides, as for the composer);
- as a value, a flow collection that ends on its line: ``{key: value, ...}`` and ``[value, ...]``,
  nested, empty (``{}``, ``[ ]``), spaces after the brackets and the commas, before the closing
  bracket; in it, keys as above after ``: `` and values without spaces or colons (``{url: http://x}``
  is the composer's), no trailing comma, nothing after the closing bracket but spaces;
- as a value, a block scalar: ``|`` or ``>``, with a chomping indicator (``-``, ``+``) and an
  indentation indicator (``1``-``9``) or without, its lines of printable ASCII, as libyaml's (and
  go-yaml's, its port) scanner reads them: the first line with more than spaces sets the indentation
  (no blank line before it may have more spaces), lines are folded or kept, the last line breaks
  clipped, stripped or kept; one without any line of content, and one that ends the piece without a
  line break, are the composer's;
- after a value, a key without one or a block scalar's header, a comment after at least one space
  (``a: b # c``; ``a: b#c`` is one plain scalar, and is the composer's);
- no word that kubectl reads as a boolean or null (``yes``, ``On``, ``n``, ``NULL``... parse/scalars.py
  ``WORDS``) as a key; as a plain value, such a word is the boolean or null that table gives, as for the
  composer; no duplicate key; at most 64 levels, flow ones included.

``tests/test_fast_yaml_subset.py`` checks it against the composer on every fixture and on hostile
pieces: each piece is either refused or read exactly as the composer reads it.  A piece of a shape
read before (most pieces of a generated tree) is read by a template of that shape, exactly as line
by line (``tests/test_fast_yaml_templates.py``).
"""
from __future__ import annotations

import re
import sys

from kongcheck.parse import scalars
from kongcheck.parse.scalars import WORDS
from kongcheck.parse.values import LMap, LSeq

_DEEPEST = 64  # deeper pieces are the composer's (it applies --max-depth)
_KEY = r"[A-Za-z_][A-Za-z0-9_./-]{0,999}"  # libyaml: a key of 1024 characters at most
# a plain value: the usual one, words with spaces between them (_NARROW, its trailing spaces left out);
# one with a colon, taken widely by one cheap class, then held to the exact form, _PLAIN: words, with
# spaces between them and no ": " inside.  In a block, a word may hold brackets, commas and quotes
# (``~/api/v[0-9]+$``, ``a,b``); in a flow collection (_FLOW_WORD) those end it.
_CHARS = r"A-Za-z0-9_./@+=~()$\\^*?&%!|<>;,\[\]{}'\"`\-"
_WORD = rf"[{_CHARS}]"
_NARROW = rf"[A-Za-z_/~]{_WORD}*+(?: +{_WORD}++)*+"  # possessive: what follows a word is never one
_PLAIN_WIDE = rf"[A-Za-z_/~][{_CHARS}: ]*"
_DIGIT_WIDE = rf"[0-9][{_CHARS}: ]*"  # a plain value that starts with a digit: 128Mi, 1.5.2
_PLAIN = re.compile(rf"[A-Za-z0-9_/~]{_WORD}*(?::{_WORD}+)*(?: +{_WORD}+(?::{_WORD}+)*)*")
_FLOW_WORD = r"[A-Za-z0-9_./@+=~()-]"
_QUOTED = r"""'(?:[ -&(-~]|'')*'|"[ !#-\[\]-~]*\""""  # in single quotes, '' is one quote
_NUMBER = r"0|[1-9][0-9]{0,8}"
_HEADER = r"[|>](?:[-+][1-9]|[1-9][-+]|[-+1-9]|)"  # a block scalar's: literal or folded, chomping, indentation
_AFTER = r"(?: +#[ -~]*| *)"  # after a value: spaces, or a comment after at least one of them
_COMMENT_AFTER_SPACE = r"(?:(?<= )#[ -~]*|)"  # after a value that takes its trailing spaces
# One line, as (what stands before its value, its indent with "- " and the spaces after it, key, a
# usual plain value, a wide plain value, a quoted one with its quotes, a number, a plain value that
# starts with a digit, a flow collection, a block scalar's header, a line outside the subset).  A key
# is followed by spaces, or ends the line ("a:b" is one plain scalar); a comment follows a space ("a:
# b#c" is one plain scalar).  A blank line or a comment line gives empty texts but the indent.  Each
# line, with its line break, gives one match: a line outside the subset gives only its text, last
# (_parse reads the groups; a block scalar's lines are read by _block, never by this pattern).
# (Empty alternatives, not "?", and no value first: faster.)
_LINE = re.compile(
    rf"^(?:(( *(?:- +|))(?:({_KEY}):(?: +|(?=\n))|))"
    rf"(?:(?=\n)|({_NARROW}){_AFTER}|({_PLAIN_WIDE}){_COMMENT_AFTER_SPACE}|({_QUOTED}){_AFTER}|({_NUMBER}){_AFTER}"
    rf"|({_DIGIT_WIDE}){_COMMENT_AFTER_SPACE}|([{{\[][^\n]*[}}\]]){_AFTER}|({_HEADER}){_AFTER}|(?<= )#[ -~]*)"
    r"| *#[ -~]*|([^\n]*))\n", re.M)
# inside a flow collection: a key and the spaces after its colon; a value (a plain word without
# spaces or colons, quoted text, a number) or an opening bracket; after a value, a comma or a closing bracket
_FLOW_KEY = re.compile(rf"({_KEY}): +")
_FLOW_VALUE = re.compile(rf"(?:([A-Za-z_/]{_FLOW_WORD}*)|({_QUOTED})|({_NUMBER})|([0-9]{_FLOW_WORD}*))(?=[ ,}}\]])|([{{\[]) *")
_FLOW_NEXT = re.compile(r",( *)| *([}\]])")
_MARKER = None  # compiled on first use: most pieces start with a plain --- or none

_intern = sys.intern  # a key is written once per object: one copy of each in memory


def documents(text: str, line_offset: int = 0, max_depth: int = 1000) -> list | None:
    """``[(start_line, value)]`` as ``Composer(text, line_offset).documents()`` yields them, or None
    when the piece is outside the subset.  A piece of a shape read before is read by its template
    (see _Template), any other line by line."""
    # after a plain start marker, the rest reads as a piece one line below, whose template it shares
    begin = 4 if text.startswith("---\n") else 0
    end = text.find("\n", text.find("\n", begin) + 1)  # the end of the first two lines, the templates' key
    if end <= begin:  # (fewer lines: not found, or found from the start when none follows the marker)
        return _by_lines(text, line_offset, max_depth)
    first = text[begin:end]
    templates = _TEMPLATES.get(first)
    if templates is not None:
        for template in templates:
            match = template.match(text, end)
            if match is not None and template.depth < max_depth:  # (deeper: the line reader refuses it)
                if template is not templates[0]:  # last used first (a new tuple: scans in threads share it)
                    _TEMPLATES[first] = (template, *(other for other in templates if other is not template))
                if begin:
                    return [(line_offset + 1, template.build(line_offset + 1, match.groups()))]
                return [(line_offset + template.start, template.build(line_offset, match.groups()))]
    found = _by_lines(text, line_offset, max_depth)
    if found is not None and end - begin <= _FIRST_LINES_LONGEST and len(text) <= _TEMPLATE_LONGEST:
        _learn(text, begin, end, line_offset, found)
    return found


def _by_lines(text: str, line_offset: int, max_depth: int) -> list | None:
    """documents(), read line by line."""
    raw = text.split("\n")  # its lines, and after them "" (a block scalar reads them too)
    ended = not raw[-1]
    if not ended:
        raw.append("")
    rows = enumerate(raw, line_offset + 1)  # one per line, with its number
    marker = None
    if raw[0] == "---" or (raw[0][:3] == "---" and _marker(raw[0])):
        marker = next(rows)[0]
    deepest = (max_depth if max_depth < _DEEPEST else _DEEPEST) - 1  # containers open below a new one
    known = _KNOWN
    # The open containers below ``top``, innermost last, as (container, its positions, its indent, is
    # a mapping); the one below the document is a mapping that no line reaches (indent -1), whose
    # key "" receives the document.
    bottom = top = {}
    positions = None
    indent = -1
    is_map = True
    stack = []
    pending = ""  # the key of ``top`` whose block value opens on the next content line
    margin = None  # what stands before the key of the open mapping's next entry; None while a list is open or a value pending
    first = None
    for number, line in rows:
        read = known.get(line)
        if read is None:
            read = _read(line, number)
        lead, key, kind, value, column, dash, width = read
        if lead != margin or not key:  # not the usual line: one more entry of the open mapping
            if not (key or dash):
                if kind is None:
                    continue  # a blank line or a comment
                return None  # outside the subset
            margin = None
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
                margin = lead
            elif not dash:
                return None
            elif key:  # a mapping opens on the item's line
                if len(stack) >= deepest:
                    return None
                at = len(lead) + 1
                opened = LMap()
                opened.line, opened.column, opened.pos = number, at, {}
                top.append(opened)
                positions.append((number, at))
                stack.append((top, positions, indent, False))
                top, positions, indent, is_map, margin = opened, opened.pos, at - 1, True, " " * (at - 1)
        if key:
            if key in top:
                return None  # a duplicate
            if kind is _SCALAR:  # the usual line
                top[key] = value
                positions[key] = (number, column)
                continue
        if kind is _OPENS:
            pending, margin = key, None
            continue
        if kind is _FLOW:
            if (value := _flow(value, number, column - 1, len(stack), deepest)) is None:
                return None
            if key:
                top[key] = value  # no position kept: LMap.where() reads the value's own
                continue
        elif kind is _BLOCK:
            if (found := _block(raw, number - line_offset, value, indent, ended)) is None:
                return None
            value, skipped = found
            for _ in range(skipped):  # its lines
                next(rows)
        if key:
            top[key] = value
            positions[key] = (number, column)
        else:
            top.append(value)
            positions.append((number, column))
    if pending is not None:
        return None  # a key without a value at the end, or no content at all
    return [(marker if marker is not None else first, bottom[""])]


# What a line holds after its indent, dash and key, as _read() gives it; None for nothing (a blank
# line, a comment)
_SCALAR, _OPENS, _FLOW, _BLOCK = "scalar", "opens", "flow", "block"
_REFUSED = ("", "", "refused", None, 0, False, 0)  # a line that puts its piece outside the subset, wherever it stands
_KNOWN: dict[str, tuple] = {}  # lines as _read() read them: many recur across pieces (``kind: Secret``)
_HEADS: dict[str, tuple] = {}  # what stands before a line's last space, as _head() reads it
_KNOWN_MOST = 4096  # entries kept in each at most: memory stays flat, whatever the input
_KNOWN_LONGEST = 200  # longer lines are read each time
_NARROW_STARTS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/~")


def _read(line: str, number: int) -> tuple:
    """The line (without its line break) as (its indent with "- " and the spaces after it, its key or
    "", what follows them: _SCALAR, _OPENS, _FLOW, _BLOCK or None, the value or the flow text or the
    block header, the 1-based column of the value, whether it has a dash, the column of its dash or
    key), or _REFUSED; kept in _KNOWN unless long.  The most common line, a key or a dash and one plain
    word after a space (``  name: web``), is read from what stands before the word, as _head() read it."""
    if len(line) > _KNOWN_LONGEST:
        return _parse(line, number)
    head, space, word = line.rpartition(" ")
    shape = _REFUSED
    if space and word[:1] in _NARROW_STARTS and word.isascii() and word.isprintable() and ":" not in word \
            and "#" not in word:  # a word of _WORD characters: all printable ASCII but spaces, ":" and "#"
        shape = _HEADS.get(head)
        if shape is None:
            if len(_HEADS) >= _KNOWN_MOST:
                _HEADS.clear()
            shape = _HEADS[head] = _head(head)
    if shape is _REFUSED:
        read = _parse(line, number)
    else:
        lead, key, column, dash, width = shape
        read = (lead, key, _SCALAR, WORDS[word] if word in WORDS else word, column, dash, width)
    if len(_KNOWN) >= _KNOWN_MOST:
        _KNOWN.clear()
    _KNOWN[line] = read
    return read


def _head(head: str) -> tuple:
    """What stands before a line's last space, when any plain word without spaces after that space
    makes the line one entry or item: (indent with "- " and spaces, key or "", 1-based column of the
    word, whether it has a dash, column of its dash or key); else _REFUSED.  The line pattern reads
    such a line on its first path (greedy spaces, dash and key, a word that ends the line), as it
    reads the head followed by `` x``."""
    read = _parse(head + " x", 0)
    if read is _REFUSED or read[3] != "x" or read[4] != len(head) + 2:
        return _REFUSED
    lead, key, _, _, column, dash, width = read
    return lead, key, column, dash, width


def _parse(line: str, number: int) -> tuple:
    """The line as _read() gives it, by the line pattern."""
    prefix, lead, key, narrow, plain, quoted, digits, other, flow, block, outside = _LINE.match(line + "\n").groups("")
    dash = "-" in lead
    value = None
    kind = _SCALAR
    if narrow:
        value = WORDS[narrow] if narrow in WORDS else narrow  # a boolean or null as kubectl reads it
    elif plain:
        if (value := _exact(plain)) is None or value in WORDS:
            return _REFUSED
    elif quoted:
        value = _unquoted(quoted)
    elif digits:
        value = int(digits)
    elif other:
        if (value := _text(other, number)) is None:
            return _REFUSED
    elif flow:
        kind, value = _FLOW, flow
    elif block:
        kind, value = _BLOCK, block
    elif key:
        kind = _OPENS
    elif dash or outside:
        return _REFUSED  # an empty item, or a line outside the subset
    else:
        kind = None  # a blank line or a comment
    if (key and key in WORDS) or not (key or dash or kind is None):
        return _REFUSED  # a key that is a boolean or null, or a scalar on its own line
    return _intern(lead), _intern(key), kind, value, len(prefix) + 1, dash, lead.index("-") if dash else len(lead)


def _marker(line: str) -> bool:
    """Whether the first line is a ``---`` with spaces or a comment after it."""
    global _MARKER
    if _MARKER is None:
        _MARKER = re.compile(r"---(?: +#[ -~]*| *)")  # a comment after a space, as after a value
    return _MARKER.fullmatch(line) is not None


def _block(raw: list[str], at: int, header: str, parent: int, ended: bool):
    """The block scalar whose header (``|``, ``>-``, ``|2+``...) ends the line before ``raw[at]``, in
    a collection indented by ``parent``, as libyaml's scanner reads it: (its text, how many lines it
    takes); None when it is not plainly in the subset (no content line, a first line that is not the
    most indented of those before it, a tab or a character outside printable ASCII, or a last line
    without its line break)."""
    end = len(raw) - 1  # the text ends with a line break: raw[-1] is empty
    increment = header.strip("|>+-")
    if increment:
        indent = parent + int(increment)
    else:  # the first line that holds more than spaces sets the indentation
        line = at
        while line < end and not raw[line].strip(" "):
            line += 1
        if line == end:
            return None
        indent = len(raw[line]) - len(raw[line].lstrip(" "))
        if indent <= parent or any(len(raw[blank]) > indent for blank in range(at, line)):
            return None  # an empty scalar, or the indentation of a blank line before the first
    margin = " " * indent
    literal = header[0] == "|"
    parts = []
    blanks = 0  # the blank lines read since the last line with content (a line break each)
    ending = ""  # the line break of the last line with content, unless folded
    spaced = False  # the last line with content starts with a space (more indented: never folded)
    line = at
    while line < end:
        text = raw[line]
        if not (text.isascii() and text.isprintable()):
            return None  # a tab, a control character, or anything else outside printable ASCII
        if len(text) <= indent and not text.strip(" "):
            blanks += 1
        elif text.startswith(margin):
            text = text[indent:]
            if not literal and ending and not spaced and text[0] != " ":
                if not blanks:
                    parts.append(" ")
                ending = ""
            parts += (ending, "\n" * blanks, text)
            blanks, ending, spaced = 0, "\n", text[0] == " "
        else:
            break  # less indented: the scalar ended on the line before
        line += 1
    if not parts or (line == end and not ended):
        return None
    if "-" not in header:
        parts.append(ending)
        if "+" in header:
            parts.append("\n" * blanks)
    return "".join(parts), line - at


def _unquoted(quoted: str) -> str:
    """The text of a quoted value the line pattern took: in single quotes, ``''`` is one quote."""
    text = quoted[1:-1]
    return text.replace("''", "'") if quoted[0] == "'" and "''" in text else text


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
                value = WORDS[plain] if plain in WORDS else plain
            elif quoted:
                value = _unquoted(quoted)
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


# Pieces of one shape (the objects of one generator or chart) differ only in the last word of some
# lines: such a piece is read by a template made from one read line by line.  A template holds the
# piece's first two lines as they are (the key it is found by), a pattern of its other lines, each
# one as it is or as what stands before its last word followed by any word the line reader reads
# from that head (_read: a word of _TEMPLATE_WORD's characters), and a function that builds the tree
# from the words.  It is exact: the line reader's steps depend on each line's head only (indent,
# dash, key, column), never on such a word, so a piece the pattern matches is read in the same
# steps into the same containers and positions, only its words (booleans and nulls by WORDS) in them.
_TEMPLATE_WORD = r'([A-Za-z_/~][!-"$-9;-~]*+)'  # _NARROW_STARTS, then printable ASCII but " ", ":" and "#"
_WORD_ONLY = re.compile(_TEMPLATE_WORD)
_LITERAL = str.maketrans({char: "\\" + char for char in ".^$*+?{}[]\\|()"})  # special in a pattern (no others)
_TEMPLATES: dict[str, tuple] = {}  # a piece's first lines -> templates of pieces that start so, last used first
_TEMPLATES_MOST = 64  # first lines kept at most, each with at most _BUCKET_MOST templates
_BUCKET_MOST = 4
_FIRST_LINES_LONGEST = 400  # pieces whose first lines are longer, and pieces longer than _TEMPLATE_LONGEST
_TEMPLATE_LONGEST = 4000  # or of more than _TEMPLATE_LINES lines, are read line by line: tables and code stay small
_TEMPLATE_LINES = 200
_SEEN: dict[tuple, bool] = {}  # (first lines, line and colon counts) of pieces read line by line -> whether one may
# have a template: one is made for the second such piece, and none after (it did not fit, or none could be made)
# Making a template costs what reading its piece line by line 100 to 400 times does (compiling its
# pattern, mostly): one is made only once 1024 times its text has been read line by line since the
# last one, so a stream of ever new shapes is read little slower; the first few at once.
_TEMPLATE_PRICE = 1024
_credit = 1 << 20  # characters read line by line, not yet spent on templates


class _Template:
    __slots__ = ("match", "build", "depth", "start")

    def __init__(self, rest, build, depth: int, start: int) -> None:
        self.match, self.build = rest.fullmatch, build  # (the pattern of) the lines after the first two, the builder
        self.depth, self.start = depth, start  # the levels of the tree, its first line (1 for the piece's first)


def _learn(text: str, begin: int, end: int, line_offset: int, found: list) -> None:
    """Make a template of a piece (after its plain start marker, at ``begin``) just read line by line as
    ``found``, when one like it was read before and the budget allows."""
    global _credit
    price = (len(text) - begin) * _TEMPLATE_PRICE
    if _credit < price:
        _credit += len(text)
        return
    first = text[begin:end]
    like = (first, text.count("\n", begin), text.count(":", begin))
    fit = _SEEN.get(like)
    if fit is None:
        if len(_SEEN) >= _KNOWN_MOST:
            _SEEN.clear()
        _SEEN[like] = True
        return
    if not fit:
        return
    _SEEN[like] = False  # one template at most for pieces like this one: another one read line by line missed it
    _credit -= price
    template = _template(text[begin:], end - begin, line_offset + (begin > 0), found[0][1])
    if template is None:
        return
    templates = _TEMPLATES.get(first, ())
    if not templates and len(_TEMPLATES) >= _TEMPLATES_MOST:
        _TEMPLATES.clear()
    _TEMPLATES[first] = (template, *templates[:_BUCKET_MOST - 1])  # a new tuple: scans in threads share the table


def _template(text: str, end: int, line_offset: int, root) -> _Template | None:
    """The template of a piece without a start marker, read line by line as ``root``, or None when it
    holds a block scalar or is long.  A line that is not a key or a dash and a word (a key opening a
    block, a blank or comment line, another scalar or a flow collection) is kept as it is."""
    raw = text.split("\n")
    if len(raw) > _TEMPLATE_LINES or text[:3] == "---":
        return None  # (a start marker with a comment: its piece is read line by line)
    skipped = text.count("\n", 0, end) + 1  # the first lines, kept as they are
    parts = []
    groups = {}  # line number -> index of its word among the pattern's groups
    for index, line in enumerate(raw):
        number = line_offset + 1 + index
        head, space, word = line.rpartition(" ")
        if index >= skipped and space and _WORD_ONLY.fullmatch(word) is not None and _head(head) is not _REFUSED:
            groups[number] = len(groups)
            parts.append(head.translate(_LITERAL) + " " + _TEMPLATE_WORD)
            continue
        if _read(line, number)[2] not in (_SCALAR, _OPENS, _FLOW, None):
            return None  # a block scalar (its lines are not read one by one)
        if index >= skipped:
            parts.append(line.translate(_LITERAL))
    builder = _Builder(line_offset, groups)
    top = builder.container(root)
    names = {"LMap": LMap, "LSeq": LSeq, "get": WORDS.get, **builder.objects}
    words = "".join(f"v{index}, " for index in range(len(groups)))
    # its source names keys and values (k0, k1...), never holds them; they are variables of its closure (fast to load)
    source = f"def make({', '.join(names)}):\n    def build(o, words):\n" + \
        (f"        {words}= map(get, words, words)\n" if groups else "") + \
        "".join(f"        {line}\n" for line in builder.lines) + f"        return {top}\n    return build\n"
    made: dict = {}
    exec(compile(source, "<template>", "exec"), made)
    return _Template(re.compile("\n" + "\n".join(parts)), made["make"](**names), builder.depth, root.line - line_offset)


class _Builder:
    """The lines of a template's function that build a tree like ``root``: each container, then its
    items stored in it, positions at the piece's line offset ``o``, the word of each line of ``groups``
    as ``v0``, ``v1``..., and any other value, and every key, as the very object read.  (Stores one
    by one: faster than building a dict to copy.)"""

    def __init__(self, line_offset: int, groups: dict) -> None:
        self.offset, self.groups = line_offset, groups
        self.lines: list[str] = []
        self.objects: dict[str, object] = {}
        self.depth = 0
        self.containers = 0

    def container(self, node, level: int = 1) -> str:
        """The name of a container built like ``node``, ``level`` containers deep."""
        self.depth = max(self.depth, level)
        name = f"c{self.containers}"
        self.containers += 1
        if isinstance(node, LMap):
            self.lines.append(f"{name} = LMap()")
            for key, item in node.items():
                self.lines.append(f"{name}[{self.name(key)}] = {self.item(item, node.pos.get(key), level)}")
            positions = "{" + ", ".join(f"{self.name(key)}: {self.where(at)}" for key, at in node.pos.items()) + "}"
        else:
            items = ", ".join(self.item(item, at, level) for item, at in zip(node, node.pos))
            self.lines.append(f"{name} = LSeq([{items}])")
            positions = "[" + ", ".join(self.where(at) for at in node.pos) + "]"
        self.lines.append(f"{name}.line = o + {node.line - self.offset}; {name}.column = {node.column}; "
                          f"{name}.pos = {positions}")
        return name

    def item(self, value, at, level: int) -> str:
        if isinstance(value, (LMap, LSeq)):
            return self.container(value, level + 1)
        return f"v{self.groups[at[0]]}" if at[0] in self.groups else self.name(value)

    def name(self, value) -> str:
        name = f"k{len(self.objects)}"
        self.objects[name] = value
        return name

    def where(self, at: tuple) -> str:
        return f"(o + {at[0] - self.offset}, {at[1]})"
