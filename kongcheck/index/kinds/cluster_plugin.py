"""KongClusterPlugin (configuration.konghq.com/v1, cluster-scoped): KongPlugin's fields, with the
controller's class rules, and the ``global: "true"`` label that applies it to everything.

KIC: pkg/apis/configuration/v1/kongclusterplugin_types.go; internal/store/store.go
(ListKongClusterPlugins and ListGlobalKongClusterPlugins keep only objects of the controller's
class; the global selector is the label ``global`` equal to "true").
"""
from __future__ import annotations

from kongcheck.facts.kube import GLOBAL_VALUE
from kongcheck.index.kinds.plugin import fields
from kongcheck.index.objects import Obj
from kongcheck.index.records import Classed, Value


class ClusterPlugin(Classed):
    __slots__ = ("plugin", "instance_name", "disabled", "global_label")

    def __init__(self, obj: Obj, *, plugin: Value | None = None, instance_name: Value | None = None,
                 disabled: bool = False, global_label: Value | None = None) -> None:
        Classed.__init__(self, obj)
        self.plugin = plugin
        self.instance_name = instance_name
        self.disabled = disabled
        self.global_label = global_label

    @property
    def is_global(self) -> bool:
        return self.global_label is not None and self.global_label.text == GLOBAL_VALUE


def parse(obj: Obj) -> ClusterPlugin:
    return ClusterPlugin(obj, **fields(obj))
