"""Credential values never reach output by default: they are shown as keyed fingerprints.

A fingerprint is ``fp:`` and 12 hex digits of an HMAC-SHA256 of the value, keyed with
``Settings.fingerprint_key``: random bytes made for each run and never written anywhere.  Two
equal values get the same fingerprint within one report and across all its formats, but a
fingerprint verifies nothing outside that run: without the key, no guess can be checked
against it (a plain digest of a value could be checked offline, and usernames, custom_ids and
many keys fall to a word list).  A value that lives only in the cluster is not shown at all
(``LIVE_VALUE``).  The baseline, which must recognise a value across runs, uses its own salted,
deliberately slow digest (verdict/baseline.py), through ``Sealed``.
"""
from __future__ import annotations

import os
import re

from kongcheck.escape import text_bytes

PREFIX = "fp:"
LIVE_VALUE = "<live value>"  # shown instead of a value that only the cluster holds
KEY_BYTES = 32


def new_key() -> bytes:
    """A fresh fingerprint key (one per run)."""
    return os.urandom(KEY_BYTES)


def keyed_fingerprint(value: str, key: bytes) -> str:
    """``fp:`` and 12 hex digits of HMAC-SHA256(key, value)."""
    import hashlib  # only when there is a value to show: keeps start-up short
    import hmac

    return PREFIX + hmac.new(key, text_bytes(value), hashlib.sha256).hexdigest()[:12]


_SHOWN = re.compile(re.escape(PREFIX) + "[0-9a-f]{12}")


def comparable(text: str) -> str:
    """``text`` (a report) with each fingerprint replaced by its rank of first appearance
    (``fp:#1``...), so reports of two runs, keyed differently, can be compared."""
    ranks: dict[str, str] = {}
    return _SHOWN.sub(lambda m: ranks.setdefault(m.group(), f"{PREFIX}#{len(ranks) + 1}"), text)


class Redactor:
    """Shows a value as its keyed fingerprint unless the user asked for values (``--show-values``)."""

    def __init__(self, show_values: bool, key: bytes) -> None:
        self.show_values = show_values
        self.key = key

    @classmethod
    def of(cls, settings) -> "Redactor":
        return cls(settings.show_values, settings.fingerprint_key)

    def fingerprint(self, value: str) -> str:
        return keyed_fingerprint(value, self.key)

    def __call__(self, value: str) -> str:
        return repr(value) if self.show_values else self.fingerprint(value)


class Sealed:
    """A clashing value carried from a rule to the baseline, which hashes it slowly with its salt.

    Nothing prints it: ``repr`` and ``str`` hide it, and it is not JSON-serialisable, so a report
    that tried to write it would fail instead of leaking it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<sealed value>"

    __str__ = __repr__

    def encoded(self) -> bytes:
        """The value's bytes, for a digest."""
        return text_bytes(self._value)
