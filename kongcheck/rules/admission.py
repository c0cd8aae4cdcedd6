"""webhook-rejects: objects KIC's admission webhook refuses, so `kubectl apply` fails; and what the
webhook does with a KongConsumer being applied, for the rules that report a consumer's Secret
problems (KIC: internal/admission/handler.go, validator.go; facts/webhook.py)."""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts import webhook
from kongcheck.facts.kube import LEGACY_TYPE_KEY
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.kinds.secret import Secret
from kongcheck.model import Location, Participant
from kongcheck.rules.base import Hit, RuleInfo, reported, said

RULES = [
    RuleInfo(
        id="consumer-applied-before-secret",
        severity="warning",
        summary="a KongConsumer applied before a credential Secret it names, which KIC's webhook refuses",
        behaviour="`kubectl apply` sends objects one by one in file and document order. KIC's webhook (3.0 and "
        "newer) reads a consumer's Secrets from its cache when the consumer arrives, so a consumer with "
        "exactly the controller's class annotation that comes before its Secret is refused ('consumer "
        "referenced non-existent credentials secret'): this apply fails for it, the Secret is created, and the "
        "next apply succeeds. helm and kustomize order Secrets before custom resources themselves; their "
        "output never has this problem.",
        example="# consumers.yaml (applied first: 'consumers' < 'credentials')\n"
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: alice\ncredentials: [alice-key]\n"
        "---\n# credentials.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: alice-key\n  labels:\n"
        "    konghq.com/credential: key-auth\nstringData:\n  key: alice-key-1\n",
        fix="Put the Secret first: in the same file before the consumer, or in a file or folder that sorts "
        "before it (e.g. 00-secrets.yaml), or apply with kustomize.",
        enabled=False,  # Argo CD, Flux, helm and kustomize apply Secrets first; plain kubectl does not
    ),
    RuleInfo(
        id="webhook-rejects",
        severity="error",
        summary="an object KIC's admission webhook refuses, so `kubectl apply` fails",
        behaviour="KIC's webhook validates every credential Secret it is sent, referenced or not: from KIC "
        "3.2 those with the `konghq.com/credential` label (3.2.0-3.4.3 skip an empty label value), on 3.0-3.1 "
        "also those typed only by `kongCredType` (the label wins), on 2.12.1+ only those typed by "
        "`kongCredType`. The type must be basic-auth, hmac-auth, jwt, key-auth, oauth2, acl or mtls-auth "
        "(konnect from 3.4.4) and its fields present and non-empty: key-auth key; basic-auth username, "
        "password; hmac-auth username, secret; oauth2 name, client_id, client_secret, redirect_uris; acl group; "
        "mtls-auth subject_name; jwt algorithm, rsa_public_key, key, secret, where 3.1.3+ skip rsa_public_key "
        "for algorithm HS256/HS384/HS512 and 3.4.0+ skip secret for other algorithms. A KongConsumer with "
        "exactly the controller's class annotation is refused (KIC >= 3.0) when a Secret it names is untyped "
        "or invalid. The kong Helm chart sends every Secret except those labelled owner: helm.",
        example="apiVersion: v1\nkind: Secret\nmetadata:\n  name: alice-jwt\n  labels:\n"
        "    konghq.com/credential: jwt\nstringData:\n  key: alice-issuer\n  secret: s3cr3t   # no algorithm\n",
        fix="Add the fields the webhook asks for (the translator would default jwt's algorithm to HS256, "
        "but the webhook does not).",
    ),
]
_APPLIED_LATER = next(info for info in RULES if info.id == "consumer-applied-before-secret")


def _problem(secret: Secret, location: Location, what: str, rest: str) -> Hit:
    ref = secret.obj.ref
    return Hit("webhook-rejects", participants=[Participant(ref, location)], **said(f"Secret {ref.id}: {what}", rest, ", "))


def _kind_location(secret: Secret) -> Location:
    return secret.obj.kind_location


def _type_location(secret: Secret, kic) -> Location:
    """Where the type the webhook read is written: the label's value, or the kongCredType value."""
    if secret.type_label is not None and kic >= webhook.READS_LABEL_SINCE:
        return secret.type_label.location
    legacy = secret.values.get(LEGACY_TYPE_KEY)
    return legacy.location if legacy is not None else _kind_location(secret)


def refusal_location(secret: Secret, fields: tuple[str, ...], kic) -> Location:
    """A webhook refusal points at the type for an unknown type, at the first empty field, and at
    ``kind:`` for absent fields (they have no text)."""
    if not fields:
        return _type_location(secret, kic)
    value = secret.values.get(fields[0])
    return value.location if value is not None else _kind_location(secret)


def _exact_consumers(secret: Secret, index: KongIndex) -> list:
    """The processed consumers with the exact class annotation that name ``secret``."""
    return [a.consumer for a in index.naming(secret.obj.ref) if index.exact_class(a.consumer)]


def _secret_checked(secret: Secret, index: KongIndex, on_create: bool) -> bool:
    """Whether the webhook's verdict on this Secret decides `kubectl apply`: every typed Secret from
    KIC 2.12.1 on (``on_create``); before, only an update of a Secret a consumer names, answered as an error."""
    if secret.obj.is_live or not secret.to_webhook:
        return False
    if on_create:
        return True
    return (index.settings.install.failure_policy == "Fail" and index.live_version(secret) is not None
            and bool(_exact_consumers(secret, index)))


class _Verdicts(NamedTuple):
    """The Secret webhook's verdicts on the scan's Secrets (worked out once per scan: several rules ask)."""

    refused: dict[int, Hit]  # id(Secret) -> its refusal, in KIC's words, for each Secret being applied it refuses
    unchecked: set  # the Secrets it did not pass as the type the consumer handler reads: that handler checks them


def _verdicts(index: KongIndex) -> _Verdicts:
    verdicts = index.memo.get("secret_verdicts")
    if verdicts is None:
        kic = index.settings.target.kic
        on_create = webhook.refuses_secrets_on_create(kic)
        verdicts = index.memo["secret_verdicts"] = _Verdicts({}, set())
        types: dict[tuple, tuple] = {}  # (label, kongCredType) -> the types the two handlers read, worked out once
        for secret in index.all_of("Secret"):
            key = secret.label_type, secret.legacy_type
            found = types.get(key)
            if found is None:
                found = types[key] = (webhook.secret_type(*key, kic), webhook.consumer_secret_type(*key, kic))
            cred_type = None if secret.obj.is_live else found[0]
            if cred_type is not None and _secret_checked(secret, index, on_create):
                problem = webhook.validate(cred_type, secret.data, kic)
                if problem is not None:
                    verdicts.refused[id(secret)] = _secret_refusal(secret, cred_type, problem, index)
                    continue
                if found[1] == cred_type:
                    continue  # validated as the type the consumer handler reads, and passed
            verdicts.unchecked.add(secret)
    return verdicts


def secret_refusals(index: KongIndex) -> dict[int, Hit]:
    """id(Secret) -> the Secret webhook's refusal, in KIC's words, for each Secret being applied that it refuses."""
    return _verdicts(index).refused


def _secret_refusal(secret: Secret, cred_type: str, problem: tuple[str, tuple[str, ...]], index: KongIndex) -> Hit:
    """The refusal of a Secret the webhook checks as ``cred_type`` and finds ``problem`` with (webhook.validate's)."""
    target = index.settings.target
    text, fields = problem
    what = f"the KIC {show(target.kic)} webhook refuses it"
    message = f"\"{webhook.CREDENTIAL_FAILED}{text}\""
    if cred_type == "konnect" and index.settings.install.name == "chart":
        message += " (the kong chart 2.44 and newer does not send Secrets labelled konnect to the webhook)"
    names = sorted(c.obj.ref.id for c in _exact_consumers(secret, index) if consumer_checked(c, index))
    if names and webhook.consumer_failures_refuse(target.kic, index.settings.install):
        one = len(names) == 1
        message += (f"; {', '.join(names)}, which {'names' if one else 'name'} it, then "
                    f"{'finds' if one else 'find'} no such Secret and {'is' if one else 'are'} refused too")
    return _problem(secret, refusal_location(secret, fields, target.kic), what, f"so `kubectl apply` fails: {message}")


def _text(value) -> str | None:
    return value.text if value is not None else None


def consumer_checked(consumer, index: KongIndex) -> bool:
    """The consumer handler validates this consumer: it has exactly the controller's class
    annotation, the webhook is sent it, and the apply creates it or changes its username (an update
    that keeps the username is let through unchecked)."""
    if consumer.obj.is_live or not consumer.to_webhook or not index.exact_class(consumer):
        return False
    live = index.live_version(consumer)
    return live is None or _text(getattr(live, "username", None)) != _text(consumer.username)


def consumer_failure(index: KongIndex, ids: list[str], answer: str) -> str:
    """What happens to consumers the handler fails on with ``answer``: refused from KIC 3.0; on
    KIC 2.x an internal error that the install's failurePolicy decides."""
    kic = index.settings.target.kic
    install = index.settings.install
    who = ", ".join(sorted(set(ids)))
    one = len(set(ids)) == 1
    if kic >= webhook.CONSUMER_FAILURES_REFUSE_SINCE:
        return (f"the KIC {show(kic)} webhook refuses {who} (\"{answer}\"), so `kubectl apply` fails for "
                f"{'it' if one else 'them'}")
    if install.failure_policy == "Fail":
        return (f"the KIC {show(kic)} webhook fails on {who} with an internal error, which failurePolicy Fail "
                f"({install.people}) turns into a refusal, so `kubectl apply` fails for {'it' if one else 'them'}")
    return (f"the KIC {show(kic)} webhook fails on {who} with an internal error, which failurePolicy Ignore "
            f"({install.people}) lets through")


def _empty_username(consumer, index: KongIndex) -> Hit | None:
    """KIC 2.x and 3.0 refuse a checked consumer without a username (removed in 3.1.0)."""
    if index.settings.target.kic >= webhook.EMPTY_USERNAME_REFUSED_BEFORE or _text(consumer.username):
        return None
    ref = consumer.obj.ref
    where = consumer.username.location if consumer.username is not None else consumer.obj.kind_location
    return Hit("webhook-rejects", participants=[Participant(ref, where)],
               **said(f"KongConsumer {ref.id} has no username",
                      f"the KIC {show(index.settings.target.kic)} webhook refuses it (\"{webhook.EMPTY_USERNAME}\"), "
                      "so `kubectl apply` fails for it"))


def refuses_empty_username(consumer, index: KongIndex) -> bool:
    return _empty_username(consumer, index) is not None and consumer_checked(consumer, index)


def _why_not_checked(secret: Secret, index: KongIndex) -> str:
    """Why the Secret webhook let a Secret through that the consumer webhook then refuses."""
    if not secret.to_webhook:
        return f"{index.settings.install.people} does not send it to the webhook"
    if secret.obj.is_live or index.live_version(secret) is not None:
        return "it is already in the cluster"
    if not webhook.refuses_secrets_on_create(index.settings.target.kic):
        return f"KIC {show(index.settings.target.kic)} does not check Secrets on creation"
    return f"KIC {show(index.settings.target.kic)} skips a Secret whose konghq.com/credential label is empty"


def _consumer_refusal(consumer, attachments: list, index: KongIndex, verdicts: _Verdicts) -> Hit | None:
    """The consumer handler's verdict on the Secrets a checked consumer names (``verdicts``: the Secret
    webhook's), where the Secret webhook did not already refuse the Secret (that finding names the
    consumer) and the Secret is typed (an untyped one is invalid-credential's or
    legacy-credential-ignored's); the caller knows that consumer failures refuse."""
    kic = index.settings.target.kic
    for attachment in attachments:
        secret = attachment.secret
        if secret is None or id(secret) in verdicts.refused:
            return None  # missing-credential-secret, or the Secret's own refusal, says it
        if secret not in verdicts.unchecked:
            continue  # the Secret webhook validated it as the type this handler reads, and it passed
        cred_type = webhook.consumer_secret_type(secret.label_type, secret.legacy_type, kic)
        if cred_type is None:
            return None
        problem = webhook.validate(cred_type, secret.data, kic)
        if problem is not None:
            ref = consumer.obj.ref
            answer = webhook.CREDENTIAL_FAILED + problem[0]
            return Hit("webhook-rejects",
                       participants=[Participant(ref, attachment.name.location),
                                     Participant(secret.obj.ref, secret.obj.kind_location)],
                       **said(f"KongConsumer {ref.id} names Secret {secret.obj.ref.id}, which the Secret webhook lets "
                              f"through ({_why_not_checked(secret, index)}) but the consumer webhook does not",
                              consumer_failure(index, [ref.id], answer)))
    return None


def _applied_later(consumer, attachments: list, index: KongIndex, refused: dict) -> list[Hit]:
    """The consumer's Secrets that the same apply creates only after the consumer (``refused``: the
    Secret webhook's refusals, which say what happens to those it refuses)."""
    hits = []
    for attachment in attachments:
        secret = attachment.secret
        if (secret is None or index.live_version(secret) is not None or secret.obj.doc.order < consumer.obj.doc.order
                or id(secret) in refused):
            continue
        ref = consumer.obj.ref
        answer = f'{webhook.SECRET_NOT_FOUND}: secrets "{secret.obj.ref.name}" not found'
        hits.append(Hit("consumer-applied-before-secret",
                        participants=[Participant(ref, attachment.name.location),
                                      Participant(secret.obj.ref, secret.obj.kind_location)],
                        **said(f"KongConsumer {ref.id} is applied before its credential Secret {secret.obj.ref.id}",
                               f"{consumer_failure(index, [ref.id], answer)} on this apply; the Secret is created, "
                               "so applying again succeeds")))
        break  # the webhook stops at the first Secret it cannot find
    return hits


def _naming_unchecked(index: KongIndex, verdicts: _Verdicts) -> list:
    """The consumers that name a Secret the consumer handler checks itself (``verdicts.unchecked``), in
    order: only such a Secret can make ``_consumer_refusal`` refuse a consumer."""
    unchecked = verdicts.unchecked
    named = {id(a.consumer) for a in index.attachments if a.secret is not None and a.secret in unchecked}
    return [consumer for consumer in index.of("KongConsumer") if id(consumer) in named] if named else []


def check(index: KongIndex) -> list[Hit]:
    verdicts = _verdicts(index)
    refusals = verdicts.refused
    hits = list(refusals.values())  # made in the order of the Secrets
    kic = index.settings.target.kic
    refuse = webhook.consumer_failures_refuse(kic, index.settings.install)
    later = refuse and reported(index, _APPLIED_LATER)
    if later or kic < webhook.EMPTY_USERNAME_REFUSED_BEFORE:  # any checked consumer may be reported
        consumers = index.of("KongConsumer")
    elif refuse and verdicts.unchecked:
        consumers = _naming_unchecked(index, verdicts)
    else:
        return hits
    wanted = {id(consumer) for consumer in consumers}
    named: dict[int, list] = {}
    for attachment in index.attachments:
        if id(attachment.consumer) in wanted:
            named.setdefault(id(attachment.consumer), []).append(attachment)
    for consumer in consumers:
        if not consumer_checked(consumer, index):
            continue
        attachments = named.get(id(consumer), [])
        refused = _empty_username(consumer, index) or (
            _consumer_refusal(consumer, attachments, index, verdicts) if refuse and attachments else None)
        if refused is not None:
            hits.append(refused)
        elif later:
            hits += _applied_later(consumer, attachments, index, refusals)
    return hits
