"""Names and paths from the input cannot inject into logs or terminals, in any channel.

A pull request controls file and folder names, object names and namespaces.  Each test puts
control characters, escape sequences and CI runner commands into them and checks every channel
kongcheck writes (standard output, standard error, output files) in every format: no control
character but kongcheck's own line breaks, no escape sequence, no line that the GitHub runner
would read as a workflow command (``::name`` after leading blanks, ``##[name]`` anywhere) other
than the github format's own annotations; and every annotation is still there.
"""
from __future__ import annotations

import io
import json
import re
import sys
import xml.etree.ElementTree as ET

import pytest

from hostilekit import ROOT, cli, measured, write
from kongcheck.escape import safe, safe_lines, scalar
from kongcheck.model import Finding, Location, Participant, ResourceRef, ScanError
from kongcheck.report import FORMATS, ReportOptions, renderer
from kongcheck.verdict import ScanResult

EVIL_FOLDER = "a\n::stop-commands::tok3n\r##[error]forged\x1b]0;title\x07"
# YAML escapes: ESC erase-line, an OSC 52 clipboard write, a right-to-left override, a C1 CSI
EVIL_NAME = "n\\x1b[2K\\x1b]52;c;Y2xpcA==\\x07\\u202etxt.exe\\x9b31m"
CONSUMER = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: "{name}"
  namespace: "ns\\r::error::ns"
  annotations: {{kubernetes.io/ingress.class: kong, kongcheck.io/ignore: "bad\\x1b[31mrule\\n::warning::x"}}
username: shared
"""
# the GitHub runner reads a line as a command when, after leading blanks, it starts with `::`
# (ActionCommand.TryParseV2), or when `##[` appears anywhere in it (ActionCommand.TryParse)
ANNOTATION = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:\r\n]*(,[a-z]+=[^,:\r\n]*)*)?::")
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def markdown_plain(text: str) -> str:
    """Markdown text with its backslash escapes of ASCII punctuation undone (what a reader sees)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _hostile_tree(tmp_path):
    folder = tmp_path / EVIL_FOLDER
    docs = [CONSUMER.format(name=f"{EVIL_NAME}\\x1b]8;;http://x\\x07{i}") for i in (1, 2)]
    write(folder, "c.yaml", "---\n".join(docs))
    chart = tmp_path / "chart\x1b[8m::error::c"
    write(chart, "Chart.yaml", "name: c\n")
    write(chart, "templates/x.yaml", "kind: KongConsumer\n")
    return folder, chart


def _check_channel(text: str, github: bool, where: str) -> None:
    assert not CONTROL.search(text), (where, CONTROL.search(text))
    for line in text.split("\n"):
        if github and ANNOTATION.match(line):
            continue
        assert not line.lstrip().startswith("::"), (where, line)
        assert "##[" not in line, (where, line)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_channel_carries_controls_or_runner_commands(tmp_path, fmt):
    folder, chart = _hostile_tree(tmp_path)
    out = tmp_path / f"report.{fmt}"
    run = cli("scan", "--no-config", "-v", str(folder), str(chart.parent), "-f", fmt, "-f", fmt, "-o", "-",
              "-o", str(out), cwd=tmp_path)
    assert run.code == 2, run.output  # the chart was not checked: an input error
    assert run.exception is None
    github = fmt == "github"
    _check_channel(run.stdout, github, "stdout")
    _check_channel(run.stderr, False, "stderr")
    written = out.read_bytes().decode("utf-8")  # valid UTF-8
    _check_channel(written, github, "file")
    assert "unknown rule" in run.stderr and "Helm chart" in run.stderr  # the warning and the note were printed
    shown = run.stdout + written
    if fmt == "markdown":
        shown = markdown_plain(shown)
    assert "not checked: a Helm chart" in shown  # the error names the chart's Chart.yaml


def test_every_annotation_survives_a_stop_commands_file_name(tmp_path):
    folder, _ = _hostile_tree(tmp_path)
    run = cli("scan", "--no-config", str(folder), "-f", "github", cwd=tmp_path)
    lines = run.stdout.splitlines()
    assert sum(1 for line in lines if ANNOTATION.match(line)) == 1  # one finding: one annotation
    assert not any("::stop-commands::" in line and not ANNOTATION.match(line) for line in lines)
    escaped_file = re.search(r"file=([^,]*)", lines[0]).group(1)
    assert escaped_file.endswith("/a\\n%3A%3Astop-commands%3A%3Atok3n\\r#\\x23[error]forged\\x1b]0;title\\x07/c.yaml")


def test_text_output_shows_names_escaped(tmp_path):
    folder, _ = _hostile_tree(tmp_path)
    run = cli("scan", "--no-config", str(folder), cwd=tmp_path)
    assert "a\\n::stop-commands::tok3n\\r#\\x23[error]forged\\x1b]0;title\\x07/c.yaml" in run.stdout
    assert "\\x1b[2K\\x1b]52;c;Y2xpcA==\\x07\\u202etxt.exe\\x9b31m" in run.stdout
    assert "ns\\r::error::ns/KongConsumer/" in run.stdout


def test_usage_errors_repeat_typed_values_escaped(tmp_path):
    run = measured("scan", "--no-config", "--format", "x\n::stop-commands::y\x1b[2J", str(tmp_path))
    assert run.code == 2
    assert "'x\\n::stop-commands::y\\x1b[2J' is not one of" in run.stderr
    _check_channel(run.stderr, False, "stderr")
    run = measured("rules", "no-such\n::error::rule")
    assert run.code == 2 and "no-such\\n::error::rule" in run.stderr
    _check_channel(run.stderr, False, "stderr")


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    docs = "---\n".join(CONSUMER.format(name=f"c{i}") for i in (1, 2))
    (folder / "x\udcff.yaml").write_bytes(docs.encode())  # the file system name holds the byte 0xff
    for fmt in sorted(FORMATS):
        out = tmp_path / f"out-{fmt}"
        run = cli("scan", "--no-config", "t", "-f", fmt, "-f", fmt, "-o", "-", "-o", str(out), cwd=tmp_path)
        assert run.code == 1 and run.exception is None, (fmt, run.output)
        assert "\ufffd" not in run.stdout
        written = out.read_bytes().decode("utf-8")
        if fmt == "json":
            written = json.loads(written)["findings"][0]["resources"][0]["file"]
        if fmt == "markdown":
            written = markdown_plain(written)
        assert "x\\xff.yaml" in written or "x%FF.yaml" in written, fmt
    sarif = json.loads((tmp_path / "out-sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"t/x%FF.yaml"}  # the file's own bytes, percent-encoded: GitHub finds the file


SURROGATE = re.compile("[\ud800-\udfff]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _lone_surrogate_result() -> ScanResult:
    ref = ResourceRef("KongConsumer", "ns\ud800", "name\udfff\x1b[0m")
    participants = [Participant(ref, Location(f"f\ud800{i}.yaml", i, 3)) for i in (1, 2)]
    finding = Finding("consumer-username-conflict", "error", f"2 KongConsumers share {ref.id}", participants,
                      outcome="config-rejected", dropped=[ref.id])
    return ScanResult(files=1, documents=2, kong_resources=2, findings=[finding],
                      errors=[ScanError(Location("g\ud800.yaml", 4), "bad \udc80 name")])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_lone_surrogate_in_a_name_crashes_no_format(fmt):
    stream = io.StringIO()
    renderer(fmt)(_lone_surrogate_result(), ReportOptions(), stream)
    text = stream.getvalue()
    text.encode("utf-8")  # strict: no lone surrogate reaches the output
    assert "\\ud800" in text or "%EF%BF%BD" in text
    if fmt in ("json", "sarif"):
        assert not any(SURROGATE.search(string) for string in _strings(json.loads(text)))  # strict readers refuse them
    if fmt == "junit":
        ET.fromstring(text.encode())


def test_the_escape_function():
    assert safe("a\nb\r\tc") == "a\\nb\\r\\tc"
    assert safe("\x1b]52;c;x\x07\x9b\x85") == "\\x1b]52;c;x\\x07\\x9b\\x85"
    assert safe("  ::error::x") == "  \\x3a:error::x" and safe("x ::error::") == "x ::error::"
    assert safe("a##[group]b ##vso[task.x] ##teamcity[m]") == "a#\\x23[group]b #\\x23vso[task.x] #\\x23teamcity[m]"
    assert safe("f\udcff\ud800\u202e\u2028\ufffe") == "f\\xff\\ud800\\u202e\\u2028\\ufffe"
    assert safe("plain: text, é ü 名前") == "plain: text, é ü 名前"
    for text in ("a\nb", "::x::y", "##[z]", "\x1b\ud800"):
        assert safe(safe(text)) == safe(text)
    assert safe_lines("one\n::stop-commands::t\r\nthree") == "one\n\\x3a:stop-commands::t\nthree"
    assert scalar("a\ud800\x1b") == "a\\ud800\x1b"


def test_a_terminal_that_cannot_show_a_name_gets_escapes_not_a_crash(tmp_path):
    docs = "---\n".join(CONSUMER.format(name=f"名前-{i}") for i in (1, 2))
    write(tmp_path, "c.yaml", docs)
    import subprocess

    env = {"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "kongcheck", "scan", "--no-config", str(tmp_path)],
                          capture_output=True, env=env)
    assert proc.returncode == 1, proc.stderr
    assert b"\\u540d\\u524d-1" in proc.stdout and b"internal error" not in proc.stderr


LINKING_FOLDER = "x](https:__evil.example)<img src=x onerror=alert(1)>|@octocat `c` [a]"
LINKING_CONSUMERS = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {name: "a](https://evil.example)|<b>", annotations: {kubernetes.io/ingress.class: kong}}
username: shared
---
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata: {name: "[b](https://evil.example)", annotations: {kubernetes.io/ingress.class: kong}}
username: shared
"""
# a SARIF embedded link (3.11.6) whose target is not a related location's id: a name made it
FOREIGN_SARIF_LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*(?<!\\)\]\((?!\d+\))")


def _messages(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "message" and isinstance(value, dict):
                yield value.get("text", "")
            else:
                yield from _messages(value)
    elif isinstance(node, list):
        for value in node:
            yield from _messages(value)


def test_no_sarif_message_carries_a_link_a_name_made(tmp_path):
    write(tmp_path / LINKING_FOLDER, "c.yaml", LINKING_CONSUMERS)
    write(tmp_path / "snap", "s.yaml", "kind: KongConsumer\nmetadata: {name: [\n")  # an input error too
    run = cli("scan", "--no-config", "-f", "sarif", ".", cwd=tmp_path)
    document = json.loads(run.stdout)
    texts = list(_messages(document["runs"][0]))
    assert any("evil.example" in text for text in texts)  # the names are there, escaped
    assert len(texts) > 4  # results, their locations and the input error's notification
    for text in texts:
        assert not FOREIGN_SARIF_LINK.search(text), text


def test_no_markdown_cell_is_closed_or_linked_by_a_name(tmp_path, monkeypatch):
    write(tmp_path / LINKING_FOLDER, "c.yaml", LINKING_CONSUMERS)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_SHA", "a" * 40)
    (tmp_path / ".git").mkdir()
    run = cli("scan", "--no-config", "-f", "markdown", ".", cwd=tmp_path)
    rows = [line for line in run.stdout.splitlines() if line.startswith("| :")]
    assert len(rows) == 1, run.stdout
    cells = re.split(r"(?<!\\)\|", rows[0])
    assert len(cells) == 7  # five cells between the row's own bars
    unescaped = re.sub(r"\\.", "", rows[0])  # what is left once every backslash escape is removed
    assert "<img" not in unescaped and "<b>" not in unescaped and "@octocat" not in unescaped
    assert "`" not in unescaped
    links = re.findall(r"\]\(([^)]*)\)", unescaped)
    assert links and all(link == "#consumer-username-conflict" or link.startswith("https://github.com/o/r/blob/")
                         for link in links), links
