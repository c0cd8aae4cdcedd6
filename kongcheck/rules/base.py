"""What every rule module shares: its catalogue entry and helpers to make findings."""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.model import Location, Participant, ResourceRef


class RuleInfo(NamedTuple):
    """One rule's catalogue entry: the single source for `kongcheck rules`, SARIF and docs."""

    id: str
    severity: str  # error | warning
    summary: str  # one line: what it catches
    behaviour: str  # the KIC/Kong behaviour behind it
    example: str  # a minimal bad manifest
    fix: str


def participant(ref: ResourceRef, location: Location) -> Participant:
    return Participant(ref, location)
