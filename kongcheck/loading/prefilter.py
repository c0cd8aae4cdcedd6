"""A byte-level test that rules out documents before any YAML parsing.

Every object kongcheck reads names its kind in its text, so a document in which no kind of
the kinds table (facts/kinds.py) appears cannot change a finding and is never parsed.  A row
with ``requires`` narrows its kind further: an object of it matters only when its document holds
one of those texts (a ConfigMap without the ``konghq.com/ca-cert`` label is nothing to KIC), so a
document that names only such a kind, and none of its texts, is not parsed either.

Double-quoted YAML and JSON strings can spell a literal without showing it in the bytes
(``"Kong\\u0043onsumer"``, ``"Sec\\/ret"``, a ``\\`` line continuation), so a document with an
escape that can produce a letter or ``/`` is parsed too: that costs time on a few ConfigMaps,
never a finding.  So is a document with a ``!!binary`` scalar (kubectl decodes its base64: the
kind it names is not in the bytes), and a stream that is not UTF-8 text (a UTF-16 or UTF-32 byte order mark, or
NUL bytes), so the full parse can report it.
"""
from __future__ import annotations

import re

from kongcheck.facts.kinds import KINDS

# the binary tags are found at their last word, what stands before it checked behind it, so that a search
# tries a match at fewer characters (not at each "t" of a text); a match still starts in the line, so in
# the piece, that holds the tag
_ESCAPES = rb"\\(?:[xuU/\r\n]|$)|\x00|binary(?:(?<=!!binary)|(?<=tag:yaml\.org,2002:binary))"


def markers(kinds) -> re.Pattern:
    """The pattern for the kinds parsed whenever their name appears: each kind name (names inside
    another, such as KongConsumer in KongConsumerGroup, make the longer one redundant), the
    escapes, NUL and the binary tag."""
    names = sorted({row.kind for row in kinds if not row.requires and not row.deferred_unless})
    needed = [name for name in names if not any(other != name and other in name for other in names)]
    literals = b"|".join(re.escape(name.encode()) for name in needed)
    return re.compile(literals + b"|" + _ESCAPES)


MARKERS = markers(KINDS)
_REQUIRED = [(row.kind.encode(), row.requires) for row in KINDS if row.requires]
_DEFERRED = [(row.kind.encode(), row.deferred_unless) for row in KINDS if row.deferred_unless]

SKIP, PARSE, DEFER = 0, 1, 2
# each row as (kind, texts, the verdict of a piece that names the kind and none of the texts)
_ROWS = [(name, texts, SKIP) for name, texts in _REQUIRED] + [(name, texts, DEFER) for name, texts in _DEFERRED]


def verdict(chunk: bytes) -> int:
    """PARSE a chunk that may hold an object a rule reads, DEFER one whose only kind is read on demand
    (facts/kinds.py ``deferred_unless``: parsed when a rule names such an object), else SKIP."""
    return Verdicts(chunk).piece(0, len(chunk))


def may_matter(chunk: bytes) -> bool:
    return verdict(chunk) != SKIP


class Verdicts:
    """The verdicts of one stream and of its pieces, the pieces asked for in stream order.  The stream
    is searched for markers once: a piece ``data[begin:end]`` holds a marker exactly when the first
    one found at or after ``begin`` starts before ``end`` (no marker spans a line end but an escaped
    one, which a piece holds whole; a piece ends at a line end or where the stream does).  Only the
    ``requires`` and ``deferred_unless`` rows whose kind the stream names are tried on its pieces (looked
    for once a piece without a marker is asked for: in most streams with markers, every piece holds one)."""

    __slots__ = ("data", "found", "rows")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.found = MARKERS.search(data)  # the first marker at or after the pieces asked for so far
        self.rows = None  # the _ROWS whose kind the stream names

    def stream(self) -> int:
        """The verdict of the whole stream (SKIP: no piece of it can matter)."""
        return self.piece(0, len(self.data))

    def piece(self, begin: int, end: int) -> int:
        """The verdict of ``data[begin:end]``; ``begin`` is never before that of a piece asked for earlier."""
        found, data = self.found, self.data
        if found is not None and found.start() < begin:
            found = self.found = MARKERS.search(data, begin)
        if found is not None and found.start() < end:
            return PARSE
        rows = self.rows
        if rows is None:
            # find, not `in`: that first tries its operand as an integer, making and dropping an exception
            rows = self.rows = [row for row in _ROWS if data.find(row[0]) >= 0]
        verdict = SKIP
        for name, texts, otherwise in rows:
            if data.find(name, begin, end) >= 0:
                for text in texts:
                    if data.find(text, begin, end) >= 0:
                        return PARSE
                if otherwise != SKIP:
                    verdict = otherwise
        return verdict
