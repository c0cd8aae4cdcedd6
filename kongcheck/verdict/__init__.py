"""After the rules: what the findings mean for this run.

In order: the configuration's per-rule policy (rules turned off, severities changed), the
live-only policy (collisions wholly inside the cluster), suppressions written next to the
resources, then the baseline.  ``ScanResult`` is what the pipeline hands to the reporters, and
``exit_code`` is the gate.
"""
from __future__ import annotations

from kongcheck.model import Finding, ScanError, severity_rank


class ScanResult:
    __slots__ = ("files", "documents", "kong_resources", "ignored", "findings", "errors", "skipped",
                 "has_manifests", "warnings", "info", "notes", "live_objects", "fail_on_live")

    def __init__(self, files: int = 0, documents: int = 0, kong_resources: int = 0, ignored: int = 0,
                 findings: list[Finding] | None = None, errors: list[ScanError] | None = None,
                 skipped: list[str] | None = None, has_manifests: bool = False, warnings: list[str] | None = None,
                 info: list[str] | None = None, notes: list[str] | None = None, live_objects: int = 0,
                 fail_on_live: bool = False) -> None:
        self.files = files
        self.documents = documents
        self.kong_resources = kong_resources
        self.ignored = ignored  # of those, objects the controller for the class does not process
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.skipped = [] if skipped is None else skipped  # for --verbose: what was passed over, and why
        self.has_manifests = has_manifests  # some document had a kind (a Kubernetes object), parsed or not
        self.warnings = [] if warnings is None else warnings  # e.g. unknown rule ids in suppressions
        self.info = [] if info is None else info  # said before the report (a baseline was written)
        self.notes = [] if notes is None else notes  # said after the report (how to get better locations)
        self.live_objects = live_objects  # objects read from the cluster or a cluster snapshot
        self.fail_on_live = fail_on_live  # collisions wholly inside the cluster count for the exit code

    def exit_code(self, fail_on: str) -> int:
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = severity_rank(fail_on)
        failing = [f for f in self.findings if not f.suppressed and severity_rank(f.severity) >= threshold
                   and (self.fail_on_live or not f.live_only)]
        return 1 if failing else 0
