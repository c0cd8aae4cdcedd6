"""kongcheck reads nothing outside the scanned folders, and trusts origins only where they are real.

A pull request can add symbolic links: to /etc/shadow, to /proc/self/environ (the CI job's
environment, tokens included), to /proc/kmsg or a FIFO (reading either blocks for ever), to any
file outside the repository. A link whose target lies outside every folder named on the command
line is refused with one error line (exit 2), before it is opened. And a `# Source:` comment or a
kustomize origin annotation in a hand-written file would move its findings onto another file's
annotations: they are honoured only in rendered streams (stdin, --helm, --kustomize).
"""
from __future__ import annotations

import os
import threading

import pytest

from hostilekit import KEY_A, VALID, measured, scan_json, write
from kongcheck.sources import render_redact

MARKER = "env-secret-MARKER-7731"
OTHER_TEAM = VALID.replace("ann-key", "zed-key").replace("name: ann,", "name: zed,").replace("username: ann", "username: zed")


def _refused(run, link) -> None:
    assert run.code == 2, run.output
    [error] = [e for e in run.json["errors"] if e["file"] == str(link)]
    assert error["message"].startswith(f"refused: a symbolic link to {os.path.realpath(link)}, outside the scanned folders")
    assert [f["rule"] for f in run.json["findings"]] == ["key-auth-key-conflict"]  # the rest was scanned


@pytest.mark.parametrize("target", ["/etc/shadow", "/proc/self/environ", "/etc/passwd"])
def test_a_link_to_a_system_file_is_refused_unread(tmp_path, target, monkeypatch):
    monkeypatch.setenv("KONGCHECK_TEST_MARKER", MARKER)
    tree = tmp_path / "repo"
    write(tree, "valid.yaml", VALID)
    os.symlink(target, tree / "innocent.yaml")
    run = scan_json(str(tree), "--parse-all")
    _refused(run, tree / "innocent.yaml")
    assert MARKER not in run.output and "root:" not in run.output


def test_a_link_to_a_file_outside_the_repository_is_refused(tmp_path):
    write(tmp_path, "outside/other-team.yaml", OTHER_TEAM)
    tree = tmp_path / "repo"
    write(tree, "valid.yaml", VALID)
    os.symlink("../outside/other-team.yaml", tree / "vendored.yaml")
    _refused(scan_json(str(tree)), tree / "vendored.yaml")
    both = scan_json(str(tree), str(tmp_path / "outside"))  # named, its folder is scanned: the link is read
    assert both.code == 1 and both.json["errors"] == []


@pytest.mark.parametrize("blocking", ["fifo", "/proc/kmsg"])
def test_a_link_to_something_that_blocks_does_not_hang_the_scan(tmp_path, blocking):
    tree = tmp_path / "repo"
    write(tree, "valid.yaml", VALID)
    if blocking == "fifo":
        os.mkfifo(tmp_path / "pipe")  # outside the tree: opening it waits for a writer
        target = str(tmp_path / "pipe")
    else:
        target = blocking
    os.symlink(target, tree / "k.yaml")
    run = measured("scan", "--no-config", "--format", "json", str(tree), timeout=30)
    assert run.code == 2 and "refused: a symbolic link to" in run.stdout
    assert run.seconds < 30


def test_a_named_link_that_leads_outside_its_folder_is_refused(tmp_path):
    write(tmp_path, "outside/x.yaml", VALID)
    tree = tmp_path / "repo"
    tree.mkdir()
    os.symlink(tmp_path / "outside" / "x.yaml", tree / "named.yaml")
    os.symlink(tmp_path / "outside", tree / "named-folder")
    run = scan_json(str(tree / "named.yaml"), str(tree / "named-folder"))
    assert run.code == 2 and run.json["findings"] == []
    assert [e["file"] for e in run.json["errors"]] == [str(tree / "named.yaml"), str(tree / "named-folder")]
    assert all("outside the folder that holds the link" in e["message"] for e in run.json["errors"])
    os.symlink("valid.yaml", tree / "alias.yaml")  # a link inside its own folder is read, once
    write(tree, "valid.yaml", VALID)
    inside = scan_json(str(tree / "alias.yaml"), str(tree / "valid.yaml"))
    assert inside.code == 1 and inside.json["errors"] == [] and inside.json["summary"]["files"] == 1


def test_a_found_chart_with_a_link_outside_is_not_rendered(tmp_path):
    tree = tmp_path / "repo"
    write(tree, "valid.yaml", VALID)
    write(tree, "chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
    os.symlink("/etc/passwd", tree / "chart" / "templates")  # helm would read it as a template
    run = scan_json(str(tree), "--render-roots", "render")  # refused before helm is looked for
    assert run.code == 2
    [error] = run.json["errors"]
    assert error["file"] == str(tree / "chart" / "templates")
    assert "outside the scanned folders, in the Helm chart" in error["message"] and "not rendered" in error["message"]


def _finishes(function, *args, seconds: float = 10):
    done = []
    worker = threading.Thread(target=lambda: done.append(function(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, f"{function.__name__} blocked"
    return done[0]


def test_failed_renders_read_no_file_that_blocks_or_lies_outside(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    overlay = tmp_path / "repo" / "overlay"
    write(overlay, "kustomization.yaml", "secretGenerator:\n- name: s\n  envs: [../../pipe, ok.env]\n")
    write(overlay, "ok.env", f"KEY={KEY_A}\n")
    assert _finishes(render_redact.kustomize_secrets, str(overlay)) == [f"KEY={KEY_A}", KEY_A]
    chart = tmp_path / "repo" / "chart"
    write(chart, "Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
    os.symlink(tmp_path / "pipe", chart / "values.yaml")
    assert _finishes(render_redact.helm_secrets, str(chart), [], []) == []


HELM_HEADER = "---\n# Source: other-team/templates/consumers.yaml\n"
ORIGIN = "    config.kubernetes.io/origin: |\n      path: ../other-team/consumers.yaml\n"
CLASHING = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  annotations:
    kubernetes.io/ingress.class: kong
{origin}username: shared
"""


def test_origin_comments_and_annotations_in_a_file_are_not_honoured(tmp_path):
    write(tmp_path, "a.yaml", HELM_HEADER + CLASHING.format(name="a", origin=""))
    write(tmp_path, "b.yaml", CLASHING.format(name="b", origin=ORIGIN))
    run = scan_json(str(tmp_path))
    [finding] = run.json["findings"]
    assert [(r["file"], r["source"], r["line"]) for r in finding["resources"]] == [
        (str(tmp_path / "a.yaml"), "file", 9), (str(tmp_path / "b.yaml"), "file", 9)]
    stream = HELM_HEADER + CLASHING.format(name="a", origin="") + "---\n" + CLASHING.format(name="b", origin=ORIGIN)
    piped = scan_json("-", input=stream)  # a rendered stream: both origins are real
    [finding] = piped.json["findings"]
    assert {r["file"] for r in finding["resources"]} == {"other-team/templates/consumers.yaml",
                                                        "../other-team/consumers.yaml"}
