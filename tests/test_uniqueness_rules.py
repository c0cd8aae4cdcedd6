"""Every uniqueness rule on its fixture: exact JSON finding, locations, outcome (KIC 3.5, Kong 3.9)."""
from __future__ import annotations

import re

import pytest

from kchelp import fixture, res, scan_json


class _Keyed:
    """Equal to any keyed value fingerprint (``fp:`` and 12 hex digits: a new key each run)."""

    def __eq__(self, other) -> bool:
        return isinstance(other, str) and re.fullmatch(r"fp:[0-9a-f]{12}", other) is not None

    def __repr__(self) -> str:
        return "fp:<12 hex digits>"


KEYED = _Keyed()


def only_finding(path: str, *args: str) -> dict:
    run = scan_json(*args, fixture(path))
    assert run.code == 1, run.stdout
    findings = run.findings()
    assert len(findings) == 1, [f["rule"] for f in findings]
    return findings[0]


def assert_finding(finding: dict, **expected) -> None:
    message = expected.pop("message_has", ())
    for key, value in expected.items():
        assert finding[key] == value, key
    for text in message:
        assert text in finding["message"]
    assert finding["severity"] == "error"
    assert finding["suppressed"] is False


def test_jwt_key_conflict_reads_data_and_stringdata_over_data():
    path = fixture("jwt-key-conflict.yaml")
    finding = only_finding("jwt-key-conflict.yaml")
    assert_finding(
        finding,
        rule="jwt-key-conflict", entity="jwt_secrets", field="key", value_fingerprint=KEYED,
        outcome="consumers-dropped", kept=[],
        dropped=["partners/KongConsumer/partner-a", "partners/KongConsumer/partner-b"],
        # partner-b's stale base64 key (line 46) is overridden by stringData.key (line 49)
        resources=[res("Secret", "partners", "partner-a-jwt", path, 35, 8),
                   res("Secret", "partners", "partner-b-jwt", path, 49, 8)],
        message_has=["uniqueness violation: 'jwt_secrets' entity with key set to "
                     f"'{finding['value_fingerprint']}' already declared",
                     "Consumer has conflicting credentials", "jwt-auth on 'key'"],
    )


def test_key_auth_key_conflict_across_namespaces():
    path = fixture("key-auth-key-conflict.yaml")
    assert_finding(
        only_finding("key-auth-key-conflict.yaml"),
        rule="key-auth-key-conflict", entity="keyauth_credentials", field="key",
        value_fingerprint=KEYED, outcome="consumers-dropped", kept=[],
        dropped=["billing/KongConsumer/billing", "shop/KongConsumer/shop"],
        resources=[res("Secret", "shop", "shop-key", path, 20, 8),
                   res("Secret", "billing", "billing-key", path, 40, 8)],
        message_has=["'keyauth_credentials' entity with key set to", "key-auth on 'key'"],
    )


def test_basic_auth_username_conflict():
    path = fixture("basic-auth-username-conflict.yaml")
    assert_finding(
        only_finding("basic-auth-username-conflict.yaml"),
        rule="basic-auth-username-conflict", entity="basicauth_credentials", field="username",
        value_fingerprint=KEYED, outcome="consumers-dropped", kept=[],
        dropped=["tools/KongConsumer/ci", "tools/KongConsumer/ops"],
        resources=[res("Secret", "tools", "ops-basic", path, 30, 13),
                   res("Secret", "tools", "ci-basic", path, 41, 13)],
        message_has=["'basicauth_credentials' entity with username set to"],
    )


def test_hmac_auth_username_conflict_same_names_in_two_namespaces():
    path = fixture("hmac-auth-username-conflict.yaml")
    assert_finding(
        only_finding("hmac-auth-username-conflict.yaml"),
        rule="hmac-auth-username-conflict", entity="hmacauth_credentials", field="username",
        value_fingerprint=KEYED, outcome="consumers-dropped", kept=[],
        dropped=["east/KongConsumer/signer", "west/KongConsumer/signer"],
        resources=[res("Secret", "east", "signer-hmac", path, 20, 13),
                   res("Secret", "west", "signer-hmac", path, 41, 13)],
        message_has=["'hmacauth_credentials' entity with username set to"],
    )


def test_oauth2_client_id_conflict():
    path = fixture("oauth2-client-id-conflict.yaml")
    assert_finding(
        only_finding("oauth2-client-id-conflict.yaml"),
        rule="oauth2-client-id-conflict", entity="oauth2_credentials", field="client_id",
        value_fingerprint=KEYED, outcome="consumers-dropped", kept=[],
        dropped=["apps/KongConsumer/mobile", "apps/KongConsumer/web"],
        resources=[res("Secret", "apps", "mobile-oauth", path, 31, 14),
                   res("Secret", "apps", "web-oauth", path, 44, 14)],
        message_has=["'oauth2_credentials' entity with client_id set to", "oauth2-credentials on 'client_id'"],
    )


def test_consumer_username_conflict_across_namespaces():
    path = fixture("consumer-username-conflict.yaml")
    assert_finding(
        only_finding("consumer-username-conflict.yaml"),
        rule="consumer-username-conflict", entity="consumers", field="username",
        value_fingerprint=KEYED, outcome="config-rejected", kept=[], dropped=[],
        resources=[res("KongConsumer", "analytics", "reporting", path, 9, 11),
                   res("KongConsumer", "finance", "reporting", path, 18, 11)],
        message_has=["'consumers' entity with username set to", "Kong 3.9 rejects the whole configuration",
                     "keeps re-applying the last good one"],
    )


def test_consumer_custom_id_conflict_in_the_default_namespace():
    path = fixture("consumer-custom-id-conflict.yaml")
    assert_finding(
        only_finding("consumer-custom-id-conflict.yaml"),
        rule="consumer-custom-id-conflict", entity="consumers", field="custom_id",
        value_fingerprint=KEYED, outcome="config-rejected", kept=[], dropped=[],
        resources=[res("KongConsumer", "default", "acme", path, 9, 12),
                   res("KongConsumer", "default", "acme-legacy", path, 18, 12)],
        message_has=["'consumers' entity with custom_id set to"],
    )


def test_namespace_flag_sets_namespace_of_objects_without_one():
    finding = only_finding("consumer-custom-id-conflict.yaml", "--namespace", "shop")
    assert [(r["namespace"], r["name"]) for r in finding["resources"]] == [("shop", "acme"), ("shop", "acme-legacy")]


def test_consumer_group_name_conflict_ignores_namespaces():
    path = fixture("consumer-group-name-conflict.yaml")
    assert_finding(
        only_finding("consumer-group-name-conflict.yaml"),
        rule="consumer-group-name-conflict", entity="consumer_groups", field="name",
        value_fingerprint=KEYED, outcome="config-rejected", kept=[], dropped=[],
        resources=[res("KongConsumerGroup", "team-a", "gold", path, 5, 9),
                   res("KongConsumerGroup", "team-b", "gold", path, 13, 9)],
        message_has=["uniqueness violation: 'consumer_groups' entity with name set to 'gold' already declared"],
    )


def test_vault_prefix_conflict_keeps_the_oldest_and_a_missing_timestamp_counts_as_now():
    path = fixture("vault-prefix-conflict.yaml")
    assert_finding(
        only_finding("vault-prefix-conflict.yaml"),
        rule="vault-prefix-conflict", entity="vaults", field="prefix", value_fingerprint=KEYED,
        outcome="losers-skipped", kept=["/KongVault/vault-old"],
        # vault-a has the smallest name but no creationTimestamp: it counts as created now and loses
        dropped=["/KongVault/vault-new", "/KongVault/vault-a"],
        resources=[res("KongVault", "", "vault-new", path, 11, 11),
                   res("KongVault", "", "vault-old", path, 22, 11),
                   res("KongVault", "", "vault-a", path, 32, 11)],
        message_has=["'vaults' entity with prefix set to 'shared-secrets'",
                     "spec.prefix \"shared-secrets\" is duplicate"],
    )


def test_credential_shared_by_consumers():
    path = fixture("credential-shared-by-consumers.yaml")
    assert_finding(
        only_finding("credential-shared-by-consumers.yaml"),
        rule="credential-shared-by-consumers", entity="keyauth_credentials", field="key",
        value_fingerprint=KEYED, outcome="consumers-dropped", kept=[],
        dropped=["payments/KongConsumer/payer", "payments/KongConsumer/refunder"],
        resources=[res("Secret", "payments", "team-key", path, 10, 8),
                   res("KongConsumer", "payments", "payer", path, 21, 5),
                   res("KongConsumer", "payments", "refunder", path, 32, 5)],
        message_has=["attached 2 times", "Consumer has conflicting credentials"],
    )


@pytest.mark.parametrize("path", ["jwt-key-conflict.yaml", "key-auth-key-conflict.yaml",
                                  "consumer-username-conflict.yaml", "vault-prefix-conflict.yaml"])
def test_every_finding_carries_exactly_the_documented_json_fields(path):
    finding = only_finding(path)
    assert set(finding) == {"rule", "severity", "message", "entity", "field", "value_fingerprint", "outcome", "kept",
                            "dropped", "suppressed", "resources"}
    for resource in finding["resources"]:
        assert set(resource) == {"kind", "namespace", "name", "file", "line", "column", "source"}
