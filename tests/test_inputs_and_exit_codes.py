"""Inputs, locations, exit codes, and one object with many definitions."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kchelp import ROOT, cli, fixture, res, scan_json


def test_lists_json_and_secretlist_with_exact_locations():
    run = scan_json(fixture("formats"))
    assert run.code == 1
    username, jwt = run.findings()
    assert username["rule"] == "consumer-username-conflict"
    assert username["resources"] == [
        res("KongConsumer", "batch", "json-c", fixture("formats/list.json"), 10, 19),
        res("KongConsumer", "batch", "listed-a", fixture("formats/list.yaml"), 12, 15),
    ]
    assert jwt["rule"] == "jwt-key-conflict"
    # listed-b (a consumer in consumer.json) owns a Secret from a SecretList
    assert sorted(jwt["resources"], key=lambda r: r["line"]) == [
        res("Secret", "batch", "listed-a-jwt", fixture("formats/list.yaml"), 23, 12),
        res("Secret", "batch", "listed-b-jwt", fixture("formats/list.yaml"), 38, 10),
    ]
    assert jwt["dropped"] == ["batch/KongConsumer/listed-a", "batch/KongConsumer/listed-b"]
    assert run.json["summary"] == {"files": 3, "documents": 4, "kong_resources": 5, "findings": 2,
                                   "suppressed": 0, "errors": 0}


def test_anchors_aliases_and_merge_keys():
    path = fixture("anchors.yaml")
    run = scan_json(path)
    (finding,) = run.findings()
    assert finding["rule"] == "basic-auth-username-conflict"
    # anchor-b-basic's username comes from the merge key: it is written once, at line 22
    assert finding["resources"] == [res("Secret", "mesh", "anchor-a-basic", path, 22, 17),
                                    res("Secret", "mesh", "anchor-b-basic", path, 22, 17)]
    assert finding["dropped"] == ["mesh/KongConsumer/anchor-a", "mesh/KongConsumer/anchor-b"]


def test_stdin_is_named_stdin():
    data = (ROOT / fixture("consumer-username-conflict.yaml")).read_bytes()
    run = scan_json("-", input=data)
    (finding,) = run.findings()
    assert finding["resources"] == [res("KongConsumer", "analytics", "reporting", "<stdin>", 9, 11, "stdin"),
                                    res("KongConsumer", "finance", "reporting", "<stdin>", 18, 11, "stdin")]


def test_stdin_mixed_with_files_collides_across_them():
    data = (ROOT / fixture("formats/list.json")).read_bytes()
    run = scan_json(fixture("formats/list.yaml"), "-", input=data)
    (username,) = run.findings("consumer-username-conflict")
    assert [(r["file"], r["line"]) for r in username["resources"]] == [(fixture("formats/list.yaml"), 12),
                                                                        ("<stdin>", 10)]


def test_last_definition_wins_across_files_and_never_collides_with_itself():
    folder = fixture("duplicate-resource")
    run = scan_json(folder)
    assert run.code == 0
    # erin reuses the username of dana's FIRST definition only: no clash; the Secret's old key is gone
    assert run.rules() == ["duplicate-resource", "duplicate-resource"]
    consumer, secret = run.findings()
    assert consumer["severity"] == "warning"
    assert consumer["resources"] == [res("KongConsumer", "crm", "dana", f"{folder}/10-consumer.yaml", 3, 7),
                                     res("KongConsumer", "crm", "dana", f"{folder}/20-consumer.yaml", 3, 7)]
    assert secret["resources"] == [res("Secret", "crm", "dana-key", f"{folder}/20-consumer.yaml", 13, 7),
                                   res("Secret", "crm", "dana-key", f"{folder}/30-secret.yaml", 3, 7)]
    assert f"the last one ({folder}/30-secret.yaml:3:7) is what the cluster keeps" in secret["message"]


def test_apply_order_follows_the_command_line(tmp_path):
    """Given in reverse, 10-consumer.yaml is applied last: its username now clashes with erin's."""
    folder = fixture("duplicate-resource")
    run = scan_json(f"{folder}/20-consumer.yaml", f"{folder}/10-consumer.yaml")
    (clash,) = run.findings("consumer-username-conflict")
    assert [(r["name"], r["file"], r["line"]) for r in clash["resources"]] == [
        ("dana", f"{folder}/10-consumer.yaml", 9), ("erin", f"{folder}/20-consumer.yaml", 29)]


def test_a_clean_tree_exits_0_with_a_clean_summary():
    run = cli("scan", fixture("clean"))
    assert run.code == 0
    assert run.stdout == ("no collisions found: 0 findings (0 errors, 0 warnings) in 3 files, 9 documents, "
                          "8 Kong resources\n")
    data = scan_json(fixture("clean")).json
    assert data["summary"] == {"files": 3, "documents": 9, "kong_resources": 8, "findings": 0, "suppressed": 0,
                               "errors": 0}
    assert data["findings"] == [] and data["errors"] == []


@pytest.mark.parametrize("fail_on,errors,warnings", [("error", 1, 0), ("warning", 1, 1), ("never", 0, 0)])
def test_exit_codes_follow_fail_on(fail_on, errors, warnings):
    assert cli("scan", "--fail-on", fail_on, fixture("consumer-username-conflict.yaml")).code == errors
    assert cli("scan", "--fail-on", fail_on, fixture("missing-credential-secret.yaml")).code == warnings
    assert cli("scan", "--fail-on", fail_on, fixture("clean")).code == 0


def test_unreadable_input_exits_2_and_the_rest_is_still_scanned(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  labels: [\n")
    run = scan_json("--fail-on", "never", str(broken), fixture("consumer-username-conflict.yaml"),
                    str(tmp_path / "missing.yaml"))
    assert run.code == 2
    assert run.rules() == ["consumer-username-conflict"]
    errors = run.json["errors"]
    assert [(e["file"], e["line"]) for e in errors] == [(str(tmp_path / "missing.yaml"), None),
                                                       (str(broken), 5)]  # its last line
    assert all("Traceback" not in e["message"] for e in errors)
    text = cli("scan", str(broken))
    assert text.code == 2 and f"{broken}:5: invalid YAML" in text.stdout


def test_usage_errors_exit_2():
    assert cli("scan", "--fail-on", "sometimes", fixture("clean")).code == 2
    assert cli("scan", "--format", "yaml", fixture("clean")).code == 2


def test_text_output_leads_with_the_place_and_lists_each_participant_on_its_line():
    run = cli("scan", fixture("vault-prefix-conflict.yaml"))
    path = fixture("vault-prefix-conflict.yaml")
    lines = run.stdout.splitlines()
    assert lines[0] == f"{path}:11:11  error  vault-prefix-conflict  3 KongVaults share prefix 'shared-secrets'"
    assert lines[1:4] == [
        f"    /KongVault/vault-new  {path}:11:11",
        f"    /KongVault/vault-old  {path}:22:11",
        f"    /KongVault/vault-a    {path}:32:11",
    ]
    assert lines[4].startswith("  Kong would reject it with")
    assert lines[5:7] == [
        "  outcome: losers-skipped; kept: /KongVault/vault-old; dropped: /KongVault/vault-new, /KongVault/vault-a",
        "  help: kongcheck rules vault-prefix-conflict (docs/rules.md#vault-prefix-conflict)",
    ]
    assert lines[-1] == "1 finding (1 error, 0 warnings) in 1 file, 3 documents, 3 Kong resources"


def test_output_file_and_python_dash_m(tmp_path):
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "kongcheck", "scan", "-f", "json", "-o", str(out),
                           fixture("consumer-custom-id-conflict.yaml")], cwd=ROOT, capture_output=True)
    assert proc.returncode == 1 and proc.stdout == b""
    assert '"rule": "consumer-custom-id-conflict"' in out.read_text()


def test_label_value_of_the_wrong_type_is_an_input_error(tmp_path):
    manifest = tmp_path / "typed-label.yaml"
    manifest.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n  labels:\n"
                        "    konghq.com/credential: 42\nstringData:\n  key: some-key\n")
    run = scan_json(str(manifest))
    assert run.code == 2
    (error,) = run.json["errors"]
    assert error["line"] == 6
    assert "metadata.labels['konghq.com/credential']" in error["message"] and "must be text" in error["message"]


def test_an_output_file_that_cannot_be_written_is_exit_2_not_1(tmp_path):
    run = cli("scan", "--no-config", "fixtures/rules/clean", "-f", "json", "-o", str(tmp_path / "no" / "such" / "x.json"))
    assert run.code == 2
    assert "cannot write" in run.stderr and "x.json" in run.stderr


def test_a_missing_secret_warning_points_at_unreadable_inputs(tmp_path):
    (tmp_path / "consumer.yaml").write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: c\ncredentials: [c-key]\n")
    (tmp_path / "secret.yaml").write_text(  # a duplicate key: refused (kubectl would keep the last one), no name is read
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: c-key\n  name: c-key\n  labels:\n"
        "    konghq.com/credential: key-auth\nstringData:\n  key: unreadable-key-1\n")
    run = scan_json(str(tmp_path))
    assert run.code == 2
    (finding,) = run.findings("missing-credential-secret")
    assert "or is in the input that could not be read; see the input errors" in finding["message"]
    clean = scan_json(str(tmp_path / "consumer.yaml"))
    assert "could not be read" not in clean.findings("missing-credential-secret")[0]["message"]
    (tmp_path / "other.yaml").write_text("kind: KongConsumer\nmetadata: [\n")
    (finding,) = scan_json(str(tmp_path)).findings("missing-credential-secret")
    assert "or is in one of the 2 inputs that could not be read; see the input errors" in finding["message"]


def test_a_document_without_kind_beside_objects_exits_2_and_the_objects_are_still_scanned(tmp_path):
    manifest = tmp_path / "consumers.yaml"
    manifest.write_text(open(fixture("consumer-username-conflict.yaml")).read().rstrip("\n")
                        + "\n---\napiVersion: v1\nmetadata:\n  name: forgotten\n---\n# only a comment\n---\nnull\n")
    lines = manifest.read_text().splitlines()
    run = scan_json(str(manifest))
    assert run.code == 2
    assert run.rules() == ["consumer-username-conflict"]
    [error] = run.json["errors"]
    kindless = len(lines) - lines[::-1].index("apiVersion: v1")  # the kindless document's first line
    assert lines[kindless] == "metadata:" and (error["file"], error["line"]) == (str(manifest), kindless)
    assert error["message"].startswith("a mapping without kind: kubectl applies the other objects and refuses "
                                       "this one (\"Object 'Kind' is missing\"), exiting 1")
    text = cli("scan", "--no-config", str(manifest))
    assert text.code == 2 and f"{manifest}:{error['line']}: a mapping without kind" in text.stdout


@pytest.mark.parametrize("kind", ["kind:", "kind: \"\"", "kind: ''", "kind: ~  # none", "kind: null", "kind: NULL"])
def test_a_document_whose_kind_is_null_or_empty_beside_objects_exits_2(tmp_path, kind):
    manifest = tmp_path / "objects.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n---\n"
                        f"apiVersion: v1\n{kind}\nmetadata:\n  name: forgotten\n")
    run = scan_json(str(manifest))
    assert run.code == 2
    [error] = run.json["errors"]
    assert (error["file"], error["line"]) == (str(manifest), 6)
    assert error["message"].startswith("a mapping without kind: kubectl applies the other objects")


@pytest.mark.parametrize("entry", ["annotations:\n    konghq.com/plugins: [rate-limit]",
                                   "annotations:\n    kongcheck.io/ignore: {rule: all}",
                                   "labels:\n    team: 7"])
def test_a_label_or_annotation_that_is_not_text_is_an_input_error_at_its_line(tmp_path, entry):
    manifest = tmp_path / "consumer.yaml"
    manifest.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
                        f"  {entry}\nusername: alice\n")
    run = scan_json(str(manifest))
    assert run.code == 2 and "internal error" not in run.stderr
    [error] = run.json["errors"]
    assert (error["file"], error["line"]) == (str(manifest), 6)
    assert error["message"].startswith("KongConsumer 'alice': metadata.")
