"""invalid-tag, from YAML strings."""
from __future__ import annotations

from kchelp import at, findings_of

TAGGED = """apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: a
  annotations:
    kubernetes.io/ingress.class: {cls}
    konghq.com/tags: {tags}
username: a
"""


def test_a_tag_with_a_slash_is_refused_at_the_annotation():
    [finding] = findings_of(TAGGED.format(cls="kong", tags="ok,team/payments"))
    assert finding.rule == "invalid-tag" and "'team/payments'" in finding.message
    assert at(finding) == [("default/KongConsumer/a", 7, 22)]


def test_tags_of_objects_the_controller_ignores_never_reach_kong():
    assert findings_of(TAGGED.format(cls="other", tags="team/payments"), "invalid-tag") == []


def test_good_tags_pass():
    assert findings_of(TAGGED.format(cls="kong", tags="team-payments,team:payments")) == []
