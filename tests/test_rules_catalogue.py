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


def test_rules_as_json_is_the_catalogue_as_data():
    import json

    run = cli("rules", "--format", "json")
    assert run.code == 0
    rules = json.loads(run.stdout)
    assert [rule["id"] for rule in rules] == list(CATALOG)
    for rule in rules:
        info = CATALOG[rule["id"]]
        assert (rule["severity"], rule["summary"], rule["example"], rule["fix"], rule["enabled"]) == \
            (info.severity, info.summary, info.example, info.fix, info.enabled)
        assert rule["docs"] == f"docs/rules.md#{info.id}"
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["key-auth-key-conflict"]["kong"] == {"entity": "keyauth_credentials", "field": "key"}
    assert by_id["key-auth-key-conflict"]["outcomes"] == [
        {"kic": "2.0-3.3", "kong": "3.0-3.3", "outcome": "one-entry-wins"},
        {"kic": "2.0-3.3", "kong": "3.4-3.9", "outcome": "config-rejected"},
        {"kic": "3.4-3.5", "kong": "3.0-3.9", "outcome": "consumers-dropped"},
    ]
    assert by_id["vault-prefix-conflict"]["outcomes"] == [  # no KongVault before KIC 3.1
        {"kic": "3.1-3.5", "kong": "3.0-3.9", "outcome": "losers-skipped"}]
    assert by_id["invalid-tag"]["outcomes"] is None and by_id["invalid-tag"]["kong"] is None
    one = json.loads(cli("rules", "jwt-key-conflict", "-f", "json").stdout)
    assert one == by_id["jwt-key-conflict"]


def test_the_outcomes_by_release_agree_with_a_scan_for_each_release():
    import json

    listed = json.loads(cli("rules", "key-auth-key-conflict", "-f", "json").stdout)["outcomes"]
    for kic, kong, expected in (("3.3", "3.3", "one-entry-wins"), ("3.3", "3.9", "config-rejected"),
                                ("3.5", "3.0", "consumers-dropped")):
        scanned = cli("scan", "fixtures/rules/key-auth-key-conflict.yaml", "-f", "json", "--kic-version", kic,
                      "--kong-version", kong)
        (finding,) = [f for f in scanned.json["findings"] if f["rule"] == "key-auth-key-conflict"]
        assert finding["outcome"] == expected
        assert any(row["outcome"] == expected for row in listed)


def test_a_misspelt_rule_id_is_answered_with_the_id_it_looks_like():
    run = cli("rules", "jwt-conflict")
    assert run.code == 2 and "unknown rule 'jwt-conflict'; did you mean 'jwt-key-conflict'?" in run.stderr
    far = cli("rules", "zzzz")
    assert far.code == 2 and "unknown rule 'zzzz'; `kongcheck rules` lists them" in far.stderr


@pytest.mark.parametrize("shell, start", [("bash", "_kongcheck_completion() {"), ("zsh", "#compdef kongcheck"),
                                          ("fish", "function _kongcheck_completion")])
def test_the_shell_completion_script_is_produced(shell, start):
    from click.testing import CliRunner

    from kongcheck.cli import main

    result = CliRunner().invoke(main, [], prog_name="kongcheck", env={"_KONGCHECK_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0 and result.stdout.startswith(start)


def test_completion_offers_options_and_rule_ids():
    from click.testing import CliRunner

    from kongcheck.cli import main

    def complete(words: str) -> list[str]:
        env = {"_KONGCHECK_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        return CliRunner().invoke(main, [], prog_name="kongcheck", env=env).stdout.split()

    assert "plain,--color" in complete("kongcheck scan --col")
    assert complete("kongcheck rules jwt") == ["plain,jwt-key-conflict"]


def test_the_rules_list_wraps_behaviour_without_cutting_a_word():
    words = cli("rules").stdout.split()
    for info in CATALOG.values():
        for word in info.behaviour.split():
            assert word in words, (info.id, word)
