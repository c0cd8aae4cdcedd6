"""The command line's notes and usage errors: the stdin origin note, --helm on a non-chart, a repeated '-',
and one style (`Error: ...`, exit 2) for usage-type problems."""
from __future__ import annotations

import re

import pytest

from kchelp import ROOT, cli
from kongcheck.pipeline import origin_hint
from kongcheck.sources.traces import looks_rendered

CONSUMERS = (ROOT / "fixtures" / "example" / "consumers.yaml").read_text()


def helm_like(text: str) -> str:
    """The hand-written stream with helm's labels on every object (as helm template writes them,
    minus the '# Source:' comments that would give the findings an origin)."""
    return re.sub(r"(?m)^metadata:\n", "metadata:\n  labels:\n    helm.sh/chart: consumers-0.1.0\n"
                                       "    app.kubernetes.io/managed-by: Helm\n", text)


def test_hand_written_yaml_on_stdin_gets_no_origin_note():
    run = cli("scan", "--no-config", "-", input=CONSUMERS)
    assert run.code == 1 and "  <stdin>:" in run.stdout
    assert "stream lines" not in run.stderr


def test_rendered_looking_stdin_gets_the_note_once():
    run = cli("scan", "--no-config", "-", input=helm_like(CONSUMERS))
    assert run.code == 1
    assert run.stderr.count(origin_hint()) == 1


def test_origin_note_never_suggests_a_flag_in_use():
    run = cli("scan", "--no-config", "-", "--helm", "fixtures/helm/nope", input=helm_like(CONSUMERS))
    note = [line for line in run.stderr.splitlines() if "stream lines" in line]
    assert note == [origin_hint((None, "--kustomize DIR"))]
    assert "--helm" not in note[0] and "--kustomize DIR" in note[0]
    assert "--helm" not in origin_hint((None, None)) and "--kustomize" not in origin_hint((None, None))


@pytest.mark.parametrize("text, rendered", [
    ("metadata:\n  labels:\n    helm.sh/chart: x-1\n", True),
    ("metadata:\n  labels:\n    app.kubernetes.io/managed-by: Helm\n", True),
    ("metadata:\n  labels:\n    app.kubernetes.io/managed-by: kustomize-v5.4.3\n", True),
    ("metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: a.yaml\n", True),
    ("metadata:\n  annotations:\n    kustomize.config.k8s.io/id: x\n", True),
    ("# Source: chart/templates/a.yaml\nkind: Secret\n", True),
    ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n", False),
    ("metadata:\n  labels:\n    app.kubernetes.io/managed-by: argocd\n", False),
    (CONSUMERS, False),
])
def test_render_traces(text, rendered):
    assert looks_rendered(text.encode()) is rendered


@pytest.mark.parametrize("chart, why", [
    ("fixtures/helm/nope", "fixtures/helm/nope is not a folder"),
    ("fixtures/helm", "fixtures/helm holds no Chart.yaml"),
])
def test_helm_on_a_folder_without_a_chart_is_one_clear_line(chart, why, monkeypatch):
    monkeypatch.setenv("KONGCHECK_HELM", "/nonexistent/helm")  # the folder is checked before helm is looked for
    run = cli("scan", "--no-config", "--helm", chart)
    assert run.code == 2
    assert f"error  helm:{chart}: `helm template {chart}` cannot run: {why}\n" in run.stdout
    assert "repo" not in run.stdout


def test_standard_input_twice_is_a_usage_error():
    run = cli("scan", "--no-config", "-", "-", input=CONSUMERS)
    assert run.code == 2
    assert "Error: '-' (standard input) can be given only once" in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--config", "/tmp"], "Error: /tmp: cannot read configuration"),
    (["-f", "json", "-o", "/tmp"], "Error: cannot write /tmp: Is a directory"),
    (["-o", "/tmp"], "Error: cannot tell the format of --output /tmp from its name"),
    (["--baseline", "/tmp"], "Error: /tmp: cannot read baseline"),
    (["-n", ""], "Error: Invalid value for '-n' / '--namespace': must not be empty"),
    (["--ingress-class", ""], "Error: Invalid value for '--ingress-class': must not be empty"),
    (["--ingress-class", "  "], "Error: Invalid value for '--ingress-class': must not be empty"),
])
def test_usage_problems_share_one_style_and_exit_2(args, message):
    run = cli("scan", *args, "fixtures/example")
    assert run.code == 2
    assert message in run.stderr
    assert "kongcheck: " not in run.stderr and "Traceback" not in run.stderr
