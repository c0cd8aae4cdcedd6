"""CA certificates from the cluster and from snapshots: listed by label, reduced to id and certificate,
and compared with the manifests as kubectl apply would merge them."""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import yaml
from test_cluster_cli import live_args, manifests, run

from kongcheck.sources.cluster import fetch_live_objects, load_snapshot_located

sys.path.insert(0, str(Path(__file__).parent.parent))
from kchelp import ca_cert  # noqa: E402
from pki import certificate, private_key  # noqa: E402

ID = "8f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5a"
LIVE_CA, NEW_CA = certificate("live root"), certificate("new root")
PRIVATE = private_key("live root")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def live_ca_objects() -> list[dict]:
    meta = {"labels": {"konghq.com/ca-cert": "true"}, "creationTimestamp": "2025-05-01T08:00:00Z"}
    return [
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": {"name": "corp-root", "namespace": "zeta", **meta},
         "data": {"id": b64(ID), "cert": b64(LIVE_CA), "tls.key": b64(PRIVATE), "note": b64("kept out")}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "partner-root", "namespace": "pki", **meta},
         "data": {"id": "0f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5b", "ca.crt": LIVE_CA, "other": "x" * 1000}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-settings", "namespace": "pki"},
         "data": {"id": ID, "cert": "not read"}},
    ]


def test_ca_secrets_and_configmaps_are_listed_by_label_and_reduced(fake_server, token_kubeconfig):
    fake_server.objects.extend(live_ca_objects())
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    found = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects}
    secret = found[("Secret", "zeta", "corp-root")]
    assert sorted(secret["data"]) == ["cert", "id"]  # the private key and other data are never kept
    config = found[("ConfigMap", "pki", "partner-root")]
    assert sorted(config["data"]) == ["ca.crt", "id"]
    assert ("ConfigMap", "pki", "app-settings") not in found  # unlabelled: not even listed
    assert PRIVATE not in json.dumps(objects) and b64(PRIVATE) not in json.dumps(objects)


def test_a_new_ca_certificate_with_a_live_id_loses_to_the_live_one(fake_server, token_kubeconfig, tmp_path):
    fake_server.objects.extend(live_ca_objects())
    folder = manifests(tmp_path, ca_cert("a-new-root", ID, NEW_CA, "alpha"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "ca-certificate-id-conflict"]
    assert (finding["kept"], finding["dropped"]) == (["zeta/Secret/corp-root"], ["alpha/Secret/a-new-root"])
    assert {r["source"] for r in finding["resources"]} == {"cluster", "file"}
    old = run(folder, *live_args(token_kubeconfig), "-f", "json", "--kic-version", "3.5.10")
    [finding] = [f for f in json.loads(old.output)["findings"] if f["rule"] == "ca-certificate-id-conflict"]
    assert finding["outcome"] == "config-rejected"


def test_the_same_clash_from_a_snapshot(tmp_path):
    snapshot = tmp_path / "ca.yaml"
    snapshot.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": live_ca_objects()}))
    located = load_snapshot_located(str(snapshot))
    kept = sorted((o["kind"], o["metadata"]["name"], sorted(o["data"])) for o, _ in located)
    assert kept == [("ConfigMap", "partner-root", ["ca.crt", "id"]), ("Secret", "corp-root", ["cert", "id"])]
    folder = manifests(tmp_path, ca_cert("a-new-root", ID, NEW_CA, "alpha"))
    result = run(folder, "--cluster-snapshot", str(snapshot), "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "ca-certificate-id-conflict"]
    assert finding["kept"] == ["zeta/Secret/corp-root"]
    assert "kept out" not in result.output and PRIVATE not in result.output


def test_a_clash_wholly_in_the_cluster_is_a_warning(fake_server, token_kubeconfig, tmp_path):
    objects = live_ca_objects()
    twin = json.loads(json.dumps(objects[0]))
    twin["metadata"]["name"] = "corp-root-copy"
    twin["data"]["cert"] = b64(NEW_CA)
    fake_server.objects.extend(objects + [twin])
    result = run(manifests(tmp_path, ca_cert("other", "1f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5c", NEW_CA, "x")),
                 *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 0, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "ca-certificate-id-conflict"]
    assert finding["severity"] == "warning" and finding["live_only"]
