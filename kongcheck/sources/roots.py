"""Folders that kustomize or helm build, met while walking the scanned folders.

``kubectl apply -f DIR -R`` would read the files of a kustomization root or a Helm chart as plain
manifests, but nobody applies them that way: an overlay is applied with ``kubectl apply -k``
(whose objects come from its bases and patches) and a chart's templates are Go templates that
``helm template`` renders. So a walk that meets such a root (``files.FoundRoot``) either

- renders it (``render``): ``helm template`` or ``kustomize build``, at the root's place in apply
  order, with the same options as ``--helm`` and ``--kustomize``;
- or reports it as not checked (``fail``, the default), one input error per root, so the run does
  not pass on objects nobody checked.

A root that another root builds on (a kustomization's local ``resources``/``bases``/``components``
folders and its ``helmCharts`` chart home, a chart's ``file://`` dependencies; the other root found
in the walk or named with ``--helm``/``--kustomize``) is covered: it is listed under ``--verbose``
and neither rendered nor reported. (``files`` mode never gets here: the walk reads roots as folders.)
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from kongcheck.facts.kube import CHART_FILE, KUSTOMIZATION_FILES
from kongcheck.model import ScanError, input_error
from kongcheck.sources.files import Collected, FoundRoot, inside

MODES = ("fail", "render", "files")
READ_LIMIT = 1 << 20  # bytes read from one kustomization file or Chart.yaml
MAX_LINKS_CHECKED = 100_000
TOOLS = {"helm": "Helm chart", "kustomize": "kustomization root"}


def read_small(path: str, limit: int = READ_LIMIT) -> str:
    """A small text file that kongcheck reads for itself (never a FIFO or device), or ""."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        return os.read(fd, limit).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        os.close(fd)


def yaml_documents(text: str) -> list:
    """The documents of a YAML text (kongcheck's bounded composer); [] if it does not parse."""
    from kongcheck.parse.tree import Composer  # PyYAML is imported only when a root is met
    from kongcheck.parse.values import LoadError

    try:
        return [value for _, value in Composer(text, max_depth=1000).documents()]
    except (LoadError, RecursionError, ValueError):
        return []


def kustomization_file(folder: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def first_mapping(path: str | None) -> tuple[dict, str]:
    """(the file's first document if it is a mapping, else {}; the file's text)."""
    text = read_small(path) if path else ""
    documents = yaml_documents(text) if text else []
    return (documents[0] if documents and isinstance(documents[0], dict) else {}), text


def _texts(value) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def is_remote(target: str) -> bool:
    """A kustomize remote target or resource (a git or HTTP URL), which kustomize fetches itself."""
    return "://" in target or target.startswith("git@")


def kustomization_folders(folder: str, kustomization: dict) -> Iterator[str]:
    """The local folders a kustomization builds on (resources, bases, components), as joined paths."""
    for key in ("resources", "bases", "components"):
        for entry in _texts(kustomization.get(key)):
            if not is_remote(entry):
                path = os.path.join(folder, entry)
                if os.path.isdir(path):
                    yield path


@dataclass(frozen=True, slots=True)
class Reference:
    folder: str  # a real path
    below: bool  # True: every root at or below ``folder`` is covered (a chart home)
    by: str  # the root that builds on it, as given


def references(tool: str, folder: str) -> list[Reference]:
    """What the root at ``folder`` builds on."""
    if tool == "kustomize":
        kustomization, _ = first_mapping(kustomization_file(folder))
        found = [Reference(os.path.realpath(path), False, folder) for path in kustomization_folders(folder, kustomization)]
        homes = {"charts"}  # kustomize's helmCharts look in chartHome, by default charts/
        globals_ = kustomization.get("helmGlobals")
        if isinstance(globals_, dict) and isinstance(globals_.get("chartHome"), str):
            homes = {globals_["chartHome"]}
        return found + [Reference(os.path.realpath(os.path.join(folder, home)), True, folder) for home in homes]
    chart, _ = first_mapping(os.path.join(folder, CHART_FILE))
    found = []
    dependencies = chart.get("dependencies")
    for dependency in dependencies if isinstance(dependencies, list) else []:
        repository = dependency.get("repository") if isinstance(dependency, dict) else None
        if isinstance(repository, str) and repository.startswith("file://"):
            found.append(Reference(os.path.realpath(os.path.join(folder, repository[len("file://"):])), False, folder))
    return found


def _covered_by(root: FoundRoot, refs: list[Reference]) -> str | None:
    real = root.real
    for ref in refs:
        if real == ref.folder or (ref.below and inside(real, [ref.folder])):
            return ref.by
    return None


def links_outside(folder: str, containment: Iterable[str]) -> list[str]:
    """Symlinks below ``folder`` whose target lies outside the scanned folders (a renderer would read them)."""
    containment = tuple(containment)
    found, checked = [], 0
    for current, dirs, names in os.walk(folder):
        for name in dirs + names:
            checked += 1
            path = os.path.join(current, name)
            if os.path.islink(path) and not inside(os.path.realpath(path), containment):
                found.append(path)
        if checked > MAX_LINKS_CHECKED:
            break
    return found


@dataclass(slots=True)
class Resolved:
    sources: list = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchecked: dict[str, int] = field(default_factory=dict)  # tool -> roots reported as not checked
    rendered: list[str] = field(default_factory=list)  # roots rendered because they were found


def not_checked(root: FoundRoot) -> ScanError:
    if root.tool == "helm":
        how = "helm renders its templates; kubectl apply -R would read templates/ and charts/ as plain files"
    else:
        how = "kubectl apply -k applies what kustomize builds from it; apply -R would read its files as they are"
    return input_error(root.marker, f"not checked: a {TOOLS[root.tool]} ({how}); "
                                    "give --render-roots render or --render-roots files")


def resolve(collected: Collected, mode: str, named: dict[str, str], render) -> Resolved:
    """Replace the FoundRoots of a walk by what they stand for.

    ``named``: real path -> the flag that renders it already (``--helm``, ``--kustomize``; the walk
    did not enter those), whose references cover roots too;
    ``render(root)``: a Source for the root, or the ScanError of a failed render (render mode)."""
    refs = [ref for root in collected.roots for ref in references(root.tool, root.path)]
    refs += [ref for real, flag in named.items() for ref in references(_tool(flag), real)]
    out = Resolved()
    for item in collected.items:
        if not isinstance(item, FoundRoot):
            out.sources.append(item)
            continue
        if (by := _covered_by(item, refs)) is not None:
            out.skipped.append(f"{item.path}: a {TOOLS[item.tool]} that {by} builds on; checked as part of it")
        elif mode == "render":
            _render_found(item, collected.containment, render, out)
        else:
            out.errors.append(not_checked(item))
            out.unchecked[item.tool] = out.unchecked.get(item.tool, 0) + 1
    return out


def _tool(flag: str) -> str:
    return "helm" if flag == "--helm" else "kustomize"


def _render_found(root: FoundRoot, containment: tuple[str, ...], render, out: Resolved) -> None:
    outside = links_outside(root.path, containment)
    if outside:
        out.errors.append(input_error(outside[0], f"refused: a symbolic link to {os.path.realpath(outside[0])}, outside "
                                      f"the scanned folders, in the {TOOLS[root.tool]} {root.path}, which was therefore "
                                      "not rendered"))
        return
    out.skipped.append(f"{root.path}: a {TOOLS[root.tool]}, rendered (--render-roots render); its files are not read one by one")
    made = render(root)
    if isinstance(made, ScanError):
        out.errors.append(made)
    else:
        out.sources.append(made)
        out.rendered.append(root.path)


def unchecked_note(unchecked: dict[str, int]) -> str | None:
    """Said once: how to check the roots that were reported as not checked."""
    if not unchecked:
        return None
    parts = [f"{count} {TOOLS[tool]}{'s' if count > 1 else ''}" for tool, count in sorted(unchecked.items())]
    verb = "was" if sum(unchecked.values()) == 1 else "were"
    return ("note: " + " and ".join(parts) + f" met in the scanned folders {verb} not checked. "
            "--render-roots render (config: render-roots: render) renders each one with helm template or "
            "kustomize build, as they are deployed; --render-roots files reads their files as kubectl apply -R "
            "does; --exclude leaves one out")
