"""`kongcheck scan` on helm and kustomize output, piped and rendered by kongcheck, with the real tools.

Each participant of a finding is shown where a person edits it: the helm template (with
the line in the rendered document and the stream position) or the kustomize origin file
(repo//path?ref= for the remote base), and plain files keep file:line:column.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from k8s_tools import REPO_ROOT
from kongcheck.cli import main
from kongcheck.pipeline import origin_hint

CHART = "fixtures/helm/gateway-consumers"
VALUES = "fixtures/helm/values-collision.yaml"
STAGING = "fixtures/kustomize/overlays/staging"
PROD = "fixtures/kustomize/overlays/prod"
REMOTE = "git@github.com:acme/kong-consumers-base//base/{}?ref=v1.4.0"
# Every credential value in the fixtures: none may appear in any output.
SECRETS = [
    "ka-checkout-7d41c0e9b2", "ka-acme-logistics-93f0aa17", "inventory-sync-issuer", "jwt-inventory-5b8e21f07c",
    "ka-billing-2c71f5d8e4", "billing-batch", "bp-billing-91ad03c6", "reporting-staging-issuer",
    "jwt-reporting-3e9d70b5aa", "ledger-signer", "hm-ledger-6f0b2d94c1", "checkout-legacy-issuer",
    "jwt-checkout-legacy-0a4f9c2e71",
]


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)


def scan(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, ["scan", *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for secret in SECRETS:
        assert secret not in result.stdout and secret not in result.stderr
    return result


def participants(result, rule: str) -> list[dict]:
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]
    assert len(found) == 1, [f["rule"] for f in json.loads(result.stdout)["findings"]]
    return found[0]["resources"]


def render(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120).stdout


def test_piped_helm_output_names_templates_as_in_the_issue(k8s_env):
    stream = render([k8s_env.helm, "template", "edge", CHART, "-f", VALUES])
    result = scan("-", stdin=stream)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "    default/Secret/partner-globex-freight-key-auth  gateway-consumers/charts/partner-portal/templates/" \
           "partners.yaml (rendered doc line 10, <stdin>:24)" in lines
    assert "    default/Secret/checkout-service-key-auth        gateway-consumers/templates/credentials.yaml " \
           "(rendered doc line 14, <stdin>:40)" in lines
    assert origin_hint() not in result.stderr


def test_helm_rendered_by_kongcheck_points_at_template_files_on_disk(k8s_env):
    result = scan("--helm", CHART, "--helm-values", VALUES, "--helm-release", "edge",
                  "--helm-namespace", "storefront", "--format", "json")
    assert result.exit_code == 1
    assert participants(result, "key-auth-key-conflict") == [
        {"kind": "Secret", "namespace": "storefront", "name": "partner-globex-freight-key-auth",
         "file": f"{CHART}/charts/partner-portal/templates/partners.yaml", "line": None, "column": None,
         "source": "helm", "stream": f"helm:{CHART}:24", "detail": "rendered doc line 10"},
        {"kind": "Secret", "namespace": "storefront", "name": "checkout-service-key-auth",
         "file": f"{CHART}/templates/credentials.yaml", "line": None, "column": None,
         "source": "helm", "stream": f"helm:{CHART}:40", "detail": "rendered doc line 14"},
    ]


def test_helm_namespace_places_objects_that_name_none(k8s_env):
    # The subchart writes no metadata.namespace: without --helm-namespace its objects land in
    # `default` (as `kubectl apply` would put them) and the key clash spans two namespaces.
    result = scan("--helm", CHART, "--helm-values", VALUES, "--format", "json")
    names = {f"{r['namespace']}/{r['name']}" for r in participants(result, "key-auth-key-conflict")}
    assert names == {"default/partner-globex-freight-key-auth", "default/checkout-service-key-auth"}
    result = scan("--helm", CHART, "--helm-values", VALUES, "--helm-namespace", "storefront", "--format", "json")
    names = {f"{r['namespace']}/{r['name']}" for r in participants(result, "key-auth-key-conflict")}
    assert names == {"storefront/partner-globex-freight-key-auth", "storefront/checkout-service-key-auth"}


def test_default_values_render_clean(k8s_env):
    result = scan("--helm", CHART, "--helm-namespace", "storefront")
    assert result.exit_code == 0
    assert result.stdout.startswith("no collisions found: ")


def test_kustomize_overlays_collide_across_namespaces_with_origin_files(k8s_env):
    result = scan("--kustomize", STAGING, "--kustomize", PROD, "--format", "json")
    assert result.exit_code == 1
    rules = sorted(f["rule"] for f in json.loads(result.stdout)["findings"])
    assert rules == ["basic-auth-username-conflict", "consumer-custom-id-conflict",
                     "consumer-username-conflict", "key-auth-key-conflict"]
    where = {(r["namespace"], r["file"], r["source"]) for r in participants(result, "key-auth-key-conflict")}
    assert where == {("kong-staging", "fixtures/kustomize/base/credentials.yaml", "kustomize"),
                     ("kong-prod", REMOTE.format("credentials.yaml"), "kustomize")}
    streams = sorted(r["stream"] for r in participants(result, "consumer-username-conflict"))
    assert streams == [f"kustomize:{PROD}:71", f"kustomize:{STAGING}:63"]


def test_kustomize_text_output_lists_each_origin(k8s_env):
    result = scan("--kustomize", STAGING, "--kustomize", PROD)
    assert f"  fixtures/kustomize/base/consumers.yaml (kustomize:{STAGING}:63)" in result.stdout
    assert f"  {REMOTE.format('consumers.yaml')} (kustomize:{PROD}:71)" in result.stdout
    assert "4 findings (4 errors, 0 warnings) in 2 files, 10 documents, 10 Kong resources" in result.stdout


def test_piped_kustomize_output_keeps_origin_paths_as_kustomize_wrote_them(k8s_env):
    stream = render(k8s_env.kustomize_build(STAGING)) + "---\n" + render(k8s_env.kustomize_build(PROD))
    result = scan("-", "--format", "json", stdin=stream)
    files = {r["file"] for r in participants(result, "consumer-username-conflict")}
    assert files == {"../../base/consumers.yaml", REMOTE.format("consumers.yaml")}
    assert origin_hint() not in result.stderr


def test_stream_without_origins_says_once_how_to_enable_them(k8s_env):
    # fixtures/kustomize/base turns no origin annotations on and leaves no other trace: its stream
    # cannot be told from hand-written YAML, whose stream lines are the real lines, so no note.
    base = render(k8s_env.kustomize_build("fixtures/kustomize/base"))
    result = scan("-", "--kustomize", STAGING, stdin=base)
    assert result.exit_code == 1
    assert "  <stdin>:" in result.stdout  # plain stream position, e.g. <stdin>:44:11
    assert "  fixtures/kustomize/base/consumers.yaml (kustomize:" in result.stdout
    assert "stream lines" not in result.stderr
    # helm output without its '# Source:' comments still carries helm's labels: the note, once,
    # without suggesting the --kustomize already in use.
    helm = render([k8s_env.helm, "template", "edge", CHART, "-f", VALUES])
    stripped = "\n".join(line for line in helm.splitlines() if not line.startswith("# Source:")) + "\n"
    result = scan("-", "--kustomize", STAGING, stdin=stripped)
    assert result.exit_code == 1
    assert result.stderr.count(origin_hint(("--helm CHART_DIR", None))) == 1
    assert "--kustomize DIR" not in result.stderr
    assert "buildMetadata: [originAnnotations]" in origin_hint()


def test_chart_and_plain_file_collide_each_with_its_own_location(k8s_env):
    result = scan("fixtures/helm/storefront-legacy", "--helm", CHART, "--helm-namespace", "storefront",
                  "--format", "json")
    assert participants(result, "consumer-username-conflict") == [
        {"kind": "KongConsumer", "namespace": "storefront", "name": "checkout-legacy",
         "file": "fixtures/helm/storefront-legacy/checkout-legacy.yaml", "line": 10, "column": 11,
         "source": "file"},
        {"kind": "KongConsumer", "namespace": "storefront", "name": "checkout-service",
         "file": f"{CHART}/templates/consumers.yaml", "line": None, "column": None, "source": "helm",
         "stream": f"helm:{CHART}:72", "detail": "rendered doc line 13"},
    ]


def test_all_sources_mix_in_one_scan(k8s_env):
    stream = render([k8s_env.helm, "template", "edge", CHART, "-f", VALUES, "-n", "storefront"])
    result = scan("fixtures/helm/storefront-legacy", "-", "--kustomize", STAGING, "--kustomize", PROD,
                  "--helm", CHART, "--helm-namespace", "storefront", "--format", "json", stdin=stream)
    sources = {r["source"] for f in json.loads(result.stdout)["findings"] for r in f["resources"]}
    assert sources == {"file", "helm", "kustomize"}
    assert json.loads(result.stdout)["summary"]["errors"] == 0


def test_failing_render_is_one_error_line_and_the_rest_is_still_scanned(k8s_env):
    result = scan("fixtures/helm/storefront-legacy", "--helm", "fixtures/helm/no-such-chart",
                  "--kustomize", STAGING, "--kustomize", PROD)
    assert result.exit_code == 2
    assert ("error  helm:fixtures/helm/no-such-chart: `helm template fixtures/helm/no-such-chart` cannot run: "
            "fixtures/helm/no-such-chart is not a folder\n") in result.stdout  # checked before helm runs
    assert "4 findings (4 errors, 0 warnings)" in result.stdout


def test_set_values_never_reach_the_output(k8s_env):
    result = scan("--helm", CHART, "--helm-set", "consumers[0].keyAuth=ka-checkout-7d41c0e9b2")
    assert result.exit_code == 2
    assert "--set consumers[0].keyAuth=<hidden>" in result.stdout


def test_hanging_render_exits_2(tmp_path, monkeypatch):
    helm = tmp_path / "helm"
    helm.write_text("#!/bin/sh\nsleep 30\n")
    helm.chmod(0o755)
    monkeypatch.setenv("KONGCHECK_HELM", str(helm))
    result = scan("--helm", CHART, "--render-timeout", "0.5")
    assert result.exit_code == 2
    assert f"`helm template {CHART}` did not finish within 0.5 s and was stopped" in result.stdout


def test_missing_binary_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    for name in ("KONGCHECK_HELM", "KONGCHECK_KUSTOMIZE", "KONGCHECK_KUBECTL"):
        monkeypatch.delenv(name, raising=False)
    result = scan("--kustomize", STAGING)
    assert result.exit_code == 2
    assert f"`kustomize build {STAGING}` cannot run: neither kustomize nor kubectl was found" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--helm-values", VALUES], "need --helm CHART_DIR"),
    (["--helm", CHART, "--helm-set", "novalue"], "--helm-set takes KEY=VALUE"),
])
def test_usage_errors(args, message):
    result = scan(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_python_m_kongcheck_pipes_helm_output(k8s_env):
    # The README's piped form, end to end through a real pipe.
    helm = subprocess.Popen([k8s_env.helm, "template", "edge", CHART, "-f", VALUES], stdout=subprocess.PIPE)
    done = subprocess.run([sys.executable, "-m", "kongcheck", "scan", "-"], stdin=helm.stdout,
                          capture_output=True, text=True, timeout=120)
    helm.wait(timeout=60)
    assert done.returncode == 1, done.stderr
    assert "gateway-consumers/templates/credentials.yaml (rendered doc line 14, <stdin>:40)" in done.stdout


def test_a_chart_folder_met_in_a_walk_is_not_parsed_as_manifests():
    result = scan("fixtures/helm")  # no helm needed: the chart is reported, the plain file is read
    assert result.exit_code == 2, result.stdout
    assert "invalid YAML" not in result.stdout
    assert "fixtures/helm/gateway-consumers/Chart.yaml: not checked: a Helm chart" in result.stdout
    assert result.stderr.count("note: 1 Helm chart met in the scanned folders was not checked.") == 1


def test_no_chart_note_when_the_chart_is_rendered(k8s_env):
    result = scan("fixtures/helm", "--helm", "fixtures/helm/gateway-consumers", "--helm-namespace", "storefront")
    assert result.exit_code == 1
    assert "not checked" not in result.stdout + result.stderr


CAPABLE_CHART = """\
{{- if and (.Capabilities.APIVersions.Has "networking.k8s.io/v1/IngressClass") (semverCompare ">=1.29.0" .Capabilities.KubeVersion.Version) }}
{{- range list "a" "b" }}
---
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: consumer-{{ . }}
  annotations: {kubernetes.io/ingress.class: kong}
username: shared
{{- end }}
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: always}
"""


@pytest.fixture
def capable_chart(tmp_path):
    chart = tmp_path / "capable"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: capable\nversion: 0.1.0\n")
    (chart / "templates" / "consumers.yaml").write_text(CAPABLE_CHART)
    return chart


def test_helm_api_and_kube_versions_from_flags_and_configuration(k8s_env, capable_chart, tmp_path):
    chart = str(capable_chart)
    assert scan("--no-config", "--helm", chart).exit_code == 0  # helm's defaults: no IngressClass API
    flags = ["--helm-api-versions", "networking.k8s.io/v1/IngressClass", "--helm-kube-version", "1.30.0"]
    assert scan("--no-config", "--helm", chart, *flags[:2]).exit_code == 1  # helm's default kube version is new
    assert scan("--no-config", "--helm", chart, *flags[:2], "--helm-kube-version", "1.28.0").exit_code == 0
    config = tmp_path / "kongcheck.yaml"
    config.write_text("helm-api-versions: [networking.k8s.io/v1/IngressClass]\nhelm-kube-version: '1.30.0'\n")
    assert scan("--config", str(config), "--helm", chart).exit_code == 1


def test_render_flags_that_need_a_render_are_usage_errors():
    result = scan("--no-config", "--helm-api-versions", "networking.k8s.io/v1/IngressClass", "fixtures/example")
    assert result.exit_code == 2
    assert "--helm-api-versions and --helm-kube-version need --helm CHART_DIR, --render-roots render or " \
           "--kustomize-enable-helm" in result.stderr


def test_kustomize_enable_helm_from_the_configuration(k8s_env, tmp_path, monkeypatch):
    from test_render import helm_v3_face

    app = tmp_path / "app"
    chart = app / "charts" / "consumers"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: consumers\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("{}\n")
    (chart / "templates" / "c.yaml").write_text(CAPABLE_CHART)
    (app / "kustomization.yaml").write_text("helmCharts: [{name: consumers, releaseName: r}]\n")
    monkeypatch.setenv("KONGCHECK_HELM", helm_v3_face(tmp_path, k8s_env.helm))
    refused = scan("--no-config", "--kustomize", str(app))
    assert refused.exit_code == 2 and "must specify --enable-helm" in refused.stdout
    config = tmp_path / "kongcheck.yaml"
    config.write_text("kustomize-enable-helm: true\nhelm-api-versions: [networking.k8s.io/v1/IngressClass]\n")
    result = scan("--config", str(config), "--kustomize", str(app), "-f", "json")
    assert result.exit_code == 1, result.stdout
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["consumer-username-conflict"]
