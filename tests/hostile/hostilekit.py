"""Helpers for the hostile-input tests: run the real CLI in-process or in a measured child."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from kongcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
KEY_A = "hostile-key-VALUE-0001"  # a credential value shared by two consumers: one finding

# One valid file with exactly one finding (key-auth-key-conflict) that every broken-input test
# scans next to its broken file: the finding must survive the broken neighbour.
VALID = f"""\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {{name: ann, namespace: ns, annotations: {{kubernetes.io/ingress.class: kong}}}}
username: ann
credentials: [ann-key]
---
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {{name: ben, namespace: ns, annotations: {{kubernetes.io/ingress.class: kong}}}}
username: ben
credentials: [ben-key]
---
apiVersion: v1
kind: Secret
metadata: {{name: ann-key, namespace: ns, labels: {{konghq.com/credential: key-auth}}}}
stringData: {{key: {KEY_A}}}
---
apiVersion: v1
kind: Secret
metadata: {{name: ben-key, namespace: ns, labels: {{konghq.com/credential: key-auth}}}}
stringData: {{key: {KEY_A}}}
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli(*args: str, input: bytes | str | None = None, cwd: Path | None = None) -> Run:
    """Run ``kongcheck ARGS`` in-process (click's CliRunner), optionally in folder ``cwd``."""
    old = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        result = CliRunner().invoke(main, list(args), input=input)
    finally:
        os.chdir(old)
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exception)


def scan_json(*args: str, **kwargs) -> Run:
    return cli("scan", "--format", "json", "--no-config", *args, **kwargs)


@dataclass
class Measured:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


# Peak memory is read in the child from /proc/self/status (VmHWM: the high-water mark of its own
# address space since exec).  ru_maxrss would not do: Linux carries it over exec from the parent
# that forked the child, i.e. from the (large) pytest process.
_CHILD = """
import atexit, runpy, sys
def _report(path=sys.argv.pop(1)):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
atexit.register(_report)
sys.argv[0] = "kongcheck"
runpy.run_module("kongcheck", run_name="__main__", alter_sys=True)
"""


def measured(*args: str, timeout: float = 60, cwd: Path | None = None, stdin: Path | None = None) -> Measured:
    """Run ``python -m kongcheck ARGS`` in a child (``stdin``: a file as its standard input); return
    its wall time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        start = time.monotonic()
        try:
            with open(stdin or os.devnull, "rb") as given:
                proc = subprocess.run([sys.executable, "-c", _CHILD, str(peak), *args], capture_output=True,
                                      cwd=cwd or ROOT, env=env, timeout=timeout, stdin=given)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"over {timeout}s: kongcheck {' '.join(args)}") from None
        seconds = time.monotonic() - start
        max_rss_mb = int(peak.read_text()) / 1024
    print(f"measured: {seconds:.2f}s, {max_rss_mb:.0f} MB peak: kongcheck {' '.join(args)[-80:]}")
    return Measured(proc.returncode, proc.stdout.decode(), proc.stderr.decode(), seconds, max_rss_mb)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path
