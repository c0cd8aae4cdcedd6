"""Read-only GET and paginated LIST against the Kubernetes API, with actionable errors."""

from __future__ import annotations

import json
from typing import Callable
from urllib.parse import urlencode

import urllib3

from kongcheck.version import __version__

from . import errors
from .errors import ClusterError
from .resources import Resource

PAGE_SIZE = 500  # kubectl's --chunk-size default


class StatusError(Exception):
    """A non-2xx answer; `status` is the decoded Status object (or {} when the body is not one)."""

    def __init__(self, code: int, reason: str, path: str, status: dict) -> None:
        super().__init__(f"{code} {reason}")
        self.code, self.reason, self.path, self.status = code, reason, path, status

    @property
    def message(self) -> str:
        return " ".join(str(self.status.get("message") or "").split())


class KubeApi:
    def __init__(self, connection, timeout: float) -> None:
        self.conn = connection
        self.timeout = timeout

    def get_json(self, path: str, query: dict | None = None) -> dict:
        url = self.conn.host + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": "application/json", "User-Agent": f"kongcheck/{__version__}"}
        auth = self.conn.auth_header()
        if auth:
            headers["Authorization"] = auth
        try:
            response = self.conn.pool.request(
                "GET", url, headers=headers, redirect=False,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
            )
        except urllib3.exceptions.HTTPError as exc:
            raise self._transport_error(exc, path) from None
        if not 200 <= response.status < 300:
            raise StatusError(response.status, response.reason or "", path, _status_body(response.data))
        try:
            return json.loads(response.data)
        except ValueError:
            raise ClusterError(f"the API server of context '{self.conn.context}' sent non-JSON data for GET {path}") from None

    def list_objects(self, resource: Resource, namespace: str | None, reduce: Callable[[dict], dict],
                     label_selector: str | None = None, page_size: int = PAGE_SIZE,
                     missing_ok: bool = False) -> list[dict]:
        """All objects of `resource` (in `namespace`, or all), reduced page by page.

        Pages with limit/continue; if a continue token expires (410), fall back to
        one full list without limit, as kubectl's pager does. `missing_ok`: a 404
        (CRD not installed) means no objects.
        """
        path = resource.list_path(namespace)
        query = {"limit": page_size, **({"labelSelector": label_selector} if label_selector else {})}
        items: list[dict] = []
        token, seen = None, set()
        while True:
            try:
                page = self.get_json(path, {**query, "continue": token} if token else query)
            except StatusError as exc:
                if exc.code == 410 and token:
                    return self._full_list(resource, namespace, reduce, label_selector)
                if exc.code == 404 and missing_ok and not token:
                    return []
                raise self.status_error(exc, "list", resource, namespace) from None
            items.extend(reduce(item) for item in page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return items
            if token in seen:
                raise ClusterError(f"the API server repeated a continue token while listing {path}; aborting")
            seen.add(token)

    def _full_list(self, resource, namespace, reduce, label_selector) -> list[dict]:
        path = resource.list_path(namespace)
        try:
            page = self.get_json(path, {"labelSelector": label_selector} if label_selector else None)
        except StatusError as exc:
            raise self.status_error(exc, "list", resource, namespace) from None
        return [reduce(item) for item in page.get("items") or []]

    def get_object(self, resource: Resource, namespace: str | None, name: str) -> dict | None:
        """One object, or None when it does not exist (404)."""
        try:
            return self.get_json(resource.object_path(namespace, name))
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise self.status_error(exc, "get", resource, namespace) from None

    def status_error(self, exc: StatusError, verb: str, resource: Resource, namespace: str | None) -> ClusterError:
        context = self.conn.context
        if exc.code == 401:
            return errors.unauthorized(context, self.conn.host)
        if exc.code == 403:
            return errors.forbidden(verb, resource, namespace, context, exc.message)
        if exc.code == 404 and verb == "list" and resource.group:
            return errors.crd_missing(resource, context, exc.path)
        return errors.http_failure(exc.code, exc.reason, exc.path, context, exc.message)

    def _transport_error(self, exc: Exception, path: str) -> ClusterError:
        host, context = self.conn.host, self.conn.context
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
            return ClusterError(
                f"the API server {host} (context '{context}') did not answer GET {path} within "
                f"{self.timeout:g}s; retry, or raise --cluster-timeout"
            )
        if isinstance(exc, urllib3.exceptions.SSLError):
            return ClusterError(
                f"TLS with the API server {host} (context '{context}') failed: {_reason(exc)}; "
                "check the cluster's certificate-authority and the client certificate in the kubeconfig"
            )
        return ClusterError(
            f"cannot reach the API server {host} (context '{context}'): {_reason(exc)}; "
            "check the address, VPN or tunnel, and that the cluster is running"
        )


def _reason(exc: Exception) -> str:
    inner = getattr(exc, "reason", None) or exc
    text = str(inner)
    if isinstance(inner, urllib3.exceptions.NewConnectionError) or "Connection refused" in text:
        return "connection refused" if "refused" in text.lower() else text.split(": ", 1)[-1]
    if isinstance(inner, urllib3.exceptions.ConnectTimeoutError):
        return "connection timed out"
    return " ".join(text.split())


def _status_body(data: bytes) -> dict:
    try:
        body = json.loads(data)
    except ValueError:
        return {}
    return body if isinstance(body, dict) and body.get("kind") == "Status" else {}
