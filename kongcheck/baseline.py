"""Baseline files: accept the findings a repository already has, fail only on new ones.

The file records each finding's fingerprint (kongcheck.fingerprints: rule, value digest,
resource ids; no lines, no values) with a count, so a second clash of the same kind between
the same resources is still new.  Findings matched by the baseline are suppressed
(``suppressed_by = "baseline"``): counted in the summary, listed with ``--show-suppressed``.
"""
from __future__ import annotations

import json
from collections import Counter

from kongcheck import __version__
from kongcheck.fingerprints import finding_fingerprint
from kongcheck.model import Finding

FORMAT = "kongcheck-baseline"
VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


def document(findings: list[Finding]) -> dict:
    entries = []
    for finding in findings:
        if finding.suppressed:
            continue
        entries.append({"fingerprint": finding_fingerprint(finding), "rule": finding.rule,
                        "resources": sorted(p.ref.id for p in finding.participants)})
    entries.sort(key=lambda e: (e["rule"], e["fingerprint"]))
    return {"format": FORMAT, "version": VERSION, "kongcheck": __version__, "findings": entries}


def write(path: str, findings: list[Finding]) -> int:
    data = document(findings)
    try:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2)
            stream.write("\n")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return len(data["findings"])


def read(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a kongcheck baseline (invalid JSON: {exc})") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a kongcheck baseline (nested too deeply to read)") from None
    entries = data.get("findings") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise BaselineError(f"{path}: not a kongcheck baseline (write one with --write-baseline)")
    return Counter(e["fingerprint"] for e in entries)


def apply(findings: list[Finding], known: Counter) -> int:
    """Suppress findings the baseline knows; return how many were matched."""
    remaining = Counter(known)
    matched = 0
    for finding in findings:
        if finding.suppressed:
            continue
        fingerprint = finding_fingerprint(finding)
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
            finding.suppressed = True
            finding.suppressed_by = "baseline"
            matched += 1
    return matched
