"""No fixture credential value reaches any output unless --show-values."""
from __future__ import annotations

import base64
import binascii
from pathlib import Path

import pytest
import yaml

from kchelp import ROOT, cli

SENSITIVE = {"key", "secret", "password", "username", "client_id", "client_secret", "rsa_public_key"}
FIXTURES = sorted(
    str(path.relative_to(ROOT)) for folder in ("fixtures/rules", "fixtures/example")
    for path in (ROOT / folder).iterdir()
)


def _secret_values(doc: dict) -> set[str]:
    values = set()
    for key, text in (doc.get("data") or {}).items():
        if key in SENSITIVE:
            try:
                values.add(base64.b64decode(str(text), validate=True).decode())
            except (binascii.Error, ValueError):
                pass
    values |= {str(text) for key, text in (doc.get("stringData") or {}).items() if key in SENSITIVE}
    return values


def _objects(doc):
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        for item in doc["items"]:
            yield from _objects(item)
    elif isinstance(doc, dict):
        yield doc


def credential_values() -> set[str]:
    """Every credential value in the fixtures, except those equal to an object name (names are shown)."""
    values: set[str] = set()
    names: set[str] = set()
    for path in (ROOT / "fixtures").glob("**/*"):
        parts = path.relative_to(ROOT).parts  # the checkout's own path may hold either word
        if path.suffix not in (".yaml", ".yml", ".json") or "rules" not in parts and "example" not in parts:
            continue
        try:
            docs = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError:
            continue
        for doc in docs:
            for obj in _objects(doc):
                names.add(str((obj.get("metadata") or {}).get("name")))
                if obj.get("kind") == "Secret":
                    values |= _secret_values(obj)
                elif obj.get("kind") == "KongConsumer":
                    values |= {str(obj[k]) for k in ("username", "custom_id") if obj.get(k)}
    return {v for value in values for v in (value, value.strip()) if len(v.strip()) >= 6} - names


VALUES = credential_values()


def test_the_fixtures_hold_the_values_this_test_looks_for():
    assert {"iss-shared-91d2", "kx-3f9a-77d1-c0de", "login-robot-6c2", "cli-4411-aa", "u-report-0f0",
            "cust-000731", "anchor-pw-b-98", "ws-key-a1b2", "partner-issuer"} <= VALUES


@pytest.mark.parametrize("path", FIXTURES)
@pytest.mark.parametrize("versions", [(), ("--kic-version", "3.1", "--kong-version", "3.3"),
                                      ("--kic-version", "2.12")])
def test_no_value_in_text_or_json(path, versions):
    for fmt in ("text", "json"):
        run = cli("scan", "-v", "--assume-default-class", "-f", fmt, *versions, path)
        output = run.stdout + run.stderr
        leaked = sorted(value for value in VALUES if value in output)
        assert leaked == [], f"{fmt} output of {path} shows {leaked}"


@pytest.mark.parametrize("path,value", [("fixtures/rules/jwt-key-conflict.yaml", "iss-shared-91d2"),
                                        ("fixtures/rules/consumer-username-conflict.yaml", "u-report-0f0"),
                                        ("fixtures/rules/oauth2-client-id-conflict.yaml", "cli-4411-aa")])
def test_show_values_prints_them(path, value):
    for fmt in ("text", "json"):
        assert value in cli("scan", "--show-values", "-f", fmt, path).stdout
