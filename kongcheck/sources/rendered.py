"""Sources made by rendering: `--helm CHART` and `--kustomize DIR` on the command line, and the
charts and kustomization roots a walk meets with `--render-roots render`.

Each render becomes one `Source` named `helm:<chart>` or `kustomize:<dir>`, carrying
the `Rendered` record so that `kongcheck.loading.locate` can map its objects back to files.
A render that fails becomes a `ScanError` (exit code 2) and the scan goes on.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterable

from kongcheck.model import ScanError, input_error
from kongcheck.sources import Source
from kongcheck.sources.roots import is_remote
from kongcheck.sources.render import (HelmRequest, KustomizeOptions, Rendered, RenderError, render_helm,
                                      render_kustomize)


def _source(rendered: Rendered, namespace: str | None = None) -> Source:
    data = rendered.text.encode("utf-8")
    return Source(name=rendered.name, kind=rendered.kind, reader=lambda: data, rendered=rendered,
                  namespace=namespace)


def helm_source(request: HelmRequest) -> Source | ScanError:
    try:
        # helm install -n NS puts objects that name no namespace in NS (helm template does not)
        return _source(render_helm(request), request.namespace)
    except RenderError as exc:
        return input_error(f"helm:{request.chart}", str(exc), "helm")


def kustomize_source(target: str, options: KustomizeOptions) -> Source | ScanError:
    try:
        return _source(render_kustomize(target, options))
    except RenderError as exc:
        return input_error(f"kustomize:{target}", str(exc), "kustomize")


def found_renderer(helm: HelmRequest, kustomize: KustomizeOptions):
    """render(root) for roots.resolve: a found chart gets the options of `helm` (the --helm-*
    flags), a found kustomization those of `kustomize`."""
    def render(root) -> Source | ScanError:
        if root.tool == "helm":
            return helm_source(dataclasses.replace(helm, chart=root.path))
        return kustomize_source(root.path, kustomize)

    return render


def _once(targets: Iterable[str]) -> list[str]:
    """Each target once, at its first place (the same chart rendered twice is the same objects twice)."""
    seen, kept = set(), []
    for target in targets:
        key = target if is_remote(target) else os.path.realpath(target)
        if key not in seen:
            seen.add(key)
            kept.append(target)
    return kept


def collect(helm: Iterable[HelmRequest] = (), kustomize: Iterable[str] = (),
            options: KustomizeOptions = KustomizeOptions()) -> tuple[list[Source], list[ScanError]]:
    """Render every chart, then every kustomization, in the order given."""
    sources: list[Source] = []
    errors: list[ScanError] = []
    requests = {request.chart: request for request in helm}
    produced = [helm_source(requests[chart]) for chart in _once(requests)]
    produced += [kustomize_source(target, options) for target in _once(kustomize)]
    for item in produced:
        (errors if isinstance(item, ScanError) else sources).append(item)
    return sources, errors
