"""Read-only GET and paginated LIST against the Kubernetes API, bounded and checked.

Every request has a deadline for the whole exchange (connect, headers and body), the shorter of
``--cluster-timeout`` and what is left of the fetch's own deadline: it runs in a worker thread
that is abandoned (its socket shut down) when the time is up, since a per-read socket timeout
never fires on a server that trickles a byte a second.  A body larger than the cap is refused, a
LIST answer must be a list of the kind asked for (answers.py), and pagination must end.  Texts
that come from the server are scrubbed of credentials before they reach a message.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Callable, Iterator
from urllib.parse import urlencode

import urllib3

from kongcheck.version import __version__

from . import answers, errors
from .answers import ItemProblem
from .errors import AnswerError, ClusterError, scrub
from .resources import Resource

PAGE_SIZE = 500  # kubectl's --chunk-size default
MAX_EMPTY_PAGES = 10  # pages in a row that bring no item but another continue token
_CHUNK = 1 << 16


class StatusError(Exception):
    """A non-2xx answer; `status` is the decoded Status object (or {} when the body is not one)."""

    def __init__(self, code: int, reason: str, path: str, status: dict) -> None:
        super().__init__(f"{code} {reason}")
        self.code, self.reason, self.path, self.status = code, reason, path, status

    @property
    def message(self) -> str:
        message = self.status.get("message")
        return " ".join(message.split()) if isinstance(message, str) else ""


class Clock:
    """The fetch's deadline (``--cluster-deadline``), started when the fetch starts."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside is not the fetch's (the caller taking an object it was given)."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.end += time.monotonic() - started


class _TooLarge(Exception):
    pass


class KubeApi:
    def __init__(self, connection, timeout: float, clock: Clock | None = None, max_body: int = 64 << 20,
                 max_objects: int = 100_000) -> None:
        self.conn = connection
        self.timeout = timeout
        self.clock = clock or Clock(float("inf"))
        self.max_body = max_body
        self.max_objects = max_objects

    def _scrub(self, text: str) -> str:
        return scrub(text, self.conn.secrets())

    def budget(self) -> tuple[float, bool]:
        """Seconds the next step may take, and whether the fetch's deadline (not the timeout) sets them."""
        left = self.clock.left()
        if left <= 0:
            raise self.deadline_error()
        return (left, True) if left < self.timeout else (self.timeout, False)

    def deadline_error(self) -> ClusterError:
        return ClusterError(f"reading the cluster of context '{self.conn.context}' took longer than "
                            f"{self.clock.seconds:g}s; raise --cluster-deadline, or read fewer namespaces with "
                            "--cluster-namespace")

    def get_json(self, path: str, query: dict | None = None):
        """The decoded JSON answer of a GET (any JSON value: the caller checks its shape)."""
        url = self.conn.host + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Accept": "application/json", "User-Agent": f"kongcheck/{__version__}"}
        auth = self.conn.auth_header()  # may run an exec plugin: bounded by connect.bounded_exec
        if auth:
            headers["Authorization"] = auth
        seconds, by_deadline = self.budget()
        status, reason, data = self._exchange(url, headers, path, seconds, by_deadline)
        if not 200 <= status < 300:
            raise StatusError(status, reason, path, _status_body(data))
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise AnswerError(f"the API server of context '{self.conn.context}' sent non-JSON data for GET "
                               f"{path}") from None
        except RecursionError:
            raise AnswerError(f"the API server of context '{self.conn.context}' sent JSON nested too deeply to "
                               f"read for GET {path}") from None

    def _exchange(self, url: str, headers: dict, path: str, seconds: float, by_deadline: bool):
        """(status, reason, body) of one GET, within ``seconds`` for all of it."""
        box: dict = {}

        def work() -> None:
            try:
                response = self.conn.pool.request(
                    "GET", url, headers=headers, redirect=False, preload_content=False,
                    timeout=urllib3.Timeout(connect=seconds, read=seconds))
                box["response"] = response
                box["result"] = (response.status, response.reason or "", self._body(response))
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        worker = threading.Thread(target=work, name="kongcheck-api-request", daemon=True)
        worker.start()
        worker.join(seconds)
        result, error = box.get("result"), box.get("error")
        if worker.is_alive():
            _abandon(box.get("response"))
            if by_deadline:
                raise self.deadline_error()
            raise ClusterError(f"the API server {self.conn.host} (context '{self.conn.context}') did not answer "
                               f"GET {path} within {self.timeout:g}s; retry, or raise --cluster-timeout")
        box.clear()  # the worker's frames hold the box: no cycle may keep an answer alive
        if isinstance(error, _TooLarge):
            raise AnswerError(f"the API server of context '{self.conn.context}' answered GET {path} with more "
                               f"than {self.max_body} bytes (--max-file-size); kongcheck does not read it")
        if isinstance(error, urllib3.exceptions.ReadTimeoutError) and by_deadline:
            raise self.deadline_error()  # urllib3's read timeout is the deadline's budget too: it may fire first
        if isinstance(error, urllib3.exceptions.HTTPError):
            raise self._transport_error(error, path) from None
        if error is not None:
            raise error
        return result

    def _body(self, response) -> bytearray:
        """The whole body, refused once it is larger than ``max_body`` (a declared length first)."""
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            response.close()
            raise _TooLarge()
        body = bytearray()
        for chunk in response.stream(_CHUNK):
            body += chunk
            if len(body) > self.max_body:
                response.close()
                del body
                raise _TooLarge()
        response.release_conn()
        return body

    def list_objects(self, resource: Resource, namespace: str | None, take: Callable[[dict], None],
                     label_selector: str | None = None, page_size: int = PAGE_SIZE,
                     missing_ok: bool = False, problems: list | None = None,
                     restart: Callable[[], None] = lambda: None) -> None:
        """Give `take` each object of `resource` (in `namespace`, or all), checked, page by page.

        Pages with limit/continue; if a continue token expires (410), fall back to
        one full list without limit, as kubectl's pager does (`restart` is called first: what
        `take` was given so far is given again). `missing_ok`: a 404 (CRD not installed) means
        no objects. An item that cannot be used is one entry of `problems` (raised when None);
        an answer that cannot be used is a ClusterError.
        """
        path = resource.list_path(namespace)
        query = {"limit": page_size, **({"labelSelector": label_selector} if label_selector else {})}
        shown = _listed(path, label_selector)
        taken, token, seen, empty = 0, None, set(), 0
        while True:
            try:
                page = self.get_json(path, {**query, "continue": token} if token else query)
            except StatusError as exc:
                if exc.code == 410 and token:
                    restart()
                    self._full_list(resource, namespace, take, label_selector, problems)
                    return
                if exc.code == 404 and missing_ok and not token:
                    return
                raise self.status_error(exc, "list", resource, namespace) from None
            found, token = answers.list_page(page, resource, f"GET {shown}")
            page = None  # each item is let go once it is taken
            taken = self._keep(found, taken, resource, namespace, label_selector, take, problems, shown)
            if not token:
                return
            empty = empty + 1 if not found else 0
            found = None
            if token in seen or empty > MAX_EMPTY_PAGES:
                raise AnswerError(f"the API server keeps paginating {path} (a continue token repeated, or "
                                   f"{MAX_EMPTY_PAGES} pages in a row without an item); aborting")
            seen.add(token)

    def _keep(self, found: list, taken: int, resource, namespace, label, take, problems, path) -> int:
        """Give ``take`` each usable item of one page; the number of items taken from the list so far."""
        for position, item in enumerate(found, taken + 1):
            if taken >= self.max_objects:
                raise AnswerError(f"GET {path} lists more than {self.max_objects} objects (--max-documents); "
                                   "kongcheck does not read such a list")
            try:
                answers.list_item(item, resource, namespace, label)
                take(item)
                taken += 1
            except ItemProblem as problem:
                self.item_problem(problem, f"GET {path}: item {position}", item, problems)
        return taken

    def item_problem(self, problem: ItemProblem, where: str, item, problems: list | None) -> None:
        """Record (or raise, without a list) one object of an answer that cannot be used."""
        name = _name_of(item)
        error = ClusterError(f"{where}{f' ({name})' if name else ''}: {problem.problem}")
        if problems is None:
            raise error
        problems.append(error)

    def _full_list(self, resource, namespace, take, label_selector, problems) -> None:
        path = resource.list_path(namespace)
        try:
            page = self.get_json(path, {"labelSelector": label_selector} if label_selector else None)
        except StatusError as exc:
            raise self.status_error(exc, "list", resource, namespace) from None
        shown = _listed(path, label_selector)
        found, token = answers.list_page(page, resource, f"GET {shown}")
        if token:
            raise AnswerError(f"the API server paginated {path} after its continue token expired (410) although "
                               "kongcheck asked for the whole list; aborting")
        page = None
        self._keep(found, 0, resource, namespace, label_selector, take, problems, shown)

    def get_object(self, resource: Resource, namespace: str | None, name: str, problems: list | None = None):
        """One object, or None when it does not exist (404) or cannot be used (then one of `problems`)."""
        path = resource.object_path(namespace, name)
        try:
            found = self.get_json(path)
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise self.status_error(exc, "get", resource, namespace) from None
        try:
            answers.single_object(found, resource, namespace, name)
        except ItemProblem as problem:
            self.item_problem(problem, f"GET {path}", None, problems)
            return None
        return found

    def status_error(self, exc: StatusError, verb: str, resource: Resource, namespace: str | None) -> ClusterError:
        context = self.conn.context
        if exc.code == 401:
            return errors.unauthorized(context, self.conn.host)
        if exc.code == 403:
            return errors.forbidden(verb, resource, namespace, context, self._scrub(exc.message))
        if exc.code == 404 and verb == "list" and resource.group:
            return errors.crd_missing(resource, context, exc.path)
        return errors.http_failure(exc.code, self._scrub(exc.reason), exc.path, context, self._scrub(exc.message))

    def _transport_error(self, exc: Exception, path: str) -> ClusterError:
        host, context = self.conn.host, self.conn.context
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
            return ClusterError(
                f"the API server {host} (context '{context}') did not answer GET {path} within "
                f"{self.timeout:g}s; retry, or raise --cluster-timeout"
            )
        if isinstance(exc, urllib3.exceptions.SSLError):
            return ClusterError(
                f"TLS with the API server {host} (context '{context}') failed: {self._scrub(_reason(exc))}; "
                "check the cluster's certificate-authority and the client certificate in the kubeconfig"
            )
        return ClusterError(
            f"cannot reach the API server {host} (context '{context}'): {self._scrub(_reason(exc))}; "
            "check the address, VPN or tunnel, and that the cluster is running"
        )


def _abandon(response) -> None:
    """Shut the socket of a request given up on, so its worker thread ends."""
    if response is None:
        return
    try:
        response.shutdown()
    except Exception:  # already closed, or an urllib3 without shutdown(): the worker ends on its own
        pass


def _name_of(item) -> str:
    meta = item.get("metadata") if isinstance(item, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        return ""
    namespace = meta.get("namespace") if isinstance(meta.get("namespace"), str) else ""
    return f"{namespace}/{meta['name']}" if namespace else meta["name"]


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
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return body if isinstance(body, dict) and body.get("kind") == "Status" else {}


def _listed(path: str, label_selector: str | None) -> str:
    """A list request as messages name it (kinds listed by several selectors are told apart)."""
    return f"{path}?labelSelector={label_selector}" if label_selector else path
