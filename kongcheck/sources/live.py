"""Live cluster state as Sources, merged into a scan the way `kubectl apply` would merge it.

Live objects come first in apply order, so a manifest that defines the same
group/kind/namespace/name replaces the live object (the index keeps the last
definition). Each live object is one Source of kind `cluster`, named
`cluster:<context>/<namespace>/<Kind>/<name>` (`cluster:snapshot/...` for a
snapshot, with `file:line` as detail). Findings that no manifest object
contributes to (as a participant, an owner of a participating credential, or a
consumer KIC keeps or drops because of it) are what is already running:
collisions among them are kept but do not fail the run unless --fail-on-live;
other findings about them are dropped (their Secrets were reduced to the fields
collisions need).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from kongcheck.model import Finding, ScanError
from kongcheck.rules.table import UNIQUE_FIELDS
from kongcheck.sources import Source

COLLISION_RULES = frozenset({row.rule for row in UNIQUE_FIELDS} | {"credential-shared-by-consumers"})
SNAPSHOT_LABEL = "cluster:snapshot"


@dataclass(slots=True)
class LiveOptions:
    cluster: bool = False  # --cluster
    context: str | None = None
    kubeconfig: str | None = None
    namespaces: tuple[str, ...] = ()
    timeout: float = 30.0
    snapshots: tuple[str, ...] = ()  # --cluster-snapshot FILE
    fail_on_live: bool = False

    @property
    def enabled(self) -> bool:
        return self.cluster or bool(self.snapshots)


def referenced_secrets(documents, default_namespace: str) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret a KongConsumer in the manifests names."""
    refs = set()
    for doc in documents:
        body = doc.body
        if body.get("kind") != "KongConsumer" or not isinstance(body.get("metadata"), dict):
            continue
        namespace = body["metadata"].get("namespace") or default_namespace
        credentials = body.get("credentials")
        if isinstance(namespace, str) and isinstance(credentials, list):
            refs.update((namespace, name) for name in credentials if isinstance(name, str))
    return refs


def live_sources(options: LiveOptions, documents, settings) -> tuple[list[Source], list[ScanError]]:
    """The live objects as Sources, and the problems met getting them (as input errors)."""
    from kongcheck.sources.cluster import ClusterError, fetch_live_objects, load_snapshot_located

    refs = referenced_secrets(documents, settings.namespace)
    sources: list[Source] = []
    errors: list[ScanError] = []
    if options.cluster:
        try:
            context, objects = fetch_live_objects(
                context=options.context, kubeconfig=options.kubeconfig, namespaces=options.namespaces,
                timeout=options.timeout, referenced_secrets=refs, ingress_class=settings.ingress_class,
                **_kinds_for(settings.target))
            sources += [_source(f"cluster:{context}", obj) for obj in objects]
        except ClusterError as exc:
            errors.append(ScanError(exc.file or "--cluster", exc.line, exc.problem))
    for path in options.snapshots:
        try:
            located = load_snapshot_located(path, refs)
        except ClusterError as exc:
            errors.append(ScanError(exc.file or path, exc.line, exc.problem))
            continue
        sources += [_source(SNAPSHOT_LABEL, obj, f"{path}:{line}") for obj, line in located]
    return sources, errors


def _kinds_for(target) -> dict:
    """KIC < 3.1 has no KongVault (and ignores them): not read. KIC 2.x may lack the KongConsumerGroup CRD."""
    return {"skip_kinds": () if target.supports_vaults else ("KongVault",),
            "optional_kinds": () if target.kic >= (3, 0) else ("KongConsumerGroup",)}


def _source(prefix: str, obj: dict, detail: str | None = None) -> Source:
    meta = obj["metadata"]
    name = f"{prefix}/{meta.get('namespace') or ''}/{obj['kind']}/{meta['name']}"
    data = json.dumps(obj).encode()
    return Source(name=name, kind="cluster", reader=lambda: data, is_json=True, detail=detail)


def apply_live_policy(findings: list[Finding], fail_on_live: bool, index) -> list[Finding]:
    """Mark findings no manifest object contributes to; keep collisions (as warnings unless --fail-on-live)."""
    is_live = _live_ids(index)
    kept = []
    for finding in findings:
        if not finding.participants or not all(is_live(ref_id) for ref_id in contributors(finding, index)):
            kept.append(finding)
        elif finding.rule in COLLISION_RULES:
            finding.live_only = True
            if not fail_on_live:
                finding.severity = "warning"
            kept.append(finding)
    return kept


def contributors(finding: Finding, index) -> set[str]:
    """Ids of every object behind a finding: its participants, the consumers that own a participating
    credential Secret, and the objects KIC keeps or drops because of it."""
    ids = {p.ref.id for p in finding.participants} | set(finding.kept) | set(finding.dropped)
    secrets = {p.ref for p in finding.participants if p.ref.kind == "Secret"}
    ids.update(a.consumer.obj.ref.id for a in index.attachments
               if a.secret is not None and a.secret.obj.ref in secrets)
    return ids


def _live_ids(index):
    """is_live(id): the definition the index keeps for that object came from the cluster.
    An id the index does not know counts as not live, so such a finding is never hidden."""
    live = {record.obj.ref.id: record.obj.is_live for record in index.records.values()}
    return lambda ref_id: live.get(ref_id, False)
