"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning takes it whole.

One result per participant in a file (at most ``--max-locations`` per finding), the others as
``relatedLocations`` (at most ``--max-locations``, never more than GitHub shows) linked from the
message; a live object is named in its manifest side's results, or located at its snapshot file
when a finding is wholly in the cluster; a finding with no file at all is a notification, since
GitHub drops a result without one.  Every location has an artifact URI relative to the repository
(or ``file://``) and a region from line 1; rule metadata and help come from the rule catalogue;
``partialFingerprints`` come from kongcheck.verdict.fingerprints (no lines, no paths); a run keeps
at most GitHub's 25,000 results.  Messages are the redacted ones every format shows: no credential
value is written.  Text from the input is made safe (kongcheck.escape) and URIs are percent-encoded
from the path's bytes, so a file name that is not UTF-8 still names its file and the document
stays valid UTF-8.
"""
from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

from kongcheck.version import __version__
from kongcheck.verdict.fingerprints import participant_fingerprints
from kongcheck.escape import json_document, path_bytes, safe
from kongcheck.model import Finding, Participant, ScanError, severity_rank
from kongcheck.report.common import listed, more
from kongcheck.report.paths import Anchor, anchor, base_folder, base_uri, relative_path
from kongcheck.rules import CATALOG, explain

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "kongcheck/v2"  # v2: no digest of the clashing value
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more results
MAX_RELATED = 100  # GitHub shows at most 100 locations of a result (and rejects more than 1,000)
_LINK_CHARS = re.compile(r"[\\\[\]]")


def artifact_location(path: str, base: str | None = None, must_exist: bool = True) -> dict:
    """``{"uri", "uriBaseId"}`` relative to the repository top level (kongcheck.report.paths),
    which GitHub matches against the repository; an absolute ``file://`` URI for a file outside
    it; any other name (a remote kustomize base...) percent-encoded as it is, so it has no scheme
    (GitHub rejects a file whose absolute URIs have another scheme than the checkout's)."""
    relative = relative_path(path, base, must_exist)
    if relative is not None:
        return {"uri": quote(path_bytes(relative), safe="/"), "uriBaseId": SRCROOT}
    if os.path.isabs(path):
        return {"uri": "file://" + quote(path_bytes(path.replace(os.sep, "/")))}
    return {"uri": quote(path_bytes(path.replace(os.sep, "/")), safe="/")}


def _physical(where: Anchor, uris: dict) -> dict:
    """A physicalLocation as GitHub requires it: an artifact URI and a region from line 1 on (a
    whole input or a live object without a line starts at line 1).  ``uris``: the artifact
    locations made so far in this document, by file (each path is resolved on disk once)."""
    line = where.line if where.line and where.line > 0 else 1
    region = {"startLine": line, "endLine": line}
    if where.column and where.line:
        region["startColumn"] = where.column
    key = (where.file, where.local)
    artifact = uris.get(key)
    if artifact is None:
        artifact = uris[key] = artifact_location(where.file, must_exist=not where.local)
    return {"artifactLocation": dict(artifact), "region": region}


def link_text(text: str) -> str:
    """Input text inside a SARIF message: made safe, and ``\\``, ``[`` and ``]`` escaped with a
    backslash, so no name can open or close an embedded link (SARIF 2.1.0, 3.11.6)."""
    return _LINK_CHARS.sub(lambda match: "\\" + match.group(), safe(text))


def _location(participant: Participant, where: Anchor | None, uris: dict, index: int | None = None) -> dict:
    entry: dict = {}
    if index is not None:
        entry["id"] = index
    if where is not None:
        entry["physicalLocation"] = _physical(where, uris)
    entry["logicalLocations"] = [{"fullyQualifiedName": safe(participant.ref.id), "kind": "resource"}]
    entry["message"] = {"text": link_text(f"{participant.ref.id} ({participant.location})")}
    return entry


def _suppressions(finding: Finding) -> list[dict]:
    if not finding.suppressed:
        return []
    if finding.suppressed_by == "baseline":
        return [{"kind": "external", "justification": "recorded in the kongcheck baseline file"}]
    return [{"kind": "inSource", "justification": f"kongcheck suppression ({finding.suppressed_by or 'source'})"}]


def _primary(finding: Finding, anchors: list) -> list[int]:
    """The participants that get a result: those in files (the manifest side of a clash with live
    objects); for a finding wholly in the cluster, its objects read from snapshot files."""
    in_files = [i for i, p in enumerate(finding.participants) if p.location.is_file]
    return in_files or [i for i, where in enumerate(anchors) if where is not None]


def _message(finding: Finding, related: list[tuple[int, Participant, Anchor | None]], left: int) -> str:
    """The finding's message, then the others involved: a link to each related location GitHub can
    show, the name and place of each other one (a live object, standard input), "and N more"."""
    text = link_text(finding.message)
    if related or left:
        named = [f"[{link_text(p.ref.id)}]({i})" if where is not None else
                 f"{link_text(p.ref.id)} ({link_text(str(p.location))})" for i, p, where in related]
        if left:
            named.append(more(left))
        text += " Also involved: " + ", ".join(named) + "."
    return text


def _results(finding: Finding, rule_index: int, limit: int, uris: dict) -> list[dict]:
    """One result per participant that has a file (at most ``limit``, 0: all), each naming at most
    ``limit`` others (never more than GitHub shows): linear in the findings."""
    participants = finding.participants
    anchors = [anchor(p.location) for p in participants]
    primary = _primary(finding, anchors)
    if not primary:
        return []
    prints = participant_fingerprints(finding)
    shown, _ = listed(primary, limit)
    related_limit = min(limit or MAX_RELATED, MAX_RELATED)
    suppressions = _suppressions(finding)
    results = []
    for position in shown:
        participant = participants[position]
        candidates = range(len(participants))
        others: list[tuple[int, Participant, Anchor | None]] = []
        for i in candidates:
            if i == position:
                continue
            if len(others) == related_limit:
                break
            others.append((i, participants[i], anchors[i]))
        left = len(participants) - 1 - len(others)
        result = {
            "ruleId": finding.rule,
            "ruleIndex": rule_index,
            "level": _LEVEL[finding.severity],
            "message": {"text": _message(finding, others, left)},
            "locations": [_location(participant, anchors[position], uris)],
            "partialFingerprints": {FINGERPRINT_KEY: prints[position],
                                    "primaryLocationLineHash": f"{prints[position][:16]}:1"},
            "properties": {"resource": safe(participant.ref.id), "outcome": finding.outcome,
                           "valueFingerprint": finding.value_fingerprint, "participants": len(participants)},
        }
        related = [_location(p, where, uris, i) for i, p, where in others if where is not None]
        if related:
            result["relatedLocations"] = related
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


def _notification(error: ScanError, uris: dict) -> dict:
    location = error.location
    note: dict = {"level": "error", "message": {"text": link_text(error.message if location.is_file
                                                           else f"{location}: {error.message}")}}
    where = anchor(location) if location.is_file else None
    if where is not None:
        note["locations"] = [{"physicalLocation": _physical(where, uris)}]
    return note


def _unplaced(finding: Finding, limit: int) -> dict:
    """A finding no participant of which is in a file: a notification, since GitHub shows no result
    without a file."""
    named, left = listed(finding.participants, limit)
    names = ", ".join(link_text(f"{p.ref.id} ({p.location})") for p in named)
    hint = " (name standard input with --stdin-filename)" if any(
        p.location.source == "stdin" for p in finding.participants) else ""
    return {"level": _LEVEL[finding.severity], "descriptor": {"id": finding.rule},
            "message": {"text": f"{finding.rule}: {link_text(finding.message)} Involved: {names}"
                                f"{', ' + more(left) if left else ''}. Not an alert: no participant is in a "
                                f"file{hint}."}}


def _within_limit(findings: list, per_finding: list[list[dict]]) -> tuple[list[dict], int]:
    """The results in the findings' order, keeping at most MAX_RESULTS (GitHub rejects a run with
    more), the most severe first; and how many were left out."""
    total = sum(len(results) for results in per_finding)
    if total <= MAX_RESULTS:
        return [r for results in per_finding for r in results], 0
    order = sorted(range(len(findings)), key=lambda i: -severity_rank(findings[i].severity))
    keep, room = set(), MAX_RESULTS
    for i in order:
        if len(per_finding[i]) <= room:
            keep.add(i)
            room -= len(per_finding[i])
    kept = [r for i, results in enumerate(per_finding) if i in keep for r in results]
    return kept, total - len(kept)


def document(result, options) -> dict:
    severities = options.rule_severity
    position = {rule_id: i for i, rule_id in enumerate(CATALOG)}
    rules = [_rule(info, severities.get(rule_id, info.severity)) for rule_id, info in CATALOG.items()]
    uris: dict = {}
    per_finding = [_results(finding, position[finding.rule], options.max_locations, uris)
                   for finding in result.findings]
    notifications = [_notification(e, uris) for e in result.errors]
    notifications += [_unplaced(f, options.max_locations) for f, results in zip(result.findings, per_finding)
                      if not results]
    results, left_out = _within_limit(result.findings, per_finding)
    if left_out:
        notifications.append({"level": "warning", "message": {"text": (
            f"{left_out} results left out: GitHub code scanning accepts at most {MAX_RESULTS} results in a run; "
            "the least severe findings were left out (lower --max-locations to list fewer per finding)")}})
    run = {
        "tool": {"driver": {"name": "kongcheck", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "invocations": [{"executionSuccessful": not result.errors,
                         "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SRCROOT: {"uri": base_uri(base_folder())}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result, options, stream) -> None:
    stream.write(json_document(json.dumps(document(result, options), indent=2)))
    stream.write("\n")
