"""What the cluster does with a uniqueness clash, per KIC and Kong version.

Each function returns an :class:`Outcome`: a machine name, the participants kept and
dropped (``namespace/Kind/name``) and a sentence for people.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

from kongcheck.facts.versions import Target, show

CONSUMERS_DROPPED = "consumers-dropped"
CONFIG_REJECTED = "config-rejected"
LOSERS_SKIPPED = "losers-skipped"
ONE_ENTRY_WINS = "one-entry-wins"
ACCEPTED_SILENTLY = "accepted-silently"
APPLY_REFUSED = "apply-refused"
OBJECT_SKIPPED = "object-skipped"  # KIC leaves one object out of the configuration, with an event


class Outcome:
    __slots__ = ("name", "text", "kept", "dropped")

    def __init__(self, name: str, text: str, kept: list[str] | None = None, dropped: list[str] | None = None) -> None:
        self.name = name
        self.text = text
        self.kept = [] if kept is None else kept
        self.dropped = [] if dropped is None else dropped


def config_rejected(target: Target) -> Outcome:
    return Outcome(
        CONFIG_REJECTED,
        f"Kong {show(target.kong)} rejects the whole configuration; KIC {show(target.kic)} keeps re-applying "
        "the last good one, so no further change reaches the gateway until this is fixed",
    )


def _before_kong_34(target: Target, endpoint_key: bool) -> Outcome:
    if endpoint_key:
        return Outcome(ONE_ENTRY_WINS, f"Kong {show(target.kong)} (DB-less, before 3.4) silently keeps one "
                       "entry and drops the others; which one is not defined")
    return Outcome(ACCEPTED_SILENTLY, f"Kong {show(target.kong)} (DB-less, before 3.4) accepts the duplicate "
                   "silently; Kong 3.4 and newer reject the whole configuration")


def credential_clash(target: Target, kic_index: str, owners: list[str], endpoint_key: bool = True) -> Outcome:
    """Credentials that share a unique value (or one Secret attached more than once)."""
    if target.drops_conflicting_consumers:
        return Outcome(
            CONSUMERS_DROPPED,
            f"KIC {show(target.kic)} drops every KongConsumer involved, with its credentials, groups and plugins "
            f"(event: 'Consumer has conflicting credentials'; each Secret gets 'Secret has conflicting "
            f"credential: conflict detected in \"{kic_index}\" index')",
            dropped=sorted(set(owners)),
        )
    if target.kong_rejects_duplicates:
        return config_rejected(target)
    return _before_kong_34(target, endpoint_key)


def kong_clash(target: Target, endpoint_key: bool) -> Outcome:
    """Clashes no KIC version detects (consumer username/custom_id, consumer group name)."""
    if target.kong_rejects_duplicates:
        return config_rejected(target)
    return _before_kong_34(target, endpoint_key)


def refused_first(kind: str, refused: dict[str, str], rest: Outcome | None) -> Outcome:
    """Objects KIC's webhook refuses (id -> its answer) never exist; ``rest`` is what the cluster does
    with the others that still share the value (None: no clash is left)."""
    text = "; ".join(f"KIC's webhook refuses {kind} {ref_id} ('{answer}'), so `kubectl apply` fails for it"
                     for ref_id, answer in refused.items())
    if rest is None:
        return Outcome(APPLY_REFUSED, text, dropped=list(refused))
    return Outcome(APPLY_REFUSED, f"{text}; {rest.text[0].lower()}{rest.text[1:]}", kept=rest.kept,
                   dropped=list(refused) + rest.dropped)


def _created(timestamp: str | None, now: datetime) -> datetime:
    if not timestamp:
        return now
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return now
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Member(NamedTuple):
    """One object in a de-duplication KIC does itself (KongVault prefixes, KIC >= 3.1)."""

    id: str  # namespace/Kind/name
    name: str
    created: str | None  # creationTimestamp (of the live object when the apply updates one)
    exists: bool = False  # already in the cluster (live, or updated by the apply): older than anything created
    order: int = 0  # apply order


def oldest_wins(kind: str, event: str, members: list[Member], refused: dict[str, str] | None = None) -> Outcome:
    """Objects sharing a value that KIC de-duplicates itself: it keeps the oldest (creationTimestamp,
    a tie goes to the smaller name) and skips the others with ``event``.  An object already in the
    cluster is older than every object the apply creates; one without a timestamp in a snapshot
    counts as the oldest (KIC's zero time is before every real time).  ``refused`` maps the ids of
    members the webhook refuses to its answer: they never exist, so they take no part.
    """
    refused = refused or {}
    now = datetime.now(timezone.utc)
    zero = datetime.min.replace(tzinfo=timezone.utc)

    def when(member: Member) -> datetime:
        return zero if member.exists and not member.created else _created(member.created, now)

    contest = [m for m in members if m.id not in refused]
    ordered = sorted(contest, key=lambda m: (not m.exists, when(m), m.name))
    parts = [f"KIC's webhook refuses {kind} {member.name!r} ('{refused[member.id]}'), so `kubectl apply` fails "
             "for it" for member in members if member.id in refused]
    kept = [ordered[0].id] if ordered else []
    if len(ordered) > 1:
        winner, losers = ordered[0], ordered[1:]
        text = (f"KIC keeps {kind} {winner.name!r} (" + ("already in the cluster, so the oldest" if winner.exists
                else "oldest creationTimestamp, then smaller name") + ") and skips "
                + ", ".join(repr(m.name) for m in losers) + f" with the event '{event}'")
        tied = [m for m in ordered if (m.exists, when(m)) == (winner.exists, when(winner))]
        if winner.exists and not winner.created and len(tied) > 1:
            text += (f" (the snapshot holds no creationTimestamp for {', '.join(repr(m.name) for m in tied)}, "
                     "so which of them KIC keeps is not known; the smaller name is assumed)")
        elif not winner.exists and not winner.created and len(tied) > 1:
            first = min(tied, key=lambda m: m.order)
            if first is not winner:
                text += (f" if they are created within the same second; if a second boundary falls between the "
                         f"creates, it keeps {first.name!r}, applied first")
        parts.append(text)
    dropped = [m.id for m in members if m.id in refused] + [m.id for m in ordered[1:]]
    name = APPLY_REFUSED if refused else LOSERS_SKIPPED
    return Outcome(name, "; ".join(parts), kept=kept, dropped=dropped)


class Claimant(NamedTuple):
    """One object in a contest KIC settles by age (creationTimestamp, then ``key``)."""

    ref: str  # resource id
    created: str | None  # the live creationTimestamp (None: the apply creates it, or a snapshot lacks it)
    exists: bool  # already in the cluster (live, or updated by the apply): older than anything created
    key: tuple  # KIC's tie-break after the timestamp (e.g. namespace, name)
    order: int  # position in apply order (new objects are created in it)


def _second(claimant: Claimant) -> datetime:
    """A creationTimestamp as the API server keeps it, to the second (metav1.Time); an existing object
    without one (a hand-made snapshot) has KIC's zero time, before every real time."""
    if not claimant.created:
        return datetime.min.replace(tzinfo=timezone.utc)
    return _created(claimant.created, datetime.now(timezone.utc)).replace(microsecond=0)


def by_age(claimants: list[Claimant]) -> tuple[list[Claimant], list[Claimant]]:
    """``(order, possible)``: the claimants oldest first as KIC ranks them when the objects the
    apply creates share one second (the usual case), and every claimant that can come first.

    An object that exists already is older than any the apply creates.  Objects created by one
    apply share a second unless the apply runs across a second boundary: then an object applied
    earlier is older, whatever its key.  So the first may be the first by ``key`` of any prefix of
    the apply order; ``possible`` has more than one entry when apply timing can change the winner.
    """
    known = [c for c in claimants if c.exists]
    new = [c for c in claimants if not c.exists]
    order = sorted(known, key=lambda c: (_second(c), c.key)) + sorted(new, key=lambda c: c.key)
    if known or not new:
        return order, order[:1]
    possible, best = [], None
    for claimant in sorted(new, key=lambda c: c.order):
        if best is None or claimant.key < best.key:
            best = claimant
            possible.append(claimant)
    return order, sorted(possible, key=lambda c: c.key)
