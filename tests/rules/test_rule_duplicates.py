"""duplicate-resource, from YAML strings."""
from __future__ import annotations

from kchelp import consumer, findings_of, secret, yaml_stream


def test_one_object_defined_twice_is_checked_once_as_its_last_definition():
    text = yaml_stream(consumer("a", username="ux"), consumer("a", username="uy"), consumer("b", username="uy"))
    rules = [f.rule for f in findings_of(text)]
    assert rules.count("duplicate-resource") == 1 and rules.count("consumer-username-conflict") == 1


def test_duplicate_plain_secrets_are_not_kong_business():
    plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\nstringData:\n  a: b\n"
    assert findings_of(yaml_stream(plain, plain)) == []
    assert [f.rule for f in findings_of(yaml_stream(secret("k", "acl", group="g"), secret("k", "acl", group="g")))] \
        == ["duplicate-resource"]
