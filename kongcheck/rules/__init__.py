"""The rule registry: every rule module, in the order findings are reported.

Each module has ``RULES`` (its catalogue entries) and ``check(index) -> list[Finding]``.
Adding a rule means adding a module here; adding a unique field means a row in table.py.
"""
from __future__ import annotations

from kongcheck.index import KongIndex
from kongcheck.model import Finding
from kongcheck.rules import (
    consumers,
    controller,
    credentials,
    duplicates,
    references,
    shared_credential,
    tags,
    uniqueness,
)
from kongcheck.rules.base import RuleInfo

MODULES = (uniqueness, shared_credential, references, credentials, consumers, tags, controller, duplicates)

CATALOG: dict[str, RuleInfo] = {info.id: info for module in MODULES for info in module.RULES}


def run(index: KongIndex) -> list[Finding]:
    findings: list[Finding] = []
    for module in MODULES:
        findings.extend(module.check(index))
    findings.sort(key=Finding.sort_key)
    return findings
