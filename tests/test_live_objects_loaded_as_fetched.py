"""Live objects are loaded as they were fetched (no round trip through text and the parser)."""
from __future__ import annotations

from kongcheck.loading import LoadOptions, LoadResult, load_object
from kongcheck.parse.values import LMap, LSeq, tree
from kongcheck.sources import Source


def _live(name: str = "cluster:kind/team-a/KongConsumer/alice") -> Source:
    return Source(name=name, kind="cluster", is_json=True)


def test_a_fetched_object_becomes_a_located_document():
    obj = {"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
           "metadata": {"name": "alice", "namespace": "team-a", "labels": {}},
           "username": "alice", "credentials": ["alice-key"], "spec": {"n": 3, "on": True, "none": None}}
    result = LoadResult()
    load_object(_live(), obj, LoadOptions(), result)
    assert result.errors == [] and result.document_count == 1 and result.has_manifests
    body = result.documents[0].body
    assert body == obj and isinstance(body, LMap) and isinstance(body["credentials"], LSeq)
    assert body["spec"]["n"] == 3 and body["spec"]["on"] is True and body["spec"]["none"] is None
    assert body["metadata"].where("name") == (1, 1) and body["credentials"].where(0) == (1, 1)
    location = body and result.documents[0].located_error(1, "x").location
    assert location.file == "cluster:kind/team-a/KongConsumer/alice" and location.source == "cluster"


def test_an_object_nested_deeper_than_the_limit_is_one_error():
    deep: dict = {}
    node = deep
    for _ in range(20):
        node["a"] = {}
        node = node["a"]
    result = LoadResult()
    load_object(_live(), {"kind": "KongConsumer", "spec": deep}, LoadOptions(max_depth=10), result)
    assert result.documents == [] and len(result.errors) == 1
    assert "nesting deeper than 10 levels refused" in result.errors[0].message


def test_a_nesting_far_past_the_recursion_limit_is_built_without_recursion():
    value: list = []
    for _ in range(5000):
        value = [value]
    built = tree({"v": value}, 10_000)
    depth, node = 0, built["v"]
    while node:
        node, depth = node[0], depth + 1
    assert depth == 5000
