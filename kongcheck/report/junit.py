"""``--format junit``: JUnit XML, one testcase per finding, for CI systems that show test reports.

Each finding is a testcase named after its rule and the resources it involves (``classname``
``kongcheck.<rule>``); its text lists the resources and their locations (at most
``--max-locations``, then "and N more").  A finding at or above ``--fail-on`` is a ``<failure>``
whose ``type`` is its severity; a lower one, which does not fail the run, is ``<skipped>`` with the
finding as its message, which Jenkins, GitLab and the GitHub test-report actions show as skipped
with that message; a suppressed one (``--show-suppressed``) is skipped too.  Each input error is a
testcase with an ``<error>``.  A scan with neither is one passed testcase, so no viewer reads the
report as "no tests".  Built with ElementTree, so every value is escaped as XML requires.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kongcheck.escape import safe
from kongcheck.model import Finding
from kongcheck.report.common import failing as _failing
from kongcheck.report.common import listed, more, shown

SUITE = "kongcheck"
NAMED_IN_TITLE = 3  # resources named in a testcase's name; its text lists up to --max-locations
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Replace characters XML 1.0 cannot carry: a last guard, as input text is made safe
    (kongcheck.escape) before it gets here."""
    return _NOT_XML.sub("\ufffd", text)


def case_name(finding: Finding) -> str:
    """``rule: ns/Kind/a, ns/Kind/b`` (the first resources, then "and N more")."""
    named, left = listed([safe(p.ref.id) for p in finding.participants], NAMED_IN_TITLE)
    if left:
        named.append(more(left))
    return clean(f"{finding.rule}: {', '.join(named)}" if named else finding.rule)


def _finding_text(finding: Finding, limit: int) -> str:
    """The resources and their locations (the message is the element's ``message``)."""
    lines = [f"{finding.severity} {finding.rule}"]
    participants, left = listed(finding.participants, limit)
    lines.extend(f"  {safe(str(p.location))}  {safe(p.ref.id)}" for p in participants)
    if left:
        lines.append(f"  {more(left)}")
    if finding.outcome:
        lines.append(f"  outcome: {finding.outcome}")
    return clean("\n".join(lines))


def _finding_case(suite: ET.Element, finding: Finding, options) -> str | None:
    case = ET.SubElement(suite, "testcase", name=case_name(finding), classname=f"{SUITE}.{finding.rule}", time="0")
    text = _finding_text(finding, options.max_locations)
    message = clean(safe(finding.message))
    if finding.suppressed:
        element = ET.SubElement(case, "skipped", message=f"suppressed ({finding.suppressed_by or 'source'}) "
                                                          f"{finding.severity}: {message}")
        outcome = "skipped"
    elif _failing(finding, options.fail_on):
        element = ET.SubElement(case, "failure", type=finding.severity, message=message)
        outcome = "failure"
    else:
        element = ET.SubElement(case, "skipped", message=f"{finding.severity}, not failing with --fail-on {options.fail_on}: "
                                                          f"{message}")
        outcome = "skipped"
    element.text = text
    return outcome


def _error_case(suite: ET.Element, error) -> None:
    location = clean(safe(str(error.location)))
    case = ET.SubElement(suite, "testcase", name=f"input error: {location}", classname=f"{SUITE}.input", time="0")
    element = ET.SubElement(case, "error", type="input-error", message=clean(safe(str(error))))
    element.text = clean(safe(str(error)))


def document(result, options) -> ET.Element:
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(suites, "testsuite", name=SUITE)
    counts = {"failure": 0, "skipped": 0}
    findings = shown(result, options)
    for finding in findings:
        counts[_finding_case(suite, finding, options)] += 1
    for error in result.errors:
        _error_case(suite, error)
    tests = len(findings) + len(result.errors)
    if not tests:
        ET.SubElement(suite, "testcase", name="no collisions found", classname=f"{SUITE}.scan", time="0")
        tests = 1
    attrs = {"tests": str(tests), "failures": str(counts["failure"]), "errors": str(len(result.errors)),
             "skipped": str(counts["skipped"]), "time": "0"}
    suite.attrib.update(attrs)
    suites.attrib.update({k: v for k, v in attrs.items() if k != "skipped"})
    return suites


def render(result, options, stream) -> None:
    tree = ET.ElementTree(document(result, options))
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree.getroot(), encoding="unicode"))
    stream.write("\n")
