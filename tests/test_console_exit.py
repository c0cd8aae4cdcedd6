"""The command leaves the process as soon as its output is written: the report is whole, the exit code
is the scan's, and exit functions registered during the run still run."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kchelp import ROOT

EXAMPLE = str(ROOT / "fixtures/example")
# buffered output, as a CI log or a pipe gets it: what is not flushed before the process ends is lost
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def _command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kongcheck", *args], capture_output=True, text=True, cwd=ROOT,
                          env=BUFFERED)


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_the_whole_report_is_written_and_the_exit_code_is_the_scans(fmt):
    done = _command("scan", "--no-config", "-f", fmt, EXAMPLE)
    assert done.returncode == 1
    if fmt == "text":
        assert done.stdout.rstrip().splitlines()[-1].startswith("4 findings")
    else:
        assert json.loads(done.stdout)  # complete: it parses


def test_a_report_written_to_a_file_is_whole(tmp_path):
    out = tmp_path / "report.json"
    done = _command("scan", "--no-config", "-f", "json", "-o", str(out), EXAMPLE)
    assert done.returncode == 1
    assert len(json.loads(out.read_text())["findings"]) == 4


@pytest.mark.parametrize("args, code", [(["--version"], 0), (["scan", "--no-such-flag"], 2),
                                        (["scan", "--no-config", "no/such/folder"], 2)])
def test_other_exits_keep_their_codes(args, code):
    assert _command(*args).returncode == code


def test_a_clean_scan_exits_0(tmp_path):
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")
    done = _command("scan", "--no-config", str(tmp_path))
    assert done.returncode == 0 and "0 findings" in done.stdout


def test_exit_functions_registered_during_the_run_still_run_and_what_they_print_is_written(tmp_path):
    mark = tmp_path / "ran"
    script = ("import atexit, sys\nfrom kongcheck.cli import console\n"
              f"atexit.register(lambda: open({str(mark)!r}, 'w').write('ran'))\n"
              "atexit.register(lambda: print('said at exit'))\n"
              f"sys.argv = ['kongcheck', 'scan', '--no-config', {EXAMPLE!r}]\nconsole()\n"
              "print('never here')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=BUFFERED)
    assert done.returncode == 1 and "never here" not in done.stdout
    assert mark.read_text() == "ran"
    assert done.stdout.rstrip().endswith("said at exit")


@pytest.mark.parametrize("entry, torn_down", [("console", False), ("run", True)])
def test_the_command_leaves_without_the_interpreter_tearing_its_objects_down(entry, torn_down):
    script = ("import sys\nfrom kongcheck.cli import console, run\n"
              "class Mark:\n    def __del__(self):\n        print('torn down')\n"
              "kept = Mark()  # freed only by the interpreter's own exit\n"
              f"sys.argv = ['kongcheck', 'scan', '--no-config', {EXAMPLE!r}]\n{entry}()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=BUFFERED)
    assert done.returncode == 1
    assert ("torn down" in done.stdout) is torn_down  # run() as the contrast: the check can see a teardown
