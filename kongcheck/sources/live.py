"""Live cluster state as Sources, in the order `kubectl apply` would merge it.

Each live object is one Source of kind `cluster`, named `cluster:<context>/<namespace>/<Kind>/<name>`
(`cluster:snapshot/...` for a snapshot, with `file:line` as detail).  The pipeline loads them
before the manifests, so a manifest that defines the same group/kind/namespace/name replaces
the live object (the index keeps the last definition).  What the findings about live objects
mean for the run is the verdict stage's (verdict/live.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from kongcheck.facts.kinds import KINDS
from kongcheck.model import ScanError, input_error

SNAPSHOT_LABEL = "cluster:snapshot"


@dataclass(slots=True)
class LiveOptions:
    cluster: bool = False  # --cluster
    context: str | None = None
    kubeconfig: str | None = None
    namespaces: tuple[str, ...] = ()
    timeout: float = 30.0  # each request and exec plugin run (--cluster-timeout)
    deadline: float = 300.0  # the whole fetch (--cluster-deadline)
    snapshots: tuple[str, ...] = ()  # --cluster-snapshot FILE
    fail_on_live: bool = False
    max_size: int = 64 << 20  # an API answer or a snapshot (--max-file-size)
    max_objects: int = 100_000  # objects in one LIST (--max-documents)

    @property
    def enabled(self) -> bool:
        return self.cluster or bool(self.snapshots)


def live_sources(options: LiveOptions, refs: set[tuple[str, str]], settings, load) -> list[ScanError]:
    """Give ``load`` each live object with the Source that names it, as it is read; the problems met
    getting them, as input errors.

    ``refs``: (namespace, name) of the Secrets the manifests reference (fetched when unlabelled).
    ``load`` takes ``(Source, object, order)``: the objects are in `kubectl apply` order once sorted
    by ``order``; ``reserve()``, ``mark()`` and ``back_to(mark)`` are those of a
    ``sources.cluster.Feed`` (what a failed list or an unreadable snapshot gave is taken back)."""
    from kongcheck.sources.cluster import ClusterError, fetch_live_objects, load_snapshot_located

    errors: list[ScanError] = []
    if options.cluster:
        problems: list[ClusterError] = []
        try:
            fetch_live_objects(
                context=options.context, kubeconfig=options.kubeconfig, namespaces=options.namespaces,
                timeout=options.timeout, referenced_secrets=refs, ingress_class=settings.ingress_class,
                deadline=options.deadline, max_body=options.max_size, max_objects=options.max_objects,
                problems=problems, feed=_Feed(load), **_kinds_for(settings.target))
        except ClusterError as exc:
            problems.append(exc.detached())
        errors += [_error(problem, "--cluster") for problem in problems]
    for path in options.snapshots:
        problems = []
        try:
            load_snapshot_located(path, refs, options.max_size, problems, feed=_Feed(load, SNAPSHOT_LABEL, path))
        except ClusterError as exc:
            problems.append(exc.detached())
        errors += [_error(problem, path) for problem in problems]
    return errors


class _Feed:
    """A ``sources.cluster.Feed`` that gives ``load`` each object with its Source: one of the cluster
    (``cluster:<context>``, named once connected) or of the snapshot ``path``."""

    __slots__ = ("load", "origin")

    def __init__(self, load, prefix: str = "", path: str | None = None) -> None:
        self.load, self.origin = load, (prefix, path)

    def connected(self, context: str) -> None:
        self.origin = (f"cluster:{context}", None)

    def add(self, obj: dict, line: int | None = None, order: int | None = None) -> None:
        self.load(*_source(self.origin, obj, line), self.load.reserve() if order is None else order)

    def reserve(self) -> int:
        return self.load.reserve()

    def mark(self):
        return self.load.mark()

    def back_to(self, mark) -> None:
        self.load.back_to(mark)


def _error(exc, default: str) -> ScanError:
    """A cluster problem names the file it is in (a snapshot, a kubeconfig), else the cluster."""
    if exc.file:
        return input_error(exc.file, exc.problem, "file", exc.line)
    return input_error(default, exc.problem, "cluster" if default == "--cluster" else "file")


def _kinds_for(target) -> dict:
    """Kinds the target KIC's CRDs lack are not read; those older KIC may lack, and those installed apart
    from KIC (Gateway API), answer 404 as none."""
    return {"skip_kinds": tuple(row.kind for row in KINDS if row.since and target.kic < row.since),
            "optional_kinds": tuple(row.kind for row in KINDS if row.crd_optional
                                    or (row.optional_before and target.kic < row.optional_before))}


def snapshot_position(location) -> tuple[str, int | None] | None:
    """(snapshot file, line) of a live object read from a --cluster-snapshot file, else None."""
    if location.source != "cluster" or not location.file.startswith(SNAPSHOT_LABEL + "/") or not location.detail:
        return None
    path, _, line = location.detail.rpartition(":")
    if not path:
        return None
    return path, int(line) if line.isdigit() else None


def _source(origin: tuple[str, str | None], obj: dict, line: int | None = None) -> tuple["LiveSource", dict]:
    """The Source a live object is located by, and the (reduced) object, loaded as it is."""
    meta = obj["metadata"]
    return LiveSource(origin, meta.get("namespace") or "", obj["kind"], meta["name"], line), obj


class LiveSource:
    """The Source of one live object, named ``<prefix>/<namespace>/<Kind>/<name>``, with the snapshot's
    ``file:line`` as detail.  Both texts are made when asked (a location, a message): a cluster has
    many objects and few are ever named, and their parts are texts the objects keep anyway.  It has
    the attributes and methods a Source has (it is not a subclass: a Source's slots would double its
    size) but no bytes to read, and holds only its own parts: what every live source
    shares (kind, no reader, no render, no default namespace) is the class's, and (prefix, file) is
    one pair for all the objects of a fetch or a snapshot."""

    __slots__ = ("_origin", "_object_namespace", "_object_kind", "_object_name", "_line")

    kind, is_json = "cluster", True
    reader = limited_reader = rendered = namespace = None

    def __init__(self, origin: tuple[str, str | None], namespace: str, kind: str, name: str,
                 line: int | None) -> None:
        self._origin = origin  # (prefix, snapshot file or None)
        self._object_namespace, self._object_kind, self._object_name = namespace, kind, name
        self._line = line

    @property
    def name(self) -> str:
        return f"{self._origin[0]}/{self._object_namespace}/{self._object_kind}/{self._object_name}"

    @property
    def detail(self) -> str | None:
        file = self._origin[1]
        return None if file is None else f"{file}:{self._line}"
