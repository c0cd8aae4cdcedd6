"""Credential Secrets that KIC's translator, its webhook or Kong would refuse."""
from __future__ import annotations

import re

from kongcheck.facts import unique
from kongcheck.facts.credentials import (
    BOOL_FIELDS,
    CREDENTIAL_TYPES,
    GO_BOOLS,
    INT_FIELDS,
    KONNECT_KNOWN_SINCE,
    jwt_webhook_needs,
)
from kongcheck.facts.kong import VAULT_NAMES, VAULT_PREFIX, VAULT_PREFIX_PATTERN
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.kinds.secret import Secret
from kongcheck.model import Location, Participant
from kongcheck.rules.base import Hit, RuleInfo

RULES = [
    RuleInfo(
        id="invalid-credential",
        severity="error",
        summary="a credential Secret KIC cannot translate or Kong would reject",
        behaviour="KIC skips a referenced Secret without a known type ('unsupported credential type'), one "
        "missing a field its translator needs ('failed to provision credential: <type> is invalid: no "
        "<field>') or with a bad hash_secret/ttl; the consumer is kept without it. Empty values pass KIC and "
        "Kong rejects them ('length must be at least 1'), and with them the whole configuration. Invalid "
        "base64 in `data` makes the API server refuse the Secret: that is an input error (exit 2), not a "
        "finding.",
        example="apiVersion: v1\nkind: Secret\nmetadata:\n  name: alice-jwt\n  labels:\n"
        "    konghq.com/credential: jwt\nstringData:\n  algorithm: HS256\n  secret: s3cr3t   # no key\n",
        fix="Set the credential type label to one of key-auth, basic-auth, hmac-auth, jwt, oauth2, acl, "
        "mtls-auth and fill every required field with a non-empty value.",
    ),
    RuleInfo(
        id="webhook-rejects",
        severity="error",
        summary="an object KIC's admission webhook refuses, so `kubectl apply` fails",
        behaviour="The webhook checks labelled credential Secrets (KIC >= 3.2; before, the Secrets a consumer "
        "references): the type must be known and its fields non-empty (jwt: algorithm, key, and secret for "
        "HS* or rsa_public_key otherwise; basic-auth: password; hmac-auth: secret; oauth2: client_secret and "
        "redirect_uris). A KongVault prefix must match Kong's pattern ^[a-z][a-z0-9-]*[a-z0-9]$ and must not "
        "be the name of a vault backend.",
        example="apiVersion: v1\nkind: Secret\nmetadata:\n  name: alice-jwt\n  labels:\n"
        "    konghq.com/credential: jwt\nstringData:\n  key: alice-issuer\n  secret: s3cr3t   # no algorithm\n",
        fix="Add the fields the webhook asks for (the translator would default jwt's algorithm to HS256, "
        "but the webhook does not).",
    ),
    RuleInfo(
        id="credential-value-whitespace",
        severity="warning",
        summary="a unique value with leading or trailing whitespace or a trailing newline",
        behaviour="Kong compares unique values exactly and KIC does not trim them, so 'abc\\n' (the classic "
        "`echo abc | base64`) is not the key clients send; two values that differ only in whitespace do not "
        "collide although they look equal.",
        example="data:\n  key: YWJjCg==   # echo abc | base64 -> 'abc\\n'\n",
        fix="Encode without the newline (`printf %s abc | base64` or `echo -n`), or use stringData.",
    ),
]


def _problem(rule: str, secret: Secret, location: Location, message: str) -> Hit:
    ref = secret.obj.ref
    return Hit(rule, f"Secret {ref.id}: {message}", [Participant(ref, location)])


def _kind_location(secret: Secret) -> Location:
    return secret.obj.kind_location


def _webhook_needs(secret: Secret, cred_type: str, index: KongIndex) -> tuple[str, ...]:
    if cred_type == "jwt":
        algorithm = secret.values.get("algorithm")
        return jwt_webhook_needs(algorithm.text if algorithm else "", index.settings.target.kic)
    return CREDENTIAL_TYPES[cred_type].webhook_needs


def _webhook(secret: Secret, cred_type: str, index: KongIndex) -> list[Hit]:
    kic = show(index.settings.target.kic)
    if cred_type not in CREDENTIAL_TYPES or (cred_type == "konnect" and index.settings.target.kic < KONNECT_KNOWN_SINCE):
        return [_problem("webhook-rejects", secret, _kind_location(secret),
                         f"credential type {cred_type!r} is unknown to the KIC {kic} webhook")]
    missing = [name for name in _webhook_needs(secret, cred_type, index)
               if not (secret.values.get(name) and secret.values[name].text)]
    if not missing:
        return []
    where = secret.values[missing[0]].location if missing[0] in secret.values else _kind_location(secret)
    return [_problem("webhook-rejects", secret, where,
                     f"the KIC {kic} webhook refuses this {cred_type} credential: "
                     f"{', '.join(missing)} missing or empty")]


def _translator(secret: Secret, cred_type: str) -> list[Hit]:
    row = CREDENTIAL_TYPES.get(cred_type)
    if row is None or not row.translated:
        return [_problem("invalid-credential", secret, _kind_location(secret),
                         f"unsupported credential type {cred_type!r}; KIC skips this credential")]
    findings = []
    for name in dict.fromkeys(row.translator_needs + ((row.unique,) if row.unique else ())):
        value = secret.values.get(name)
        if value is None and name in row.translator_needs:
            findings.append(_problem("invalid-credential", secret, _kind_location(secret),
                                     f"failed to provision credential: {cred_type} is invalid: no {name}"))
        elif value is not None and value.text == "":
            findings.append(_problem("invalid-credential", secret, value.location,
                                     f"{name} is empty: Kong rejects it (length must be at least 1) and with "
                                     "it the whole configuration"))
    return findings + _parsed_fields(secret)


def _parsed_fields(secret: Secret) -> list[Hit]:
    findings = []
    checks = [(name, lambda t: t in GO_BOOLS, "true or false") for name in BOOL_FIELDS]
    checks += [(name, lambda t: re.fullmatch(r"[+-]?\d+", t) is not None, "an integer") for name in INT_FIELDS]
    for name, valid, want in checks:
        value = secret.values.get(name)
        if value is not None and not valid(value.text):
            findings.append(_problem("invalid-credential", secret, value.location,
                                     f"{name} must be {want}; KIC fails to translate this credential"))
    return findings


def _whitespace(ref, value, field: str) -> Hit | None:
    text = value.text
    if not text or text == text.strip():
        return None
    what = "a trailing newline" if text.endswith("\n") else "leading or trailing whitespace"
    hint = " (was it encoded with `echo` instead of `echo -n`?)" if value.encoded else ""
    return Hit("credential-value-whitespace",
               f"{ref.id}: {field} has {what}; Kong compares it exactly, so clients must send it byte for byte{hint}",
               [Participant(ref, value.location)])


def _credential_secrets(index: KongIndex) -> dict:
    """Secrets to check, with the type KIC gives each: attached ones, and labelled ones."""
    chosen: dict = {}
    for attachment in index.attachments:
        secret = attachment.secret
        if secret is not None and (attachment.cred_type or secret.legacy_type is None):
            chosen[secret.obj.ref] = (secret, attachment.cred_type, True)
    for secret in index.all_of("Secret"):
        if secret.label_type is not None and secret.obj.ref not in chosen and not secret.obj.is_live:
            chosen[secret.obj.ref] = (secret, secret.label_type, False)
    return chosen


def _untyped(secret: Secret, index: KongIndex) -> str:
    if secret.label_type is not None:  # only KIC 2.x ignores the label
        return (f"KIC {show(index.settings.target.kic)} reads the credential type only from the kongCredType data "
                "key, not from the konghq.com/credential label; it skips this credential and keeps the consumer "
                "without it")
    return ("referenced as a credential but has no konghq.com/credential label; KIC skips it and keeps the "
            "consumer without it")


def _check_secret(secret: Secret, cred_type: str | None, attached: bool, index: KongIndex) -> list[Hit]:
    findings: list[Hit] = []  # a Secret with invalid base64 is an input error, never indexed
    if cred_type is None:
        return findings + [_problem("invalid-credential", secret, _kind_location(secret), _untyped(secret, index))]
    if secret.label_type is not None and (attached or index.settings.target.webhook_checks_labelled_secrets):
        findings += _webhook(secret, cred_type, index)
    if attached and not findings:  # a Secret the webhook refuses never reaches KIC: `kubectl apply` fails
        findings += _translator(secret, cred_type)
    row = unique.by_credential_type().get(cred_type)
    value = secret.values.get(row.field) if row else None
    if value is not None:
        findings.append(_whitespace(secret.obj.ref, value, row.field))
    return findings


def _check_vault(vault) -> Hit | None:
    prefix = vault.prefix
    if prefix is None:
        return None
    if VAULT_PREFIX.fullmatch(prefix.text) and prefix.text not in VAULT_NAMES:
        return None
    why = ("is the name of a vault backend" if prefix.text in VAULT_NAMES
           else f"does not match Kong's pattern {VAULT_PREFIX_PATTERN}")
    return Hit("webhook-rejects",
               f"KongVault {vault.obj.ref.name!r}: spec.prefix {prefix.text!r} {why}; the webhook refuses it",
               [Participant(vault.obj.ref, prefix.location)])


def check(index: KongIndex) -> list[Hit]:
    findings: list = []
    for secret, cred_type, attached in _credential_secrets(index).values():
        if not secret.obj.is_live:
            findings += _check_secret(secret, cred_type, attached, index)
    for consumer in index.of("KongConsumer"):
        for name in ("username", "custom_id"):
            value = getattr(consumer, name)
            if value is not None and not consumer.obj.is_live:
                findings.append(_whitespace(consumer.obj.ref, value, name))
    findings += [_check_vault(vault) for vault in index.of("KongVault") if not vault.obj.is_live]
    return [finding for finding in findings if finding is not None]
