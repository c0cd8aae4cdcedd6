"""SARIF that GitHub code scanning accepts whole: the SARIF 2.1.0 schema and GitHub's upload rules.

GitHub's rules (docs "SARIF support for code scanning" and "SARIF results exceed limit"): every
result has a message, one to ten locations, each with a physicalLocation whose artifact URI is not
empty and is relative or has the checkout's scheme (file), and a region from line 1; related
locations are locations too; partialFingerprints (GitHub uses primaryLocationLineHash); at most 20
runs, 25,000 results a run, 1,000 locations a result, 20 tags a rule; rule names up to 255
characters, short descriptions up to 1,024; 10 MB gzip-compressed.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

from kchelp import invoke_in
from kongcheck.report.sarif import MAX_RESULTS

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
CLASH = (ROOT / "fixtures" / "rules" / "consumer-username-conflict.yaml").read_text()


def upload_problems(document: dict) -> list[str]:
    """What GitHub code scanning would refuse or drop in ``document``; [] when it takes it whole."""
    problems = []
    if document.get("version") != "2.1.0" or not document.get("$schema"):
        problems.append("version 2.1.0 and $schema are required")
    runs = document.get("runs", [])
    if len(runs) > 20:
        problems.append("more than 20 runs")
    if len(gzip.compress(json.dumps(document).encode())) > 10 << 20:
        problems.append("over 10 MB gzip-compressed")
    for run in runs:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name is required")
        ids = [rule["id"] for rule in driver.get("rules", [])]
        for rule in driver.get("rules", []):
            if not rule.get("id") or len(rule.get("name", "")) > 255:
                problems.append(f"rule {rule.get('id')}: id required, name at most 255 characters")
            for key in ("shortDescription", "fullDescription", "help"):
                if not rule.get(key, {}).get("text"):
                    problems.append(f"rule {rule['id']}: {key}.text is required")
            if len(rule["shortDescription"]["text"]) > 1024:
                problems.append(f"rule {rule['id']}: shortDescription over 1,024 characters")
            if len(rule.get("properties", {}).get("tags", [])) > 20:
                problems.append(f"rule {rule['id']}: more than 20 tags")
        results = run.get("results")
        if results is None:
            problems.append("results is required")
            continue
        if len(results) > MAX_RESULTS:
            problems.append("more than 25,000 results")
        for number, result in enumerate(results):
            where = f"result {number}"
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: message.text is required")
            if result.get("ruleId") not in ids or ids.index(result["ruleId"]) != result.get("ruleIndex"):
                problems.append(f"{where}: ruleId/ruleIndex do not name a rule")
            if not result.get("partialFingerprints", {}).get("primaryLocationLineHash"):
                problems.append(f"{where}: no primaryLocationLineHash")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= 10:
                problems.append(f"{where}: {len(locations)} locations (1 to 10)")
            related = result.get("relatedLocations", [])
            if len(locations) + len(related) > 1000:
                problems.append(f"{where}: more than 1,000 locations")
            for location in locations + related:
                problems += [f"{where}: {p}" for p in _location_problems(location)]
    return problems


def _location_problems(location: dict) -> list[str]:
    physical = location.get("physicalLocation")
    if not physical:
        return ["a location without physicalLocation"]
    uri = physical.get("artifactLocation", {}).get("uri", "")
    problems = []
    if not uri:
        problems.append("an empty artifactLocation.uri")
    scheme = urlsplit(uri).scheme
    if scheme not in ("", "file"):
        problems.append(f"URI scheme {scheme!r} differs from the checkout's (file): {uri}")
    if scheme == "" and "uriBaseId" not in physical["artifactLocation"] and uri.startswith("/"):
        problems.append(f"an absolute path without a scheme: {uri}")
    if not physical.get("region", {}).get("startLine", 0) >= 1:
        problems.append("region.startLine must be 1 or more")
    return problems


def sarif_of(cwd: Path, *args: str, input: str | None = None) -> dict:
    result = invoke_in(cwd, ["scan", "--no-config", "-f", "sarif", *args], input=input)
    assert result.exit_code in (0, 1, 2), result.output
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    assert upload_problems(document) == []
    return document


def _results(document: dict) -> list[dict]:
    return document["runs"][0]["results"]


def _notifications(document: dict) -> list[dict]:
    return document["runs"][0]["invocations"][0]["toolExecutionNotifications"]


def _uri(location: dict) -> str:
    return location["physicalLocation"]["artifactLocation"]["uri"]


def test_the_example_is_taken_whole_with_line_independent_fingerprints():
    document = sarif_of(ROOT, "fixtures/example")
    for result in _results(document):
        fingerprints = result["partialFingerprints"]
        assert fingerprints["primaryLocationLineHash"] == fingerprints["kongcheck/v2"][:16] + ":1"
        assert result["properties"]["participants"] == 2
        related = result["relatedLocations"][0]
        assert f"]({related['id']})" in result["message"]["text"]  # a link GitHub shows


def test_standard_input_named_with_stdin_filename_is_located_in_that_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "k8s").mkdir()
    document = sarif_of(tmp_path / "k8s", "--stdin-filename", "team/consumers.yaml", "-", input=CLASH)
    results = _results(document)
    assert [_uri(r["locations"][0]) for r in results] == ["k8s/team/consumers.yaml"] * 2  # from the top level
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [9, 18]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_standard_input_without_a_name_is_a_notification_not_a_result(tmp_path):
    document = sarif_of(tmp_path, "-", input=CLASH)
    assert _results(document) == []
    [note] = _notifications(document)
    assert note["descriptor"] == {"id": "consumer-username-conflict"} and note["level"] == "error"
    text = note["message"]["text"]
    assert "analytics/KongConsumer/reporting (<stdin>:9:11)" in text and "--stdin-filename" in text


def test_input_errors_of_standard_input_keep_their_stream_line(tmp_path):
    document = sarif_of(tmp_path, "-", input="kind: KongConsumer\nmetadata: {name: [\n")
    [note] = _notifications(document)
    assert note["message"]["text"].startswith("<stdin>:2: invalid YAML") and "locations" not in note
    named = sarif_of(tmp_path, "--stdin-filename", "c.yaml", "-", input="kind: KongConsumer\nmetadata: {name: [\n")
    [note] = _notifications(named)
    assert _uri(note["locations"][0]) == "c.yaml" and note["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def _snapshot(tmp_path: Path, *usernames: str) -> str:
    items = "".join(
        f"- apiVersion: configuration.konghq.com/v1\n  kind: KongConsumer\n  metadata:\n    name: live-{i}\n"
        f"    namespace: ns\n    annotations: {{kubernetes.io/ingress.class: kong}}\n  username: {name}\n"
        for i, name in enumerate(usernames))
    path = tmp_path / "snapshot.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n" + items)
    return str(path)


def test_a_clash_with_a_live_object_is_a_result_on_the_manifest_side(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "m.yaml").write_text(CLASH.split("---\n")[0])
    document = sarif_of(tmp_path, "m.yaml", "--cluster-snapshot", _snapshot(tmp_path, "u-report-0f0"))
    [result] = _results(document)
    assert _uri(result["locations"][0]) == "m.yaml"
    assert "ns/KongConsumer/live-0" in result["message"]["text"]
    [related] = result["relatedLocations"]  # the live object, at its line of the snapshot file
    assert _uri(related) == "snapshot.yaml" and related["physicalLocation"]["region"]["startLine"] == 4


def test_a_clash_wholly_in_a_snapshot_is_located_in_the_snapshot_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: unrelated}\n")
    document = sarif_of(tmp_path, "m.yaml", "--cluster-snapshot", _snapshot(tmp_path, "dup", "dup"))
    results = _results(document)
    assert [_uri(r["locations"][0]) for r in results] == ["snapshot.yaml"] * 2
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [4, 11]
    assert all(r["level"] == "warning" for r in results)  # already in the cluster


def test_a_whole_file_error_starts_at_line_1(tmp_path):
    (tmp_path / "huge.yaml").write_text("kind: Secret\n" + "x" * 2000 + "\n")
    document = sarif_of(tmp_path, "--max-file-size", "1K", "huge.yaml")
    [note] = _notifications(document)
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "endLine": 1}


def test_hostile_names_cannot_open_or_close_a_message_link(tmp_path):
    doc = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: \"x](javascript:alert(1))[{n}\"\n"
           "  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: same\n")
    (tmp_path / "c.yaml").write_text(doc.format(n="1") + "---\n" + doc.format(n="2"))
    document = sarif_of(tmp_path, "c.yaml")
    text = _results(document)[0]["message"]["text"]
    assert "[default/KongConsumer/x\\](javascript:alert(1))\\[2](1)" in text
