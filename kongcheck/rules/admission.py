"""What KIC's webhook does with a KongConsumer being applied, shared by the rules that report a
consumer's Secret problems (KIC: internal/admission/handler.go handleKongConsumer, validator.go
ValidateConsumer)."""
from __future__ import annotations

from kongcheck.facts import webhook
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex


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
