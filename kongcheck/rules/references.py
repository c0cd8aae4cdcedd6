"""How a consumer's credential references resolve: missing Secrets and legacy types."""
from __future__ import annotations

from kongcheck.facts import webhook
from kongcheck.facts.kube import LEGACY_TYPE_KEY
from kongcheck.facts.versions import show
from kongcheck.index import Attachment, KongIndex
from kongcheck.model import Participant
from kongcheck.rules.admission import consumer_checked, consumer_failure
from kongcheck.rules.base import Hit, RuleInfo, said

RULES = [
    RuleInfo(
        id="missing-credential-secret",
        severity="warning",
        summary="a KongConsumer names a credential Secret that is not in the input",
        behaviour="KIC looks Secrets up in the consumer's own namespace only. A missing one is skipped "
        "('Failed to fetch secret') and the consumer is kept without it. KIC's webhook (3.0 and newer) refuses "
        "a consumer whose class annotation is exactly the controller's class ('consumer referenced "
        "non-existent credentials secret'); it does not check consumers counted through a default "
        "IngressClass. It may exist in the cluster already: scan with --cluster to check.",
        example="kind: KongConsumer\nmetadata: {name: alice, namespace: team-a}\nusername: alice\n"
        "credentials: [alice-key]   # no Secret team-a/alice-key in the input\n",
        fix="Add the Secret in the consumer's namespace, fix the name, or scan together with the files that "
        "define it.",
    ),
    RuleInfo(
        id="legacy-credential-ignored",
        severity="error",
        summary="a consumer's credential Secret is typed only by the legacy kongCredType key, which KIC >= 3.2 ignores",
        behaviour="KIC 3.2.0 stopped reading the `kongCredType` data key (#5965); the type comes only from the "
        "label `konghq.com/credential`. The consumer silently loses the credential.",
        example="kind: Secret\nmetadata: {name: alice-key}\nstringData:\n  kongCredType: key-auth\n  key: k1\n",
        fix="Add the label `konghq.com/credential: <type>` to the Secret (and drop kongCredType).",
    ),
    RuleInfo(
        id="deprecated-credential-type",
        severity="warning",
        summary="a credential Secret typed by kongCredType on KIC 3.0/3.1, which still reads it but deprecates it",
        behaviour="KIC 3.0-3.1 read the label first, then the deprecated `kongCredType` key; 3.2 removed the "
        "fallback, so this credential disappears on upgrade.",
        example="kind: Secret\nmetadata: {name: alice-key}\nstringData:\n  kongCredType: key-auth\n  key: k1\n",
        fix="Add the label `konghq.com/credential: <type>` to the Secret.",
    ),
]


def _missing(attachment: Attachment, index: KongIndex) -> Hit:
    consumer = attachment.consumer
    ref = consumer.obj.ref
    refused = attachment.refused
    why = (f"the API server refuses (see the input error at {refused.location})" if refused
           else f"is not in namespace {ref.namespace!r} of the input")
    if not refused and index.unread:
        where = "the input" if index.unread == 1 else f"one of the {index.unread} inputs"
        why += f" (or is in {where} that could not be read; see the input errors)"
    fate = "KIC skips it and keeps the consumer without it"
    if consumer_checked(consumer, index):
        answer = f'{webhook.SECRET_NOT_FOUND}: secrets "{attachment.name.text}" not found'
        fate = consumer_failure(index, [ref.id], answer) + " unless the Secret exists in the cluster already"
        if index.settings.target.kic < webhook.CONSUMER_FAILURES_REFUSE_SINCE \
                and index.settings.install.failure_policy != "Fail":
            fate += "; KIC then skips the Secret and keeps the consumer without it"
    return Hit(
        "missing-credential-secret", participants=[Participant(ref, attachment.name.location)],
        **said(f"KongConsumer {ref.id} names credential Secret {attachment.name.text!r}", f"which {why}; {fate}", ", "),
    )


def _legacy(attachment: Attachment, index: KongIndex) -> Hit | None:
    secret = attachment.secret
    consumer = attachment.consumer.obj.ref
    target = index.settings.target
    where = [Participant(secret.obj.ref, secret.values[LEGACY_TYPE_KEY].location),
             Participant(consumer, attachment.name.location)]
    if attachment.via == "legacy" and target.reads_label:
        return Hit("deprecated-credential-type", participants=where,
                   **said(f"Secret {secret.obj.ref.id} is typed only by the deprecated kongCredType key",
                          f"(credential of {consumer.id}); KIC {show(target.kic)} still reads it, KIC 3.2 and newer "
                          "do not", " "))
    if attachment.via is None and secret.label_type is None and not target.reads_legacy_type:
        if consumer_checked(attachment.consumer, index):
            fate = consumer_failure(index, [consumer.id], webhook.CREDENTIAL_FAILED + webhook.NO_TYPE)
        else:
            fate = f"KongConsumer {consumer.id} loses this credential"
        return Hit("legacy-credential-ignored", participants=where,
                   **said(f"Secret {secret.obj.ref.id} is typed only by kongCredType",
                          f"which KIC {show(target.kic)} ignores: {fate}", ", "))
    return None


def check(index: KongIndex):
    for attachment in index.attachments:
        if attachment.secret is None:
            if attachment.maker is None:  # a Secret a SealedSecret or ExternalSecret makes is present
                yield _missing(attachment, index)
        elif attachment.secret.legacy_type is not None:
            hit = _legacy(attachment, index)
            if hit:
                yield hit
