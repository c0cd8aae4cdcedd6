"""Credentials real clusters use: client certs with a custom CA, exec plugins, in-cluster config."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from kube_helpers import TOKEN, pem_b64, write_kubeconfig

from kongcheck.sources import cluster as cluster_module
from kongcheck.sources.cluster import ClusterError, fetch_live_objects
from kongcheck.sources.kube import connect as connect_module


def client_cert_user(pki) -> dict:
    return {"client-certificate-data": pem_b64(pki["client_cert_pem"]),
            "client-key-data": pem_b64(pki["client_key_pem"])}


def test_client_certificate_over_tls_with_custom_ca(tls_server, pki, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", tls_server.url, client_cert_user(pki),
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    context, objects = fetch_live_objects(kubeconfig=str(config))
    assert context == "kind-test" and len(objects) == 10
    assert tls_server.url.startswith("https://127.0.0.1:")
    assert all(r["authorization"] is None for r in tls_server.requests)


def test_ca_file_path_relative_to_the_kubeconfig(tls_server, pki, tmp_path):
    (tmp_path / "ca.crt").write_bytes(pki["server_ca_pem"])
    config = write_kubeconfig(tmp_path / "kc", tls_server.url, client_cert_user(pki),
                              cluster={"certificate-authority": "ca.crt"})
    assert len(fetch_live_objects(kubeconfig=str(config))[1]) == 10


def test_wrong_ca_is_a_tls_error(tls_server, pki, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", tls_server.url, client_cert_user(pki),
                              cluster={"certificate-authority-data": pem_b64(pki["other_ca_pem"])})
    with pytest.raises(ClusterError) as info:
        fetch_live_objects(kubeconfig=str(config))
    message = str(info.value)
    assert message.startswith(f"TLS with the API server {tls_server.url} (context 'kind-test') failed")
    assert "certificate verify failed" in message and "certificate-authority" in message
    assert tls_server.requests == []


def test_missing_client_certificate_is_refused(tls_server, pki, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", tls_server.url, {"token": "not-enough"},
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    with pytest.raises(ClusterError) as info:
        fetch_live_objects(kubeconfig=str(config))
    assert "(context 'kind-test')" in str(info.value)
    assert tls_server.requests == []


def write_plugin(path: Path, status: dict, exit_code: int = 0) -> Path:
    credential = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": status}
    path.write_text(
        "import json, os, sys\n"
        "info = json.loads(os.environ['KUBERNETES_EXEC_INFO'])\n"
        "assert info['kind'] == 'ExecCredential'\n"
        f"if {exit_code}:\n"
        "    sys.stderr.write('token expired: run aws sso login\\n')\n"
        f"    sys.exit({exit_code})\n"
        f"print(json.dumps({credential!r}))\n"
    )
    return path


def exec_user(script: Path) -> dict:
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                     "args": [str(script)], "interactiveMode": "Never"}}


def test_exec_credential_plugin_token(tls_token_server, pki, tmp_path):
    script = write_plugin(tmp_path / "plugin.py", {"token": TOKEN, "expirationTimestamp": "2099-01-01T00:00:00Z"})
    config = write_kubeconfig(tmp_path / "kc", tls_token_server.url, exec_user(script), context="eks",
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    context, objects = fetch_live_objects(kubeconfig=str(config))
    assert context == "eks" and len(objects) == 10
    assert {r["authorization"] for r in tls_token_server.requests} == {f"Bearer {TOKEN}"}


def test_exec_credential_plugin_client_certificate(tls_server, pki, tmp_path):
    status = {"clientCertificateData": pki["client_cert_pem"].decode(),
              "clientKeyData": pki["client_key_pem"].decode()}
    script = write_plugin(tmp_path / "plugin.py", status)
    config = write_kubeconfig(tmp_path / "kc", tls_server.url, exec_user(script),
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    assert len(fetch_live_objects(kubeconfig=str(config))[1]) == 10


def test_failing_exec_plugin_is_reported(tls_token_server, pki, tmp_path):
    script = write_plugin(tmp_path / "plugin.py", {}, exit_code=3)
    config = write_kubeconfig(tmp_path / "kc", tls_token_server.url, exec_user(script), context="eks",
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    with pytest.raises(ClusterError) as info:
        fetch_live_objects(kubeconfig=str(config))
    assert str(info.value) == ("the exec credential plugin of context 'eks' failed: "
                               "exec: process returned 3. token expired: run aws sso login")
    assert tls_token_server.requests == []


@pytest.fixture
def service_account(tmp_path, monkeypatch, pki, tls_token_server):
    """A pod's view: KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA, in a temp dir."""
    sa_dir = tmp_path / "serviceaccount"
    sa_dir.mkdir()
    (sa_dir / "token").write_text(TOKEN)
    (sa_dir / "ca.crt").write_bytes(pki["server_ca_pem"])
    monkeypatch.setattr(connect_module, "SERVICE_ACCOUNT_DIR", str(sa_dir))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", tls_token_server.url.rsplit(":", 1)[1])
    return sa_dir


def test_in_cluster_service_account(service_account, tls_token_server):
    context, objects = fetch_live_objects()
    assert context == "in-cluster" and len(objects) == 10
    assert tls_token_server.requests[0]["authorization"].lower() == f"bearer {TOKEN}"


def test_in_cluster_without_token_file(service_account):
    (service_account / "token").unlink()
    with pytest.raises(ClusterError) as info:
        fetch_live_objects()
    assert "in-cluster service-account config unusable" in str(info.value)
    assert "token file does not exist" in str(info.value).lower()


def test_kubeconfig_wins_over_in_cluster(service_account, fake_server, token_kubeconfig, tls_token_server):
    context, _ = fetch_live_objects(kubeconfig=str(token_kubeconfig))
    assert context == "kind-test" and tls_token_server.requests == [] and fake_server.requests


def test_fetch_writes_nothing(fake_server, token_kubeconfig, tmp_path, monkeypatch):
    """No file is created in the working directory and the kubeconfig is left as it was."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    before = token_kubeconfig.read_bytes()
    cluster_module.fetch_live_objects(kubeconfig=str(token_kubeconfig))
    assert list(scratch.iterdir()) == []
    assert token_kubeconfig.read_bytes() == before
