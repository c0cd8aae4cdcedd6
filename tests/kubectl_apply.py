"""Run the real ``kubectl apply --dry-run=client`` against a loopback server that answers
discovery only, to learn which objects kubectl would apply and in which order.

kubectl maps each kind to a resource through legacy discovery (``/api``, ``/apis`` and one list
per group-version); with ``--validate=false`` it reads no OpenAPI, and a client-side dry run
GETs each object (answered 404, so it would be created) and sends nothing. ``-o name`` prints
``<resource>/<name>`` per object, in apply order, ``-o json`` the objects as kubectl decoded them;
what kubectl refuses is on standard error.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (group, version) -> [(kind, plural, namespaced)]
RESOURCES = {
    ("", "v1"): [("ConfigMap", "configmaps", True), ("Secret", "secrets", True), ("Namespace", "namespaces", False)],
    ("configuration.konghq.com", "v1"): [("KongConsumer", "kongconsumers", True)],
}
NOT_FOUND = b'{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}'


def _routes() -> dict[str, bytes]:
    routes: dict[str, object] = {
        "/api": {"kind": "APIVersions", "versions": ["v1"],
                 "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
        "/version": {"major": "1", "minor": "35", "gitVersion": "v1.35.0"},
    }
    groups: dict[str, list[str]] = {}
    for (group, version), kinds in RESOURCES.items():
        gv = f"{group}/{version}" if group else version
        routes[f"/apis/{gv}" if group else f"/api/{version}"] = {
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
            "resources": [{"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
                           "verbs": ["create", "get", "list", "patch", "update", "delete"]}
                          for kind, plural, namespaced in kinds]}
        if group:
            groups.setdefault(group, []).append(version)
    routes["/apis"] = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": name, "versions": [{"groupVersion": f"{name}/{v}", "version": v} for v in versions],
         "preferredVersion": {"groupVersion": f"{name}/{versions[0]}", "version": versions[0]}}
        for name, versions in groups.items()]}
    return {path: json.dumps(body).encode() for path, body in routes.items()}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        body = self.routes.get(self.path.split("?", 1)[0])
        self.send_response(200 if body is not None else 404)
        body = body if body is not None else NOT_FOUND
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@dataclass
class Applied:
    names: list[str]  # `<resource>/<name>` in apply order
    stderr: str
    returncode: int


def dry_run_apply(kubectl: str, *args: str, cwd: str | None = None) -> Applied:
    """``kubectl apply --dry-run=client --validate=false -o name ARGS`` against the loopback server."""
    done = _run(kubectl, ["-o", "name", *args], cwd)
    return Applied([line for line in done.stdout.splitlines() if line], done.stderr, done.returncode)


@dataclass
class Decoded:
    objects: list[dict]  # each object as kubectl decoded it (its last-applied configuration), in apply order
    stderr: str
    returncode: int


def dry_run_objects(kubectl: str, *args: str, cwd: str | None = None) -> Decoded:
    """The objects ``kubectl apply --dry-run=client -o json ARGS`` would apply, as kubectl decoded
    them from the files: each one's ``last-applied-configuration`` (kubectl adds the namespace)."""
    done = _run(kubectl, ["-o", "json", *args], cwd)
    objects, decoder, text, index = [], json.JSONDecoder(), done.stdout.strip(), 0
    while index < len(text):
        printed, index = decoder.raw_decode(text, index)
        while index < len(text) and text[index].isspace():
            index += 1
        for obj in printed["items"] if printed.get("kind") == "List" else [printed]:  # several: one List
            annotations = obj["metadata"]["annotations"]
            objects.append(json.loads(annotations["kubectl.kubernetes.io/last-applied-configuration"]))
    return Decoded(objects, done.stderr, done.returncode)


def _run(kubectl: str, args: list[str], cwd: str | None) -> subprocess.CompletedProcess:
    handler = type("Handler", (_Handler,), {"routes": _routes()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="kubectl-apply-") as scratch:
            config = os.path.join(scratch, "kubeconfig")
            with open(config, "w") as handle:
                json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "fake",
                           "clusters": [{"name": "fake", "cluster": {"server": f"http://127.0.0.1:{server.server_address[1]}"}}],
                           "contexts": [{"name": "fake", "context": {"cluster": "fake", "namespace": "default"}}],
                           "users": [{"name": "fake", "user": {}}]}, handle)
            done = subprocess.run([kubectl, "--kubeconfig", config, "--cache-dir", os.path.join(scratch, "cache"),
                                   "apply", "--dry-run=client", "--validate=false", *args],
                                  capture_output=True, text=True, cwd=cwd, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    return done
