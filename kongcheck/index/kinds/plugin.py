"""KongPlugin (configuration.konghq.com/v1): the plugin type, its instance name and whether it is
disabled; the fields sit at the top level.

KIC: pkg/apis/configuration/v1/kongplugin_types.go (``plugin`` is required, ``instance_name`` and
``disabled`` optional).  KongPlugins have no class rules: the controller reads every one, and an
object binds one by naming it in its ``konghq.com/plugins`` annotation.  The ``config`` is not
read: it may hold credentials, and no rule needs it.
"""
from __future__ import annotations

from dataclasses import dataclass

from kongcheck.facts.kube import GLOBAL_LABEL
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Record, Value, label_value, text_value
from kongcheck.parse.values import type_name


@dataclass(slots=True)
class Plugin(Record):
    plugin: Value | None = None  # the `plugin:` field: the Kong plugin type
    instance_name: Value | None = None
    disabled: bool = False
    global_label: Value | None = None  # the `global` label (meaningful on KongClusterPlugins only)


def fields(obj: Obj) -> dict:
    """The fields KongPlugin and KongClusterPlugin share."""
    body = obj.body
    disabled = body.get("disabled")
    if disabled is not None and not isinstance(disabled, bool):
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: disabled must be a boolean, not {type_name(disabled)}",
                         body.where("disabled")[0])
    return {
        "plugin": text_value(obj, body, "plugin", "plugin"),
        "instance_name": text_value(obj, body, "instance_name", "instance_name"),
        "disabled": bool(disabled),
        "global_label": label_value(obj, GLOBAL_LABEL),
    }


def parse(obj: Obj) -> Plugin:
    return Plugin(obj, **fields(obj))
