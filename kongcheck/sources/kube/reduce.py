"""Reduce live or snapshot objects to the fields kongcheck needs.

Secrets are cut down at once to their credential type and the one unique
field Kong indexes (key / username / client_id); every other value, the
`last-applied-configuration` annotation (which repeats the whole Secret) and
managedFields are dropped before the object is kept anywhere.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from kongcheck.facts.credentials import unique_field
from kongcheck.facts.kinds import BY_KIND
from kongcheck.facts.kube import CREDENTIAL_LABEL, LAST_APPLIED, LEGACY_TYPE_KEY

from .resources import RESOURCES, Resource

SECRET_ANNOTATIONS = ("konghq.com/", "kongcheck.io/")  # Kong tags, kongcheck suppressions; nothing else


def reduce_metadata(meta: dict, secret: bool = False) -> dict:
    """Keep name, namespace, labels, annotations and creationTimestamp."""
    out = {"name": meta.get("name")}
    if meta.get("namespace") is not None:
        out["namespace"] = meta["namespace"]
    if meta.get("creationTimestamp") is not None:
        out["creationTimestamp"] = _timestamp(meta["creationTimestamp"])
    out["labels"] = dict(meta.get("labels") or {})
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    if secret:
        annotations = {k: v for k, v in annotations.items() if k.startswith(SECRET_ANNOTATIONS)}
    out["annotations"] = annotations
    return out


def reduce_object(obj: dict, resource: Resource) -> dict:
    """Reduce one object of a known resource; list items may lack apiVersion/kind."""
    if resource.kind == "Secret":
        return reduce_secret(obj)
    out = {
        "apiVersion": resource.api_version,
        "kind": resource.kind,
        "metadata": reduce_metadata(obj.get("metadata") or {}),
    }
    for field in BY_KIND[resource.kind].live_fields:
        if field in obj:
            out[field] = obj[field]
    return out


def reduce_secret(obj: dict) -> dict:
    """Keep the credential label, the legacy type key and the unique field, base64 as stored."""
    meta = reduce_metadata(obj.get("metadata") or {}, secret=True)
    merged = _merged_data(obj)
    cred_type = meta["labels"].get(CREDENTIAL_LABEL) or _decode(merged.get(LEGACY_TYPE_KEY))
    keep = {LEGACY_TYPE_KEY, unique_field(cred_type or "") or ""}
    out = {"apiVersion": "v1", "kind": "Secret", "metadata": meta}
    if obj.get("type"):
        out["type"] = obj["type"]
    out["data"] = {k: v for k, v in merged.items() if k in keep}
    return out


def _timestamp(value) -> str:
    """RFC 3339 text; a hand-written snapshot may hold an unquoted YAML timestamp."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _merged_data(obj: dict) -> dict:
    """data as base64 strings, with stringData merged over it as the API server does."""
    merged = {k: v for k, v in (obj.get("data") or {}).items() if isinstance(v, str)}
    for key, value in (obj.get("stringData") or {}).items():
        if isinstance(value, str):
            merged[key] = base64.b64encode(value.encode()).decode()
    return merged


def _decode(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def resource_of(obj: dict) -> Resource | None:
    """The known resource an object with apiVersion/kind belongs to, else None."""
    resource = RESOURCES.get(obj.get("kind"))
    if resource is None:
        return None
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    return resource if group == resource.group else None


def secret_refs(objects: list[dict]) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret a reduced object lists in its kind's ``secret_refs`` field
    (a KongConsumer's credentials: same namespace only)."""
    refs = set()
    for obj in objects:
        row = BY_KIND.get(obj.get("kind"))
        if row is None or row.secret_refs is None:
            continue
        namespace = obj["metadata"].get("namespace") or "default"
        for name in obj.get(row.secret_refs) or []:
            if isinstance(name, str):
                refs.add((namespace, name))
    return refs
