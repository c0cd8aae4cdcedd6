"""An output format that exists only in the extension tests: one line per finding."""
from __future__ import annotations

from kongcheck.report.common import shown


def render(result, options, stream) -> None:
    for finding in shown(result, options):
        stream.write(f"{finding.rule} {finding.severity} {len(finding.participants)}\n")
