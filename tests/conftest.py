"""Shared fixtures. The k8s ones give the real helm and kustomize (see tests/k8s_tools.py)."""

from __future__ import annotations

import pytest

import k8s_tools as k8s

_UNAVAILABLE: list[str] = []


@pytest.fixture(scope="session")
def k8s_tools() -> k8s.K8sTools:
    """Real helm + kubectl/kustomize. In CI (CI=true) their absence fails; elsewhere it skips."""
    try:
        return k8s.locate()
    except k8s.ToolsUnavailable as exc:
        message = f"real helm/kustomize unavailable: {exc}"
        if k8s.in_ci():
            pytest.fail(f"{message} (CI=true, so these tests must not be skipped)", pytrace=False)
        _UNAVAILABLE.append(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def remote_base_env(tmp_path_factory) -> dict[str, str]:
    """Git settings that make the prod overlay's git@github.com base a local repository."""
    return k8s.make_remote_base(tmp_path_factory.mktemp("remote"))


@pytest.fixture
def k8s_env(k8s_tools, remote_base_env, monkeypatch) -> k8s.K8sTools:
    """Point kongcheck (and any subprocess) at the real tools and the offline remote base."""
    for name, value in {**k8s_tools.env(), **remote_base_env}.items():
        monkeypatch.setenv(name, value)
    return k8s_tools


def pytest_terminal_summary(terminalreporter):
    if _UNAVAILABLE:
        terminalreporter.write_sep("!", "helm/kustomize tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_UNAVAILABLE[0])
        terminalreporter.write_line("install them with: python tools/install-k8s-tools")
