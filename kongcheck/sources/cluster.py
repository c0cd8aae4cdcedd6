"""Live cluster state for `--cluster` and `--cluster-snapshot`.

fetch_live_objects() reads KongConsumers, KongConsumerGroups, KongVaults,
credential Secrets and CA certificates (Secrets and ConfigMaps labelled
konghq.com/ca-cert=true) read-only from the API server; load_snapshot_located()
reads the same state from `kubectl get ... -o yaml` output. Both give plain
object dicts reduced at once, each to a Feed as it is read (or as a list):
Secrets keep only their credential type and the one unique field (key /
username / client_id), CA certificates their id and certificate text, never
any other value.
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

__all__ = ["ClusterError", "Collected", "Feed", "fetch_live_objects", "load_snapshot_located"]

DEFAULT_DEADLINE = 300.0  # --cluster-deadline


class Feed:
    """Where reduced live objects go as they are read, so that none is held longer than it takes to
    take it: ``add(obj, line, order)`` takes one (``order`` None: after every other so far), ``reserve()``
    gives a place in the order for an object decided on later, and what came after ``mark()`` is
    taken back by ``back_to(mark)`` (a list that turns out unusable, a snapshot that cannot be read).
    ``connected(context)`` names the cluster before its first object comes."""

    def connected(self, context: str) -> None:
        pass

    def add(self, obj: dict, line: int | None = None, order: int | None = None) -> None:
        raise NotImplementedError

    def reserve(self) -> int:
        raise NotImplementedError

    def mark(self):
        raise NotImplementedError

    def back_to(self, mark) -> None:
        raise NotImplementedError


class Collected(Feed):
    """A Feed that keeps what it is given: ``located()`` is each (object, line) in order."""

    def __init__(self) -> None:
        self.taken: list = []  # (order, object, line)
        self.next = 0

    def add(self, obj: dict, line: int | None = None, order: int | None = None) -> None:
        self.taken.append((self.reserve() if order is None else order, obj, line))

    def reserve(self) -> int:
        self.next += 1
        return self.next - 1

    def mark(self) -> int:
        return len(self.taken)

    def back_to(self, mark: int) -> None:
        del self.taken[mark:]

    def located(self) -> list[tuple[dict, int | None]]:
        return [(obj, line) for _order, obj, line in sorted(self.taken, key=lambda taken: taken[0])]


def fetch_live_objects(context: str | None = None, kubeconfig: str | None = None,
                       namespaces: Iterable[str] = (), timeout: float = 30.0,
                       referenced_secrets: Iterable[tuple[str, str]] = (),
                       page_size: int | None = None, ingress_class: str | None = None,
                       skip_kinds: Iterable[str] = (), optional_kinds: Iterable[str] = (),
                       deadline: float = DEFAULT_DEADLINE, max_body: int = 64 << 20, max_objects: int = 100_000,
                       problems: list | None = None, feed: Feed | None = None) -> tuple[str, list]:
    """(context name, reduced objects) from the cluster of `context` (default: current-context); with
    `feed`, each object goes to it as it is read instead (and the list is empty).

    `namespaces` limits namespaced kinds (KongVaults are cluster-scoped and always read).
    `referenced_secrets` are (namespace, name) of Secrets that manifests name: any of them
    not listed by label is fetched one by one, like those the live KongConsumers name.
    `ingress_class`: also GET that IngressClass (it says whether the class is the default).
    `skip_kinds` are not read; for `optional_kinds` an absent CRD means none (older KIC).
    `timeout` bounds each request and each exec plugin run, `deadline` the whole fetch (the time
    `feed` takes an object is not counted); an answer over `max_body` bytes or a list of over
    `max_objects` objects is refused.  An object that cannot be used becomes one ClusterError in
    `problems` (raised at once when it is None).  What a list that fails gave is taken back from
    the feed, and so is everything when the fetch fails.
    """
    from .kube.extra import require_client

    require_client()  # before api/connect, which import the extra's libraries
    from .kube.api import PAGE_SIZE, Clock, KubeApi
    from .kube.connect import bounded_exec, connect

    into = Collected() if feed is None else feed
    start = into.mark()
    clock = Clock(deadline)
    try:
        with bounded_exec(lambda: min(timeout, clock.left())):
            conn = connect(context=context, kubeconfig=kubeconfig)
            into.connected(conn.context)
            api = KubeApi(conn, timeout, clock, max_body, max_objects)
            _fetch(api, namespaces, referenced_secrets, page_size or PAGE_SIZE, ingress_class,
                   set(skip_kinds), set(optional_kinds), problems, into)
    except BaseException:
        into.back_to(start)
        raise
    return conn.context, [obj for obj, _line in into.located()] if feed is None else []


def _fetch(api, namespaces, referenced_secrets, size, ingress_class, skip_kinds, optional_kinds, problems, feed):
    scopes = sorted(set(namespaces)) or [None]
    listed_secrets: set = set()  # (namespace, name) of the Secrets listed
    named: set = set()  # Secrets the listed objects name

    def take(reduced: dict, listed: set, added: list) -> None:
        meta = reduced["metadata"]
        key = (meta.get("namespace"), meta["name"])
        named.update(secret_refs([reduced]))
        if reduced["kind"] == "Secret":
            listed_secrets.add(key)
        if key not in listed:  # one object listed by several selectors is taken once, where it is first listed
            listed.add(key)
            added.append(key)
            with api.clock.paused():
                feed.add(reduced)
    for mode in ("list", "labelled"):
        for row, resource in read(mode):
            if row.kind in skip_kinds:
                continue
            listed: set = set()
            for selector in row.live_labels or (None,):
                for namespace in scopes if resource.namespaced else [None]:
                    _list(api, feed, resource, namespace, selector, size, row.kind in optional_kinds, problems,
                          lambda obj, added, r=resource: take(reduce_object(obj, r), listed, added), listed)
    secrets = RESOURCES["Secret"]
    for namespace, name in sorted(_unlisted_refs(listed_secrets, named, referenced_secrets, scopes)):
        _get(api, secrets, namespace, name, feed, problems)
    for _row, resource in read("named") if ingress_class else ():
        _get(api, resource, None, ingress_class, feed, problems)


def _list(api, feed, resource, namespace, selector, size, missing_ok, problems, take, listed: set) -> None:
    """One LIST into ``feed``; a list that fails, or starts again (an expired continue token), takes back
    what it gave (the objects, and their keys from ``listed``)."""
    mark, added = feed.mark(), []

    def again() -> None:
        feed.back_to(mark)
        listed.difference_update(added)
        added.clear()
    try:
        api.list_objects(resource, namespace, lambda obj: take(obj, added), selector, size, missing_ok=missing_ok,
                         problems=problems, restart=again)
    except AnswerError as error:  # that list is lost; the others are still read
        again()
        if problems is None:
            raise
        problems.append(error.detached())


def _get(api, resource, namespace, name, feed: Feed, problems) -> None:
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
        reduced = reduce_object(found, resource, tls_secret=True)  # fetched because something names it
    except ItemProblem as problem:
        api.item_problem(problem, f"GET {resource.object_path(namespace, name)}", found, problems)
        return
    with api.clock.paused():
        feed.add(reduced)


def _unlisted_refs(listed: set, named: set, extra: Iterable[tuple[str, str]], scopes: list) -> set[tuple[str, str]]:
    wanted = named | {(ns, name) for ns, name in extra}
    if scopes != [None]:
        wanted = {(ns, name) for ns, name in wanted if ns in scopes}
    return wanted - listed


def load_snapshot_located(path: str, referenced_secrets: Iterable[tuple[str, str]] = (), max_size: int = 64 << 20,
                          problems: list | None = None, feed: Feed | None = None) -> list[tuple[dict, int]]:
    """Reduced objects, each with its 1-based line, from `kubectl get kongconsumers,kongconsumergroups,kongvaults
    -A -o yaml` and `kubectl get secrets -A -l konghq.com/credential -o yaml` output (YAML or JSON); with
    `feed`, each object goes to it instead (and the list is empty).

    Kinds kongcheck does not read are skipped; Secrets are kept when labelled
    `konghq.com/credential` or named by a consumer (the snapshot's or `referenced_secrets`).
    An object that cannot be used (``labels: [a]``, ``stringData: [a]``) is one ClusterError in
    `problems`, located at the offending field (raised at once when `problems` is None).

    Each object is reduced as it is read (kube/snapshot.py) and, when a live fetch would list it and
    it has no TLS part, given to the feed at once; what is known only once every object is read
    (which other Secrets are named, as credentials or TLS certificates) is decided on what was noted
    of each of the others, which wait packed (kube/packed.py) in their place in the order.  A snapshot that cannot
    be read takes back all it gave.
    """
    from .kube.snapshot import ITEM, SETTLED, not_an_object, read_snapshot

    into = Collected() if feed is None else feed
    start = into.mark()
    named_tls = set(referenced_secrets)  # Secrets named as TLS certificates, by a manifest or the snapshot
    named = set(named_tls)  # Secrets named at all
    waiting = []  # _Read of the objects decided on once every object is read
    found: list = []  # problems, in file order once every item is read
    document = _Document(into)  # what the items of the document being read gave, until it says they count
    try:
        for what, read, line in read_snapshot(path, lambda obj, line: _reduced(obj, line, path), max_size,
                                              found if problems is not None else None):
            if what == SETTLED:
                if read:
                    for line in document.not_objects:
                        not_an_object(path, line, found if problems is not None else None)
                    found += document.errors
                    named.update(document.named)
                    named_tls.update(document.named_tls)
                    waiting += document.waiting
                else:
                    into.back_to(document.mark)
                document = _Document(into)
            elif what == ITEM:
                document.take(read, line)
            else:
                _take(read, found, (named, named_tls, waiting), into)
        if problems is None and found:
            raise found[0]
        for read in waiting:
            if not read.listed and read.secret not in named:
                continue
            obj = unpack(read.packed)
            if read.tls_part and read.secret in named_tls:
                obj["data"].update(read.tls_part)
            into.add(obj, read.line, read.order)
    except BaseException:
        into.back_to(start)
        raise
    if problems is not None:
        problems.extend(sorted(found, key=lambda error: error.line or 0))
    return into.located() if feed is None else []


def _take(read, found: list, noted: tuple, feed: Feed) -> None:
    """One object's _reduced(): the problem noted, the object given to ``feed`` or waiting, its names noted."""
    if read is None:
        return
    if isinstance(read, ClusterError):
        found.append(read)
        return
    read, names, names_tls = read
    named, named_tls, waiting = noted
    named.update(names)
    named_tls.update(names_tls)
    if read.listed and not read.tls_part:
        feed.add(unpack(read.packed), read.line)
    else:
        read.order = feed.reserve()
        waiting.append(read)


class _Document:
    """What the items of one List gave while its document is read: its objects are given to the feed
    at once (and taken back from ``mark`` when the List turns out not to count), the rest is noted."""

    def __init__(self, feed: Feed) -> None:
        self.feed, self.mark = feed, None
        self.errors, self.not_objects, self.waiting = [], [], []
        self.named, self.named_tls = set(), set()

    def take(self, read, line: int) -> None:
        from .kube.snapshot import NOT_OBJECT

        if self.mark is None:
            self.mark = self.feed.mark()
        if read is NOT_OBJECT:
            self.not_objects.append(line)
            return
        _take(read, self.errors, (self.named, self.named_tls, self.waiting), self.feed)


class _Read:
    """What the second look at a snapshot needs of one reduced object: the object packed, its line, the
    key of a Secret, whether a live fetch would list it, a Secret's TLS part while it is not
    known to be needed, and (once it waits) its place in the order."""

    __slots__ = ("packed", "line", "secret", "listed", "tls_part", "order")

    def __init__(self, reduced: dict, line: int, tls_part: dict | None = None) -> None:
        meta = reduced["metadata"]
        self.packed, self.line = pack(reduced), line
        self.secret = (meta.get("namespace") or "default", meta["name"]) if reduced["kind"] == "Secret" else None
        self.listed = _listed(reduced)
        self.tls_part = tls_part or None
        self.order = None


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
