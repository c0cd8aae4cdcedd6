"""The real pre-commit runs the hook from this repository against a temporary git repository.

pre-commit clones this repository at its HEAD commit and pip-installs it into a hook
environment (from the package index), so this test checks what is committed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSUMER = """apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  annotations:
    kubernetes.io/ingress.class: kong
username: {username}
"""


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def head_sha() -> str | None:
    try:
        return git(ROOT, "rev-parse", "HEAD").strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401  (the test extra installs it)
    except ImportError:
        pytest.fail("pre-commit is not installed: python -m pip install -e '.[test]'")
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_hook_scans_the_whole_tree_and_blocks_a_new_clash(tmp_path, pre_commit_home):
    sha = head_sha()
    if sha is None:
        pytest.skip("this checkout is not a git repository")
    repo = tmp_path / "project"
    (repo / "k8s" / "team-a").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {sha}\n  hooks:\n  - id: kongcheck\n    args: [k8s]\n")
    (repo / "k8s" / "team-a" / "alice.yaml").write_text(CONSUMER.format(name="alice", username="alice"))
    (repo / "README.md").write_text("docs\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")

    clean = pre_commit(repo, pre_commit_home, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "kongcheck" in clean.stdout and "Passed" in clean.stdout

    (repo / "README.md").write_text("more docs\n")
    git(repo, "add", "README.md")
    skipped = pre_commit(repo, pre_commit_home, "run")
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout

    # only the new file is staged, but it clashes with the committed one
    (repo / "k8s" / "bob.yaml").write_text(CONSUMER.format(name="bob", username="alice"))
    git(repo, "add", "k8s/bob.yaml")
    blocked = pre_commit(repo, pre_commit_home, "run")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "consumer-username-conflict" in blocked.stdout
    assert "k8s/team-a/alice.yaml:7:11" in blocked.stdout and "k8s/bob.yaml:7:11" in blocked.stdout
