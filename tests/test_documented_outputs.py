"""Every output that README.md and docs/*.md show is what kongcheck prints.

An output block is a ```text block that starts with the command line, `$ kongcheck ...` or a shell
pipeline into kongcheck (`$ helm template ... | kongcheck scan -`; a line ending in `\\` goes on),
then what the command writes, standard output then standard error.  Each one is run from the
repository root with the real helm and kubectl; fingerprints (random for each run) and the
checkout's path are compared as placeholders.  A block that looks like kongcheck's output but
cannot be run here must be listed in ILLUSTRATIVE with the reason.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from k8s_tools import REPO_ROOT
from kongcheck.cli import main

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
FINGERPRINT = re.compile(r"fp:[0-9a-f]{12}")
# kongcheck's own lines: a finding's lead line, an input error, the summary
LOOKS_LIKE_OUTPUT = re.compile(r"^(\S.*  (error|warning|info)  [a-z0-9]+-[a-z0-9-]+  |(error|warning) +[a-z0-9]+-[a-z0-9-]+  "
                               r"|error  \S|\d+ findings? \()", re.M)
ILLUSTRATIVE = {  # (page, first line of the block): why it is not run
    ("usage.md", "fixtures/example/vaults.yaml:9:11  error  vault-prefix-conflict  2 KongVaults share prefix "
                 "'app-secrets'"): "the parts of a finding, abbreviated (the whole run is in README.md)",
    ("cluster.md", "manifests/payments.yaml:8:11  error  consumer-username-conflict  "
                   "2 KongConsumers share username fp:5477fecf2c74"): "needs a live cluster (context prod)",
    ("cluster.md", "cluster:prod/ops-1/Secret/svc-key  warning  key-auth-key-conflict  "
                   "2 key-auth credentials share key <live value>"): "needs a live cluster (context prod)",
    ("cluster.md", "error  --cluster: the API server https://api.prod.example:6443 rejected the credentials of "
                   "context 'prod' (401 Unauthorized): the token or client certificate is expired or invalid; "
                   "log in again (refresh your cloud CLI or kubeconfig credentials) and retry"):
        "the answers of a cluster that refuses kongcheck (tests/cluster test each message)",
}


def _blocks():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```text\n(.*?)^```", text, re.S | re.M):
            line = text.count("\n", 0, match.start()) + 2
            yield page, line, match.group(1)


def _split(block: str) -> tuple[str, str]:
    """(command, output) of a block that starts with `$ `."""
    lines = block.splitlines(keepends=True)
    command = lines.pop(0)[2:].rstrip("\n")
    while command.endswith("\\"):
        command = command[:-1] + lines.pop(0).strip()
    return command.strip(), "".join(lines)


def documented_runs():
    return [pytest.param(*_split(block), id=f"{page.name}:{line}")
            for page, line, block in _blocks() if block.startswith("$ ")]


def _normal(text: str) -> str:
    return FINGERPRINT.sub("fp:…", text.replace(str(REPO_ROOT), "<checkout>"))


def _run(command: str, k8s_env) -> str:
    words = shlex.split(command)
    if words[0] == "kongcheck" and not set(words) & {"|", ";", "&&"}:
        result = CliRunner().invoke(main, words[1:])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.stdout + result.stderr
    tools = {os.path.dirname(k8s_env.helm), os.path.dirname(k8s_env.kubectl)}
    env = {**os.environ, "PATH": os.pathsep.join([*tools, os.environ.get("PATH", "")]),
           "PYTHONPATH": str(REPO_ROOT)}
    shell = re.sub(r"(^|\|\s*)kongcheck ", lambda m: f"{m.group(1)}{shlex.quote(sys.executable)} -m kongcheck ",
                   command)
    proc = subprocess.run(["bash", "-c", shell], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("command, output", documented_runs())
def test_the_documented_runs_print_what_the_docs_say(k8s_env, monkeypatch, command, output):
    monkeypatch.chdir(REPO_ROOT)
    assert _normal(_run(command, k8s_env)) == _normal(output)


def test_every_output_in_the_docs_is_run_or_says_why_not():
    unrun = []
    for page, line, block in _blocks():
        if block.startswith("$ ") or not LOOKS_LIKE_OUTPUT.search(block):
            continue
        if (page.name, block.splitlines()[0]) not in ILLUSTRATIVE:
            unrun.append(f"{page.relative_to(REPO_ROOT)}:{line}")
    assert not unrun, f"output blocks without their `$ command` line: {unrun}"


def test_the_docs_show_runs_of_every_page_that_has_output():
    pages = {Path(param.id.split(":")[0]) for param in documented_runs()}
    assert {"README.md", "usage.md"} <= {page.name for page in pages}
