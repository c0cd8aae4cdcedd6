"""Generate a realistic monorepo of Kubernetes manifests for benchmarks.

Most documents are ordinary workloads (Deployments, Services, ConfigMaps, Ingresses, HTTPRoutes,
KongPlugins, each Service naming its app's KongPlugin when it has one); about 5% are KongConsumers and their credential Secrets, and a few
collisions are planted (consumers whose key-auth Secrets share a key).
The tree is deterministic for a given size and seed.

    python -m benchmarks.generate OUT_DIR --documents 100000
    python -m benchmarks.generate OUT_DIR --consumers 100000 --collisions 1000
"""
from __future__ import annotations

import argparse
import os
import random

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/part-of: {team}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {app}
      containers:
        - name: {app}
          image: registry.example.com/{team}/{app}:1.{replicas}.{seq}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: LOG_LEVEL
              value: info
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {app}-db
                  key: url
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
          readinessProbe:
            httpGet: {{path: /healthz, port: http}}
            periodSeconds: 10
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
{service_annotations}spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
  namespace: {ns}
data:
  application.properties: |
    server.port=8080
    feature.{app}.enabled=true
    cache.ttl={replicas}00
    upstream.url=http://{app}-backend.{ns}.svc.cluster.local
  log-format: json
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {app}
  namespace: {ns}
  annotations:
    konghq.com/strip-path: "true"
spec:
  ingressClassName: kong
  rules:
    - host: {app}.{team}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {app}
                port: {{number: 80}}
"""

HTTPROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {app}
  namespace: {ns}
spec:
  parentRefs:
    - name: kong
      namespace: kong
  hostnames: [{app}.{team}.example.net]
  rules:
    - matches:
        - path: {{type: PathPrefix, value: /api}}
      backendRefs:
        - name: {app}
          port: 80
"""

PLUGIN = """\
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata:
  name: {app}-rate-limit
  namespace: {ns}
plugin: rate-limiting
config:
  minute: {replicas}0
  policy: local
"""

CONSUMER = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    kubernetes.io/ingress.class: kong
username: {username}
credentials:
  - {name}-key
"""

KEY_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: {name}-key
  namespace: {ns}
  labels:
    konghq.com/credential: key-auth
stringData:
  key: {key}
"""

KINDS = ((DEPLOYMENT, 30), (SERVICE, 25), (CONFIGMAP, 22), (INGRESS, 12), (HTTPROUTE, 4), (PLUGIN, 6))
_PLUGIN_ANNOTATION = "  annotations:\n    konghq.com/plugins: {app}-rate-limit\n"


def _app_docs(rng: random.Random, team: str, app: str, seq: int) -> list[str]:
    values = {"app": app, "team": team, "ns": team, "replicas": rng.randint(1, 9), "seq": seq}
    templates = [template for template, weight in KINDS if rng.randrange(30) < weight]
    values["service_annotations"] = _PLUGIN_ANNOTATION.format(app=app) if PLUGIN in templates else ""
    return [template.format(**values) for template in templates or [DEPLOYMENT]]


def _consumer_docs(ns: str, number: int, collide_with: int | None) -> list[str]:
    name = f"consumer-{number}"
    owner = number if collide_with is None else collide_with
    username = f"user-{number}"
    key = f"key-{owner:08d}-{owner * 7919 % 1000003:07d}"
    return [CONSUMER.format(name=name, ns=ns, username=username), KEY_SECRET.format(name=name, ns=ns, key=key)]


class Writer:
    """Writes documents into files of 1-6 documents, a folder per app, ~40 apps per team."""

    def __init__(self, root: str, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.files = 0
        self.documents = 0

    def write(self, folder: str, name: str, docs: list[str]) -> None:
        path = os.path.join(self.root, folder)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, name), "w", encoding="utf-8") as stream:
            stream.write("---\n".join(docs))
        self.files += 1
        self.documents += len(docs)

    def write_split(self, folder: str, stem: str, docs: list[str]) -> None:
        """Either one multi-document file or one file per document, as real repos mix both."""
        if self.rng.random() < 0.5:
            self.write(folder, f"{stem}.yaml", docs)
            return
        for number, doc in enumerate(docs):
            self.write(folder, f"{stem}-{number}.yaml", [doc])


def generate(root: str, documents: int = 100_000, seed: int = 6, kong_share: float = 0.05,
             collisions: int = 3) -> Writer:
    """Write about ``documents`` documents below ``root``; ``kong_share`` of them are consumers+Secrets."""
    rng = random.Random(seed)
    writer = Writer(root, rng)
    consumers = max(2 * collisions, int(documents * kong_share / 2))
    _write_consumers(writer, consumers, collisions)
    app = 0
    while writer.documents < documents:
        team = f"team-{app // 40:04d}"
        docs = _app_docs(rng, team, f"app-{app:06d}", app)
        docs = docs[: documents - writer.documents]
        writer.write_split(os.path.join("apps", team, f"app-{app:06d}"), "manifests", docs)
        app += 1
    return writer


def _write_consumers(writer: Writer, consumers: int, collisions: int) -> None:
    """Consumers with a key-auth Secret each; ``collisions`` of them reuse another's key."""
    step = max(1, consumers // max(1, collisions))
    batch: list[str] = []
    for number in range(consumers):
        collide = number - 1 if collisions and number % step == step - 1 and number // step < collisions else None
        batch.extend(_consumer_docs(f"tenant-{number // 500:04d}", number, collide))
        if len(batch) >= 20 or number == consumers - 1:
            writer.write(os.path.join("kong", f"tenant-{number // 500:04d}"), f"consumers-{number:07d}.yaml", batch)
            batch = []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--consumers", type=int, help="only consumers and their Secrets (scaling case)")
    parser.add_argument("--collisions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    if args.consumers:
        writer = Writer(args.out, random.Random(args.seed))
        _write_consumers(writer, args.consumers, args.collisions)
    else:
        writer = generate(args.out, args.documents, args.seed, collisions=args.collisions)
    print(f"{writer.documents} documents in {writer.files} files below {args.out}")


if __name__ == "__main__":
    main()
