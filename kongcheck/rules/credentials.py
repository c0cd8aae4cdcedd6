"""Credential Secrets that KIC's translator, its webhook or Kong would refuse."""
from __future__ import annotations

import re

from kongcheck.facts import unique
from kongcheck.facts import webhook
from kongcheck.facts.credentials import BOOL_FIELDS, CREDENTIAL_TYPES, GO_BOOLS, INT_FIELDS
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.kinds.secret import Secret
from kongcheck.index.records import SecretMaker
from kongcheck.model import Location, Participant
from kongcheck.rules.admission import consumer_checked, consumer_failure, secret_refusals
from kongcheck.rules.base import Hit, RuleInfo, said

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
        "finding. A Secret that a SealedSecret or ExternalSecret makes is checked by the labels and keys it gets "
        "(an unknown type; no label where KIC reads only the label; a key the translator needs); its values "
        "only with --cluster.",
        example="apiVersion: v1\nkind: Secret\nmetadata:\n  name: alice-jwt\n  labels:\n"
        "    konghq.com/credential: jwt\nstringData:\n  algorithm: HS256\n  secret: s3cr3t   # no key\n",
        fix="Set the credential type label to one of key-auth, basic-auth, hmac-auth, jwt, oauth2, acl, "
        "mtls-auth and fill every required field with a non-empty value.",
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


def _problem(rule: str, secret: Secret, location: Location, what: str, rest: str = "", sep: str = "; ") -> Hit:
    ref = secret.obj.ref
    title = f"Secret {ref.id}: {what}"
    return Hit(rule, participants=[Participant(ref, location)], **(said(title, rest, sep) if rest else
                                                                   {"message": title, "title": title}))


def _kind_location(secret: Secret) -> Location:
    return secret.obj.kind_location


def _translator(secret: Secret, cred_type: str, findings: list[Hit]) -> None:
    """Add a finding for each reason KIC's translator refuses the credential."""
    row = CREDENTIAL_TYPES.get(cred_type)
    if row is None or not row.translated:
        findings.append(_problem("invalid-credential", secret, _kind_location(secret),
                                 f"unsupported credential type {cred_type!r}", "KIC skips this credential"))
        return
    get = secret.values.get
    for name in _READ_FIELDS[row.name]:
        value = get(name)
        if value is None:
            if name in row.translator_needs:
                findings.append(_problem("invalid-credential", secret, _kind_location(secret),
                                         f"failed to provision credential: {cred_type} is invalid: no {name}"))
        elif value.text == "":
            findings.append(_problem("invalid-credential", secret, value.location,
                                     f"{name} is empty", "Kong rejects it (length must be at least 1) and with "
                                     "it the whole configuration", ": "))
    _parsed_fields(secret, findings)


# the fields the translator reads of each type: those it needs, then the unique one
_READ_FIELDS = {row.name: tuple(dict.fromkeys(row.translator_needs + ((row.unique,) if row.unique else ())))
                for row in CREDENTIAL_TYPES.values()}
_INTEGER = re.compile(r"[+-]?\d+")
# (field, whether its text parses, what it must be)
_PARSED_FIELDS = tuple([(name, GO_BOOLS.__contains__, "true or false") for name in BOOL_FIELDS]
                       + [(name, lambda t: _INTEGER.fullmatch(t) is not None, "an integer") for name in INT_FIELDS])


def _parsed_fields(secret: Secret, findings: list[Hit]) -> None:
    """Add a finding for each field the translator parses whose text does not parse."""
    get = secret.values.get
    for name, valid, want in _PARSED_FIELDS:
        value = get(name)
        if value is not None and not valid(value.text):
            findings.append(_problem("invalid-credential", secret, value.location,
                                     f"{name} must be {want}", "KIC fails to translate this credential"))


def _whitespace(ref, value, field: str) -> Hit | None:
    text = value.text
    if not text or text == text.strip():
        return None
    what = "a trailing newline" if text.endswith("\n") else "leading or trailing whitespace"
    hint = " (was it encoded with `echo` instead of `echo -n`?)" if value.encoded else ""
    return Hit("credential-value-whitespace", participants=[Participant(ref, value.location)],
               **said(f"{ref.id}: {field} has {what}",
                      f"Kong compares it exactly, so clients must send it byte for byte{hint}", "; "))


def _untyped(secret: Secret, index: KongIndex) -> tuple[str, str, str]:
    """(what is wrong, the rest, the separator between them)."""
    if secret.label_type is not None:  # only KIC 2.x ignores the label
        return (f"KIC {show(index.settings.target.kic)} reads the credential type only from the kongCredType data "
                "key", "not from the konghq.com/credential label; it skips this credential", ", ")
    return "has no konghq.com/credential label", "but is referenced as a credential; KIC skips it", ", "


def _check_secret(secret: Secret, index: KongIndex, refused: bool, findings: list[Hit]) -> None:
    """A Secret being applied: the webhook's verdict (``refused``: reported by rules/admission.py), then
    what KIC's translator does with it for the consumers that name it (a Secret the webhook refuses
    never reaches KIC); its findings are added to ``findings``."""
    attachments = index.naming(secret.obj.ref)
    cred_type = attachments[0].cred_type if attachments else None
    if attachments and not refused:
        if cred_type is None:
            if secret.legacy_type is None:  # kongCredType-only Secrets are references.py's
                what, rest, sep = _untyped(secret, index)
                fates = consumer_fates(attachments, index)
                findings.append(_problem("invalid-credential", secret, _kind_location(secret), what,
                                         f"{rest}; {fates}" if fates else rest, sep))
        else:
            _translator(secret, cred_type, findings)
    field = _UNIQUE_FIELDS.get(cred_type or secret.label_type or secret.legacy_type)
    value = secret.values.get(field) if field is not None else None
    if value is not None:
        hit = _whitespace(secret.obj.ref, value, field)
        if hit is not None:
            findings.append(hit)


# credential type -> its unique field (facts/unique.py's credential rows)
_UNIQUE_FIELDS = {cred_type: row.field for cred_type, row in unique.by_credential_type().items()}


def _check_maker(maker: SecretMaker, index: KongIndex) -> Hit | None:
    """A Secret made in the cluster (values unknown) that a consumer names, by the labels and keys it gets:
    a type KIC does not translate, a key its translator needs missing (KIC's first), or, where KIC reads
    only the label, no label."""
    target = index.settings.target
    ref = maker.obj.ref
    consumers = sorted({a.consumer.obj.ref.id for a in index.naming(ref)})
    if not consumers or not target.reads_label or not maker.labels_known:
        return None  # not a consumer credential; or KIC 2.x types it by kongCredType, a value only the cluster knows
    made = f"{ref.kind} {ref.id} makes Secret {maker.target!r}"
    fate = f"; {', '.join(consumers)} never get{'s' if len(consumers) == 1 else ''} it"
    label = maker.type_label
    if label is not None:
        row = CREDENTIAL_TYPES.get(label.text)
        if row is None or not row.translated:
            return Hit("invalid-credential", participants=[Participant(ref, label.location)],
                       **said(f"{made} with unsupported credential type {label.text!r}",
                              f"KIC skips this credential{fate}", "; "))
        absent = [name for name in row.translator_needs if maker.keys is not None and name not in maker.keys]
        if absent:
            return Hit("invalid-credential", participants=[Participant(ref, maker.obj.kind_location)],
                       **said(f"{made} without a {absent[0]} key",
                              f"failed to provision credential: {row.name} is invalid: no {absent[0]}{fate}"))
        return None
    if not target.reads_legacy_type:
        return Hit("invalid-credential", participants=[Participant(ref, maker.obj.kind_location)],
                   **said(f"{made} without a konghq.com/credential label",
                          f"the only credential type KIC {show(target.kic)} reads; KIC skips it{fate}", ", "))
    return None


def consumer_fates(attachments: list, index: KongIndex) -> str:
    """What becomes of the consumers that name an untyped Secret: the webhook refuses those it checks
    (KIC >= 3.0); KIC keeps the others without the credential."""
    refused, kept = [], []
    refuses = webhook.consumer_failures_refuse(index.settings.target.kic, index.settings.install)
    for attachment in attachments:
        consumer = attachment.consumer
        (refused if refuses and consumer_checked(consumer, index) else kept).append(consumer.obj.ref.id)
    parts = []
    if kept:
        parts.append(f"KIC keeps {', '.join(sorted(set(kept)))} without it")
    if refused:
        parts.append(consumer_failure(index, refused, webhook.CREDENTIAL_FAILED + webhook.NO_TYPE))
    return "; ".join(parts)


def check(index: KongIndex) -> list[Hit]:
    findings: list = []
    refusals = secret_refusals(index)
    for secret in index.all_of("Secret"):
        if not secret.obj.is_live:
            _check_secret(secret, index, id(secret) in refusals, findings)
    for maker in index.makers.values():
        hit = _check_maker(maker, index)
        if hit is not None:
            findings.append(hit)
    for consumer in index.of("KongConsumer"):
        if consumer.obj.is_live:
            continue
        for name, value in (("username", consumer.username), ("custom_id", consumer.custom_id)):
            if value is not None:
                hit = _whitespace(consumer.obj.ref, value, name)
                if hit is not None:
                    findings.append(hit)
    return findings
