"""--untrusted: a pull request cannot turn its own gate off.

Each attack below makes a clashing change pass without the mode (so the test shows the hole) and
fails with it.  The change is a repository checkout (``pr/``, with a ``.git``); trusted files
(the base branch's configuration and baseline, a cluster snapshot) live outside it.
"""
from __future__ import annotations

import json

import pytest

from kchelp import invoke_in

CONSUMER = """apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: kong{annotation}
username: {username}{comment}
credentials: [{credentials}]
"""
SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: {namespace}
  labels: {{konghq.com/credential: key-auth}}
stringData: {{key: {key}}}
"""
KEY = "pr-guess-7f3a"


def consumer(name, username=None, annotation="", comment="", credentials=""):
    if annotation:
        annotation = f"\n    kongcheck.io/ignore: \"{annotation}\""
    return CONSUMER.format(name=name, username=username or name, annotation=annotation, comment=comment,
                           credentials=credentials)


@pytest.fixture
def pr(tmp_path):
    """A checked-out change: pr/.git, pr/k8s/ with one username clash (a, b share 'shared')."""
    tree = tmp_path / "pr"
    (tree / ".git").mkdir(parents=True)
    (tree / "k8s").mkdir()
    (tree / "k8s" / "10-consumers.yaml").write_text(consumer("a", "shared") + "---\n" + consumer("b", "shared"))
    return tree


def scan(cwd, *args):
    result = invoke_in(cwd, ["scan", *args])
    return result


@pytest.mark.parametrize("setting", ["fail-on: never", "exclude: ['10-*']",
                                     "rules:\n  consumer-username-conflict: {enabled: false}"])
def test_a_committed_configuration_that_turns_the_gate_off_is_not_read(pr, setting):
    (pr / "k8s" / "00-other.yaml").write_text(consumer("z"))
    (pr / ".kongcheck.yaml").write_text(setting + "\n")
    assert scan(pr, "k8s").exit_code == 0  # the hole
    result = scan(pr, "k8s", "--untrusted")
    assert result.exit_code == 1 and "consumer-username-conflict" in result.stdout


def test_a_pyproject_table_is_not_read_either(pr):
    (pr / "pyproject.toml").write_text('[tool.kongcheck]\nfail-on = "never"\n')
    assert scan(pr, "k8s").exit_code == 0
    assert scan(pr, "k8s", "--untrusted").exit_code == 1


@pytest.mark.parametrize("order", ["config first", "untrusted first"])
def test_a_trusted_configuration_from_outside_the_tree_is_read(pr, tmp_path, order):
    trusted = tmp_path / "base.kongcheck.yaml"
    trusted.write_text("fail-on: warning\nrules:\n  consumer-username-conflict: {severity: warning}\n")
    flags = ["--config", str(trusted), "--untrusted"] if order == "config first" else ["--untrusted", "--config",
                                                                                         str(trusted)]
    result = scan(pr, "k8s", *flags, "-f", "json")
    assert result.exit_code == 1
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["warning"]


@pytest.mark.parametrize("flag,name", [("--config", ".kongcheck.yaml"), ("--baseline", "baseline.json"),
                                       ("--cluster-snapshot", "live.yaml"), ("--kubeconfig", "kubeconfig")])
def test_a_trusted_file_inside_the_tree_is_refused(pr, flag, name):
    (pr / name).write_text("fail-on: never\n" if name.endswith("yaml") else "{}")
    extra = ["--cluster"] if flag == "--kubeconfig" else []
    result = scan(pr, "k8s", "--untrusted", flag, name, *extra)
    assert result.exit_code == 2
    assert f"Error: --untrusted: {flag} {name} lies inside {pr.resolve()}, a tree the scanned change controls" \
        in result.stderr


def test_a_trusted_file_behind_a_symlink_into_the_tree_is_refused(pr, tmp_path):
    (pr / ".kongcheck.yaml").write_text("fail-on: never\n")
    (tmp_path / "looks-trusted.yaml").symlink_to(pr / ".kongcheck.yaml")
    result = scan(pr, "k8s", "--untrusted", "--config", str(tmp_path / "looks-trusted.yaml"))
    assert result.exit_code == 2 and "lies inside" in result.stderr


def test_standard_input_counts_the_working_folder_as_the_tree(pr):
    (pr / ".kongcheck.yaml").write_text("fail-on: never\n")
    text = (pr / "k8s" / "10-consumers.yaml").read_text()
    result = invoke_in(pr / "k8s", ["scan", "-", "--untrusted", "--config", "../.kongcheck.yaml"], input=text)
    assert result.exit_code == 2 and "lies inside" in result.stderr


def test_a_later_copy_of_an_object_with_the_ignore_annotation_does_not_silence_the_clash(pr):
    # the change re-declares b later in apply order, now carrying kongcheck.io/ignore: all
    (pr / "k8s" / "99-override.yaml").write_text(consumer("a", "shared", annotation="all") + "---\n"
                                                 + consumer("b", "shared", annotation="all"))
    assert scan(pr, "k8s").exit_code == 0
    result = scan(pr, "k8s", "--untrusted")
    assert result.exit_code == 1 and "consumer-username-conflict" in result.stdout
    assert ("note: --untrusted: 1 finding is reported although suppressions in the scanned files would "
            "silence them") in result.stderr


def test_comment_suppressions_are_ignored_too(pr):
    (pr / "k8s" / "10-consumers.yaml").write_text(
        consumer("a", "shared", comment="  # kongcheck: ignore[all]") + "---\n"
        + consumer("b", "shared", comment="  # kongcheck: ignore[all]"))
    assert scan(pr, "k8s").exit_code == 0
    assert scan(pr, "k8s", "--untrusted").exit_code == 1


def test_the_base_branch_baseline_accepts_what_the_base_branch_accepted(pr, tmp_path):
    base = tmp_path / "base"
    (base / "k8s").mkdir(parents=True)
    (base / ".git").mkdir()
    # the base branch already has the a/b clash, and a c/d clash it silences in the source
    (base / "k8s" / "10-consumers.yaml").write_text(
        consumer("a", "shared") + "---\n" + consumer("b", "shared") + "---\n"
        + consumer("c", "other", annotation="all") + "---\n" + consumer("d", "other", annotation="all"))
    accepted = tmp_path / "runner-temp" / "base-baseline.json"
    accepted.parent.mkdir()
    written = scan(base, "k8s", "--write-baseline", str(accepted))
    assert written.exit_code == 0 and "wrote 2 findings" in written.stderr
    (pr / "k8s" / "10-consumers.yaml").write_text((base / "k8s" / "10-consumers.yaml").read_text())
    assert scan(pr, "k8s", "--untrusted", "--baseline", str(accepted)).exit_code == 0
    # a new clash the change brings, even under a fresh annotation, fails
    (pr / "k8s" / "20-new.yaml").write_text(consumer("e", "new", annotation="all") + "---\n"
                                            + consumer("f", "new", annotation="all"))
    result = scan(pr, "k8s", "--untrusted", "--baseline", str(accepted))
    assert result.exit_code == 1 and "shop/KongConsumer/e" in result.stdout


@pytest.mark.parametrize("flag", [["--write-baseline", "b.json"], ["--show-values"]])
def test_flags_that_defeat_the_mode_are_refused(pr, tmp_path, flag):
    result = scan(pr, "k8s", "--untrusted", *flag)
    assert result.exit_code == 2 and f"Error: --untrusted: {flag[0]}" in result.stderr


def _live(tmp_path) -> str:
    """A trusted snapshot: live consumer zops/zeta owns live Secret zops/zeta-key with key KEY."""
    path = tmp_path / "live.yaml"
    path.write_text(SECRET.format(name="zeta-key", namespace="zops", key=KEY) + "---\n"
                    + consumer("zeta", credentials="zeta-key").replace("namespace: shop", "namespace: zops"))
    return str(path)


def test_a_clash_with_a_live_credential_names_only_the_change_side(pr, tmp_path):
    (pr / "k8s" / "10-consumers.yaml").write_text(consumer("guess", credentials="guess-key") + "---\n"
                                                  + SECRET.format(name="guess-key", namespace="shop", key=KEY))
    trusted = scan(pr, "k8s", "--cluster-snapshot", _live(tmp_path), "-f", "json")
    assert "zops/Secret/zeta-key" in trusted.stdout  # a trusted run names both sides
    result = scan(pr, "k8s", "--untrusted", "--cluster-snapshot", _live(tmp_path), "-f", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "key-auth-key-conflict"
    assert [r["name"] for r in finding["resources"]] == ["guess-key"]
    assert finding["message"].startswith(f"key {finding['value_fingerprint']} of shop/Secret/guess-key (owned by "
                                         "shop/KongConsumer/guess) is also held by a live object in the cluster, "
                                         "which --untrusted does not name.")
    assert finding["dropped"] == ["shop/KongConsumer/guess"]
    for fmt in ("text", "json", "sarif", "github", "junit"):
        output = scan(pr, "k8s", "--untrusted", "--cluster-snapshot", _live(tmp_path), "-f", fmt)
        shown = output.stdout + output.stderr
        assert "zeta" not in shown and "zops" not in shown and KEY not in shown, fmt


def test_a_clash_with_a_live_username_names_only_the_change_side(pr, tmp_path):
    (pr / "k8s" / "10-consumers.yaml").write_text(consumer("guess", "zeta"))
    result = scan(pr, "k8s", "--untrusted", "--cluster-snapshot", _live(tmp_path))
    assert result.exit_code == 1
    assert "username fp:" in result.stdout and "of shop/KongConsumer/guess is also held by a live object" \
        in result.stdout
    assert "zops/KongConsumer/zeta" not in result.stdout


def test_a_live_secret_the_change_attaches_names_no_live_consumer(pr, tmp_path):
    (pr / "k8s" / "10-consumers.yaml").write_text(consumer("guess", credentials="zeta-key").replace(
        "namespace: shop", "namespace: zops"))
    trusted = scan(pr, "k8s", "--cluster-snapshot", _live(tmp_path))
    assert "zops/KongConsumer/zeta" in trusted.stdout
    result = scan(pr, "k8s", "--untrusted", "--cluster-snapshot", _live(tmp_path), "-f", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "credential-shared-by-consumers"
    assert ("zops/Secret/zeta-key is attached 2 times by zops/KongConsumer/guess and by live KongConsumers that "
            "--untrusted does not name") in finding["message"]
    assert "zops/KongConsumer/zeta" not in result.stdout
