"""KongConsumerGroup (configuration.konghq.com/v1beta1): its Kong name is metadata.name.

KIC: internal/dataplane/kongstate/kongstate.go (spec.name is ignored; no namespace prefix).
"""
from __future__ import annotations

from dataclasses import dataclass

from kongcheck.index.objects import Obj
from kongcheck.index.records import Classed, Value, text_value


@dataclass(slots=True)
class ConsumerGroup(Classed):
    name: Value | None = None


def parse(obj: Obj) -> ConsumerGroup:
    return ConsumerGroup(obj, name=text_value(obj, obj.metadata, "name", "metadata.name"))
