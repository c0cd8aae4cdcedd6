"""A loopback stand-in for kube-apiserver that speaks its JSON wire format.

Serves LIST (limit/continue pagination, remainingItemCount, label selectors)
and GET for the resources kongcheck reads, answers like the real server with
Status objects (401, 403 with the RBAC sentence, 404 for an absent CRD, 410
for an expired continue token), can stall a response for timeout tests, and
records every request. It binds 127.0.0.1 only.

Faults a broken or hostile server (or proxy) shows can be injected per resource: any answer in
place of a LIST (`override`, `mangle`), a body sent a byte at a time (`trickle`), a new continue
token on every page (`endless`), a paginated list after a 410 (`relist_paginates`), and error
texts that echo the request's Authorization header (`echo_authorization`).
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# (group, version, plural) -> (kind, namespaced)
RESOURCES = {
    ("", "v1", "secrets"): ("Secret", True),
    ("", "v1", "configmaps"): ("ConfigMap", True),
    ("configuration.konghq.com", "v1", "kongconsumers"): ("KongConsumer", True),
    ("configuration.konghq.com", "v1beta1", "kongconsumergroups"): ("KongConsumerGroup", True),
    ("configuration.konghq.com", "v1alpha1", "kongvaults"): ("KongVault", False),
    ("configuration.konghq.com", "v1beta1", "tcpingresses"): ("TCPIngress", True),
    ("networking.k8s.io", "v1", "ingressclasses"): ("IngressClass", False),
    ("configuration.konghq.com", "v1", "kongplugins"): ("KongPlugin", True),
    ("configuration.konghq.com", "v1", "kongclusterplugins"): ("KongClusterPlugin", False),
    ("", "v1", "services"): ("Service", True),
    ("networking.k8s.io", "v1", "ingresses"): ("Ingress", True),
    ("gateway.networking.k8s.io", "v1", "httproutes"): ("HTTPRoute", True),
    ("gateway.networking.k8s.io", "v1", "grpcroutes"): ("GRPCRoute", True),
    ("gateway.networking.k8s.io", "v1", "gateways"): ("Gateway", True),
    ("gateway.networking.k8s.io", "v1", "gatewayclasses"): ("GatewayClass", False),
    ("gateway.networking.k8s.io", "v1beta1", "referencegrants"): ("ReferenceGrant", True),
}


def status(code: int, reason: str, message: str, details: dict | None = None, meta: dict | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": meta or {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details is not None:
        body["details"] = details
    return body


class FakeApiServer:
    """Holds the cluster's objects and the faults to inject; `url` once started."""

    def __init__(self, objects: list[dict], token: str | None = None, tls: ssl.SSLContext | None = None):
        self.objects = objects
        self.token = token
        self.tls = tls
        self.user = "system:serviceaccount:ci:kongcheck"
        self.resource_version = "81723"
        self.forbidden: set[tuple[str, str]] = set()  # (verb, plural)
        self.missing: set[str] = set()  # plurals whose CRD is not installed
        self.missing_as_text = False  # old API servers answer 404 with a plain-text body
        self.expire_continue = 0  # how many continue requests get 410 Expired
        self.slow: dict[str, float] = {}  # plural -> seconds to stall
        self.override: dict[str, tuple[int, object]] = {}  # plural -> (status, any JSON value) for a LIST
        self.mangle: dict[str, object] = {}  # plural -> function(list answer) -> answer
        self.trickle: dict[str, float] = {}  # plural -> seconds between the bytes of a LIST's body
        self.endless: dict[str, bool] = {}  # plural -> every page hands out a new continue token (True: with items)
        self.relist_paginates = False  # the full list after a 410 still carries a continue token
        self.echo_authorization: set[str] = set()  # plurals answered 500 with the Authorization header quoted
        self.rename_get: dict[str, str] = {}  # name -> the name a GET answers with instead
        self.huge: dict[str, int] = {}  # plural -> bytes of a LIST body sent in chunks, with no length given
        self.requests: list[dict] = []
        self.release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeApiServer":
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}"

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    # --- request handling ------------------------------------------------------------------
    def answer(self, method: str, target: str, headers) -> tuple[int, dict]:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"method": method, "path": parts.path, "query": query,
                              "authorization": headers.get("Authorization")})
        if method != "GET":
            return 405, status(405, "MethodNotAllowed", f"{method} is not supported by this test server")
        if self.token is not None and headers.get("Authorization", "").lower() != f"bearer {self.token}".lower():
            return 401, status(401, "Unauthorized", "Unauthorized")
        route = _route(parts.path)
        if route is None or route["plural"] in self.missing:
            if self.missing_as_text and route is not None:
                return 404, {"_text": "404 page not found\n"}
            return 404, status(404, "NotFound", "the server could not find the requested resource", {})
        verb = "get" if route["name"] else "list"
        if (verb, route["plural"]) in self.forbidden:
            return 403, self._forbidden(verb, route)
        if route["plural"] in self.slow:
            self.release.wait(self.slow[route["plural"]])
        if route["plural"] in self.echo_authorization:
            return 500, status(500, "InternalError", f"upstream refused the request with Authorization: "
                               f"{headers.get('Authorization')}")
        if route["name"]:
            return self._get(route)
        if route["plural"] in self.override:
            return self.override[route["plural"]]
        code, body = self._list(route, query)
        if route["plural"] in self.mangle and code == 200:
            body = self.mangle[route["plural"]](body)
        return code, body

    def _forbidden(self, verb: str, route: dict) -> dict:
        group, plural, ns, name = route["group"], route["plural"], route["ns"], route["name"]
        subject = f'{plural}.{group}' if group else plural
        if name:
            subject = f'{subject} "{name}"'
        scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
        message = (f'{subject} is forbidden: User "{self.user}" cannot {verb} resource "{plural}" '
                   f'in API group "{group}" {scope}')
        details = {"kind": plural, **({"group": group} if group else {}), **({"name": name} if name else {})}
        return status(403, "Forbidden", message, details)

    def _matching(self, route: dict, selector: str | None) -> list[dict]:
        kind = route["kind"]
        found = [o for o in self.objects if o.get("kind") == kind
                 and (route["ns"] is None or o["metadata"].get("namespace") == route["ns"])
                 and _selects(selector, o["metadata"].get("labels") or {})]
        return sorted(found, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))

    def _get(self, route: dict) -> tuple[int, dict]:
        for obj in self._matching(route, None):
            if obj["metadata"]["name"] == route["name"]:
                if route["name"] in self.rename_get:
                    return 200, {**obj, "metadata": {**obj["metadata"], "name": self.rename_get[route["name"]]}}
                return 200, obj
        plural = route["plural"] if not route["group"] else f'{route["plural"]}.{route["group"]}'
        return 404, status(404, "NotFound", f'{plural} "{route["name"]}" not found',
                           {"name": route["name"], "kind": route["plural"]})

    def _list(self, route: dict, query: dict) -> tuple[int, dict]:
        selector = query.get("labelSelector")
        items = self._matching(route, selector)
        start = 0
        endless = self.endless.get(route["plural"])
        if endless is not None:
            number = int(query.get("continue") or "0", 36) + 1 if (query.get("continue") or "").isalnum() else 1
            page = items[:1] if endless else []
            return 200, {"apiVersion": _api_version(route), "kind": f'{route["kind"]}List',
                         "metadata": {"continue": _base36(number)}, "items": page}
        if query.get("continue"):
            if self.expire_continue > 0:
                self.expire_continue -= 1
                return 410, status(410, "Expired", "continue token expired: start a new list without it",
                                   meta={"continue": query["continue"]})
            start = _decode_token(query["continue"], items)
            if start is None:
                return 400, status(400, "BadRequest", "continue key is not valid")
        limit = int(query.get("limit") or 0)
        page = items[start:start + limit] if limit else items[start:]
        meta = {"resourceVersion": self.resource_version}
        if not limit and self.relist_paginates:
            meta["continue"] = _encode_token(self.resource_version, page[-1]) if page else "more"
        rest = len(items) - start - len(page)
        if rest > 0:
            meta["continue"] = _encode_token(self.resource_version, page[-1])
            if not selector:
                meta["remainingItemCount"] = rest
        if route["group"] == "":  # built-in types: list items carry no apiVersion/kind in JSON
            page = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in page]
        return 200, {"apiVersion": _api_version(route), "kind": f'{route["kind"]}List', "metadata": meta,
                     "items": page}


def _api_version(route: dict) -> str:
    return f'{route["group"]}/{route["version"]}' if route["group"] else route["version"]


def _base36(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits or "0"


def _route(path: str) -> dict | None:
    segs = [unquote(s) for s in path.strip("/").split("/")]
    if segs[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", segs[2:]
    elif len(segs) >= 3 and segs[0] == "apis":
        group, version, rest = segs[1], segs[2], segs[3:]
    else:
        return None
    ns = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        ns, rest = rest[1], rest[2:]
    if len(rest) not in (1, 2) or (group, version, rest[0]) not in RESOURCES:
        return None
    kind, namespaced = RESOURCES[(group, version, rest[0])]
    if (ns is not None and not namespaced) or (len(rest) == 2 and namespaced and ns is None):
        return None
    return {"group": group, "version": version, "plural": rest[0], "kind": kind, "ns": ns,
            "name": rest[1] if len(rest) == 2 else None}


def _selects(selector: str | None, labels: dict) -> bool:
    for term in filter(None, (selector or "").split(",")):
        term = term.strip()
        if term.startswith("!"):
            ok = term[1:] not in labels
        elif "!=" in term:
            key, value = term.split("!=", 1)
            ok = labels.get(key) != value
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            ok = labels.get(key) == value
        else:
            ok = term in labels
        if not ok:
            return False
    return True


def _encode_token(rv: str, last: dict) -> str:
    key = f'{last["metadata"].get("namespace", "")}/{last["metadata"]["name"]}\x00'
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": key}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, items: list[dict]) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        start = json.loads(raw)["start"]
    except (ValueError, KeyError, TypeError):
        return None
    keys = [f'{o["metadata"].get("namespace", "")}/{o["metadata"]["name"]}\x00' for o in items]
    return sum(1 for k in keys if k <= start)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeApiServer

    def finish_request(self, request, client_address):
        if self.fake.tls is not None:
            request = self.fake.tls.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # TLS handshakes the tests make fail on purpose; the client side asserts them


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # one send per response: headers and body together (no Nagle/delayed-ACK stalls)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_DELETE(self):
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        code, body = fake.answer(method, self.path, self.headers)
        if isinstance(body, dict) and "_text" in body:
            data, ctype = body["_text"].encode(), "text/plain; charset=utf-8"
        elif isinstance(body, bytes):
            data, ctype = body, "application/json"
        else:
            data, ctype = json.dumps(body).encode(), "application/json"
        route = _route(urlsplit(self.path).path)
        if route and route["plural"] in fake.huge:
            self._chunked(fake.huge[route["plural"]])
            return
        pause = fake.trickle.get(route["plural"]) if route else None
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if pause is None:
                self.wfile.write(data)
                self.wfile.flush()
                return
            self.wfile.flush()
            for index in range(len(data)):  # a byte at a time: every socket read succeeds
                self.wfile.write(data[index:index + 1])
                self.wfile.flush()
                if fake.release.wait(pause):
                    return
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client gave up (timeout tests)

    def _chunked(self, total: int) -> None:
        """A JSON list answer of ``total`` bytes, in 1 MiB chunks (Transfer-Encoding: chunked)."""
        filler = b'"' + b"x" * (1 << 20) + b'",'
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            for piece in [b'{"kind": "SecretList", "items": ['] + [filler] * (total // len(filler)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # refused part way, as it should be

    def log_message(self, format, *args):
        pass
