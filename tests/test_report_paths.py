"""SARIF and GitHub paths are relative to the repository top level, whichever folder kongcheck runs in."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema

from kchelp import invoke_in
from kongcheck.report import paths

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())


def run(args, cwd: Path):
    return invoke_in(cwd, args)


def _repo(tmp_path: Path, git_entry: str = "dir") -> Path:
    """A repository copy of the example: k8s/ holds the manifests, tools/ is a sibling subfolder."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures" / "example", repo / "k8s")
    (repo / "tools").mkdir()
    if git_entry == "dir":
        (repo / ".git").mkdir()
    else:  # a worktree or submodule has a .git file
        (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n")
    return repo


def _uris(document):
    run_ = document["runs"][0]
    for result in run_["results"]:
        for location in result["locations"] + result.get("relatedLocations", []):
            yield location["physicalLocation"]["artifactLocation"]


def test_sarif_from_a_subfolder_is_relative_to_the_top_level(tmp_path):
    repo = _repo(tmp_path)
    result = run(["scan", "../k8s", "-f", "sarif"], cwd=repo / "tools")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    artifacts = list(_uris(document))
    assert artifacts and {a["uri"] for a in artifacts} <= {"k8s/consumers.yaml", "k8s/credentials.yaml",
                                                           "k8s/vaults.yaml", "k8s/groups.yaml"}
    assert {a["uriBaseId"] for a in artifacts} == {"%SRCROOT%"}
    root = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == repo.resolve().as_uri() + "/"


def test_sarif_from_the_top_level_and_from_a_subfolder_agree(tmp_path):
    repo = _repo(tmp_path, git_entry="file")
    top = json.loads(run(["scan", "k8s", "-f", "sarif"], cwd=repo).stdout)
    sub = json.loads(run(["scan", "../k8s", "-f", "sarif"], cwd=repo / "tools").stdout)
    inside = json.loads(run(["scan", ".", "-f", "sarif"], cwd=repo / "k8s").stdout)
    assert list(_uris(top)) == list(_uris(sub)) == list(_uris(inside))


def test_github_file_property_is_relative_to_the_top_level(tmp_path):
    repo = _repo(tmp_path)
    output = run(["scan", "../k8s", "-f", "github"], cwd=repo / "tools").stdout
    files = {part.split("=", 1)[1] for line in output.splitlines() if line.startswith("::")
             for part in line.split("::")[1].split(" ", 1)[1].split(",") if part.startswith("file=")}
    assert "k8s/consumers.yaml" in files and "k8s/credentials.yaml" in files
    assert all(f.startswith("k8s/") and "." not in f.split("/")[0] for f in files)


def test_input_errors_use_the_same_paths(tmp_path):
    repo = _repo(tmp_path)
    (repo / "k8s" / "bad.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    github = run(["scan", "../k8s/bad.yaml", "-f", "github"], cwd=repo / "tools").stdout
    assert "::error file=k8s/bad.yaml,line=" in github
    sarif = json.loads(run(["scan", "../k8s/bad.yaml", "-f", "sarif"], cwd=repo / "tools").stdout)
    note = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    artifact = note["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "k8s/bad.yaml", "uriBaseId": "%SRCROOT%"}


def test_outside_a_repository_the_working_folder_is_the_base(tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "fixtures" / "example", plain / "k8s")
    (plain / "tools").mkdir()
    old = os.getcwd()
    os.chdir(plain / "tools")
    try:
        if paths.top_level() is not None:  # tmp_path itself sits inside a repository: nothing to test
            return
        assert paths.display_path("../k8s/consumers.yaml") == "k8s/consumers.yaml" or \
            paths.base_folder() != str(plain.resolve())
        assert paths.base_folder() == str((plain / "tools").resolve())
        assert paths.display_path("../k8s/consumers.yaml") == "../k8s/consumers.yaml"  # outside the base
    finally:
        os.chdir(old)
    output = run(["scan", "k8s", "-f", "github"], cwd=plain).stdout
    assert "file=k8s/consumers.yaml," in output


def test_non_file_names_are_left_alone(tmp_path):
    repo = _repo(tmp_path)
    old = os.getcwd()
    os.chdir(repo / "tools")
    try:
        for name in ("<stdin>", "cluster:kind-dev/default/Secret/s", "helm:chart", "kustomize:overlays/prod",
                     "git@github.com:acme/base//base/c.yaml?ref=v1", "SecretGenerator in kustomization.yaml"):
            assert paths.display_path(name) == name
        assert paths.display_path("../k8s/consumers.yaml") == "k8s/consumers.yaml"
        assert paths.display_path(str(repo / "k8s" / "vaults.yaml")) == "k8s/vaults.yaml"
    finally:
        os.chdir(old)
