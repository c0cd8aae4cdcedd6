"""Files and folders from the command line, walked as ``kubectl apply -f DIR -R`` walks them.

kubectl walks a folder with Go's ``filepath.Walk`` (k8s.io/cli-runtime pkg/resource/visitor.go):
each folder's entries in byte order, depth first, dot-folders included, symlinked folders not
entered, and every file below the named path whose extension is exactly ``.json``, ``.yaml`` or
``.yml`` read, through its link if it is one (facts/kube.py). kongcheck reads the same files in the
same order, with these differences, each listed under ``--verbose``:

- ``.git`` folders are not entered (a commit cannot put files in them);
- a file reached twice (``kongcheck scan k8s k8s/overlays``, or a symlinked file next to its
  target) is read once, at its last place in apply order: kubectl applies it twice, and the later
  apply is what stays;
- a folder holding a kustomization file or a ``Chart.yaml`` is a render root: kubectl -R would read
  its files as plain manifests, but such folders are built with kustomize or helm. Unless the walk
  is told to read them as files (``roots=False``), it yields a :class:`FoundRoot` there instead and
  reads none of the root's files; inside a kustomization root it still looks for further roots.

Nothing outside the scanned folders is read: a symlinked file whose target lies outside every
folder named on the command line is refused with an error, and so is a named path that is itself a
link to somewhere outside the folder holding it.
"""
from __future__ import annotations

import errno
import fnmatch
import operator
import os
import re
import stat
import sys
from typing import Iterable, NamedTuple

from kongcheck.facts.kube import APPLY_EXTENSIONS, CHART_FILE, KUSTOMIZATION_FILES
from kongcheck.model import ScanError, input_error
from kongcheck.sources import Source, TooLarge

GIT_FOLDER = ".git"
NOT_REGULAR = "not a regular file (a FIFO, socket or device?), skipped"


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


def read_file_limited(path: str, limit: int | None) -> bytes:
    """The bytes of a file, read with one system call when its size is known (the common case), and
    never more than ``limit`` + 1 of them (None: no limit): a regular file over the limit is refused from
    its size alone, any other once more than the limit is read (TooLarge)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return _read_open(fd, os.fstat(fd).st_size, limit)
    finally:
        os.close(fd)


def read_regular(path: str, limit: int | None) -> bytes | None:
    """read_file_limited() of a regular file; None for anything else, which is opened without waiting (a
    FIFO's writer) and never read (a pipe's bytes are left for whoever reads it next)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        return _read_open(fd, info.st_size, limit) if stat.S_ISREG(info.st_mode) else None
    finally:
        os.close(fd)


def _read_open(fd: int, size: int, limit: int | None) -> bytes:
    """The bytes of the open file ``fd`` of ``size`` bytes as fstat gave it (read_file_limited)."""
    if limit is not None and size > limit:
        raise TooLarge(limit, size)
    data = os.read(fd, size + 1)
    if len(data) != size:  # a short read, a pipe or special file, or a file that grew: read the rest
        rest = sys.maxsize if limit is None else limit + 1 - len(data)
        data += _read_upto(lambda count: os.read(fd, count), rest)
    if limit is not None and len(data) > limit:
        raise TooLarge(limit)
    return data


def _read_upto(read, count: int) -> bytes:
    chunks, left = [], count
    while left > 0 and (chunk := read(min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class FileSource(Source):
    """A file on disk, read when it is loaded; its name is its path as given."""

    __slots__ = ("ahead",)

    def __init__(self, path: str) -> None:
        super().__init__(path, "file", is_json=path.lower().endswith(".json"))
        self.ahead = None  # (ReadAhead, its index there) when a child process reads it ahead (sources/ahead.py)

    def read(self, limit: int | None = None) -> bytes:
        if self.ahead is not None:
            ahead, index = self.ahead
            self.ahead = None
            data = ahead.take(index, limit)
            if data is not None:
                return data
        return read_file_limited(self.name, limit)


def _stdin_source(data: bytes | None = None, name: str | None = None) -> Source:
    """Standard input, or ``data`` given in its place (a library caller's bytes).  With ``name``
    (--stdin-filename) the stream is that file's text: a file source named ``name`` whose bytes come
    from standard input, so its findings and errors are located in ``name`` as any file's are."""
    kind, shown, is_json = ("file", name, name.lower().endswith(".json")) if name else ("stdin", "<stdin>", False)
    if data is not None:
        return Source(name=shown, kind=kind, reader=lambda: data, is_json=is_json)
    return Source(name=shown, kind=kind, reader=lambda: sys.stdin.buffer.read(), is_json=is_json,
                  limited_reader=lambda limit: _read_upto(sys.stdin.buffer.read, limit + 1))


class FoundRoot(NamedTuple):
    """A folder the walk met that kustomize or helm builds: ``tool`` is "kustomize" or "helm",
    ``marker`` the kustomization file or Chart.yaml that makes it one, ``real`` its real path."""

    path: str
    tool: str
    marker: str
    real: str


class Collected:
    """What the walk found, in apply order: file and stdin sources and FoundRoots."""

    __slots__ = ("items", "keys", "errors", "skipped", "containment", "repeats")

    def __init__(self, containment: tuple[str, ...] = (), repeats: bool = False) -> None:
        self.items: list = []
        self.keys: list = []  # the real path of each item (None for stdin)
        self.errors: list[ScanError] = []
        self.skipped: list[str] = []  # for --verbose: what was passed over, and why
        self.containment = containment  # real paths of the folders that were named
        self.repeats = repeats  # whether a file may have been reached twice (several paths, a symlinked file)

    def add(self, item, real: str | None) -> None:
        self.items.append(item)
        self.keys.append(real)

    @property
    def sources(self) -> list[Source]:
        return [item for item in self.items if isinstance(item, Source)]

    @property
    def roots(self) -> list[FoundRoot]:
        return [item for item in self.items if isinstance(item, FoundRoot)]


def inside(path: str, folders: Iterable[str]) -> bool:
    """Is the real path ``path`` one of ``folders`` (real paths) or below one of them?"""
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes of a name that is not UTF-8, as os.scandir gives them
_NAME = operator.attrgetter("name")  # of an os.DirEntry


def _sorted(entries: list[os.DirEntry]) -> list[os.DirEntry]:
    """In byte order, as Go sorts names. str order is the same for UTF-8 names, so names are
    encoded only when one of them is not UTF-8."""
    entries.sort(key=_NAME)
    if _UNDECODED.search("".join(map(_NAME, entries))):
        entries.sort(key=lambda entry: os.fsencode(entry.name))
    return entries


def _root_of(names: list[str]) -> tuple[str, str] | None:
    """(tool, marker name) when a folder with these entries is a kustomization root or a chart."""
    for name in KUSTOMIZATION_FILES:
        if name in names:
            return "kustomize", name
    return ("helm", CHART_FILE) if CHART_FILE in names else None


class _Walker:
    """One walk below one named folder. Paths below it are ``root`` + the rest, so the real path of
    each is the root's real path + the same rest (linked folders are never entered)."""

    def __init__(self, collected: Collected, excludes: tuple[str, ...], roots: bool,
                 rendered: dict[str, str]) -> None:
        self.out = collected
        self.excludes = excludes
        self.roots = roots
        self.rendered = rendered

    def entries(self, folder: str, seen: set) -> list[os.DirEntry]:
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in seen:  # only a bind mount can do this: linked folders are never entered
                self.out.errors.append(input_error(folder, "folder loop: this folder was already walked, skipped"))
                return []
            seen.add(key)
            return _sorted(list(os.scandir(folder)))
        except OSError as exc:
            self.out.errors.append(input_error(folder, f"cannot read folder: {exc.strerror or exc}"))
            return []

    def walk(self, root: str, containment: tuple[str, ...]) -> None:
        """Depth first, each folder's entries in byte order (Go's filepath.Walk)."""
        seen: set[tuple[int, int]] = set()
        real_root = os.path.realpath(root)
        cut = len(root)  # entry.path[cut:] is the part below the root
        prefix = real_root.rstrip(os.sep) + (os.sep if root.endswith(os.sep) else "")
        shown = 2 if root == "." else 0  # `./x` is shown as `x`
        self.within = False
        folders = [(iter(self.folder(root, real_root, self.entries(root, seen))), self.within)]
        excludes, add = self.excludes, self.out.add
        while folders:
            entries, within_root = folders[-1]
            entry = next(entries, None)
            if entry is None:
                folders.pop()
                continue
            path = entry.path[shown:] if shown else entry.path
            if excludes and _excluded(path, excludes):
                self.out.skipped.append(f"{path}: excluded (--exclude)")
                continue
            try:
                linked = entry.is_symlink()
            except OSError:
                linked = False
            try:
                is_dir = entry.is_dir()
            except OSError:  # a link that cannot be followed: a loop (ELOOP), or unreadable
                is_dir = False
            if is_dir and linked:  # Go's filepath.Walk, and so kubectl -R, never enters a linked folder
                self.out.skipped.append(self.linked_folder(path))
            elif linked and not within_root and not entry.name.endswith(APPLY_EXTENSIONS):
                broken = self.broken_link(entry, path)
                if broken:
                    self.out.skipped.append(broken)
            elif is_dir:
                if entry.name == GIT_FOLDER:
                    self.out.skipped.append(f"{path}: git's own folder (a commit cannot hold files in it)")
                    continue
                real = prefix + entry.path[cut:]
                if real in self.rendered:
                    self.out.skipped.append(f"{path}: rendered with {self.rendered[real]}; its files are not read besides")
                    continue
                self.within = within_root
                children = self.folder(path, real, self.entries(entry.path, seen))
                folders.append((iter(children), self.within))
            elif not within_root and entry.name.endswith(APPLY_EXTENSIONS):
                if linked:
                    self.linked_file(entry, path, containment)
                elif _regular(entry):
                    add(FileSource(path), prefix + entry.path[cut:])
                else:  # a FIFO would block the scan forever; sockets and devices are no manifests
                    self.out.errors.append(input_error(path, NOT_REGULAR))

    within = False  # whether the folder being listed lies inside a kustomization root

    def folder(self, path: str, real: str, entries: list[os.DirEntry]) -> list[os.DirEntry]:
        """The entries of one folder to walk; a root found here is recorded (and sets ``within``)."""
        if not self.roots or not entries:
            return entries
        found = _root_of([entry.name for entry in entries])
        if found is None:
            return entries
        tool, marker = found
        self.out.add(FoundRoot(path, tool, os.path.join(path, marker), real), None)
        if tool == "helm":  # a chart's templates/ and charts/ are rendered with it
            return []
        self.within = True  # look for further roots inside, read no file
        return entries

    @staticmethod
    def linked_folder(path: str) -> str:
        target = os.path.realpath(path)
        parent = os.path.realpath(os.path.dirname(path) or ".")
        if inside(parent, [target]):
            return (f"{path}: a symlinked folder that points back to a folder above it; not followed, as "
                    "kubectl apply -R does not follow linked folders")
        return f"{path}: a symlinked folder; kubectl apply -R does not follow it either"

    @staticmethod
    def broken_link(entry: os.DirEntry, path: str) -> str | None:
        """A symlink that cannot be followed (a loop, a missing target) and whose name kubectl apply -R
        does not read: skipped by both, listed under --verbose."""
        try:
            os.stat(entry.path)
        except OSError as exc:
            why = "a loop" if exc.errno == errno.ELOOP else "its target is missing"
            return (f"{path}: a symbolic link that cannot be followed ({why}); not read, as kubectl apply -R does "
                    "not read a name without .yaml, .yml or .json")
        return None

    def linked_file(self, entry: os.DirEntry, path: str, containment: tuple[str, ...]) -> None:
        """A symlinked file is read through its link (as kubectl does) if it leads inside the scanned
        folders; a dangling link is read too, and reading it says why it fails."""
        target = os.path.realpath(entry.path)
        if not inside(target, containment):
            self.out.errors.append(input_error(path, _outside(target)))
            return
        try:
            regular = entry.is_file() or not os.path.exists(entry.path)
        except OSError:
            regular = True  # vanished or unreadable: reading it reports why
        if regular:
            self.out.add(FileSource(path), target)
            self.out.repeats = True
        else:
            self.out.errors.append(input_error(path, NOT_REGULAR))


def _regular(entry: os.DirEntry) -> bool:
    """A regular file, or one whose type cannot be read (reading it then says why)."""
    try:
        return entry.is_file()
    except OSError:
        return True


def _outside(target: str) -> str:
    return (f"refused: a symbolic link to {target}, outside the scanned folders (kongcheck reads nothing "
            "outside them); name that file or its folder on the command line to scan it")


def _named_link_problem(path: str) -> str | None:
    """A named path that is itself a symlink must lead inside the folder that holds the link."""
    if not os.path.islink(path):
        return None
    target = os.path.realpath(path)
    holder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    if inside(target, [holder]):
        return None
    return (f"refused: a symbolic link to {target}, outside the folder that holds the link (kongcheck reads "
            "nothing outside the scanned folders); name the target itself to scan it")


def _containment(paths: Iterable[str]) -> tuple[str, ...]:
    """The real folders a scan may read from: each named folder, and the folder of each named file."""
    folders = []
    for path in paths:
        if path == "-":
            continue
        real = os.path.realpath(path)
        folders.append(real if os.path.isdir(real) else os.path.dirname(real))
    return tuple(dict.fromkeys(folders))


def _keep_last(collected: Collected) -> None:
    """Each file or root reached more than once is kept at its last place in apply order."""
    if not collected.repeats:
        return
    keys = [("root:" + item.real) if isinstance(item, FoundRoot) else key
            for item, key in zip(collected.items, collected.keys)]
    last = {key: index for index, key in enumerate(keys) if key is not None}
    kept = []
    for index, (item, key) in enumerate(zip(collected.items, keys)):
        if key is None or last[key] == index:
            kept.append(item)
            continue
        later = collected.items[last[key]]
        what, name, shown = ("folder", item.path, later.path) if isinstance(item, FoundRoot) else \
            ("file", item.name, later.name)
        collected.skipped.append(f"{name}: the same {what} as {shown}, read there (kubectl would apply it "
                                 "twice; the later apply stays)")
    collected.items = kept
    collected.keys = []


def collect(paths: Iterable[str], excludes: Iterable[str] = (), roots: bool = True,
            stdin: bytes | None = None, rendered: dict[str, str] | None = None,
            stdin_name: str | None = None) -> Collected:
    """Turn command-line paths into sources, in the order ``kubectl apply`` would use them.

    With ``roots``, folders that kustomize or helm build are yielded as FoundRoot (their files are
    not read); without, they are walked like any other folder, as kubectl -R walks them.
    ``rendered`` maps the real paths of folders rendered otherwise to the flag that renders them
    (``--helm``, ``--kustomize``): those are not walked."""
    paths = list(paths)
    excludes = tuple(excludes)
    rendered = rendered or {}
    collected = Collected(containment=_containment(paths), repeats=len(paths) > 1)
    walker = _Walker(collected, excludes, roots, rendered)
    for path in paths:
        if path == "-":
            collected.add(_stdin_source(stdin, stdin_name), None)
            continue
        problem = _named_link_problem(path)
        if problem:
            collected.errors.append(input_error(path, problem))
        elif os.path.isdir(path) and os.path.realpath(path) in rendered:
            collected.skipped.append(f"{path}: rendered with {rendered[os.path.realpath(path)]}; its files are not "
                                     "read besides")
        elif os.path.isdir(path):
            walker.walk(path, collected.containment)
        elif os.path.exists(path) or os.path.islink(path):
            if not _excluded(path, excludes):
                collected.add(FileSource(path), os.path.realpath(path))
        else:
            collected.errors.append(input_error(path, "no such file or folder"))
    _keep_last(collected)
    return collected
