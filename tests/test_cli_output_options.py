"""How `kongcheck scan` writes: --color / --no-color / NO_COLOR / FORCE_COLOR, --quiet, and an
--output file's format told by its name."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kchelp import ROOT
from kongcheck.cli import main
from kongcheck.cli.output import color

EXAMPLE = str(ROOT / "fixtures" / "example")
ESC = "\x1b["
FP = re.compile(r"fp:[0-9a-f]{12}")


def scan(*args: str, env: dict | None = None):
    environment = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": None, **(env or {})}
    return CliRunner().invoke(main, ["scan", *args], env=environment)


def test_colour_is_off_outside_a_terminal_and_on_when_asked():
    assert ESC not in scan(EXAMPLE).stdout
    assert f"{ESC}1;31merror{ESC}0m" in scan(EXAMPLE, "--color", "always").stdout
    assert f"{ESC}1;31merror{ESC}0m" in scan(EXAMPLE, env={"FORCE_COLOR": "1"}).stdout  # a CI log that shows colour


def test_no_color_wins_over_force_color_and_a_flag_over_both():
    assert ESC not in scan(EXAMPLE, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert ESC not in scan(EXAMPLE, "--color", "never", env={"FORCE_COLOR": "1"}).stdout
    assert ESC in scan(EXAMPLE, "--color", "always", env={"NO_COLOR": "1"}).stdout
    assert ESC not in scan(EXAMPLE, "--no-color", env={"FORCE_COLOR": "1"}).stdout


@pytest.mark.parametrize("env, expected", [
    ({}, None), ({"NO_COLOR": ""}, None), ({"NO_COLOR": "1"}, False), ({"FORCE_COLOR": "0"}, None),
    ({"FORCE_COLOR": "true"}, True), ({"TERM": "dumb"}, False), ({"TERM": "dumb", "FORCE_COLOR": "1"}, True),
])
def test_the_environment_decides_auto(env, expected):
    assert color("auto", False, env) is expected


def test_no_color_is_an_option_not_a_typo_of_no_config():
    result = scan(EXAMPLE, "--no-color")
    assert result.exit_code == 1 and ESC not in result.stdout
    refused = scan(EXAMPLE, "--no-color", "--color", "always")
    assert refused.exit_code == 2 and "give --color always or --no-color, not both" in refused.stderr
    typo = scan(EXAMPLE, "--no-colour")
    assert typo.exit_code == 2 and "'--no-color'" in typo.stderr


def test_quiet_prints_findings_and_errors_only(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: Secret\nmetadata: [\n")
    loud = scan(EXAMPLE, str(tmp_path))
    quiet = scan(EXAMPLE, str(tmp_path), "-q")
    assert quiet.exit_code == loud.exit_code == 2
    assert "4 findings" in loud.stdout and "findings (" not in quiet.stdout
    assert quiet.stdout.count("  error  ") == 4 and "invalid YAML" in quiet.stdout
    same = FP.sub("fp", loud.stdout[:loud.stdout.rindex("\n\n") + 1])
    assert FP.sub("fp", quiet.stdout) == same  # the same, less the summary
    clean = scan(str(ROOT / "fixtures" / "rules" / "clean"), "--quiet")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_quiet_and_verbose_together_are_refused():
    result = scan(EXAMPLE, "-q", "-v")
    assert result.exit_code == 2 and "give --quiet or --verbose, not both" in result.stderr


@pytest.mark.parametrize("name, check", [
    ("kongcheck.sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
    ("results.sarif.json", lambda text: json.loads(text)["version"] == "2.1.0"),
    ("kongcheck.json", lambda text: json.loads(text)["summary"]["findings"] == 4),
    ("kongcheck.xml", lambda text: text.startswith("<?xml") and "<testsuites" in text),
    ("summary.md", lambda text: text.startswith("## ") and "| --- |" in text),
    ("kongcheck.txt", lambda text: "  error  consumer-username-conflict  " in text and ESC not in text),
])
def test_an_output_file_without_format_gets_the_format_its_name_says(tmp_path, name, check):
    out = tmp_path / name
    result = scan(EXAMPLE, "-o", str(out), env={"FORCE_COLOR": "1"})
    assert result.exit_code == 1 and result.stdout == ""
    assert check(out.read_text())


def test_an_output_file_named_for_nothing_known_is_refused(tmp_path):
    result = scan(EXAMPLE, "-o", str(tmp_path / "report.out"))
    assert result.exit_code == 2
    assert "cannot tell the format of --output" in result.stderr and "give --format FORMAT" in result.stderr
    assert not (tmp_path / "report.out").exists()


def test_a_format_that_contradicts_the_file_name_is_refused(tmp_path):
    result = scan(EXAMPLE, "-f", "text", "-o", str(tmp_path / "kongcheck.sarif"))
    assert result.exit_code == 2 and "is named for sarif (.sarif) but --format text" in result.stderr
    assert not (tmp_path / "kongcheck.sarif").exists()
    assert scan(EXAMPLE, "-f", "sarif", "-o", str(tmp_path / "kongcheck.json")).exit_code == 1  # SARIF is JSON
    assert scan(EXAMPLE, "-f", "json", "-o", str(tmp_path / "report.out")).exit_code == 1  # any name with -f


def test_several_files_by_name_and_the_text_on_standard_output(tmp_path):
    result = scan(EXAMPLE, "-o", str(tmp_path / "a.sarif"), "-o", str(tmp_path / "b.json"), "-o", "-")
    assert result.exit_code == 1 and "4 findings" in result.stdout
    assert json.loads((tmp_path / "a.sarif").read_text())["version"] == "2.1.0"
    assert "summary" in json.loads((tmp_path / "b.json").read_text())


def test_two_reports_to_one_file_are_refused(tmp_path):
    report = tmp_path / "report.json"
    result = scan(EXAMPLE, "-f", "json", "-o", str(report), "-f", "sarif", "-o", str(tmp_path / "." / "report.json"))
    assert result.exit_code == 2 and "are the same file" in result.stderr
    assert not report.exists()
