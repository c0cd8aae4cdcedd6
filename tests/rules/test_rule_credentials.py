"""invalid-credential, webhook-rejects, credential-value-whitespace, from YAML strings."""
from __future__ import annotations

import pytest

from kchelp import at, consumer, findings_of, secret, yaml_stream


def _with_consumer(*secrets: str) -> str:
    names = [s.split("name: ", 1)[1].split("\n", 1)[0] for s in secrets]
    return yaml_stream(consumer("a", username="a", credentials=names), *secrets)


def test_a_missing_translator_field_is_invalid_credential_at_kind():
    [finding] = findings_of(_with_consumer(secret("k", "key-auth", other="x")))
    assert finding.rule == "webhook-rejects"  # the webhook refuses it first: kubectl apply fails
    assert '"consumer credential failed validation: missing required field(s): key"' in finding.message
    assert "default/KongConsumer/a, which names it, then finds no such Secret and is refused too" in finding.message


def test_an_empty_unique_value_fails_the_webhook():
    [finding] = findings_of(_with_consumer(secret("k", "key-auth", key="")))
    assert finding.rule == "webhook-rejects"


def test_translator_checks_run_when_the_webhook_passes():
    text = _with_consumer(secret("o", "oauth2", name="app", client_id="c", client_secret="s", redirect_uris="x",
                                 hash_secret="maybe"))
    [finding] = findings_of(text)
    assert finding.rule == "invalid-credential" and "hash_secret must be true or false" in finding.message


@pytest.mark.parametrize("algorithm, fields, kic, refused", [
    ("HS256", {"key": "k", "secret": "s"}, "3.5", False),
    ("RS256", {"key": "k", "rsa_public_key": "pem"}, "3.5", False),
    ("RS256", {"key": "k", "rsa_public_key": "pem"}, "3.3", True),  # 3.1-3.3 also want secret
    ("HS256", {"key": "k", "secret": "s"}, "3.0", True),  # before 3.1 every jwt field
])
def test_jwt_webhook_fields_per_kic_version(algorithm, fields, kic, refused):
    text = _with_consumer(secret("j", "jwt", algorithm=algorithm, **fields))
    assert ([f.rule for f in findings_of(text, kic=kic)] == ["webhook-rejects"]) is refused


def test_unknown_types_are_refused_by_the_webhook():
    [finding] = findings_of(_with_consumer(secret("b", "bee-auth", key="k")))
    assert finding.rule == "webhook-rejects" and "invalid credential type bee-auth" in finding.message


def test_a_trailing_newline_in_a_unique_value_is_a_warning_at_the_value():
    text = _with_consumer("apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n  labels:\n"
                          "    konghq.com/credential: key-auth\ndata:\n  key: YWJjCg==\n")
    [finding] = findings_of(text)
    assert finding.rule == "credential-value-whitespace" and finding.severity == "warning"
    assert at(finding) == [("default/Secret/k", 17, 8)]
    assert "echo -n" in finding.message


@pytest.mark.parametrize("prefix, refused", [("ok-prefix", False), ("Bad", True), ("env", True), ("a", True)])
def test_vault_prefixes_kong_refuses(prefix, refused):
    vault = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n"
             f"  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: {prefix}\n")
    assert bool(findings_of(vault, "invalid-vault")) is refused
