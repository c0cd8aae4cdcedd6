"""Credential values never reach output by default: they are shown as fingerprints."""
from __future__ import annotations


def sha256_hex(value: str) -> str:
    import hashlib  # only when there is a value to show: keeps start-up short

    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def fingerprint(value: str) -> str:
    """A short, stable stand-in for a secret value: ``sha256:`` and 12 hex digits."""
    return "sha256:" + sha256_hex(value)[:12]


class Redactor:
    """Shows a value as its fingerprint unless the user asked for values (``--show-values``)."""

    def __init__(self, show_values: bool = False) -> None:
        self.show_values = show_values

    def __call__(self, value: str) -> str:
        return repr(value) if self.show_values else fingerprint(value)
