"""The benchmark corpus generator and runner work (on a tiny corpus; the real run is not a test)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent


def test_generator_writes_the_asked_mix(tmp_path):
    writer = generate(str(tmp_path), documents=400, collisions=2)
    text = "".join(p.read_text() for p in tmp_path.rglob("*.yaml"))
    assert writer.documents == 400 and text.count("\nkind: ") + text.startswith("kind: ") <= 400
    for kind in ("Deployment", "Service", "ConfigMap", "Ingress", "HTTPRoute", "KongPlugin", "KongConsumer", "Secret"):
        assert f"kind: {kind}\n" in text
    assert 0.04 <= 2 * text.count("kind: KongConsumer\n") / 400 <= 0.1  # consumers + their Secrets: ~5%


def test_runner_prints_every_target_on_a_tiny_corpus(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "benchmarks.run", "--documents", "300", "--consumers", "100",
                          "--collisions", "10", "--repeat", "1", "--workdir", str(tmp_path), "--live-secrets", "60",
                          "--live-consumers", "30"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    lines = {line.split()[0]: line for line in run.stdout.splitlines() if line}
    for target in ("throughput", "memory", "start-up", "scaling", "collisions", "dense", "live", "correctness"):
        assert target in lines and ("PASS" in lines[target] or "FAIL" in lines[target]), run.stdout
    assert "findings 1 and 10" in lines["collisions"]
    assert "the same findings" in lines["correctness"]
    assert "targets met" in run.stdout


def test_trees_are_generated_in_another_process_so_later_peaks_are_the_scans_own(tmp_path):
    from benchmarks.run import _apart

    made = tmp_path / "made-by"
    _apart(lambda path: Path(path).write_text(str(os.getpid())), str(made))
    assert int(made.read_text()) != os.getpid()  # its memory was never this process's

    def failing(path):
        raise OSError("disk full")

    with pytest.raises(SystemExit, match="generating .*never failed"):
        _apart(failing, str(tmp_path / "never"))
