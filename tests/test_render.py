"""kongcheck.sources.render with the real helm and kustomize, and its failure modes."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from k8s_tools import REPO_ROOT
from kongcheck.loading import iter_pieces
from kongcheck.sources.origins import helm_source, kustomize_origin
from kongcheck.sources.render import HelmRequest, RenderError, render_helm, render_kustomize

CHART = "fixtures/helm/gateway-consumers"
COLLISION_VALUES = "fixtures/helm/values-collision.yaml"
SECRET_KEY = "ka-checkout-7d41c0e9b2"  # the colliding key in the fixture values


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)


def list_pieces(data: bytes) -> list[tuple[int, bytes]]:
    return list(iter_pieces(data))


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
    assert all(helm_source(piece) for _, piece in list_pieces(rendered.text.encode()))


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


def chart_folder(tmp_path, monkeypatch, name: str) -> str:
    """An (empty) chart folder NAME in tmp_path, the working folder: render_helm checks it before running helm."""
    (tmp_path / name).mkdir(exist_ok=True)
    (tmp_path / name / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    monkeypatch.chdir(tmp_path)
    return name


def test_helm_stderr_echoing_a_set_value_is_scrubbed(tmp_path, monkeypatch):
    helm = fake_tool(tmp_path, "helm", 'echo "Error: bad value in $*" >&2; exit 1\n')
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "c"), sets=(f"key={SECRET_KEY}",)))
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
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "chart")))
    with pytest.raises(RenderError, match=r"cannot run: neither kustomize nor kubectl was found"):
        render_kustomize(str(tmp_path))
    with pytest.raises(RenderError, match=r"is not a folder"):
        render_kustomize(str(tmp_path / "nope"))


def test_explicit_binary_that_does_not_exist_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("KONGCHECK_HELM", "/nonexistent/helm")
    with pytest.raises(RenderError, match=r"KONGCHECK_HELM=/nonexistent/helm"):
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "chart")))


def test_hanging_render_is_stopped_with_its_children(tmp_path, monkeypatch):
    # The fake helm leaves a grandchild holding stdout; the timeout must still return.
    helm = fake_tool(tmp_path, "helm", "sleep 30 &\nsleep 30\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "slow-chart"), timeout=0.5))
    assert time.monotonic() - started < 10
    assert str(caught.value) == "`helm template slow-chart` did not finish within 0.5 s and was stopped"


def test_binary_that_cannot_start_is_reported(tmp_path, monkeypatch):
    broken = tmp_path / "helm"
    broken.write_text("not a program")
    broken.chmod(0o755)
    monkeypatch.setenv("KONGCHECK_HELM", str(broken))
    with pytest.raises(RenderError, match=r"^`helm template c` could not start: Exec format error"):
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "c")))
    assert os.access(broken, os.X_OK)


def test_klog_style_errors_read_like_plain_ones(tmp_path, monkeypatch):
    # kubectl may report a failure through klog instead of `error: ...`; the message stays readable
    # (a quoted file name stays; other quoted text would be <redacted>).
    klog = ('E1125 08:51:55.060123   4242 run.go:72] "command failed" err="accumulating resources: '
            'lstat /x/missing.yaml: no such file or directory \\"base/s.yaml\\""')
    kubectl = fake_tool(tmp_path, "kubectl", f"printf '%s\\n' '{klog}' >&2\nexit 1\n")
    monkeypatch.setenv("KONGCHECK_KUBECTL", kubectl)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    assert str(caught.value) == (f'`kubectl kustomize {tmp_path}` failed (exit 1): error: accumulating resources: '
                                 'lstat /x/missing.yaml: no such file or directory "base/s.yaml"')


# Item 5: no value from values files, --set, generator literals or env files reaches the error line.
FAILING_TEMPLATE = """\
apiVersion: v1
kind: Secret
metadata:
  name: x
  labels: {konghq.com/credential: key-auth}
stringData:
  key: {{ .Values.key | required "key required" }}
{{ fail (printf "boom %s and %s" .Values.key (index .Values.nested.list 0)) }}
"""


def failing_chart(tmp_path: Path, defaults: str = "") -> Path:
    chart = tmp_path / "badchart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: bad\nversion: 0.1.0\n")
    (chart / "templates" / "s.yaml").write_text(FAILING_TEMPLATE)
    if defaults:
        (chart / "values.yaml").write_text(defaults)
    return chart


def test_helm_values_file_values_never_reach_the_error(k8s_env, tmp_path):
    chart = failing_chart(tmp_path)
    values = tmp_path / "vals.yaml"
    values.write_text("key: LEAKVALFILE\nnested:\n  list: ['leak two words']\n")
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=str(chart), values=(str(values),)))
    message = str(caught.value)
    assert "LEAKVALFILE" not in message and "leak two words" not in message
    assert message.startswith(f"`helm template {chart} --values {values}` failed (exit 1): "
                              "Error: execution error at (bad/templates/s.yaml:8:3): boom <hidden> and <hidden>")


def test_helm_chart_default_values_never_reach_the_error(k8s_env, tmp_path):
    chart = failing_chart(tmp_path, "key: LEAKDEFAULT\nnested: {list: [LEAKLISTED]}\n")
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=str(chart)))
    assert "LEAKDEFAULT" not in str(caught.value) and "LEAKLISTED" not in str(caught.value)
    assert "(bad/templates/s.yaml:8:3): boom <hidden>" in str(caught.value)


def test_helm_quoted_set_text_is_redacted_even_when_short(k8s_env, tmp_path):
    # `--set a=b,xy` makes helm quote "xy" (too short to be scrubbed as a value)
    chart = failing_chart(tmp_path)
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=str(chart), sets=("a=b,xy",)))
    message = str(caught.value)
    assert "xy" not in message.partition("failed")[2]
    assert message.endswith('failed parsing --set data: key "<redacted>" has no value')


@pytest.mark.parametrize("literal", ["LEAKNOEQUALS", "key:LEAKCOLON", "key LEAKSPACE"])
def test_kustomize_generator_literal_typo_is_not_echoed(k8s_env, tmp_path, literal):
    (tmp_path / "kustomization.yaml").write_text(
        f"secretGenerator:\n- name: s\n  literals:\n  - ok=fine\n  - {literal}\n")
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    message = str(caught.value)
    assert "LEAK" not in message
    assert message.startswith(f"`kubectl kustomize {tmp_path}` failed (exit 1): error: ")
    assert "invalid literal source" in message


def test_kustomize_env_file_and_literal_values_are_scrubbed(tmp_path, monkeypatch):
    # a kustomize that echoes the generator inputs: the known values are hidden wherever they appear
    (tmp_path / "kustomization.yaml").write_text(
        "secretGenerator:\n- name: s\n  literals: [k=LEAKLITERAL]\n  envs: [a.env]\n")
    (tmp_path / "a.env").write_text("# comment\nTOKEN=LEAKENVVALUE\nBARE_LEAK_LINE\n")
    kubectl = fake_tool(tmp_path, "kubectl",
                        "echo 'error: bad LEAKLITERAL, LEAKENVVALUE and BARE_LEAK_LINE in a.env' >&2; exit 1\n")
    monkeypatch.setenv("KONGCHECK_KUBECTL", kubectl)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    assert str(caught.value).endswith("error: bad <hidden>, <hidden> and <hidden> in a.env")


def test_a_value_cut_by_the_length_limit_is_still_hidden(tmp_path, monkeypatch):
    secret = "LEAK" + "x" * 60
    helm = fake_tool(tmp_path, "helm", f"printf 'Error: %0120d{secret}%0400d\\n' 0 0 >&2; exit 1\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "c"), sets=(f"k={secret}",)))
    assert "LEAK" not in str(caught.value)


def test_redaction_keeps_file_names_and_keys_and_reads_broken_values_files(tmp_path):
    from kongcheck.sources.render_redact import redact, values_file_values

    good = tmp_path / "good.yaml"
    good.write_text("ingressClass: kong\nkeyAuth: {key: LEAKK}\nenabled: true\nport: 8000\n")
    assert sorted(values_file_values(str(good))) == ["8000", "LEAKK", "kong"]  # no keys, no booleans
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: LEAKBROKEN\nkey: dup\n  bad: [\n")
    assert "LEAKBROKEN" in values_file_values(str(broken))
    text = 'Error: execution error at (kong/templates/s.yaml:8:3): kong says `LEAKK` in "x/values.yaml", "free text"'
    assert redact(text, ["kong", "LEAKK"]) == \
        'Error: execution error at (kong/templates/s.yaml:8:3): <hidden> says `<hidden>` in "x/values.yaml", "<redacted>"'


# The tools' own fixed words and the paths a kustomization names stay in the error line.
def test_helm_keeps_its_dependency_build_hint(k8s_env, tmp_path):
    chart = tmp_path / "umbrella"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n"
                                      "dependencies: [{name: sub, version: 0.1.0, repository: 'file://../sub'}]\n")
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=str(chart)))
    assert str(caught.value) == (
        f"`helm template {chart}` failed (exit 1): Error: an error occurred while checking for chart dependencies. "
        "You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but "
        "missing in charts/ directory: sub")


def test_kustomize_keeps_the_relative_and_resolved_paths_of_a_missing_base(k8s_env, tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("resources: [../base]\n")
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(overlay))
    message = str(caught.value)
    assert "accumulating resources from '../base'" in message
    assert f"evalsymlink failure on '{tmp_path / 'base'}'" in message
    assert "<redacted>" not in message


def test_kustomize_keeps_the_cause_on_its_last_line(k8s_env, tmp_path):
    # kustomize prints the generator's configuration over several lines, then the cause; the
    # configuration (which may hold valuesInline secrets) is redacted as a whole, the cause kept
    (tmp_path / "kustomization.yaml").write_text(
        "helmCharts:\n- name: kong\n  repo: https://charts.konghq.com\n  version: 2.38.0\n"
        "  valuesInline: {env: {password: LEAKINLINE-0042}}\n")
    with pytest.raises(RenderError) as caught:
        render_kustomize(str(tmp_path))
    message = str(caught.value)
    assert "LEAKINLINE" not in message and "charts.konghq.com" not in message
    assert message.endswith("error: trouble configuring builtin HelmChartInflationGenerator with config: "
                            "`<redacted>`: must specify --enable-helm")


def test_warnings_before_the_error_are_left_out_and_every_error_line_kept(tmp_path, monkeypatch):
    helm = fake_tool(tmp_path, "helm", "echo 'walk.go:74: found symbolic link in path: /x' >&2\n"
                                        "echo 'WARNING: this chart is deprecated' >&2\n"
                                        "printf 'Error: first line\\nsecond line\\nthird line\\nthe cause\\n' >&2\n"
                                        "exit 1\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm)
    with pytest.raises(RenderError) as caught:
        render_helm(HelmRequest(chart=chart_folder(tmp_path, monkeypatch, "c")))
    assert str(caught.value) == ("`helm template c` failed (exit 1): Error: first line | second line | third line | "
                                 "the cause")


def test_helm_api_versions_and_kube_version_reach_helm_template(k8s_env, tmp_path):
    chart = tmp_path / "caps"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: caps\nversion: 0.1.0\n")
    (chart / "templates" / "c.yaml").write_text(
        '{{- if .Capabilities.APIVersions.Has "networking.k8s.io/v1/IngressClass" }}\n'
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: kong}\n"
        "spec: {controller: ingress-controllers.konghq.com/kong}\n{{- end }}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-{{ .Capabilities.KubeVersion.Minor }}}\n")
    plain = render_helm(HelmRequest(chart=str(chart)))
    assert "IngressClass" not in plain.text
    rendered = render_helm(HelmRequest(chart=str(chart), api_versions=("networking.k8s.io/v1/IngressClass",),
                                       kube_version="1.29.0"))
    assert "kind: IngressClass" in rendered.text and "name: kube-29" in rendered.text
    assert rendered.command.endswith("--api-versions networking.k8s.io/v1/IngressClass --kube-version 1.29.0")


def helm_v3_face(tmp_path: Path, helm: str) -> str:
    """The real helm, answering `helm version -c --short` as helm v3 does: kustomize v5.7 (inside
    kubectl 1.35) asks so before inflating helmCharts, and helm v4 no longer knows `-c`."""
    return fake_tool(tmp_path, "helm-v3-face", f'if [ "$1" = version ]; then echo v3.19.0+gabc; exit 0; fi\n'
                                               f'exec "{helm}" "$@"\n')


def test_kustomize_enable_helm_inflates_local_charts(k8s_env, tmp_path, monkeypatch):
    from kongcheck.sources.render import KustomizeOptions

    app = tmp_path / "app"
    chart = app / "charts" / "consumers"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: consumers\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("{}\n")  # kustomize's inflator wants one
    (chart / "templates" / "c.yaml").write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata: {name: from-chart}\n"
        'username: {{ if .Capabilities.APIVersions.Has "example.com/v1" }}with-api{{ else }}without{{ end }}\n')
    (app / "kustomization.yaml").write_text("helmCharts: [{name: consumers, releaseName: r}]\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm_v3_face(tmp_path, k8s_env.helm))
    with pytest.raises(RenderError, match="must specify --enable-helm$"):
        render_kustomize(str(app))
    rendered = render_kustomize(str(app), KustomizeOptions(enable_helm=True, helm_api_versions=("example.com/v1",)))
    assert "name: from-chart" in rendered.text and "username: with-api" in rendered.text
    assert rendered.command.endswith(f"kustomize {app} --enable-helm")
