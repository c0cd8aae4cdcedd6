"""How KIC runs and what the report should show: part of every scan Request."""
from __future__ import annotations

from dataclasses import dataclass, field

from kongcheck.facts.versions import Target
from kongcheck.facts.webhook import DEFAULT_INSTALL, INSTALLS, Install
from kongcheck.redact import new_key


@dataclass(slots=True)
class Settings:
    ingress_class: str = "kong"
    namespace: str = "default"  # for namespaced objects without metadata.namespace
    assume_default_class: bool = False
    # every Kong object carries another class than ingress_class: a warning instead of an input error
    allow_other_classes: bool = False
    target: Target = field(default_factory=Target)
    show_values: bool = False
    fail_on: str = "error"  # error | warning | never
    untrusted: bool = False  # the input is an untrusted change (--untrusted): suppressions ignored, live side unnamed
    disabled_rules: frozenset = frozenset()  # from the configuration file's rules table
    enabled_rules: frozenset = frozenset()  # rules that are off by default, turned on there
    rule_severity: dict = field(default_factory=dict)  # rule id -> severity, from the same table
    # keys the shown fingerprints of values (kongcheck.redact): new for each Settings, never shown
    fingerprint_key: bytes = field(default_factory=new_key, repr=False)
    webhook: str = DEFAULT_INSTALL  # how KIC's admission webhook is registered (facts/webhook.py INSTALLS)

    @property
    def install(self) -> Install:
        return INSTALLS[self.webhook]
