"""The unique fields Kong enforces: one row per field, and each row is a rule.

Adding a unique field to kongcheck means adding a row here (KIC-NOTES.md, "Uniqueness in
Kong"; Kong: kong/plugins/*/daos.lua, kong/db/schema/entities/*.lua).
"""
from __future__ import annotations

from typing import NamedTuple


class UniqueField(NamedTuple):
    rule: str
    kong_entity: str  # Kong's entity name, as in its uniqueness error
    field: str  # Kong's field name
    source: str  # where KIC takes it from: a credential type, or a kind
    credential_type: str | None  # the konghq.com/credential type, for credential rows
    kic_index: str | None  # KIC >= 3.4 conflict index name (credentials_conflicts.go)
    endpoint_key: bool  # Kong < 3.4 DB-less silently dropped clashing endpoint keys
    sensitive: bool  # the value is a credential or identity: only its fingerprint is shown
    what: str  # people's words for the participants


UNIQUE_FIELDS = (
    UniqueField("jwt-key-conflict", "jwt_secrets", "key", "jwt Secret", "jwt", "jwt-auth on 'key'", True, True, "JWT credentials"),
    UniqueField("key-auth-key-conflict", "keyauth_credentials", "key", "key-auth Secret", "key-auth", "key-auth on 'key'", True, True, "key-auth credentials"),
    UniqueField("basic-auth-username-conflict", "basicauth_credentials", "username", "basic-auth Secret", "basic-auth", "basic-auth on 'username'", True, True, "basic-auth credentials"),
    UniqueField("hmac-auth-username-conflict", "hmacauth_credentials", "username", "hmac-auth Secret", "hmac-auth", "hmac-auth on 'username'", True, True, "hmac-auth credentials"),
    UniqueField("oauth2-client-id-conflict", "oauth2_credentials", "client_id", "oauth2 Secret", "oauth2", "oauth2-credentials on 'client_id'", True, True, "oauth2 credentials"),
    UniqueField("consumer-username-conflict", "consumers", "username", "KongConsumer", None, None, True, True, "KongConsumers"),
    UniqueField("consumer-custom-id-conflict", "consumers", "custom_id", "KongConsumer", None, None, False, True, "KongConsumers"),
    UniqueField("consumer-group-name-conflict", "consumer_groups", "name", "KongConsumerGroup", None, None, True, False, "KongConsumerGroups"),
    UniqueField("vault-prefix-conflict", "vaults", "prefix", "KongVault", None, None, True, False, "KongVaults"),
)

BY_CREDENTIAL_TYPE = {row.credential_type: row for row in UNIQUE_FIELDS if row.credential_type}


def kong_error(row: UniqueField, shown_value: str) -> str:
    """The error Kong (DB-less, >= 3.4) returns for this clash (declarative_config.lua)."""
    return f"uniqueness violation: '{row.kong_entity}' entity with {row.field} set to '{shown_value}' already declared"
