"""Item 5: a scan writes nothing in the scanned tree and opens no network connection (only
--cluster may)."""
from __future__ import annotations

import hashlib
import os
import shutil
import socket

import pytest

from hostilekit import ROOT, VALID, cli, write
from kongcheck.report import FORMATS


def _snapshot(folder) -> dict:
    """Every entry below ``folder``: type, mode, size, mtime and content digest."""
    state = {}
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = os.path.join(base, name)
            info = os.lstat(path)
            digest = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as stream:
                    digest = hashlib.sha256(stream.read()).hexdigest()
            state[os.path.relpath(path, folder)] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return state


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures", folder / "fixtures", symlinks=True)
    write(folder, "k8s/valid.yaml", VALID)
    write(folder, "k8s/broken.yaml", "kind: Secret\nstringData: {key: [\n")
    write(folder, "k8s/values.yaml", "replicas: 2\n")
    os.symlink("..", folder / "k8s" / "loop")
    return folder


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Make every way of reaching the network fail loudly, and record any attempt."""
    attempts = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise NetworkUsed(f"network used: {name}")
        return blocked

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_scans_write_nothing_in_the_tree_and_use_no_network(tree, tmp_path, no_network, fmt):
    before = _snapshot(tree)
    out = tmp_path / "out" / f"report.{fmt}"
    out.parent.mkdir()
    runs = [
        cli("scan", "--no-config", "--format", fmt, "--output", str(out), str(tree), cwd=tree),
        cli("scan", "--no-config", "--format", fmt, "--verbose", "--parse-all", ".", cwd=tree),
        cli("scan", "--format", fmt, "--show-values", "--fail-on", "warning", "k8s", "fixtures/example", cwd=tree),
        cli("scan", "--no-config", "--format", fmt, "-", cwd=tree, input=VALID),
    ]
    for run in runs:
        assert run.exception is None, run.exception
        assert run.code in (1, 2)
    assert no_network == []
    assert _snapshot(tree) == before
    assert out.stat().st_size > 0


def test_the_network_guard_works(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    assert no_network == ["create_connection"]
