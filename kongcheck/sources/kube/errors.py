"""ClusterError and the one-line messages a person can act on."""

from __future__ import annotations

import re
from typing import Iterable

INSTALL_HINT = "pip install 'kongcheck[cluster]'"
RBAC_HINT = "see docs/cluster.md, RBAC, for a minimal ClusterRole"


class ClusterError(Exception):
    """A cluster or snapshot problem, with a one-line actionable message.

    `file`/`line` are set for problems in a file (a snapshot, a kubeconfig); `problem` is the
    message without them.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        self.problem = " ".join(str(message).split())
        self.file, self.line = file, line
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + self.problem)

    def detached(self) -> "ClusterError":
        """The error without its traceback, to keep in a list: the frames it holds may hold a whole answer,
        and the pipeline runs with the cycle collector paused."""
        self.__traceback__ = self.__context__ = self.__cause__ = None
        return self


REDACTED = "<redacted>"
_CREDENTIALS = (  # what an API server, a proxy or an exec plugin may echo back of a credential
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
     "<redacted private key>"),
    (re.compile(r"(?i)\b((?:proxy-)?authorization)(\s*[:=]\s*)(?:(bearer|basic|negotiate)\s+)?[^\s,;\"']+"),
     lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) + ' ' if m.group(3) else ''}{REDACTED}"),
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{6,}"), r"\1\2" + REDACTED),
    (re.compile(r"(?i)\b([\w-]*(?:token|passw(?:or)?d|secret|api[_-]?key|access[_-]?key|credential)s?)"
                r"(\"?'?\s*[:=]\s*\"?'?)[^\s\"',;&}]+"), r"\1\2" + REDACTED),
    (re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"), REDACTED),  # a JWT (service account tokens)
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bya29\.[\w-]+"), REDACTED),  # AWS key ids, Google tokens
    (re.compile(r"[A-Za-z0-9_-]{40,}"), REDACTED),  # any other long opaque token
)


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` (an API server's error, an exec plugin's stderr) without credentials: each ``known``
    secret (the bearer token in use...) and whatever looks like a token, password or private key."""
    for secret in sorted({s for s in known if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _CREDENTIALS:
        text = pattern.sub(replacement, text)
    return text


class AnswerError(ClusterError):
    """One answer that cannot be used (its shape, size or pagination): that list is an error, and the
    fetch goes on with the other lists, so what can be read still takes part."""


def missing_client(module: str = "kubernetes") -> ClusterError:
    return ClusterError(
        f"--cluster needs the Kubernetes client libraries (kubernetes, urllib3), but {module!r} cannot be "
        f"imported: run {INSTALL_HINT}"
    )


def scope_text(namespace: str | None) -> str:
    return f'in namespace "{namespace}"' if namespace else "at cluster scope"


def unauthorized(context: str, host: str) -> ClusterError:
    return ClusterError(
        f"the API server {host} rejected the credentials of context '{context}' (401 Unauthorized): "
        "the token or client certificate is expired or invalid; log in again "
        "(refresh your cloud CLI or kubeconfig credentials) and retry"
    )


def forbidden(verb: str, resource, namespace: str | None, context: str, server_message: str) -> ClusterError:
    group = resource.group or '"" (core)'
    said = f" (API server: {server_message})" if server_message else ""
    return ClusterError(
        f"access denied (403) in context '{context}': kongcheck needs RBAC verb '{verb}' on resource "
        f"'{resource.plural}' in API group {group} {scope_text(namespace)}{said}; {RBAC_HINT}"
    )


def crd_missing(resource, context: str, path: str) -> ClusterError:
    needs = f"; {resource.kind} needs {resource.since} (for an older KIC pass --kic-version)" if resource.since else ""
    return ClusterError(
        f"CRD {resource.crd_name} (version {resource.version}) is not installed in the cluster of "
        f"context '{context}' (404 on GET {path}): install the Kong Ingress Controller CRDs{needs}"
    )


def http_failure(code: int, reason: str, path: str, context: str, server_message: str) -> ClusterError:
    said = f": {server_message}" if server_message else ""
    return ClusterError(f"the API server of context '{context}' answered {code} {reason} to GET {path}{said}")
