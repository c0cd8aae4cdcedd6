"""Sources -> located documents.

A stream is split at document markers (``---`` at the start of a line, which YAML forbids
inside any scalar), each piece is tested by the byte prefilter, and only pieces that may
hold a Kong-relevant object are parsed.  ``List`` kinds are expanded into their items.
Every value keeps its 1-based line and column in the whole stream.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from kongcheck.facts.kube import PLUGINS_ANNOTATION
from kongcheck.loading.locate import RENDERED_STREAMS, locate
from kongcheck.loading.prefilter import DEFER, MARKERS, PARSE, SKIP, Verdicts
from kongcheck.model import ScanError, input_error, plural
from kongcheck.parse import fast
from kongcheck.parse.values import LMap, LoadError, type_name
from kongcheck.sources import Source, TooLarge

SUPPRESSION_MARK = b"kongcheck:"  # every suppression comment holds it (verdict/suppress.py)
# (bytes are searched with find: ``x in data`` first tries x as an integer, making and dropping an exception)
# a ``kind`` key, as a YAML block key or a JSON member: tells whether unparsed pieces hold manifests
_KIND_KEY = re.compile(rb"""(?m)^[ \t]*(?:-[ \t]+)*["']?kind["']?[ \t]*:|"kind"[ \t\r\n]*:""")
# a line that holds document content: not a comment, not a bare marker line
_JSON_START = re.compile(r"[ \t\r\n]*\{")  # kubectl's test for JSON: the first non-space is "{"
_DIRECTIVE = re.compile(rb"^%", re.M)  # a %YAML or %TAG line: parsed, so that kubectl's refusal is reported
_CONTENT = re.compile(rb"^(?!---|\.\.\.)[ \t]*[^\s#]", re.M)
# a ``kind`` key at the start of a line with a value on its line that is not null or empty: a block
# mapping's top-level key (a piece without one may be a document kubectl refuses for want of a kind,
# ``kind:``, ``kind: ""`` and ``kind: ~`` included; one that has it elsewhere, indented, in flow style or
# on the next line, is only parsed to see).  The pattern starts with the word itself, the start of its line
# (with a quote or without) checked behind it, so that a search looks for the word's bytes.
_TOP_KIND = re.compile(
    rb"""(?m)kind(?:(?<=^kind)|(?<=^["']kind))["']?[ \t]*:[ \t]+(?!(?:~|null|Null|NULL|""|'')[ \t]*(?:#|\r?$))[^\s#]""")
_MARKED = MARKERS.match  # at the first character of a _TOP_KIND value: a prefilter marker starts there
# the usual kind line, searched for by its bytes, when its value starts with a marker (the group) or a capital
# letter that starts no null (N: Null): a match of _TOP_KIND either way
_USUAL_KIND = re.compile(rb"\nkind: (?:(" + MARKERS.pattern + rb")|[A-MO-Z])")


# The API server's JSON decoder (Go encoding/json) refuses objects nested deeper than 10,000
# levels, so nothing deeper can be applied; libyaml's time also grows with the square of the
# flow nesting depth (about 0.3 s at 10,000 levels, 37 s at 100,000).
DEEPEST = 10_000


class LoadOptions(NamedTuple):
    """How each source is read; the limits bound a scan on hostile input (a 200 MB one-line file, a
    million tiny documents, a document nested 100,000 levels deep), each refused with one error line
    (exit 2) instead of stalling the pipeline.  The defaults are far above real manifests; alias
    bombs need no limit (parse/tree.py refuses them where kubectl would)."""

    parse_all: bool = False  # skip the prefilter (the "full path")
    max_depth: int = 1000  # nesting levels of one document (--max-depth)
    max_file_size: int = 64 * 1024 * 1024  # bytes of one file or stream (--max-file-size)
    max_documents: int = 100_000  # documents (and List items) of one file or stream (--max-documents)
    explain: bool = True  # record why files were not parsed (for --verbose; costs a line per file)


class Text:
    """The raw text of a document piece, kept where something reads it (``_kept_text``); shared by every
    document of the piece (the items of one List)."""

    __slots__ = ("chunk", "line", "lines")

    def __init__(self, chunk: bytes, line: int) -> None:
        self.chunk = chunk
        self.line = line  # line number of the piece's first line
        self.lines: list[bytes] = []  # the piece's lines, split once when one is read


class Document:
    """One Kubernetes object as written in a source."""

    __slots__ = ("source", "body", "line", "text", "order", "origin", "digest")

    def __init__(self, source: Source, body: LMap | None, line: int, text: Text | None = None) -> None:
        self.source = source
        self.body = body  # None: a piece that did not parse (its errors are located through it)
        self.line = line  # first line of the document in the stream
        self.text = text  # its piece's raw text, or None: nothing reads it
        self.order = 0  # position in apply order across the whole scan
        self.origin = None  # cache for loading.locate: the helm/kustomize origin, or False
        self.digest = None  # what the index made of it, as it was loaded (LoadResult.digest)

    @property
    def chunk(self) -> bytes:
        """The raw text of the document's piece (empty when it was not kept)."""
        return b"" if self.text is None else self.text.chunk

    @property
    def chunk_line(self) -> int:
        """The line number of the piece's first line (of the document's own, when its text was not kept)."""
        return self.line if self.text is None else self.text.line

    def located_error(self, line: int | None, message: str, column: int | None = None) -> ScanError:
        """An input error at ``line`` of this document, located as findings are (its template, its
        origin file, or its stream line)."""
        return ScanError(locate(self, line, column), message)

    def source_line(self, line: int) -> str:
        """The raw text of one line of this document (for suppression comments)."""
        text = self.text
        if text is None:  # its text was not kept: nothing reads it (_kept_text)
            return ""
        lines = text.lines
        if not lines:
            lines.extend(text.chunk.split(b"\n"))
        index = line - text.line
        return lines[index].decode("utf-8", "replace") if 0 <= index < len(lines) else ""


class Deferred(NamedTuple):
    """A piece counted but not parsed yet: its objects matter only when a rule names one of them."""

    source: Source
    piece: bytes
    line: int
    position: int  # how many documents were loaded before it (its place in apply order)
    names: frozenset | None  # every plain `name:` value in it; None: one is written so it cannot be read here


class LoadResult:
    __slots__ = ("documents", "errors", "document_count", "has_manifests", "skipped", "deferred", "digest")

    def __init__(self, documents: list[Document] | None = None, errors: list[ScanError] | None = None,
                 document_count: int = 0, has_manifests: bool = False, skipped: list[str] | None = None,
                 deferred: list[Deferred] | None = None, digest=None) -> None:
        self.documents = [] if documents is None else documents
        self.errors = [] if errors is None else errors
        self.document_count = document_count
        self.has_manifests = has_manifests  # a document with a kind was seen: False means no manifests at all
        self.skipped = [] if skipped is None else skipped  # for --verbose: why a document was ignored
        self.deferred = [] if deferred is None else deferred  # pieces parsed only when a rule asks (prefilter.py)
        # called with each Document as soon as it is made (the index makes its record and lets go of the
        # tree, so that the trees of a whole scan are never alive at once); None: documents keep their trees
        self.digest = digest


def _is_separator(data: bytes, start: int) -> bool:
    """Whether the ``---`` line at ``start`` is a document separator to kubectl: after ``---`` it
    holds only white space or a comment (k8s.io/apimachinery's YAML reader refuses the file for
    anything else: ``invalid Yaml document separator``)."""
    end = data.find(b"\n", start)
    if end == start + 3 or end == -1 and len(data) == start + 3:  # a bare ``---`` line, the usual one
        return True
    rest = data[start + 3:end if end != -1 else len(data)]
    rest = rest.decode("utf-8", "replace").strip(_GO_SPACE)
    return not rest or rest.startswith("#")


# Go's unicode.IsSpace (what strings.TrimSpace trims)
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def _starts(data: bytes, odd: list[int]) -> list[int]:
    """Offsets of the pieces of a stream: 0 and every line that starts with ``---``, as kubectl
    splits a stream (a %YAML or %TAG directive stays with the piece before, where kubectl refuses it).
    ``odd`` gets those of the ``---`` lines that are more than a bare ``---``, the only ones that may be
    no separator to kubectl (``bad_separators``)."""
    starts = [0]  # a stream that starts with ``---`` starts its first piece there
    if data.startswith(b"---") and not data.startswith(b"---\n"):
        odd.append(0)
    found = data.find(b"\n---")
    while found != -1:
        starts.append(found + 1)
        if data[found + 4:found + 5] != b"\n":
            odd.append(found + 1)
        found = data.find(b"\n---", found + 4)
    return starts


def bad_separators(data: bytes, starts: list[int]) -> list[int]:
    """The 1-based lines that start with ``---`` but are no separator to kubectl (``starts``: offsets of
    lines in the stream in order, the stream's pieces or the ``odd`` ones of ``_starts``)."""
    lines, line, counted = [], 1, 0
    for start in starts:
        if data.startswith(b"---", start) and not _is_separator(data, start):
            line += data.count(b"\n", counted, start)  # from the last one on: linear in the file
            counted = start
            lines.append(line)
    return lines


def parser_text(text: str) -> str:
    """A piece as kubectl's YAML decoder gets it: nothing of its ``---`` line is read (a bare
    ``---`` stays, so that the document starts on that line)."""
    if text.startswith("---"):
        end = text.find("\n")
        return "---" if end == -1 else "---" + text[end:]
    return text


def iter_pieces(data: bytes):
    """Yield the (first line, bytes) pieces of a YAML stream, split at ``---`` lines, lazily."""
    line, counted = 1, 0
    for begin, end in _bounds(data):
        line += data.count(b"\n", counted, begin)
        counted = begin
        yield line, data[begin:end]


def count_documents(data: bytes, is_json: bool = False) -> int:
    """How many non-empty documents a stream holds, without parsing it."""
    return sum(1 for begin, end in _bounds(data, is_json) if _CONTENT.search(data, begin, end))


def _bounds(data: bytes, is_json: bool = False, odd: list[int] | None = None) -> list[tuple[int, int]]:
    """(begin, end) of each piece of a stream (``_starts``, with ``odd``); a JSON file is one piece."""
    if is_json:
        return [(0, len(data))]
    starts = _starts(data, [] if odd is None else odd)
    return list(zip(starts, starts[1:] + [len(data)]))


def _decode(piece: bytes, line: int) -> str:
    """A piece as text, as kubectl reads it: UTF-8 without NUL bytes, a byte order mark at the start of the
    stream dropped; else a LoadError at the line of the first byte refused."""
    try:
        text = piece.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = line + piece[: exc.start].count(b"\n")
        raise LoadError("not UTF-8 text (a binary file?)", bad_line) from None
    if "\x00" in text:
        raise LoadError("not a text file (contains NUL bytes)", line + text[: text.index("\x00")].count("\n"))
    return text.lstrip("\ufeff") if line == 1 else text


def _ascii(data: bytes) -> str | None:
    """A stream as text when each piece of it decodes (``_decode``) to its own slice of that text: ASCII
    without NUL bytes, one character for each byte, no byte order mark; else None."""
    return data.decode("ascii") if data.isascii() and data.find(b"\x00") < 0 else None


def _what(value) -> str:
    """The input error for a document kubectl refuses for want of a kind: it applies the other objects of
    the input, prints ``unable to decode "<file>": ...`` for this one and exits 1 (k8s.io/apimachinery's
    unstructured decoder: a mapping without kind, or no mapping at all)."""
    if isinstance(value, LMap):
        return ("a mapping without kind: kubectl applies the other objects and refuses this one (\"Object 'Kind' is "
                "missing\"), exiting 1; give it a kind or remove it")
    what = "a list" if isinstance(value, list) else "a scalar"
    return (f"{what}, not a Kubernetes object: kubectl applies the other objects and refuses this document "
            "(\"cannot unmarshal\"), exiting 1; remove it")


def _refused(value, line: int, index: int | None, piece: _Piece) -> ScanError | None:
    """The input error for a value kubectl refuses outright: a non-object List item, a JSON array."""
    if index is not None and not isinstance(value, LMap):
        return piece.located_error(line, f"List item {index} is {type_name(value)}, not an object; the API "
                                   "server refuses the List")
    if index is None and piece.source.is_json and isinstance(value, list):
        return piece.located_error(line, "a JSON array is not a Kubernetes object; kubectl refuses it (wrap "
                                   "the objects in a kind: List)")
    return None


def _objects(value, result: LoadResult, piece: _Piece, start: int, objects: bool = True):
    """The Kubernetes objects in a parsed document (an iterable: a List's items are checked one by one as
    they are taken).

    kubectl (k8s.io/apimachinery's unstructured decoder) takes any object with an ``items`` key as a
    list, whatever its kind: the items are applied and the object holding them is not.  An item
    without kind and apiVersion gets the list's apiVersion and its kind less a ``List`` suffix; an
    item that holds an ``items`` list of its own is refused (kubectl cannot flatten it).  A document or
    item without kind is an input error (``_what``), unless the stream holds no ``kind`` key at all
    (``objects`` false: no manifest); an empty or null document is skipped, as kubectl does.  (The usual
    document, a mapping with a kind and without items, is its own object: ``_load_piece`` takes it so.)"""
    error = _refused(value, start, None, piece)
    if error is not None:
        result.errors.append(error)
        result.has_manifests = True  # refused manifests, not an empty input
        return ()
    if not isinstance(value, LMap) or value.get("kind") in (None, ""):  # kubectl: no kind, a null or empty one
        if value is None:  # an empty document, or only comments or null: kubectl skips it too
            return ()
        if objects:
            result.errors.append(piece.located_error(getattr(value, "line", None) or start, _what(value)))
            result.has_manifests = True
        else:  # a stream without any kind key: no manifest at all (a CI workflow, a values file)
            result.skipped.append(f"{piece.source.name}:{start}: no kind in the file, not a Kubernetes manifest")
        return ()
    if "items" not in value:
        return (value,)
    items = value["items"]
    if items is not None and not isinstance(items, list):
        result.has_manifests = True
        result.errors.append(piece.located_error(value.where("items")[0], f"{_kind_of(value)}: items must be a "
                             f"list, not {type_name(items)}; kubectl refuses the file"))
        return ()
    return _items(value, items, result, piece)


def _items(value: LMap, items: list | None, result: LoadResult, piece: _Piece):
    """Yield the objects of a List (``_objects``)."""
    kind, version = value.get("kind"), value.get("apiVersion")
    inherited = kind.removesuffix("List") if isinstance(kind, str) else ""
    for index, entry in enumerate(items or ()):
        line = getattr(entry, "line", None) or items.where(index)[0]
        error = _refused(entry, line, index, piece)
        if error is None and isinstance(entry.get("items"), list):
            error = piece.located_error(entry.where("items")[0], f"List item {index} holds a list of its own "
                                        "(items); kubectl refuses the file: it cannot apply a list in a list")
        if error is not None:
            result.errors.append(error)
            result.has_manifests = True
            continue
        if not _text(entry.get("kind")) and not _text(entry.get("apiVersion")):
            entry = _inherit(entry, inherited, version)
        if "kind" not in entry:
            result.errors.append(piece.located_error(line, f"List item {index} has no kind, nor does the List's kind "
                                                     "give it one: kubectl refuses it (\"Object 'Kind' is missing\"), "
                                                     "exiting 1; give it a kind"))
            result.has_manifests = True
            continue
        yield entry


def _text(value) -> bool:
    return isinstance(value, str) and value != ""


def _kind_of(value: LMap) -> str:
    kind = value.get("kind")
    return kind if isinstance(kind, str) and kind else "an object"


def _inherit(entry: LMap, kind: str, version) -> LMap:
    """A copy of a list item with the kind and apiVersion kubectl sets on it."""
    copy = LMap(entry)
    copy.line, copy.column, copy.pos = entry.line, entry.column, dict(entry.pos)
    if kind:
        copy["kind"] = kind
    if isinstance(version, str):
        copy["apiVersion"] = version
    return copy


class _Budget:
    """Counts the documents of one source against --max-documents."""

    def __init__(self, source: Source, limit: int, result: LoadResult) -> None:
        self.source, self.limit, self.result, self.used = source, limit, result, 0

    def take(self, count: int, line: int) -> bool:
        """Count ``count`` more documents; False (and one error) once the limit is passed."""
        self.used += count
        if self.used <= self.limit:
            return True
        self.result.errors.append(input_error(
            self.source.name, f"more than {self.limit} documents in one file or stream (--max-documents); "
            "the rest was not scanned", self.source.kind, line))
        return False


def _read(source: Source, options: LoadOptions, result: LoadResult) -> bytes | None:
    try:
        return source.read(options.max_file_size)
    except TooLarge as exc:
        result.errors.append(input_error(source.name, str(exc), source.kind))
    except OSError as exc:
        result.errors.append(input_error(source.name, f"cannot read file: {exc.strerror or type(exc).__name__}",
                                         source.kind))
    return None


def _unparsed(source: Source, data: bytes, begin: int, end: int, result: LoadResult, budget: _Budget, line: int,
              count: int | None = None) -> bool:
    """Count the piece ``data[begin:end]`` (``count`` documents, or the one it holds unless it has no
    content), which is not parsed; False once --max-documents is passed."""
    if count is None:
        count = 1 if _CONTENT.search(data, begin, end) is not None else 0
    result.document_count += count
    if not result.has_manifests:  # one is enough: never search again once one is found
        result.has_manifests = _KIND_KEY.search(data, begin, end) is not None
    return budget.take(count, line)


def _parse(source: Source, text: str, line: int, options: LoadOptions):
    """The (first line, value) documents of a piece's text that kubectl decodes."""
    if source.is_json and _JSON_START.match(text):
        from kongcheck.parse import jsonfile

        return jsonfile.documents(text, line - 1, options.max_depth)
    found = fast.documents(text, line - 1, options.max_depth)  # the plainest YAML, without libyaml
    if found is not None:
        return found
    from kongcheck.parse.tree import Composer  # PyYAML: only once a document needs parsing

    if source.is_json:  # a .json file that is YAML: read whole
        return Composer(text, line - 1, options.max_depth).documents()
    return _first(Composer(parser_text(text), line - 1, options.max_depth).documents())


def _first(documents):
    """The first document of a piece: kubectl decodes one document from each part between ``---``
    lines, and never reads what follows a ``...`` in it."""
    for document in documents:
        yield document
        documents.close()
        return


class _Piece(NamedTuple):
    """A piece whose errors are located, through a Document made for them only."""

    source: Source
    chunk: bytes
    line: int

    def located_error(self, line: int | None, message: str) -> ScanError:
        return Document(self.source, None, self.line, Text(self.chunk, self.line)).located_error(line, message)


def _load_piece(source: Source, data: bytes, begin: int, end: int, line: int, text: str | None, options: LoadOptions,
                result: LoadResult, budget: _Budget, kept: bytes, objects: bool = True) -> bool:
    """Parse one piece, ``data[begin:end]`` (``text``: it decoded, or None to decode it here), and add its
    objects; ``kept``: the text its documents keep (``_kept_text``).  The piece's bytes are sliced only
    where they are read: to decode them, or to locate an error."""
    shared = Text(kept, line) if kept else None
    digest = result.digest
    for start, value in _parse(source, _decode(data[begin:end], line) if text is None else text, line, options):
        if value is not None:
            result.document_count += 1
            if not budget.take(1, start):
                return False
        if value.__class__ is LMap and "items" not in value and value.get("kind") not in (None, ""):
            bodies = (value,)  # the usual document: one object
        else:
            bodies = _objects(value, result, _Piece(source, data[begin:end], line), start, objects)
        for body in bodies:
            result.has_manifests = True
            if value is not body and not budget.take(1, body.line):
                return False
            document = Document(source, body, start, shared)
            result.documents.append(document)
            if digest is not None:
                digest(document)
    return True


_PLUGINS_MARK = PLUGINS_ANNOTATION.encode()


def _keeps_text(source: Source, data: bytes) -> bool:
    """Whether any document of the stream ``data`` may keep its text: only where something reads it later
    (helm's ``# Source:`` lines of a rendered stream, ``# kongcheck: ignore[...]`` comments, a plugins
    annotation whose entries are each located at their own text); most streams keep none.  (A suppression
    is read from a comment only, so text without a ``#`` holds none: that search is much the faster one.)"""
    return source.kind in RENDERED_STREAMS or data.find(b"#") >= 0 and data.find(SUPPRESSION_MARK) >= 0 \
        or data.find(_PLUGINS_MARK) >= 0


def _kept_text(source: Source, piece: bytes) -> bytes:
    """The raw text the documents of a piece keep (``_keeps_text``, for the piece alone)."""
    return piece if _keeps_text(source, piece) else b""


class _Stream:
    """What one source's bytes are, found once for all its pieces."""

    __slots__ = ("source", "data", "odd", "bounds", "kinds", "verdicts")

    def __init__(self, source: Source, data: bytes) -> None:
        self.source, self.data = source, data
        self.odd: list[int] = []  # where a line starts with --- and more (_starts)
        self.bounds = _bounds(data, source.is_json, self.odd)  # (begin, end) of each piece
        # whether it holds manifests, its kindless pieces refused (a line that starts with "kind:" is a _KIND_KEY)
        self.kinds = data.find(b"\nkind:") >= 0 or data.startswith(b"kind:") or _KIND_KEY.search(data) is not None
        self.verdicts = Verdicts(data)

    def survey(self, limit: int) -> int | None:
        """How many documents the stream holds, when it is at most ``limit`` and no piece is kindless
        (or the stream holds no ``kind`` key at all: no Kubernetes object, a CI workflow, a values file);
        else None.  A stream with objects whose documents all name a kind needs no parsing to be counted."""
        data, count = self.data, 0
        refuses = self.kinds and not self.source.is_json  # a JSON file is one document, parsed if it matters
        for begin, end in self.bounds:  # the kindless test and count_documents in one pass over the pieces
            if refuses and _TOP_KIND.search(data, begin, end) is not None:
                count += 1  # a kind line is content
            elif _CONTENT.search(data, begin, end) is not None:
                if refuses:
                    return None  # kubectl refuses it for want of a kind: the loop reports it
                count += 1
        return count if count <= limit else None


def load(source: Source, options: LoadOptions, result: LoadResult) -> None:
    """Read one source and append its documents and errors to ``result``."""
    data = _read(source, options, result)
    if data is None:
        return
    budget = _Budget(source, options.max_documents, result)
    before = (result.document_count, len(result.errors))
    stream = _Stream(source, data)
    if stream.odd:  # a line that starts with --- and more (never in JSON, one piece)
        _separators(stream, result)
    if not options.parse_all and stream.verdicts.stream() == SKIP:  # most files: nothing to parse
        count = stream.survey(options.max_documents)
        if count is not None:  # else: the loop below finds the line where the limit is passed, or the
            # documents kubectl refuses for want of a kind
            _unparsed(source, data, 0, len(data), result, budget, 1, count)
            if options.explain:
                result.skipped.append(f"{source.name}: {plural(count, 'document')}, none of a kind kongcheck reads "
                                      "(not parsed)" if count else f"{source.name}: empty or only comments")
            return
    _load_pieces(stream, options, result, budget)
    if (result.document_count, len(result.errors)) == before:
        result.skipped.append(f"{source.name}: empty or only comments")


def _separators(stream: _Stream, result: LoadResult) -> None:
    """One error for each ``---`` line that kubectl takes for a broken separator."""
    source, data = stream.source, stream.data
    for line in bad_separators(data, stream.odd):
        result.errors.append(Document(source, None, line, Text(data, 1)).located_error(
            line, "a line that starts with --- holds more than a comment; kubectl refuses the file "
            "('invalid Yaml document separator')"))


def _load_pieces(stream: _Stream, options: LoadOptions, result: LoadResult, budget: _Budget) -> None:
    """Load each piece of a stream.  A stream that holds a ``kind`` key has its documents without kind
    parsed and refused; what can be decided for the whole stream is decided once (whether any piece
    holds a directive, keeps its text)."""
    source, data, objects, verdicts = stream.source, stream.data, stream.kinds, stream.verdicts
    # a line that _DIRECTIVE finds (a % is looked for first: that search is much the faster one)
    directives = data.find(b"%") >= 0 and (data.startswith(b"%") or data.find(b"\n%") >= 0)
    parse_all = options.parse_all
    text = _ascii(data)  # the stream decoded once, when that is exact
    keeps = None  # whether any piece may keep its text: asked once a piece is parsed
    line, counted = 1, 0  # the line of the piece at ``counted``
    for begin, end in stream.bounds:
        line += data.count(b"\n", counted, begin)
        counted = begin
        if parse_all or directives and _DIRECTIVE.search(data, begin, end) is not None:
            found = PARSE
        elif not objects:
            found = verdicts.piece(begin, end)
        elif (kind := _USUAL_KIND.search(data, begin, end)) is not None:  # a value that starts with a marker is
            found = PARSE if kind.lastindex is not None else verdicts.piece(begin, end)  # one the piece holds
        elif (kind := _TOP_KIND.search(data, begin, end)) is None:  # kindless: parsed if it has content
            found = PARSE if _CONTENT.search(data, begin, end) is not None else verdicts.piece(begin, end)
        else:  # a kind value that starts with a marker is one the piece holds, so its verdict is PARSE
            found = PARSE if _MARKED(data, kind.end() - 1) is not None else verdicts.piece(begin, end)
        if found != PARSE:
            if found == DEFER:
                piece = data[begin:end]
                result.deferred.append(Deferred(source, piece, line, len(result.documents), _names(piece)))
            if not _unparsed(source, data, begin, end, result, budget, line):
                return
            continue
        loaded = result.document_count
        if keeps is None:
            keeps = _keeps_text(source, data)
        try:
            if not _load_piece(source, data, begin, end, line, None if text is None else text[begin:end], options,
                               result, budget, _kept_text(source, data[begin:end]) if keeps else b"", objects):
                return
        except LoadError as exc:
            chunk = data[begin:end]
            result.errors.append(_Piece(source, chunk, line).located_error(exc.line, str(exc)))
            # an unparsable document is still a document: count what the parser did not reach
            missed = count_documents(chunk, source.is_json) - (result.document_count - loaded)
            if missed > 0 and not _unparsed(source, data, begin, end, result, budget, exc.line or line, missed):
                return


def load_object(source: Source, obj: dict, options: LoadOptions, result: LoadResult) -> None:
    """A decoded object (a live one: no text of its own) as one located Document, without the
    round trip through text and the parser; its only position is the source itself."""
    from kongcheck.parse.values import tree

    where = Document(source, None, 1)
    try:
        body = tree(obj, options.max_depth)
    except LoadError as exc:
        result.errors.append(where.located_error(exc.line, str(exc)))
        return
    result.document_count += 1
    result.has_manifests = True
    where.body = body
    result.documents.append(where)
    if result.digest is not None:
        result.digest(where)


# A `name:` key (YAML or JSON) and the value after it; a value that starts an anchor, alias, tag or
# block scalar, or sits on the next line, cannot be read from the bytes.  (The pattern starts with the
# word itself, its word boundary checked behind it, so that the search looks for the word's bytes.)
_NAME = re.compile(rb"""name(?<!\wname)["']?[ \t]*:[ \t]*(["']?)([^\s"'{},#\[\]]*)""")
# a key written as an explicit ``? key`` or as an alias: its text is not before its colon
_HIDDEN_KEY = re.compile(rb"\?(?:[ \t\r\n]|$)|(?:^|[ \t\r\n\[{,])\*", re.M)


def _names(piece: bytes) -> frozenset | None:
    if (piece.find(b"?") >= 0 or piece.find(b"*") >= 0) and _HIDDEN_KEY.search(piece) is not None:  # fast when absent
        return None
    names = set()
    for quote, value in _NAME.findall(piece):
        if not value or value[0] in b"&*!|>":  # its first byte as a number, which `in` takes without an exception
            return None
        names.add(value.decode("utf-8", "surrogateescape"))
    return frozenset(names)


def load_deferred(result: LoadResult, names: set[str], options: LoadOptions) -> bool:
    """Parse the deferred pieces that may define an object named in ``names`` and put their documents in
    their place in apply order (they were counted when they were read).  True if any document was added."""
    chosen, left = [], []
    for entry in result.deferred:
        (chosen if entry.names is None or not entry.names.isdisjoint(names) else left).append(entry)
    if not chosen:
        return False
    result.deferred = left
    inserted = []
    for entry in chosen:
        found = LoadResult(digest=result.digest)
        budget = _Budget(entry.source, options.max_documents, found)
        try:
            _load_piece(entry.source, entry.piece, 0, len(entry.piece), entry.line, None, options, found, budget,
                        _kept_text(entry.source, entry.piece))
        except LoadError as exc:
            found.errors.append(_Piece(entry.source, entry.piece, entry.line).located_error(exc.line, str(exc)))
        result.errors += found.errors
        inserted.append((entry.position, found.documents))
    for position, documents in reversed(inserted):  # from the last place back, so earlier places hold
        result.documents[position:position] = documents
    return True
