"""``--format junit``: JUnit XML, one testcase per rule, for CI systems that show test reports.

A rule with findings is a failed testcase whose text lists each finding and its locations; a
rule turned off in the configuration is skipped; input errors form one more testcase with an
``<error>``.  Built with ElementTree, so every value is escaped as XML requires.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kongcheck.escape import safe
from kongcheck.model import Finding, plural
from kongcheck.report.common import failing as _failing
from kongcheck.rules import CATALOG

SUITE = "kongcheck"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Replace characters XML 1.0 cannot carry: a last guard, as input text is made safe
    (kongcheck.escape) before it gets here."""
    return _NOT_XML.sub("\ufffd", text)


def _finding_text(finding: Finding) -> str:
    lines = [f"{finding.severity} {finding.rule}: {safe(finding.message)}"]
    lines.extend(f"  {safe(str(p.location))}  {safe(p.ref.id)}" for p in finding.participants)
    return clean("\n".join(lines))


def _rule_case(suite: ET.Element, rule_id: str, findings: list[Finding], disabled: bool, fail_on: str) -> str | None:
    """Findings at or above --fail-on fail the testcase; lower ones and suppressed ones are listed."""
    case = ET.SubElement(suite, "testcase", name=rule_id, classname=f"{SUITE}.{rule_id}", time="0")
    if disabled:
        ET.SubElement(case, "skipped", message="rule disabled in the kongcheck configuration")
        return "skipped"
    failing = [f for f in findings if not f.suppressed and _failing(f, fail_on)]
    other = [f for f in findings if not f.suppressed and not _failing(f, fail_on)]
    notes = [_finding_text(f) for f in other]
    suppressed = sum(1 for f in findings if f.suppressed)
    if suppressed:
        notes.append(plural(suppressed, "suppressed finding"))
    if notes:
        ET.SubElement(case, "system-out").text = "\n\n".join(notes)
    if not failing:
        return None
    failure = ET.SubElement(case, "failure", type=failing[0].severity,
                            message=f"{plural(len(failing), 'finding')} of {rule_id}")
    failure.text = "\n\n".join(_finding_text(f) for f in failing)
    return "failure"


def _errors_case(suite: ET.Element, errors) -> None:
    case = ET.SubElement(suite, "testcase", name="input", classname=f"{SUITE}.input", time="0")
    error = ET.SubElement(case, "error", type="input-error", message=plural(len(errors), "input error"))
    error.text = clean("\n".join(safe(str(e)) for e in errors))


def document(result, options) -> ET.Element:
    disabled = set(options.disabled_rules)
    by_rule: dict[str, list[Finding]] = {rule_id: [] for rule_id in CATALOG}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(suites, "testsuite", name=SUITE)
    counts = {"failure": 0, "skipped": 0}
    for rule_id, findings in by_rule.items():
        outcome = _rule_case(suite, rule_id, findings, rule_id in disabled, options.fail_on)
        if outcome:
            counts[outcome] += 1
    if result.errors:
        _errors_case(suite, result.errors)
    attrs = {"tests": str(len(by_rule) + (1 if result.errors else 0)), "failures": str(counts["failure"]),
             "errors": str(1 if result.errors else 0), "skipped": str(counts["skipped"]), "time": "0"}
    suite.attrib.update(attrs)
    suites.attrib.update({k: v for k, v in attrs.items() if k != "skipped"})
    return suites


def render(result, options, stream) -> None:
    tree = ET.ElementTree(document(result, options))
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree.getroot(), encoding="unicode"))
    stream.write("\n")
