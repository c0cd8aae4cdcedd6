"""How KIC runs and what the report should show: part of every scan Request."""
from __future__ import annotations

from kongcheck.facts.versions import Target
from kongcheck.facts.webhook import DEFAULT_INSTALL, INSTALLS, Install
from kongcheck.redact import new_key


class Settings:
    __slots__ = ("ingress_class", "namespace", "assume_default_class", "allow_other_classes", "target",
                 "show_values", "fail_on", "untrusted", "disabled_rules", "enabled_rules", "rule_severity",
                 "fingerprint_key", "webhook")

    def __init__(self, ingress_class: str = "kong", namespace: str = "default", assume_default_class: bool = False,
                 allow_other_classes: bool = False, target: Target | None = None, show_values: bool = False,
                 fail_on: str = "error", untrusted: bool = False, disabled_rules: frozenset = frozenset(),
                 enabled_rules: frozenset = frozenset(), rule_severity: dict | None = None,
                 fingerprint_key: bytes | None = None, webhook: str = DEFAULT_INSTALL) -> None:
        self.ingress_class = ingress_class
        self.namespace = namespace  # for namespaced objects without metadata.namespace
        self.assume_default_class = assume_default_class
        # every Kong object carries another class than ingress_class: a warning instead of an input error
        self.allow_other_classes = allow_other_classes
        self.target = Target() if target is None else target
        self.show_values = show_values
        self.fail_on = fail_on  # error | warning | never
        # the input is an untrusted change (--untrusted): suppressions ignored, live side unnamed
        self.untrusted = untrusted
        self.disabled_rules = disabled_rules  # from the configuration file's rules table
        self.enabled_rules = enabled_rules  # rules that are off by default, turned on there
        self.rule_severity = {} if rule_severity is None else rule_severity  # rule id -> severity, from the same table
        # keys the shown fingerprints of values (kongcheck.redact): new for each Settings, never shown
        self.fingerprint_key = new_key() if fingerprint_key is None else fingerprint_key
        self.webhook = webhook  # how KIC's admission webhook is registered (facts/webhook.py INSTALLS)

    @property
    def install(self) -> Install:
        return INSTALLS[self.webhook]
