"""The error every configuration problem becomes, and the did-you-mean hint."""
from __future__ import annotations


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file (and line)."""


def suggest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
