"""``--format json``: a stable, documented object (docs/usage.md, "JSON output").

Names and paths are kept exactly (JSON escapes their control characters), except lone surrogates
(a non-UTF-8 file name, a JSON ``\ud800``), written as kongcheck.escape shows them so the file is
valid UTF-8 for every reader; messages, which are for people, are made safe like every format's.
"""
from __future__ import annotations

import json

from kongcheck.version import __version__
from kongcheck.escape import json_document, safe, scalar
from kongcheck.model import Finding, Participant, ScanError
from kongcheck.report.common import listed, shown

SCHEMA_VERSION = 2  # 2: value_fingerprint (keyed for each run) replaced value_sha256


def _resource(participant: Participant) -> dict:
    ref, location = participant.ref, participant.location
    return {
        "kind": ref.kind,
        "namespace": ref.namespace,
        "name": ref.name,
        "file": location.file,
        "line": location.line,
        "column": location.column,
        "source": location.source,
        **({"stream": location.stream} if location.stream else {}),
        **({"detail": location.detail} if location.detail else {}),
    }


def finding_dict(finding: Finding, limit: int = 0) -> dict:
    """A finding as the report lists it: at most ``limit`` resources, kept and dropped names (0:
    all), and then ``truncated`` with how many of each were left out."""
    resources, more_resources = listed(finding.participants, limit)
    kept, more_kept = listed(finding.kept, limit)
    dropped, more_dropped = listed(finding.dropped, limit)
    truncated = {key: count for key, count in (("resources", more_resources), ("kept", more_kept),
                                               ("dropped", more_dropped)) if count}
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": safe(finding.message),
        "entity": finding.entity,
        "field": finding.field,
        "value_fingerprint": finding.value_fingerprint,
        "outcome": finding.outcome,
        "kept": kept,
        "dropped": dropped,
        "suppressed": finding.suppressed,
        **({"live_only": True} if finding.live_only else {}),
        "resources": [_resource(p) for p in resources],
        **({"truncated": truncated} if truncated else {}),
    }


def _error(error: ScanError) -> dict:
    location = error.location
    return {"file": location.file, "line": location.line, "message": safe(error.message), "source": location.source,
            **({"stream": location.stream} if location.stream else {}),
            **({"detail": location.detail} if location.detail else {})}


def document(result, options) -> dict:
    findings = [f for f in result.findings if not f.suppressed]
    return {
        "version": SCHEMA_VERSION,
        "kongcheck": __version__,
        "summary": {
            "files": result.files,
            "documents": result.documents,
            "kong_resources": result.kong_resources,
            "findings": len(findings),
            "suppressed": len(result.findings) - len(findings),
            "errors": len(result.errors),
            **({"live_objects": result.live_objects} if result.live_objects else {}),
        },
        "findings": [finding_dict(f, options.max_locations) for f in shown(result, options)],
        "errors": [_error(e) for e in result.errors],
    }


def valid_unicode(value):
    """``value`` (the report's nested dicts and lists) with every string free of lone surrogates."""
    if isinstance(value, str):
        return scalar(value)
    if isinstance(value, dict):
        return {key: valid_unicode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [valid_unicode(item) for item in value]
    return value


def render(result, options, stream) -> None:
    stream.write(json_document(json.dumps(valid_unicode(document(result, options)), indent=2)))
    stream.write("\n")
