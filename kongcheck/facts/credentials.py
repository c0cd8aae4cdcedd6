"""Credential types as KIC translates them, as its admission webhook checks them, and what Kong
keeps unique for each: one row per type.

KIC: internal/dataplane/kongstate/credentials.go (translator), credentials_conflicts.go (the
conflict index of KIC >= 3.4); Kong: kong/plugins/*/daos.lua (unique fields and entity names).
What the admission webhook checks is in facts/webhook.py.
"""
from __future__ import annotations

from typing import NamedTuple


class CredentialType(NamedTuple):
    name: str  # the value of the konghq.com/credential label
    translator_needs: tuple[str, ...]  # missing -> "failed to provision credential: ... no <field>"
    unique: str | None = None  # the field Kong keeps unique across all credentials of the type
    entity: str | None = None  # the Kong entity (as in Kong's uniqueness error)
    kic_index: str | None = None  # KIC >= 3.4 conflict index name
    people: str = ""  # how messages name several of them
    translated: bool = True
    aliases: tuple[str, ...] = ()  # legacy spellings seen in old Secrets (kept when a live Secret is reduced)


CREDENTIAL_TYPES: dict[str, CredentialType] = {
    row.name: row
    for row in (
        CredentialType("key-auth", ("key",), "key", "keyauth_credentials", "key-auth on 'key'",
                       "key-auth credentials", aliases=("keyauth_credential",)),
        CredentialType("basic-auth", ("username",), "username", "basicauth_credentials",
                       "basic-auth on 'username'", "basic-auth credentials", aliases=("basicauth_credential",)),
        CredentialType("hmac-auth", ("username",), "username", "hmacauth_credentials",
                       "hmac-auth on 'username'", "hmac-auth credentials", aliases=("hmacauth_credential",)),
        CredentialType("jwt", ("key",), "key", "jwt_secrets", "jwt-auth on 'key'",
                       "JWT credentials", aliases=("jwt_secret",)),
        CredentialType("oauth2", ("name", "client_id"), "client_id", "oauth2_credentials",
                       "oauth2-credentials on 'client_id'", "oauth2 credentials"),
        CredentialType("acl", ("group",)),
        CredentialType("mtls-auth", ("subject_name",)),
        CredentialType("konnect", (), translated=False),
    )
}

# Fields KIC parses rather than copies; a bad value is a translation failure.
BOOL_FIELDS = ("hash_secret",)
INT_FIELDS = ("ttl",)
# What Go's strconv.ParseBool accepts (KIC parses hash_secret with it).
GO_BOOLS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})


def unique_field(type_name: str) -> str | None:
    """The field Kong keeps unique for a credential type or one of its legacy spellings."""
    row = CREDENTIAL_TYPES.get(type_name)
    if row is None:
        row = next((r for r in CREDENTIAL_TYPES.values() if type_name in r.aliases), None)
    return row.unique if row is not None else None

