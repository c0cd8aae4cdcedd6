"""The configuration's per-rule table applied to findings: rules turned off, severities changed."""
from __future__ import annotations

from kongcheck.model import Finding
from kongcheck.settings import Settings


def apply(findings: list[Finding], settings: Settings) -> list[Finding]:
    kept = [f for f in findings if f.rule not in settings.disabled_rules]
    for finding in kept:
        finding.severity = settings.rule_severity.get(finding.rule, finding.severity)
    return kept
