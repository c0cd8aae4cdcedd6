"""After the rules: what the findings mean for this run.

In order: the configuration's per-rule policy (rules turned off, severities changed), the
live-only policy (collisions wholly inside the cluster), suppressions written next to the
resources, then the baseline.  ``ScanResult`` is what the pipeline hands to the reporters, and
``exit_code`` is the gate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kongcheck.model import Finding, ScanError, severity_rank


@dataclass(slots=True)
class ScanResult:
    files: int = 0
    documents: int = 0
    kong_resources: int = 0
    ignored: int = 0  # of those, objects the controller for the class does not process
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # for --verbose: what was passed over, and why
    has_manifests: bool = False  # some document had a kind (a Kubernetes object), parsed or not
    warnings: list[str] = field(default_factory=list)  # e.g. unknown rule ids in suppressions
    info: list[str] = field(default_factory=list)  # said before the report (a baseline was written)
    notes: list[str] = field(default_factory=list)  # said after the report (how to get better locations)
    live_objects: int = 0  # objects read from the cluster or a cluster snapshot
    fail_on_live: bool = False  # collisions wholly inside the cluster count for the exit code

    def exit_code(self, fail_on: str) -> int:
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = severity_rank(fail_on)
        failing = [f for f in self.findings if not f.suppressed and severity_rank(f.severity) >= threshold
                   and (self.fail_on_live or not f.live_only)]
        return 1 if failing else 0
