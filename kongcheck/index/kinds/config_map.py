"""ConfigMap (v1): read only as a CA certificate, when labelled ``konghq.com/ca-cert``.

KIC (3.4.0+, internal/dataplane/translator/translate_cacerts.go) reads a CA ConfigMap's ``data``
only; ``binaryData`` is never looked at, so an ``id`` or ``cert`` kept there is missing to KIC.  The
fields of a ConfigMap without the label are not read: it is nothing to KIC, and the prefilter
leaves it unparsed (facts/kinds.py ``requires``), so a full parse must not find more in it.
"""
from __future__ import annotations

from kongcheck.facts.kube import CA_CERT_LABEL
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Record, Value, label_value
from kongcheck.parse.values import LMap, type_name


class ConfigMap(Record):
    __slots__ = ("ca_label", "values", "binary_keys")

    def __init__(self, obj: Obj, *, ca_label: Value | None = None, values: dict[str, Value] | None = None,
                 binary_keys: frozenset = frozenset()) -> None:
        Record.__init__(self, obj)
        self.ca_label = ca_label
        self.values = {} if values is None else values  # data (binaryData is not KIC's)
        self.binary_keys = binary_keys  # keys of binaryData, for messages about a missing key


def parse(obj: Obj) -> ConfigMap:
    label = label_value(obj, CA_CERT_LABEL)
    if label is None:
        return ConfigMap(obj)
    values: dict[str, Value] = {}
    data = obj.get(obj.body, "data", LMap, "data") or {}
    for key, text in data.items():
        position = data.where(key)
        if not isinstance(text, str):  # never quotes the key: it may be a value typed in its place
            raise FieldError(f"ConfigMap {obj.ref.name!r}: the data value at column {position[1]} must be text, "
                             f"not {type_name(text)}", position[0])
        values[key] = Value(text, obj, position)
    binary = obj.get(obj.body, "binaryData", LMap, "binaryData") or {}
    return ConfigMap(obj, ca_label=label, values=values, binary_keys=frozenset(k for k in binary if isinstance(k, str)))
