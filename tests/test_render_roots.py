"""Helm charts and kustomization roots met while walking folders are checked as they are
deployed, or the run does not pass.

``kubectl apply -R`` would read an overlay's files or a chart's templates as plain manifests, but
overlays are applied with ``kubectl apply -k`` and charts with helm: scanning their files checks
other objects than the ones that reach the cluster. ``--render-roots fail`` (the default) makes
each such root an input error (exit 2), ``render`` renders it, ``files`` reads it as kubectl -R.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kongcheck.cli import main

CONSUMER = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  annotations: {{kubernetes.io/ingress.class: kong}}
username: shared-name
"""
KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [{}]\n"
CHART = "apiVersion: v2\nname: {}\nversion: 0.1.0\n"


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def scan(*args: str, config: bool = False):
    argv = ["scan", *([] if config else ["--no-config"]), "-f", "json", *args]
    result = CliRunner().invoke(main, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def report(result) -> dict:
    return json.loads(result.stdout)


@pytest.fixture
def overlay(tmp_path):
    """An overlay whose own file does not clash with anything it holds; built, it clashes with its base."""
    write(tmp_path / "app" / "base" / "consumers.yaml", CONSUMER.format(name="alice"))
    write(tmp_path / "app" / "base" / "kustomization.yaml", KUSTOMIZATION.format("consumers.yaml"))
    write(tmp_path / "app" / "overlay" / "extra.yaml", CONSUMER.format(name="bob"))
    write(tmp_path / "app" / "overlay" / "kustomization.yaml", KUSTOMIZATION.format("../base, extra.yaml"))
    return tmp_path / "app"


@pytest.fixture
def chart(tmp_path):
    """A chart whose templates are plain manifests (kubectl -R would apply them) that clash."""
    root = tmp_path / "charts" / "team"
    write(root / "Chart.yaml", CHART.format("team"))
    write(root / "templates" / "a.yaml", CONSUMER.format(name="alice"))
    write(root / "templates" / "b.yaml", CONSUMER.format(name="bob"))
    write(tmp_path / "charts" / "plain.yaml", CONSUMER.replace("shared-name", "other").format(name="carol"))
    return root


def test_an_overlay_met_in_a_walk_is_an_error_not_a_pass(overlay):
    result = scan(str(overlay / "overlay"))
    assert result.exit_code == 2
    [error] = report(result)["errors"]
    assert error["file"] == str(overlay / "overlay" / "kustomization.yaml")
    assert error["message"].startswith("not checked: a kustomization root (kubectl apply -k applies what kustomize "
                                       "builds from it")
    assert report(result)["findings"] == []
    assert result.stderr.count("--render-roots render (config: render-roots: render)") == 1


def test_a_rendered_overlay_is_checked_with_its_base(k8s_env, overlay):
    result = scan(str(overlay), "--render-roots", "render")
    assert result.exit_code == 1, result.output
    [finding] = report(result)["findings"]
    assert finding["rule"] == "consumer-username-conflict"
    assert {r["file"] for r in finding["resources"]} == {str(overlay / "base" / "consumers.yaml"),
                                                       str(overlay / "overlay" / "extra.yaml")}
    assert {r["source"] for r in finding["resources"]} == {"kustomize"}
    assert report(result)["errors"] == []


def test_files_mode_reads_an_overlay_as_kubectl_apply_r_does(overlay):
    result = scan(str(overlay / "overlay"), "--render-roots", "files")
    assert result.exit_code == 0, result.output  # only extra.yaml: what kubectl -R applies
    assert report(result)["summary"]["kong_resources"] == 1


def test_a_base_is_checked_through_the_overlay_that_builds_on_it(k8s_env, overlay):
    result = scan(str(overlay), "-v")
    assert [e["file"] for e in report(result)["errors"]] == [str(overlay / "overlay" / "kustomization.yaml")]
    assert f"skipped {overlay / 'base'}: a kustomization root that {overlay / 'overlay'} builds on" in result.stderr
    named = scan(str(overlay), "--kustomize", str(overlay / "overlay"), "-v")
    assert named.exit_code == 1 and report(named)["errors"] == []
    assert f"skipped {overlay / 'overlay'}: rendered with --kustomize; its files are not read besides" in named.stderr
    assert len(report(named)["findings"]) == 1  # the overlay rendered once, its files not read besides


def test_a_chart_met_in_a_walk_is_an_error_not_a_pass(chart):
    result = scan(str(chart.parent))
    assert result.exit_code == 2
    [error] = report(result)["errors"]
    assert error["file"] == str(chart / "Chart.yaml")
    assert "not checked: a Helm chart (helm renders its templates; kubectl apply -R would read templates/ and " \
           "charts/ as plain files)" in error["message"]
    assert report(result)["summary"]["kong_resources"] == 1  # the plain file next to the chart was read


def test_files_mode_reads_chart_templates_as_kubectl_apply_r_does(chart):
    result = scan(str(chart.parent), "--render-roots", "files")
    assert result.exit_code == 1
    [finding] = report(result)["findings"]
    assert {r["file"] for r in finding["resources"]} == {str(chart / "templates" / "a.yaml"),
                                                       str(chart / "templates" / "b.yaml")}


def test_a_rendered_chart_is_checked_as_helm_renders_it(k8s_env, chart):
    result = scan(str(chart.parent), "--render-roots", "render", "--helm-namespace", "team")
    assert result.exit_code == 1, result.output
    [finding] = report(result)["findings"]
    assert {r["source"] for r in finding["resources"]} == {"helm"}
    assert {r["namespace"] for r in finding["resources"]} == {"team"}  # the --helm-* options apply
    named = scan(str(chart.parent), "--helm", str(chart), "-v")
    assert named.exit_code == 1 and report(named)["errors"] == []
    assert f"skipped {chart}: rendered with --helm; its files are not read besides" in named.stderr
    files_mode = scan(str(chart.parent), "--helm", str(chart), "--render-roots", "files")
    assert files_mode.exit_code == 1 and len(report(files_mode)["findings"]) == 1  # templates not read besides


def test_the_configuration_key_renders_roots(k8s_env, overlay, monkeypatch):
    write(overlay / ".kongcheck.yaml", "render-roots: render\npaths: [.]\n")
    monkeypatch.chdir(overlay)
    result = scan(config=True)
    assert result.exit_code == 1, result.output
    assert len(report(result)["findings"]) == 1


def test_the_note_is_said_once_for_every_root(tmp_path, overlay, chart):
    result = scan(str(tmp_path))
    assert result.exit_code == 2
    assert len(report(result)["errors"]) == 2
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: 1 Helm chart and 1 kustomization root met in the scanned folders were not checked. "
                     "--render-roots render (config: render-roots: render) renders each one with helm template or "
                     "kustomize build, as they are deployed; --render-roots files reads their files as kubectl "
                     "apply -R does; --exclude leaves one out"]
    excluded = scan(str(tmp_path), "--exclude", "app", "--exclude", "team")
    assert excluded.exit_code == 0 and report(excluded)["errors"] == []


def test_chart_homes_and_file_dependencies_are_part_of_what_builds_on_them(tmp_path):
    app = tmp_path / "app"
    write(app / "kustomization.yaml", "helmCharts: [{name: inflated}]\n")
    write(app / "charts" / "inflated" / "Chart.yaml", CHART.format("inflated"))  # kustomize's chartHome
    write(tmp_path / "umbrella" / "Chart.yaml", CHART.format("umbrella") +
          "dependencies: [{name: lib, version: 0.1.0, repository: 'file://../lib'}]\n")
    write(tmp_path / "lib" / "Chart.yaml", CHART.format("lib"))
    write(app / "nested" / "kustomization.yaml", KUSTOMIZATION.format("x.yaml"))  # built by nothing
    result = scan(str(tmp_path), "-v")
    assert sorted(e["file"] for e in report(result)["errors"]) == sorted([
        str(app / "kustomization.yaml"), str(app / "nested" / "kustomization.yaml"),
        str(tmp_path / "umbrella" / "Chart.yaml")])
    assert f"skipped {app / 'charts' / 'inflated'}: a Helm chart that {app} builds on" in result.stderr
    assert f"skipped {tmp_path / 'lib'}: a Helm chart that {tmp_path / 'umbrella'} builds on" in result.stderr
