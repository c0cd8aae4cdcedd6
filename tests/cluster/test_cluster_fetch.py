"""fetch_live_objects against the loopback fake API server: what is read, how, and what is kept."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from kube_fake import FakeApiServer
from kube_helpers import TOKEN, write_kubeconfig

from kongcheck.facts.tls import KEY_PRESENT
from kongcheck.sources.cluster import fetch_live_objects

# Values in the recorded objects that kongcheck must never keep (nor their base64 form).
SECRET_VALUES = [
    "ALICE-Pa55w0rd-live", "BOB-private-note-zz", "BOB-jwt-hmac-secret-77",
    "PAYMENTS-client-secret-42", "UNRELATED-cert-material", "UNRELATED-private-key",
]


def by_name(objects):
    return {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in objects}


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_reads_every_kind_read_only_with_the_token(fake_server, token_kubeconfig):
    context, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    assert context == "kind-test"
    found = by_name(objects)
    assert ("KongConsumer", "team-a", "alice") in found
    assert ("KongConsumerGroup", "team-a", "gold") in found
    assert ("KongVault", None, "aws-vault") in found
    assert {k[2] for k in found if k[0] == "Secret"} == {
        "alice-key", "alice-basic", "bob-jwt", "payments-oauth", "bob-legacy-key"}
    assert all(r["method"] == "GET" for r in fake_server.requests)
    assert all(r["authorization"] == f"Bearer {TOKEN}" for r in fake_server.requests)
    secret_lists = [r for r in fake_server.requests if r["path"] == "/api/v1/secrets"]
    assert sorted({r["query"]["labelSelector"] for r in secret_lists}) == [  # never every Secret
        "konghq.com/ca-cert=true", "konghq.com/credential"]
    config_lists = [r for r in fake_server.requests if r["path"] == "/api/v1/configmaps"]
    assert config_lists and all(r["query"]["labelSelector"] == "konghq.com/ca-cert=true" for r in config_lists)


def test_objects_keep_the_fields_kongcheck_needs(fake_server, token_kubeconfig):
    found = by_name(fetch_live_objects(kubeconfig=str(token_kubeconfig))[1])
    alice = found[("KongConsumer", "team-a", "alice")]
    assert alice["apiVersion"] == "configuration.konghq.com/v1"
    assert alice["username"] == "alice" and alice["credentials"] == ["alice-key", "alice-basic"]
    assert alice["consumerGroups"] == ["gold"]
    assert alice["metadata"]["annotations"] == {"kubernetes.io/ingress.class": "kong"}
    assert alice["metadata"]["creationTimestamp"] == "2025-03-02T10:11:12Z"
    assert "managedFields" not in alice["metadata"] and "uid" not in alice["metadata"]
    vault = found[("KongVault", None, "aws-vault")]
    assert vault["spec"]["prefix"] == "aws-secrets" and "namespace" not in vault["metadata"]
    assert found[("KongConsumerGroup", "team-a", "gold")]["spec"] == {"name": "gold-tier"}


def test_secrets_are_reduced_to_type_and_unique_field(fake_server, token_kubeconfig):
    objects = fetch_live_objects(kubeconfig=str(token_kubeconfig))[1]
    found = by_name(objects)
    assert found[("Secret", "team-a", "alice-key")]["data"] == {"key": b64("ALICE-live-key-9f8e7d")}
    assert found[("Secret", "team-a", "alice-basic")]["data"] == {"username": b64("alice-basic-user")}
    assert found[("Secret", "team-b", "bob-jwt")]["data"] == {"key": b64("bob-jwt-issuer")}
    assert found[("Secret", "team-b", "payments-oauth")]["data"] == {"client_id": b64("payments-client")}
    legacy = found[("Secret", "team-b", "bob-legacy-key")]
    assert legacy["data"] == {"kongCredType": b64("key-auth"), "key": b64("BOB-legacy-key-5c4b3a")}
    assert found[("Secret", "team-a", "alice-key")]["metadata"]["labels"] == {"konghq.com/credential": "key-auth"}
    dump = json.dumps(objects)
    for value in SECRET_VALUES:
        assert value not in dump and b64(value) not in dump
    assert "last-applied-configuration" not in dump


def test_legacy_secrets_only_where_a_consumer_names_them(fake_server, token_kubeconfig):
    fetch_live_objects(kubeconfig=str(token_kubeconfig))
    gets = [r["path"] for r in fake_server.requests if "/secrets/" in r["path"]]
    # bob names bob-legacy-key (unlabelled), bob-jwt (labelled: already listed) and gone-secret (absent)
    assert gets == ["/api/v1/namespaces/team-b/secrets/bob-legacy-key",
                    "/api/v1/namespaces/team-b/secrets/gone-secret"]
    assert not any("ingress-tls" in p for p in fake_server.paths())


def test_referenced_secrets_from_manifests_are_fetched(fake_server, token_kubeconfig):
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig),
                                    referenced_secrets={("team-b", "ingress-tls"), ("team-a", "alice-key")})
    tls = by_name(objects)[("Secret", "team-b", "ingress-tls")]
    # its tls.crt holds no certificate block, and its key is only said to be there
    assert list(tls["data"]) == ["tls.key"] and tls["type"] == "kubernetes.io/tls"
    assert base64.b64decode(tls["data"]["tls.key"]).decode() == KEY_PRESENT
    gets = [p for p in fake_server.paths() if "/secrets/" in p]
    assert "/api/v1/namespaces/team-b/secrets/ingress-tls" in gets
    assert "/api/v1/namespaces/team-a/secrets/alice-key" not in gets  # labelled: listed already


def test_pagination_follows_continue_tokens(fake_server, token_kubeconfig):
    for i in range(7):
        fake_server.objects.append({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                                    "metadata": {"name": f"bulk-{i}", "namespace": "bulk"}, "username": f"bulk-{i}"})
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), page_size=3)
    consumers = [o["metadata"]["name"] for o in objects if o["kind"] == "KongConsumer"]
    assert len(consumers) == 10 and len(set(consumers)) == 10
    pages = [r for r in fake_server.requests if r["path"].endswith("/kongconsumers")]
    assert len(pages) == 4
    assert [("continue" in r["query"]) for r in pages] == [False, True, True, True]
    assert all(r["query"]["limit"] == "3" for r in pages)


def test_default_page_size_is_500(fake_server, token_kubeconfig):
    for i in range(1100):
        fake_server.objects.append({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                                    "metadata": {"name": f"c{i:04d}", "namespace": "big"}, "username": f"u{i}"})
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    assert sum(o["kind"] == "KongConsumer" for o in objects) == 1103
    pages = [r for r in fake_server.requests if r["path"].endswith("/kongconsumers")]
    assert [r["query"]["limit"] for r in pages] == ["500", "500", "500"]


def test_expired_continue_token_falls_back_to_a_full_list(fake_server, token_kubeconfig):
    fake_server.expire_continue = 1
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), page_size=2)
    consumers = sorted(o["metadata"]["name"] for o in objects if o["kind"] == "KongConsumer")
    assert consumers == ["alice", "bob", "carol"]  # nothing lost, nothing twice
    pages = [r["query"] for r in fake_server.requests if r["path"].endswith("/kongconsumers")]
    assert pages[0] == {"limit": "2"} and "continue" in pages[1]
    assert pages[2] == {}  # the full list: no limit, no continue


def test_namespaces_limit_namespaced_kinds(fake_server, token_kubeconfig):
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), namespaces=["team-a"],
                                    referenced_secrets={("team-b", "ingress-tls")})
    kinds = {(o["kind"], o["metadata"].get("namespace")) for o in objects}
    assert ("KongVault", None) in kinds  # cluster-scoped: always read
    assert all(ns in (None, "team-a") for _, ns in kinds)
    paths = set(fake_server.paths())
    assert "/apis/configuration.konghq.com/v1/namespaces/team-a/kongconsumers" in paths
    assert "/api/v1/namespaces/team-a/secrets" in paths
    assert "/apis/configuration.konghq.com/v1alpha1/kongvaults" in paths
    assert not any("team-b" in p for p in paths)


def test_repeated_namespaces_are_listed_once(fake_server, token_kubeconfig):
    fetch_live_objects(kubeconfig=str(token_kubeconfig), namespaces=["team-b", "team-a", "team-b"])
    lists = [p for p in fake_server.paths() if p.endswith("/kongconsumers")]
    assert lists == ["/apis/configuration.konghq.com/v1/namespaces/team-a/kongconsumers",
                     "/apis/configuration.konghq.com/v1/namespaces/team-b/kongconsumers"]


def test_context_flag_and_kubeconfig_env(fake_server, tmp_path, monkeypatch):
    other = FakeApiServer([], token="other").start()
    try:
        first = write_kubeconfig(tmp_path / "a", other.url, {"token": "other"}, context="staging")
        second = write_kubeconfig(tmp_path / "b", fake_server.url, {"token": TOKEN}, context="prod")
        monkeypatch.setenv("KUBECONFIG", f"{first}:{tmp_path / 'missing'}:{second}")
        context, objects = fetch_live_objects()
        assert context == "staging" and objects == []  # first file's current-context wins, as in kubectl
        context, objects = fetch_live_objects(context="prod")
        assert context == "prod" and len(objects) == 10
    finally:
        other.stop()


def test_importing_the_module_does_not_load_the_client():
    code = ("import sys, kongcheck.sources.cluster; "
            "print(any(m == 'kubernetes' or m.startswith('kubernetes.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"


def test_ingress_class_is_read_when_named(fake_server, token_kubeconfig):
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), ingress_class="kong")
    (klass,) = [o for o in objects if o["kind"] == "IngressClass"]
    assert klass["apiVersion"] == "networking.k8s.io/v1"
    assert klass["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"}
    assert fake_server.paths()[-1] == "/apis/networking.k8s.io/v1/ingressclasses/kong"
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), ingress_class="other")
    assert not any(o["kind"] == "IngressClass" for o in objects)  # 404: no such class
