"""Baseline files: accept the findings a repository already has, fail only on new ones.

The file records each finding's fingerprint (kongcheck.verdict.fingerprints: rule, value digest,
resource ids; no lines, no values) with a count, so a second clash of the same kind between
the same resources is still new.  Each entry also keeps its ``clash`` fingerprint (rule and
value digest only) and its resources: a finding whose resources are some of a recorded
finding's, on the same clash, is a partly fixed baselined finding and stays accepted; one with
a resource the entry does not name is new.  Findings matched by the baseline are suppressed
(``suppressed_by = "baseline"``): counted in the summary, listed with ``--show-suppressed``.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from kongcheck.version import __version__
from kongcheck.verdict.fingerprints import clash_fingerprint, finding_fingerprint
from kongcheck.model import Finding

FORMAT = "kongcheck-baseline"
VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


@dataclass(slots=True)
class Entry:
    """One recorded finding; ``clash`` is None in baselines written before it existed."""

    fingerprint: str
    clash: str | None
    resources: Counter
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        """The finding is this entry's clash, among (some of) the same resources."""
        if self.clash is None or self.clash != clash_fingerprint(finding):
            return False
        return Counter(p.ref.id for p in finding.participants) <= self.resources


def document(findings: list[Finding]) -> dict:
    entries = []
    for finding in findings:
        if finding.suppressed:
            continue
        entries.append({"fingerprint": finding_fingerprint(finding), "clash": clash_fingerprint(finding),
                        "rule": finding.rule, "resources": sorted(p.ref.id for p in finding.participants)})
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


def read(path: str) -> list[Entry]:
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
    if not isinstance(entries, list) or not all(_valid(e) for e in entries):
        raise BaselineError(f"{path}: not a kongcheck baseline (write one with --write-baseline)")
    return [Entry(e["fingerprint"], e.get("clash"), Counter(e.get("resources", ()))) for e in entries]


def _valid(entry) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
        return False
    resources = entry.get("resources", [])
    return (isinstance(entry.get("clash", ""), str) and isinstance(resources, list)
            and all(isinstance(r, str) for r in resources))


def apply(findings: list[Finding], known: list[Entry]) -> int:
    """Suppress findings the baseline knows; return how many were matched.

    Exact fingerprints are matched first, so a partly fixed finding never takes the entry of
    one that is still whole; each entry accepts one finding."""
    by_print: dict[str, list[Entry]] = defaultdict(list)
    by_clash: dict[str, list[Entry]] = defaultdict(list)
    for entry in known:
        by_print[entry.fingerprint].append(entry)
        if entry.clash:
            by_clash[entry.clash].append(entry)
    open_findings = [f for f in findings if not f.suppressed]
    partial = [f for f in open_findings if not _take(by_print[finding_fingerprint(f)], f, exact=True)]
    for finding in partial:
        _take(by_clash.get(clash_fingerprint(finding), []), finding, exact=False)
    return sum(1 for f in open_findings if f.suppressed)


def _take(entries: list[Entry], finding: Finding, exact: bool) -> bool:
    """Suppress ``finding`` with the first unused entry that accepts it."""
    for entry in entries:
        if not entry.used and (exact or entry.covers(finding)):
            entry.used = True
            finding.suppressed = True
            finding.suppressed_by = "baseline"
            return True
    return False
