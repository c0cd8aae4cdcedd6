"""The KIC and Kong releases kongcheck predicts for, and the behaviour that changed between them.

Each property of :class:`Target` names the KIC or Kong change behind it (CHANGELOG entries of
Kong/kubernetes-ingress-controller and Kong/kong).
"""
from __future__ import annotations

import re
from typing import NamedTuple

NEWEST_KIC = (3, 5)
NEWEST_KONG = (3, 9)
_KNOWN_KIC = {(2, minor) for minor in range(0, 13)} | {(3, minor) for minor in range(0, NEWEST_KIC[1] + 1)}
_KNOWN_KONG = {(3, minor) for minor in range(0, NEWEST_KONG[1] + 1)}


class VersionError(ValueError):
    pass


def parse(text: str, product: str) -> tuple[int, int]:
    """Parse ``X.Y`` (a patch part and a leading ``v`` are tolerated) and check it is known."""
    match = re.fullmatch(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))?", str(text).strip())
    known = _KNOWN_KIC if product == "KIC" else _KNOWN_KONG
    if not match:
        raise VersionError(f"{product} version {text!r} is not of the form X.Y")
    version = (int(match.group(1)), int(match.group(2)))
    if version not in known:
        raise VersionError(f"{product} version {text} is not one kongcheck knows (known: {known_ranges(known)})")
    return version


def newest(product: str) -> tuple[int, int]:
    return NEWEST_KIC if product == "KIC" else NEWEST_KONG


def known_ranges(known: set[tuple[int, int]]) -> str:
    """``2.0 to 2.12, 3.0 to 3.5``: the known releases, one range per major version."""
    ranges = []
    for major in sorted({v[0] for v in known}):
        minors = sorted(v[1] for v in known if v[0] == major)
        ranges.append(f"{major}.{minors[0]} to {major}.{minors[-1]}" if len(minors) > 1 else f"{major}.{minors[0]}")
    return ", ".join(ranges)


def show(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


class Target(NamedTuple):
    """What the scan predicts for: a KIC release and a Kong Gateway release."""

    kic: tuple[int, int] = NEWEST_KIC
    kong: tuple[int, int] = NEWEST_KONG

    # --- KIC ---
    @property
    def reads_label(self) -> bool:  # konghq.com/credential label, 3.0+
        return self.kic >= (3, 0)

    @property
    def reads_legacy_type(self) -> bool:  # kongCredType data key, until 3.1
        return self.kic < (3, 2)

    @property
    def drops_conflicting_consumers(self) -> bool:  # PR #6585
        return self.kic >= (3, 4)

    @property
    def supports_vaults(self) -> bool:
        return self.kic >= (3, 1)

    @property
    def honours_control_plane_ref(self) -> bool:  # objects of another control plane are skipped, 3.4.0
        return self.kic >= (3, 4)

    @property
    def credential_lists_are_sets(self) -> bool:  # listType=set, 3.2.0
        return self.kic >= (3, 2)

    @property
    def webhook_checks_labelled_secrets(self) -> bool:
        return self.kic >= (3, 2)

    # --- Kong ---
    @property
    def kong_rejects_duplicates(self) -> bool:  # DB-less, Kong #11199
        return self.kong >= (3, 4)
