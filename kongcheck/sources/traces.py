"""Does a stream on standard input look rendered by helm or kustomize?

The test is cheap and textual: one regular expression over the bytes, looking for what the
tools leave on the objects they write:

- helm: a `# Source: ` comment, a `helm.sh/chart` label or `app.kubernetes.io/managed-by: Helm`;
- kustomize: an indented `kustomize.config.k8s.io/...` key, a `config.kubernetes.io/origin`
  annotation or `app.kubernetes.io/managed-by: kustomize-...` (buildMetadata: [managedByLabel]).

A `kustomize.config.k8s.io/v1beta1` apiVersion (a Kustomization file itself) is not a trace.
The CLI only uses the answer to decide whether to print the origin note (cli.py:_origin_hint).
"""
from __future__ import annotations

import re

from kongcheck.sources import Source

TRACE = re.compile(
    rb"^(?:# Source: "
    rb"|[ \t]+[\"']?(?:helm\.sh/chart[\"']?:"
    rb"|app\.kubernetes\.io/managed-by[\"']?:[ \t]*[\"']?(?:Helm|kustomize)"
    rb"|kustomize\.config\.k8s\.io/[\w.-]+[\"']?:"
    rb"|config\.kubernetes\.io/origin[\"']?:))",
    re.MULTILINE,
)


def looks_rendered(data: bytes) -> bool:
    return TRACE.search(data) is not None


class Watch:
    """Wraps a source's readers and remembers whether what they read looks rendered."""

    def __init__(self, source: Source) -> None:
        self.rendered = False
        read, limited = source.reader, source.limited_reader
        if read is not None:
            source.reader = lambda: self._seen(read())
        if limited is not None:
            source.limited_reader = lambda limit: self._seen(limited(limit))

    def _seen(self, data: bytes) -> bytes:
        self.rendered = self.rendered or looks_rendered(data)
        return data
