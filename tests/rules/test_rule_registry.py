"""The rule registry: one catalogue, ids and severities stamped from it."""
from __future__ import annotations

import pytest

from kchelp import consumer, index_of
from kongcheck import rules
from kongcheck.redact import keyed_fingerprint
from kongcheck.rules.base import Hit


def test_rule_ids_are_unique_across_modules():
    assert sum(len(module.RULES) for module in rules.MODULES) == len(rules.CATALOG)


def test_every_finding_carries_its_catalogue_severity():
    findings = rules.run(index_of(consumer("a") + "---\n" + consumer("b", cls=None, username="b")))
    assert {f.rule for f in findings} == {"consumer-without-identity", "ignored-by-controller"}
    for finding in findings:
        assert finding.severity == rules.CATALOG[finding.rule].severity


def test_a_module_cannot_report_a_rule_it_does_not_declare(monkeypatch):
    module = rules.MODULES[0]
    monkeypatch.setattr(module, "check", lambda index: [Hit("ignored-by-controller", "x", [])])
    with pytest.raises(rules.RuleError, match="does not declare"):
        rules.run(index_of(consumer("a", username="a")))


def test_the_value_of_a_hit_becomes_a_keyed_fingerprint_and_a_sealed_copy():
    index = index_of(consumer("a", username="same") + "---\n" + consumer("b", username="same"))
    [finding] = rules.run(index)
    assert finding.value_fingerprint == keyed_fingerprint("same", index.settings.fingerprint_key)
    assert finding.value_fingerprint in finding.message
    assert "same" not in repr(finding) and "same" not in str(finding.value)
    assert finding.value.encoded() == b"same"  # for the baseline's slow digest only


def test_fingerprints_differ_between_runs():
    text = consumer("a", username="same") + "---\n" + consumer("b", username="same")
    first, second = rules.run(index_of(text)), rules.run(index_of(text))
    assert first[0].value_fingerprint != second[0].value_fingerprint
