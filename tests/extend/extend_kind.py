"""A parser module for a kind that exists only in the extension tests (see test_extending.py)."""
from __future__ import annotations

from kongcheck.index.records import Classed, Value, text_value


class Widget(Classed):
    __slots__ = ("colour",)

    def __init__(self, obj, *, colour: Value | None = None) -> None:
        Classed.__init__(self, obj)
        self.colour = colour


def parse(obj) -> Widget:
    return Widget(obj, colour=text_value(obj, obj.body, "colour", "colour"))
