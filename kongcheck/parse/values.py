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
        found = self.pos.get(key)
        if found is not None:
            return found
        value = self.get(key)  # a nested mapping or list starts where its value does (parse/fast.py)
        return (value.line, value.column) if isinstance(value, (LMap, LSeq)) else (self.line, self.column)


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


def tree(value, max_depth: int, line: int = 1):
    """Plain decoded values (``json.loads`` output, a live object) as ``LMap``/``LSeq``, every value
    at ``line``; no text to position them in.  Built without recursion; LoadError past ``max_depth``."""
    if not isinstance(value, (dict, list)):
        return value
    root = _container(value, line)
    stack = [(value, root, 1)]
    while stack:
        source, target, depth = stack.pop()
        if depth > max_depth:
            raise LoadError(f"nesting deeper than {max_depth} levels refused (--max-depth)", line)
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, (dict, list)):
                child = _container(item, line)
                stack.append((item, child, depth + 1))
                item = child
            if isinstance(target, LMap):
                target[key] = item
            else:
                target.append(item)
    return root


_NO_POSITIONS: dict = {}  # shared and never written: where() falls back to the container's own position


def _container(value, line: int):
    container = LMap() if isinstance(value, dict) else LSeq()
    container.line, container.column = line, 1
    container.pos = _NO_POSITIONS if isinstance(container, LMap) else ()
    return container
