"""What every rule shares: its catalogue entry, and the Hit a check returns.

A rule module declares ``RULES`` (catalogue entries) and ``check(index) -> Iterable[Hit]``.  A Hit
names its rule by id and says what was found; the registry (rules/__init__.py) turns it into a
Finding and stamps the id and severity from the catalogue entry, so the two cannot disagree.
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts.outcomes import Outcome
from kongcheck.model import Participant


def said(title: str, rest: str, sep: str = ": ") -> dict:
    """``message`` and ``title`` of a Hit whose message is its title, ``sep``, then the rest:
    ``Hit(rule, participants=..., **said(title, rest))``."""
    return {"message": f"{title}{sep}{rest}", "title": title}


class RuleInfo(NamedTuple):
    """One rule's catalogue entry: the single source for `kongcheck rules`, SARIF and docs."""

    id: str
    severity: str  # error | warning
    summary: str  # one line: what it catches
    behaviour: str  # the KIC/Kong behaviour behind it
    example: str  # a minimal bad manifest
    fix: str
    collision: bool = False  # a clash between objects: kept (as a warning) when it lies wholly in the cluster
    enabled: bool = True  # off by default: the configuration's rules table turns it on ({enabled: true})


class Hit(NamedTuple):
    """What a check found: a finding without its rule's severity (the registry adds it)."""

    rule: str
    message: str
    participants: list[Participant]
    entity: str | None = None  # Kong entity, e.g. jwt_secrets
    field: str | None = None  # Kong field, e.g. key
    value: str | None = None  # the clashing value: fingerprinted by the registry, never kept
    outcome: Outcome | None = None
    title: str | None = None  # the start of ``message`` that says what clashes, in a few words (text's lead line)


def reported(index, info: RuleInfo) -> bool:
    """Whether a scan with the index's settings reports ``info``'s rule (verdict/policy.py drops the rest):
    a check may skip work that only such a rule needs."""
    settings = index.settings
    return (info.enabled or info.id in settings.enabled_rules) and info.id not in settings.disabled_rules
