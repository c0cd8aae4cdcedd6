"""The reduction every live or snapshot object goes through."""

from __future__ import annotations

import base64

from kongcheck.sources.kube.reduce import reduce_secret


def credential_type(reduced: dict) -> str | None:
    """The type a reduced Secret declares: the label first, else the legacy kongCredType key."""
    label = reduced["metadata"].get("labels", {}).get("konghq.com/credential")
    if label:
        return label
    try:
        return base64.b64decode(reduced["data"].get("kongCredType", ""), validate=True).decode() or None
    except (ValueError, UnicodeDecodeError):
        return None


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret(labels=None, data=None, string_data=None, annotations=None) -> dict:
    obj = {"apiVersion": "v1", "kind": "Secret",
           "metadata": {"name": "s", "namespace": "n", "labels": labels or {}, "annotations": annotations or {}}}
    if data is not None:
        obj["data"] = data
    if string_data is not None:
        obj["stringData"] = string_data
    return obj


def test_string_data_wins_over_data_as_the_api_server_merges():
    reduced = reduce_secret(secret({"konghq.com/credential": "key-auth"},
                                   data={"key": b64("old")}, string_data={"key": "new "}))
    assert reduced["data"] == {"key": b64("new ")}  # exact bytes, trailing space kept


def test_each_type_keeps_its_unique_field_only():
    fields = {"key-auth": "key", "jwt": "key", "basic-auth": "username", "hmac-auth": "username",
              "oauth2": "client_id", "acl": None, "mtls-auth": None, "konnect": None}
    everything = {k: b64(f"v-{k}") for k in ("key", "username", "client_id", "password", "secret",
                                               "client_secret", "group", "subject_name", "rsa_public_key")}
    for cred_type, field in fields.items():
        reduced = reduce_secret(secret({"konghq.com/credential": cred_type}, data=dict(everything)))
        assert list(reduced["data"]) == ([field] if field else []), cred_type
        assert credential_type(reduced) == cred_type


def test_legacy_type_key_and_alias():
    reduced = reduce_secret(secret(data={"kongCredType": b64("basicauth_credential"),
                                         "username": b64("u"), "password": b64("p")}))
    assert reduced["data"] == {"kongCredType": b64("basicauth_credential"), "username": b64("u")}
    assert credential_type(reduced) == "basicauth_credential"


def test_label_wins_over_legacy_key():
    reduced = reduce_secret(secret({"konghq.com/credential": "jwt"},
                                   data={"kongCredType": b64("basic-auth"), "key": b64("k"), "username": b64("u")}))
    assert set(reduced["data"]) == {"kongCredType", "key"}


def test_secret_annotations_keep_only_kong_ones():
    reduced = reduce_secret(secret({"konghq.com/credential": "acl"}, annotations={
        "konghq.com/tags": "a", "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        "meta.helm.sh/release-name": "r", "kongcheck.io/ignore": "all"}))
    assert reduced["metadata"]["annotations"] == {"konghq.com/tags": "a", "kongcheck.io/ignore": "all"}


def test_undecodable_legacy_type_is_no_type():
    reduced = reduce_secret(secret(data={"kongCredType": "%%%not-base64", "key": b64("k")}))
    assert credential_type(reduced) is None and reduced["data"] == {"kongCredType": "%%%not-base64"}
