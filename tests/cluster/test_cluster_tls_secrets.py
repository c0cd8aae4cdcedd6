"""TLS Secrets from the cluster and from snapshots: fetched only when something names them, reduced to
their certificate and a marker for the key, and compared with the manifests' TLS claims."""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import yaml
from test_cluster_cli import live_args, manifests, run

from kongcheck.sources.cluster import fetch_live_objects, load_snapshot_located
from kongcheck.sources.kube.reduce import reduce_secret

sys.path.insert(0, str(Path(__file__).parent.parent))
from pki import certificate, private_key  # noqa: E402
from rules.test_rule_tls_hosts import tcp, tls_secret  # noqa: E402

LIVE_CERT, NEW_CERT = certificate("live db", ca=False), certificate("new db", ca=False)
LIVE_KEY = private_key("live db")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def live_objects() -> list[dict]:
    meta = {"namespace": "data", "creationTimestamp": "2025-05-01T08:00:00Z"}
    return [
        {"apiVersion": "configuration.konghq.com/v1beta1", "kind": "TCPIngress",
         "metadata": {"name": "db-live", "annotations": {"kubernetes.io/ingress.class": "kong"}, **meta},
         "spec": {"rules": [{"port": 9000, "backend": {"serviceName": "pg", "servicePort": 5432}}],
                  "tls": [{"hosts": ["db.example.com"], "secretName": "db-live-cert"}]}},
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "db-live-cert", **meta},
         "data": {"tls.crt": b64(LIVE_KEY + LIVE_CERT), "tls.key": b64(LIVE_KEY), "note": b64("kept out")}},
        {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "unnamed", **meta},
         "data": {"tls.crt": b64(LIVE_CERT), "tls.key": b64(LIVE_KEY)}},
    ]


def test_a_tls_secret_keeps_its_certificate_blocks_and_only_a_marker_for_its_key():
    reduced = reduce_secret(live_objects()[1])
    assert sorted(reduced["data"]) == ["tls.crt", "tls.key"]
    kept = base64.b64decode(reduced["data"]["tls.crt"]).decode()
    assert kept.strip() == LIVE_CERT.strip()  # a key written into tls.crt is dropped too
    assert LIVE_KEY.splitlines()[1] not in json.dumps(reduced) and b64(LIVE_KEY) not in json.dumps(reduced)


def test_an_opaque_secret_keeps_no_tls_data_unless_something_names_it():
    opaque = {**live_objects()[1], "type": "Opaque"}
    assert reduce_secret(opaque)["data"] == {}
    assert sorted(reduce_secret(opaque, tls_secret=True)["data"]) == ["tls.crt", "tls.key"]


def test_only_the_secrets_a_tcp_ingress_names_are_fetched(fake_server, token_kubeconfig):
    fake_server.objects.extend(live_objects())
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    names = sorted((o["kind"], o["metadata"]["name"]) for o in objects if o["metadata"].get("namespace") == "data")
    assert names == [("Secret", "db-live-cert"), ("TCPIngress", "db-live")]
    assert "/api/v1/namespaces/data/secrets/db-live-cert" in fake_server.paths()
    assert not any(path.endswith("/secrets/unnamed") for path in fake_server.paths())
    assert LIVE_KEY.splitlines()[1] not in json.dumps(objects)


def test_a_new_tcp_ingress_with_another_certificate_for_a_live_host(fake_server, token_kubeconfig, tmp_path):
    fake_server.objects.extend(live_objects())
    folder = manifests(tmp_path, tls_secret("db-new-cert", "new db", namespace="data"),
                       tcp("a-db-new", "db-new-cert", "db.example.com", namespace="data"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "tls-host-conflict"]
    assert (finding["kept"], finding["dropped"]) == (["data/TCPIngress/db-live"], ["data/TCPIngress/a-db-new"])
    assert {r["source"] for r in finding["resources"]} == {"cluster", "file"}
    assert LIVE_KEY.splitlines()[1] not in result.output


def test_the_same_certificate_live_and_new_is_no_conflict(fake_server, token_kubeconfig, tmp_path):
    fake_server.objects.extend(live_objects())
    folder = manifests(tmp_path, tls_secret("db-copy", "live db", namespace="data"),
                       tcp("a-db-new", "db-copy", "db.example.com", namespace="data"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert [f for f in json.loads(result.output)["findings"] if f["rule"] == "tls-host-conflict"] == []


def test_the_same_from_a_snapshot(tmp_path):
    snapshot = tmp_path / "live.yaml"
    snapshot.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": live_objects()}))
    located = load_snapshot_located(str(snapshot))
    assert sorted(o["metadata"]["name"] for o, _ in located) == ["db-live", "db-live-cert"]
    folder = manifests(tmp_path, tls_secret("db-new-cert", "new db", namespace="data"),
                       tcp("a-db-new", "db-new-cert", "db.example.com", namespace="data"))
    result = run(folder, "--cluster-snapshot", str(snapshot), "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "tls-host-conflict"]
    assert finding["kept"] == ["data/TCPIngress/db-live"]
    assert "kept out" not in result.output and LIVE_KEY.splitlines()[1] not in result.output


def test_a_conflict_wholly_in_the_cluster_is_a_warning(fake_server, token_kubeconfig, tmp_path):
    objects = live_objects()
    twin = json.loads(json.dumps(objects[0]))
    twin["metadata"]["name"] = "db-live-2"
    twin["spec"]["tls"][0]["secretName"] = "unnamed-2"
    fake_server.objects.extend(objects)
    fake_server.objects.append(twin)
    result = run(manifests(tmp_path, tls_secret("x", "new db", namespace="data")), *live_args(token_kubeconfig),
                 "-f", "json")
    assert result.exit_code == 0, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "tls-host-conflict"]
    assert finding["severity"] == "warning" and finding["live_only"]


def live_ingress(name: str, secret: str, host: str = "shop.example.com") -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "data", "creationTimestamp": "2025-05-01T08:00:00Z",
                         "annotations": {"kubernetes.io/ingress.class": "kong"}},
            "spec": {"tls": [{"hosts": [host], "secretName": secret}],
                     "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                         "service": {"name": "shop", "port": {"number": 80}}}}]}}]}}


def test_a_new_ingress_with_another_certificate_for_a_live_ingress_host(fake_server, token_kubeconfig, tmp_path):
    live_secret = {**live_objects()[1], "metadata": {"name": "shop-cert", "namespace": "data"}}
    fake_server.objects.extend([live_ingress("z-shop", "shop-cert"), live_secret])
    new = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a-shop\n  namespace: data\n"
           "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  tls:\n  - hosts: [shop.example.com]\n"
           "    secretName: shop-cert-2026\n")
    folder = manifests(tmp_path, tls_secret("shop-cert-2026", "new db", namespace="data"), new)
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "tls-host-conflict"]
    assert (finding["kept"], finding["dropped"]) == (["data/Ingress/z-shop"], ["data/Ingress/a-shop"])
    assert "/api/v1/namespaces/data/secrets/shop-cert" in fake_server.paths()
    assert LIVE_KEY.splitlines()[1] not in result.output
