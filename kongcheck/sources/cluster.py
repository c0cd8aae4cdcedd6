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
from .kube.packed import pack, unpack
from .kube.reduce import reduce_object, resource_of, secret_refs, tls_part, tls_secret_refs
from .kube.resources import RESOURCES, read

__all__ = ["ClusterError", "fetch_live_objects", "load_snapshot_located", "load_snapshot_packed"]

DEFAULT_DEADLINE = 300.0  # --cluster-deadline


def fetch_live_objects(context: str | None = None, kubeconfig: str | None = None,
                       namespaces: Iterable[str] = (), timeout: float = 30.0,
                       referenced_secrets: Iterable[tuple[str, str]] = (),
                       page_size: int | None = None, ingress_class: str | None = None,
                       skip_kinds: Iterable[str] = (), optional_kinds: Iterable[str] = (),
                       deadline: float = DEFAULT_DEADLINE, max_body: int = 64 << 20, max_objects: int = 100_000,
                       problems: list | None = None, packed: bool = False) -> tuple[str, list]:
    """(context name, reduced objects) from the cluster of `context` (default: current-context); with
    `packed`, each object as it was packed when read (kube/packed.py: ``unpack`` gives it back).

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
        objects = _fetch(api, namespaces, referenced_secrets, page_size or PAGE_SIZE, ingress_class,
                         set(skip_kinds), set(optional_kinds), problems)
    return conn.context, objects if packed else [unpack(obj) for obj in objects]


def _fetch(api, namespaces, referenced_secrets, size, ingress_class, skip_kinds, optional_kinds, problems):
    scopes = sorted(set(namespaces)) or [None]
    objects: list = []  # packed
    listed_secrets: set = set()  # (namespace, name) of the Secrets listed
    named: set = set()  # Secrets the listed objects name

    def kept(reduced: dict) -> tuple:
        meta = reduced["metadata"]
        key = (meta.get("namespace"), meta["name"])
        named.update(secret_refs([reduced]))
        if reduced["kind"] == "Secret":
            listed_secrets.add(key)
        return key, pack(reduced)
    for mode in ("list", "labelled"):
        for row, resource in read(mode):
            if row.kind in skip_kinds:
                continue
            listed: dict = {}  # one object listed by several selectors is kept once
            for selector in row.live_labels or (None,):
                for namespace in scopes if resource.namespaced else [None]:
                    try:
                        found = api.list_objects(resource, namespace, lambda o, r=resource: kept(reduce_object(o, r)),
                                                 selector, size, missing_ok=row.kind in optional_kinds,
                                                 problems=problems)
                    except AnswerError as error:  # that list is lost; the others are still read
                        if problems is None:
                            raise
                        problems.append(error.detached())
                        continue
                    for key, packed in found:
                        listed.setdefault(key, packed)
            objects.extend(listed.values())
    secrets = RESOURCES["Secret"]
    for namespace, name in sorted(_unlisted_refs(listed_secrets, named, referenced_secrets, scopes)):
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
        objects.append(pack(reduce_object(found, resource, tls_secret=True)))  # fetched because something names it
    except ItemProblem as problem:
        api.item_problem(problem, f"GET {resource.object_path(namespace, name)}", found, problems)


def _unlisted_refs(listed: set, named: set, extra: Iterable[tuple[str, str]], scopes: list) -> set[tuple[str, str]]:
    wanted = named | {(ns, name) for ns, name in extra}
    if scopes != [None]:
        wanted = {(ns, name) for ns, name in wanted if ns in scopes}
    return wanted - listed


def load_snapshot_located(path: str, referenced_secrets: Iterable[tuple[str, str]] = (), max_size: int = 64 << 20,
                          problems: list | None = None) -> list[tuple[dict, int]]:
    """Reduced objects, each with its 1-based line, from `kubectl get kongconsumers,kongconsumergroups,kongvaults
    -A -o yaml` and `kubectl get secrets -A -l konghq.com/credential -o yaml` output (YAML or JSON).

    Kinds kongcheck does not read are skipped; Secrets are kept when labelled
    `konghq.com/credential` or named by a consumer (the snapshot's or `referenced_secrets`).
    An object that cannot be used (``labels: [a]``, ``stringData: [a]``) is one ClusterError in
    `problems`, located at the offending field (raised at once when `problems` is None).
    """
    return [(unpack(packed), line) for packed, line in load_snapshot_packed(path, referenced_secrets, max_size,
                                                                            problems)]


def load_snapshot_packed(path: str, referenced_secrets: Iterable[tuple[str, str]] = (), max_size: int = 64 << 20,
                         problems: list | None = None) -> list[tuple[object, int]]:
    """load_snapshot_located(), each object packed (kube/packed.py: ``unpack`` gives it back).

    Each object is reduced and packed as it is read (kube/snapshot.py); what is known only once
    every object is read (which Secrets are named, as credentials or TLS certificates) is decided
    on what was noted of each reduced object."""
    from .kube.snapshot import read_snapshot

    referenced_secrets = set(referenced_secrets)
    named_tls = set(referenced_secrets)  # Secrets named as TLS certificates, by a manifest or the snapshot
    named = set(referenced_secrets)  # Secrets named at all
    read_objects = []  # (_Read, line) in file order
    found: list = []  # in file order once every item is read
    for read in read_snapshot(path, lambda obj, line: _reduced(obj, line, path), max_size,
                              found if problems is not None else None):
        if isinstance(read, ClusterError):
            found.append(read)
        elif read is not None:
            read, names, names_tls = read
            named.update(names)
            named_tls.update(names_tls)
            read_objects.append(read)
    if problems is None and found:
        raise found[0]
    if problems is not None:
        problems.extend(sorted(found, key=lambda error: error.line or 0))
    kept = []
    for read in read_objects:
        if not read.listed and (read.secret is None or read.secret not in named):
            continue
        packed = read.packed
        if read.tls_part and read.secret in named_tls:
            obj = unpack(packed)
            obj["data"].update(read.tls_part)
            packed = pack(obj)
        kept.append((packed, read.line))
    return kept


class _Read:
    """What the second look at a snapshot needs of one reduced object: the object packed, its line, the
    key of a Secret, whether a live fetch would list it, and a Secret's TLS part while it is not
    known to be needed."""

    __slots__ = ("packed", "line", "secret", "listed", "tls_part")

    def __init__(self, reduced: dict, line: int, tls_part: dict | None = None) -> None:
        meta = reduced["metadata"]
        self.packed, self.line = pack(reduced), line
        self.secret = (meta.get("namespace") or "default", meta["name"]) if reduced["kind"] == "Secret" else None
        self.listed = _listed(reduced)
        self.tls_part = tls_part or None


def _reduced(obj: dict, line: int, path: str):
    """(_Read, the Secrets it names, those it names as TLS certificates) of one object, None for a kind
    not read, or the ClusterError that makes it unusable."""
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
        return _Read(reduced, line, tls_part(obj) if reduced.get("type") != tls.SECRET_TYPE else None), (), ()
    return _Read(reduced, line), secret_refs([reduced]), tls_secret_refs([obj])


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


def _listed(obj: dict) -> bool:
    """Whether a live fetch would list a reduced object: kinds read by label (facts/kinds.py) when labelled."""
    row = BY_KIND[obj["kind"]]
    if row.live != "labelled":
        return True
    labels = obj["metadata"].get("labels")
    return any(selected(labels, selector) for selector in row.live_labels)
