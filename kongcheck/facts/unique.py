"""The fields Kong keeps unique: one row per field, and each row is a rule (rules/uniqueness.py).

A row says which Kong entity and field it is, where KIC takes the values from (a credential
type's field, or a path in objects of one kind), how the cluster resolves a clash, and whether
the value is a secret or identity (then only a fingerprint is shown).  Credential rows are
derived from the credential table (facts/credentials.py); the others are listed here.  Adding
a unique field is adding a row: the rule, its catalogue entry, example and docs follow.

Kong: kong/db/schema/entities/consumers.lua, consumer_groups.lua (EE), vaults.lua,
kong/plugins/*/daos.lua; KIC: internal/dataplane/kongstate/kongstate.go (what it sends),
credentials_conflicts.go (the clashes KIC >= 3.4 resolves itself).
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts.credentials import CREDENTIAL_TYPES
from kongcheck.facts.kinds import BY_KIND

# How the cluster resolves a clash (facts/outcomes.py says it per version):
KIC_DROPS_CONSUMERS = "kic-drops-consumers"  # KIC >= 3.4 drops every owning consumer; older: Kong decides
KONG_DECIDES = "kong-decides"  # no KIC version detects it: Kong rejects (>= 3.4) or keeps one (< 3.4)
OLDEST_WINS = "oldest-wins"  # KIC keeps the oldest object (creationTimestamp, then name) and skips the rest


class UniqueField(NamedTuple):
    rule: str
    entity: str  # Kong's entity name, as in its uniqueness error
    field: str  # Kong's field name
    kind: str  # the Kubernetes kind that holds the value
    path: tuple[str, ...] | None  # where in the object (None: a credential Secret's data key `field`)
    resolution: str  # KIC_DROPS_CONSUMERS | KONG_DECIDES | OLDEST_WINS
    endpoint_key: bool  # Kong < 3.4 DB-less silently kept one of two entries with this key
    sensitive: bool  # a credential or identity: only its fingerprint is shown
    credential_type: str | None = None  # for credential rows: the konghq.com/credential type
    kic_index: str | None = None  # KIC >= 3.4 conflict index name (credential rows)
    event: str | None = None  # OLDEST_WINS: the event each loser gets; {value} is the shared value
    webhook_duplicate: str | None = None  # the webhook's answer to a new object whose value a cached one of
    # another name ({other}) holds, where the install sends the kind to the webhook

    @property
    def people(self) -> str:
        """How messages name the clashing objects: ``KongConsumers``, ``key-auth credentials``."""
        if self.credential_type:
            return CREDENTIAL_TYPES[self.credential_type].people
        return BY_KIND[self.kind].people

    @property
    def holder(self) -> str:
        """What holds one value: ``key-auth Secret``, ``KongConsumer``."""
        return f"{self.credential_type} Secret" if self.credential_type else self.kind

    @property
    def dotted_path(self) -> str:
        return ".".join(self.path or ("data", self.field))


def _credential_rows() -> tuple[UniqueField, ...]:
    return tuple(
        UniqueField(f"{row.name}-{row.unique.replace('_', '-')}-conflict", row.entity, row.unique, "Secret", None,
                    KIC_DROPS_CONSUMERS, endpoint_key=True, sensitive=True, credential_type=row.name,
                    kic_index=row.kic_index)
        for row in CREDENTIAL_TYPES.values() if row.unique
    )


KIND_ROWS: tuple[UniqueField, ...] = (
    UniqueField("consumer-username-conflict", "consumers", "username", "KongConsumer", ("username",),
                KONG_DECIDES, endpoint_key=True, sensitive=True, webhook_duplicate="consumer already exists"),
    UniqueField("consumer-custom-id-conflict", "consumers", "custom_id", "KongConsumer", ("custom_id",),
                KONG_DECIDES, endpoint_key=False, sensitive=True),
    UniqueField("consumer-group-name-conflict", "consumer_groups", "name", "KongConsumerGroup", ("metadata", "name"),
                KONG_DECIDES, endpoint_key=True, sensitive=False),
    UniqueField("vault-prefix-conflict", "vaults", "prefix", "KongVault", ("spec", "prefix"), OLDEST_WINS,
                endpoint_key=True, sensitive=False, event='spec.prefix "{value}" is duplicate',
                webhook_duplicate='spec.prefix "{value}" is duplicate with existing KongVault "{other}"'),
)


def rows() -> tuple[UniqueField, ...]:
    """Every unique field: the credential rows, then the others."""
    return _credential_rows() + KIND_ROWS


def paths_of(kind: str) -> list[tuple[str, ...]]:
    """The paths whose values the index must read (typed and located) for objects of ``kind``."""
    return [row.path for row in rows() if row.kind == kind and row.path is not None]


def by_credential_type() -> dict[str, UniqueField]:
    """Credential type -> its unique row (built once: the credential types table never changes)."""
    if not _BY_CREDENTIAL_TYPE:
        _BY_CREDENTIAL_TYPE.update((row.credential_type, row) for row in _credential_rows())
    return _BY_CREDENTIAL_TYPE


_BY_CREDENTIAL_TYPE: dict[str, UniqueField] = {}
