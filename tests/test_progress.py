"""The progress display: on a terminal after a second, never anywhere else."""
from __future__ import annotations

import io
import subprocess
import sys

import pytest

from benchmarks.generate import generate
from kongcheck.cli import progress
from kongcheck.cli import main


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_during_the_first_second():
    stream, clock = FakeTerminal(), Clock()
    bar = progress.Progress(stream, 10, clock=clock)
    clock.now += 0.9
    bar.advance(5)
    bar.close()
    assert bar.bar is None and stream.getvalue() == ""


def test_a_bar_appears_on_a_terminal_after_a_second():
    stream, clock = FakeTerminal(), Clock()
    bar = progress.Progress(stream, 10, clock=clock)
    clock.now += 1.5
    bar.advance(4)
    assert bar.bar is not None
    bar.close()
    assert "kongcheck: scanning" in stream.getvalue()
    assert "10/10" in stream.getvalue()


def test_no_progress_object_for_streams_that_are_not_terminals():
    assert progress.for_stream(io.StringIO(), 100) is None
    assert progress.for_stream(FakeTerminal(), 0) is None
    assert isinstance(progress.for_stream(FakeTerminal(), 100), progress.Progress)


def test_scan_on_a_terminal_shows_progress_on_stderr(tmp_path, monkeypatch, capsys):
    generate(str(tmp_path), documents=200)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(tmp_path), "--no-config", "-f", "json"], standalone_mode=False)
    assert exit_info.value.code == 1  # the generated tree holds collisions
    assert "kongcheck: scanning" in terminal.getvalue()
    assert "scanning" not in capsys.readouterr().out  # the report itself stays clean


def test_scan_in_a_pipe_never_shows_progress_nor_imports_rich(tmp_path):
    generate(str(tmp_path / "tree"), documents=300)
    (tmp_path / "plain.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    script = ("import sys\nfrom kongcheck.cli import progress\nprogress.DELAY = 0.0\nfrom kongcheck.cli import main\n"
              "try:\n    main(['scan', '--no-config'] + sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print('MODULES', sorted(m for m in ('rich', 'jsonschema', 'yaml', 'ruamel') if m in sys.modules), "
              "file=sys.stderr)\n")
    tree = subprocess.run([sys.executable, "-c", script, str(tmp_path / "tree")], capture_output=True, text=True)
    assert "scanning" not in tree.stderr + tree.stdout
    assert "MODULES [" in tree.stderr and "rich" not in tree.stderr  # PyYAML only where a piece needs the composer
    plain = subprocess.run([sys.executable, "-c", script, str(tmp_path / "plain.yaml")], capture_output=True,
                           text=True)
    assert "MODULES []" in plain.stderr, plain.stderr  # nothing Kong-like: PyYAML is not even imported

