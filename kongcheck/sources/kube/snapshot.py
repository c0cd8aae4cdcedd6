"""Read `kubectl get ... -o yaml|json` output, keeping the line of every object."""

from __future__ import annotations

import re
from typing import Iterator

from .errors import ClusterError


def read_snapshot(path: str, max_size: int = 64 << 20, problems: list | None = None) -> Iterator[tuple[dict, int]]:
    """Yield (object, 1-based line) for each object of each document (List items unpacked).

    Documents are composed from parser events by kongcheck's own composer (loading/tree.py),
    like manifests: libyaml's recursive composer would crash on a deeply nested file, and the
    same depth, alias and duplicate-key rules apply.  At most ``max_size`` bytes are read (a
    snapshot may be a pipe, so it is not refused for not being a regular file).  A list item that
    is not an object is one ClusterError in ``problems`` (raised when None); the others are read.
    """
    from kongcheck.parse.tree import Composer
    from kongcheck.parse.values import LoadError

    try:
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as exc:
        raise ClusterError(f"cannot read cluster snapshot: {exc.strerror}", path) from None
    if len(data) > max_size:
        raise ClusterError(f"cluster snapshot larger than --max-file-size ({max_size} bytes)", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ClusterError("cluster snapshot is not UTF-8 text", path) from None
    try:
        for start, doc in Composer(text).documents():
            yield from _objects(doc, getattr(doc, "line", start), path, problems)
    except LoadError as exc:
        raise ClusterError(_problem(str(exc)), path, exc.line) from None


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
            error = ClusterError("cluster snapshot: list item is not an object", path, item_line)
            if problems is None:
                raise error
            problems.append(error)
            continue
        yield item, item_line
