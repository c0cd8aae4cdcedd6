"""credential-shared-by-consumers, from YAML strings."""
from __future__ import annotations

from kchelp import consumer, findings_of, secret, yaml_stream


def test_one_secret_attached_to_two_consumers_is_one_clash():
    text = yaml_stream(consumer("a", username="a", credentials=["team"]), consumer("b", username="b", credentials=["team"]),
                       secret("team", "key-auth", key="k"))
    [finding] = findings_of(text, "credential-shared-by-consumers")
    assert [p.ref.id for p in finding.participants] == [
        "default/Secret/team", "default/KongConsumer/a", "default/KongConsumer/b"]
    assert finding.entity == "keyauth_credentials" and finding.value_fingerprint
    assert finding.outcome == "consumers-dropped"


def test_types_without_a_unique_field_are_not_shared_clashes():
    text = yaml_stream(consumer("a", username="a", credentials=["team"]), consumer("b", username="b", credentials=["team"]),
                       secret("team", "acl", group="admins"))
    assert findings_of(text, "credential-shared-by-consumers") == []


def test_a_secret_listed_twice_by_one_consumer_is_refused_on_kic_32_and_shared_before():
    text = yaml_stream(consumer("a", username="a", credentials=["k", "k"]), secret("k", "key-auth", key="v"))
    assert findings_of(text, "credential-shared-by-consumers") == []
    assert [f.rule for f in findings_of(text)] == ["consumer-duplicate-list-entry"]
    assert [f.rule for f in findings_of(text, kic="3.1")] == ["credential-shared-by-consumers"]
