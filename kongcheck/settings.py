"""How KIC runs and what the report should show: part of every scan Request."""
from __future__ import annotations

from dataclasses import dataclass, field

from kongcheck.facts.versions import Target


@dataclass(slots=True)
class Settings:
    ingress_class: str = "kong"
    namespace: str = "default"  # for namespaced objects without metadata.namespace
    assume_default_class: bool = False
    target: Target = field(default_factory=Target)
    show_values: bool = False
    fail_on: str = "error"  # error | warning | never
    disabled_rules: frozenset = frozenset()  # from the configuration file's rules table
    rule_severity: dict = field(default_factory=dict)  # rule id -> severity, from the same table
