"""Text no encoder takes as it is: lone surrogates from JSON escapes and file names that are not UTF-8.

A JSON manifest may write ``"\\ud800"`` (a lone surrogate, which no UTF-8 encoder accepts) in a
name, a namespace, a clashing username or a credential value: kubectl's Go JSON decoder reads it
as U+FFFD, and so does kongcheck.  A file or folder name may hold bytes that are not UTF-8 (Python
carries them as surrogates).  Each must come out of every format as escaped text, every other
finding still reported, the output valid UTF-8, on standard output and in ``-o FILE``; text that
still holds a lone surrogate is digested and fingerprinted without an error.
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hostilekit import VALID, cli, write
from kongcheck.report import FORMATS

SURROGATE = "\\ud800"  # as the JSON text writes it


def _consumer(name: str, username: str, namespace: str = "ns", credentials: str = "[]") -> str:
    return ('{"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer", "metadata": {"name": "%s", '
            '"namespace": "%s", "annotations": {"kubernetes.io/ingress.class": "kong"}}, "username": "%s", '
            '"credentials": %s}' % (name, namespace, username, credentials))


def _key_secret(name: str, key: str) -> str:
    return ('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "%s", "namespace": "ns", "labels": '
            '{"konghq.com/credential": "key-auth"}}, "stringData": {"key": "%s"}}' % (name, key))


def _hostile_json() -> str:
    items = [_consumer(f"a{SURROGATE}", f"same{SURROGATE}"), _consumer(f"b{SURROGATE}", f"same{SURROGATE}",
                                                                       namespace=f"n{SURROGATE}"),
             _consumer("k1", "k1", credentials='["s1"]'), _consumer("k2", "k2", credentials='["s2"]'),
             _key_secret("s1", f"key{SURROGATE}x"), _key_secret("s2", f"key{SURROGATE}x")]
    return '{"apiVersion": "v1", "kind": "List", "items": [%s]}' % ", ".join(items)


def _check_written(fmt: str, data: bytes) -> str:
    text = data.decode("utf-8")  # valid UTF-8, or this raises
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "junit":
        ET.fromstring(data)
    return text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_lone_surrogates_in_names_and_values_are_escaped_in_every_format(tmp_path, fmt):
    write(tmp_path, "m/hostile.json", _hostile_json())
    write(tmp_path, "m/valid.yaml", VALID)
    out = tmp_path / f"report.{fmt}"
    run = cli("scan", "--no-config", "m", "-f", fmt, "-f", fmt, "-o", "-", "-o", str(out), cwd=tmp_path)
    assert run.exception is None and run.code == 1, run.output
    assert "internal error" not in run.stderr
    for text in (run.stdout, _check_written(fmt, out.read_bytes())):
        text.encode("utf-8")  # no lone surrogate on standard output either
        assert "key-auth-key-conflict" in text  # the valid file's finding, and the JSON's
        assert "consumer-username-conflict" in text
        assert "a\ufffd" in text or "a\\ufffd" in text, fmt  # U+FFFD, as kubectl reads the name
        assert "\\ud800" not in text


def test_names_that_differ_only_in_a_lone_surrogate_are_one_object_as_in_the_cluster(tmp_path):
    items = [_consumer(f"x{SURROGATE}", "u1"), _consumer("x\\udfff", "u2")]
    write(tmp_path, "m/two.json", '{"apiVersion": "v1", "kind": "List", "items": [%s]}' % ", ".join(items))
    report = cli("scan", "--no-config", "m", "-f", "json", cwd=tmp_path).json
    [finding] = report["findings"]
    assert finding["rule"] == "duplicate-resource" and finding["resources"][0]["name"] == "x\ufffd"


def test_text_with_a_lone_surrogate_is_fingerprinted_and_escaped():
    from kongcheck.escape import safe, scalar, text_bytes
    from kongcheck.redact import keyed_fingerprint

    assert text_bytes("a\udcff") == b"a\xff"  # a byte of a file name: that byte
    assert text_bytes("a\ud800") == b"a\xed\xa0\x80"
    assert keyed_fingerprint("a\ud800", b"k") != keyed_fingerprint("a\ud801", b"k")
    assert safe("a\ud800") == scalar("a\ud800") == "a\\ud800"


def test_a_lone_surrogate_in_a_baseline_value_is_recorded_and_matched(tmp_path):
    write(tmp_path, "m/hostile.json", _hostile_json())
    baseline = tmp_path / "accepted.json"
    run = cli("scan", "--no-config", "m", "--write-baseline", str(baseline), cwd=tmp_path)
    assert run.exception is None and run.code == 0, run.output
    again = cli("scan", "--no-config", "m", "--baseline", str(baseline), "-f", "json", cwd=tmp_path)
    assert again.code == 0 and again.json["summary"]["suppressed"] == 2, again.output


def test_a_lone_surrogate_in_a_ca_certificate_id_is_one_finding_or_error(tmp_path):
    secret = ('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ca", "namespace": "ns", "labels": '
              '{"konghq.com/ca-cert": "true"}}, "stringData": {"id": "x%s", "cert": "-----BEGIN CERTIFICATE-----'
              '\\n%s\\n-----END CERTIFICATE-----\\n"}}' % (SURROGATE, SURROGATE))
    write(tmp_path, "m/ca.json", secret)
    write(tmp_path, "m/valid.yaml", VALID)
    for fmt in sorted(FORMATS):
        run = cli("scan", "--no-config", "m", "-f", fmt, cwd=tmp_path)
        assert run.exception is None and run.code in (1, 2), (fmt, run.output)
        assert "internal error" not in run.stderr
        run.stdout.encode("utf-8")
        assert "key-auth-key-conflict" in run.stdout


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_file_names_that_are_not_utf8_reach_every_format_and_output_file(tmp_path):
    folder = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"team-\xff")))
    write(folder, os.fsdecode(b"c\xe9\x80.yaml"), VALID)
    for fmt in sorted(FORMATS):
        out = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"out-\xfe." + fmt.encode())))
        run = cli("scan", "--no-config", folder.name, "-f", fmt, "-f", fmt, "-o", "-", "-o", str(out), cwd=tmp_path)
        assert run.exception is None and run.code == 1, (fmt, run.output)
        run.stdout.encode("utf-8")
        text = _check_written(fmt, out.read_bytes())
        assert "key-auth-key-conflict" in text
        if fmt == "sarif":
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in json.loads(text)["runs"][0]["results"]}
            assert uris == {"team-%FF/c%E9%80.yaml"}
        elif fmt == "json":
            assert json.loads(text)["findings"][0]["resources"][0]["file"] == "team-\\xff/c\\xe9\\x80.yaml"
        else:
            shown = text.replace("\\\\", "\\")
            assert "team-\\xff/c\\xe9\\x80.yaml" in (shown.replace("\\.", ".") if fmt == "markdown" else shown), fmt
