"""Credential Secrets made in the cluster from SealedSecrets and ExternalSecrets, through the command line."""
from __future__ import annotations

from kchelp import cli, scan_json

FIXTURE = "fixtures/secret-makers"
NOTE = ("note: 3 credential Secrets that consumers name are made by ExternalSecret and SealedSecret objects: taken "
        "as present; their values are known only in the cluster and were not checked (--cluster checks them once "
        "they exist)")


def test_made_secrets_are_present_and_the_scan_says_once_that_their_values_are_unchecked():
    run = cli("scan", FIXTURE)
    assert run.code == 0
    assert "no collisions found" in run.stdout and "5 Kong resources" in run.stdout
    assert run.stderr.splitlines().count(NOTE) == 1 and run.stderr.count("note:") == 1


def test_without_its_maker_the_secret_is_missing(tmp_path):
    text = (open(f"{FIXTURE}/consumers.yaml", encoding="utf-8").read()
            .replace("name: alice-key-auth\n  namespace: shop", "name: alice-key-auth\n  namespace: elsewhere"))
    (tmp_path / "c.yaml").write_text(text)
    run = scan_json(str(tmp_path / "c.yaml"))
    [missing] = run.findings("missing-credential-secret")
    assert "'alice-key-auth'" in missing["message"]
    assert "2 credential Secrets that consumers name" in run.stderr


def test_an_unknown_type_on_a_made_secret_fails_the_scan(tmp_path):
    text = open(f"{FIXTURE}/consumers.yaml", encoding="utf-8").read().replace("credential: jwt", "credential: bee-auth")
    (tmp_path / "c.yaml").write_text(text)
    run = scan_json(str(tmp_path / "c.yaml"))
    assert run.code == 1
    [finding] = run.findings()
    assert finding["rule"] == "invalid-credential" and "'bee-auth'" in finding["message"]
    assert finding["resources"][0]["kind"] == "ExternalSecret" and finding["resources"][0]["line"] == 49


def test_with_the_cluster_a_made_secret_that_exists_is_checked_and_the_others_are_not_there_yet(tmp_path):
    snapshot = tmp_path / "live.yaml"
    snapshot.write_text("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n"
                        "  metadata: {name: bob-key-auth, namespace: shop, labels: {konghq.com/credential: key-auth}}\n"
                        "  data: {}\n")
    run = scan_json("--cluster-snapshot", str(snapshot), FIXTURE)
    [finding] = run.findings()  # the live Secret is read, and its missing key found
    assert finding["rule"] == "webhook-rejects" and "missing required field(s): key" in finding["message"]
    assert ("note: 2 credential Secrets that consumers name are made by ExternalSecret and SealedSecret objects and "
            "not in the cluster yet: taken as present; their values were not checked") in run.stderr.splitlines()
