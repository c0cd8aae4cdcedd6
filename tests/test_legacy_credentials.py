"""kongCredType Secrets on KIC 3.1 (deprecated, still credentials) and 3.5 (ignored)."""
from __future__ import annotations

import pytest

from kchelp import fixture, res, scan_json

PATH = fixture("legacy-credentials.yaml")


def test_kic_35_ignores_legacy_secrets_and_names_secret_and_consumer():
    run = scan_json("--kic-version", "3.5", PATH)
    assert run.code == 1
    assert run.rules() == ["legacy-credential-ignored", "legacy-credential-ignored"]  # and no key clash
    first, second = run.findings()
    assert first["severity"] == "error"
    assert first["resources"] == [res("Secret", "legacy", "old-app-key", PATH, 18, 17),
                                  res("KongConsumer", "legacy", "old-app", PATH, 10, 15)]
    assert second["resources"] == [res("Secret", "legacy", "older-app-key", PATH, 37, 17),
                                   res("KongConsumer", "legacy", "older-app", PATH, 29, 15)]
    # the consumers carry the class annotation, so the webhook refuses them rather than KIC dropping the credential
    assert ("KIC 3.5 ignores: the KIC 3.5 webhook refuses legacy/KongConsumer/old-app (\"consumer credential failed "
            "validation: secret has no credential type, add a konghq.com/credential label\")") in first["message"]


@pytest.mark.parametrize("kic", ["3.2", "3.3", "3.4"])
def test_every_kic_from_32_ignores_them(kic):
    assert scan_json("--kic-version", kic, PATH).rules() == ["legacy-credential-ignored"] * 2


def test_kic_31_reads_them_with_a_deprecation_warning_and_they_collide():
    run = scan_json("--kic-version", "3.1", PATH)
    assert run.code == 1
    assert run.rules() == ["deprecated-credential-type", "deprecated-credential-type", "key-auth-key-conflict"]
    (clash,) = run.findings("key-auth-key-conflict")
    assert clash["resources"] == [res("Secret", "legacy", "old-app-key", PATH, 19, 8),
                                  res("Secret", "legacy", "older-app-key", PATH, 38, 8)]
    assert (clash["outcome"], clash["kept"], clash["dropped"]) == ("config-rejected", [], [])
    deprecated = run.findings("deprecated-credential-type")
    assert [f["severity"] for f in deprecated] == ["warning", "warning"]
    assert deprecated[0]["resources"] == [res("Secret", "legacy", "old-app-key", PATH, 18, 17),
                                          res("KongConsumer", "legacy", "old-app", PATH, 10, 15)]
    assert "KIC 3.1 still reads it, KIC 3.2 and newer do not" in deprecated[0]["message"]


def test_kic_2_reads_them_without_warning():
    run = scan_json("--kic-version", "2.12", PATH)
    assert run.rules() == ["key-auth-key-conflict"]


def test_a_label_next_to_kongcredtype_wins_and_is_not_legacy(tmp_path):
    manifest = (tmp_path / "both.yaml")
    manifest.write_text(open(PATH).read().replace(
        "  name: old-app-key\n  namespace: legacy\n",
        "  name: old-app-key\n  namespace: legacy\n  labels:\n    konghq.com/credential: key-auth\n"))
    run = scan_json("--kic-version", "3.5", str(manifest))
    assert run.rules() == ["legacy-credential-ignored"]
    assert run.findings()[0]["resources"][0]["name"] == "older-app-key"
