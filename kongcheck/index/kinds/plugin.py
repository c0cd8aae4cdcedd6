"""KongPlugin (configuration.konghq.com/v1): the plugin type, its instance name and whether it is
disabled; the fields sit at the top level.

KIC: pkg/apis/configuration/v1/kongplugin_types.go (``plugin`` is required, ``instance_name`` and
``disabled`` optional).  KongPlugins have no class rules: the controller reads every one, and an
object binds one by naming it in its ``konghq.com/plugins`` annotation.  The ``config`` is not
read: it may hold credentials, and no rule needs it.
"""
from __future__ import annotations

from kongcheck.facts.kube import GLOBAL_LABEL
from kongcheck.index.objects import FieldError, Obj
from kongcheck.index.records import Record, Value, label_value, text_value
from kongcheck.parse.values import type_name


class Plugin(Record):
    __slots__ = ("plugin", "instance_name", "disabled", "global_label")

    def __init__(self, obj: Obj, *, plugin: Value | None = None, instance_name: Value | None = None,
                 disabled: bool = False, global_label: Value | None = None) -> None:
        Record.__init__(self, obj)
        self.plugin = plugin  # the `plugin:` field: the Kong plugin type
        self.instance_name = instance_name
        self.disabled = disabled
        self.global_label = global_label  # the `global` label (meaningful on KongClusterPlugins only)


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
