"""KongConsumers KIC or the API server refuse or cannot handle: no identity, a repeated list entry,
no username on old KIC."""
from __future__ import annotations

from kongcheck.facts import outcomes
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.index.kinds.consumer import Consumer
from kongcheck.index.records import Refusal
from kongcheck.model import Participant
from kongcheck.rules.admission import refuses_empty_username
from kongcheck.rules.base import Hit, RuleInfo, said

RULES = [
    RuleInfo(
        id="consumer-without-identity",
        severity="error",
        summary="a KongConsumer with neither username nor custom_id",
        behaviour="Since KIC 3.1 the KongConsumer CRD requires `username` or `custom_id` (a CEL rule), so the "
        "API server refuses the object and `kubectl apply` fails. KIC's translator also drops a consumer whose "
        "username and custom_id are both empty, with its credentials.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\ncredentials: [alice-key]   # no username\n",
        fix="Set `username` (or `custom_id`) to a non-empty value.",
    ),
    RuleInfo(
        id="consumer-duplicate-list-entry",
        severity="error",
        summary="a KongConsumer listing one Secret in `credentials` (or one group in `consumerGroups`) twice",
        behaviour="Since KIC 3.2 `credentials` and `consumerGroups` are sets in the KongConsumer CRD, so the API "
        "server refuses a consumer that repeats an entry ('Duplicate value') and `kubectl apply` fails: the "
        "consumer never exists, and none of its credentials or groups reach Kong. Older KIC accepts the list and "
        "attaches the Secret twice (see credential-shared-by-consumers).",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: alice\n"
        "credentials: [alice-key, alice-key]\n",
        fix="List each Secret (and each group) once.",
    ),
    RuleInfo(
        id="consumer-without-username",
        severity="warning",
        summary="a KongConsumer with a custom_id but no username, on KIC older than 3.4",
        behaviour="Before KIC 3.4.0 the configuration generator could panic on a consumer without `username` "
        "(KIC #6552, fixed by #6665), taking the controller down instead of skipping the consumer.",
        example="apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: alice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\ncustom_id: \"1001\"   # no username\n",
        fix="Add a `username`, or upgrade KIC to 3.4 or newer.",
    ),
]


def _has(value) -> bool:
    return value is not None and value.text != ""


def _refused_by_crd(consumer: Consumer, index: KongIndex) -> bool:
    """KIC >= 3.1 CRDs: CEL requires the field to be set; an empty string is set."""
    return index.settings.target.kic >= (3, 1) and consumer.username is None and consumer.custom_id is None


def _no_identity(consumer: Consumer, index: KongIndex) -> Hit:
    obj = consumer.obj
    kic = show(index.settings.target.kic)
    if _refused_by_crd(consumer, index):
        effect = (f"the KongConsumer CRD of KIC {kic} requires username or custom_id, so the API server refuses "
                  "it and `kubectl apply` fails")
    else:
        effect = f"KIC {kic} drops this consumer and its credentials (both are empty)"
    where = consumer.username or consumer.custom_id
    location = where.location if where else obj.kind_location
    return Hit("consumer-without-identity", participants=[Participant(obj.ref, location)],
               **said(f"KongConsumer {obj.ref.id} has neither username nor custom_id", effect))


def _no_username(consumer: Consumer, index: KongIndex) -> Hit:
    obj = consumer.obj
    return Hit("consumer-without-username", participants=[Participant(obj.ref, consumer.custom_id.location)],
               **said(f"KongConsumer {obj.ref.id} has a custom_id but no username",
                      f"KIC {show(index.settings.target.kic)} may panic on it (fixed in KIC 3.4); add a username"))


def _refused(refusal: Refusal, index: KongIndex) -> Hit:
    ref = refusal.record.obj.ref
    what = "Secret" if refusal.field == "credentials" else "consumer group"
    title = f"The API server refuses KongConsumer {ref.id}"
    outcome = outcomes.Outcome(
        outcomes.APPLY_REFUSED,
        f"{title}: it lists {what} {refusal.duplicate.text!r} twice in "
        f"`{refusal.field}`, a set since KIC 3.2 (Duplicate value), so `kubectl apply` fails and KIC "
        f"{show(index.settings.target.kic)} never sees this consumer, its credentials or its groups",
        dropped=[ref.id])
    return Hit("consumer-duplicate-list-entry", outcome.text, [Participant(ref, refusal.duplicate.location)],
               outcome=outcome, title=title)


def check(index: KongIndex) -> list[Hit]:
    findings = [_refused(refusal, index) for refusal in index.refused if isinstance(refusal.record, Consumer)]
    processed = None
    for consumer in index.all_of("KongConsumer"):
        if (consumer.obj.is_live or _has(consumer.username)  # a username: no finding of these rules
                or refuses_empty_username(consumer, index)):  # webhook-rejects says it
            continue
        if processed is None:
            processed = {id(record) for record in index.of("KongConsumer")}
        counted = id(consumer) in processed
        if not _has(consumer.custom_id):
            if counted or _refused_by_crd(consumer, index):  # the API server checks whatever the class
                findings.append(_no_identity(consumer, index))
        elif counted and index.settings.target.kic < (3, 4):
            findings.append(_no_username(consumer, index))
    return findings
