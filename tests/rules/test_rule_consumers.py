"""consumer-without-identity, consumer-duplicate-list-entry, consumer-without-username, from YAML strings."""
from __future__ import annotations

from kchelp import at, consumer, findings_of


def test_a_consumer_without_identity_is_refused_by_the_crd_since_kic_31():
    [finding] = findings_of(consumer("a"))
    assert finding.rule == "consumer-without-identity" and "the API server refuses it" in finding.message
    assert at(finding) == [("default/KongConsumer/a", 2, 7)]  # its kind: line
    # KIC 3.0: no CRD rule; the webhook refuses a consumer of its class without a username, and the
    # translator drops one it does not check (counted through the default class)
    [refused] = findings_of(consumer("a"), kic="3.0")
    assert refused.rule == "webhook-rejects" and '"username cannot be empty"' in refused.message
    [dropped] = findings_of(consumer("a", cls=None), kic="3.0", assume_default_class=True)
    assert "drops this consumer" in dropped.message


def test_the_crd_refuses_whatever_the_class():
    assert "consumer-without-identity" in [f.rule for f in findings_of(consumer("a", cls="other"))]


def test_a_repeated_group_is_refused_with_the_consumer():
    [finding] = findings_of(consumer("a", username="a", consumer_groups=["g", "g"]))
    assert finding.rule == "consumer-duplicate-list-entry" and finding.outcome == "apply-refused"
    assert finding.dropped == ["default/KongConsumer/a"]
    assert at(finding) == [("default/KongConsumer/a", 8, 21)]  # the second entry


def test_custom_id_only_consumers_may_panic_before_kic_34():
    text = consumer("a", custom_id='"1001"')
    assert [f.rule for f in findings_of(text, kic="3.3")] == ["consumer-without-username"]
    assert findings_of(text, kic="3.4") == []
