"""kongcheck.sources.render with the real helm and kustomize, and its failure modes."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from k8s_tools import REPO_ROOT
from kongcheck.loading import split
from kongcheck.sources.origins import helm_source, kustomize_origin
from kongcheck.sources.render import HelmRequest, RenderError, render_helm, render_kustomize

CHART = "fixtures/helm/gateway-consumers"
COLLISION_VALUES = "fixtures/helm/values-collision.yaml"
SECRET_KEY = "ka-checkout-7d41c0e9b2"  # the colliding key in the fixture values


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)


def objects(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def fake_tool(tmp_path: Path, name: str, script: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_render_helm_runs_helm_template_with_all_options(k8s_env, in_repo):
    request = HelmRequest(chart=CHART, values=(COLLISION_VALUES,), release="edge",
                          namespace="storefront", sets=("ingressClass=kong-edge",))
    rendered = render_helm(request)
    assert rendered.name == f"helm:{CHART}" and rendered.kind == "helm"
    docs = objects(rendered.text)
    # the parent's templates write the release namespace; the subchart's write none
    assert {d["metadata"].get("namespace") for d in docs} == {"storefront", None}
    assert {d["metadata"].get("labels", {}).get("app.kubernetes.io/instance") for d in docs} >= {"edge"}
    classes = {d["metadata"]["name"]: d["metadata"]["annotations"]["kubernetes.io/ingress.class"]
               for d in docs if d["kind"] == "KongConsumer"}
    assert classes == {"checkout-service": "kong-edge", "inventory-sync": "kong-edge",
                       "partner-acme-logistics": "kong", "partner-globex-freight": "kong"}
    assert len([d for d in docs if d["kind"] == "KongConsumer"]) == 4
    assert all(helm_source(piece) for _, piece in split(rendered.text.encode()))


def test_render_kustomize_enables_origin_annotations_and_rebases_paths(k8s_env, in_repo):
    # fixtures/kustomize/base has no buildMetadata of its own: kongcheck turns it on.
    rendered = render_kustomize("fixtures/kustomize/base")
    assert rendered.name == "kustomize:fixtures/kustomize/base"
    found = {d["metadata"]["name"]: kustomize_origin(d["metadata"]["annotations"], rendered.kustomize_root)
             for d in objects(rendered.text)}
    assert found["billing-api"].path == "fixtures/kustomize/base/consumers.yaml"
    assert found["billing-api-key-auth"].path == "fixtures/kustomize/base/credentials.yaml"


def test_render_kustomize_overlay_with_local_remote_and_generated_objects(k8s_env, in_repo):
    rendered = render_kustomize("fixtures/kustomize/overlays/prod/")
    found = {d["metadata"]["name"]: kustomize_origin(d["metadata"]["annotations"], rendered.kustomize_root)
             for d in objects(rendered.text)}
    assert found["ledger-export"].path == "fixtures/kustomize/overlays/prod/ledger-export.yaml"
    assert found["billing-api"].where() == \
        "git@github.com:acme/kong-consumers-base//base/consumers.yaml?ref=v1.4.0"
    assert found["ledger-export-hmac"].where() == \
        "SecretGenerator in fixtures/kustomize/overlays/prod/kustomization.yaml"


def test_render_kustomize_absolute_folder_gives_absolute_origin(k8s_env):
    target = str(REPO_ROOT / "fixtures" / "kustomize" / "overlays" / "staging")
    rendered = render_kustomize(target)
    paths = {kustomize_origin(d["metadata"]["annotations"], rendered.kustomize_root).path
             for d in objects(rendered.text)}
    assert paths == {str(REPO_ROOT / "fixtures/kustomize/base/credentials.yaml"),
                     str(REPO_ROOT / "fixtures/kustomize/base/consumers.yaml"),
                     f"{target}/reporting-consumer.yaml"}


def test_render_kustomize_uses_kubectl_when_no_standalone_kustomize(k8s_env, in_repo, monkeypatch):
    monkeypatch.delenv("KONGCHECK_KUSTOMIZE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    rendered = render_kustomize("fixtures/kustomize/overlays/staging")
    assert rendered.command == "kubectl kustomize fixtures/kustomize/overlays/staging"


def test_failing_helm_render_names_command_and_stderr_without_set_values(k8s_env, in_repo):
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=CHART, sets=(f"consumers[0].keyAuth={SECRET_KEY}",)))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"`helm template {CHART} --set consumers[0].keyAuth=<hidden>` failed (exit 1):")
    assert "can't evaluate field key" in message
    assert SECRET_KEY not in message


def test_helm_stderr_echoing_a_set_value_is_scrubbed(tmp_path, monkeypatch):
    helm = fake_tool(tmp_path, "helm", 'echo "Error: bad value in $*" >&2; exit 1\n')
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart="c", sets=(f"key={SECRET_KEY}",)))
    assert SECRET_KEY not in str(caught.value)
    assert "Error: bad value in template c --set key=<hidden>" in str(caught.value)


def test_failing_kustomize_render_names_the_users_folder(k8s_env, tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    message = str(caught.value)
    assert message.startswith(f"`kubectl kustomize {tmp_path}` failed (exit 1): error: accumulating resources")
    assert "kongcheck-kustomize-" not in message  # the temporary wrapper is not shown
    assert "missing.yaml" in message


def test_missing_binaries_give_a_clear_error(monkeypatch, tmp_path):
    for name in ("KONGCHECK_HELM", "KONGCHECK_KUSTOMIZE", "KONGCHECK_KUBECTL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match=r"^`helm template chart` cannot run: helm was not found"):
        render_helm(HelmRequest(chart="chart"))
    with pytest.raises(RenderError, match=r"cannot run: neither kustomize nor kubectl was found"):
        render_kustomize(str(tmp_path))
    with pytest.raises(RenderError, match=r"is not a folder"):
        render_kustomize(str(tmp_path / "nope"))


def test_explicit_binary_that_does_not_exist_is_reported(monkeypatch):
    monkeypatch.setenv("KONGCHECK_HELM", "/nonexistent/helm")
    with pytest.raises(RenderError, match=r"KONGCHECK_HELM=/nonexistent/helm"):
        render_helm(HelmRequest(chart="chart"))


def test_hanging_render_is_stopped_with_its_children(tmp_path, monkeypatch):
    # The fake helm leaves a grandchild holding stdout; the timeout must still return.
    helm = fake_tool(tmp_path, "helm", "sleep 30 &\nsleep 30\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart="slow-chart", timeout=0.5))
    assert time.monotonic() - started < 10
    assert str(caught.value) == "`helm template slow-chart` did not finish within 0.5 s and was stopped"


def test_binary_that_cannot_start_is_reported(tmp_path, monkeypatch):
    broken = tmp_path / "helm"
    broken.write_text("not a program")
    broken.chmod(0o755)
    monkeypatch.setenv("KONGCHECK_HELM", str(broken))
    with pytest.raises(RenderError, match=r"^`helm template c` could not start: Exec format error"):
        render_helm(HelmRequest(chart="c"))
    assert os.access(broken, os.X_OK)


def test_klog_style_errors_read_like_plain_ones(tmp_path, monkeypatch):
    # kubectl may report a failure through klog instead of `error: ...`; the message stays readable.
    klog = ('E1125 08:51:55.060123   4242 run.go:72] "command failed" err="accumulating resources: '
            'lstat /x/missing.yaml: no such file or directory \\"quoted\\""')
    kubectl = fake_tool(tmp_path, "kubectl", f"printf '%s\\n' '{klog}' >&2\nexit 1\n")
    monkeypatch.setenv("KONGCHECK_KUBECTL", kubectl)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    assert str(caught.value) == (f'`kubectl kustomize {tmp_path}` failed (exit 1): error: accumulating resources: '
                                 'lstat /x/missing.yaml: no such file or directory "quoted"')
