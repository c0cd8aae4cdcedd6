"""Fixtures: the loopback fake API server, test certificates and kubeconfig files."""

from __future__ import annotations

import copy
import socket
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from kube_fake import FakeApiServer  # noqa: E402
from kube_helpers import TOKEN, make_pki, server_tls, write_kubeconfig  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def live_objects_master() -> list[dict]:
    with open(DATA / "live_objects.yaml", encoding="utf-8") as handle:
        return [d for d in yaml.safe_load_all(handle) if d]


@pytest.fixture
def live_objects(live_objects_master) -> list[dict]:
    return copy.deepcopy(live_objects_master)


@pytest.fixture
def isolated_env(monkeypatch, tmp_path):
    """No KUBECONFIG, an empty HOME and no in-cluster variables, so nothing real is read."""
    for name in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                 "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def fake_server(live_objects, isolated_env):
    """Plain-HTTP fake API server requiring bearer TOKEN."""
    server = FakeApiServer(live_objects, token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def token_kubeconfig(tmp_path, fake_server) -> Path:
    return write_kubeconfig(tmp_path / "kubeconfig", fake_server.url, {"token": TOKEN})


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> dict:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(live_objects, isolated_env, pki):
    """HTTPS fake API server that authenticates by client certificate only."""
    server = FakeApiServer(live_objects, tls=server_tls(pki, require_client_cert=True)).start()
    yield server
    server.stop()


@pytest.fixture
def tls_token_server(live_objects, isolated_env, pki):
    """HTTPS fake API server with bearer TOKEN (no client certificate)."""
    server = FakeApiServer(live_objects, token=TOKEN, tls=server_tls(pki, require_client_cert=False)).start()
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
