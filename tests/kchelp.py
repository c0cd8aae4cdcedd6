"""Helpers for the core tests: run the real CLI on fixtures from the repository root."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from kongcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULES = "fixtures/rules"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    def findings(self, rule: str | None = None) -> list[dict]:
        return [f for f in self.json["findings"] if rule is None or f["rule"] == rule]

    def rules(self) -> list[str]:
        return sorted(f["rule"] for f in self.json["findings"])


def invoke_in(cwd, args, input: bytes | str | None = None):
    """Run ``kongcheck ARGS`` in-process from ``cwd`` (paths in the output are then as a user
    there sees them); return click's Result."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def cli(*args: str, input: bytes | str | None = None) -> Run:
    """Run ``kongcheck ARGS`` with the repository root as the working folder."""
    result = invoke_in(ROOT, args, input)
    return Run(result.exit_code, result.stdout, result.stderr)


def scan_json(*args: str, input: bytes | str | None = None) -> Run:
    return cli("scan", "--format", "json", *args, input=input)


def fixture(name: str) -> str:
    return f"{RULES}/{name}"


def res(kind: str, namespace: str, name: str, file: str, line: int, column: int, source: str = "file") -> dict:
    """A JSON ``resources`` entry, as the report must spell it."""
    return {"kind": kind, "namespace": namespace, "name": name, "file": file, "line": line,
            "column": column, "source": source}


# --- Unit-test helpers: the index and the rules from a YAML string, no CLI --------------------

def settings(kic: str | None = None, kong: str | None = None, **fields):
    """Settings for a unit test; ``kic``/``kong`` as on the command line (``"3.3"``)."""
    from kongcheck.facts import versions
    from kongcheck.settings import Settings

    target = versions.Target(kic=versions.parse(kic, "KIC") if kic else versions.NEWEST_KIC,
                             kong=versions.parse(kong, "Kong") if kong else versions.NEWEST_KONG)
    return Settings(target=target, **fields)


def documents_of(text: str, name: str = "t.yaml", kind: str = "file", digest=None):
    """The located documents of a YAML text, as the loading stage gives them (errors raise); ``digest``:
    as a scan loads them, each made into its record and its tree dropped (index.Digester)."""
    from kongcheck.loading import LoadOptions, LoadResult, load
    from kongcheck.sources import Source

    result = LoadResult(digest=digest)
    data = text.encode()
    load(Source(name, kind, reader=lambda: data), LoadOptions(parse_all=True), result)
    assert not result.errors, [str(error) for error in result.errors]
    for order, document in enumerate(result.documents):
        document.order = order
    return result.documents


def index_of(text: str, **kwargs):
    """The Kong index of a YAML text; keyword arguments as for :func:`settings`."""
    from kongcheck.index import Digester, build

    chosen = settings(**kwargs)
    return build(documents_of(text, digest=Digester(chosen)), chosen)


def findings_of(text: str, rule: str | None = None, **kwargs):
    """The rules' findings on a YAML text (``rule``: only that rule's)."""
    from kongcheck import rules

    return [f for f in rules.run(index_of(text, **kwargs)) if rule is None or f.rule == rule]


def at(finding) -> list[tuple[str, int, int]]:
    """(resource id, line, column) of each participant: where a finding points."""
    return [(p.ref.id, p.location.line, p.location.column) for p in finding.participants]


def consumer(name: str, namespace: str | None = None, cls: str | None = "kong", *, plugins: str | None = None,
             **fields) -> str:
    """A KongConsumer document; ``plugins`` its konghq.com/plugins annotation, ``fields`` its top-level
    fields (lists as flow sequences)."""
    lines = ["apiVersion: configuration.konghq.com/v1", "kind: KongConsumer", "metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    annotations = [f"    kubernetes.io/ingress.class: {cls}"] if cls is not None else []
    if plugins is not None:
        annotations.append(f"    konghq.com/plugins: {plugins}")
    if annotations:
        lines += ["  annotations:", *annotations]
    for key, value in fields.items():
        key = {"consumer_groups": "consumerGroups"}.get(key, key)
        lines.append(f"{key}: [{', '.join(value)}]" if isinstance(value, list) else f"{key}: {value}")
    return "\n".join(lines) + "\n"


def secret(name: str, cred_type: str | None, namespace: str | None = None, /, **values) -> str:
    """A credential Secret document with ``stringData`` values (``cred_type`` None: no label)."""
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    if cred_type is not None:
        lines += ["  labels:", f"    konghq.com/credential: {cred_type}"]
    if values:
        lines.append("stringData:")
        lines += [f"  {key}: {value!r}" if value == "" else f"  {key}: {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def sealed_secret(name: str, labels: str = "konghq.com/credential: key-auth", namespace: str | None = None,
                  template_meta: str = "") -> str:
    """A SealedSecret whose template gets ``labels`` (None: no labels) and ``template_meta`` lines."""
    lines = ["apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    lines += ["spec:", "  encryptedData:", "    key: AgBy3i4OJSWK+PiTySYZZA==", "  template:", "    metadata:"]
    lines += [f"      {line}" for line in template_meta.splitlines()]
    if labels is not None:
        lines += ["      labels:"] + [f"        {line}" for line in labels.splitlines()]
    return "\n".join(lines) + "\n"


def external_secret(name: str, target: str = "", labels: str | None = None) -> str:
    """An ExternalSecret with its own ``labels`` and the lines of ``spec.target``."""
    lines = ["apiVersion: external-secrets.io/v1beta1", "kind: ExternalSecret", "metadata:", f"  name: {name}"]
    if labels is not None:
        lines += ["  labels:"] + [f"    {line}" for line in labels.splitlines()]
    lines += ["spec:", "  secretStoreRef: {name: vault, kind: ClusterSecretStore}"]
    if target:
        lines += ["  target:"] + [f"    {line}" for line in target.splitlines()]
    lines += ["  data:", "  - secretKey: key", "    remoteRef: {key: kong/alice}"]
    return "\n".join(lines) + "\n"


def yaml_stream(*documents: str) -> str:
    return "---\n".join(documents)


def index_with_live(live: str, manifests: str = "", **kwargs):
    """The index of live objects (a cluster source, applied first) and manifests on top of them."""
    from kongcheck.index import build

    documents = documents_of(live, "cluster:test", kind="cluster") + (documents_of(manifests) if manifests else [])
    for order, document in enumerate(documents):
        document.order = order
    return build(documents, settings(**kwargs))


def findings_with_live(live: str, manifests: str = "", rule: str | None = None, **kwargs):
    from kongcheck import rules

    return [f for f in rules.run(index_with_live(live, manifests, **kwargs)) if rule is None or f.rule == rule]


def ca_cert(name: str, id: str | None, cert: str | None, namespace: str | None = None, /, kind: str = "Secret",
            label: str = '"true"', created: str | None = None, key: str = "cert", annotations: dict | None = None) -> str:
    """A CA certificate Secret (``stringData``) or ConfigMap (``data``); ``cert`` is PEM text."""
    lines = ["apiVersion: v1", f"kind: {kind}", "metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    if created:
        lines.append(f'  creationTimestamp: "{created}"')
    if annotations:
        lines += ["  annotations:"] + [f"    {k}: {v}" for k, v in annotations.items()]
    lines += ["  labels:", f"    konghq.com/ca-cert: {label}", "stringData:" if kind == "Secret" else "data:"]
    if id is not None:
        lines.append(f"  id: {json.dumps(id)}" if id == "" or id != id.strip() else f"  id: {id}")
    if cert is not None:
        lines.append(f"  {key}: |" if cert else f"  {key}: ''")
        lines += ["    " + line for line in cert.splitlines()]
    if id is None and cert is None:
        lines.append("  other: x")
    return "\n".join(lines) + "\n"
