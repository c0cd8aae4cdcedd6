"""missing-credential-secret, legacy-credential-ignored, deprecated-credential-type, from YAML strings."""
from __future__ import annotations

from kchelp import at, consumer, findings_of, secret, yaml_stream

LEGACY = """apiVersion: v1
kind: Secret
metadata:
  name: old
stringData:
  kongCredType: key-auth
  key: k1
"""


def test_a_missing_secret_is_named_at_the_consumers_list_entry():
    [finding] = findings_of(consumer("a", username="a", credentials=["nope"]), "missing-credential-secret")
    assert at(finding) == [("default/KongConsumer/a", 8, 15)]
    assert "'nope'" in finding.message and finding.severity == "warning"


def test_secrets_are_looked_up_in_the_consumers_namespace_only():
    text = yaml_stream(consumer("a", namespace="team-a", username="a", credentials=["k"]),
                       secret("k", "key-auth", "team-b", key="v"))
    assert len(findings_of(text, "missing-credential-secret")) == 1
    same = yaml_stream(consumer("a", namespace="team-a", username="a", credentials=["k"]),
                       secret("k", "key-auth", "team-a", key="v"))
    assert findings_of(same, "missing-credential-secret") == []


def test_kongcredtype_only_secrets_per_kic_version():
    text = yaml_stream(consumer("a", username="a", credentials=["old"]), LEGACY)
    assert [f.rule for f in findings_of(text, kic="3.5")] == ["legacy-credential-ignored"]
    assert [f.rule for f in findings_of(text, kic="3.1")] == ["deprecated-credential-type"]
    assert findings_of(text, kic="2.12") == []


def test_the_legacy_findings_point_at_the_data_key_and_the_reference():
    [finding] = findings_of(yaml_stream(consumer("a", username="a", credentials=["old"]), LEGACY), kic="3.5")
    assert at(finding) == [("default/Secret/old", 15, 17), ("default/KongConsumer/a", 8, 15)]
