"""The rule registry: every rule module, in the order findings are reported.

Each module has ``RULES`` (its catalogue entries) and ``check(index)``, which yields Hits of
those rules only; ``run`` stamps each Hit's rule id and severity from the catalogue, and turns
the Hit's clashing value into its keyed fingerprint (kongcheck.redact) and a sealed copy for the
baseline.  Adding a rule means adding a module here; adding a unique field means a row in
facts/unique.py.
"""
from __future__ import annotations

from kongcheck.index import KongIndex
from kongcheck.model import Finding
from kongcheck.redact import Redactor, Sealed
from kongcheck.rules import (
    admission,
    ca_certificates,
    consumers,
    controller,
    credentials,
    duplicates,
    kong_names,
    plugins,
    references,
    shared_credential,
    tags,
    tls_hosts,
    uniqueness,
    vaults,
)
from kongcheck.rules.base import Hit, RuleInfo

MODULES = (uniqueness, shared_credential, references, credentials, admission, vaults, consumers, tags, controller,
           duplicates, ca_certificates, tls_hosts, kong_names, plugins)

CATALOG: dict[str, RuleInfo] = {info.id: info for module in MODULES for info in module.RULES}


def closest(word: str, extra: tuple[str, ...] = ()) -> str | None:
    """The rule id ``word`` was most likely meant to be (a typo's did-you-mean), or None."""
    import difflib

    close = difflib.get_close_matches(word, [*CATALOG, *extra], n=1)
    return close[0] if close else None


class RuleError(Exception):
    """A rule module returned a hit of a rule it does not declare (a kongcheck bug)."""


def finding(hit: Hit, info: RuleInfo, redactor: Redactor) -> Finding:
    """The Finding for a Hit, with the catalogue's id and severity."""
    outcome = hit.outcome
    value = hit.value
    return Finding(
        rule=info.id,
        severity=info.severity,
        message=hit.message,
        participants=hit.participants,
        entity=hit.entity,
        field=hit.field,
        value_fingerprint=redactor.fingerprint(value) if value is not None else None,
        outcome=outcome.name if outcome else None,
        kept=outcome.kept if outcome else [],
        dropped=outcome.dropped if outcome else [],
        value=Sealed(value) if value is not None else None,
        title=hit.title,
    )


def run(index: KongIndex) -> list[Finding]:
    """Every module's findings; a rule that is off by default reports only when the settings turn it on."""
    findings: list[Finding] = []
    redactor = Redactor.of(index.settings)
    enabled = index.settings.enabled_rules
    for module in MODULES:
        declared = {info.id: info for info in module.RULES}
        for hit in module.check(index):
            info = declared.get(hit.rule)
            if info is None:
                raise RuleError(f"{module.__name__} reported rule {hit.rule!r}, which it does not declare")
            if info.enabled or info.id in enabled:
                findings.append(finding(hit, info, redactor))
    findings.sort(key=Finding.sort_key)
    return findings
