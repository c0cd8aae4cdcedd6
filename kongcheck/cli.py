"""The command line: ``kongcheck scan`` and ``kongcheck rules``.

This module only turns flags into Settings, runs the pipeline (scan.py) and hands the
result to the reporters; it holds no rule logic.
"""
from __future__ import annotations

import os
import sys

import click

from kongcheck import __version__, limits
from kongcheck.report import FORMATS

EXIT_CODES = """\b
Exit codes:
  0  nothing at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or input that could not be read or parsed
     (the rest of the input is still scanned and reported)"""


class UsageProblem(click.ClickException):
    """A usage-type problem (a flag's file or value): `Error: ...` on each line, exit 2, as click's own."""

    exit_code = 2  # 1 means findings

    def show(self, file=None) -> None:
        for line in self.format_message().splitlines():
            click.echo(f"Error: {line}", err=True)


def _not_empty(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Callback for names that KIC needs: an empty --namespace or --ingress-class is a usage error."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty")
    return value


def _versions(kic: str | None, kong: str | None):
    from kongcheck import versions

    try:
        return versions.Target(
            kic=versions.parse(kic, "KIC") if kic is not None else versions.NEWEST_KIC,
            kong=versions.parse(kong, "Kong") if kong is not None else versions.NEWEST_KONG,
        )
    except versions.VersionError as exc:
        raise click.UsageError(str(exc)) from None


def _outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str]]:
    """Pair each --format with the --output at the same position ('-' or none: stdout)."""
    formats = formats or ("text",)
    if len(outputs) > len(formats):
        raise click.UsageError("more --output than --format options: give one --output per --format")
    pairs = [(fmt, outputs[i] if i < len(outputs) else "-") for i, fmt in enumerate(formats)]
    if sum(1 for _, out in pairs if out == "-") > 1:
        raise click.UsageError("only one --format can go to standard output; give the others an --output FILE")
    return pairs


def _write(result, settings, pairs, show_suppressed: bool) -> None:
    from kongcheck.report import renderer

    for fmt, out in pairs:
        render = renderer(fmt)
        kwargs = {"show_suppressed": show_suppressed} if fmt == "text" else {}
        if out == "-":
            render(result, settings, sys.stdout, **kwargs)
            continue
        try:
            with open(out, "w", encoding="utf-8") as stream:
                render(result, settings, stream, **kwargs)
        except OSError as exc:
            raise UsageProblem(f"cannot write {out}: {exc.strerror or exc}") from None


CONFIG_KEY = "kongcheck.config"


def _load_config(ctx: click.Context, param, value: str | None):
    """Eager --config callback: the file's settings become the defaults, so flags given win."""
    from kongcheck import config

    if value is None and ctx.params.get("no_config"):
        return None
    try:
        path = value or config.find()
        if path is None:
            return None
        loaded = config.load(path)
    except config.ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    ctx.default_map = {**(ctx.default_map or {}), **config.defaults(loaded)}
    ctx.meta[CONFIG_KEY] = loaded
    return path


def _apply_baseline(result, use: str | None, write: str | None) -> None:
    if not use and not write:
        return  # keeps json/hashlib out of a plain scan's start-up
    from kongcheck import baseline

    try:
        if write:
            count = baseline.write(write, result.findings)
            click.echo(f"kongcheck: wrote {count} finding(s) to the baseline {write}", err=True)
            use = write
        if use:
            baseline.apply(result.findings, baseline.read(use))
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from None


def _run_with_progress(run_scan, sources, settings, options, errors, live=None):
    """Run the scan; on a terminal, a scan that takes over a second shows progress on stderr."""
    from kongcheck.progress import for_stream

    progress = for_stream(sys.stderr, len(sources))
    try:
        return run_scan(sources, settings, options, errors, progress=progress.advance if progress else None,
                        live=live)
    finally:
        if progress is not None:
            progress.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kongcheck")
def main() -> None:
    """Find Kong Ingress Controller configuration collisions before `kubectl apply`."""


def _live_options(cluster: bool, context, kubeconfig, namespaces, timeout, snapshots, fail_on_live):
    """--cluster / --cluster-snapshot flags -> sources/live.py:LiveOptions (None when neither is given)."""
    if cluster and snapshots:
        raise click.UsageError("give either --cluster or --cluster-snapshot, not both")
    if not cluster:
        given = [flag for flag, value in (("--context", context), ("--kubeconfig", kubeconfig),
                                          ("--cluster-namespace", namespaces), ("--cluster-timeout", timeout))
                 if value]
        if given:
            raise click.UsageError(f"{given[0]} needs --cluster")
        if fail_on_live and not snapshots:
            raise click.UsageError("--fail-on-live needs --cluster or --cluster-snapshot")
        if not snapshots:
            return None
    from kongcheck.sources.live import LiveOptions

    return LiveOptions(cluster=cluster, context=context, kubeconfig=kubeconfig, namespaces=tuple(namespaces),
                       timeout=timeout or 30.0, snapshots=tuple(snapshots), fail_on_live=fail_on_live)


def _cluster_options(command):
    """The live-state flags of `scan` (README, "Live cluster state")."""
    options = [
        click.option("--cluster", is_flag=True,
                     help="Merge live state from the current kubeconfig context, as `kubectl apply` would "
                          "(needs pip install 'kongcheck[cluster]')."),
        click.option("--context", metavar="NAME", help="kubeconfig context for --cluster.  [default: current]"),
        click.option("--kubeconfig", metavar="PATH", help="kubeconfig file for --cluster.  [default: $KUBECONFIG, "
                     "~/.kube/config, or the pod's service account]"),
        click.option("--cluster-namespace", "cluster_namespaces", multiple=True, metavar="NS",
                     help="Read only these namespaces with --cluster (repeatable; KongVaults are cluster-scoped "
                          "and always read).  [default: all]"),
        click.option("--cluster-timeout", type=click.FloatRange(min=0.1), metavar="SECONDS",
                     help="Timeout of each API request with --cluster.  [default: 30]"),
        click.option("--cluster-snapshot", "cluster_snapshots", multiple=True, metavar="FILE",
                     type=click.Path(dir_okay=False),
                     help="Merge live state saved with `kubectl get ... -o yaml` instead of --cluster (repeatable)."),
        click.option("--fail-on-live", is_flag=True,
                     help="Also fail on collisions wholly inside the cluster (otherwise they are warnings)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command(epilog=EXIT_CODES, short_help="Scan manifests for collisions Kong would reject.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Output format; repeat for several (pair each with an --output).  [default: text]")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Write the format at the same position to FILE ('-' for standard output).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--ingress-class", default="kong", show_default=True, callback=_not_empty,
              help="The class KIC runs with (--ingress-class).")
@click.option("-n", "--namespace", default="default", show_default=True, callback=_not_empty,
              help="Namespace of namespaced objects that name none (as `kubectl apply -n`).")
@click.option("--assume-default-class", is_flag=True,
              help="Treat the ingress class as the cluster's default class (objects without the annotation count).")
@click.option("--kic-version", metavar="X.Y", help="KIC release to predict for.  [default: 3.5]")
@click.option("--kong-version", metavar="X.Y", help="Kong Gateway release to predict for.  [default: 3.9]")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files and folders matching GLOB (repeatable).")
@click.option("--show-values", is_flag=True, help="Print credential values instead of their sha256 fingerprints.")
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings too.")
@click.option("--parse-all", is_flag=True,
              help="Parse every document, not only those that can hold Kong objects (slower; reports YAML "
                   "errors in unrelated files too).")
@click.option("-v", "--verbose", is_flag=True, help="Also list documents that were skipped, and why.")
@click.option("--no-config", is_flag=True, is_eager=True, help="Ignore .kongcheck.yaml and [tool.kongcheck].")
@click.option("--config", "config_file", metavar="FILE", is_eager=True, callback=_load_config,
              help="Read settings from FILE.  [default: .kongcheck.yaml or pyproject.toml [tool.kongcheck], "
                   "the nearest from the working folder up]")
@click.option("--baseline", metavar="FILE", help="Fail only on findings that FILE (from --write-baseline) does not list.")
@click.option("--write-baseline", metavar="FILE",
              help="Record the current findings in FILE; they count as suppressed from then on (this run too).")
@limits.options
@_cluster_options
@click.option("--helm", "helm_charts", multiple=True, metavar="CHART_DIR",
              help="Render CHART_DIR with `helm template` and scan the result (repeatable).")
@click.option("--helm-values", multiple=True, metavar="FILE", help="Values file for every --helm chart (repeatable).")
@click.option("--helm-set", multiple=True, metavar="K=V", help="`helm template --set K=V` (repeatable).")
@click.option("--helm-release", metavar="NAME", help="Release name for `helm template`.  [default: helm's]")
@click.option("--helm-namespace", metavar="NS",
              help="Release namespace; objects that name none go there, as with `helm install -n NS`.")
@click.option("--kustomize", "kustomizations", multiple=True, metavar="DIR",
              help="Render DIR with `kustomize build` (or `kubectl kustomize`), origin annotations on (repeatable).")
@click.option("--render-timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
              metavar="SECONDS", help="Stop a helm or kustomize render that runs longer.")
def scan(paths, formats, outputs, fail_on, ingress_class, namespace, assume_default_class, kic_version,
         kong_version, exclude, show_values, show_suppressed, parse_all, verbose, no_config, config_file,
         baseline, write_baseline, cluster, context, kubeconfig, cluster_namespaces, cluster_timeout,
         cluster_snapshots, fail_on_live, helm_charts, helm_values, helm_set, helm_release, helm_namespace,
         kustomizations, render_timeout) -> None:
    """Scan manifests in PATHS (files, folders, '-' for standard input; default: the current folder),
    and charts and overlays rendered with --helm and --kustomize."""
    from kongcheck.loading import LoadOptions
    from kongcheck.scan import scan as run_scan
    from kongcheck.settings import Settings
    from kongcheck.sources import files

    from kongcheck.config import rule_settings

    settings = Settings(ingress_class=ingress_class, namespace=namespace, assume_default_class=assume_default_class,
                        target=_versions(kic_version, kong_version), show_values=show_values, fail_on=fail_on,
                        **rule_settings(click.get_current_context().meta.get(CONFIG_KEY)))
    pairs = _outputs(formats, outputs)
    if paths.count("-") > 1:
        raise click.UsageError("'-' (standard input) can be given only once")
    live = _live_options(cluster, context, kubeconfig, cluster_namespaces, cluster_timeout, cluster_snapshots,
                         fail_on_live)
    requests = _helm_requests(helm_charts, helm_values, helm_set, helm_release, helm_namespace, render_timeout)
    charts: list[str] = []
    walked_past: list[str] = []
    sources, errors = files.collect(paths or (() if requests or kustomizations else (".",)), exclude, charts,
                                    walked_past)
    stdin = _watch_stdin(sources)
    more, render_errors = [], []
    if requests or kustomizations:
        from kongcheck.sources import rendered

        more, render_errors = rendered.collect(requests, kustomizations, render_timeout)
    bounds = limits.current()
    options = LoadOptions(parse_all=parse_all, explain=verbose, **bounds.load_options())
    result = _run_with_progress(run_scan, sources + more, settings, options, errors + render_errors, live)
    limits.check_empty(result, [*paths, *(f"helm:{c}" for c in helm_charts),
                                *(f"kustomize:{k}" for k in kustomizations)], bounds)
    if verbose:
        for line in walked_past + result.skipped:
            click.echo(f"skipped {line}", err=True)
    for warning in result.warnings:
        click.echo(f"kongcheck: warning: {warning}", err=True)
    _apply_baseline(result, baseline, write_baseline)
    _write(result, settings, pairs, show_suppressed)
    _origin_hint(result, stdin, ("--helm CHART_DIR" if not helm_charts else None,
                                 "--kustomize DIR" if not kustomizations else None))
    _charts_note(charts, helm_charts)
    sys.exit(result.exit_code(fail_on))


def _helm_requests(charts, values, sets, release, namespace, timeout) -> list:
    if not charts:
        if values or sets or release or namespace:
            raise click.UsageError("--helm-values, --helm-set, --helm-release and --helm-namespace need --helm "
                                   "CHART_DIR")
        return []  # and sources/render.py (subprocess, signal) is never imported
    from kongcheck.sources.render import HelmRequest

    for assignment in sets:
        if "=" not in assignment:
            raise click.UsageError(f"--helm-set takes KEY=VALUE, got {assignment.partition('=')[0]!r} without '='")
    return [HelmRequest(chart=chart, values=tuple(values), sets=tuple(sets), release=release,
                        namespace=namespace, timeout=timeout) for chart in charts]


def origin_hint(suggest: tuple[str | None, ...] = ("--helm CHART_DIR", "--kustomize DIR")) -> str:
    """The note for stdin findings without an origin; `suggest` lists the render flags not in use."""
    ways = ["keep helm's '# Source:' comments",
            "add 'buildMetadata: [originAnnotations]' to the kustomization you build"]
    flags = [flag for flag in suggest if flag]
    if flags:
        ways.append("let kongcheck render with " + " / ".join(flags))
    joined = ", ".join(ways[:-1]) + ", or " + ways[-1] if len(ways) > 2 else " or ".join(ways)
    return f"note: findings in <stdin> are shown at their stream lines. To see the files you edit: {joined}."


ORIGIN_HINT = origin_hint()


def _charts_note(charts: list[str], rendered: tuple[str, ...]) -> None:
    """Say once which Helm charts were met in folders and not rendered."""
    done = {os.path.realpath(chart) for chart in rendered}
    left = [chart for chart in charts if os.path.realpath(chart) not in done]
    if left:
        shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        click.echo(f"note: Helm chart templates are not manifests, so kongcheck skipped those of {shown}; "
                   "scan a chart with --helm CHART_DIR", err=True)


def _watch_stdin(sources):
    """Remember whether standard input looks rendered by helm or kustomize (sources/traces.py)."""
    from kongcheck.sources.traces import Watch

    watches = [Watch(source) for source in sources if source.kind == "stdin"]
    return watches[0] if watches else None


def _origin_hint(result, stdin, suggest: tuple[str | None, ...]) -> None:
    """Say once how to get file origins when a finding could only name a line of a rendered stdin
    stream (hand-written YAML on stdin has its real lines already)."""
    if stdin is None or not stdin.rendered:
        return
    if any(p.location.source == "stdin" for f in result.findings if not f.suppressed for p in f.participants):
        click.echo(origin_hint(suggest), err=True)


@main.command("rules")
@click.argument("rule_id", required=False)
@click.option("--markdown", is_flag=True, help="Print every rule as Markdown (the source of docs/rules.md).")
def rules_command(rule_id: str | None, markdown: bool) -> None:
    """List every rule, or explain RULE_ID with a bad example and the fix."""
    from kongcheck.rules import CATALOG

    if markdown:
        from kongcheck import docs

        click.echo(docs.render(CATALOG), nl=False)
        return
    if rule_id is None:
        _list_rules(CATALOG)
        return
    info = CATALOG.get(rule_id)
    if info is None:
        raise click.UsageError(f"unknown rule {rule_id!r}; `kongcheck rules` lists them")
    from kongcheck.rules import explain

    click.echo(explain.text(info))


def _list_rules(catalog) -> None:
    """One line per rule (id, severity, what it catches), then the KIC/Kong behaviour behind it."""
    import textwrap

    width = max(len(rule) for rule in catalog)
    for info in catalog.values():
        click.echo(f"{info.id:<{width}}  {info.severity:<7}  {info.summary}")
        click.echo(textwrap.fill(info.behaviour, 100, initial_indent="    ", subsequent_indent="    "))


def run() -> None:
    """Console entry point: no Python traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("kongcheck: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say where, but never the message (it may hold a value)
        frame = exc.__traceback__
        while frame and frame.tb_next:
            frame = frame.tb_next
        where = f"{frame.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.tb_lineno}" if frame else "?"
        click.echo(f"kongcheck: internal error ({type(exc).__name__} at {where}); please report it", err=True)
        sys.exit(2)
