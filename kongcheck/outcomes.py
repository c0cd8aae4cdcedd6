"""What the cluster does with a uniqueness clash, per KIC and Kong version (KIC-NOTES.md).

Each function returns an :class:`Outcome`: a machine name, the participants kept and
dropped (``namespace/Kind/name``) and a sentence for people.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from kongcheck.versions import Target, show

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


def vault_clash(prefix: str, vaults: list[tuple[str, str | None]]) -> Outcome:
    """KongVaults sharing a prefix: KIC keeps the oldest (tie: smaller name), skips the rest.

    ``vaults`` holds (name, creationTimestamp) pairs.
    """
    now = datetime.now(timezone.utc)
    ordered = sorted(vaults, key=lambda item: (_created(item[1], now), item[0]))
    winner, losers = ordered[0][0], [name for name, _ in ordered[1:]]
    return Outcome(
        LOSERS_SKIPPED,
        f"KIC keeps KongVault {winner!r} (oldest creationTimestamp, then smaller name) and skips "
        + ", ".join(repr(name) for name in losers)
        + f" with the event 'spec.prefix \"{prefix}\" is duplicate'",
        kept=[f"/KongVault/{winner}"],
        dropped=[f"/KongVault/{name}" for name in losers],
    )
