"""Read `kubectl get ... -o yaml|json` output, keeping the line of every object."""

from __future__ import annotations

from typing import Iterator

import yaml

from .errors import ClusterError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_snapshot(path: str) -> Iterator[tuple[dict, int]]:
    """Yield (object, 1-based line) for each object of each document (List items unpacked)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ClusterError(f"cannot read cluster snapshot: {exc.strerror}", path) from None
    except UnicodeDecodeError:
        raise ClusterError("cluster snapshot is not UTF-8 text", path) from None
    loader = Loader(text)
    try:
        while True:
            node = _next_node(loader, path)
            if node is None:
                return
            _reject_duplicate_keys(node, path)
            yield from _objects(loader.construct_document(node), node, path)
    finally:
        loader.dispose()


def _next_node(loader, path: str):
    try:
        return loader.get_node() if loader.check_node() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ClusterError(f"invalid YAML in cluster snapshot: {problem}", path,
                           mark.line + 1 if mark is not None else None) from None


def _reject_duplicate_keys(node, path: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    seen = set()
    for key, _ in node.value:
        if key.value in seen:
            raise ClusterError(
                f"duplicate key '{key.value}' in cluster snapshot (two kubectl outputs joined without a "
                "'---' line between them?)", path, key.start_mark.line + 1)
        seen.add(key.value)


def _objects(doc, node, path: str) -> Iterator[tuple[dict, int]]:
    line = node.start_mark.line + 1
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
    item_nodes = _items_node(node)
    for index, item in enumerate(items):
        item_line = item_nodes[index].start_mark.line + 1 if item_nodes else line
        if not isinstance(item, dict):
            raise ClusterError("cluster snapshot: list item is not an object", path, item_line)
        yield item, item_line


def _items_node(node) -> list:
    for key, value in node.value:
        if key.value == "items" and isinstance(value, yaml.SequenceNode):
            return value.value
    return []
