"""Secret (v1): the credential type (label, or the legacy data key), the CA certificate label and
the decoded values.

KIC reads only `data`, as raw case-sensitive strings; the API server merges `stringData` over it,
so kongcheck merges them itself.  Invalid base64 makes the API server refuse the whole Secret.
Errors name an entry of ``data``/``stringData`` by its column (its line is the error's), never by
its key: a value typed where a key belongs (``stringData: {key: {VALUE}}``) would be shown.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from kongcheck.facts.kube import CA_CERT_LABEL, CREDENTIAL_LABEL, LEGACY_TYPE_KEY
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import BadValue, Decoded, OneValue, Record, Value, label_value
from kongcheck.parse.values import LMap, LSeq, type_name


class Secret(Record):
    __slots__ = ("type_label", "values", "ca_label", "label_type", "legacy_type")
    bad_values: tuple | list = ()  # data values the API server refuses (a BadSecret's): it refuses the Secret

    def __init__(self, obj: Obj, type_label: Value | None = None, values: Mapping[str, Value] | None = None,
                 ca_label: Value | None = None) -> None:
        Record.__init__(self, obj)
        self.type_label = type_label  # konghq.com/credential (its text may be empty)
        self.values = {} if values is None else values  # stringData merged over decoded data (read-only)
        self.ca_label = ca_label  # konghq.com/ca-cert (index/cacerts.py decides what KIC makes of it)
        # the credential types, read by several rules per Secret: kept as text (label and values are read-only)
        self.label_type: str | None = type_label.text if type_label is not None else None
        legacy = self.values.get(LEGACY_TYPE_KEY)
        self.legacy_type: str | None = legacy.text if legacy is not None else None  # the kongCredType data key, exact bytes

    @property
    def data(self) -> Mapping[str, str]:
        """The decoded data as KIC reads it (after the API server merged stringData in): the values'
        texts, read through rather than copied."""
        return Texts(self.values)


class Texts(Mapping):
    """The texts of a mapping of Values, read through (a Secret's data as the webhook checks it)."""

    __slots__ = ("values",)

    def __init__(self, values: Mapping) -> None:
        self.values = values

    def __getitem__(self, key: str) -> str:
        return self.values[key].text

    def get(self, key: str, default=None):
        value = self.values.get(key)
        return default if value is None else value.text

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


class BadSecret(Secret):
    """A Secret with data values the API server refuses (it never exists: the index keeps only its errors)."""

    __slots__ = ("bad_values",)

    def __init__(self, obj: Obj, bad_values: list[BadValue], **fields) -> None:
        Secret.__init__(self, obj, **fields)
        self.bad_values = bad_values


def decode_base64(text: str) -> str:
    """Decode like Go's base64.StdEncoding (which skips CR/LF); raise ValueError if invalid."""
    cleaned = text.replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("invalid base64") from None
    return raw.decode("utf-8", "surrogateescape")


def _entry(field: str, position: tuple[int, int | None]) -> str:
    """An entry of ``data``/``stringData`` as errors name it: by its value's column, never its key."""
    return f"the {field} value at column {position[1]}" if position[1] else f"a {field} value"


def parse(obj: Obj) -> Secret:
    values: dict[str, Value] = {}
    bad: list[BadValue] | None = None  # made for the first invalid value (most Secrets have none)
    body = obj.body
    data = body.get("data")
    if data.__class__ is not LMap:
        data = obj.get(body, "data", LMap, "data") if data is not None else None  # the type check and its error
    for key, text in data.items() if data else ():
        position = data.where(key)
        if not isinstance(text, str):
            raise FieldError(f"Secret {obj.ref.name!r}: {_entry('data', position)} must be base64 text, not "
                             f"{type_name(text)}", position[0])
        try:
            values[key] = Decoded(decode_base64(text), obj, position)
        except ValueError:
            bad = [] if bad is None else bad
            bad.append(BadValue(position[0], f"{_entry('data', position)} is not valid base64; the API server "
                                             "refuses it"))
    string_data = body.get("stringData")
    if string_data.__class__ is not LMap:
        string_data = obj.get(body, "stringData", LMap, "stringData") if string_data is not None else None
    for key, text in string_data.items() if string_data else ():  # the API server merges stringData over data
        position = string_data.where(key)
        if not isinstance(text, str):
            hint = "" if isinstance(text, (LMap, LSeq)) else " (quote it)"
            raise FieldError(f"Secret {obj.ref.name!r}: {_entry('stringData', position)} must be text, not "
                             f"{type_name(text)}{hint}", position[0])
        values[key] = Value(text, obj, position)
    if len(values) == 1:
        values = OneValue(*values.popitem())
    type_label = label_value(obj, CREDENTIAL_LABEL)
    ca_label = label_value(obj, CA_CERT_LABEL)
    if bad:
        return BadSecret(obj, bad, type_label=type_label, values=values, ca_label=ca_label)
    return Secret(obj, type_label, values, ca_label)  # by position: a call without keywords
