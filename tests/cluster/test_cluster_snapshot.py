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


def load_snapshot(path: str, referenced_secrets=()) -> list[dict]:
    return [obj for obj, _ in load_snapshot_located(path, referenced_secrets)]


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
