"""Turn a kubeconfig context (or a pod's service account) into a Connection.

The official `kubernetes` client does the hard parts: kubeconfig merging,
tokens, client certificates, exec credential plugins (EKS/GKE/AKS), custom
CAs and in-cluster service-account config. Requests themselves go through a
plain urllib3 pool built from its Configuration (see api.py).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Callable

from .errors import ClusterError, missing_client
from .kubeconfig import read_contexts, resolve_kubeconfig
from .transport import make_pool

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
IN_CLUSTER_CONTEXT = "in-cluster"


@dataclass
class Connection:
    context: str
    host: str
    pool: Any
    auth_header: Callable[[], "str | None"]


def connect(context: str | None = None, kubeconfig: str | None = None) -> Connection:
    """Load credentials for `context` from `kubeconfig` (or KUBECONFIG, ~/.kube/config, in-cluster)."""
    client = _import_client()
    paths = resolve_kubeconfig(kubeconfig)
    if paths is None:
        if context:
            raise ClusterError(f"--context {context} needs a kubeconfig: pass --kubeconfig PATH or set KUBECONFIG")
        configuration = _load_in_cluster(client)
        name = IN_CLUSTER_CONTEXT
    else:
        name = _pick_context(paths, context)
        configuration = _load_kubeconfig(client, paths, name)
    return Connection(name, configuration.host, make_pool(configuration), lambda: _bearer(configuration))


def _import_client():
    try:
        from kubernetes import config as kube_config
        from kubernetes.client import Configuration
    except ImportError:
        raise missing_client() from None
    return kube_config, Configuration


def _pick_context(paths: list[str], wanted: str | None) -> str:
    names, current = read_contexts(paths)
    shown = os.pathsep.join(paths)
    name = wanted or current
    if not name:
        raise ClusterError(f"kubeconfig {shown} has no current-context: pass --context NAME (contexts: {_listing(names)})")
    if name not in names:
        raise ClusterError(f"context '{name}' is not in kubeconfig {shown} (contexts: {_listing(names)})")
    return name


def _listing(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def _load_kubeconfig(client, paths: list[str], name: str):
    kube_config, configuration_class = client
    configuration = configuration_class()
    with _LibraryErrors() as captured:
        try:
            kube_config.load_kube_config(
                config_file=os.pathsep.join(paths),
                context=name,
                client_configuration=configuration,
                persist_config=False,
            )
        except Exception as exc:  # the library raises ConfigException, KeyError, ValueError...
            raise ClusterError(f"cannot use context '{name}' from kubeconfig {os.pathsep.join(paths)}: {exc}") from None
    exec_failures = [m for m in captured.messages if m.startswith("exec:")]
    if exec_failures:
        raise ClusterError(f"the exec credential plugin of context '{name}' failed: {exec_failures[0]}")
    if not configuration.host:
        raise ClusterError(f"context '{name}' in kubeconfig names a cluster without a server address")
    return configuration


def _load_in_cluster(client):
    kube_config, configuration_class = client
    if not os.environ.get("KUBERNETES_SERVICE_HOST"):
        raise ClusterError(
            "no kubeconfig found: pass --kubeconfig PATH, set KUBECONFIG, create ~/.kube/config, "
            "or run in a pod with a service account"
        )
    from kubernetes.config.incluster_config import InClusterConfigLoader

    configuration = configuration_class()
    loader = InClusterConfigLoader(
        token_filename=os.path.join(SERVICE_ACCOUNT_DIR, "token"),
        cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"),
    )
    try:
        loader.load_and_set(configuration)
    except kube_config.ConfigException as exc:
        raise ClusterError(f"in-cluster service-account config unusable ({SERVICE_ACCOUNT_DIR}): {exc}") from None
    return configuration


def _bearer(configuration) -> str | None:
    """The Authorization header value; the library refreshes expiring tokens here."""
    setting = configuration.auth_settings().get("BearerToken") or {}
    return setting.get("value") or None


class _LibraryErrors(logging.Handler):
    """Collect what the client library logs while loading (it logs exec failures instead of raising)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))

    def __enter__(self) -> "_LibraryErrors":
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc_info) -> None:
        logging.getLogger().removeHandler(self)
