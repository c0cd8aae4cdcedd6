"""Files and folders from the command line, walked as ``kubectl apply -f DIR -R`` walks them."""
from __future__ import annotations

import fnmatch
import os
import sys
from typing import Iterable, Iterator

from kongcheck.model import ScanError, input_error
from kongcheck.sources import Source, TooLarge

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    normalized = path.replace(os.sep, "/")
    name = os.path.basename(normalized.rstrip("/"))
    for pattern in patterns:
        if fnmatch.fnmatch(normalized, pattern) or fnmatch.fnmatch(name, pattern):
            return True
        if fnmatch.fnmatch(normalized, pattern.rstrip("/") + "/*"):
            return True
    return False


def read_file(path: str) -> bytes:
    """The bytes of a file, read with one system call when its size is known (the common case)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if size == 0 or len(data) > size:  # a pipe or special file, or one that grew: read the rest
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data
    finally:
        os.close(fd)


def read_file_limited(path: str, limit: int) -> bytes:
    """Like read_file, but never reads more than ``limit`` + 1 bytes; a regular file over the
    limit is refused from its size alone."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLarge(limit, size)
        return _read_upto(lambda count: os.read(fd, count), limit + 1)
    finally:
        os.close(fd)


def _read_upto(read, count: int) -> bytes:
    chunks, left = [], count
    while left > 0 and (chunk := read(min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _file_source(path: str) -> Source:
    return Source(
        name=path,
        kind="file",
        reader=lambda: read_file(path),
        is_json=path.lower().endswith(".json"),
        limited_reader=lambda limit: read_file_limited(path, limit),
    )


def _stdin_source(data: bytes | None = None) -> Source:
    """Standard input, or ``data`` given in its place (a library caller's bytes)."""
    if data is not None:
        return Source(name="<stdin>", kind="stdin", reader=lambda: data)
    return Source(name="<stdin>", kind="stdin", reader=lambda: sys.stdin.buffer.read(),
                  limited_reader=lambda limit: _read_upto(sys.stdin.buffer.read, limit + 1))


def _entries(folder: str, seen: set, errors: list[ScanError]) -> list[os.DirEntry]:
    try:
        info = os.stat(folder)
        key = (info.st_dev, info.st_ino)
        if key in seen:
            errors.append(input_error(folder, "symlink loop: folder already scanned, skipped"))
            return []
        seen.add(key)
        return sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        errors.append(input_error(folder, f"cannot read folder: {exc.strerror or exc}"))
        return []


CHART_TEMPLATE_FOLDERS = ("templates", "charts")


def _skip_chart_templates(folder: str, entries: list[os.DirEntry], charts: list[str]) -> list[os.DirEntry]:
    """A folder with a Chart.yaml is a Helm chart: its templates/ (Go templates, not YAML)
    and charts/ (subcharts) are left out; `--helm FOLDER` renders them instead."""
    if not any(entry.name == "Chart.yaml" for entry in entries):
        return entries
    kept = [entry for entry in entries if entry.name not in CHART_TEMPLATE_FOLDERS]
    if len(kept) < len(entries):
        charts.append(folder)
    return kept


def _linked_folder(path: str, errors: list[ScanError], skipped: list[str]) -> None:
    """A symlinked folder is not walked; one that points back up the tree is a loop."""
    target = os.path.realpath(path)
    parent = os.path.realpath(os.path.dirname(path) or ".")
    if parent == target or parent.startswith(target.rstrip(os.sep) + os.sep):
        errors.append(input_error(path, "symlink loop: the link points back to a folder above it, skipped"))
    else:
        skipped.append(f"{path}: a symlinked folder; kubectl apply -R does not follow it either")


def _walk(root: str, excludes: tuple[str, ...], errors: list[ScanError],
          charts: list[str] | None = None, skipped: list[str] | None = None) -> Iterator[Source]:
    """Yield manifest files below ``root`` depth-first, each folder's entries in lexical
    order: the order of Go's ``filepath.Walk``, which ``kubectl apply -f DIR -R`` uses.
    Helm chart folders found on the way are appended to ``charts``."""
    charts = [] if charts is None else charts
    skipped = [] if skipped is None else skipped
    seen: set[tuple[int, int]] = set()
    stack = [iter(_skip_chart_templates(root, _entries(root, seen, errors), charts))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        path = entry.path[2:] if entry.path.startswith("./") and root == "." else entry.path
        if _excluded(path, excludes):
            continue
        try:
            is_dir = entry.is_dir()
            linked = is_dir and entry.is_symlink()
        except OSError:
            is_dir = linked = False
        if linked:  # Go's filepath.Walk, and so kubectl -R, never enters a linked folder
            _linked_folder(path, errors, skipped)
        elif is_dir:
            if not entry.name.startswith("."):
                stack.append(iter(_skip_chart_templates(path, _entries(path, seen, errors), charts)))
        elif entry.name.lower().endswith(MANIFEST_SUFFIXES):
            if _is_regular(entry):
                yield _file_source(path)
            else:  # a FIFO would block the scan forever; sockets and devices are no manifests
                errors.append(input_error(path, "not a regular file (a FIFO, socket or device?), skipped"))


def _is_regular(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file() or not os.path.exists(entry.path)
    except OSError:
        return True  # vanished, dangling or unreadable: reading it reports why


def collect(paths: Iterable[str], excludes: Iterable[str] = (), charts: list[str] | None = None,
            skipped: list[str] | None = None, stdin: bytes | None = None) -> tuple[list[Source], list[ScanError]]:
    """Turn command-line paths into sources, in the order ``kubectl apply`` would use them.
    Helm chart folders whose templates were left out are appended to ``charts``, and what the
    walk passed over (for --verbose) to ``skipped``."""
    excludes = tuple(excludes)
    sources: list[Source] = []
    errors: list[ScanError] = []
    for path in paths:
        if path == "-":
            sources.append(_stdin_source(stdin))
        elif os.path.isdir(path):
            sources.extend(_walk(path, excludes, errors, charts, skipped))
        elif os.path.exists(path) or os.path.islink(path):
            if not _excluded(path, excludes):
                sources.append(_file_source(path))
        else:
            errors.append(input_error(path, "no such file or folder"))
    return sources, errors
