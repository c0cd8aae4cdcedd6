"""Paths as CI tools want them: relative to the repository's top level, whatever the working folder.

GitHub code scanning and inline annotations match a path against the repository root, so a scan
run from a subfolder (``../k8s/consumers.yaml``) must still say ``k8s/consumers.yaml``.  The top
level is the nearest folder, walking up from the working folder, that holds a ``.git`` entry (a
folder, or a file in a worktree or submodule); no ``git`` process is started.  Outside a repository
the working folder is the base.  Names that are not files on disk (``<stdin>``,
``cluster:ctx/ns/Kind/name``, remote kustomize bases, ``SecretGenerator in k.yaml``) are left alone.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kongcheck.model import Location


def top_level(start: str | None = None) -> str | None:
    """The folder holding ``.git`` at or above ``start`` (default: the working folder), or None."""
    return _top_level(os.path.realpath(start or os.getcwd()))


@lru_cache(maxsize=8)
def _top_level(start: str) -> str | None:
    folder = Path(start)
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return str(candidate)
    return None


def base_folder() -> str:
    """What relative paths are relative to: the repository top level, else the working folder."""
    return top_level() or os.path.realpath(os.getcwd())


def _is_local_path(name: str, must_exist: bool = True) -> bool:
    if not name or name.startswith("<") or ":" in name:
        return False
    return os.path.lexists(name) or not must_exist


def relative_path(name: str, base: str | None = None, must_exist: bool = True) -> str | None:
    """``name`` relative to ``base`` (default :func:`base_folder`) with ``/`` separators.

    None when ``name`` is not a local file or lies outside ``base``.  ``must_exist=False`` is for
    names known to be local paths that may be absent (``--stdin-filename``).
    """
    if not _is_local_path(name, must_exist):
        return None
    base = base or base_folder()
    folder, leaf = os.path.split(os.path.abspath(name))
    relative = os.path.relpath(os.path.join(os.path.realpath(folder), leaf), base)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")


def display_path(name: str, base: str | None = None, must_exist: bool = True) -> str:
    """The repository-relative path when there is one, else ``name`` unchanged."""
    return relative_path(name, base, must_exist) or name


class Anchor(NamedTuple):
    """A file position a CI tool can point at: ``local`` when ``file`` is a local path (scanned, or
    named with ``--stdin-filename``) that may be absent from the disk."""

    file: str
    line: int | None
    column: int | None
    local: bool


def anchor(location: Location) -> Anchor | None:
    """Where a CI annotation of ``location`` goes: the file itself, the snapshot file and line of a
    live object read from ``--cluster-snapshot``; None for what has no file (standard input
    without ``--stdin-filename``, a live object from ``--cluster``, a whole input)."""
    if location.is_file and location.file:
        return Anchor(location.file, location.line, location.column, location.source == "file")
    from kongcheck.sources.live import snapshot_position

    position = snapshot_position(location)
    if position is not None:
        return Anchor(position[0], position[1], None, True)
    return None


def base_uri(base: str | None = None) -> str:
    """``base`` as a ``file://`` URI ending in ``/`` (SARIF ``originalUriBaseIds`` wants the slash)."""
    uri = Path(base or base_folder()).as_uri()
    return uri if uri.endswith("/") else uri + "/"
