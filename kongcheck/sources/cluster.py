"""Live cluster state for `--cluster` and `--cluster-snapshot`.

fetch_live_objects() reads KongConsumers, KongConsumerGroups, KongVaults,
credential Secrets and CA certificates (Secrets and ConfigMaps labelled
konghq.com/ca-cert=true) read-only from the API server; load_snapshot_located()
reads the same state from `kubectl get ... -o yaml` output. Both return plain
object dicts reduced at once: Secrets keep only their credential type and the
one unique field (key / username / client_id), CA certificates their id and
certificate text, never any other value.
The Kubernetes client and urllib3 (optional extra `kongcheck[cluster]`) are
imported only when fetch_live_objects() runs, after kube/extra.py checked them.
"""

from __future__ import annotations

from typing import Iterable

from kongcheck.facts import tls
from kongcheck.facts.kinds import BY_KIND

from .kube.answers import ItemProblem, selected
from .kube.errors import AnswerError, ClusterError
from .kube.reduce import reduce_object, resource_of, secret_refs, tls_part, tls_secret_refs
from .kube.resources import RESOURCES, read

__all__ = ["ClusterError", "fetch_live_objects", "load_snapshot_located"]

DEFAULT_DEADLINE = 300.0  # --cluster-deadline


def fetch_live_objects(context: str | None = None, kubeconfig: str | None = None,
                       namespaces: Iterable[str] = (), timeout: float = 30.0,
                       referenced_secrets: Iterable[tuple[str, str]] = (),
                       page_size: int | None = None, ingress_class: str | None = None,
                       skip_kinds: Iterable[str] = (), optional_kinds: Iterable[str] = (),
                       deadline: float = DEFAULT_DEADLINE, max_body: int = 64 << 20, max_objects: int = 100_000,
                       problems: list | None = None) -> tuple[str, list[dict]]:
    """(context name, reduced objects) from the cluster of `context` (default: current-context).

    `namespaces` limits namespaced kinds (KongVaults are cluster-scoped and always read).
    `referenced_secrets` are (namespace, name) of Secrets that manifests name: any of them
    not listed by label is fetched one by one, like those the live KongConsumers name.
    `ingress_class`: also GET that IngressClass (it says whether the class is the default).
    `skip_kinds` are not read; for `optional_kinds` an absent CRD means none (older KIC).
    `timeout` bounds each request and each exec plugin run, `deadline` the whole fetch; an
    answer over `max_body` bytes or a list of over `max_objects` objects is refused.  An object
    that cannot be used becomes one ClusterError in `problems` (raised at once when it is None).
    """
    from .kube.extra import require_client

    require_client()  # before api/connect, which import the extra's libraries
    from .kube.api import PAGE_SIZE, Clock, KubeApi
    from .kube.connect import bounded_exec, connect

    clock = Clock(deadline)
    with bounded_exec(lambda: min(timeout, clock.left())):
        conn = connect(context=context, kubeconfig=kubeconfig)
        api = KubeApi(conn, timeout, clock, max_body, max_objects)
        return conn.context, _fetch(api, namespaces, referenced_secrets, page_size or PAGE_SIZE, ingress_class,
                                    set(skip_kinds), set(optional_kinds), problems)


def _fetch(api, namespaces, referenced_secrets, size, ingress_class, skip_kinds, optional_kinds, problems):
    scopes = sorted(set(namespaces)) or [None]
    objects: list[dict] = []
    for mode in ("list", "labelled"):
        for row, resource in read(mode):
            if row.kind in skip_kinds:
                continue
            listed: dict = {}  # one object listed by several selectors is kept once
            for selector in row.live_labels or (None,):
                for namespace in scopes if resource.namespaced else [None]:
                    try:
                        found = api.list_objects(resource, namespace, lambda o, r=resource: reduce_object(o, r),
                                                 selector, size, missing_ok=row.kind in optional_kinds,
                                                 problems=problems)
                    except AnswerError as error:  # that list is lost; the others are still read
                        if problems is None:
                            raise
                        problems.append(error.detached())
                        continue
                    for obj in found:
                        listed.setdefault((obj["metadata"].get("namespace"), obj["metadata"]["name"]), obj)
            objects.extend(listed.values())
    secrets = RESOURCES["Secret"]
    for namespace, name in sorted(_unlisted_refs(objects, referenced_secrets, scopes)):
        _get(api, secrets, namespace, name, objects, problems)
    for _row, resource in read("named") if ingress_class else ():
        _get(api, resource, None, ingress_class, objects, problems)
    return objects


def _get(api, resource, namespace, name, objects: list, problems) -> None:
    try:
        found = api.get_object(resource, namespace, name, problems)
    except AnswerError as error:
        if problems is None:
            raise
        problems.append(error.detached())
        return
    if found is None:
        return
    try:
        objects.append(reduce_object(found, resource, tls_secret=True))  # fetched because something names it
    except ItemProblem as problem:
        api.item_problem(problem, f"GET {resource.object_path(namespace, name)}", found, problems)


def _unlisted_refs(objects: list[dict], extra: Iterable[tuple[str, str]], scopes: list) -> set[tuple[str, str]]:
    listed = {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects if o["kind"] == "Secret"}
    wanted = secret_refs(objects) | {(ns, name) for ns, name in extra}
    if scopes != [None]:
        wanted = {(ns, name) for ns, name in wanted if ns in scopes}
    return wanted - listed


def load_snapshot_located(path: str, referenced_secrets: Iterable[tuple[str, str]] = (), max_size: int = 64 << 20,
                          problems: list | None = None) -> list[tuple[dict, int]]:
    """Reduced objects, each with its 1-based line, from `kubectl get kongconsumers,kongconsumergroups,kongvaults
    -A -o yaml` and `kubectl get secrets -A -l konghq.com/credential -o yaml` output (YAML or JSON).

    Kinds kongcheck does not read are skipped; Secrets are kept when labelled
    `konghq.com/credential` or named by a consumer (the snapshot's or `referenced_secrets`).
    Each object is reduced as it is read (kube/snapshot.py): what is known only once every object
    is read (which Secrets are named, as credentials or TLS certificates) is decided on the
    reduced objects.
    An object that cannot be used (``labels: [a]``, ``stringData: [a]``) is one ClusterError in
    `problems`, located at the offending field (raised at once when `problems` is None).
    """
    from .kube.snapshot import read_snapshot

    referenced_secrets = set(referenced_secrets)
    named_tls = set(referenced_secrets)  # Secrets named as TLS certificates, by a manifest or the snapshot
    located = []  # (reduced object, line, its TLS part while it is not known to be needed)
    found: list = []  # in file order once every item is read
    for read in read_snapshot(path, lambda obj, line: _reduced(obj, line, path), max_size,
                              found if problems is not None else None):
        if isinstance(read, ClusterError):
            found.append(read)
        elif read is not None:
            obj, line, refs, tls_part = read
            named_tls |= refs
            located.append((obj, line, tls_part))
    if problems is None and found:
        raise found[0]
    if problems is not None:
        problems.extend(sorted(found, key=lambda error: error.line or 0))
    for obj, _, tls_part in located:
        if tls_part and _names_tls(obj, named_tls):
            obj["data"].update(tls_part)
    refs = secret_refs([o for o, _, _ in located]) | referenced_secrets
    return [(o, line) for o, line, _ in located if _kept(o, refs)]


def _reduced(obj: dict, line: int, path: str):
    """(reduced object, line, TLS Secrets it names, a Secret's TLS part), None for a kind not read, or
    the ClusterError that makes it unusable."""
    resource = resource_of(obj)
    if resource is None:
        return None
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        return ClusterError(f"{resource.kind} without metadata.name in cluster snapshot", path, line)
    try:
        reduced = reduce_object(obj, resource)
    except ItemProblem as problem:
        name = f" {meta['name']!r}" if isinstance(meta["name"], str) else ""
        return ClusterError(f"{resource.kind}{name} in cluster snapshot: {problem.problem}", path,
                            _line_of(obj, problem.path, line))
    if resource.kind == "Secret":
        return reduced, line, set(), tls_part(obj) if reduced.get("type") != tls.SECRET_TYPE else None
    return reduced, line, tls_secret_refs([obj]), None


def _names_tls(obj: dict, named: set) -> bool:
    """Whether a reduced Secret is one that something names as a TLS certificate."""
    meta = obj["metadata"]
    return (meta.get("namespace") or "default", meta["name"]) in named


def _line_of(obj, path: tuple, line: int) -> int:
    """The line of the field at ``path`` in a composed object (its parent's when it has none)."""
    node = obj
    for key in path:
        where = getattr(node, "where", None)
        if where is None or not isinstance(node, dict) or key not in node:
            break
        line = where(key)[0]
        node = node[key]
    return line


def _kept(obj: dict, refs: set[tuple[str, str]]) -> bool:
    """Objects of a kind read by label (facts/kinds.py) are kept when a live fetch would list them,
    Secrets also when something names them."""
    row = BY_KIND[obj["kind"]]
    if row.live != "labelled":
        return True
    meta = obj["metadata"]
    if any(selected(meta.get("labels"), selector) for selector in row.live_labels):
        return True
    return obj["kind"] == "Secret" and (meta.get("namespace") or "default", meta["name"]) in refs
