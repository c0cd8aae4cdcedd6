"""kongcheck reads the files ``kubectl apply -f DIR -R`` applies, in the order it applies them.

Each tree below holds one ConfigMap per file, named after the file; the real kubectl applies the
tree (``--dry-run=client`` against a loopback server that answers discovery, tests/kubectl_apply.py)
and prints the objects in apply order, which must be the order of the files kongcheck reads.
kubectl applies a file reached twice (a symlinked file, overlapping paths) twice; kongcheck reads it
once, at its last place, which is the definition that stays.
"""
from __future__ import annotations

import json
import os
import re

import pytest

from kchelp import scan_json
from kubectl_apply import dry_run_apply
from kongcheck.sources import files

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
NAME = re.compile(rb"^  name: ([\w.-]+)$|\"metadata\": \{\"name\": \"([\w.-]+)\"", re.M)  # a ConfigMap's, not Chart.yaml's


def configmap(folder, relative: str, name: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if relative.endswith(".json"):
        path.write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}))
    else:
        path.write_text(CONFIGMAP.format(name=name))


def keep_last(names: list[str]) -> list[str]:
    last = {name: index for index, name in enumerate(names)}
    return [name for index, name in enumerate(names) if last[name] == index]


def read_by_kongcheck(paths, roots: bool = False) -> list[str]:
    collected = files.collect([str(p) for p in paths], roots=roots)
    assert collected.errors == []
    names = []
    for source in collected.sources:
        for match in NAME.finditer(source.read()):
            names.append((match.group(1) or match.group(2)).decode())
    return names


def applied_by_kubectl(kubectl: str, *args: str) -> list[str]:
    applied = dry_run_apply(kubectl, *args)
    assert applied.names, applied.stderr
    return [name.partition("/")[2] for name in applied.names]


@pytest.fixture
def tree(tmp_path):
    """Every walk case at once: dot-folders and dot-files, extensions kubectl reads and does not,
    names whose byte order differs from their str order, a folder and a file sharing a prefix,
    a folder with a manifest's name, a symlinked file and a symlinked folder, a chart and a
    kustomization holding plain manifests."""
    root = tmp_path / "t"
    for relative, name in [
        ("a.yaml", "a"), (".hidden/h.yaml", "hidden"), (".dot.yaml", "dot"), (".yaml", "only-ext"),
        ("B.YAML", "upper"), ("c.Yml", "mixed-case"), ("c.yml", "c-yml"), ("d.json", "d-json"),
        ("e.yaml.bak", "backup"), ("Z.yaml", "big-z"), ("_.yaml", "underscore"), ("\u00e9.yaml", "e-acute"),
        ("\ue000.yaml", "private-use"), ("x\udcff.yaml", "not-utf8"), ("sub/z.yaml", "sub-z"),
        ("sub.yaml", "sub-yaml"), ("sub0/y.yaml", "sub0-y"), ("folder.yaml/in.yaml", "in-folder-yaml"),
        ("real/r.yaml", "real-r"), ("chart/templates/t.yaml", "chart-template"),
        ("chart/charts/sub/templates/s.yaml", "subchart-template"), ("kust/cm.yaml", "kust-cm"),
        ("deep/er/and/deeper.yaml", "deeper"),
    ]:
        configmap(root, relative, name)
    (root / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (root / "kust" / "kustomization.yaml").write_text("apiVersion: kustomize.config.k8s.io/v1beta1\n"
                                                     "kind: Kustomization\nresources: [cm.yaml]\n")
    os.symlink("real", root / "linked-folder")
    os.symlink("a.yaml", root / "a-link.yaml")
    os.symlink("real/r.yaml", root / "r-link.yaml")
    return root


def test_a_tree_is_read_in_kubectl_apply_order(k8s_tools, tree):
    applied = dry_run_apply(k8s_tools.kubectl, "-R", "-f", str(tree))
    kubectl = [name.partition("/")[2] for name in applied.names]
    # what kubectl does: dot-folders, chart templates and a kustomization's files are applied as they
    # are (the Kustomization itself is refused), `.YAML` is not read, a linked folder is not entered
    assert "hidden" in kubectl and "chart-template" in kubectl and "kust-cm" in kubectl
    assert "upper" not in kubectl and kubectl.count("real-r") == 2  # real/r.yaml and r-link.yaml
    assert 'no matches for kind "Kustomization"' in applied.stderr
    assert read_by_kongcheck([tree]) == keep_last(kubectl)


def test_overlapping_paths_are_read_once_at_their_last_place(k8s_tools, tree):
    args = ["-R", "-f", str(tree), "-f", str(tree / "sub"), "-f", str(tree / "a.yaml")]
    kubectl = applied_by_kubectl(k8s_tools.kubectl, *args)
    assert kubectl.count("sub-z") == 2 and kubectl.count("a") == 3  # tree, a-link.yaml, a.yaml again
    assert read_by_kongcheck([tree, tree / "sub", tree / "a.yaml"]) == keep_last(kubectl)


def test_a_named_symlinked_folder_is_walked_as_with_a_trailing_slash(k8s_tools, tree):
    named = str(tree / "linked-folder")
    assert applied_by_kubectl(k8s_tools.kubectl, "-R", "-f", named + "/") == read_by_kongcheck([named])


def test_git_folders_are_not_walked_and_say_so(tmp_path):
    configmap(tmp_path, "a.yaml", "a")
    configmap(tmp_path, ".git/hooks/h.yaml", "git-hook")
    collected = files.collect([str(tmp_path)])
    assert [source.name for source in collected.sources] == [str(tmp_path / "a.yaml")]
    assert f"{tmp_path / '.git'}: git's own folder (a commit cannot hold files in it)" in collected.skipped


CLASH = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {{name: {name}, namespace: ns, annotations: {{kubernetes.io/ingress.class: kong}}}}
username: shared
"""


def test_overlapping_paths_report_no_object_as_a_duplicate_of_itself(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kongcheck.cli import main

    (tmp_path / "demos" / "acl").mkdir(parents=True)
    (tmp_path / "demos" / "acl" / "a.yaml").write_text(CLASH.format(name="a"))
    (tmp_path / "demos" / "b.yaml").write_text(CLASH.format(name="b"))
    monkeypatch.chdir(tmp_path)
    given = CliRunner().invoke(main, ["scan", "--no-config", "-f", "json", "demos", "demos/acl", "demos/acl/a.yaml"])
    (tmp_path / ".kongcheck.yaml").write_text("paths: [demos, demos/acl]\n")
    configured = CliRunner().invoke(main, ["scan", "-f", "json", "-v"])
    for result in (given, configured):
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert [f["rule"] for f in report["findings"]] == ["consumer-username-conflict"]
        assert report["summary"]["files"] == 2
    assert "skipped demos/acl/a.yaml: the same file as demos/acl/a.yaml, read there" in configured.stderr


def test_symlink_loops_kubectl_does_not_read_are_listed_not_errors(k8s_tools, tmp_path):
    configmap(tmp_path, "a.yaml", "a")
    vendored = tmp_path / "vendor" / "pkg"
    vendored.mkdir(parents=True)
    os.symlink("b", vendored / "a")  # a -> b -> a
    os.symlink("a", vendored / "b")
    os.symlink("nowhere", vendored / "dangling")
    os.symlink("../..", vendored / "up")  # a linked folder: never entered
    applied = dry_run_apply(k8s_tools.kubectl, "-R", "-f", str(tmp_path))
    assert applied.returncode == 0 and applied.stderr == ""
    collected = files.collect([str(tmp_path)])
    assert collected.errors == [] and read_by_kongcheck([tmp_path]) == ["a"] == applied_by_kubectl(
        k8s_tools.kubectl, "-R", "-f", str(tmp_path))
    assert f"{vendored / 'a'}: a symbolic link that cannot be followed (a loop); not read, as kubectl apply -R " \
           "does not read a name without .yaml, .yml or .json" in collected.skipped
    assert any(line.startswith(f"{vendored / 'dangling'}: a symbolic link that cannot be followed (its target is "
                               "missing)") for line in collected.skipped)
    assert any(line.startswith(f"{vendored / 'up'}: a symlinked folder") for line in collected.skipped)


def test_a_symlink_loop_with_a_manifest_name_fails_as_kubectl_fails_on_it(k8s_tools, tmp_path):
    configmap(tmp_path, "a.yaml", "a")
    os.symlink("loop.yaml", tmp_path / "loop.yaml")
    applied = dry_run_apply(k8s_tools.kubectl, "-R", "-f", str(tmp_path))
    assert applied.returncode != 0 and "too many levels of symbolic links" in applied.stderr
    run = scan_json(str(tmp_path))
    assert run.code == 2
    [error] = run.json["errors"]
    assert error["file"] == str(tmp_path / "loop.yaml") and "Too many levels of symbolic links" in error["message"]
