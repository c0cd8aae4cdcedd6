"""ClusterError and the one-line messages a person can act on."""

from __future__ import annotations

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
