"""Unique Kong fields (facts/unique.py), rule by rule, from YAML strings: no CLI."""
from __future__ import annotations

import pytest

from kchelp import at, consumer, findings_of, secret, yaml_stream
from kongcheck.facts import unique

GROUP = """apiVersion: configuration.konghq.com/v1beta1
kind: KongConsumerGroup
metadata:
  name: gold
  namespace: {ns}
  annotations:
    kubernetes.io/ingress.class: kong
"""
VAULT = """apiVersion: configuration.konghq.com/v1alpha1
kind: KongVault
metadata:
  name: {name}
  creationTimestamp: "{created}"
  annotations:
    kubernetes.io/ingress.class: kong
spec:
  backend: env
  prefix: shared
"""


def test_two_consumers_with_one_username_clash_at_their_username_values():
    text = yaml_stream(consumer("a", username="alice"), consumer("b", username="alice"), consumer("c", username="carol"))
    [finding] = findings_of(text, "consumer-username-conflict")
    assert at(finding) == [("default/KongConsumer/a", 7, 11), ("default/KongConsumer/b", 15, 11)]
    assert finding.severity == "error" and finding.entity == "consumers" and finding.field == "username"
    assert "alice" not in finding.message  # an identity is only fingerprinted
    assert finding.outcome == "config-rejected"


def test_username_and_custom_id_are_separate_fields():
    text = yaml_stream(consumer("a", username="x"), consumer("b", custom_id="x"))
    assert findings_of(text, "consumer-username-conflict") == findings_of(text, "consumer-custom-id-conflict") == []


def test_empty_values_never_clash():
    text = yaml_stream(consumer("a", username="''", custom_id="1"), consumer("b", username="''", custom_id="2"))
    assert findings_of(text, "consumer-username-conflict") == []


@pytest.mark.parametrize("cred_type, field, rule", [
    ("key-auth", "key", "key-auth-key-conflict"),
    ("jwt", "key", "jwt-key-conflict"),
    ("basic-auth", "username", "basic-auth-username-conflict"),
    ("hmac-auth", "username", "hmac-auth-username-conflict"),
    ("oauth2", "client_id", "oauth2-client-id-conflict"),
])
def test_credential_values_clash_within_their_type_only(cred_type, field, rule):
    other = "acl" if cred_type != "acl" else "key-auth"
    text = yaml_stream(consumer("a", username="a", credentials=["a-cred", "a-other"]),
                       consumer("b", username="b", credentials=["b-cred"]),
                       secret("a-cred", cred_type, **{field: "same"}), secret("b-cred", cred_type, **{field: "same"}),
                       secret("a-other", other, group="same"))
    [finding] = findings_of(text, rule)
    assert [p.ref.id for p in finding.participants] == ["default/Secret/a-cred", "default/Secret/b-cred"]
    assert finding.outcome == "consumers-dropped"
    assert finding.dropped == ["default/KongConsumer/a", "default/KongConsumer/b"]


def test_credential_clash_outcome_follows_the_kic_version():
    text = yaml_stream(consumer("a", username="a", credentials=["s1"]), consumer("b", username="b", credentials=["s2"]),
                       secret("s1", "key-auth", key="k"), secret("s2", "key-auth", key="k"))
    assert findings_of(text, "key-auth-key-conflict", kic="3.3")[0].outcome == "config-rejected"
    assert findings_of(text, "key-auth-key-conflict", kic="3.3", kong="3.3")[0].outcome == "one-entry-wins"


def test_unattached_secrets_do_not_clash():
    """KIC sends a credential only for a consumer that names it."""
    text = yaml_stream(secret("s1", "key-auth", key="k"), secret("s2", "key-auth", key="k"))
    assert findings_of(text, "key-auth-key-conflict") == []


def test_consumer_groups_clash_across_namespaces():
    text = yaml_stream(GROUP.format(ns="team-a"), GROUP.format(ns="team-b"))
    [finding] = findings_of(text, "consumer-group-name-conflict")
    assert [p.ref.id for p in finding.participants] == ["team-a/KongConsumerGroup/gold", "team-b/KongConsumerGroup/gold"]
    assert "'gold'" in finding.message  # a group name is no secret


def test_vaults_sharing_a_prefix_keep_the_oldest():
    text = yaml_stream(VAULT.format(name="new", created="2024-02-01T00:00:00Z"),
                       VAULT.format(name="old", created="2024-01-01T00:00:00Z"))
    [finding] = findings_of(text, "vault-prefix-conflict")
    assert finding.outcome == "losers-skipped"
    assert finding.kept == ["/KongVault/old"] and finding.dropped == ["/KongVault/new"]
    assert "'spec.prefix \"shared\" is duplicate'" in finding.message


def test_a_tie_goes_to_the_smaller_name():
    text = yaml_stream(VAULT.format(name="zeta", created="2024-01-01T00:00:00Z"),
                       VAULT.format(name="alpha", created="2024-01-01T00:00:00Z"))
    assert findings_of(text, "vault-prefix-conflict")[0].kept == ["/KongVault/alpha"]


def test_objects_of_another_class_take_no_part():
    text = yaml_stream(consumer("a", username="x"), consumer("b", cls="other", username="x"))
    assert findings_of(text, "consumer-username-conflict") == []


@pytest.mark.parametrize("row", unique.rows(), ids=lambda row: row.rule)
def test_each_rule_example_raises_its_rule(row):
    """The example `kongcheck rules` shows is a real clash of that rule."""
    from kongcheck.rules import CATALOG

    example = CATALOG[row.rule].example
    if row.credential_type:  # the example shows the Secrets; consumers that use them make it a clash
        example = yaml_stream(example, consumer("alice", username="alice", credentials=["alice-cred"]),
                              consumer("bob", username="bob", credentials=["bob-cred"]))
    assert [f.rule for f in findings_of(example)].count(row.rule) == 1
