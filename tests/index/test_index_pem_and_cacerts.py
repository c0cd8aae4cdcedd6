"""Go's PEM reading (index/pem.py) and KIC's CA certificate check per version (index/cacerts.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from kchelp import settings
from kongcheck.facts import cacerts as facts
from kongcheck.index import pem
from kongcheck.index.cacerts import check_text
from pki import PAST, certificate, private_key

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
NEW, OLD = settings(kic="3.5.3").target, settings(kic="3.5.2").target
NEW_34, OLD_34 = settings(kic="3.4.10").target, settings(kic="3.4.9").target


def test_trim_space_takes_unicode_spaces_as_go_does():
    assert pem.trim_space(b" \t\v\f\r\nx\n ") == b"x"
    assert pem.trim_space("\u00a0\u0085x\u3000".encode()) == b"x"
    assert pem.trim_space(b"\x1cx") == b"\x1cx"  # not white space to Go
    assert pem.trim_space(b"\xffx \xa0") == b"\xffx \xa0"  # a stray byte is no rune of space


def test_decode_skips_leading_text_and_returns_the_rest():
    text = ("note: root\n" + certificate("A") + "tail\n").encode()
    block, rest = pem.decode(text)
    assert block.type == "CERTIFICATE" and rest == b"tail\n"


def test_decode_passes_over_a_block_with_a_bad_body_or_end_line():
    good = certificate("A")
    bad_body = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
    wrong_end = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END KEY-----\n"
    for broken in (bad_body, wrong_end):
        block, _ = pem.decode((broken + good).encode())
        assert block is not None and block.type == "CERTIFICATE" and len(block.der) > 100


def test_decode_accepts_headers_crlf_and_trailing_blanks():
    text = b"-----BEGIN CERTIFICATE-----  \r\nProc-Type: 4,ENCRYPTED\r\n\r\nAAAA\r\n-----END CERTIFICATE----- \t\r\nx"
    block, rest = pem.decode(text)
    assert block == pem.Block("CERTIFICATE", b"\x00\x00\x00") and rest == b"x"


def test_decode_finds_nothing_without_a_begin_line():
    assert pem.decode(b"just text") == (None, b"just text")
    assert pem.decode(b"-----BEGIN CERTIFICATE-----\nAAAA\n") == (None, b"-----BEGIN CERTIFICATE-----\nAAAA\n")


def _reason(text: str, target, now=NOW):
    return check_text(text.encode(), target, now).reason


@pytest.mark.parametrize("target", [NEW, OLD, NEW_34, OLD_34])
def test_one_ca_certificate_passes_every_version(target):
    check = check_text(certificate("A").encode(), target, NOW)
    assert check.reason is None and check.der and check.kong_error is None and not check.sends_key


@pytest.mark.parametrize("text, new, old", [
    ("", facts.INVALID_BLOCK, facts.INVALID_BLOCK),
    ("   \n", facts.INVALID_BLOCK, facts.INVALID_BLOCK),
    ("text before\n" + certificate("A"), None, None),
    (certificate("A") + "text after\n", facts.INVALID_BLOCK, None),
    (certificate("A") + certificate("B"), facts.SEVERAL, None),
    (certificate("A") + private_key("A"), facts.INVALID_BLOCK_TYPE, None),
    (private_key("A") + certificate("A"), facts.INVALID_BLOCK_TYPE, facts.UNPARSED),
    (certificate("A").replace("CERTIFICATE", "TRUSTED CERTIFICATE"), facts.INVALID_BLOCK_TYPE, None),  # any type
    (certificate("leaf", ca=False), facts.NOT_CA, facts.NOT_CA),
    (certificate("bare", ca=None), facts.NOT_CA, facts.NOT_CA),
    (certificate("old", not_after=PAST), facts.EXPIRED, facts.EXPIRED),
])
def test_kic_reasons_change_at_3_4_10_and_3_5_3(text, new, old):
    assert _reason(text, NEW) == _reason(text, NEW_34) == new
    assert _reason(text, OLD) == _reason(text, OLD_34) == old


def test_older_kic_sends_the_text_so_kong_sees_a_bundle_and_a_key():
    bundle = check_text((certificate("A") + certificate("B")).encode(), OLD, NOW)
    assert bundle.reason is None and bundle.kong_error == facts.KONG_ONE_AT_A_TIME
    keyed = check_text((certificate("A") + private_key("A")).encode(), OLD, NOW)
    assert keyed.reason is None and keyed.sends_key and keyed.kong_error is None


def test_expiry_is_against_the_clock_and_not_before_is_not_checked():
    text = certificate("A").encode()  # valid 2019-2125
    assert check_text(text, NEW, dt.datetime(2126, 1, 1, tzinfo=dt.timezone.utc)).reason == facts.EXPIRED
    assert check_text(text, NEW, dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)).reason is None


def test_der_with_trailing_bytes_does_not_parse():
    import base64

    der = pem.decode(certificate("A").encode())[0].der + b"\x00"
    body = base64.encodebytes(der).decode()
    assert _reason(f"-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n", NEW) == facts.UNPARSED


@pytest.mark.parametrize("text, ok", [
    ("8f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5a", True),
    ("8F5A2D3E-6B1C-4C2E-9A7D-1F0E2D3C4B5A", True),
    ("00000000-0000-0000-0000-000000000000", True),
    ("8f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5a\n", False),
    ("{8f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5a}", False),
    ("8f5a2d3e6b1c4c2e9a7d1f0e2d3c4b5a", False),
    ("corp-root-ca", False),
    ("", False),
])
def test_kong_uuid_rule(text, ok):
    assert facts.is_uuid(text) is ok
