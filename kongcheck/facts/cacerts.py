"""CA certificates as KIC reads them and Kong checks them: data keys, event texts, Kong's rules.

KIC: internal/dataplane/translator/translate_cacerts.go (3.4.0+; translate_secrets.go before),
getCACerts and toKongCACertificate; internal/store/store.go ListCACerts.  Kong:
kong/db/schema/entities/ca_certificates.lua (the entity check), kong/db/schema/init.lua (the uuid
validator), kong/db/schema/others/declarative_config.lua (the DB-less primary key check).
go-database-reconciler pkg/state/cacert.go (DB mode: one entry per id and per certificate text).
"""
from __future__ import annotations

import re

from kongcheck.facts.versions import Target

ID_KEY = "id"
CERT_KEYS = ("cert", "ca.crt")  # "cert" wins whenever it exists, even empty; "ca.crt" only from 3.4.0

# KIC's reasons, the text after the event prefix (toKongCACertificate).
INVALID_BLOCK = "invalid PEM block"
INVALID_BLOCK_TYPE = "invalid PEM block type"
SEVERAL = "multiple PEM certificates found"
UNPARSED = "failed to parse certificate"
NOT_CA = "certificate is missing the 'CA' basic constraint"
EXPIRED = "expired"
MISSING_ID = "missing 'id' field in data"
DUPLICATE_ID = "duplicate 'id' field in multiple objects"

CERTIFICATE = "CERTIFICATE"  # the one PEM block type KIC 3.4.10+ accepts
PEM_CERT_TAG = b"-----BEGIN CERTIFICATE-----"  # Kong counts these in the text it gets

EVENT = "KongConfigurationTranslationFailed"
APPLY_EVENT = "KongConfigurationApplyFailed"

# Kong's answers.
KONG_ONE_AT_A_TIME = "please submit only one certificate at a time"
KONG_NOT_UUID = "expected a valid UUID"
GDR_EXISTS = "inserting ca-cert {id}: entity already exists"

# typedefs.uuid: exactly 36 bytes; the match is case-insensitive (flags "ioj"), nibbles unchecked.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def is_uuid(text: str) -> bool:
    return _UUID.fullmatch(text) is not None  # ASCII only, so 36 characters are 36 bytes


def cert_keys(target: Target) -> tuple[str, ...]:
    return CERT_KEYS if target.reads_ca_configmaps else CERT_KEYS[:1]


def event(target: Target, reason: str) -> str:
    """The Warning KIC puts on the object (and on the plugins naming the id)."""
    prefix = "invalid secret CA certificate" if target.kic >= (3, 4) else "invalid CA certificate"
    return f"{prefix}: {reason}"


def missing_cert_event(target: Target, namespace: str, name: str) -> str:
    if target.kic >= (3, 4):
        return f'invalid secret CA certificate {namespace}/{name}, neither "cert" nor "ca.crt" key exist'
    return event(target, "missing 'cert' field in data")
