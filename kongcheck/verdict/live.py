"""Findings about what is already running: the live-only policy of --cluster and snapshots.

Live objects come first in apply order, so a manifest replaces the live object it redefines.  A
finding that no manifest object contributes to (as a participant, an owner of a participating
credential, or a consumer KIC keeps or drops because of it) is about what is already running:
collisions among live objects are kept but do not fail the run unless --fail-on-live; other
findings about them are dropped (live Secrets were reduced to the fields collisions need).
Which rules are collisions is said by their catalogue entries (``RuleInfo.collision``).
"""
from __future__ import annotations

from kongcheck.index import KongIndex
from kongcheck.model import Finding
from kongcheck.rules import CATALOG


def apply(findings: list[Finding], fail_on_live: bool, index: KongIndex) -> list[Finding]:
    """Mark findings no manifest object contributes to; keep collisions (as warnings unless --fail-on-live)."""
    owners = _secret_owners(index, {p.ref for finding in findings for p in finding.participants})
    behind = [contributors(finding, owners) for finding in findings]
    is_live = _live_ids(index, set().union(*behind))
    kept = []
    for finding, ids in zip(findings, behind):
        if not finding.participants or not all(is_live(ref_id) for ref_id in ids):
            kept.append(finding)
        elif CATALOG[finding.rule].collision:
            finding.live_only = True
            if not fail_on_live:
                finding.severity = "warning"
            kept.append(finding)
    return kept


def _secret_owners(index: KongIndex, refs: set) -> dict:
    """Secret ref -> ids of the consumers it is attached to, for the Secrets of ``refs`` (the findings'
    participants: a cluster has many more, and no finding asks about them)."""
    owners: dict = {}
    for attachment in index.attachments:
        if attachment.secret is not None and attachment.secret.obj.ref in refs:
            owners.setdefault(attachment.secret.obj.ref, set()).add(attachment.consumer.obj.ref.id)
    return owners


def contributors(finding: Finding, owners: dict) -> set[str]:
    """Ids of every object behind a finding: its participants, the consumers that own a participating
    credential Secret, and the objects KIC keeps or drops because of it."""
    ids = {p.ref.id for p in finding.participants} | set(finding.kept) | set(finding.dropped)
    for participant in finding.participants:
        ids.update(owners.get(participant.ref, ()))
    return ids


def _live_ids(index: KongIndex, ids: set[str]):
    """is_live(id) for the ``ids`` asked about: the definition the index keeps for that object came from
    the cluster (of two kept objects with one id, the later).  An id the index does not know counts as
    not live, so such a finding is never hidden."""
    live = {}
    for record in index.records.values():
        ref_id = record.obj.ref.id
        if ref_id in ids:
            live[ref_id] = record.obj.is_live
    return lambda ref_id: live.get(ref_id, False)
