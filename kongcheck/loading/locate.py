"""Turn a position in a loaded document into the Location people see.

This is the one place that decides how a position is shown, so rendered output (helm,
kustomize) can point back to the file a person edits:

- a document that opens with helm's `# Source: <chart>/templates/<file>` comment is shown
  as that template (for `--helm CHART`, the template's path on disk), with the line
  within the rendered document and the stream position:
  `mychart/templates/consumers.yaml (rendered doc line 7, <stdin>:4212)`;
- an object with kustomize's `config.kubernetes.io/origin` annotation is shown as its
  origin file (`repo//path?ref=` for remote bases) with the stream position.

Only rendered streams (standard input, `--helm`, `--kustomize`) are read so: in a file, such a
comment or annotation is what anyone can write, and honouring it would move the file's findings
onto another file. Anything else keeps `file:line:column`. Rendered locations have no line/column
of their own: the position they name is in the stream (`Location.stream`).
"""
from __future__ import annotations

import os
from functools import lru_cache

from typing import TYPE_CHECKING

from kongcheck.facts.kube import HELM_HEADER_SCAN, HELM_SOURCE_PREFIX, ORIGIN_ANNOTATION
from kongcheck.model import Location

RENDERED_STREAMS = frozenset({"stdin", "helm", "kustomize"})  # source kinds whose origins are real

if TYPE_CHECKING:
    from kongcheck.sources.origins import Origin



def _annotations(doc):
    if doc.body is None:  # a piece that did not parse: only helm's comment can name its origin
        return None
    metadata = doc.body.get("metadata")
    return metadata.get("annotations") if isinstance(metadata, dict) else None


@lru_cache(maxsize=1024)
def _template_on_disk(chart_dir: str, source_path: str) -> str | None:
    """`<chart>/templates/x.yaml` as a path under the chart folder the user named, if it is there."""
    _, _, inside = source_path.partition("/")
    candidate = os.path.join(chart_dir, inside)
    return candidate if inside and os.path.isfile(candidate) else None


def _document_origin(doc) -> Origin | None:
    """The origin of the whole document (helm line not yet applied), cached on the document."""
    if doc.origin is None:
        origin = None
        # cheap tests first (plain manifests never import the parsers), bounded: the items of one
        # List share their piece, and each of them is located
        if doc.chunk.find(HELM_SOURCE_PREFIX, 0, HELM_HEADER_SCAN) >= 0:
            from kongcheck.sources.origins import helm_origin

            origin = helm_origin(doc.chunk, doc.chunk_line, None)
        annotations = _annotations(doc)
        if origin is None and isinstance(annotations, dict) and ORIGIN_ANNOTATION in annotations:
            from kongcheck.sources.origins import kustomize_origin

            origin = kustomize_origin(annotations, getattr(doc.source.rendered, "kustomize_root", None))
        doc.origin = origin or False
    return doc.origin or None


def _helm_location(doc, origin: Origin, line: int | None, stream: str) -> Location:
    from kongcheck.sources.origins import helm_origin

    rendered_line = helm_origin(doc.chunk, doc.chunk_line, line).line
    path = origin.path
    chart_dir = getattr(doc.source.rendered, "chart_dir", None)
    if chart_dir:
        path = _template_on_disk(chart_dir, path) or path
    detail = f"rendered doc line {rendered_line}" if rendered_line is not None else None
    return Location(file=path, source="helm", stream=stream, detail=detail)


def locate(doc, line: int | None, column: int | None) -> Location:
    """The Location of stream line ``line`` (and ``column``) of document ``doc`` (a loaded
    ``Document``, or a piece that did not parse: ``body`` None)."""
    source = doc.source
    if source.kind == "cluster":  # a live object: its name is the location (sources/live.py)
        return Location(file=source.name, source="cluster", detail=source.detail)
    origin = _document_origin(doc) if source.kind in RENDERED_STREAMS else None
    if origin is None:
        return Location(file=source.name, line=line, column=column, source=source.kind)
    stream = source.name if line is None else f"{source.name}:{line}"
    if origin.tool == "helm":
        return _helm_location(doc, origin, line, stream)
    return Location(file=origin.where(), source="kustomize", stream=stream)
