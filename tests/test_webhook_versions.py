"""What KIC's admission webhook refuses, per KIC release and install, on both sides of every release
where its answer changed (fixtures/webhook, written from KIC's internal/admission code and tests)."""
from __future__ import annotations

import pytest

from kchelp import scan_json

W = "fixtures/webhook"
FAILED = "consumer credential failed validation: "


def refusals(path: str, *flags: str) -> dict[str, str]:
    """Secret or consumer name -> KIC's answer quoted in its webhook-rejects finding."""
    found = {}
    for finding in scan_json(*flags, f"{W}/{path}").findings("webhook-rejects"):
        message = finding["message"]
        found[finding["resources"][0]["name"]] = message.split(FAILED, 1)[1].split('"', 1)[0] \
            if FAILED in message else message
    return found


@pytest.mark.parametrize("kic, refused", [
    ("2.12", {}), ("3.0", {}), ("3.5", {}),
])
def test_valid_and_untyped_secrets_pass_every_release(kic, refused):
    assert refusals("secret-types.yaml", "--kic-version", kic) == refused


@pytest.mark.parametrize("path, kic, answer", [
    ("unknown-type-label.yaml", "2.12", None),  # 2.x never reads the label
    ("unknown-type-label.yaml", "3.0", "invalid credential type bee-auth"),
    ("unknown-type-label.yaml", "3.1", "invalid credential type bee-auth"),
    ("unknown-type-kongcredtype.yaml", "3.0", "invalid credential type bee-auth"),
    ("unknown-type-label.yaml", "3.5", "invalid credential type bee-auth"),
    ("unknown-type-kongcredtype.yaml", "2.12.0", None),  # only updates of referenced Secrets were checked
    ("unknown-type-kongcredtype.yaml", "2.12.1", "invalid credential type bee-auth"),
    ("unknown-type-kongcredtype.yaml", "3.1", "invalid credential type bee-auth"),
    ("unknown-type-kongcredtype.yaml", "3.2.0", None),  # kongCredType is ignored from 3.2.0
    ("konnect.yaml", "3.4.3", "invalid credential type konnect"),
    ("konnect.yaml", "3.4.4", None),
    ("konnect.yaml", "2.12", None),
    ("empty-label.yaml", "3.1", "invalid credential type "),
    ("empty-label.yaml", "3.2.0", None),
    ("empty-label.yaml", "3.4.3", None),
    ("empty-label.yaml", "3.4.4", "invalid credential type "),
])
def test_the_credential_type_per_release(path, kic, answer):
    found = refusals(path, "--kic-version", kic)
    assert list(found.values()) == ([answer] if answer is not None else [])


def test_an_unknown_type_is_located_at_the_label_or_the_data_key():
    (label,) = scan_json(f"{W}/unknown-type-label.yaml").findings("webhook-rejects")
    assert (label["resources"][0]["line"], label["resources"][0]["column"]) == (8, 28)
    (legacy,) = scan_json("--kic-version", "3.1", f"{W}/unknown-type-kongcredtype.yaml").findings("webhook-rejects")
    assert (legacy["resources"][0]["line"], legacy["resources"][0]["column"]) == (8, 17)


@pytest.mark.parametrize("kic, answers", [
    ("2.12.8", {"disagree": "missing required field(s): username, password",
                "type-only": "invalid credentials secret, no data present"}),
    ("3.0", {"key-absent": "missing required field(s): key", "key-empty": "some fields were invalid due to missing "
             "data: key", "no-data": "missing required field(s): key", "type-only": "missing required field(s): key"}),
    ("3.5", {"key-absent": "missing required field(s): key", "key-empty": "some fields were invalid due to missing "
             "data: key", "no-data": "missing required field(s): key"}),
])
def test_required_fields_per_release(kic, answers):
    assert refusals("fields.yaml", "--kic-version", kic) == answers


@pytest.mark.parametrize("kic, answers", [
    ("3.1.2", {"hs512": "missing required field(s): rsa_public_key",
               "hs256-no-secret": "missing required field(s): rsa_public_key, secret",
               "rs256": "missing required field(s): secret",
               "rs256-only-algorithm": "missing required field(s): rsa_public_key, key, secret",
               "rs256-empty": "missing required field(s): secret",
               "hs256-lower": "missing required field(s): rsa_public_key",
               "no-algorithm": "missing required field(s): algorithm, rsa_public_key"}),
    ("3.1.3", {"hs256-no-secret": "missing required field(s): secret",
               "rs256": "missing required field(s): secret",
               "rs256-only-algorithm": "missing required field(s): rsa_public_key, key, secret",
               "rs256-empty": "missing required field(s): secret",
               "hs256-lower": "missing required field(s): rsa_public_key",
               "no-algorithm": "missing required field(s): algorithm, rsa_public_key"}),
    ("3.3", None),  # as 3.1.3
    ("3.4.0", {"hs256-no-secret": "missing required field(s): secret",
               "rs256-only-algorithm": "missing required field(s): rsa_public_key, key",
               "rs256-empty": "some fields were invalid due to missing data: rsa_public_key, key",
               "hs256-lower": "missing required field(s): rsa_public_key",
               "no-algorithm": "missing required field(s): algorithm, rsa_public_key"}),
])
def test_jwt_fields_per_release(kic, answers):
    found = refusals("jwt.yaml", "--kic-version", kic)
    assert found == (answers if answers is not None else refusals("jwt.yaml", "--kic-version", "3.1.3"))


KEY_ABSENT = {"legacy-key-absent": "missing required field(s): key"}
HS256 = {"legacy-hs256": "missing required field(s): rsa_public_key"}


@pytest.mark.parametrize("kic, answers", [
    ("2.12.0", {}),  # only updates of Secrets a consumer names were checked
    ("2.12.1", {**KEY_ABSENT, **HS256}), ("2.12.8", {**KEY_ABSENT, **HS256}), ("3.0", {**KEY_ABSENT, **HS256}),
    ("3.1.2", {**KEY_ABSENT, **HS256}),
    ("3.1.3", KEY_ABSENT),  # an HMAC algorithm needs no rsa_public_key
    ("3.1", KEY_ABSENT),
    ("3.2.0", {}), ("3.5", {}),  # kongCredType is not read
])
def test_unreferenced_secrets_typed_only_by_kong_cred_type_per_release(kic, answers):
    assert refusals("kongcredtype-fields.yaml", "--kic-version", kic) == answers


@pytest.mark.parametrize("kic, refused", [("3.1", True), ("3.2.0", False)])
def test_a_secret_holding_only_kong_cred_type_on_both_sides_of_32(kic, refused):
    found = refusals("fields.yaml", "--kic-version", kic)
    assert found.get("type-only") == ("missing required field(s): key" if refused else None)


def test_secrets_the_helm_chart_does_not_send_are_not_refused():
    assert refusals("helm-owned.yaml") == {}
    assert refusals("helm-owned.yaml", "--webhook", "kic") == {"release-owned": "missing required field(s): key"}


@pytest.mark.parametrize("kic, refused", [("2.12", False), ("3.0", True), ("3.5", True)])
def test_a_consumer_naming_an_untyped_secret(kic, refused):
    (finding,) = scan_json("--kic-version", kic, f"{W}/consumer-untyped-secret.yaml").findings("invalid-credential")
    if refused:
        assert (f"the KIC {kic} webhook refuses default/KongConsumer/holder (\"{FAILED}secret has no credential "
                "type, add a konghq.com/credential label\")") in finding["message"]
    else:
        assert "KIC keeps default/KongConsumer/holder without it" in finding["message"]


def test_consumers_without_the_exact_class_annotation_are_not_checked():
    (finding,) = scan_json(f"{W}/consumer-classless.yaml").findings("missing-credential-secret")
    assert finding["message"].endswith("KIC skips it and keeps the consumer without it")


@pytest.mark.parametrize("kic", ["3.0", "3.5"])
def test_a_new_consumer_whose_credential_a_live_consumer_holds_is_refused(kic):
    run = scan_json("--kic-version", kic, "--cluster-snapshot", f"{W}/live/batman.yaml",
                    f"{W}/unique-username-taken.yaml")
    (finding,) = run.findings("basic-auth-username-conflict")
    assert (finding["outcome"], finding["dropped"]) == ("apply-refused", ["default/KongConsumer/batman-2"])
    assert f"{FAILED}unique key constraint violated for username" in finding["message"]


@pytest.mark.parametrize("kic, outcome", [("3.3", "config-rejected"), ("3.5", "consumers-dropped")])
def test_the_webhook_index_holds_only_consumers_with_the_exact_class(kic, outcome):
    run = scan_json("--kic-version", kic, "--cluster-snapshot", f"{W}/live/batman-classless.yaml",
                    f"{W}/unique-username-taken.yaml")
    (finding,) = run.findings("basic-auth-username-conflict")
    assert finding["outcome"] == outcome


@pytest.mark.parametrize("kic", ["2.12", "3.0", "3.5"])
def test_a_username_kong_already_has_is_refused_on_every_release(kic):
    run = scan_json("--kic-version", kic, "--cluster-snapshot", f"{W}/live/username.yaml", f"{W}/consumer-exists.yaml")
    (finding,) = run.findings("consumer-username-conflict")
    assert (finding["outcome"], finding["dropped"]) == ("apply-refused", ["default/KongConsumer/username"])
    assert "('consumer already exists')" in finding["message"] and "uniqueness violation" not in finding["message"]


@pytest.mark.parametrize("kic, refused", [("2.12", False), ("3.0", True)])
def test_an_update_that_changes_the_username_is_checked(kic, refused):
    run = scan_json("--kic-version", kic, "--cluster-snapshot", f"{W}/live/username.yaml",
                    f"{W}/consumer-update-username.yaml")
    (finding,) = run.findings("missing-credential-secret")
    if refused:
        assert f'the KIC {kic} webhook refuses default/KongConsumer/foo ("consumer referenced non-existent ' \
               'credentials secret: secrets "does-not-exist" not found")' in finding["message"]
    else:
        assert "internal error, which failurePolicy Ignore (the kong Helm chart) lets through" in finding["message"]
        kic_manifests = scan_json("--kic-version", kic, "--webhook", "kic", "--cluster-snapshot",
                                  f"{W}/live/username.yaml", f"{W}/consumer-update-username.yaml")
        assert "failurePolicy Fail" in kic_manifests.findings("missing-credential-secret")[0]["message"]


def test_an_update_that_keeps_the_username_is_not_checked():
    run = scan_json("--cluster-snapshot", f"{W}/live/username.yaml", f"{W}/consumer-update-same-username.yaml")
    (finding,) = run.findings("missing-credential-secret")
    assert finding["message"].endswith("KIC skips it and keeps the consumer without it")


@pytest.mark.parametrize("kic, warned", [("2.12", False), ("3.0", True), ("3.5", True)])
def test_a_consumer_applied_before_its_secret_is_refused_when_the_rule_is_on(tmp_path, kic, warned):
    (tmp_path / ".kongcheck.yaml").write_text("rules:\n  consumer-applied-before-secret: {enabled: true}\n")
    run = scan_json("--config", str(tmp_path / ".kongcheck.yaml"), "--kic-version", kic,
                    f"{W}/consumer-before-secret.yaml")
    found = run.findings("consumer-applied-before-secret")
    assert bool(found) is warned
    if warned:
        assert found[0]["severity"] == "warning"
        assert [r["name"] for r in found[0]["resources"]] == ["alice", "alice-key"]
    assert scan_json(f"{W}/consumer-before-secret.yaml").findings() == []  # off by default


@pytest.mark.parametrize("webhook, outcome, dropped", [
    ("chart", "losers-skipped", ["/KongVault/a-vault-new"]),
    ("kic", "apply-refused", ["/KongVault/a-vault-new"]),
])
def test_a_new_vault_reusing_a_live_prefix(webhook, outcome, dropped):
    run = scan_json("--webhook", webhook, "--cluster-snapshot", f"{W}/live/vault.yaml", f"{W}/vault-new.yaml")
    (finding,) = run.findings("vault-prefix-conflict")
    assert (finding["outcome"], finding["kept"], finding["dropped"]) == (outcome, ["/KongVault/vault-live"], dropped)
    if webhook == "kic":
        assert 'spec.prefix "shared" is duplicate with existing KongVault "vault-live"' in finding["message"]
    else:
        assert "already in the cluster, so the oldest" in finding["message"]
        assert "with KIC's own webhook manifests (--webhook kic) `kubectl apply` refuses" in finding["message"]


def test_vaults_applied_together_say_when_the_winner_depends_on_the_clock():
    (finding,) = scan_json(f"{W}/vaults-together.yaml").findings("vault-prefix-conflict")
    assert finding["kept"] == ["/KongVault/a-vault"]
    assert "if a second boundary falls between the creates, it keeps 'z-vault', applied first" in finding["message"]


def test_a_vault_on_kic_30_cannot_be_applied():
    (finding,) = scan_json("--kic-version", "3.0", f"{W}/vault-new.yaml").findings()
    assert (finding["rule"], finding["severity"]) == ("crd-missing", "error")
    run = scan_json("--kic-version", "3.1.0", f"{W}/vault-new.yaml")  # the release whose CRDs add KongVault
    assert run.code == 0 and run.findings() == []
