"""*List items and top-level JSON arrays, and how documents are counted."""
from __future__ import annotations

import pytest

from kchelp import scan_json

CONSUMER = ("{apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {name: c, annotations: "
            "{kubernetes.io/ingress.class: kong}}, username: u-c}")


def _errors(run) -> list[tuple]:
    return [(e["file"], e["line"], e["message"]) for e in run.json["errors"]]


def test_non_object_list_items_are_input_errors(tmp_path):
    manifest = tmp_path / "list.yaml"
    manifest.write_text(f"apiVersion: v1\nkind: List\nitems:\n  - 1\n  - x\n  - null\n  - {CONSUMER}\n")
    run = scan_json(str(manifest))
    assert run.code == 2
    assert _errors(run) == [
        (str(manifest), line, f"List item {index} is {what}, not an object; the API server refuses the List")
        for index, line, what in [(0, 4, "a number"), (1, 5, "text"), (2, 6, "null")]]
    assert run.json["summary"]["kong_resources"] == 1  # the scan goes on with the object items


def test_list_item_without_metadata_says_it_is_missing(tmp_path):
    manifest = tmp_path / "list.yaml"
    manifest.write_text("apiVersion: v1\nkind: List\nitems:\n"
                        "  - {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, username: u}\n"
                        "  - {apiVersion: v1, kind: Secret, metadata: null}\n")
    assert [message for _, _, message in _errors(scan_json(str(manifest)))] == [
        "KongConsumer: metadata is missing", "Secret: metadata must be a mapping, not null"]


def test_a_top_level_json_array_is_an_input_error(tmp_path):
    manifest = tmp_path / "array.json"
    manifest.write_text('\n[{"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",\n'
                        '  "metadata": {"name": "c"}, "username": "u"}]\n')
    run = scan_json(str(manifest))
    assert run.code == 2
    assert _errors(run) == [(str(manifest), 2, "a JSON array is not a Kubernetes object; kubectl refuses "
                             "it (wrap the objects in a kind: List)")]


def test_unparsable_documents_are_counted(tmp_path):
    manifest = tmp_path / "five.yaml"
    docs = [CONSUMER.replace("name: c", f"name: c{i}").replace("u-c", f"u-c{i}") for i in range(3)]
    docs[1:1] = ["kind: KongConsumer\nusername: [unclosed\n", "kind: Secret\n  bad: indent\n x: y\n"]
    manifest.write_text("\n---\n".join(docs) + "\n")
    for args in ((), ("--parse-all",)):
        run = scan_json(*args, str(manifest))
        assert run.json["summary"]["documents"] == 5
        assert len(run.json["errors"]) == 2


def _consumers(run) -> list[str]:
    return sorted(r["name"] for f in run.json["findings"] for r in f["resources"])


def test_any_object_with_items_is_a_list_to_kubectl_and_only_its_items_are_applied(tmp_path):
    """kubectl decodes an object with an ``items`` key as a list whatever its kind: the outer
    consumer is not applied, its items are, with its kind and apiVersion where they name none."""
    (tmp_path / "outer.yaml").write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\n"
        "metadata: {name: outer, annotations: {kubernetes.io/ingress.class: kong}}\nusername: outer-user\n"
        "items:\n- metadata: {name: inner, annotations: {kubernetes.io/ingress.class: kong}}\n  username: same\n")
    (tmp_path / "other.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\nitems:\n"
        f"- {CONSUMER.replace('u-c', 'same')}\n"
        "- apiVersion: configuration.konghq.com/v1\n  kind: KongConsumer\n"
        "  metadata: {name: d, annotations: {kubernetes.io/ingress.class: kong}}\n  username: outer-user\n")
    for args in ((), ("--parse-all",)):
        run = scan_json(str(tmp_path), *args)
        assert run.code == 1 and run.json["errors"] == []
        assert run.rules() == ["consumer-username-conflict"] and _consumers(run) == ["c", "inner"]
        assert run.json["summary"]["kong_resources"] == 3


def test_a_list_item_that_is_a_list_itself_is_refused(tmp_path):
    manifest = tmp_path / "nested.yaml"
    manifest.write_text(f"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [{CONSUMER}]\n"
                        f"- {CONSUMER}\n")
    run = scan_json(str(manifest))
    assert run.code == 2
    assert _errors(run) == [(str(manifest), 6, "List item 0 holds a list of its own (items); kubectl refuses the "
                             "file: it cannot apply a list in a list")]
    assert run.json["summary"]["kong_resources"] == 1


@pytest.mark.parametrize("items, message", [
    ("{a: b}", "KongConsumer: items must be a list, not a mapping; kubectl refuses the file"),
    ("text", "KongConsumer: items must be a list, not text; kubectl refuses the file"),
])
def test_items_that_are_not_a_list_are_refused(tmp_path, items, message):
    manifest = tmp_path / "items.yaml"
    manifest.write_text(CONSUMER[1:-1].replace(", username: u-c", "") .join(["{", f", items: {items}}}\n"]))
    run = scan_json(str(manifest))
    assert _errors(run) == [(str(manifest), 1, message)]


def test_null_or_empty_items_apply_nothing(tmp_path):
    (tmp_path / "a.yaml").write_text(CONSUMER[:-1] + ", items: null}\n---\n" + CONSUMER[:-1] + ", items: []}\n")
    (tmp_path / "b.yaml").write_text(CONSUMER.replace("name: c", "name: d"))
    run = scan_json(str(tmp_path))
    assert run.code == 0 and run.json["summary"]["kong_resources"] == 1
