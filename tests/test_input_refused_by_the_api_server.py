"""Input the API server (or kubectl) refuses, and the hints its messages give, through the CLI."""
from __future__ import annotations

import pytest

from kchelp import cli, scan_json

CONSUMER = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {name}\n"
            "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: {user}\n")


@pytest.mark.parametrize("flag", ["--kic-version", "--kong-version"])
@pytest.mark.parametrize("text", ["3.05", "03.5", "3.5.01"])
def test_versions_with_leading_zeros_are_refused(tmp_path, flag, text):
    run = cli("scan", flag, text, str(tmp_path))
    assert run.code == 2 and "is not of the form X.Y" in run.stderr


def test_a_non_text_label_value_puts_the_hint_at_the_end(tmp_path):
    manifest = tmp_path / "label.yaml"
    manifest.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  labels:\n"
                        "    konghq.com/credential: 12\nstringData:\n  key: k\n")
    (error,) = scan_json(str(manifest)).json["errors"]
    assert error["message"] == ("Secret 's': metadata.labels['konghq.com/credential'] must be text, "
                                "not a number (quote it)")


def test_whitespace_hint_about_echo_only_for_base64_data(tmp_path):
    manifest = tmp_path / "ws.yaml"
    manifest.write_text(CONSUMER.format(name="c", user="' padded-user '") + "credentials: [k1, k2]\n"
                        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: k1\n  labels:\n"
                        "    konghq.com/credential: key-auth\ndata:\n  key: YWJjCg==\n"
                        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: k2\n  labels:\n"
                        "    konghq.com/credential: jwt\nstringData:\n  key: ' spaced '\n  secret: s\n"
                        "  algorithm: HS256\n")
    found = {f["resources"][0]["name"]: f["message"] for f in scan_json(str(manifest)).findings()
             if f["rule"] == "credential-value-whitespace"}
    assert set(found) == {"c", "k1", "k2"}
    assert "echo" in found["k1"]
    assert "echo" not in found["c"] and "echo" not in found["k2"]


def test_a_scalar_list_item_is_placed_at_its_own_line(tmp_path):
    manifest = tmp_path / "list.yaml"
    manifest.write_text("apiVersion: v1\nkind: List\nitems:\n  - 1\n  - just text\n"
                        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n")
    run = cli("scan", "--verbose", "--allow-empty", "--parse-all", str(manifest))
    assert run.code == 2  # the API server refuses a List with non-object items
    assert f"{manifest}:4: List item 0 is a number, not an object" in run.stdout
    assert f"{manifest}:5: List item 1 is text, not an object" in run.stdout


KEY_SECRET = ("kind: Secret\nmetadata:\n  name: {name}\n  labels:\n    konghq.com/credential: key-auth\n"
              "stringData:\n  key: no-api-version-key\n")


def test_objects_without_api_version_are_input_errors(tmp_path):
    manifest = tmp_path / "noapi.yaml"
    manifest.write_text(
        "kind: KongConsumer\nmetadata:\n  name: a\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
        "username: same-user\n---\n" + CONSUMER.format(name="b", user="same-user")
        + "---\n" + KEY_SECRET.format(name="k1") + "---\napiVersion: v1\n" + KEY_SECRET.format(name="k2"))
    run = scan_json(str(manifest))
    assert run.code == 2
    assert [(e["line"], e["message"]) for e in run.json["errors"]] == [
        (1, "KongConsumer 'a': apiVersion is missing; kubectl refuses an object without it"),
        (16, "Secret 'k1': apiVersion is missing; kubectl refuses an object without it"),
    ]
    assert run.findings() == []  # neither takes part in a collision


def test_an_unparsable_creation_timestamp_is_an_input_error(tmp_path):
    manifest = tmp_path / "vaults.yaml"
    vault = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: {name}\n"
             "  creationTimestamp: {ts}\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
             "spec:\n  backend: env\n  prefix: shared\n")
    manifest.write_text(vault.format(name="v1", ts='"not-a-time"') + "---\n"
                        + vault.format(name="v2", ts='"2024-01-02T03:04:05Z"') + "---\n"
                        + vault.format(name="v3", ts='"2024-01-01"'))
    run = scan_json(str(manifest))
    assert [(e["line"], e["message"]) for e in run.json["errors"]] == [
        (5, "KongVault 'v1': metadata.creationTimestamp is not an RFC 3339 time; the API server refuses it"),
        (27, "KongVault 'v3': metadata.creationTimestamp is not an RFC 3339 time; the API server refuses it"),
    ]
    assert run.findings() == []  # v2 alone is left


@pytest.mark.parametrize("value, default", [('"true"', True), ('"True"', False), ('"TRUE"', False)])
def test_default_ingress_class_needs_the_exact_string_true(tmp_path, value, default):
    manifest = tmp_path / "classes.yaml"
    manifest.write_text("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: kong\n"
                        f"  annotations:\n    ingressclass.kubernetes.io/is-default-class: {value}\n"
                        "spec:\n  controller: ingress-controllers.konghq.com/kong\n---\n"
                        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c\n"
                        "username: classless\n")
    rules = scan_json(str(manifest)).rules()
    assert rules == ([] if default else ["ignored-by-controller"])
