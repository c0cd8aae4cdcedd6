"""What the cluster does with a uniqueness clash, per KIC and Kong version.

Each function returns an :class:`Outcome`: a machine name, the participants kept and
dropped (``namespace/Kind/name``) and a sentence for people.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from kongcheck.facts.versions import Target, show

CONSUMERS_DROPPED = "consumers-dropped"
CONFIG_REJECTED = "config-rejected"
LOSERS_SKIPPED = "losers-skipped"
ONE_ENTRY_WINS = "one-entry-wins"
ACCEPTED_SILENTLY = "accepted-silently"
APPLY_REFUSED = "apply-refused"


@dataclass(slots=True)
class Outcome:
    name: str
    text: str
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def _rejected(target: Target) -> Outcome:
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
        return _rejected(target)
    return _before_kong_34(target, endpoint_key)


def kong_clash(target: Target, endpoint_key: bool) -> Outcome:
    """Clashes no KIC version detects (consumer username/custom_id, consumer group name)."""
    if target.kong_rejects_duplicates:
        return _rejected(target)
    return _before_kong_34(target, endpoint_key)


def _created(timestamp: str | None, now: datetime) -> datetime:
    if not timestamp:
        return now
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return now
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def oldest_wins(kind: str, event: str, members: list[tuple[str, str, str | None]]) -> Outcome:
    """Objects sharing a value that KIC de-duplicates itself: it keeps the oldest (creationTimestamp,
    a tie goes to the smaller name) and skips the others with ``event`` (KongVault prefixes, KIC >= 3.1).

    ``members`` holds (resource id, name, creationTimestamp) triples.
    """
    now = datetime.now(timezone.utc)
    ordered = sorted(members, key=lambda item: (_created(item[2], now), item[1]))
    winner, losers = ordered[0], ordered[1:]
    return Outcome(
        LOSERS_SKIPPED,
        f"KIC keeps {kind} {winner[1]!r} (oldest creationTimestamp, then smaller name) and skips "
        + ", ".join(repr(name) for _, name, _ in losers)
        + f" with the event '{event}'",
        kept=[winner[0]],
        dropped=[ref_id for ref_id, _, _ in losers],
    )
