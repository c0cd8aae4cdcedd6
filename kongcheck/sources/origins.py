"""Map rendered objects back to the files a person edits. Pure functions, no I/O.

Helm: `helm template` writes `# Source: <chart>/templates/<file>.yaml` right
after the `---` that opens each document (subcharts keep their full path,
`<chart>/charts/<sub>/templates/...`). `HelmSourceMap` finds those comments in
a stream once and answers, for any stream line, which template the line came
from and its line within the rendered document (line 1 is the line right
below the `# Source:` comment).

Kustomize: with `buildMetadata: [originAnnotations]`, each object carries the
annotation `config.kubernetes.io/origin`, a small YAML text such as
`path: ../../base/consumers.yaml` (relative to the built kustomization), plus
`repo:` and `ref:` for remote bases (`path` then relative to the repository),
or `configuredIn:` / `configuredBy:` for generated objects. `kustomize_origin`
reads it; a `KustomizeRoot` rebases local paths onto the folder the user named.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Mapping

import yaml

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A document marker (`---` at column 0, alone or followed by blanks/content) or a Source comment.
_MARKS = re.compile(r"^(?:(---)(?:[ \t].*)?|# Source: (.*?))[ \t]*\r?$", re.MULTILINE)
_ONLY_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*")


@dataclass(frozen=True)
class Origin:
    """Where a rendered object comes from. `tool` is "helm" or "kustomize"."""

    tool: str
    path: str
    line: int | None = None  # helm: line within the rendered document
    repo: str | None = None  # kustomize remote base
    ref: str | None = None
    generated_by: str | None = None  # kustomize generator kind, e.g. SecretGenerator

    def where(self) -> str:
        """The file part: `chart/templates/x.yaml`, `repo//path?ref=r`, `SecretGenerator in k.yaml`."""
        path = self.path
        if self.repo:
            path = f"{self.repo}//{path}" + (f"?ref={self.ref}" if self.ref else "")
        if self.generated_by:
            path = f"{self.generated_by} in {path}"
        return path

    def describe(self, stream_location: str | None = None) -> str:
        """E.g. `mychart/templates/consumers.yaml (rendered doc line 7, <stdin>:4212)`."""
        details = []
        if self.tool == "helm" and self.line is not None:
            details.append(f"rendered doc line {self.line}")
        elif self.tool == "kustomize":
            details.append("kustomize origin")
        if stream_location:
            details.append(stream_location)
        return f"{self.where()} ({', '.join(details)})" if details else self.where()


class HelmSourceMap:
    """The `# Source:` comments of one rendered stream, looked up by stream line."""

    def __init__(self, segment_starts: list[int], sources: list[tuple[int, str] | None]):
        self._starts = segment_starts  # first line of each document segment, ascending
        self._sources = sources  # per segment: (line of its Source comment, path) or None

    @classmethod
    def from_text(cls, text: str) -> "HelmSourceMap":
        starts, sources = [1], [None]
        segment_body_at, line, last_pos = 0, 1, 0
        for match in _MARKS.finditer(text):
            line += text.count("\n", last_pos, match.start())
            last_pos = match.start()
            if match.group(1):  # `---`: a new segment starts on the next line
                starts.append(line + 1)
                sources.append(None)
                segment_body_at = match.end() + 1
            elif sources[-1] is None and _only_comments(text, segment_body_at, match.start()):
                sources[-1] = (line, match.group(2))
        return cls(starts, sources)

    def __bool__(self) -> bool:
        return any(self._sources)

    def origin_at(self, stream_line: int) -> Origin | None:
        """The template and rendered-document line for a 1-based stream line, if known."""
        index = bisect_right(self._starts, stream_line) - 1
        found = self._sources[index] if index >= 0 else None
        if found is None or stream_line <= found[0]:
            return None
        source_line, path = found
        return Origin(tool="helm", path=path, line=stream_line - source_line)


def _only_comments(text: str, start: int, end: int) -> bool:
    if start >= end:
        return True
    return _ONLY_COMMENTS.fullmatch(text, start, end) is not None


def has_helm_sources(text: str) -> bool:
    return bool(HelmSourceMap.from_text(text))


@dataclass(frozen=True)
class KustomizeRoot:
    """How origin paths of one kustomize build relate to the folder the user named.

    build_dir: the folder that was built (origin paths are relative to it);
    target_real: the real path of the user's folder (None for a remote target);
    target_given: that folder as the user wrote it.
    """

    build_dir: str
    target_real: str | None
    target_given: str

    def display(self, path: str) -> str:
        """An origin path as the user would write it, e.g. `overlays/prod/../../base/x.yaml`
        becomes `base/x.yaml` when the user built `overlays/prod` from the repo root."""
        if self.target_real is None:
            return path
        absolute = os.path.normpath(os.path.join(self.build_dir, path))
        relative = os.path.relpath(absolute, self.target_real)
        shown = os.path.normpath(os.path.join(self.target_given, relative))
        return shown


def parse_origin_annotation(value: object) -> dict | None:
    """The origin annotation's YAML as a dict, or None when it is missing or malformed."""
    if not isinstance(value, str) or len(value) > 10_000:
        return None
    try:
        parsed = yaml.load(value, Loader=_SAFE_LOADER)  # noqa: S506 - safe loader
    except yaml.YAMLError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def kustomize_origin(annotations: object, root: KustomizeRoot | None = None) -> Origin | None:
    """The origin of one object from its metadata.annotations (a mapping), if present."""
    if not isinstance(annotations, Mapping):
        return None
    parsed = parse_origin_annotation(annotations.get(ORIGIN_ANNOTATION))
    if parsed is None:
        return None
    repo, ref = _text(parsed.get("repo")), _text(parsed.get("ref"))
    path = _text(parsed.get("path"))
    generated_by = None
    if path is None:  # a generated object: configuredIn names the kustomization file
        path = _text(parsed.get("configuredIn"))
        by = parsed.get("configuredBy")
        generated_by = _text(by.get("kind")) if isinstance(by, Mapping) else None
        generated_by = generated_by or "generator"
    if path is None:
        return None
    if root is not None and repo is None:
        path = root.display(path)
    return Origin(tool="kustomize", path=path, repo=repo, ref=ref, generated_by=generated_by)
