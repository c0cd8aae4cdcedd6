"""What a scan is asked to do: one object built from defaults, the config file and flags."""
from __future__ import annotations

from dataclasses import dataclass, field

from kongcheck.versions import Target


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
