"""The live case: a loopback API server (the tests' fake, tests/cluster/kube_fake.py) holding many
KongConsumers and credential Secrets, the same objects as a `kubectl get -o yaml` snapshot, and the
small manifest that a `--cluster` scan checks against them.

    python -m benchmarks.live write OUT_DIR --secrets 100000 --consumers 50000 --collisions 1000
    python -m benchmarks.live serve OUT_DIR     # prints the kubeconfig path, serves until killed

``write`` leaves ``OUT_DIR/snapshot/snapshot.yaml`` (the baseline loads it with PyYAML) and
``OUT_DIR/manifests/consumer.yaml``; ``serve`` writes ``OUT_DIR/kubeconfig`` for the server it starts.
Objects carry what a real API server returns (uid, resourceVersion, managedFields, the kubectl
last-applied annotation that repeats every Secret value), so the fetch reduces what it would in a cluster.
"""
from __future__ import annotations

import argparse
import base64
import bisect
import json
import os
import pickle
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "benchmark-token"  # the loopback server's bearer token: not a secret of anything


def _meta(kind: str, name: str, namespace: str, number: int, labels: dict, last_applied: dict) -> dict:
    return {
        "name": name, "namespace": namespace, "uid": f"6f0f3a4e-6c5e-4b7e-9a55-{number:012d}",
        "resourceVersion": str(80000 + number), "creationTimestamp": "2025-03-02T10:11:12Z", "labels": labels,
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(last_applied) + "\n"},
        "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
                           "apiVersion": "v1" if kind == "Secret" else "configuration.konghq.com/v1",
                           "time": "2025-03-02T10:11:12Z", "fieldsType": "FieldsV1",
                           "fieldsV1": {"f:metadata": {"f:labels": {}}}}],
    }


def live_objects(secrets: int, consumers: int, collisions: int) -> list[dict]:
    """``consumers`` KongConsumers owning ``secrets`` key-auth Secrets between them (the rest unowned);
    ``collisions`` Secrets reuse the key of the Secret before them."""
    objects = []
    step = max(1, secrets // max(1, collisions))
    for number in range(secrets):
        collide = collisions and number % step == step - 1 and number // step < collisions
        owner = number - 1 if collide else number
        key = f"key-{owner:08d}-{owner * 7919 % 1000003:07d}"
        namespace, name = f"tenant-{number // 1000:04d}", f"cred-{number}"
        labels = {"konghq.com/credential": "key-auth"}
        data = {"key": base64.b64encode(key.encode()).decode()}
        applied = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": namespace,
                                                                      "labels": labels}, "stringData": {"key": key}}
        objects.append({"apiVersion": "v1", "kind": "Secret",
                        "metadata": _meta("Secret", name, namespace, number, labels, applied),
                        "type": "Opaque", "data": data})
    per = max(1, secrets // max(1, consumers))
    for number in range(consumers):
        first = number * per
        namespace = f"tenant-{first // 1000:04d}"
        credentials = [f"cred-{n}" for n in range(first, min(first + per, secrets))
                       if n // 1000 == first // 1000]
        spec = {"username": f"user-{number}", "credentials": credentials}
        applied = {"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                   "metadata": {"name": f"consumer-{number}", "namespace": namespace}, **spec}
        meta = _meta("KongConsumer", f"consumer-{number}", namespace, secrets + number, {}, applied)
        meta["annotations"]["kubernetes.io/ingress.class"] = "kong"
        objects.append({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer", "metadata": meta,
                        **spec})
    return objects


MANIFEST = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: newcomer
  namespace: tenant-0000
  annotations:
    kubernetes.io/ingress.class: kong
username: newcomer
credentials:
  - newcomer-key
---
apiVersion: v1
kind: Secret
metadata:
  name: newcomer-key
  namespace: tenant-0000
  labels:
    konghq.com/credential: key-auth
stringData:
  key: key-00000000-0000000
"""


def write(out: str, secrets: int, consumers: int, collisions: int) -> None:
    """The objects (pickled, for ``serve``), the snapshot as kubectl writes it, and one manifest file."""
    import yaml

    objects = live_objects(secrets, consumers, collisions)
    for folder in ("snapshot", "manifests"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    with open(os.path.join(out, "objects.pickle"), "wb") as stream:
        pickle.dump(objects, stream)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(os.path.join(out, "snapshot", "snapshot.yaml"), "w", encoding="utf-8") as stream:
        for kind in ("KongConsumer", "Secret"):  # two `kubectl get -o yaml` outputs, joined by ---
            items = [o for o in objects if o["kind"] == kind]
            stream.write("---\n")
            yaml.dump({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}},
                      stream, Dumper=dumper, default_flow_style=False, sort_keys=False)
    with open(os.path.join(out, "manifests", "consumer.yaml"), "w", encoding="utf-8") as stream:
        stream.write(MANIFEST)
    print(f"{len(objects)} objects ({secrets} Secrets, {consumers} KongConsumers) below {out}")


def _indexed_fake():
    """The tests' fake API server, with each answer's matching objects and continue positions kept
    (its own answer sorts every object on every page: fine for tests, quadratic at this size)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "cluster"))
    import kube_fake

    class IndexedFake(kube_fake.FakeApiServer):
        def __init__(self, objects, token=None, tls=None):
            super().__init__(objects, token=token, tls=tls)
            self.cache: dict = {}

        def _matching(self, route, selector):
            key = (route["kind"], route["ns"], selector)
            if key not in self.cache:
                self.cache[key] = super()._matching(route, selector)
            return self.cache[key]

        def answer(self, method, target, headers):
            answer = super().answer(method, target, headers)
            self.requests.clear()  # the fake records every request; nothing reads them here
            return answer

    def decode_token(token, items, _keys={}):
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            start = json.loads(raw)["start"]
        except (ValueError, KeyError, TypeError):
            return None
        keys = _keys.get(id(items))
        if keys is None:
            keys = _keys[id(items)] = [f'{o["metadata"].get("namespace", "")}/{o["metadata"]["name"]}\x00'
                                       for o in items]
        return bisect.bisect_right(keys, start)

    kube_fake._decode_token = decode_token
    return IndexedFake


def serve(out: str) -> None:
    with open(os.path.join(out, "objects.pickle"), "rb") as stream:
        objects = pickle.load(stream)
    server = _indexed_fake()(objects, token=TOKEN).start()
    sys.path.insert(0, os.path.join(ROOT, "tests", "cluster"))
    from kube_helpers import write_kubeconfig
    from pathlib import Path

    path = write_kubeconfig(Path(out) / "kubeconfig", server.url, {"token": TOKEN})
    print(path, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("write")
    make.add_argument("out")
    make.add_argument("--secrets", type=int, default=100_000)
    make.add_argument("--consumers", type=int, default=50_000)
    make.add_argument("--collisions", type=int, default=1_000)
    run = commands.add_parser("serve")
    run.add_argument("out")
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.secrets, args.consumers, args.collisions)
    else:
        serve(args.out)


if __name__ == "__main__":
    main()
