"""Find the kubeconfig files and read their context names, as kubectl does."""

from __future__ import annotations

import os

import yaml

from .errors import ClusterError

DEFAULT_KUBECONFIG = os.path.join("~", ".kube", "config")


def resolve_kubeconfig(explicit: str | None) -> list[str] | None:
    """The kubeconfig files to merge, or None when there is none (then in-cluster may apply).

    Order as kubectl: --kubeconfig, else every existing file of KUBECONFIG
    (path-list), else ~/.kube/config.
    """
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isfile(path):
            raise ClusterError(f"--kubeconfig {explicit}: no such file")
        return [path]
    env = os.environ.get("KUBECONFIG", "")
    if env.strip():
        paths = [os.path.expanduser(p) for p in env.split(os.pathsep) if p]
        found = [p for p in paths if os.path.isfile(p)]
        if not found:
            raise ClusterError(f"KUBECONFIG={env} names no existing file")
        return found
    default = os.path.expanduser(DEFAULT_KUBECONFIG)
    return [default] if os.path.isfile(default) else None


def read_contexts(paths: list[str]) -> tuple[list[str], str | None]:
    """All context names, and the current-context (the first file that sets it wins, like kubectl)."""
    names: list[str] = []
    current = None
    for path in paths:
        doc = _load(path)
        for entry in doc.get("contexts") or []:
            if isinstance(entry, dict) and entry.get("name") and entry["name"] not in names:
                names.append(str(entry["name"]))
        if current is None and doc.get("current-context"):
            current = str(doc["current-context"])
    return names, current


def _load(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ClusterError(f"cannot read kubeconfig: {exc.strerror}", path) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ClusterError(f"invalid YAML in kubeconfig: {problem}", path, None if line is None else line + 1) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ClusterError("not a kubeconfig (top level is not a mapping)", path)
    return doc
