"""The admission webhook's own checks, translator failures, value hygiene."""
from __future__ import annotations

import pytest

from kchelp import fixture, res, scan_json

WEBHOOK = fixture("webhook-rejects.yaml")


def by_name(run) -> dict:
    return {f["resources"][0]["name"]: f for f in run.findings()}


REFUSED = {  # name -> (line, column, KIC's answer after "consumer credential failed validation: ")
    "jwt-no-algorithm": (3, 7, "missing required field(s): algorithm, rsa_public_key"),
    "jwt-hs-no-secret": (13, 7, "missing required field(s): secret"),
    "jwt-rs-no-public-key": (23, 7, "missing required field(s): rsa_public_key"),
    "basic-no-password": (33, 7, "missing required field(s): password"),
    "hmac-no-secret": (42, 7, "missing required field(s): secret"),
    "oauth2-no-client-secret": (51, 7, "missing required field(s): client_secret"),
    "oauth2-no-redirect": (62, 7, "missing required field(s): redirect_uris"),
    "unknown-type": (77, 28, "invalid credential type jwt_secret"),  # at the label's value
}


def test_each_webhook_check_on_kic_35():
    run = scan_json(WEBHOOK)
    assert run.code == 1
    assert run.rules() == ["invalid-vault"] + ["webhook-rejects"] * 8
    found = by_name(run)
    for name, (line, column, text) in REFUSED.items():
        finding = found[name]
        assert finding["resources"] == [res("Secret", "default", name, WEBHOOK, line, column)]
        assert finding["severity"] == "error", name
        assert finding["message"] == (f"Secret default/Secret/{name}: the KIC 3.5 webhook refuses it, so `kubectl "
                                      f"apply` fails: \"consumer credential failed validation: {text}\"")
    vault = found["bad-prefix"]
    assert vault["resources"] == [res("KongVault", "", "bad-prefix", WEBHOOK, 89, 11)]
    assert "spec.prefix 'App_Secrets' does not match Kong's pattern ^[a-z][a-z0-9-]*[a-z0-9]$" in vault["message"]


def test_kic_33_webhook_asks_rs256_for_a_secret_too():
    found = by_name(scan_json("--kic-version", "3.3", WEBHOOK))
    assert "missing required field(s): rsa_public_key, secret" in found["jwt-rs-no-public-key"]["message"]
    assert "missing required field(s): secret\"" in found["jwt-hs-no-secret"]["message"]


def test_kic_30_webhook_wants_rsa_public_key_even_for_hs256():
    run = scan_json("--kic-version", "3.0", fixture("clean/secrets.yaml"), fixture("clean/consumers.yaml"))
    (finding,) = run.findings("webhook-rejects")
    assert finding["resources"][0]["name"] == "backend-jwt"
    assert "missing required field(s): rsa_public_key" in finding["message"]


@pytest.mark.parametrize("kic", ["3.0", "3.1"])
def test_kic_30_and_31_webhooks_check_every_labelled_secret_referenced_or_not(kic):
    found = by_name(scan_json("--kic-version", kic, WEBHOOK))
    assert set(found) == set(REFUSED) | {"bad-prefix"}
    assert f"the KIC {kic} webhook refuses it" in found["unknown-type"]["message"]


def test_kic_212_webhook_ignores_the_label():
    """KIC 2.x types a Secret only by kongCredType: labelled Secrets are not credentials to its webhook."""
    assert scan_json("--kic-version", "2.12", fixture("webhook-rejects.yaml")).findings("webhook-rejects") == []


@pytest.mark.parametrize("prefix,ok", [("ab", True), ("my-vault-1", True), ("a", False), ("1abc", False),
                                       ("abc-", False), ("Abc", False), ("env", False), ("my_vault", False)])
def test_vault_prefix_pattern(tmp_path, prefix, ok):
    manifest = tmp_path / "vault.yaml"
    manifest.write_text("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n"
                        "  name: v\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
                        f"spec:\n  backend: env\n  prefix: '{prefix}'\n")
    run = scan_json(str(manifest))
    assert run.rules() == ([] if ok else ["invalid-vault"])


def test_translator_failures_are_invalid_credential():
    path = fixture("invalid-credential.yaml")
    run = scan_json(path)
    assert run.code == 2  # invalid base64: the API server refuses that Secret, an input error too
    assert run.json["errors"] == [{"file": path, "line": 53, "source": "file", "message": "Secret 'bad-base64': the data value at "
                                   "column 8 is not valid base64; the API server refuses it"}]
    found = [(f["rule"], f["resources"][0]["name"], f["resources"][0]["line"], f["resources"][0]["column"])
             for f in run.findings()]
    assert found == [  # bad-base64 is the input error alone, and the consumer's reference points at it
        ("missing-credential-secret", "broken", 14, 5),
        ("invalid-credential", "no-label", 17, 7),
        ("invalid-credential", "konnect-cred", 25, 7),
        ("invalid-credential", "bad-ttl", 43, 8),
    ]
    messages = [f["message"] for f in run.findings()]
    assert (f"names credential Secret 'bad-base64', which the API server refuses (see the input error at {path}:53)"
            in messages[0])
    assert "has no konghq.com/credential label" in messages[1]
    assert "unsupported credential type 'konnect'" in messages[2]
    assert "ttl must be an integer" in messages[3]


def test_a_refused_secret_is_not_reported_missing(tmp_path):
    """Secrets with input errors are refused, not 'not in the input'."""
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1\n  labels: {konghq.com/credential: key-auth}\n"
        "data:\n  key: LEAKB64VALUE!!!\n")
    (tmp_path / "b.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s2\n  labels: {konghq.com/credential: basic-auth}\n"
        "stringData:\n  username: {LEAKUSERMAP: 1}\n  password: [LEAKPASSLIST]\n")
    (tmp_path / "c.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s12\n  labels: {konghq.com/credential: hmac-auth}\n"
        "stringData:\n  username: 123456789\n  secret: x\n---\n"
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c11\n"
        "  annotations: {kubernetes.io/ingress.class: kong}\nusername: u-c11\ncredentials: [s1, s2, s12, gone]\n")
    run = scan_json(str(tmp_path))
    assert run.code == 2
    assert [(e["file"], e["line"], e["message"]) for e in run.json["errors"]] == [
        (str(tmp_path / "a.yaml"), 7, "Secret 's1': the data value at column 8 is not valid base64; the API server refuses it"),
        (str(tmp_path / "b.yaml"), 7, "Secret 's2': the stringData value at column 13 must be text, not a mapping"),
        (str(tmp_path / "c.yaml"), 7, "Secret 's12': the stringData value at column 13 must be text, not a number (quote it)"),
    ]
    assert run.rules() == ["missing-credential-secret"] * 4
    messages = sorted(f["message"] for f in run.findings())
    assert "'gone', which is not in namespace 'default' of the input" in messages[0]
    for message, (name, file) in zip(messages[1:], [("s1", "a"), ("s12", "c"), ("s2", "b")]):
        assert f"{name!r}, which the API server refuses (see the input error at {tmp_path / file}.yaml:7)" in message
    assert "LEAK" not in run.stdout


def test_empty_required_values_are_errors(tmp_path):
    manifest = tmp_path / "empty.yaml"
    manifest.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c\n"
                        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: u-c-1\n"
                        "credentials: [k]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n"
                        "  labels:\n    konghq.com/credential: key-auth\nstringData:\n  key: ''\n")
    run = scan_json(str(manifest))
    (finding,) = run.findings()
    assert finding["severity"] == "error"
    assert finding["resources"] == [res("Secret", "default", "k", str(manifest), 17, 8)]
    assert "some fields were invalid due to missing data: key" in finding["message"]
    # the same answer from the KIC 3.1 webhook
    assert scan_json("--kic-version", "3.1", str(manifest)).findings() == [finding | {
        "message": finding["message"].replace("KIC 3.5", "KIC 3.1")}]


def test_whitespace_values_warn_and_do_not_collide_with_the_trimmed_value():
    path = fixture("whitespace.yaml")
    run = scan_json(path)
    assert run.code == 0  # warnings only
    assert run.rules() == ["credential-value-whitespace"] * 2
    username, key = run.findings()
    assert username["resources"] == [res("KongConsumer", "ws", "echoer", path, 9, 11)]
    assert "username has leading or trailing whitespace" in username["message"]
    assert key["resources"] == [res("Secret", "ws", "echoer-key", path, 20, 8)]
    assert "key has a trailing newline" in key["message"]
    assert scan_json("--fail-on", "warning", path).code == 1


@pytest.mark.parametrize("cred_type", ["jwt_secret", "Key-Auth"])
def test_a_secret_the_webhook_refuses_is_only_webhook_rejects(tmp_path, cred_type):
    """`kubectl apply` fails, so KIC never sees the Secret: no 'KIC skips' finding too."""
    manifest = tmp_path / "alias.yaml"
    manifest.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c\n"
                        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: u-c-1\n"
                        "credentials: [k]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n"
                        f"  labels:\n    konghq.com/credential: {cred_type}\nstringData:\n  key: abc\n")
    assert scan_json(str(manifest)).rules() == ["webhook-rejects"]
    # no webhook checks an untyped referenced Secret on KIC 2.x: the translator's finding stays
    assert scan_json("--kic-version", "2.12", str(manifest)).rules() == ["invalid-credential"]
