"""Read `kubectl get ... -o yaml|json` output, keeping the line of every object."""

from __future__ import annotations

import codecs
import re
from collections import deque
from typing import Callable, Iterator

from .errors import ClusterError

_PIECE = 1 << 16  # bytes read at a time
_KEPT_PIECES = 4  # pieces kept for a parser message's tab hint: the parser never reads that far ahead


ITEM, SETTLED, OBJECT = "item", "settled", "object"  # what read_snapshot() yields


def read_snapshot(path: str, reduce: Callable[[dict, int], object], max_size: int = 64 << 20,
                  problems: list | None = None) -> Iterator[tuple]:
    """Yield ``(OBJECT, reduce(object, line), line)`` for each object of each document (1-based lines);
    the items of a List come as ``(ITEM, reduce(item, line), line)`` as soon as each is composed, and
    ``(SETTLED, counts, None)`` at the end of their document says whether they count (a merge key
    could still replace the List): take them on trust, and take them back when they do not.

    Documents are composed from parser events by kongcheck's own composer (parse/tree.py),
    like manifests: libyaml's recursive composer would crash on a deeply nested file, and the
    same depth, alias and duplicate-key rules apply.  The file is read in pieces and each item of
    a List is reduced as soon as it is composed, so no more than one item is whole at a time
    (JSON, a flow mapping to the parser, is read the same way).  At most ``max_size`` bytes are
    read (a snapshot may be a pipe, so it is not refused for not being a regular file).  An item
    that is not an object comes as ``NOT_OBJECT`` for the caller to hand to ``not_an_object()``;
    of a document's own objects it is one ClusterError in ``problems`` (raised when None); the
    others are read.
    """
    from kongcheck.parse.tree import DOCUMENT, Composer
    from kongcheck.parse.values import LoadError

    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise ClusterError(f"cannot read cluster snapshot: {exc.strerror}", path) from None
    with handle:
        stream = _Stream(handle, path, max_size)
        streamed = None  # the List whose items the document being read has yielded
        try:
            for kind, line, value, items in Composer(stream).entries("items"):
                if kind != DOCUMENT:
                    streamed = items
                    yield ITEM, reduce(value, line) if isinstance(value, dict) else NOT_OBJECT, line
                    continue
                if streamed is not None:
                    yield SETTLED, (value.get("items") if isinstance(value, dict) else None) is streamed, None
                    streamed = None
                for obj, obj_line in _objects(value, getattr(value, "line", line), path, problems):
                    yield OBJECT, reduce(obj, obj_line), obj_line
        except LoadError as exc:
            raise ClusterError(_problem(str(exc)), path, exc.line) from None


NOT_OBJECT = object()


def not_an_object(path: str, line: int, problems: list | None) -> None:
    """A list item that is not an object: one ClusterError in ``problems`` (raised when None)."""
    error = ClusterError("cluster snapshot: list item is not an object", path, line)
    if problems is None:
        raise error
    problems.append(error)


class _Stream:
    """The snapshot's bytes for the parser, a piece at a time: refused past ``max_size`` bytes or when
    not UTF-8; only the last pieces are kept (Composer: ``lines()``, ``starts_with_tab()``)."""

    def __init__(self, handle, path: str, max_size: int) -> None:
        self.handle, self.path, self.max_size = handle, path, max_size
        self.size = 0
        self.newlines = 0
        self.last = b""  # the last byte read
        self.check = codecs.getincrementaldecoder("utf-8")()
        self.pieces: deque = deque(maxlen=_KEPT_PIECES)  # (newlines before the piece, the byte before it, piece)

    def read(self, size: int) -> bytes:
        try:
            piece = self.handle.read(max(size, _PIECE))
        except OSError as exc:
            raise ClusterError(f"cannot read cluster snapshot: {exc.strerror}", self.path) from None
        self.size += len(piece)
        if self.size > self.max_size:
            raise ClusterError(f"cluster snapshot larger than --max-file-size ({self.max_size} bytes)", self.path)
        try:
            self.check.decode(piece, final=not piece)
        except UnicodeDecodeError:
            raise ClusterError("cluster snapshot is not UTF-8 text", self.path) from None
        if piece:
            self.pieces.append((self.newlines, self.last, piece))
            self.newlines += piece.count(b"\n")
            self.last = piece[-1:]
        return piece

    def lines(self) -> int:
        return self.newlines + (0 if self.last == b"\n" else 1)

    def starts_with_tab(self, line: int) -> bool:
        """Whether the 0-based ``line`` starts with a tab, if it starts in the pieces kept (else False)."""
        for before, byte, piece in self.pieces:
            if before > line or before + piece.count(b"\n") < line:
                continue
            if line == before:
                if byte in (b"", b"\n"):
                    return piece[:1] == b"\t"
                continue
            start = -1
            for _ in range(line - before):
                start = piece.index(b"\n", start + 1)
            if start + 1 < len(piece):
                return piece[start + 1:start + 2] == b"\t"
        return False


def _problem(message: str) -> str:
    """The parser's problem in snapshot words; a duplicate key is not quoted (it may be a Secret's data key,
    or a value typed where a key belongs), only where it was first written."""
    if message.startswith("duplicate key"):
        first = re.search(r"first at line (\d+)", message)
        where = f" (first at line {first.group(1)})" if first else ""
        return (f"duplicate key{where} in cluster snapshot (two kubectl outputs joined without a "
                "'---' line between them?)")
    if message.startswith("invalid YAML: "):
        return f"invalid YAML in cluster snapshot: {message[len('invalid YAML: '):]}"
    return f"cluster snapshot: {message.replace(' (--max-depth)', '')}"


def _objects(doc, line: int, path: str, problems: list | None) -> Iterator[tuple[dict, int]]:
    """The objects of a document whose items were not read as they came: a single object, or a List
    whose items a merge key wrote."""
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise ClusterError("not a cluster snapshot: expected `kubectl get -o yaml` output (a List or an object)",
                           path, line)
    if "items" not in doc:
        yield doc, line
        return
    items = doc.get("items") or []
    if not isinstance(items, list):
        raise ClusterError("cluster snapshot: 'items' is not a list", path, line)
    for index, item in enumerate(items):
        item_line = items.where(index)[0] if hasattr(items, "where") else line
        if not isinstance(item, dict):
            not_an_object(path, item_line, problems)
            continue
        yield item, item_line
