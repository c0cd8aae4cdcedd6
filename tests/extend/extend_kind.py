"""A parser module for a kind that exists only in the extension tests (see test_extending.py)."""
from __future__ import annotations

from dataclasses import dataclass

from kongcheck.index.records import Classed, Value, text_value


@dataclass(slots=True)
class Widget(Classed):
    colour: Value | None = None


def parse(obj) -> Widget:
    return Widget(obj, colour=text_value(obj, obj.body, "colour", "colour"))
