"""Suppressions (annotation, comment) and the baseline file, through the command line."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kongcheck.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example"
CONSUMER = """apiVersion: configuration.konghq.com/v1
kind: KongConsumer{kind_comment}
metadata:
  name: {name}
  annotations:
    kubernetes.io/ingress.class: kong{annotation}
username: shared{field_comment}
"""


def consumer(name, kind_comment="", annotation="", field_comment=""):
    if annotation:
        annotation = f"\n    kongcheck.io/ignore: \"{annotation}\""
    return CONSUMER.format(name=name, kind_comment=kind_comment, annotation=annotation, field_comment=field_comment)


def scan(*args):
    return CliRunner().invoke(main, ["scan", "--no-config", *args], catch_exceptions=False)


def write(tmp_path, *docs) -> str:
    path = tmp_path / "c.yaml"
    path.write_text("---\n".join(docs))
    return str(path)


def test_every_side_suppressed_by_annotation_and_comments(tmp_path):
    path = write(tmp_path, consumer("a", kind_comment="  # kongcheck: ignore[consumer-username-conflict]"),
                 consumer("b", annotation="duplicate-resource, consumer-username-conflict"),
                 consumer("c", field_comment="  # kongcheck: ignore[all]"))
    result = scan(path)
    assert result.exit_code == 0
    assert "1 suppressed" in result.stdout and "username-conflict" not in result.stdout
    shown = scan(path, "--show-suppressed")
    assert "consumer-username-conflict" in shown.stdout and "(suppressed)" in shown.stdout
    data = json.loads(scan(path, "--format", "json").stdout)
    assert data["summary"]["suppressed"] == 1 and data["findings"] == []
    assert shown.stderr == ""


def test_partly_suppressed_clash_is_still_reported(tmp_path):
    path = write(tmp_path, consumer("a", annotation="consumer-username-conflict"), consumer("b"))
    result = scan(path)
    assert result.exit_code == 1
    assert "consumer-username-conflict" in result.stdout and "1 suppressed" not in result.stdout


def test_suppression_of_another_rule_does_not_apply(tmp_path):
    path = write(tmp_path, consumer("a", annotation="jwt-key-conflict"),
                 consumer("b", field_comment="  # kongcheck: ignore[jwt-key-conflict]"))
    assert scan(path).exit_code == 1


def test_unknown_rule_ids_are_warnings_with_file_and_line(tmp_path):
    path = write(tmp_path, consumer("a", annotation="consumer-username-conflict,no-such-rule"),
                 consumer("b", kind_comment="  # kongcheck: ignore[consumer-username-conflict, typo]"))
    result = scan(path)
    assert result.exit_code == 0
    assert f"kongcheck: warning: {path}:7: unknown rule 'no-such-rule' in annotation kongcheck.io/ignore" \
        in result.stderr
    assert f"{path}:11: unknown rule 'typo' in a kongcheck: ignore comment" in result.stderr


def test_sarif_marks_suppressed_results(tmp_path):
    path = write(tmp_path, consumer("a", annotation="all"), consumer("b", annotation="all"))
    document = json.loads(scan(path, "--format", "sarif").stdout)
    results = document["runs"][0]["results"]
    assert len(results) == 2 and all(r["suppressions"][0]["kind"] == "inSource" for r in results)


def test_baseline_fails_only_on_new_findings(tmp_path):
    manifests = tmp_path / "manifests"
    shutil.copytree(EXAMPLE, manifests)
    baseline = tmp_path / "baseline.json"
    written = scan(str(manifests), "--write-baseline", str(baseline))
    assert written.exit_code == 0 and "4 suppressed" in written.stdout
    text = baseline.read_text()
    assert "k-7f3a9c" not in text and "partner-issuer" not in text
    assert len(json.loads(text)["findings"]) == 4
    # lines move: still known
    for source in manifests.iterdir():
        source.write_text("# moved\n\n\n" + source.read_text())
    assert scan(str(manifests), "--baseline", str(baseline)).exit_code == 0
    # a new clash: only it fails
    (manifests / "new.yaml").write_text(consumer("x") + "---\n" + consumer("y"))
    result = scan(str(manifests), "--baseline", str(baseline))
    assert result.exit_code == 1
    assert result.stdout.count("conflict ") == 1 and "4 suppressed" in result.stdout
    assert "default/KongConsumer/x" in result.stdout


def test_baseline_counts_repeated_fingerprints(tmp_path):
    one = write(tmp_path, consumer("a"), consumer("b"))
    baseline = tmp_path / "b.json"
    scan(one, "--write-baseline", str(baseline))
    assert scan(one, "--baseline", str(baseline)).exit_code == 0


def test_bad_baseline_file_exits_2(tmp_path):
    path = write(tmp_path, consumer("a"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = scan(path, "--baseline", str(bad))
    assert result.exit_code == 2 and "not a kongcheck baseline" in result.stderr
    result = scan(path, "--baseline", str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and "cannot read baseline" in result.stderr


def three_way_baseline(tmp_path):
    """A baselined clash of three consumers, one of them fixed later: still baselined."""
    path = write(tmp_path, consumer("a"), consumer("b"), consumer("c"))
    baseline = tmp_path / "b.json"
    assert scan(path, "--write-baseline", str(baseline)).exit_code == 0
    assert len(json.loads(baseline.read_text())["findings"]) == 1
    return baseline


def test_partly_fixed_baselined_clash_is_still_baselined(tmp_path):
    baseline = three_way_baseline(tmp_path)
    path = write(tmp_path, "# moved\n\n" + consumer("c"), consumer("a"))  # b deleted, lines moved
    result = scan(path, "--baseline", str(baseline))
    assert result.exit_code == 0, result.stdout
    assert "0 findings" in result.stdout and "1 suppressed" in result.stdout


def test_baselined_clash_with_a_new_participant_is_new(tmp_path):
    baseline = three_way_baseline(tmp_path)
    path = write(tmp_path, consumer("a"), consumer("d"))  # b and c deleted, d joins
    result = scan(path, "--baseline", str(baseline))
    assert result.exit_code == 1
    assert "default/KongConsumer/d" in result.stdout and "1 finding" in result.stdout
    # the same resources clashing on another value are new too
    other = write(tmp_path, consumer("a").replace("shared", "other"), consumer("b").replace("shared", "other"))
    assert scan(other, "--baseline", str(baseline)).exit_code == 1


def test_baselines_without_clash_prints_still_match_exactly(tmp_path):
    baseline = three_way_baseline(tmp_path)
    data = json.loads(baseline.read_text())
    assert "shared" not in baseline.read_text() and len(data["findings"][0]["clash"]) == 32
    del data["findings"][0]["clash"]  # as written before partial matching existed
    baseline.write_text(json.dumps(data))
    assert scan(write(tmp_path, consumer("a"), consumer("b"), consumer("c")), "--baseline", str(baseline)).exit_code == 0
    assert scan(write(tmp_path, consumer("a"), consumer("b")), "--baseline", str(baseline)).exit_code == 1


def test_show_suppressed_reaches_every_format(tmp_path):
    path = write(tmp_path, consumer("a", annotation="all"), consumer("b", annotation="all"))
    hidden = json.loads(scan(path, "--format", "json").stdout)
    shown = json.loads(scan(path, "--format", "json", "--show-suppressed").stdout)
    assert hidden["findings"] == [] and hidden["summary"]["suppressed"] == 1
    assert [f["suppressed"] for f in shown["findings"]] == [True] and shown["summary"]["findings"] == 0
    github = scan(path, "--format", "github", "--show-suppressed").stdout
    assert github.count("::notice ") == 1 and "(suppressed)" in github and "::error" not in github
    assert "::" not in scan(path, "--format", "github").stdout.split("\n")[0]
