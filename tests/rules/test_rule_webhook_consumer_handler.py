"""webhook-rejects from the consumer handler: a checked KongConsumer names a Secret that the Secret
handler let through unchecked, and the consumer handler finds it invalid (KIC >= 3.0 refuses the consumer)."""
from __future__ import annotations

from kchelp import consumer, findings_of, findings_with_live, secret, yaml_stream

CHART_OWNED = """apiVersion: v1
kind: Secret
metadata:
  name: k
  labels:
    owner: helm
    konghq.com/credential: key-auth
stringData:
  other: x
"""


def _refusal(findings):
    [finding] = [f for f in findings if f.rule == "webhook-rejects"]
    assert [p.ref.id for p in finding.participants] == ["default/KongConsumer/a", "default/Secret/k"]
    return finding.message


def test_a_secret_the_chart_does_not_send_is_checked_when_its_consumer_is():
    message = _refusal(findings_of(yaml_stream(consumer("a", username="a", credentials=["k"]), CHART_OWNED)))
    assert "(the kong Helm chart does not send it to the webhook) but the consumer webhook does not" in message
    assert '"consumer credential failed validation: missing required field(s): key"' in message


def test_the_same_secret_sent_to_kic_own_webhook_is_refused_by_the_secret_handler():
    findings = findings_of(yaml_stream(consumer("a", username="a", credentials=["k"]), CHART_OWNED), webhook="kic")
    [finding] = [f for f in findings if f.rule == "webhook-rejects"]
    assert finding.message.startswith("Secret default/Secret/k: the KIC ")
    assert "default/KongConsumer/a, which names it, then finds no such Secret and is refused too" in finding.message


def test_an_empty_label_skipped_by_the_secret_handler_fails_the_consumer_handler():
    text = yaml_stream(consumer("a", username="a", credentials=["k"]), secret("k", '""', key="x"))
    message = _refusal(findings_of(text, kic="3.3"))
    assert "skips a Secret whose konghq.com/credential label is empty" in message
    assert '"consumer credential failed validation: invalid credential type "' in message


def test_an_empty_label_is_the_secret_handler_own_refusal_from_kic_3_4_4():
    text = yaml_stream(consumer("a", username="a", credentials=["k"]), secret("k", '""', key="x"))
    [finding] = [f for f in findings_of(text, kic="3.4.4") if f.rule == "webhook-rejects"]
    assert finding.message.startswith("Secret default/Secret/k: the KIC 3.4.4 webhook refuses it")


def test_a_live_secret_is_checked_when_a_consumer_being_applied_names_it():
    message = _refusal(findings_with_live(secret("k", "key-auth", other="x"),
                                          consumer("a", username="a", credentials=["k"])))
    assert "(it is already in the cluster) but the consumer webhook does not" in message


def test_a_valid_secret_passes_both_handlers():
    text = yaml_stream(consumer("a", username="a", credentials=["k"]), secret("k", "key-auth", key="x"))
    assert [f for f in findings_of(text) if f.rule == "webhook-rejects"] == []
