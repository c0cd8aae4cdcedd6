"""What each clash does on apply, for KIC 3.3/3.5 and Kong 3.3/3.9."""
from __future__ import annotations

import json

import pytest

from kchelp import fixture, scan_json
from kongcheck.redact import comparable

CREDENTIAL_FIXTURES = [
    ("jwt-key-conflict.yaml", ["partners/KongConsumer/partner-a", "partners/KongConsumer/partner-b"]),
    ("key-auth-key-conflict.yaml", ["billing/KongConsumer/billing", "shop/KongConsumer/shop"]),
    ("basic-auth-username-conflict.yaml", ["tools/KongConsumer/ci", "tools/KongConsumer/ops"]),
    ("hmac-auth-username-conflict.yaml", ["east/KongConsumer/signer", "west/KongConsumer/signer"]),
    ("oauth2-client-id-conflict.yaml", ["apps/KongConsumer/mobile", "apps/KongConsumer/web"]),
    ("credential-shared-by-consumers.yaml", ["payments/KongConsumer/payer", "payments/KongConsumer/refunder"]),
]


def outcome(path: str, kic: str, kong: str) -> dict:
    run = scan_json("--kic-version", kic, "--kong-version", kong, fixture(path))
    assert run.code == 1
    (finding,) = [f for f in run.findings() if f["outcome"]]  # hmac: custom_id-only consumers also warn on 3.3
    return finding


@pytest.mark.parametrize("path,consumers", CREDENTIAL_FIXTURES)
@pytest.mark.parametrize("kong", ["3.3", "3.9"])
def test_credential_clash_on_kic_35_drops_every_consumer(path, consumers, kong):
    finding = outcome(path, "3.5", kong)
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == ("consumers-dropped", [], consumers)
    assert "KIC 3.5 drops every KongConsumer involved" in finding["message"]
    assert "Secret has conflicting credential: conflict detected in" in finding["message"]


@pytest.mark.parametrize("path,consumers", CREDENTIAL_FIXTURES)
def test_credential_clash_on_kic_33_kong_39_rejects_the_configuration(path, consumers):
    finding = outcome(path, "3.3", "3.9")
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == ("config-rejected", [], [])
    assert "Kong 3.9 rejects the whole configuration; KIC 3.3 keeps re-applying the last good one" \
        in finding["message"]


@pytest.mark.parametrize("path,consumers", CREDENTIAL_FIXTURES)
def test_credential_clash_on_kic_33_kong_33_keeps_one_entry(path, consumers):
    finding = outcome(path, "3.3", "3.3")
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == ("one-entry-wins", [], [])
    assert "Kong 3.3 (DB-less, before 3.4) silently keeps one entry" in finding["message"]


@pytest.mark.parametrize("path", ["consumer-username-conflict.yaml", "consumer-custom-id-conflict.yaml",
                                  "consumer-group-name-conflict.yaml"])
@pytest.mark.parametrize("kic", ["3.3", "3.5"])
def test_username_custom_id_group_clashes_reject_the_configuration_on_every_kic(path, kic):
    finding = outcome(path, kic, "3.9")
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == ("config-rejected", [], [])
    assert f"Kong 3.9 rejects the whole configuration; KIC {kic} keeps re-applying" in finding["message"]


@pytest.mark.parametrize("kic", ["3.3", "3.5"])
@pytest.mark.parametrize("path,expected", [
    ("consumer-username-conflict.yaml", "one-entry-wins"),  # username is the consumers endpoint key
    ("consumer-group-name-conflict.yaml", "one-entry-wins"),  # name is the consumer_groups endpoint key
    ("consumer-custom-id-conflict.yaml", "accepted-silently"),  # custom_id is unique but not an endpoint key
])
def test_kong_33_does_not_reject_duplicates_in_db_less_mode(path, expected, kic):
    finding = outcome(path, kic, "3.3")
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == (expected, [], [])
    assert "Kong 3.3 (DB-less, before 3.4)" in finding["message"]


@pytest.mark.parametrize("kic", ["3.3", "3.5"])
@pytest.mark.parametrize("kong", ["3.3", "3.9"])
def test_vault_clash_skips_the_losers_on_every_version(kic, kong):
    finding = outcome("vault-prefix-conflict.yaml", kic, kong)
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == (
        "losers-skipped", ["/KongVault/vault-old"], ["/KongVault/vault-new", "/KongVault/vault-a"])


def test_default_versions_are_kic_35_and_kong_39():
    finding = outcome("consumer-username-conflict.yaml", "3.5", "3.9")
    default = scan_json(fixture("consumer-username-conflict.yaml")).findings()[0]
    assert json.loads(comparable(json.dumps(default))) == json.loads(comparable(json.dumps(finding)))


@pytest.mark.parametrize("flag,value", [
    ("--kic-version", "1.3"), ("--kic-version", "2.13"), ("--kic-version", "latest"), ("--kic-version", "3"),
    ("--kong-version", "2.8"), ("--kong-version", "x.y"), ("--kong-version", ""),
])
def test_unknown_or_unparsable_versions_are_usage_errors(flag, value):
    run = scan_json(flag, value, fixture("clean"))
    assert run.code == 2
    assert run.stdout == ""
    assert "version" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("flag,value", [("--kic-version", "v3.4.2"), ("--kic-version", "3.1"),
                                        ("--kong-version", "3.0"), ("--kong-version", "3.4.1")])
def test_known_versions_with_patch_or_v_prefix_are_accepted(flag, value):
    run = scan_json(flag, value, fixture("clean"))
    assert run.code == 0 and run.stderr == ""


@pytest.mark.parametrize("flag,value,product,stands_for", [
    ("--kic-version", "3.6", "KIC", "3.5.13"), ("--kic-version", "4.0", "KIC", "3.5.13"),
    ("--kic-version", "3.4.99", "KIC", "3.4.20"), ("--kong-version", "3.10", "Kong", "3.9.3"),
])
def test_newer_versions_warn_and_predict_the_newest_known(flag, value, product, stands_for):
    run = scan_json(flag, value, fixture("consumer-username-conflict.yaml"))
    assert run.code == 1
    assert run.stderr.strip() == (f"kongcheck: warning: {product} {value} is newer than the releases kongcheck "
                                  f"knows; it predicts what {product} {stands_for} does")
    (finding,) = run.findings()
    assert finding["outcome"] == "config-rejected"
    if product == "Kong":  # messages name the version as it was asked for
        assert f"Kong {value} rejects the whole configuration" in finding["message"]


def test_kic_2_reads_no_label_so_labelled_secrets_are_untyped_and_vaults_unsupported():
    run = scan_json("--kic-version", "2.12", fixture("clean"))
    assert run.code == 1
    untyped = run.findings("invalid-credential")
    assert sorted(f["resources"][0]["name"] for f in untyped) == ["backend-acl", "backend-jwt", "frontend-acl",
                                                                  "frontend-key"]
    assert all("reads the credential type only from the kongCredType data key" in f["message"] for f in untyped)
    (vault,) = run.findings("crd-missing")
    assert "the KongVault CRD does not exist before KIC 3.1" in vault["message"]


UNIQUE_FIXTURES = [path for path, _ in CREDENTIAL_FIXTURES[:-1]] + [
    "consumer-username-conflict.yaml", "consumer-custom-id-conflict.yaml", "consumer-group-name-conflict.yaml",
    "vault-prefix-conflict.yaml"]


@pytest.mark.parametrize("path", UNIQUE_FIXTURES)
@pytest.mark.parametrize("kic", ["3.3", "3.5"])
def test_kong_error_is_quoted_only_where_kong_returns_it(path, kic):
    """Kong < 3.4 DB-less never returns 'uniqueness violation'; where KIC resolves the clash first
    (vault dedupe, KIC >= 3.4 credential conflicts) Kong never sees it."""
    old = outcome(path, kic, "3.3")["message"]
    assert "uniqueness violation" not in old and "already declared" not in old
    new = outcome(path, kic, "3.9")["message"]
    prevented = path.startswith("vault") or (kic == "3.5" and path in dict(CREDENTIAL_FIXTURES))
    if prevented:
        assert "Kong would reject it with \"uniqueness violation: '" in new
        assert "so Kong never sees it" in new
    else:
        assert "Kong 3.9 answers \"uniqueness violation: '" in new
