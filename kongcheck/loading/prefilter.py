"""A byte-level test that rules out documents before any YAML parsing.

Every object kongcheck reads names one of these literals somewhere in its text: the
Kong kinds, the credential label or legacy data key, a Secret (a consumer may name an
unlabelled one), or an IngressClass (it decides the default class).  A document without
any of them cannot change a finding, so it is never parsed.
"""
from __future__ import annotations

import re

MARKERS = re.compile(rb"Kong(?:Consumer|Vault)|konghq\.com/credential|kongCredType|Secret|IngressClass")


def may_matter(chunk: bytes) -> bool:
    return MARKERS.search(chunk) is not None
