"""`kongcheck rules`, `kongcheck rules RULE_ID` and docs/rules.md, all from the catalogue."""
from __future__ import annotations

import re

import pytest

from kchelp import ROOT, cli
from kongcheck.rules import docs
from kongcheck.rules import CATALOG

EXPECTED_RULES = {
    "jwt-key-conflict", "key-auth-key-conflict", "basic-auth-username-conflict", "hmac-auth-username-conflict",
    "oauth2-client-id-conflict", "consumer-username-conflict", "consumer-custom-id-conflict",
    "consumer-group-name-conflict", "vault-prefix-conflict", "credential-shared-by-consumers",
    "duplicate-resource", "missing-credential-secret", "invalid-credential",
}
EXPECTED_RULES |= {"ignored-by-controller", "deprecated-credential-type", "legacy-credential-ignored",
                   "webhook-rejects", "credential-value-whitespace"}


def test_catalogue_has_every_documented_rule():
    assert EXPECTED_RULES <= set(CATALOG)
    for info in CATALOG.values():
        assert info.severity in ("error", "warning")
        assert info.summary and info.behaviour and info.example and info.fix, info.id


def test_rules_lists_id_severity_summary_and_behaviour():
    run = cli("rules")
    assert run.code == 0
    lines = run.stdout.splitlines()
    heads = [line for line in lines if not line.startswith("    ")]
    assert [line.split()[0] for line in heads] == list(CATALOG)
    width = max(map(len, CATALOG))
    for info in CATALOG.values():
        assert f"{info.id:<{width}}  {info.severity:<7}  {info.summary}" in heads
    body = " ".join(line.strip() for line in lines)
    assert "KIC 3.2.0 stopped reading the `kongCredType` data key" in body


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_rules_rule_id_explains_with_example_and_fix(rule_id):
    info = CATALOG[rule_id]
    run = cli("rules", rule_id)
    assert run.code == 0
    assert run.stdout.startswith(f"{rule_id} ({info.severity})\n\n{info.summary}\n\nWhy: {info.behaviour}")
    assert "".join(f"    {line}\n" for line in info.example.splitlines()) in run.stdout
    assert run.stdout.rstrip().endswith(f"Fix: {info.fix}")


def test_unknown_rule_is_a_usage_error():
    run = cli("rules", "no-such-rule")
    assert run.code == 2 and "unknown rule 'no-such-rule'" in run.stderr


def test_docs_rules_md_is_up_to_date():
    expected = docs.render(CATALOG)
    assert cli("rules", "--markdown").stdout == expected
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/rules.md is stale: run `kongcheck rules --markdown > docs/rules.md`"
    for rule_id in CATALOG:
        assert f"\n## `{rule_id}`\n" in committed


def test_the_readme_links_the_rules_and_every_manual_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert pages and all(f"(docs/{page})" in readme for page in pages)


def test_every_rule_has_a_fixture_that_triggers_it():
    """Scanning all fixtures/rules on the versions below raises every rule that is on by default at least once
    (the others have their own tests)."""
    seen = set()
    for versions in ([], ["--kic-version", "3.0"], ["--kic-version", "3.1"], ["--kic-version", "3.3"]):
        for flags in ([], ["--assume-default-class"]):
            run = cli("scan", "-f", "json", "--fail-on", "never", *versions, *flags, "fixtures/rules")
            seen |= {f["rule"] for f in run.json["findings"]}
    assert seen == {rule for rule, info in CATALOG.items() if info.enabled}
