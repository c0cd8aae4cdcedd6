"""The whole scan in one place: a Request in, a ScanResult out.

sources (files, stdin, helm/kustomize renders, live state) -> located documents (loading) ->
the Kong index -> rules -> verdict (per-rule policy, live-only policy, suppressions, baseline).
The command line builds a Request from its flags and prints the result; a library caller gets
exactly the same verdict from ``kongcheck.scan(Request(...))``.
"""
from __future__ import annotations

import gc
import os
from typing import Callable

from kongcheck import index as kong_index
from kongcheck import rules
from kongcheck.loading import LoadOptions, LoadResult, load, load_deferred, load_object
from kongcheck.model import ScanError, input_error, plural
from kongcheck.settings import Settings
from kongcheck.sources import ahead, files
from kongcheck.verdict import ScanResult, policy, suppress

DEFAULT_RENDER_TIMEOUT = 120.0


class RequestError(Exception):
    """A request that cannot run as asked (a usage problem: the CLI shows it as `Error: ...`, exit 2)."""


class Request:
    """What to scan and how.  ``paths`` may hold files, folders and ``-`` (standard input, or
    ``stdin`` when given); with no paths and no renders, the working folder is scanned."""

    __slots__ = ("paths", "settings", "excludes", "helm", "kustomize", "render_timeout", "roots", "helm_defaults",
                 "kustomize_enable_helm", "live", "load", "allow_empty", "baseline", "write_baseline", "stdin",
                 "stdin_name", "progress")

    def __init__(self, paths: tuple[str, ...] = (), settings: Settings | None = None, excludes: tuple[str, ...] = (),
                 helm: tuple = (), kustomize: tuple[str, ...] = (), render_timeout: float = DEFAULT_RENDER_TIMEOUT,
                 roots: str = "fail", helm_defaults: object | None = None, kustomize_enable_helm: bool = False,
                 live: object | None = None, load: LoadOptions | None = None, allow_empty: bool = False,
                 baseline: str | None = None, write_baseline: str | None = None, stdin: bytes | None = None,
                 stdin_name: str | None = None, progress: Callable[[int], object] | None = None) -> None:
        self.paths = paths
        self.settings = Settings() if settings is None else settings
        self.excludes = excludes
        self.helm = helm  # sources.render.HelmRequest, one per chart
        self.kustomize = kustomize
        self.render_timeout = render_timeout
        # charts and kustomization roots met in walked folders: "fail" (each one is an input error),
        # "render" (rendered like --helm/--kustomize) or "files" (read as kubectl apply -R reads them)
        self.roots = roots
        self.helm_defaults = helm_defaults  # sources.render.HelmRequest: the options of found charts
        # kustomize build --enable-helm (the kustomization's helmCharts)
        self.kustomize_enable_helm = kustomize_enable_helm
        self.live = live  # sources.live.LiveOptions
        self.load = LoadOptions() if load is None else load
        self.allow_empty = allow_empty
        self.baseline = baseline  # accept the findings this file lists
        self.write_baseline = write_baseline  # record the findings in this file (and accept them)
        self.stdin = stdin  # the bytes of '-' (default: the process's standard input)
        self.stdin_name = stdin_name  # the file '-' stands for (--stdin-filename): its findings are located there
        self.progress = progress  # total -> an object with advance(done) and close(), or None

def run(request: Request) -> ScanResult:
    """Run the pipeline.  The cyclic garbage collector is paused meanwhile: the pipeline builds many
    containers and no cycles worth collecting, and full collections made time grow faster than the
    input (100,000 consumers: 28 s with it, 13 s without)."""
    if request.paths.count("-") > 1:
        raise RequestError("'-' (standard input) can be given only once")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(request)
    finally:
        if was_enabled:
            gc.enable()


def _sources(request: Request, result: ScanResult) -> tuple[list, list[ScanError], object, dict[str, int]]:
    """Every source in apply order, the errors met finding them, the stdin watch and the roots met
    that were not checked (tool -> count)."""
    if request.roots not in ("fail", "render", "files"):
        raise RequestError(f"roots must be fail, render or files, not {request.roots!r}")
    renders = request.helm or request.kustomize
    paths = request.paths or (() if renders else (".",))
    # folders rendered with --helm/--kustomize: the walk does not read their files besides
    named = {os.path.realpath(h.chart): "--helm" for h in request.helm}
    if request.kustomize:
        from kongcheck.sources.roots import is_remote

        named.update({os.path.realpath(k): "--kustomize" for k in request.kustomize if not is_remote(k)})
    collected = files.collect(paths, request.excludes, request.roots != "files", request.stdin, named,
                              request.stdin_name)
    result.skipped += collected.skipped
    sources, errors, unchecked = collected.sources, collected.errors, {}
    if renders or collected.roots:
        from kongcheck.sources import rendered, roots
        from kongcheck.sources.render import HelmRequest, KustomizeOptions

        helm = request.helm_defaults or HelmRequest(chart="", timeout=request.render_timeout)
        options = KustomizeOptions(timeout=request.render_timeout, enable_helm=request.kustomize_enable_helm,
                                   helm_api_versions=helm.api_versions, helm_kube_version=helm.kube_version)
        resolved = roots.resolve(collected, request.roots, named, rendered.found_renderer(helm, options))
        result.skipped += resolved.skipped
        sources, unchecked = resolved.sources, resolved.unchecked
        more, render_errors = rendered.collect(request.helm, request.kustomize, options)
        sources += more
        errors += resolved.errors + render_errors
    stdin = _watch_stdin(sources)
    return sources, errors, stdin, unchecked


def _load(sources: list, request: Request, loaded: LoadResult) -> None:
    reading = ahead.start(sources, request.load.max_file_size)  # a child reads the files ahead of loading
    try:
        tracker = request.progress(len(sources)) if request.progress is not None else None
        try:
            for done, source in enumerate(sources, 1):
                load(source, request.load, loaded)
                if tracker is not None:
                    tracker.advance(done)
        finally:
            if tracker is not None:
                tracker.close()
    finally:
        if reading is not None:
            reading.close()


def _run(request: Request) -> ScanResult:
    settings = request.settings
    result = ScanResult()
    sources, errors, stdin, unchecked = _sources(request, result)
    live = request.live if request.live is not None and request.live.enabled else None
    # each document becomes its index record as it is loaded, and its tree is dropped
    loaded = LoadResult(errors=errors, digest=kong_index.Digester(settings, references=live is not None))
    _load(sources, request, loaded)
    live_documents = _live_documents(live, loaded, settings) if live is not None else []
    documents = live_documents + loaded.documents  # live first: a manifest replaces the live object
    for order, document in enumerate(documents):
        document.order = order
    unread = len({error.file for error in loaded.errors})
    built = kong_index.build(documents, settings, unread)
    wanted = built.wanted_services() if loaded.deferred else None
    if wanted and load_deferred(loaded, wanted, request.load):
        documents = live_documents + loaded.documents  # the Services a rule asks for, in their apply order
        for order, document in enumerate(documents):
            document.order = order
        built = kong_index.build(documents, settings, len({error.file for error in loaded.errors}))
    for document in documents:  # the index holds the records now
        document.digest = None
    findings = policy.apply(rules.run(built), settings)
    if live is not None:
        from kongcheck.verdict import live as live_policy

        findings = live_policy.apply(findings, live.fail_on_live, built)
    result.warnings = settings.target.warnings()
    if settings.untrusted:
        result.notes += _ignored_suppressions(suppress.ignored(findings, built))
    else:
        result.warnings += suppress.apply(findings, built)
    result.files, result.documents = len(sources), loaded.document_count
    result.kong_resources, result.ignored = built.kong_resources, len(built.ignored)
    result.findings, result.errors = findings, loaded.errors + built.errors
    result.skipped += loaded.skipped + built.skipped
    result.has_manifests, result.live_objects = loaded.has_manifests, len(live_documents)
    result.fail_on_live = bool(live is not None and live.fail_on_live)
    _check_empty(result, request)
    _check_classes(result, built)
    _baseline(result, request)
    result.notes += _notes(result, request, stdin, unchecked) + _made_secrets_note(built, live is not None)
    return result


def _made_secrets_note(built, live: bool) -> list[str]:
    """One line for the whole scan when consumers name Secrets that SealedSecrets or ExternalSecrets make."""
    makers = built.made_secrets()
    if not makers:
        return []
    kinds = " and ".join(sorted({maker.obj.ref.kind for maker in makers}))
    what = f"{plural(len(makers), 'credential Secret')} that consumers name"
    made = f"{'are' if len(makers) > 1 else 'is'} made by {kinds} objects"
    if live:
        return [f"note: {what} {made} and not in the cluster yet: taken as present; their values were not checked"]
    return [f"note: {what} {made}: taken as present; their values are known only in the cluster and were not "
            "checked (--cluster checks them once they exist)"]


def _ignored_suppressions(count: int) -> list[str]:
    if not count:
        return []
    return [f"note: --untrusted: {plural(count, 'finding')} {'is' if count == 1 else 'are'} reported although "
            "suppressions in the scanned files "
            "would silence them; findings the base branch accepts belong in a trusted --baseline"]


def _live_documents(live, loaded: LoadResult, settings: Settings) -> list:
    """Fetch (or read) the live objects; their problems become input errors of the scan."""
    from kongcheck.sources.live import live_sources

    refs = kong_index.secret_references(loaded.documents, settings.namespace)
    live_loaded = _LiveLoad(settings)
    loaded.errors.extend(live_sources(live, refs, settings, live_loaded))
    return live_loaded.finish(loaded.errors)


class _LiveLoad:
    """Loads each live object as it is read (sources/live.py), so that it is only ever held as its
    record: ``(source, obj, order)`` takes one, ``order`` its place in `kubectl apply` order;
    ``mark()``/``back_to(mark)`` take back what a failed list or an unreadable snapshot gave.  Objects
    are loaded ``BATCH`` at a time: records made together sit together in memory, which keeps
    reading the next objects as fast as reading them all first."""

    BATCH = 1000

    def __init__(self, settings: Settings) -> None:
        self.result = LoadResult(digest=kong_index.Digester(settings))
        self.options = LoadOptions(parse_all=True)
        self.orders: list[int] = []  # of each error of result.errors
        self.waiting: list[tuple] = []  # (source, obj, order) not loaded yet
        self.next = 0

    def __call__(self, source, obj: dict, order: int) -> None:
        self.waiting.append((source, obj, order))
        if len(self.waiting) >= self.BATCH:
            self._load()

    def _load(self) -> None:
        documents, errors = self.result.documents, self.result.errors
        for source, obj, order in self.waiting:
            before = len(documents), len(errors)
            load_object(source, obj, self.options, self.result)
            for document in documents[before[0]:]:
                document.order = order
            self.orders += [order] * (len(errors) - before[1])
        self.waiting.clear()

    def reserve(self) -> int:
        self.next += 1
        return self.next - 1

    def mark(self) -> tuple[int, int, int]:
        self._load()
        return len(self.result.documents), len(self.result.errors), self.result.document_count

    def back_to(self, mark: tuple[int, int, int]) -> None:
        self._load()
        documents, errors, self.result.document_count = mark
        del self.result.documents[documents:], self.result.errors[errors:], self.orders[errors:]

    def finish(self, errors: list) -> list:
        """The live documents in their order; their errors are added to ``errors``."""
        self._load()
        at = {id(error): order for error, order in zip(self.result.errors, self.orders)}
        errors += sorted(self.result.errors, key=lambda error: at[id(error)])
        return sorted(self.result.documents, key=lambda document: document.order)


def _inputs(request: Request) -> list[str]:
    return [*request.paths, *(f"helm:{h.chart}" for h in request.helm), *(f"kustomize:{k}" for k in request.kustomize)]


def _check_empty(result: ScanResult, request: Request) -> None:
    """A scan that found no Kubernetes manifest at all says so: an error unless ``allow_empty``."""
    if result.has_manifests or result.errors:  # input errors already say why nothing was found
        return
    where = ", ".join(_inputs(request)) or "."
    if request.allow_empty:
        result.info.append(f"kongcheck: no Kubernetes manifests found in {where}")
        return
    result.errors.append(input_error(where, "no Kubernetes manifests found (no document with a kind); "
                                            "--allow-empty accepts this", "input"))


def _check_classes(result: ScanResult, built) -> None:
    """Kong objects of which none is for --ingress-class, some carrying another class: nothing was
    checked, so the scan fails (exit 2) unless the settings accept it (then it is a warning finding)."""
    if built.settings.allow_other_classes:
        return
    from kongcheck.rules.controller import ALLOW_OTHER_CLASSES, other_classes_message

    message = other_classes_message(built)
    if message is not None:
        first = next(iter(built.other_classes().values()))
        result.errors.append(ScanError(first.class_annotation.location,
                                       f"{message}, or {ALLOW_OTHER_CLASSES} accepts this"))


def _baseline(result: ScanResult, request: Request) -> None:
    if not request.baseline and not request.write_baseline:
        return  # keeps json/hashlib out of a plain scan's start-up
    from kongcheck.verdict import baseline

    use = request.baseline
    limit = request.load.max_file_size
    written = None
    try:
        if request.write_baseline:
            written = baseline.write(request.write_baseline, result.findings, limit)
            result.info.append(f"kongcheck: wrote {plural(len(written.entries), 'finding')} to the baseline "
                               f"{request.write_baseline}")
            use = request.write_baseline
        if use:
            known = baseline.read(use, limit, written)  # read back: what a later run reads
            if known.outdated:
                result.warnings.append(
                    f"{use}: this baseline holds plain SHA-256 digests of credential values, against which anyone "
                    f"can check a guess offline; write it again with --write-baseline {use}")
            baseline.apply(result.findings, known)
    except baseline.BaselineError as exc:
        raise RequestError(str(exc)) from None


def _watch_stdin(sources):
    """Remember whether standard input looks rendered by helm or kustomize (sources/traces.py)."""
    stdin = next((source for source in sources if source.kind == "stdin"), None)  # '-' is given once at most
    if stdin is None:
        return None
    from kongcheck.sources.traces import Watch  # only for standard input: not on a plain scan's start-up

    return Watch(stdin)


def origin_hint(suggest: tuple[str | None, ...] = ("--helm CHART_DIR", "--kustomize DIR")) -> str:
    """The note for stdin findings without an origin; `suggest` lists the render flags not in use."""
    ways = ["keep helm's '# Source:' comments",
            "add 'buildMetadata: [originAnnotations]' to the kustomization you build"]
    flags = [flag for flag in suggest if flag]
    if flags:
        ways.append("let kongcheck render with " + " / ".join(flags))
    joined = ", ".join(ways[:-1]) + ", or " + ways[-1] if len(ways) > 2 else " or ".join(ways)
    return f"note: findings in <stdin> are shown at their stream lines. To see the files you edit: {joined}."


def _notes(result: ScanResult, request: Request, stdin, unchecked: dict[str, int]) -> list[str]:
    notes = []
    # how to get file origins, when a finding could only name a line of a rendered stdin stream
    # (hand-written YAML on stdin has its real lines already)
    if stdin is not None and stdin.rendered and any(
            p.location.source == "stdin" for f in result.findings if not f.suppressed for p in f.participants):
        notes.append(origin_hint(("--helm CHART_DIR" if not request.helm else None,
                                  "--kustomize DIR" if not request.kustomize else None)))
    if unchecked:  # say once how to check the charts and kustomizations met in folders
        from kongcheck.sources.roots import unchecked_note

        notes.append(unchecked_note(unchecked))
    return notes
