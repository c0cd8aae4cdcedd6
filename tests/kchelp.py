"""Helpers for the core tests: run the real CLI on fixtures from the repository root."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from kongcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = "fixtures/rules"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    def findings(self, rule: str | None = None) -> list[dict]:
        return [f for f in self.json["findings"] if rule is None or f["rule"] == rule]

    def rules(self) -> list[str]:
        return sorted(f["rule"] for f in self.json["findings"])


def invoke_in(cwd, args, input: bytes | str | None = None):
    """Run ``kongcheck ARGS`` in-process from ``cwd`` (paths in the output are then as a user
    there sees them); return click's Result."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def cli(*args: str, input: bytes | str | None = None) -> Run:
    """Run ``kongcheck ARGS`` with the repository root as the working folder."""
    result = invoke_in(ROOT, args, input)
    return Run(result.exit_code, result.stdout, result.stderr)


def scan_json(*args: str, input: bytes | str | None = None) -> Run:
    return cli("scan", "--format", "json", *args, input=input)


def fixture(name: str) -> str:
    return f"{RULES}/{name}"


def res(kind: str, namespace: str, name: str, file: str, line: int, column: int, source: str = "file") -> dict:
    """A JSON ``resources`` entry, as the report must spell it."""
    return {"kind": kind, "namespace": namespace, "name": name, "file": file, "line": line,
            "column": column, "source": source}
