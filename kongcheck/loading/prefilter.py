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

_ESCAPES = rb"\\(?:[xuU/\r\n]|$)|\x00|!!binary|tag:yaml\.org,2002:binary"


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


def verdict(chunk: bytes) -> int:
    """PARSE a chunk that may hold an object a rule reads, DEFER one whose only kind is read on demand
    (facts/kinds.py ``deferred_unless``: parsed when a rule names such an object), else SKIP."""
    if MARKERS.search(chunk) is not None:
        return PARSE
    if any(name in chunk and any(text in chunk for text in texts) for name, texts in _REQUIRED):
        return PARSE
    found = SKIP
    for name, texts in _DEFERRED:
        if name in chunk:
            if any(text in chunk for text in texts):
                return PARSE
            found = DEFER
    return found


def may_matter(chunk: bytes) -> bool:
    return verdict(chunk) != SKIP
