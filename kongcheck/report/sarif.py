"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning reads it.

One result per participant location (so each file involved gets its own annotation), the
other participants as ``relatedLocations``; rule metadata and help come from the rule
catalogue; ``partialFingerprints`` come from kongcheck.verdict.fingerprints (no lines, no paths).
Messages are the redacted ones every format shows: no credential value is written.  Text from
the input is made safe (kongcheck.escape) and URIs are percent-encoded from the path's bytes, so a
file name that is not UTF-8 still names its file and the document stays valid UTF-8.
"""
from __future__ import annotations

import json
import os
from urllib.parse import quote

from kongcheck.version import __version__
from kongcheck.verdict.fingerprints import participant_fingerprints
from kongcheck.escape import json_document, path_bytes, safe
from kongcheck.model import Finding, Location, ScanError
from kongcheck.report.paths import base_folder, base_uri, relative_path
from kongcheck.rules import CATALOG, explain

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "kongcheck/v2"  # v2: no digest of the clashing value
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def artifact_location(path: str, base: str | None = None) -> dict:
    """``{"uri", "uriBaseId"}`` relative to the repository top level (kongcheck.report.paths),
    which GitHub matches against the repository; an absolute ``file://`` URI for a file outside
    it; any other name (a remote kustomize base...) percent-encoded as it is."""
    relative = relative_path(path, base)
    if relative is not None:
        return {"uri": quote(path_bytes(relative), safe="/"), "uriBaseId": SRCROOT}
    if os.path.isabs(path):
        return {"uri": "file://" + quote(path_bytes(path.replace(os.sep, "/")))}
    return {"uri": quote(path_bytes(path.replace(os.sep, "/")), safe="/")}


def _physical(location: Location) -> dict | None:
    if not location.is_file or not location.file:
        return None
    physical: dict = {"artifactLocation": artifact_location(location.file)}
    if location.line:
        region = {"startLine": location.line}
        if location.column:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def _location(location: Location, ref_id: str, index: int | None = None) -> dict:
    entry: dict = {}
    if index is not None:
        entry["id"] = index
    physical = _physical(location)
    if physical:
        entry["physicalLocation"] = physical
    entry["logicalLocations"] = [{"fullyQualifiedName": safe(ref_id), "kind": "resource"}]
    entry["message"] = {"text": safe(f"{ref_id} ({location})")}
    return entry


def _suppressions(finding: Finding) -> list[dict]:
    if not finding.suppressed:
        return []
    if finding.suppressed_by == "baseline":
        return [{"kind": "external", "justification": "recorded in the kongcheck baseline file"}]
    return [{"kind": "inSource", "justification": f"kongcheck suppression ({finding.suppressed_by or 'source'})"}]


def _results(finding: Finding, rule_index: int) -> list[dict]:
    results = []
    prints = participant_fingerprints(finding)
    for position, participant in enumerate(finding.participants):
        others = [(i, p) for i, p in enumerate(finding.participants) if i != position]
        result = {
            "ruleId": finding.rule,
            "ruleIndex": rule_index,
            "level": _LEVEL[finding.severity],
            "message": {"text": safe(finding.message)},
            "locations": [_location(participant.location, participant.ref.id)],
            "partialFingerprints": {FINGERPRINT_KEY: prints[position]},
            "properties": {"resource": safe(participant.ref.id), "outcome": finding.outcome,
                           "valueFingerprint": finding.value_fingerprint},
        }
        if others:
            result["relatedLocations"] = [_location(p.location, p.ref.id, i) for i, p in others]
        suppressions = _suppressions(finding)
        if suppressions:
            result["suppressions"] = suppressions
        results.append(result)
    return results


def _rule(info, severity: str) -> dict:
    return {
        "id": info.id,
        "name": "".join(part.capitalize() for part in info.id.split("-")),
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.behaviour},
        "help": {"text": explain.text(info), "markdown": explain.markdown(info)},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {"tags": ["kong", "kubernetes"], "precision": "very-high", "problem.severity": severity},
    }


def _notification(error: ScanError) -> dict:
    location = error.location
    note: dict = {"level": "error", "message": {"text": safe(error.message if location.is_file
                                                      else f"{location}: {error.message}")}}
    physical = _physical(location)
    if physical:
        note["locations"] = [{"physicalLocation": physical}]
    return note


def document(result, options) -> dict:
    severities = options.rule_severity
    position = {rule_id: i for i, rule_id in enumerate(CATALOG)}
    rules = [_rule(info, severities.get(rule_id, info.severity)) for rule_id, info in CATALOG.items()]
    results = []
    for finding in result.findings:
        results.extend(_results(finding, position[finding.rule]))
    run = {
        "tool": {"driver": {"name": "kongcheck", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "invocations": [{"executionSuccessful": not result.errors,
                         "toolExecutionNotifications": [_notification(e) for e in result.errors]}],
        "originalUriBaseIds": {SRCROOT: {"uri": base_uri(base_folder())}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result, options, stream) -> None:
    stream.write(json_document(json.dumps(document(result, options), indent=2)))
    stream.write("\n")
