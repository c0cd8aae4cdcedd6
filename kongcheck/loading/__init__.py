"""Sources -> located documents.

A stream is split at document markers (``---`` at the start of a line, which YAML forbids
inside any scalar), each piece is tested by the byte prefilter, and only pieces that may
hold a Kong-relevant object are parsed.  ``List`` kinds are expanded into their items.
Every value keeps its 1-based line and column in the whole stream.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kongcheck.loading.prefilter import may_matter
from kongcheck.loading.values import LMap, LoadError
from kongcheck.model import ScanError
from kongcheck.sources import Source

_MARKER_END = b" \t\r\n"
# a line that holds document content: not a comment, not a bare marker line
_CONTENT = re.compile(rb"^(?:---[ \t]+[^\s#]|(?!---|\.\.\.)[ \t]*[^\s#])", re.M)


@dataclass(slots=True)
class LoadOptions:
    parse_all: bool = False  # skip the prefilter (the "full path")
    max_depth: int = 1000


@dataclass(slots=True)
class Document:
    """One Kubernetes object as written in a source."""

    source: Source
    body: LMap
    line: int  # first line of the document in the stream
    chunk: bytes = field(repr=False, default=b"")  # the raw text of the document piece
    chunk_line: int = 1  # line number of the piece's first line
    order: int = 0  # position in apply order across the whole scan

    def source_line(self, line: int) -> str:
        """The raw text of one line of this document (for suppression comments)."""
        lines = self.chunk.split(b"\n")
        index = line - self.chunk_line
        return lines[index].decode("utf-8", "replace") if 0 <= index < len(lines) else ""


@dataclass(slots=True)
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    document_count: int = 0
    skipped: list[str] = field(default_factory=list)  # for --verbose: why a document was ignored


def _starts(data: bytes) -> list[int]:
    """Offsets of the pieces of a stream: 0 and every line that is a ``---`` marker."""
    starts = [0]
    size = len(data)
    found = data.find(b"\n---")
    while found != -1:
        after = found + 4
        if after == size or data[after] in _MARKER_END:
            starts.append(found + 1)
        found = data.find(b"\n---", after)
    return starts


def split(data: bytes) -> list[tuple[int, bytes]]:
    """Split a YAML stream into (first line, bytes) pieces at ``---`` lines."""
    starts = _starts(data)
    pieces = []
    line = 1
    for begin, end in zip(starts, starts[1:] + [len(data)]):
        piece = data[begin:end]
        pieces.append((line, piece))
        line += piece.count(b"\n")
    return pieces


def count_documents(data: bytes, is_json: bool = False) -> int:
    """How many non-empty documents a stream holds, without parsing it."""
    if is_json:
        return 1 if _CONTENT.search(data) else 0
    starts = _starts(data)
    ends = starts[1:] + [len(data)]
    return sum(1 for begin, end in zip(starts, ends) if _CONTENT.search(data, begin, end))


def _decode(source: Source, piece: bytes, line: int) -> str:
    try:
        text = piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = line + piece[: exc.start].count(b"\n")
        raise LoadError("not UTF-8 text (a binary file?)", bad_line) from None
    if "\x00" in text:
        raise LoadError("not a text file (contains NUL bytes)", line + text[: text.index("\x00")].count("\n"))
    return text.lstrip("\ufeff") if line == 1 else text


def _objects(value, result: LoadResult, source: Source, start: int):
    """Yield the Kubernetes objects in a parsed document, expanding ``*List`` kinds."""
    if not isinstance(value, LMap) or "kind" not in value:
        if value is not None:
            result.skipped.append(f"{source.name}:{start}: not a Kubernetes object (no kind)")
        return
    kind = value.get("kind")
    items = value.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        for item in items:
            yield from _objects(item, result, source, getattr(item, "line", start))
        return
    yield value


def load(source: Source, options: LoadOptions, result: LoadResult) -> None:
    """Read one source and append its documents and errors to ``result``."""
    try:
        data = source.read()
    except OSError as exc:
        result.errors.append(ScanError(source.name, None, f"cannot read file: {exc.strerror or exc}"))
        return
    if not options.parse_all and not may_matter(data):  # most files: nothing to parse
        result.document_count += count_documents(data, source.is_json)
        return
    pieces = [(1, data)] if source.is_json else split(data)
    for line, piece in pieces:
        if not options.parse_all and not may_matter(piece):
            result.document_count += count_documents(piece)
            continue
        from kongcheck.loading.tree import Composer  # PyYAML: only once a document needs parsing

        try:
            text = _decode(source, piece, line)
            for start, value in Composer(text, line - 1, options.max_depth).documents():
                if value is not None:
                    result.document_count += 1
                for body in _objects(value, result, source, start):
                    result.documents.append(Document(source, body, start, piece, line))
        except LoadError as exc:
            result.errors.append(ScanError(source.name, exc.line, str(exc)))
