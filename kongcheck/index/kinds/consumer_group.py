"""KongConsumerGroup (configuration.konghq.com/v1beta1): its Kong name is metadata.name.

KIC: internal/dataplane/kongstate/kongstate.go (spec.name is ignored; no namespace prefix).
"""
from __future__ import annotations

from types import MappingProxyType

from kongcheck.index.objects import Obj
from kongcheck.index.records import Classed, Value, text_value


class ConsumerGroup(Classed):
    __slots__ = ("name",)
    FIELDS = MappingProxyType({"metadata.name": "name"})

    def __init__(self, obj: Obj, *, name: Value | None = None) -> None:
        Classed.__init__(self, obj)
        self.name = name


def parse(obj: Obj) -> ConsumerGroup:
    return ConsumerGroup(obj, name=text_value(obj, obj.metadata, "name", "metadata.name"))
