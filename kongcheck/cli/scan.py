"""``kongcheck scan``: flags -> a pipeline Request -> the reports -> the exit code."""
from __future__ import annotations

import re
import sys

import click

from kongcheck.cli import UsageProblem, output, say
from kongcheck.facts.webhook import DEFAULT_INSTALL, INSTALLS
from kongcheck.loading import DEEPEST, LoadOptions
from kongcheck.report import FORMATS

EXIT_CODES = """\b
Exit codes:
  0  nothing at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or input that could not be read or parsed
     (the rest of the input is still scanned and reported), or
     Kong objects none of which is for --ingress-class"""

CONFIG_KEY = "kongcheck.config"
_DEFAULTS = LoadOptions()
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class Size(click.ParamType):
    """A byte count: ``5000000``, ``512K``, ``64M``, ``1G`` (powers of 1024; ``KiB``/``MB`` read the same)."""

    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:i?B)?\s*", str(value), re.I)
        if not match or int(match.group(1)) == 0:
            self.fail(f"{value!r} is not a size such as 500K, 64M or 1G", param, ctx)
        return int(match.group(1)) * _UNITS[match.group(2).upper()]


def _not_empty(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Callback for names that KIC needs: an empty --namespace or --ingress-class is a usage error."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty")
    return value


def _versions(kic: str | None, kong: str | None):
    from kongcheck.facts import versions

    try:
        return versions.Target(
            kic=versions.parse(kic, "KIC") if kic is not None else versions.NEWEST_KIC,
            kong=versions.parse(kong, "Kong") if kong is not None else versions.NEWEST_KONG,
        )
    except versions.VersionError as exc:
        raise click.UsageError(str(exc)) from None


CONFIG_FLAGS_KEY = "kongcheck.config-flags"
_CONFIG_FLAGS = ("no_config", "untrusted", "config_file")


def _config_flag(ctx: click.Context, param, value):
    """Eager callback of --no-config, --untrusted and --config.  Click runs eager callbacks in the
    order the options are written, so the last of the three loads the configuration, whatever that
    order: its settings become the defaults, so flags given win."""
    seen = ctx.meta.setdefault(CONFIG_FLAGS_KEY, {})
    seen[param.name] = value
    if len(seen) == len(_CONFIG_FLAGS):
        _load_config(ctx, seen["config_file"], look=not (seen["no_config"] or seen["untrusted"]))
    return value


def _load_config(ctx: click.Context, path: str | None, look: bool) -> None:
    """Read --config FILE, or (when ``look``) the nearest configuration file."""
    from kongcheck.config import files as config
    from kongcheck.config.errors import ConfigError

    try:
        path = path or (config.find() if look else None)
        if path is None:
            return
        loaded = config.load(path)
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    ctx.default_map = {**(ctx.default_map or {}), **config.defaults(loaded)}
    ctx.meta[CONFIG_KEY] = loaded


def _check_untrusted(paths, charts, kustomizations, show_values, write_baseline, trusted) -> None:
    from kongcheck.cli import trust

    trust.refuse_flags(show_values, write_baseline)
    trust.require_outside(trusted, trust.scanned_trees(paths, charts, kustomizations))


def _live_options(cluster: bool, context, kubeconfig, namespaces, timeout, deadline, snapshots, fail_on_live,
                  load: LoadOptions):
    """--cluster / --cluster-snapshot flags -> sources/live.py:LiveOptions (None when neither is given)."""
    if cluster and snapshots:
        raise click.UsageError("give either --cluster or --cluster-snapshot, not both")
    if not cluster:
        given = [flag for flag, value in (("--context", context), ("--kubeconfig", kubeconfig),
                                          ("--cluster-namespace", namespaces), ("--cluster-timeout", timeout),
                                          ("--cluster-deadline", deadline))
                 if value]
        if given:
            raise click.UsageError(f"{given[0]} needs --cluster")
        if fail_on_live and not snapshots:
            raise click.UsageError("--fail-on-live needs --cluster or --cluster-snapshot")
        if not snapshots:
            return None
    from kongcheck.sources.live import LiveOptions

    defaults = LiveOptions()
    return LiveOptions(cluster=cluster, context=context, kubeconfig=kubeconfig, namespaces=tuple(namespaces),
                       timeout=timeout or defaults.timeout, deadline=deadline or defaults.deadline,
                       snapshots=tuple(snapshots), fail_on_live=fail_on_live, max_size=load.max_file_size,
                       max_objects=load.max_documents)


def _helm_requests(charts, values, sets, release, namespace, timeout, api_versions, kube_version, roots,
                   enable_helm) -> tuple[tuple, object | None]:
    """(one HelmRequest per --helm chart, the HelmRequest template for charts met in folders or None)."""
    if not charts and roots != "render":
        if values or sets or release or namespace:
            raise click.UsageError("--helm-values, --helm-set, --helm-release and --helm-namespace need --helm "
                                   "CHART_DIR or --render-roots render")
        if (api_versions or kube_version) and not enable_helm:
            raise click.UsageError("--helm-api-versions and --helm-kube-version need --helm CHART_DIR, "
                                   "--render-roots render or --kustomize-enable-helm")
    if not (charts or roots == "render" or api_versions or kube_version):
        return (), None  # and sources/render.py (subprocess, signal) is never imported
    import dataclasses

    from kongcheck.sources.render import HelmRequest

    for assignment in sets:
        if "=" not in assignment:
            raise click.UsageError(f"--helm-set takes KEY=VALUE, got {assignment.partition('=')[0]!r} without '='")
    template = HelmRequest(chart="", values=tuple(values), sets=tuple(sets), release=release, namespace=namespace,
                           timeout=timeout, api_versions=tuple(api_versions), kube_version=kube_version)
    return tuple(dataclasses.replace(template, chart=chart) for chart in charts), template


def _progress(total: int):
    """On a terminal, a scan that takes over a second shows progress on stderr (cli/progress.py)."""
    from kongcheck.cli.progress import for_stream

    return for_stream(sys.stderr, total)


def _options(groups):
    """Decorate a command with groups of options, in order."""
    def apply(command):
        for option in reversed([option for group in groups for option in group]):
            command = option(command)
        return command
    return apply


_INPUT_OPTIONS = (
    click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files and folders matching GLOB (repeatable)."),
    click.option("--parse-all", is_flag=True,
                 help="Parse every document, not only those that can hold Kong objects (slower; reports YAML "
                      "errors in unrelated files too)."),
)

_LIMIT_OPTIONS = (
    click.option("--max-file-size", type=Size(), default=_DEFAULTS.max_file_size,
                 show_default=f"{_DEFAULTS.max_file_size >> 20}M",
                 help="Refuse (exit 2) a file or stream larger than SIZE, without reading it."),
    click.option("--max-depth", type=click.IntRange(1, DEEPEST), default=_DEFAULTS.max_depth, show_default=True,
                 help=f"Refuse a document nested deeper than this many levels (at most {DEEPEST})."),
    click.option("--max-documents", type=click.IntRange(1), default=_DEFAULTS.max_documents, show_default=True,
                 help="Stop reading a file or stream after this many documents (List items count too)."),
    click.option("--allow-empty", is_flag=True,
                 help="Exit 0 when no Kubernetes manifest is found at all (default: exit 2)."),
)

_CLUSTER_OPTIONS = (
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
                 help="Time each API request (connect, headers, body) and each exec credential plugin run may "
                      "take with --cluster.  [default: 30]"),
    click.option("--cluster-deadline", type=click.FloatRange(min=0.1), metavar="SECONDS",
                 help="Time the whole --cluster fetch may take.  [default: 300]"),
    click.option("--cluster-snapshot", "cluster_snapshots", multiple=True, metavar="FILE",
                 type=click.Path(dir_okay=False),
                 help="Merge live state saved with `kubectl get ... -o yaml` instead of --cluster (repeatable)."),
    click.option("--fail-on-live", is_flag=True,
                 help="Also fail on collisions wholly inside the cluster (otherwise they are warnings)."),
)

_RENDER_OPTIONS = (
    click.option("--helm", "helm_charts", multiple=True, metavar="CHART_DIR",
                 help="Render CHART_DIR with `helm template` and scan the result (repeatable)."),
    click.option("--helm-values", multiple=True, metavar="FILE", help="Values file for every --helm chart (repeatable)."),
    click.option("--helm-set", multiple=True, metavar="K=V", help="`helm template --set K=V` (repeatable)."),
    click.option("--helm-release", metavar="NAME", help="Release name for `helm template`.  [default: helm's]"),
    click.option("--helm-namespace", metavar="NS",
                 help="Release namespace; objects that name none go there, as with `helm install -n NS`."),
    click.option("--kustomize", "kustomizations", multiple=True, metavar="DIR",
                 help="Render DIR with `kustomize build` (or `kubectl kustomize`), origin annotations on (repeatable)."),
    click.option("--helm-api-versions", multiple=True, metavar="GROUP/VERSION",
                 help="`helm template --api-versions` (repeatable): API versions the charts may test for with "
                      "Capabilities.APIVersions, e.g. networking.k8s.io/v1/IngressClass."),
    click.option("--helm-kube-version", metavar="VERSION",
                 help="`helm template --kube-version`: the Kubernetes version charts see.  [default: helm's]"),
    click.option("--kustomize-enable-helm", is_flag=True,
                 help="`kustomize build --enable-helm`: inflate the kustomizations' helmCharts with helm "
                      "(which may download charts)."),
    click.option("--render-roots", type=click.Choice(["fail", "render", "files"]), default="fail", show_default=True,
                 help="Helm charts and kustomization roots met in the scanned folders: fail (each is an input "
                      "error, exit 2), render (helm template / kustomize build each, with the --helm-* and "
                      "--kustomize-* options), files (read their files as kubectl apply -R does)."),
    click.option("--render-timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True,
                 metavar="SECONDS", help="Stop a helm or kustomize render that runs longer."),
)


@click.command(epilog=EXIT_CODES, short_help="Scan manifests for collisions Kong would reject.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMATS)),
              help="Output format; repeat for several (pair each with an --output).  [default: text]")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FILE",
              help="Write the format at the same position to FILE ('-' for standard output); without --format, "
                   "the format FILE is named for (.sarif, .json, .xml, .md).")
@click.option("--color", type=click.Choice(output.COLORS), default="auto", show_default=True,
              help="Colour the text report: auto = on a terminal, unless NO_COLOR is set; FORCE_COLOR turns it on "
                   "(CI logs that show colour).")
@click.option("--no-color", is_flag=True, help="Same as --color never.")
@click.option("-q", "--quiet", is_flag=True, help="Print only findings and errors: no summary, notes or progress.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--ingress-class", default="kong", show_default=True, callback=_not_empty,
              help="The class KIC runs with (--ingress-class).")
@click.option("-n", "--namespace", default="default", show_default=True, callback=_not_empty,
              help="Namespace of namespaced objects that name none (as `kubectl apply -n`).")
@click.option("--assume-default-class", is_flag=True,
              help="Treat the ingress class as the cluster's default class (objects without the annotation count).")
@click.option("--allow-other-classes", is_flag=True,
              help="Accept an input whose Kong objects all carry another class than --ingress-class (one warning; "
                   "default: an input error, exit 2, since nothing was checked).")
@click.option("--kic-version", metavar="X.Y[.Z]",
              help="KIC release to predict for; X.Y is its newest patch.  [default: 3.5]")
@click.option("--kong-version", metavar="X.Y[.Z]",
              help="Kong Gateway release to predict for; X.Y is its newest patch.  [default: 3.9]")
@click.option("--webhook", type=click.Choice(list(INSTALLS)), default=DEFAULT_INSTALL, show_default=True,
              help="How KIC's admission webhook is installed: chart = the kong Helm chart (KongVaults are not sent "
                   "to it, failurePolicy Ignore), kic = KIC's own config/webhook manifests (KongVaults sent, "
                   "failurePolicy Fail).")
@click.option("--show-values", is_flag=True,
              help="Print credential values instead of their fingerprints (keyed anew for each run).")
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings too (every format).")
@click.option("--max-locations", type=click.IntRange(0), default=10, show_default=True, metavar="N",
              help="Resources listed per finding in every format, the rest counted (\"and N more\"); 0 lists "
                   "all (SARIF still names at most 100 related locations of a result).")
@click.option("--stdin-filename", metavar="NAME",
              help="The file that standard input ('-') stands for: findings and errors in it are located in NAME "
                   "(annotations, SARIF) instead of <stdin>.")
@click.option("-v", "--verbose", is_flag=True, help="Also list documents that were skipped, and why.")
@click.option("--no-config", is_flag=True, is_eager=True, callback=_config_flag,
              help="Ignore .kongcheck.yaml and [tool.kongcheck].")
@click.option("--untrusted", is_flag=True, is_eager=True, callback=_config_flag,
              help="The files come from an untrusted change (a pull request): read no configuration file but "
                   "--config FILE, ignore in-source suppressions, refuse trusted files inside the scanned tree "
                   "(docs/ci.md).")
@click.option("--config", "config_file", metavar="FILE", is_eager=True, callback=_config_flag,
              help="Read settings from FILE.  [default: .kongcheck.yaml or pyproject.toml [tool.kongcheck], "
                   "the nearest from the working folder up]")
@click.option("--baseline", metavar="FILE", help="Fail only on findings that FILE (from --write-baseline) does not list.")
@click.option("--write-baseline", metavar="FILE",
              help="Record the current findings in FILE; they count as suppressed from then on (this run too).")
@_options([_INPUT_OPTIONS, _LIMIT_OPTIONS, _CLUSTER_OPTIONS, _RENDER_OPTIONS])
def scan(paths, formats, outputs, color, no_color, quiet, fail_on, ingress_class, namespace, assume_default_class, allow_other_classes,
         kic_version, kong_version, webhook, show_values, show_suppressed, max_locations, stdin_filename, verbose,
         no_config, untrusted, config_file, baseline,
         write_baseline, exclude, parse_all, max_file_size, max_depth, max_documents, allow_empty, cluster, context,
         kubeconfig, cluster_namespaces, cluster_timeout, cluster_deadline, cluster_snapshots, fail_on_live,
         helm_charts, helm_values, helm_set, helm_release, helm_namespace, kustomizations, helm_api_versions,
         helm_kube_version, kustomize_enable_helm, render_roots, render_timeout) -> None:
    """Scan manifests in PATHS (files, folders, '-' for standard input; default: the current folder),
    and charts and overlays rendered with --helm and --kustomize."""
    from kongcheck.config.files import rule_settings
    from kongcheck.pipeline import Request, RequestError, run
    from kongcheck.report import ReportOptions
    from kongcheck.settings import Settings

    config = click.get_current_context().meta.get(CONFIG_KEY)
    if untrusted:
        _check_untrusted(paths, helm_charts, kustomizations, show_values, write_baseline,
                         [("--config", config.path if config else None), ("--baseline", baseline),
                          ("--kubeconfig", kubeconfig), *(("--cluster-snapshot", s) for s in cluster_snapshots)])
    settings = Settings(ingress_class=ingress_class, namespace=namespace, assume_default_class=assume_default_class,
                        allow_other_classes=allow_other_classes,
                        target=_versions(kic_version, kong_version), webhook=webhook, show_values=show_values,
                        fail_on=fail_on,
                        untrusted=untrusted, **rule_settings(config))
    reports = output.pairs(formats, outputs)
    colored = output.color(color, no_color)
    if quiet and verbose:
        raise click.UsageError("give --quiet or --verbose, not both")
    if paths.count("-") > 1:
        raise click.UsageError("'-' (standard input) can be given only once")
    if stdin_filename is not None and "-" not in paths:
        raise click.UsageError("--stdin-filename needs '-' (standard input) among the paths")
    if stdin_filename is not None and not stdin_filename.strip():
        raise click.UsageError("--stdin-filename must not be empty")
    load = LoadOptions(parse_all=parse_all, explain=verbose, max_file_size=max_file_size, max_depth=max_depth,
                       max_documents=max_documents)
    helm, helm_defaults = _helm_requests(helm_charts, helm_values, helm_set, helm_release, helm_namespace,
                                         render_timeout, helm_api_versions, helm_kube_version, render_roots,
                                         kustomize_enable_helm)
    request = Request(
        paths=tuple(paths), settings=settings, excludes=tuple(exclude), helm=helm, helm_defaults=helm_defaults,
        kustomize=tuple(kustomizations), render_timeout=render_timeout, roots=render_roots,
        kustomize_enable_helm=kustomize_enable_helm,
        live=_live_options(cluster, context, kubeconfig, cluster_namespaces, cluster_timeout, cluster_deadline,
                           cluster_snapshots, fail_on_live, load),
        load=load,
        allow_empty=allow_empty, baseline=baseline, write_baseline=write_baseline,
        progress=None if quiet else _progress,
        stdin_name=stdin_filename,
    )
    try:
        result = run(request)
    except RequestError as exc:
        raise UsageProblem(str(exc)) from None
    if verbose:
        for line in result.skipped:
            say(f"skipped {line}")
    for warning in result.warnings:
        say(f"kongcheck: warning: {warning}")
    for line in () if quiet else result.info:
        say(line)
    output.write(result, ReportOptions.of(settings, show_suppressed, max_locations, color=colored, quiet=quiet), reports)
    for note in () if quiet else result.notes:
        say(note)
    sys.exit(result.exit_code(fail_on))
