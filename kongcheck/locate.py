"""Turn a position in a loaded document into the Location people see.

This is the one place that decides how a position is shown, so rendered output (helm,
kustomize) can point back to the file a person edits.
"""
from __future__ import annotations

from kongcheck.model import Location


def locate(doc, line: int | None, column: int | None) -> Location:
    source = doc.source
    if source.kind == "cluster":  # a live object: its name is the location (sources/live.py)
        return Location(file=source.name, source="cluster", detail=source.detail)
    return Location(file=source.name, line=line, column=column, source=source.kind)
