"""Stable identities for findings: the same clash gets the same fingerprint on every run.

A fingerprint is built from the rule, the Kong entity and field and the ids of the resources
involved (``namespace/Kind/name``), never from line numbers or file paths, so moving a manifest
or editing the lines around it keeps it.  It holds nothing derived from the clashing value: a
plain digest of a value lets anyone check a guessed value against it.  SARIF
``partialFingerprints`` use these as they are; the baseline adds its own salted, slow digest of
the value (``value_digest``, verdict/baseline.py) to tell two clashes of the same resources apart.
"""
from __future__ import annotations

import hashlib
import json

from kongcheck.model import Finding


def _digest(parts: list) -> str:
    data = json.dumps(parts, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


def _clash_parts(finding: Finding, value_digest: str) -> list:
    return [finding.rule, finding.entity or "", finding.field or "", value_digest]


def finding_fingerprint(finding: Finding, value_digest: str = "") -> str:
    """32 hex digits identifying a finding across runs."""
    return _digest([*_clash_parts(finding, value_digest), sorted(p.ref.id for p in finding.participants)])


def clash_fingerprint(finding: Finding, value_digest: str = "") -> str:
    """32 hex digits for what clashes (rule, field, value digest) without who: a baseline uses it
    to recognise a partly fixed clash, whose participants are fewer but whose value is the same."""
    return _digest(_clash_parts(finding, value_digest))


def participant_fingerprints(finding: Finding) -> list[str]:
    """One fingerprint per participant of a finding (SARIF reports one result per participant).

    A resource that takes part more than once (a duplicate definition) is told apart by its
    occurrence number, which does not depend on lines either.
    """
    base = finding_fingerprint(finding)
    seen: dict[str, int] = {}
    prints = []
    for participant in finding.participants:
        ref_id = participant.ref.id
        occurrence = seen.get(ref_id, 0)
        seen[ref_id] = occurrence + 1
        data = f"{base}\0{ref_id}\0{occurrence}".encode("utf-8", "surrogatepass")  # a lone surrogate too
        prints.append(hashlib.sha256(data).hexdigest()[:32])
    return prints
