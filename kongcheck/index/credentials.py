"""Credential types as KIC translates them and as its admission webhook checks them.

One row per type (KIC: internal/dataplane/kongstate/credentials.go,
internal/admission/validation/consumers/credentials/vars.go; Kong: kong/plugins/*/daos.lua).
"""
from __future__ import annotations

from typing import NamedTuple


class CredentialType(NamedTuple):
    name: str  # the value of the konghq.com/credential label
    translator_needs: tuple[str, ...]  # missing -> "failed to provision credential: ... no <field>"
    webhook_needs: tuple[str, ...]  # must be present and non-empty for the webhook
    unique_field: str | None = None  # what Kong keeps unique across all credentials of the type
    translated: bool = True


CREDENTIAL_TYPES = {
    row.name: row
    for row in (
        CredentialType("key-auth", ("key",), ("key",), "key"),
        CredentialType("basic-auth", ("username",), ("username", "password"), "username"),
        CredentialType("hmac-auth", ("username",), ("username", "secret"), "username"),
        CredentialType("jwt", ("key",), ("algorithm", "key"), "key"),
        CredentialType("oauth2", ("name", "client_id"), ("name", "client_id", "client_secret", "redirect_uris"), "client_id"),
        CredentialType("acl", ("group",), ("group",)),
        CredentialType("mtls-auth", ("subject_name",), ("subject_name",)),
        CredentialType("konnect", (), (), translated=False),
    )
}

#: Fields whose values are secrets or identities: never printed, only fingerprinted.
SENSITIVE_FIELDS = frozenset(
    {"key", "secret", "password", "username", "client_id", "client_secret", "rsa_public_key", "subject_name"}
)

#: Fields KIC parses rather than copies; a bad value is a translation failure.
BOOL_FIELDS = ("hash_secret",)
INT_FIELDS = ("ttl",)


def jwt_webhook_needs(algorithm: str, kic: tuple[int, int]) -> tuple[str, ...]:
    """The jwt fields the webhook requires, which changed between KIC releases (KIC-NOTES.md)."""
    hmac = algorithm.upper().startswith("HS")
    if kic < (3, 1):
        return ("algorithm", "key", "secret", "rsa_public_key")
    if kic < (3, 4):
        return ("algorithm", "key", "secret") if hmac else ("algorithm", "key", "secret", "rsa_public_key")
    return ("algorithm", "key", "secret") if hmac else ("algorithm", "key", "rsa_public_key")
