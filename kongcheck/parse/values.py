"""The values a parsed document is made of, with source positions (no YAML library needed).

Kept apart from the parser (tree.py) so that the index and the rules can use them, and a
scan whose documents are all ruled out by the prefilter never imports PyYAML.
"""
from __future__ import annotations


class LoadError(Exception):
    """A document that cannot be used; ``line`` is 1-based in the whole stream."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class LMap(dict):
    """A mapping that knows the (line, column) where it and each of its values start."""

    __slots__ = ("line", "column", "pos")

    def where(self, key: str) -> tuple[int, int]:
        return self.pos.get(key, (self.line, self.column))


class LSeq(list):
    """A sequence that knows where it and each of its items start."""

    __slots__ = ("line", "column", "pos")

    def where(self, index: int) -> tuple[int, int]:
        return self.pos[index] if index < len(self.pos) else (self.line, self.column)


def type_name(value) -> str:
    """How an error message names the type of a parsed value."""
    if isinstance(value, LMap):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return {bool: "a boolean", int: "a number", float: "a number", type(None): "null"}.get(type(value), "text")
