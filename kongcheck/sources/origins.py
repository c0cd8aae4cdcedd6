"""Map rendered objects back to the files a person edits. Pure functions, no I/O.

Helm: `helm template` writes `# Source: <chart>/templates/<file>.yaml` right
after the `---` that opens each document (subcharts keep their full path,
`<chart>/charts/<sub>/templates/...`). `helm_source` finds that comment in one
document piece (the text from its `---` to the next), and `helm_origin` gives,
for a stream line inside the document, the template and the line within the
rendered document (line 1 is the line right below the `# Source:` comment).

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
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from kongcheck.facts.kube import HELM_SOURCE_PREFIX as SOURCE_PREFIX
from kongcheck.facts.kube import HELM_HEADER_SCAN as _HEADER_SCAN
from kongcheck.facts.kube import ORIGIN_ANNOTATION
# Plain `key: value` lines with path/URL characters only; anything else goes to the YAML parser.
_SIMPLE_ORIGIN = re.compile(r"(?:(?:path|repo|ref|configuredIn): [\w./@~+-][\w./@:~+-]*\n)+")


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


def helm_source(piece: bytes) -> tuple[int, str] | None:
    """(0-based line of the `# Source:` comment within piece, template path), or None.

    The comment counts only where helm writes it: after the piece's `---` line and any
    blank or comment lines, before the document's first content line.
    """
    if piece.find(SOURCE_PREFIX, 0, _HEADER_SCAN) < 0:
        return None
    offset = 0
    for raw in piece[:_HEADER_SCAN].split(b"\n"):
        line = raw.rstrip(b"\r")
        if line.startswith(SOURCE_PREFIX):
            path = line[len(SOURCE_PREFIX):].decode("utf-8", "replace").strip()
            return (offset, path) if path else None
        if offset == 0 and line.startswith(b"---"):
            line = line[3:]  # the piece's own marker; content after it counts as content
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return None  # content came first: not helm's header
        offset += 1
    return None


def helm_origin(piece: bytes, piece_line: int, line: int | None) -> Origin | None:
    """The template of the document in piece (which starts at stream line piece_line),
    and the rendered-document line of stream line `line`."""
    found = helm_source(piece)
    if found is None:
        return None
    source_line = piece_line + found[0]
    rendered = line - source_line if line is not None and line > source_line else None
    return Origin(tool="helm", path=found[1], line=rendered)


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
        """An origin path as the user would write it: `../../base/x.yaml` built from
        `overlays/prod` (as the user named it) becomes `base/x.yaml`."""
        if self.target_real is None:
            return path
        absolute = os.path.normpath(os.path.join(self.build_dir, path))
        relative = os.path.relpath(absolute, self.target_real)
        return os.path.normpath(os.path.join(self.target_given, relative))


@lru_cache(maxsize=4096)
def _parse_origin_text(value: str) -> dict | None:
    if _SIMPLE_ORIGIN.fullmatch(value):  # the common shape: plain `key: value` lines
        return dict(line.split(": ", 1) for line in value.splitlines())
    import yaml  # only for unusual annotation texts: a plain scan never imports PyYAML here

    try:
        parsed = yaml.load(value, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe
    except yaml.YAMLError:
        return None
    return parsed if isinstance(parsed, dict) else None


def parse_origin_annotation(value: object) -> dict | None:
    """The origin annotation's YAML as a dict, or None when it is missing or malformed."""
    if not isinstance(value, str) or len(value) > 10_000:
        return None
    return _parse_origin_text(value)


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
        generated_by = (_text(by.get("kind")) if isinstance(by, Mapping) else None) or "generator"
    if path is None:
        return None
    if root is not None and repo is None:
        path = root.display(path)
    return Origin(tool="kustomize", path=path, repo=repo, ref=ref, generated_by=generated_by)
