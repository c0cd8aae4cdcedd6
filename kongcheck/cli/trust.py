"""``--untrusted``: the scanned files come from a change nobody has vetted yet (a pull request).

Such a change controls every file of its tree: manifests, a ``.kongcheck.yaml`` or
``pyproject.toml`` it adds or edits, a baseline it regenerates, suppressions it writes.  So that it
cannot turn its own gate off, kongcheck in this mode reads settings only from the command line and
from ``--config FILE``, and refuses any file it is told to trust (the configuration, the baseline,
a cluster snapshot, a kubeconfig) that lies inside the tree being scanned.  The tree of a scanned
path is its repository (the nearest folder above it holding ``.git``), or the path itself outside
a repository; with only standard input, the working folder's.  The rest of the mode lives where it
acts: suppressions (verdict/suppress.py), clashes with live credentials (rules/uniqueness.py).
"""
from __future__ import annotations

import os

from kongcheck.cli import UsageProblem
from kongcheck.report.paths import top_level


def scanned_trees(paths, charts, kustomizations) -> list[str]:
    """The folders an untrusted change controls, for these inputs."""
    roots = [path for path in paths if path != "-"] + list(charts) + list(kustomizations)
    if not roots:
        roots = ["."]  # standard input, or the default scan of the working folder
    trees = set()
    for root in roots:
        real = os.path.realpath(root)
        folder = real if os.path.isdir(real) else os.path.dirname(real)
        trees.add(top_level(folder) or real)
    return sorted(trees)


def _inside(path: str, trees: list[str]) -> str | None:
    real = os.path.realpath(path)
    for tree in trees:
        if real == tree or real.startswith(tree.rstrip(os.sep) + os.sep):
            return tree
    return None


def require_outside(trusted: list[tuple[str, str | None]], trees: list[str]) -> None:
    """Refuse each (flag, path) whose file lies in a scanned tree: the change could have written it."""
    for flag, path in trusted:
        tree = _inside(path, trees) if path else None
        if tree is not None:
            raise UsageProblem(
                f"--untrusted: {flag} {path} lies inside {tree}, a tree the scanned change controls; give a "
                "copy from a trusted place outside it (for example the base branch's file, written to "
                "$RUNNER_TEMP)")


def refuse_flags(show_values: bool, write_baseline: str | None) -> None:
    if show_values:
        raise UsageProblem("--untrusted: --show-values would print credential values to a log the change's "
                           "author can read")
    if write_baseline:
        raise UsageProblem("--untrusted: --write-baseline would accept the change's own findings; write the "
                           "baseline from the trusted base branch instead")
