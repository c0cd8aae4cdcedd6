"""Kong Gateway's own rules: value patterns, reserved names and error texts.

Kong: kong/db/schema/entities/vaults.lua and kong/constants.lua (vault prefixes and backend
names), kong/db/schema/typedefs.lua (tags), kong/db/schema/others/declarative_config.lua
(the DB-less uniqueness error).
"""
from __future__ import annotations

import re

# A vault prefix: Lua pattern ^[a-z][a-z%d-]-[a-z%d]+$; it must not be a vault backend's name.
VAULT_PREFIX = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")
VAULT_NAMES = frozenset({"env", "aws", "gcp", "hcv", "azure", "conjur"})
VAULT_PREFIX_PATTERN = "^[a-z][a-z0-9-]*[a-z0-9]$"

# Characters a tag may not hold (typedefs.tag); KIC splits konghq.com/tags on ",".
TAG_FORBIDDEN = "/"


def uniqueness_error(entity: str, field: str, shown_value: str) -> str:
    """What Kong (DB-less, >= 3.4) answers for two entities that share a unique value."""
    return f"uniqueness violation: '{entity}' entity with {field} set to '{shown_value}' already declared"
