"""SARIF, GitHub workflow commands and JUnit, each checked against its consumer's rules."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from kchelp import invoke_in
from kongcheck.rules import CATALOG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "fixtures" / "example"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
SECRETS = ["partner-issuer", "k-7f3a9c", "alice-signing-secret", "cGFydG5lci1pc3N1ZXI="]


def run(args, cwd: Path = ROOT):
    return invoke_in(cwd, args)


def _sarif(args=("fixtures/example",)):
    result = run(["scan", *args, "--format", "sarif"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_sarif_validates_against_the_official_schema():
    document = _sarif()
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    assert document["version"] == "2.1.0"


def test_sarif_has_one_result_per_participant_with_related_locations():
    run_ = _sarif()["runs"][0]
    results = run_["results"]
    assert len(results) == 8  # 4 findings x 2 participants
    jwt = [r for r in results if r["ruleId"] == "jwt-key-conflict"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in jwt}
    assert uris == {"fixtures/example/credentials.yaml"}
    lines = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in jwt)
    assert lines == [10, 23]
    for result in jwt:
        related = result["relatedLocations"]
        assert len(related) == 1
        assert related[0]["physicalLocation"]["region"]["startLine"] != \
            result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "jwt-key-conflict"


def test_sarif_rules_carry_the_catalogue_help():
    rules = _sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CATALOG)
    jwt = next(r for r in rules if r["id"] == "jwt-key-conflict")
    assert jwt["help"]["text"].startswith("jwt-key-conflict (error)")
    assert "Fix:" in jwt["help"]["text"] and "```yaml" in jwt["help"]["markdown"]
    explained = run(["rules", "jwt-key-conflict"]).stdout
    assert explained.strip() == jwt["help"]["text"].strip()


def test_sarif_fingerprints_are_stable_and_ignore_lines(tmp_path):
    first = _sarif()["runs"][0]["results"]
    moved = tmp_path / "moved"
    moved.mkdir()
    for source in EXAMPLE.iterdir():
        (moved / source.name).write_text("# a comment that shifts every line\n\n" + source.read_text())
    second = json.loads(run(["scan", str(moved), "--format", "sarif"]).stdout)["runs"][0]["results"]
    key = "kongcheck/v2"
    prints = [r["partialFingerprints"][key] for r in first]
    assert len(set(prints)) == len(prints)
    assert sorted(prints) == sorted(r["partialFingerprints"][key] for r in second)
    assert first[0]["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 == \
        second[0]["locations"][0]["physicalLocation"]["region"]["startLine"]


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "json", "text"])
def test_no_credential_value_in_any_format(fmt):
    output = run(["scan", "fixtures/example", "--format", fmt]).stdout
    for value in SECRETS:
        assert value not in output


def test_sarif_lists_input_errors_as_notifications(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: KongConsumer\nmetadata: {name: [\n")
    result = run(["scan", str(bad), "--format", "sarif"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]


# GitHub: "::{command} {key}={value},{key}={value}::{message}"; properties escape % CR LF : ,
# and the message escapes % CR LF (actions/toolkit, packages/core/src/command.ts).
_WORKFLOW = re.compile(r"^::(error|warning|notice)(?: ((?:[a-z]+=[^,:\r\n]*)(?:,[a-z]+=[^,:\r\n]*)*))?::(.*)$")


def _commands(text: str):
    parsed = []
    for line in text.splitlines():
        if not line.startswith("::"):
            continue
        match = _WORKFLOW.match(line)
        assert match, line
        props = dict(part.split("=", 1) for part in match.group(2).split(",")) if match.group(2) else {}
        parsed.append((match.group(1), props, match.group(3)))
    return parsed


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_commands_follow_the_workflow_command_syntax():
    result = run(["scan", "fixtures/example", "--format", "github"])
    assert result.exit_code == 1
    commands = _commands(result.stdout)
    assert len(commands) == 4  # one per finding: GitHub shows at most 10 per step
    name, props, message = commands[0]
    assert name == "error"
    assert set(props) == {"file", "line", "col", "title"}
    assert props["file"] == "fixtures/example/consumers.yaml" and props["line"] == "9" and props["col"] == "11"
    assert _unescape(props["title"]) == "kongcheck consumer-username-conflict"
    assert "\n" not in message and "Also involved" in _unescape(message)
    assert result.stdout.rstrip().splitlines()[-1].startswith("4 findings")


def test_github_escapes_hostile_names_and_paths(tmp_path):
    folder = tmp_path / "a,b:c%d"
    folder.mkdir()
    doc = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n"
           "  name: \"x%0A::error::{n}\"\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: same\n")
    (folder / "c.yaml").write_text(doc.format(n="one") + "---\n" + doc.format(n="two"))
    commands = _commands(run(["scan", str(folder), "--format", "github"]).stdout)
    assert len(commands) == 1
    for _, props, message in commands:
        assert _unescape(props["file"]) == str(folder / "c.yaml")
        assert "x%0A::error::" in _unescape(message)


def test_github_warnings_and_input_errors(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    commands = _commands(run(["scan", str(tmp_path), "--format", "github"]).stdout)
    assert commands[0][0] == "error" and commands[0][1]["file"].endswith("bad.yaml")
    assert commands[0][1]["line"].isdigit()


def _junit(args, cwd: Path = ROOT):
    result = run(["scan", *args, "--format", "junit"], cwd)
    return result, ET.fromstring(result.stdout.encode()).find("testsuite")


def test_junit_has_one_testcase_per_finding_parsed_by_a_real_parser():
    result, suite = _junit(["fixtures/example"])
    assert result.exit_code == 1
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "consumer-username-conflict: team-a/KongConsumer/alice, team-b/KongConsumer/billing",
        "jwt-key-conflict: team-a/Secret/alice-jwt, team-b/Secret/bob-jwt",
        "key-auth-key-conflict: team-a/Secret/alice-key, team-b/Secret/billing-key",
        "vault-prefix-conflict: /KongVault/env-vault, /KongVault/aws-vault"]
    assert [c.get("classname") for c in cases][1] == "kongcheck.jwt-key-conflict"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "4", "0", "0")
    failure = cases[1].find("failure")
    assert failure.get("type") == "error" and failure.get("message").startswith("2 JWT credentials share key fp:")
    assert "fixtures/example/credentials.yaml:10:8  team-a/Secret/alice-jwt" in failure.text
    assert "outcome: consumers-dropped" in failure.text


def test_junit_findings_that_do_not_fail_the_run_are_skipped_with_their_message():
    result, suite = _junit(["fixtures/example", "--fail-on", "never"])
    assert result.exit_code == 0
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "0", "4")
    skipped = suite.find("testcase/skipped")
    assert skipped.get("message").startswith("error, not failing with --fail-on never: 2 KongConsumers share")


def test_junit_input_errors_are_errors_and_a_clean_scan_is_one_passed_test(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    (tmp_path / "also-bad.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    result, suite = _junit([str(tmp_path)])
    assert result.exit_code == 2
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("2", "2", "0")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == [f"input error: {tmp_path}/also-bad.yaml:2", f"input error: {tmp_path}/bad.yaml:2"]
    assert suite.find("testcase/error").get("type") == "input-error"
    (tmp_path / "bad.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: fine}\n")
    (tmp_path / "also-bad.yaml").unlink()
    result, suite = _junit([str(tmp_path)])
    assert result.exit_code == 0
    [case] = suite.findall("testcase")
    assert case.get("name") == "no collisions found" and len(case) == 0 and suite.get("tests") == "1"


def test_junit_counts_in_words(tmp_path):
    (tmp_path / "broken.yaml").write_text("kind: KongConsumer\nmetadata: [\n")
    for args in (["fixtures/example"], [str(tmp_path)], ["fixtures/example", "--max-locations", "1"]):
        text = run(["scan", *args, "--format", "junit"]).stdout
        assert "(s)" not in text
    text = run(["scan", "fixtures/example", "--format", "junit", "--max-locations", "1"]).stdout
    assert "  and 1 more\n" in text


def test_junit_survives_control_characters(tmp_path):
    doc = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n"
           "  name: \"bad\\x01{n}\"\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: same\n")
    (tmp_path / "c.yaml").write_text(doc.format(n="1") + "---\n" + doc.format(n="2"))
    root = ET.fromstring(run(["scan", str(tmp_path), "--format", "junit"]).stdout.encode())
    failure = root.find("testsuite/testcase[@classname='kongcheck.consumer-username-conflict']/failure")
    assert "bad\\x011" in failure.text  # shown escaped, as every format shows it


def test_several_formats_in_one_run(tmp_path):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run(["scan", "fixtures/example", "-f", "text", "-f", "sarif", "-o", "-", "-o", str(sarif),
                  "-f", "junit", "-o", str(junit)])
    assert result.exit_code == 1
    assert "4 findings" in result.stdout
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(sarif.read_text()))
    ET.parse(junit)


def test_the_json_report_is_version_2_with_keyed_value_fingerprints():
    report = json.loads(run(["scan", "fixtures/example", "--format", "json"]).stdout)
    assert report["version"] == 2
    assert all("value_sha256" not in finding for finding in report["findings"])
    assert all(re.fullmatch(r"fp:[0-9a-f]{12}", f["value_fingerprint"]) for f in report["findings"])


CLASH = (ROOT / "fixtures" / "rules" / "consumer-username-conflict.yaml").read_text()


def test_github_annotates_standard_input_by_its_name_or_names_its_stream_line(tmp_path):
    (tmp_path / ".git").mkdir()
    unnamed = _commands(invoke_in(tmp_path, ["scan", "--no-config", "-f", "github", "-"], input=CLASH).stdout)
    [(name, props, message)] = unnamed
    assert name == "error" and set(props) == {"title"}
    assert _unescape(message).startswith("analytics/KongConsumer/reporting (<stdin>:9:11): 2 KongConsumers")
    named = invoke_in(tmp_path, ["scan", "--no-config", "-f", "github", "--stdin-filename", "k8s/c.yaml", "-"],
                      input=CLASH).stdout
    [(_, props, message)] = _commands(named)
    assert (props["file"], props["line"], props["col"]) == ("k8s/c.yaml", "9", "11")
    assert "finance/KongConsumer/reporting at k8s/c.yaml:18:11" in _unescape(message)


def test_stdin_filename_needs_standard_input_and_a_name(tmp_path):
    result = invoke_in(tmp_path, ["scan", "--no-config", "--stdin-filename", "a.yaml", "."])
    assert result.exit_code == 2 and "--stdin-filename needs '-'" in result.output
    result = invoke_in(tmp_path, ["scan", "--no-config", "--stdin-filename", " ", "-"], input=CLASH)
    assert result.exit_code == 2 and "must not be empty" in result.output
    broken = '{"apiVersion": "v1", "kind": "KongConsumer", "metadata": {"name": [\n'
    report = json.loads(invoke_in(tmp_path, ["scan", "--no-config", "-f", "json", "--stdin-filename", "x.json", "-"],
                                  input=broken).stdout)
    assert report["errors"] == [{"file": "x.json", "line": 2, "message": "invalid JSON: Expecting value (column 1)",
                                 "source": "file"}]  # read as JSON, as a file named so is
