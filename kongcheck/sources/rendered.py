"""Sources made by rendering: `--helm CHART` and `--kustomize DIR` on the command line.

Each render becomes one `Source` named `helm:<chart>` or `kustomize:<dir>`, carrying
the `Rendered` record so that `kongcheck.loading.locate` can map its objects back to files.
A render that fails becomes a `ScanError` (exit code 2) and the scan goes on.
"""
from __future__ import annotations

from typing import Iterable

from kongcheck.model import ScanError, input_error
from kongcheck.sources import Source
from kongcheck.sources.render import DEFAULT_TIMEOUT, HelmRequest, Rendered, RenderError, render_helm, render_kustomize


def _source(rendered: Rendered, namespace: str | None = None) -> Source:
    data = rendered.text.encode("utf-8")
    return Source(name=rendered.name, kind=rendered.kind, reader=lambda: data, rendered=rendered,
                  namespace=namespace)


def collect(helm: Iterable[HelmRequest] = (), kustomize: Iterable[str] = (),
            timeout: float = DEFAULT_TIMEOUT) -> tuple[list[Source], list[ScanError]]:
    """Render every chart, then every kustomization, in the order given."""
    sources: list[Source] = []
    errors: list[ScanError] = []
    for request in helm:
        try:
            # helm install -n NS puts objects that name no namespace in NS (helm template does not)
            sources.append(_source(render_helm(request), request.namespace))
        except RenderError as exc:
            errors.append(input_error(f"helm:{request.chart}", str(exc), "helm"))
    for target in kustomize:
        try:
            sources.append(_source(render_kustomize(target, timeout)))
        except RenderError as exc:
            errors.append(input_error(f"kustomize:{target}", str(exc), "kustomize"))
    return sources, errors
