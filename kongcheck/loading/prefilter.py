"""A byte-level test that rules out documents before any YAML parsing.

Every object kongcheck reads names one of these literals somewhere in its text: the
Kong kinds, the credential label or legacy data key, a Secret (a consumer may name an
unlabelled one), or an IngressClass (it decides the default class).  A document without
any of them cannot change a finding, so it is never parsed.

Double-quoted YAML and JSON strings can spell a literal without showing it in the bytes
(``"Kong\\u0043onsumer"``, ``"konghq.com\\/credential"``, a ``\\`` line continuation), so a
document with an escape that can produce a letter or ``/`` is parsed too: that costs time
on a few ConfigMaps, never a finding.  So is a stream that is not UTF-8 text (a UTF-16 or
UTF-32 byte order mark, or NUL bytes), so the full parse can report it.
"""
from __future__ import annotations

import re

MARKERS = re.compile(
    rb"Kong(?:Consumer|Vault)|konghq\.com/credential|kongCredType|Secret|IngressClass"
    rb"|\\(?:[xuU/\r\n]|$)|\x00"
)


def may_matter(chunk: bytes) -> bool:
    return MARKERS.search(chunk) is not None
