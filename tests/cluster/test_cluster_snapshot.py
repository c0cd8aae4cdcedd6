"""--cluster-snapshot: the same state read from `kubectl get ... -o yaml` output."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from kongcheck.sources.cluster import ClusterError, fetch_live_objects, load_snapshot_located

DATA = Path(__file__).parent / "data"
SNAPSHOT = DATA / "snapshot.yaml"
NEVER_KEPT = ["ALICE-Pa55w0rd-live", "BOB-jwt-hmac-secret-77", "PAYMENTS-client-secret-42"]


def load_snapshot(path: str, referenced_secrets=(), **kwargs) -> list[dict]:
    return [obj for obj, _ in load_snapshot_located(path, referenced_secrets, **kwargs)]


def keyed(objects):
    return {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects}


def snapshot_error(path, **kwargs) -> str:
    with pytest.raises(ClusterError) as info:
        load_snapshot(str(path), **kwargs)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_snapshot_gives_what_the_live_cluster_gives(fake_server, token_kubeconfig):
    _, live = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    from_file = keyed(load_snapshot(str(SNAPSHOT)))
    # the snapshot was made with the label selector, so it has no legacy unlabelled Secret
    live_keyed = {k: v for k, v in keyed(live).items() if k[2] != "bob-legacy-key"}
    assert from_file == live_keyed


def test_snapshot_secrets_are_reduced(tmp_path):
    objects = load_snapshot(str(SNAPSHOT))
    dump = json.dumps(objects)
    for value in NEVER_KEPT:
        assert value not in dump and base64.b64encode(value.encode()).decode() not in dump
    assert "last-applied-configuration" not in dump and "managedFields" not in dump


def test_lines_point_at_each_object():
    lines = {(o["kind"], o["metadata"]["name"]): line for o, line in load_snapshot_located(str(SNAPSHOT))}
    text = SNAPSHOT.read_text().splitlines()
    assert text[lines[("KongConsumer", "alice")] - 1].startswith("- apiVersion: configuration.konghq.com/v1")
    assert lines[("Secret", "alice-basic")] > text.index("---")


def test_json_output_and_single_objects(tmp_path, live_objects_master):
    vault = next(o for o in live_objects_master if o["kind"] == "KongVault")
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [vault]}, indent=4))
    assert [o["metadata"]["name"] for o in load_snapshot(str(path))] == ["aws-vault"]
    single = tmp_path / "one.yaml"
    single.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\n"
                      "metadata: {name: dave, namespace: x, creationTimestamp: 2025-01-02T03:04:05Z}\n"
                      "username: dave\n")
    (dave,) = load_snapshot(str(single))
    assert dave["username"] == "dave" and dave["metadata"]["creationTimestamp"] == "2025-01-02T03:04:05Z"


def test_other_kinds_and_unreferenced_secrets_are_dropped(tmp_path):
    path = tmp_path / "all.yaml"
    path.write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: a}, data: {x: v}}\n"
        "- {apiVersion: v1, kind: Secret, metadata: {name: tls, namespace: a}, data: {tls.key: S0VZ}}\n"
        "- {apiVersion: v1, kind: Secret, metadata: {name: legacy, namespace: a},\n"
        "   data: {kongCredType: a2V5LWF1dGg=, key: TEVHQUNZ, other: T1RIRVI=}}\n"
        "- {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {name: c, namespace: a},\n"
        "   username: c, credentials: [legacy]}\n"
        "- {apiVersion: v1, kind: Secret, metadata: {name: named-by-manifest, namespace: b}, stringData: {key: k}}\n")
    objects = keyed(load_snapshot(str(path), referenced_secrets={("b", "named-by-manifest")}))
    assert set(objects) == {("Secret", "a", "legacy"), ("KongConsumer", "a", "c"), ("Secret", "b", "named-by-manifest")}
    assert objects[("Secret", "a", "legacy")]["data"] == {"kongCredType": "a2V5LWF1dGg=", "key": "TEVHQUNZ"}
    assert objects[("Secret", "b", "named-by-manifest")]["data"] == {}


def test_missing_file():
    assert snapshot_error("/nonexistent/live.yaml") == (
        "/nonexistent/live.yaml: cannot read cluster snapshot: No such file or directory")


def test_bad_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("apiVersion: v1\nitems:\n- kind: KongConsumer\n  metadata: {name: [x\nkind: List\n")
    assert snapshot_error(path).startswith(f"{path}:5: invalid YAML in cluster snapshot: ")


def test_joined_without_separator_is_caught(tmp_path):
    text = SNAPSHOT.read_text().replace("---\n", "")
    path = tmp_path / "joined.yaml"
    path.write_text(text)
    message = snapshot_error(path)
    assert ":92: duplicate key (first at line 3) in cluster snapshot" in message and "'---'" in message
    assert "apiVersion" not in message  # a duplicate key may be a credential: only its lines are shown


def test_object_without_name(tmp_path):
    path = tmp_path / "noname.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n- apiVersion: configuration.konghq.com/v1\n"
                    "  kind: KongConsumer\n  metadata: {namespace: a}\n")
    assert snapshot_error(path) == f"{path}:4: KongConsumer without metadata.name in cluster snapshot"


def test_not_kubectl_output(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert snapshot_error(path).startswith(f"{path}:1: not a cluster snapshot: expected `kubectl get -o yaml`")


def test_snapshot_needs_no_kubernetes_client(tmp_path):
    import subprocess
    import sys

    code = ("import sys; sys.modules['kubernetes'] = None; sys.modules['urllib3'] = None\n"
            "from kongcheck.sources.cluster import load_snapshot_located\n"
            f"print(len(load_snapshot_located({str(SNAPSHOT)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "9"


def _secrets_list(count: int) -> str:
    """A `kubectl get secrets -o yaml` List of ``count`` credential Secrets, each with a last-applied
    annotation and managedFields as an API server returns them."""
    items = []
    for number in range(count):
        items.append(
            f"- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: cred-{number}\n    namespace: ns\n"
            f"    labels: {{konghq.com/credential: key-auth}}\n    annotations:\n"
            f"      kubectl.kubernetes.io/last-applied-configuration: '{'x' * 2000}'\n"
            f"    managedFields:\n    - {{manager: kubectl, operation: Update, fieldsV1: {{f:data: {{f:key: {{}}}}}}}}\n"
            f"  type: Opaque\n  data: {{key: {base64.b64encode(f'key-{number}'.encode()).decode()}}}\n")
    return "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: ''}\nitems:\n" + "".join(items)


def test_a_list_is_read_one_item_at_a_time(tmp_path):
    import tracemalloc

    from kongcheck.sources.kube.snapshot import ITEM, read_snapshot

    path = tmp_path / "many.yaml"
    path.write_text(_secrets_list(1500))  # about 3.5 MB of text, several times that composed
    seen = []
    tracemalloc.start()
    try:
        for what, line, _ in read_snapshot(str(path), lambda obj, line: line, max_size=1 << 30):
            if what == ITEM:
                seen.append(line)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(seen) == 1500 and seen == sorted(seen)
    assert peak < 2 << 20, peak  # the parser's pieces and one item at a time, not the List


def test_every_secret_of_a_long_list_is_reduced(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(_secrets_list(50))
    objects = load_snapshot(str(path))
    assert [o["metadata"]["name"] for o in objects] == [f"cred-{n}" for n in range(50)]
    assert objects[7]["data"] == {"key": base64.b64encode(b"key-7").decode()}
    assert "last-applied-configuration" not in json.dumps(objects) and "managedFields" not in json.dumps(objects)


def test_an_alias_may_name_an_earlier_item(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n"
                    "- &first {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, username: a,\n"
                    "   metadata: {name: a, namespace: x}}\n"
                    "- {<<: *first, username: b, metadata: {name: b, namespace: x}}\n"
                    "- *first\n")
    assert [(o["metadata"]["name"], o["username"], line) for o, line in load_snapshot_located(str(path))] == [
        ("a", "a", 4), ("b", "b", 6), ("a", "a", 7)]
    path.write_text("apiVersion: v1\nkind: List\nitems:\n- {kind: KongConsumer, metadata: *later}\n"
                    "- &later {name: a}\n")
    assert "an alias (*) names no anchor defined before it" in snapshot_error(path)


def test_items_a_merge_key_writes_are_the_ones_read(tmp_path):
    consumer = "{{apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {{name: {0}, namespace: x}}}}"
    path = tmp_path / "merged.yaml"
    path.write_text(f"apiVersion: v1\nkind: List\nitems: [{consumer.format('replaced')}]\n"
                    f"<<: {{items: [{consumer.format('merged')}]}}\n")
    assert [o["metadata"]["name"] for o in load_snapshot(str(path))] == ["merged"]
    path.write_text(f"apiVersion: v1\nkind: List\nitems: &all [{consumer.format('listed')}]\n"
                    "again: *all\n")
    assert [o["metadata"]["name"] for o in load_snapshot(str(path))] == ["listed"]


def test_a_secret_decided_on_once_the_snapshot_is_read_keeps_its_place(tmp_path):
    path = tmp_path / "order.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n"
                    "- {apiVersion: v1, kind: Secret, metadata: {name: unlabelled, namespace: x}, data: {key: a2V5}}\n"
                    "- {apiVersion: v1, kind: Secret, metadata: {name: labelled, namespace: x,\n"
                    "   labels: {konghq.com/credential: key-auth}}, data: {key: a2V5}}\n"
                    "- {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, username: c,\n"
                    "   metadata: {name: c, namespace: x}, credentials: [unlabelled]}\n")
    assert [(o["metadata"]["name"], line) for o, line in load_snapshot_located(str(path))] == [
        ("unlabelled", 4), ("labelled", 5), ("c", 7)]


def test_a_snapshot_unreadable_past_its_first_objects_takes_back_what_it_gave(tmp_path):
    from kongcheck.sources.cluster import Collected

    path = tmp_path / "broken.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n"
                    "- {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {name: a, namespace: x}}\n"
                    "---\nkind: [\n")
    feed = Collected()
    with pytest.raises(ClusterError, match="invalid YAML in cluster snapshot"):
        load_snapshot_located(str(path), problems=[], feed=feed)
    assert feed.located() == []


def test_a_json_snapshot_on_one_line(tmp_path, live_objects_master):
    snapshot = {"apiVersion": "v1", "kind": "List", "items": live_objects_master}
    path, as_yaml = tmp_path / "one-line.json", tmp_path / "same.yaml"
    path.write_text(json.dumps(snapshot))
    as_yaml.write_text(json.dumps(snapshot, indent=2))
    located = load_snapshot_located(str(path))
    assert len(located) > 5 and {line for _, line in located} == {1}
    assert keyed(o for o, _ in located) == keyed(load_snapshot(str(as_yaml)))


def test_a_snapshot_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(_secrets_list(60))
    assert snapshot_error(path, max_size=100_000) == (
        f"{path}: cluster snapshot larger than --max-file-size (100000 bytes)")
    path.write_bytes(b"apiVersion: v1\nkind: List\nitems:\n- {kind: Secret, metadata: {name: \xff}}\n")
    assert snapshot_error(path) == f"{path}: cluster snapshot is not UTF-8 text"


def test_a_tab_in_a_snapshot_is_named(tmp_path):
    path = tmp_path / "tab.yaml"
    path.write_text(_secrets_list(40) + "- kind: KongConsumer\n  metadata:\n\tname: a\n")
    message = snapshot_error(path)
    assert message.startswith(f"{path}:{path.read_text().count(chr(10))}: invalid YAML in cluster snapshot: ")
    assert message.endswith("(a tab? YAML indents with spaces only)")


def test_objects_are_read_as_written_however_deep(tmp_path):
    path = tmp_path / "deep.yaml"
    deep = "{a: " * 990 + "x" + "}" * 990
    path.write_text("apiVersion: v1\nkind: List\nitems:\n"
                    "- {apiVersion: configuration.konghq.com/v1alpha1, kind: KongVault, metadata: {name: v},\n"
                    f"   spec: {{backend: env, prefix: p, config: {{since: 2025-01-02T03:04:05Z, deep: {deep}}}}}}}\n"
                    "- {apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {name: c, namespace: a},\n"
                    "   username: c, credentials: [k]}\n")
    vault, consumer = load_snapshot(str(path))
    assert vault["spec"]["config"]["since"] == "2025-01-02T03:04:05Z"
    value, depth = vault["spec"]["config"]["deep"], 0
    while isinstance(value, dict):
        value, depth = value["a"], depth + 1
    assert (value, depth) == ("x", 990)
    assert consumer == {"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                        "metadata": {"name": "c", "namespace": "a"}, "username": "c", "credentials": ["k"]}
