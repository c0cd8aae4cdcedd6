"""Reduce live or snapshot objects to the fields kongcheck needs.

Secrets are cut down at once to their credential type and the one unique
field Kong indexes (key / username / client_id), CA certificates (label
``konghq.com/ca-cert``, Secrets and ConfigMaps) to their ``id`` and certificate
text, and TLS Secrets to the CERTIFICATE blocks of ``tls.crt``, which are public,
and a marker that ``tls.key`` holds something (the key itself is never kept);
every other value, the
`last-applied-configuration` annotation (which repeats the whole Secret) and
managedFields are dropped before the object is kept anywhere.  A field kongcheck reads that has
the wrong type (``labels: [a]``, ``stringData: [a]``, a string ``metadata``) is an ItemProblem:
the object is one error and the others are still read.  Problems name a ``data``/``stringData``
entry by its place, never by its key.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from sys import intern

from kongcheck.escape import text_bytes
from kongcheck.facts.cacerts import CERT_KEYS, ID_KEY
from kongcheck.facts.credentials import unique_field
from kongcheck.facts.kinds import BY_KIND
from kongcheck.facts.kube import CA_CERT_LABEL, CREDENTIAL_LABEL, LAST_APPLIED, LEGACY_TYPE_KEY
from kongcheck.facts import tls

from .answers import ItemProblem, type_name
from .resources import RESOURCES, Resource

SECRET_ANNOTATIONS = ("konghq.com/", "kongcheck.io/")  # Kong tags, kongcheck suppressions; nothing else


def _mapping(value, path: tuple, what: str) -> dict:
    """A mapping of text to text (labels, annotations, data, stringData); absent or null is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ItemProblem(f"{'.'.join(path)} must be a mapping of {what}, not {type_name(value)}", path)
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ItemProblem(f"{'.'.join(path)} holds an entry that is not text (a mapping of {what} is "
                              "needed)", (*path, key))
    return value


def _shared(mapping: dict) -> dict:
    """A copy whose keys and values are the one copy of each text (sys.intern): label and annotation
    texts repeat on most objects of a cluster, and the reduced objects stay alive for the whole scan."""
    return {intern(key): intern(value) for key, value in mapping.items()}


def reduce_metadata(meta, secret: bool = False) -> dict:
    """Keep name, namespace, labels, annotations (when there are any) and creationTimestamp (the texts that repeat from object
    to object, all but the name, kept once: _shared)."""
    if not isinstance(meta, dict):
        raise ItemProblem(f"metadata must be a mapping, not {type_name(meta)}", ("metadata",))
    name, namespace = meta.get("name"), meta.get("namespace")
    if not isinstance(name, str) or not name:
        raise ItemProblem("metadata.name must be non-empty text", ("metadata", "name"))
    out = {"name": name}
    if namespace is not None:
        if not isinstance(namespace, str):
            raise ItemProblem(f"metadata.namespace must be text, not {type_name(namespace)}", ("metadata", "namespace"))
        out["namespace"] = intern(namespace)
    if meta.get("creationTimestamp") is not None:
        out["creationTimestamp"] = intern(_timestamp(meta["creationTimestamp"]))
    labels = _mapping(meta.get("labels"), ("metadata", "labels"), "text")
    annotations = {k: v for k, v in _mapping(meta.get("annotations"), ("metadata", "annotations"), "text").items()
                   if k != LAST_APPLIED}
    if secret:
        annotations = {k: v for k, v in annotations.items() if k.startswith(SECRET_ANNOTATIONS)}
    for key, mapping in (("labels", labels), ("annotations", annotations)):
        if mapping:  # none is no mapping, as in a manifest that writes none
            out[key] = _shared(mapping)
    return out


def reduce_object(obj, resource: Resource, tls_secret: bool = False) -> dict:
    """Reduce one object of a known resource; list items may lack apiVersion/kind.  ``tls_secret``: a
    Secret something names as a TLS certificate (it keeps its certificate, see reduce_secret)."""
    if not isinstance(obj, dict):
        raise ItemProblem(f"the object is {type_name(obj)}, not a mapping")
    if resource.kind == "Secret":
        return reduce_secret(obj, tls_secret)
    if resource.kind == "ConfigMap":
        return reduce_config_map(obj)
    out = {
        "apiVersion": resource.api_version,
        "kind": resource.kind,
        "metadata": reduce_metadata(obj.get("metadata", {})),
    }
    for field in BY_KIND[resource.kind].live_fields:
        if field in obj:
            out[field] = obj[field]
    return out


def reduce_secret(obj: dict, tls_secret: bool = False) -> dict:
    """Keep the credential label, the legacy type key and the unique field, base64 as stored; for a
    Secret of type kubernetes.io/tls or one named as a TLS certificate (``tls_secret``), also its
    certificate and whether it has a key."""
    meta = reduce_metadata(obj.get("metadata", {}), secret=True)
    merged = _merged_data(obj)
    labels = meta.get("labels", {})
    cred_type = labels.get(CREDENTIAL_LABEL) or _decode(merged.get(LEGACY_TYPE_KEY))
    keep = {LEGACY_TYPE_KEY, unique_field(cred_type or "") or ""}
    if CA_CERT_LABEL in labels:
        keep.update(_CA_KEYS)
    out = {"apiVersion": "v1", "kind": "Secret", "metadata": meta}
    if obj.get("type") is not None:
        if not isinstance(obj["type"], str):
            raise ItemProblem(f"type must be text, not {type_name(obj['type'])}", ("type",))
        out["type"] = intern(obj["type"])
    out["data"] = {intern(k): v for k, v in merged.items() if k in keep}
    if tls_secret or out.get("type") == tls.SECRET_TYPE:
        out["data"].update(_tls_data(merged))
    return out


def tls_part(obj: dict) -> dict:
    """What a Secret keeps when it turns out to be named as a TLS certificate (reduce_secret with
    ``tls_secret``), for an object reduce_secret has read."""
    return _tls_data(_merged_data(obj))


_CERTIFICATE_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n \t]*?-----END CERTIFICATE-----")


def _tls_data(merged: dict) -> dict:
    """What a TLS Secret keeps: the CERTIFICATE blocks of tls.crt (public; any other block, a key written
    into the certificate file included, is dropped) and, for a non-empty tls.key, a marker, never the key."""
    out = {}
    cert = _raw(merged.get(tls.CERT_KEY))
    if cert:
        blocks = _CERTIFICATE_BLOCK.findall(cert)
        if blocks:
            out[tls.CERT_KEY] = base64.b64encode(b"\n".join(blocks) + b"\n").decode()
    key = merged.get(tls.KEY_KEY)
    if key and _raw(key).strip():
        out[tls.KEY_KEY] = base64.b64encode(tls.KEY_PRESENT.encode()).decode()
    return out


def _raw(value: str | None) -> bytes:
    if not value:
        return b""
    try:
        return base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


_CA_KEYS = (ID_KEY, *CERT_KEYS)  # a CA certificate's id and certificate text: public, kept as they are


def reduce_config_map(obj: dict) -> dict:
    """A CA ConfigMap keeps its id and certificate keys of ``data`` (binaryData is not KIC's)."""
    data = _mapping(obj.get("data"), ("data",), "text")
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": reduce_metadata(obj.get("metadata", {})),
            "data": {key: value for key, value in data.items() if key in _CA_KEYS}}


def _timestamp(value) -> str:
    """RFC 3339 text; a hand-written snapshot may hold an unquoted YAML timestamp."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not isinstance(value, str):
        raise ItemProblem(f"metadata.creationTimestamp must be text, not {type_name(value)}",
                          ("metadata", "creationTimestamp"))
    return value


def _merged_data(obj: dict) -> dict:
    """data as base64 strings, with stringData merged over it as the API server does."""
    merged = dict(_mapping(obj.get("data"), ("data",), "text (base64)"))
    for key, value in _mapping(obj.get("stringData"), ("stringData",), "text").items():
        merged[key] = base64.b64encode(text_bytes(value)).decode()
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
    kind = obj.get("kind")
    resource = RESOURCES.get(kind) if isinstance(kind, str) else None
    if resource is None:
        return None
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    return resource if group == resource.group else None


def tls_secret_refs(objects: list[dict]) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret an object names as a TLS certificate (facts/tls.py)."""
    refs = set()
    for obj in objects:
        metadata = obj.get("metadata")
        namespace = (metadata.get("namespace") if isinstance(metadata, dict) else None) or "default"
        if isinstance(namespace, str):
            refs |= tls.tls_refs(obj, namespace)
    return refs


def secret_refs(objects: list[dict]) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret a reduced object lists in its kind's ``secret_refs`` field
    (a KongConsumer's credentials: same namespace only) or names as a TLS certificate (facts/tls.py)."""
    refs = set()
    for obj in objects:
        row = BY_KIND.get(obj.get("kind"))
        namespace = obj["metadata"].get("namespace") or "default"
        refs |= tls.tls_refs(obj, namespace)
        if row is None or row.secret_refs is None:
            continue
        names = obj.get(row.secret_refs)
        for name in names if isinstance(names, list) else ():  # another type is the index's error to report
            if isinstance(name, str):
                refs.add((namespace, name))
    return refs
