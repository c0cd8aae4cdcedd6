"""The configuration's per-rule table applied to findings: rules turned off, severities changed."""
from __future__ import annotations

from kongcheck.model import Finding
from kongcheck.rules import CATALOG
from kongcheck.settings import Settings


def disabled(settings: Settings) -> frozenset:
    """The rules turned off: by the configuration, and those off by default it does not turn on."""
    return settings.disabled_rules | {rule for rule, info in CATALOG.items()
                                      if not info.enabled and rule not in settings.enabled_rules}


def apply(findings: list[Finding], settings: Settings) -> list[Finding]:
    off = disabled(settings)
    kept = [f for f in findings if f.rule not in off]
    for finding in kept:
        finding.severity = settings.rule_severity.get(finding.rule, finding.severity)
    return kept
