"""The optional `kongcheck[cluster]` extra: check that every library it brings can be imported.

`--cluster` needs the `kubernetes` client (kubeconfig, auth) and `urllib3` (the requests
themselves, api.py and transport.py). require_client() runs before any module that imports
them, so a missing library is the install hint, never an ImportError.
`--cluster-snapshot` needs neither.
"""

from __future__ import annotations

import importlib

from .errors import missing_client

MODULES = ("urllib3", "kubernetes", "kubernetes.client", "kubernetes.config")


def require_client() -> None:
    """Raise ClusterError with the install hint unless every library of the extra imports."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise missing_client(name.split(".")[0]) from None
