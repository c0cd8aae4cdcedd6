"""Render Helm charts and Kustomize overlays by running the real tools.

`render_helm` runs `helm template`; `render_kustomize` runs `kustomize build`
(or `kubectl kustomize` when only kubectl is installed) on a small wrapper
kustomization that turns origin annotations on, so every rendered object says
which file it came from. Each returns a `Rendered`: the text, a display name
such as `helm:charts/shop` or `kustomize:overlays/prod`, and what
`kongcheck.sources.origins` needs to map objects back to files.

Any failure -- binary missing, non-zero exit, no answer within the timeout --
raises `RenderError` with one line naming the command and the first lines of
its stderr. No input value appears in that line: `render_redact` hides the values
kongcheck knows of (--set, values files, generator literals and env files) and any
other quoted text that does not name a file.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kongcheck.sources.origins import KustomizeRoot
from kongcheck.sources.roots import is_remote
from kongcheck.sources.render_redact import HIDDEN, helm_secrets, kustomize_paths, kustomize_secrets, redact

DEFAULT_TIMEOUT = 120.0
MESSAGE_LIMIT = 600
WRAPPER = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# Written by kongcheck: build {target} with origin annotations.
resources:
  - {resource}
buildMetadata:
  - originAnnotations
"""


class RenderError(Exception):
    """A render failed; str() is one line naming the command and the cause."""


@dataclass(frozen=True)
class Rendered:
    text: str
    name: str  # "helm:<chart dir>" or "kustomize:<dir>", as the user gave it
    kind: str  # "helm" or "kustomize"
    command: str  # for messages, with --set values hidden
    chart_dir: str | None = None  # helm: the chart folder as given
    kustomize_root: KustomizeRoot | None = None


@dataclass(frozen=True)
class HelmRequest:
    chart: str
    values: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    release: str | None = None
    namespace: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    secrets: tuple[str, ...] = field(default=(), repr=False)
    api_versions: tuple[str, ...] = ()  # helm template --api-versions (Capabilities.APIVersions)
    kube_version: str | None = None  # helm template --kube-version (Capabilities.KubeVersion)


@dataclass(frozen=True)
class KustomizeOptions:
    timeout: float = DEFAULT_TIMEOUT
    enable_helm: bool = False  # --enable-helm: inflate the kustomization's helmCharts with helm
    helm_api_versions: tuple[str, ...] = ()  # passed on to that helm (--helm-api-versions)
    helm_kube_version: str | None = None  # --helm-kube-version


def find_binary(name: str, env_var: str) -> str | None:
    """$env_var if set (a path or a name on PATH), else `name` on PATH."""
    override = os.environ.get(env_var, "").strip()
    if override:
        return shutil.which(override) or (override if os.access(override, os.X_OK) else None)
    return shutil.which(name)


def not_found(name: str, env_var: str) -> str:
    override = os.environ.get(env_var, "").strip()
    if override:
        return f"{env_var}={override} is not an executable file"
    return f"{name} was not found on PATH (install it, or set {env_var})"


def helm_argv(helm: str, request: HelmRequest) -> list[str]:
    argv = [helm, "template"]
    if request.release:
        argv.append(request.release)
    argv.append(request.chart)
    if request.namespace:
        argv += ["--namespace", request.namespace]
    for values_file in request.values:
        argv += ["--values", values_file]
    for assignment in request.sets:
        argv += ["--set", assignment]
    for version in request.api_versions:
        argv += ["--api-versions", version]
    if request.kube_version:
        argv += ["--kube-version", request.kube_version]
    return argv


def shown_command(argv: list[str]) -> str:
    """The command line for messages: binary by its name, --set values hidden."""
    shown, hide_next = [os.path.basename(argv[0])], False
    for arg in argv[1:]:
        if hide_next:
            key = arg.partition("=")[0]
            arg = f"{key}={HIDDEN}"
        hide_next = arg == "--set"
        shown.append(arg)
    return " ".join(shown)


# Go's klog header (`E1125 08:51:55.060123   4242 run.go:72] `), which kubectl sometimes uses
# instead of `error: ...`, as `"command failed" err="<the error>"`.
_KLOG_HEADER = re.compile(r'^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] ')
_KLOG_COMMAND_FAILED = re.compile(r'^"command failed" err="(.*)"$')


# The same error when it spans lines: klog writes `err=<`, the lines each indented by a tab, then
# ` >` (kubectl 1.32's kustomize errors, whose configuration is printed over several lines).
_KLOG_MULTILINE = re.compile(
    r'^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] "command failed" err=<\n((?:\t.*\n)*?) >$', re.M)


def _unwrap_klog(stderr: str) -> str:
    return _KLOG_MULTILINE.sub(
        lambda m: "error: " + "\n".join(line[1:] for line in m.group(1).rstrip("\n").split("\n")), stderr)


def _plain(line: str) -> str:
    line = _KLOG_HEADER.sub("", line.strip())
    failed = _KLOG_COMMAND_FAILED.match(line)
    if failed:
        line = "error: " + failed.group(1).replace('\\"', '"').replace("\\\\", "\\")
    return line


# Lines that start the error itself: what comes before them are warnings (helm's
# `walk.go:74: found symbolic link`, `WARNING: ...`, klog `W` lines) and is dropped.
_ERROR_START = re.compile(r"^(?:Error|error|ERROR)\b|^level=ERROR\b")


def stderr_summary(stderr: str, clean: Callable[[str], str] = str) -> str:
    """The tool's error on one line: from its first error line to the end (the innermost cause,
    such as kustomize's `must specify --enable-helm`, comes last), lines joined with " | ".
    clean() sees the whole text, line breaks included, before anything is cut; text over
    MESSAGE_LIMIT keeps its start and its end."""
    lines = [_plain(line) for line in _unwrap_klog(stderr).splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if _ERROR_START.match(line)), 0)
    cleaned = clean("\n".join(lines[start:]))
    text = " | ".join(line.strip() for line in cleaned.splitlines() if line.strip()) or "no error output"
    if len(text) <= MESSAGE_LIMIT:
        return text
    head = MESSAGE_LIMIT // 3
    return f"{text[:head]} ... {text[-(MESSAGE_LIMIT - head - 5):]}"


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def run_render(argv: list[str], shown: str, timeout: float, secrets: Callable[[], list[str]],
               rewrite: Callable[[str], str] = str, keep: Callable[[], list[str]] = list) -> str:
    """Run argv in its own process group and return stdout; RenderError on any failure.

    rewrite(stderr) may tidy the error text before it is summarised; secrets() lists the
    input values to hide in it, keep() the quoted texts that are no values (both called only
    when the render failed)."""
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderError(f"`{shown}` could not start: {exc.strerror or exc}") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)  # also ends children (git clones) that hold the pipes
        process.communicate()
        raise RenderError(f"`{shown}` did not finish within {timeout:g} s and was stopped") from None
    if process.returncode != 0:
        hidden, kept = secrets(), keep()
        cause = stderr_summary(rewrite(err.decode("utf-8", "replace")), lambda text: redact(text, hidden, kept))
        raise RenderError(f"`{shown}` failed (exit {process.returncode}): {cause}")
    return out.decode("utf-8", "replace")


def chart_problem(chart: str) -> str | None:
    """Why CHART is no chart folder (None when it holds a Chart.yaml, or is a packaged chart file)."""
    if os.path.isfile(chart):
        return None  # a .tgz from `helm package`: helm reads it
    if not os.path.isdir(chart):
        return f"{chart} is not a folder"
    if not os.path.isfile(os.path.join(chart, "Chart.yaml")):
        return f"{chart} holds no Chart.yaml"
    return None


def render_helm(request: HelmRequest) -> Rendered:
    problem = chart_problem(request.chart)
    if problem:
        raise RenderError(f"`helm template {request.chart}` cannot run: {problem}")
    helm = find_binary("helm", "KONGCHECK_HELM")
    if helm is None:
        raise RenderError(
            f"`helm template {request.chart}` cannot run: {not_found('helm', 'KONGCHECK_HELM')}"
        )
    argv = helm_argv(helm, request)
    shown = shown_command(argv)

    def secrets() -> list[str]:
        return helm_secrets(request.chart, request.values, request.sets) + list(request.secrets)

    text = run_render(argv, shown, request.timeout, secrets)
    return Rendered(text=text, name=f"helm:{request.chart}", kind="helm", command=shown,
                    chart_dir=request.chart)


def kustomize_argv(target: str, options: KustomizeOptions = KustomizeOptions()) -> list[str] | None:
    """`kustomize build TARGET`, else `kubectl kustomize TARGET`, else None; with
    `--enable-helm`, the helm kongcheck would use runs the kustomization's helmCharts."""
    kustomize = find_binary("kustomize", "KONGCHECK_KUSTOMIZE")
    if kustomize:
        argv = [kustomize, "build", target]
    else:
        kubectl = find_binary("kubectl", "KONGCHECK_KUBECTL")
        if not kubectl:
            return None
        argv = [kubectl, "kustomize", target]
    if options.enable_helm:
        argv.append("--enable-helm")
        helm = find_binary("helm", "KONGCHECK_HELM")
        if helm:
            argv += ["--helm-command", helm]
        for version in options.helm_api_versions:
            argv += ["--helm-api-versions", version]
        if options.helm_kube_version:
            argv += ["--helm-kube-version", options.helm_kube_version]
    return argv


def write_wrapper(target: str, wrapper_dir: Path) -> str | None:
    """Write the wrapper kustomization into wrapper_dir; return the real target folder.

    kustomize refuses absolute paths for kustomization roots, so a local target is
    named relative to the wrapper. Remote targets are passed on as they are (None).
    """
    target_real = None if is_remote(target) else os.path.realpath(target)
    resource = target
    if target_real is not None:
        resource = os.path.relpath(target_real, os.path.realpath(wrapper_dir))
    (wrapper_dir / "kustomization.yaml").write_text(WRAPPER.format(target=target, resource=resource))
    return target_real


def wrapper_noise(wrapper_dir: Path, target: str, target_real: str | None) -> Callable[[str], str]:
    """Drop the error layer our wrapper adds and name the user's folder, not the wrapper."""
    resource = target if target_real is None else os.path.relpath(target_real, wrapper_dir)
    layer = re.compile(
        r"accumulating resources: accumulation err='accumulating resources from '"
        + re.escape(resource) + r"': .*?recursed accumulation of path '[^']*': "
    )

    def rewrite(stderr: str) -> str:
        return layer.sub("", stderr, count=1).replace(str(wrapper_dir), f"<{target}>")

    return rewrite


def render_kustomize(target: str, options: KustomizeOptions = KustomizeOptions()) -> Rendered:
    shown_target = f"kustomize build {target}"
    if not is_remote(target) and not os.path.isdir(target):
        raise RenderError(f"`{shown_target}` cannot run: {target} is not a folder")
    with tempfile.TemporaryDirectory(prefix="kongcheck-kustomize-") as scratch:
        wrapper_dir = Path(os.path.realpath(scratch))
        target_real = write_wrapper(target, wrapper_dir)
        argv = kustomize_argv(str(wrapper_dir), options)
        if argv is None:
            raise RenderError(
                f"`{shown_target}` cannot run: neither kustomize nor kubectl was found "
                f"({not_found('kustomize', 'KONGCHECK_KUSTOMIZE')}; "
                f"{not_found('kubectl', 'KONGCHECK_KUBECTL')})"
            )
        shown = " ".join([os.path.basename(argv[0]), argv[1], target] + (["--enable-helm"] if options.enable_helm else []))
        rewrite = wrapper_noise(wrapper_dir, target, target_real)
        text = run_render(argv, shown, options.timeout, lambda: kustomize_secrets(target), rewrite,
                          lambda: kustomize_paths(target))
    root = KustomizeRoot(build_dir=str(wrapper_dir), target_real=target_real, target_given=target)
    return Rendered(text=text, name=f"kustomize:{target}", kind="kustomize", command=shown,
                    kustomize_root=root)
