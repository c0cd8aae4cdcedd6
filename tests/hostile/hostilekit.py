"""Helpers for the hostile-input tests: run the real CLI in-process or in a measured child."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
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


def measured(*args: str, timeout: float = 60, cwd: Path | None = None) -> Measured:
    """Run ``python -m kongcheck ARGS`` in a child; return its wall time and peak memory (its own
    ru_maxrss, read with wait4, so other children of the test process do not count)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "kongcheck", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd or ROOT, env=env)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    out: dict = {}
    readers = [threading.Thread(target=lambda name=name, stream=stream: out.__setitem__(name, stream.read()))
               for name, stream in (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    timer.cancel()
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert seconds < timeout, f"killed after {timeout}s: kongcheck {' '.join(args)}"
    return Measured(proc.returncode, out["out"].decode(), out["err"].decode(), seconds, usage.ru_maxrss / 1024)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path
