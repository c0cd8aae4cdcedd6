"""Turn a kubeconfig context (or a pod's service account) into a Connection.

The official `kubernetes` client does the hard parts: kubeconfig merging,
tokens, client certificates, exec credential plugins (EKS/GKE/AKS), custom
CAs and in-cluster service-account config. Requests themselves go through a
plain urllib3 pool built from its Configuration (see api.py).

The client runs an exec plugin with no time limit and prints its stderr as it is: while a fetch
runs, ``bounded_exec`` stops a plugin that outlives its time, and every message taken from the
library or the plugin is scrubbed of credentials (errors.scrub).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .errors import ClusterError, missing_client, scrub
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
    secrets: Callable[[], list] = field(default=lambda: [])  # credentials in use, to scrub from messages


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
    return Connection(name, configuration.host, make_pool(configuration), lambda: _bearer(configuration),
                      lambda: _secrets(configuration))


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
            raise ClusterError(f"cannot use context '{name}' from kubeconfig {os.pathsep.join(paths)}: "
                               f"{scrub(str(exc), _secrets(configuration))}") from None
    exec_failures = [m for m in captured.messages if m.startswith("exec:")]
    if exec_failures:
        raise ClusterError(f"the exec credential plugin of context '{name}' failed: "
                           f"{scrub(exec_failures[0], _secrets(configuration))}")
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
        raise ClusterError(f"in-cluster service-account config unusable ({SERVICE_ACCOUNT_DIR}): "
                           f"{scrub(str(exc))}") from None
    return configuration


def _bearer(configuration) -> str | None:
    """The Authorization header value; the library refreshes expiring tokens here."""
    setting = configuration.auth_settings().get("BearerToken") or {}
    return setting.get("value") or None


def _secrets(configuration) -> list[str]:
    """The credentials a Configuration holds, as they could appear in a message."""
    found = [value for value in (getattr(configuration, "api_key", None) or {}).values() if isinstance(value, str)]
    found += [value.split(" ", 1)[-1] for value in found]  # "Bearer TOKEN" and TOKEN
    password = getattr(configuration, "password", None)
    return found + ([password] if isinstance(password, str) else [])


class _BoundedPopen(subprocess.Popen):
    """The exec plugin's process, waited for at most ``seconds`` (then killed)."""

    def __init__(self, seconds: float, *args, **kwargs) -> None:
        self._seconds = seconds
        super().__init__(*args, **kwargs)

    def communicate(self, input=None, timeout=None):
        try:
            return super().communicate(input, timeout=self._seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            super().communicate()
            raise RuntimeError(f"exec: the plugin did not finish within {self._seconds:g}s and was stopped; "
                               "raise --cluster-timeout if it needs longer") from None


class _BoundedSubprocess:
    """Stands in for the ``subprocess`` module inside the client's exec provider."""

    def __init__(self, budget: Callable[[], float]) -> None:
        self._budget = budget

    def __getattr__(self, name: str):
        return getattr(subprocess, name)

    def Popen(self, *args, **kwargs):  # noqa: N802 (the module's name)
        return _BoundedPopen(max(self._budget(), 0.01), *args, **kwargs)


@contextlib.contextmanager
def bounded_exec(budget: Callable[[], float]) -> Iterator[None]:
    """While the fetch runs, exec credential plugins (run by the client library, also to refresh an
    expired token) get at most ``budget()`` seconds each."""
    from kubernetes.config import exec_provider

    original = exec_provider.subprocess
    exec_provider.subprocess = _BoundedSubprocess(budget)
    try:
        yield
    finally:
        exec_provider.subprocess = original


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
