"""Limits that keep a scan bounded on hostile input, and their command-line flags.

A pull request can hold anything: a 200 MB one-line file, a million tiny documents, a
document nested 100,000 levels deep, an alias bomb.  Each is refused with one error line
(exit 2) instead of stalling the pipeline; the defaults are far above real manifests and
every limit has a flag.  Alias bombs need no flag: they are refused by the rule kubectl's
YAML decoder applies (loading/tree.py).
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

import click

from kongcheck.model import ScanError

LIMITS_KEY = "kongcheck.limits"
MAX_FILE_SIZE = 64 * 1024 * 1024
MAX_DEPTH = 1000
MAX_DOCUMENTS = 100_000
# The API server's JSON decoder (Go encoding/json) refuses objects nested deeper than 10,000
# levels, so nothing deeper can be applied; libyaml's time also grows with the square of the
# flow nesting depth (about 0.3 s at 10,000 levels, 37 s at 100,000).
DEEPEST = 10_000
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class Size(click.ParamType):
    """A byte count: ``5000000``, ``512K``, ``64M``, ``1G`` (powers of 1024; ``KiB``/``MB`` read the same)."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:i?B)?\s*", str(value), re.I)
        if not match or int(match.group(1)) == 0:
            self.fail(f"{value!r} is not a size such as 500K, 64M or 1G", param, ctx)
        return int(match.group(1)) * _UNITS[match.group(2).upper()]


class Limits(NamedTuple):
    max_file_size: int = MAX_FILE_SIZE
    max_depth: int = MAX_DEPTH
    max_documents: int = MAX_DOCUMENTS
    allow_empty: bool = False

    def load_options(self) -> dict:
        return {"max_file_size": self.max_file_size, "max_depth": self.max_depth,
                "max_documents": self.max_documents}


_OPTIONS = (
    click.option("--max-file-size", type=Size(), default="64M", show_default=True,
                 help="Refuse (exit 2) a file or stream larger than SIZE, without reading it."),
    click.option("--max-depth", type=click.IntRange(1, DEEPEST), default=MAX_DEPTH, show_default=True,
                 help=f"Refuse a document nested deeper than this many levels (at most {DEEPEST})."),
    click.option("--max-documents", type=click.IntRange(1), default=MAX_DOCUMENTS, show_default=True,
                 help="Stop reading a file or stream after this many documents (List items count too)."),
    click.option("--allow-empty", is_flag=True,
                 help="Exit 0 when no Kubernetes manifest is found at all (default: exit 2)."),
)


def options(func):
    """Add the limit flags to a command; the command finds them with :func:`current`."""

    @functools.wraps(func)
    def wrapper(*args, max_file_size, max_depth, max_documents, allow_empty, **kwargs):
        click.get_current_context().meta[LIMITS_KEY] = Limits(max_file_size, max_depth, max_documents, allow_empty)
        return func(*args, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def current() -> Limits:
    context = click.get_current_context(silent=True)
    return context.meta.get(LIMITS_KEY, Limits()) if context else Limits()


def check_empty(result, paths, limits: Limits) -> None:
    """A scan that found no Kubernetes manifest at all says so: an error unless --allow-empty."""
    if result.has_manifests or result.errors:  # input errors already say why nothing was found
        return
    where = ", ".join(paths) if paths else "."
    if limits.allow_empty:
        click.echo(f"kongcheck: no Kubernetes manifests found in {where}", err=True)
        return
    result.errors.append(ScanError(where, None, "no Kubernetes manifests found (no document with a kind); "
                                               "--allow-empty accepts this"))
