"""*List items and top-level JSON arrays, and how documents are counted."""
from __future__ import annotations

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
