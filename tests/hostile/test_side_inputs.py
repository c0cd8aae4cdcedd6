"""Hostile input through the other files kongcheck reads: the configuration file (it sits in
the repository a pull request changes) and a --cluster-snapshot file.  Each runs in a child
process, so a crash in a C parser would show as a signal, not as a dead test run."""
from __future__ import annotations

import shutil

import pytest

from hostilekit import ROOT, measured, write

DEEP = 100_000


def _bomb(key: str) -> str:
    levels = [f"  - &a0 [{', '.join(['lol'] * 10)}]"]
    levels += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return f"{key}:\n" + "\n".join(levels) + "\n"


@pytest.mark.parametrize("name, content, message", [
    (".kongcheck.yaml", "exclude: " + "[" * DEEP + "]" * DEEP + "\n", "configuration nested too deeply to read"),
    ("pyproject.toml", "[tool.kongcheck]\nexclude = " + "[" * DEEP + "]" * DEEP + "\n",
     "configuration nested too deeply to read"),
    ("pyproject.toml", "# kongcheck\n[tool.other]\nexclude = " + "[" * DEEP + "]" * DEEP + "\n",
     "configuration nested too deeply to read"),
    (".kongcheck.yaml", _bomb("exclude"), "configuration too large: over 100000 values once aliases are expanded"),
], ids=["yaml-deep", "toml-deep", "toml-foreign-deep", "yaml-alias-bomb"])
# (short ids: pytest puts the id in the child's env)
def test_hostile_configuration_file_is_one_error(tmp_path, name, content, message):
    shutil.copytree(ROOT / "fixtures" / "example", tmp_path / "example")
    path = write(tmp_path, name, content)
    run = measured("scan", "example", cwd=tmp_path, timeout=30)
    assert run.code == 2
    assert run.stderr.strip() == f"Error: {path}: {message}"
    assert run.seconds < 5 and run.max_rss_mb < 200


def test_deeply_nested_cluster_snapshot_is_one_error(tmp_path):
    # libyaml's own composer (which the snapshot reader used) crashes with SIGSEGV on this
    path = write(tmp_path, "live.yaml", "apiVersion: v1\nkind: List\nitems:\n- " + "[" * DEEP + "]" * DEEP + "\n")
    run = measured("scan", "--no-config", "--cluster-snapshot", str(path), "fixtures/example", timeout=30)
    assert run.code == 2
    assert f"error  {path}:4: cluster snapshot: nesting deeper than 1000 levels refused" in run.stdout
    assert "4 findings" in run.stdout  # the manifests are still checked
    assert run.seconds < 10 and run.max_rss_mb < 150


def test_alias_bomb_in_a_cluster_snapshot_is_one_error(tmp_path):
    path = write(tmp_path, "live.yaml", "apiVersion: v1\nkind: List\n" + _bomb("items"))
    run = measured("scan", "--no-config", "--cluster-snapshot", str(path), "fixtures/example", timeout=30)
    assert run.code == 2
    assert "cluster snapshot: excessive aliasing" in run.stdout
    assert run.seconds < 10 and run.max_rss_mb < 150


def test_deeply_nested_baseline_is_one_error(tmp_path):
    path = write(tmp_path, "baseline.json", '{"findings": ' + "[" * DEEP + "]" * DEEP + "}")
    run = measured("scan", "--no-config", "--baseline", str(path), "fixtures/example", timeout=30)
    assert run.code == 2
    assert run.stderr.strip() == f"Error: {path}: not a kongcheck baseline (nested too deeply to read)"
