"""Suppressions (annotation, comment) and the baseline file, through the command line."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
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


def test_a_misspelt_rule_id_in_a_suppression_is_answered_with_the_id_it_looks_like(tmp_path):
    path = write(tmp_path, consumer("a", annotation="consumer-username-conflit,jwt-conflict"),
                 consumer("b", kind_comment="  # kongcheck: ignore[consumer-username-conflict, al]"))
    result = scan(path)
    assert result.exit_code == 1  # a's misspelt suppression does not suppress
    assert (f"kongcheck: warning: {path}:7: unknown rule 'consumer-username-conflit' (did you mean "
            "'consumer-username-conflict'?), 'jwt-conflict' (did you mean 'jwt-key-conflict'?) in annotation "
            "kongcheck.io/ignore") in result.stderr
    assert f"{path}:11: unknown rule 'al' (did you mean 'all'?) in a kongcheck: ignore comment" in result.stderr


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
    (manifests / "new.yaml").write_text(consumer("x") + "---\n" + consumer("z"))
    result = scan(str(manifests), "--baseline", str(baseline))
    assert result.exit_code == 1
    assert result.stdout.count("  error  ") == 1 and "4 suppressed" in result.stdout
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


def _plain_digest_baseline(path, rule, field, value, resources):
    """A baseline as kongcheck wrote it before its value digests were salted (version 1)."""
    def digest(parts):
        return hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()[:32]

    clash = [rule, "consumers", field, hashlib.sha256(value.encode()).hexdigest()]
    path.write_text(json.dumps({"format": "kongcheck-baseline", "version": 1, "findings": [
        {"fingerprint": digest([*clash, sorted(resources)]), "clash": digest(clash), "rule": rule,
         "resources": sorted(resources)}]}))


def test_a_baseline_with_plain_digests_is_still_read_and_asks_to_be_rewritten(tmp_path):
    path = write(tmp_path, consumer("a"), consumer("b"))
    old = tmp_path / "old.json"
    _plain_digest_baseline(old, "consumer-username-conflict", "username", "shared",
                           ["default/KongConsumer/a", "default/KongConsumer/b"])
    result = scan(path, "--baseline", str(old))
    assert result.exit_code == 0 and "1 suppressed" in result.stdout
    assert (f"kongcheck: warning: {old}: this baseline holds plain SHA-256 digests of credential values, against "
            "which anyone can check a guess offline; write it again with --write-baseline") in result.stderr
    rewritten = scan(path, "--write-baseline", str(old))
    assert rewritten.exit_code == 0 and "warning" not in rewritten.stderr
    data = json.loads(old.read_text())
    assert data["version"] == 2 and data["values"]["hash"] == "scrypt"
    assert scan(path, "--baseline", str(old)).stderr == ""


def test_rewriting_a_baseline_keeps_its_salt_so_unchanged_entries_stay(tmp_path):
    both = write(tmp_path, consumer("a"), consumer("b"), consumer("x").replace("shared", "other"),
                 consumer("z").replace("shared", "other"))
    baseline = tmp_path / "b.json"
    scan(both, "--write-baseline", str(baseline))
    first = json.loads(baseline.read_text())
    one = write(tmp_path, consumer("a"), consumer("b"))  # the other clash is fixed
    scan(one, "--write-baseline", str(baseline))
    second = json.loads(baseline.read_text())
    assert second["values"] == first["values"]
    assert len(second["findings"]) == 1 and second["findings"][0] in first["findings"]
    fresh = tmp_path / "fresh.json"
    scan(one, "--write-baseline", str(fresh))
    assert json.loads(fresh.read_text())["values"]["salt"] != first["values"]["salt"]


def test_a_baseline_is_read_with_a_size_limit_and_only_from_a_regular_file(tmp_path):
    path = write(tmp_path, consumer("a"), consumer("b"))
    result = scan(path, "--baseline", "/dev/zero")
    assert result.exit_code == 2 and "/dev/zero: cannot read baseline: not a regular file" in result.stderr
    big = tmp_path / "big.json"
    scan(path, "--write-baseline", str(big))
    big.write_text(big.read_text() + " " * 2048)
    result = scan(path, "--baseline", str(big), "--max-file-size", "1K")
    assert result.exit_code == 2 and "baseline larger than --max-file-size" in result.stderr


@pytest.mark.parametrize("change", [{"n": 1 << 30}, {"n": 1000}, {"n": 16}, {"hash": "md5"}, {"salt": "!"},
                                    {"digits": True}])
def test_a_baseline_with_unusable_value_parameters_is_refused(tmp_path, change):
    path = write(tmp_path, consumer("a"), consumer("b"))
    baseline = tmp_path / "b.json"
    scan(path, "--write-baseline", str(baseline))
    data = json.loads(baseline.read_text())
    data["values"].update(change)
    baseline.write_text(json.dumps(data))
    result = scan(path, "--baseline", str(baseline))
    assert result.exit_code == 2 and "parameters are missing or out of bounds" in result.stderr


def test_writing_a_baseline_digests_each_value_once_and_accepts_what_it_wrote(tmp_path, monkeypatch):
    from kongcheck.verdict import baseline as baseline_module

    digested = []
    slow = baseline_module.ValueHash.digest
    monkeypatch.setattr(baseline_module.ValueHash, "digest", lambda self, value: digested.append(value) or slow(self, value))
    both = write(tmp_path, consumer("a"), consumer("b"), consumer("x").replace("shared", "other"),
                 consumer("z").replace("shared", "other"))
    baseline = tmp_path / "b.json"
    run = scan(both, "--write-baseline", str(baseline))
    assert run.exit_code == 0 and len(json.loads(baseline.read_text())["findings"]) == 2
    assert len(digested) == 2  # one scrypt run per clashing value, none again to read the file back
    digested.clear()
    assert scan(both, "--baseline", str(baseline)).exit_code == 0
    assert len(digested) == 2


@pytest.mark.parametrize("docs", [
    # "kongcheck:" written in values only, no comment anywhere: nothing to suppress, nothing to warn about
    (consumer("a").replace("username: shared", "username: shared\ncustom_id: 'kongcheck: ignore[all]'"),
     consumer("b", annotation="kongcheck: ignore[nothing-such]")),
    # and with comments, suppressing and naming an unknown rule
    (consumer("a", kind_comment="  # kongcheck: ignore[consumer-username-conflict]"),
     consumer("b", field_comment="  # kongcheck: ignore[no-such-rule]"), consumer("c")),
])
def test_a_stream_reads_the_same_whether_or_not_its_text_is_kept(tmp_path, monkeypatch, docs):
    import kongcheck.loading as loading
    from kongcheck.redact import comparable  # the fingerprints of one run and of another differ

    path = write(tmp_path, *docs)
    outputs = []
    for keeps in (loading._keeps_text, lambda source, data: True):
        monkeypatch.setattr(loading, "_keeps_text", keeps)
        result = scan(path, "--format", "json", "--show-suppressed")
        outputs.append((result.exit_code, comparable(result.stdout), result.stderr))
    assert outputs[0] == outputs[1]
