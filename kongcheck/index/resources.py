"""The Kubernetes objects KIC reads, parsed into what the translator uses.

Each parser takes an :class:`Obj` and returns a record; a field of the wrong type raises
FieldError (the API server would refuse the object, so it takes no part in the scan).
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from kongcheck.index.objects import CLASS_ANNOTATION, FieldError, Obj, type_name
from kongcheck.loading.values import LMap, LSeq
from kongcheck.model import Location

CREDENTIAL_LABEL = "konghq.com/credential"
LEGACY_TYPE_KEY = "kongCredType"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


class Value(NamedTuple):
    """A string value and where it is written."""

    text: str
    location: Location
    encoded: bool = False  # decoded from a Secret's base64 `data`


@dataclass(slots=True)
class Classed:
    """Fields shared by the kinds that carry an ingress class."""

    obj: Obj
    class_annotation: str | None  # None: absent
    control_plane: str | None  # spec.controlPlaneRef.type, None: absent


@dataclass(slots=True)
class Consumer(Classed):
    username: Value | None = None
    custom_id: Value | None = None
    credentials: list[Value] = field(default_factory=list)  # Secret names, in order
    groups: list[Value] = field(default_factory=list)


@dataclass(slots=True)
class ConsumerGroup(Classed):
    name: Value | None = None


@dataclass(slots=True)
class Vault(Classed):
    prefix: Value | None = None
    backend: str | None = None
    created: str | None = None  # metadata.creationTimestamp


class BadValue(NamedTuple):
    key: str
    location: Location
    problem: str


@dataclass(slots=True)
class Secret:
    obj: Obj
    label_type: str | None  # konghq.com/credential
    legacy_type: str | None  # kongCredType data key
    values: dict[str, Value]  # stringData merged over decoded data
    bad_values: list[BadValue]


@dataclass(slots=True)
class IngressClass:
    obj: Obj
    is_default: bool


def _str_value(obj: Obj, parent: LMap, key: str, path: str) -> Value | None:
    text = obj.get(parent, key, str, path)
    return None if text is None else Value(text, obj.location(parent, key))


def _str_list(obj: Obj, parent: LMap, key: str) -> list[Value]:
    items = obj.get(parent, key, LSeq, key) or []
    values = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: {key}[{index}] must be text", items.where(index)[0])
        values.append(Value(item, obj.location(items, index)))
    return values


def _classed(obj: Obj) -> dict:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    ref = obj.get(spec, "controlPlaneRef", LMap, "spec.controlPlaneRef") if spec else None
    plane = obj.get(ref, "type", str, "spec.controlPlaneRef.type") if ref else None
    return {"obj": obj, "class_annotation": obj.annotation(CLASS_ANNOTATION), "control_plane": plane}


def parse_consumer(obj: Obj) -> Consumer:
    body = obj.body
    return Consumer(
        **_classed(obj),
        username=_str_value(obj, body, "username", "username"),
        custom_id=_str_value(obj, body, "custom_id", "custom_id"),
        credentials=_str_list(obj, body, "credentials"),
        groups=_str_list(obj, body, "consumerGroups"),
    )


def parse_group(obj: Obj) -> ConsumerGroup:
    return ConsumerGroup(**_classed(obj), name=Value(obj.ref.name, obj.location(obj.metadata, "name")))


def parse_vault(obj: Obj) -> Vault:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    return Vault(
        **_classed(obj),
        prefix=_str_value(obj, spec, "prefix", "spec.prefix") if spec else None,
        backend=obj.get(spec, "backend", str, "spec.backend") if spec else None,
        created=_timestamp(obj),
    )


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def _timestamp(obj: Obj) -> str | None:
    """metadata.creationTimestamp; the API server refuses text that is not an RFC 3339 time."""
    text = obj.get(obj.metadata, "creationTimestamp", str, "metadata.creationTimestamp")
    if text is None:
        return None
    try:
        valid = _RFC3339.fullmatch(text) is not None and datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        valid = False
    if not valid:
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: metadata.creationTimestamp is not an RFC 3339 time; "
                         "the API server refuses it", obj.metadata.where("creationTimestamp")[0])
    return text


def parse_ingress_class(obj: Obj) -> IngressClass:
    return IngressClass(obj, obj.annotation(DEFAULT_CLASS_ANNOTATION) == "true")  # exact, as Kubernetes and KIC


def _decode_base64(text: str) -> str:
    """Decode like Go's base64.StdEncoding (which skips CR/LF); raise ValueError if invalid."""
    cleaned = text.replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("invalid base64") from None
    return raw.decode("utf-8", "surrogateescape")


def parse_secret(obj: Obj) -> Secret:
    values: dict[str, Value] = {}
    bad: list[BadValue] = []
    data = obj.get(obj.body, "data", LMap, "data") or {}
    for key, text in data.items():
        location = obj.location(data, key)
        if not isinstance(text, str):
            raise FieldError(f"Secret {obj.ref.name!r}: data.{key} must be base64 text, not {type_name(text)}",
                             location.line)
        try:
            values[key] = Value(_decode_base64(text), location, encoded=True)
        except ValueError:
            bad.append(BadValue(key, location, "data value is not valid base64; the API server refuses it"))
    string_data = obj.get(obj.body, "stringData", LMap, "stringData") or {}
    for key, text in string_data.items():  # the API server merges stringData over data
        if not isinstance(text, str):
            hint = "" if isinstance(text, (LMap, LSeq)) else " (quote it)"
            raise FieldError(f"Secret {obj.ref.name!r}: stringData.{key} must be text, not {type_name(text)}{hint}",
                             string_data.where(key)[0])
        values[key] = Value(text, obj.location(string_data, key))
    legacy = values.get(LEGACY_TYPE_KEY)
    return Secret(obj, obj.label(CREDENTIAL_LABEL), legacy.text if legacy else None, values, bad)


PARSERS = {
    "KongConsumer": parse_consumer,
    "KongConsumerGroup": parse_group,
    "KongVault": parse_vault,
    "Secret": parse_secret,
    "IngressClass": parse_ingress_class,
}
