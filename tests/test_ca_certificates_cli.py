"""CA certificate rules through the CLI, on fixtures/rules/ca-certificates, per KIC version."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kchelp import ROOT, scan_json

CA = "fixtures/rules/ca-certificates"


@pytest.mark.parametrize("kic, outcome", [("3.4.17", "config-rejected"), ("3.4.18", "losers-skipped"),
                                          ("3.5.10", "config-rejected"), ("3.5.11", "losers-skipped")])
def test_id_conflict_outcome_on_both_sides_of_each_patch(kic, outcome):
    run = scan_json("--kic-version", kic, f"{CA}/id-conflict.yaml")
    assert run.code == 1
    [finding] = run.findings("ca-certificate-id-conflict")
    assert finding["outcome"] == outcome
    assert [(r["name"], r["line"], r["column"]) for r in finding["resources"]] == [
        ("corp-root", 12, 7), ("partner-root", 33, 7)]


@pytest.mark.parametrize("kic, outcomes", [("3.4.9", ["config-rejected", "object-skipped", "object-skipped"]),
                                           ("3.4.10", ["object-skipped"] * 3),
                                           ("3.5.2", ["config-rejected", "object-skipped", "object-skipped"]),
                                           ("3.5.3", ["object-skipped"] * 3)])
def test_a_bundle_on_both_sides_of_the_one_block_check(kic, outcomes):
    run = scan_json("--kic-version", kic, f"{CA}/invalid.yaml")
    assert [f["outcome"] for f in run.findings("ca-certificate-invalid")] == outcomes


def test_every_ca_fixture_rule_and_exit_code():
    run = scan_json(CA)
    assert run.code == 1
    assert sorted(set(run.rules())) == ["ca-certificate-id-case", "ca-certificate-id-conflict",
                                        "ca-certificate-ignored", "ca-certificate-invalid",
                                        "ca-certificate-invalid-id", "ca-certificate-same-certificate"]
    warnings = scan_json("--fail-on", "error", f"{CA}/ignored.yaml", f"{CA}/id-case.yaml")
    assert warnings.code == 0 and len(warnings.findings()) == 2


def test_kic_3_3_ignores_ca_configmaps_and_unclassed_secrets():
    run = scan_json("--kic-version", "3.3", f"{CA}/id-conflict.yaml")
    assert run.code == 0 and run.rules() == ["ca-certificate-ignored", "ca-certificate-ignored"]


def test_a_scan_without_ca_certificates_never_imports_cryptography():
    code = ("import sys; from kongcheck.cli import run; sys.argv = ['kongcheck', 'scan', 'fixtures/example'];\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "assert 'cryptography' not in sys.modules, 'imported'; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip().endswith("ok"), done.stderr
