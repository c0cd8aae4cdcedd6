"""facts/webhook.py: KIC's ValidateCredentials and the Secret handler's type, as pure functions."""
from __future__ import annotations

import pytest

from kongcheck.facts import webhook
from kongcheck.facts.versions import parse


def kic(text: str):
    return parse(text, "KIC")


@pytest.mark.parametrize("algorithm, hmac", [("HS256", True), ("HS384", True), ("HS512", True), ("hs256", False),
                                             ("HS256 ", False), ("HS1", False), ("", False)])
def test_hmac_is_exact_membership(algorithm, hmac):
    assert webhook.is_hmac(algorithm) is hmac


@pytest.mark.parametrize("label, legacy, version, expected", [
    ("key-auth", "basic-auth", "2.12", "basic-auth"), (None, "key-auth", "3.1", "key-auth"),
    ("", "key-auth", "3.1", ""), (None, "key-auth", "3.2.0", None), ("", None, "3.4.3", None),
    ("", None, "3.4.4", ""), ("jwt", None, "3.5", "jwt"),
])
def test_the_type_the_secret_handler_reads(label, legacy, version, expected):
    assert webhook.secret_type(label, legacy, kic(version)) == expected


def test_absent_fields_are_reported_before_empty_ones_in_kic_order():
    data = {"algorithm": "RS256", "key": "", "rsa_public_key": ""}
    assert webhook.validate("jwt", data, kic("3.3")) == ("missing required field(s): secret", ("secret",))
    assert webhook.validate("jwt", data, kic("3.4.0")) == (
        "some fields were invalid due to missing data: rsa_public_key, key", ("rsa_public_key", "key"))


def test_whitespace_is_not_empty_and_konnect_skips_fields_from_344():
    assert webhook.validate("key-auth", {"key": " "}, kic("3.5")) is None
    assert webhook.validate("konnect", {}, kic("3.4.4")) is None
    assert webhook.validate("konnect", {}, kic("3.4.3")) == ("invalid credential type konnect", ())
