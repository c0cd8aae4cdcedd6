"""`kongcheck scan --cluster` / `--cluster-snapshot` end to end, against the loopback fake API server."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kongcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).parent / "data" / "snapshot.yaml"
# every credential value in the live objects, kept or not: none may reach any output
ALL_VALUES = ["ALICE-live-key-9f8e7d", "alice-basic-user", "ALICE-Pa55w0rd-live", "BOB-legacy-key-5c4b3a",
              "BOB-private-note-zz", "bob-jwt-issuer", "BOB-jwt-hmac-secret-77", "payments-client",
              "PAYMENTS-client-secret-42", "UNRELATED-private-key"]

CONSUMER = """apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: {name}
  namespace: {ns}
  annotations:
    kubernetes.io/ingress.class: kong
username: {username}
credentials: [{creds}]
"""
SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: {ns}
  labels:
    konghq.com/credential: {cred_type}
stringData:
  {field}: {value}
"""


def consumer(name, ns, username, creds=""):
    return CONSUMER.format(name=name, ns=ns, username=username, creds=creds)


def secret(name, ns, cred_type, field, value):
    return SECRET.format(name=name, ns=ns, cred_type=cred_type, field=field, value=value)


def manifests(tmp_path, *docs) -> str:
    folder = tmp_path / "manifests"
    folder.mkdir(exist_ok=True)
    (folder / "change.yaml").write_text("---\n".join(docs))
    return str(folder)


def run(*args):
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def live_args(kubeconfig):
    return ["--cluster", "--kubeconfig", str(kubeconfig)]


def rules_of(output_json: str) -> list[tuple[str, str, bool]]:
    doc = json.loads(output_json)
    return [(f["rule"], f["severity"], f.get("live_only", False)) for f in doc["findings"]]


def test_a_manifest_clashing_with_live_state_fails(fake_server, token_kubeconfig, tmp_path):
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob", "robert-key"),
                       secret("robert-key", "team-c", "jwt", "key", "bob-jwt-issuer"))
    result = run(folder, *live_args(token_kubeconfig))
    assert result.exit_code == 1, result.output
    assert "consumer-username-conflict" in result.output and "jwt-key-conflict" in result.output
    assert re.search(r"\n    team-b/KongConsumer/bob +cluster:kind-test/team-b/KongConsumer/bob\n", result.output)
    assert "cluster:kind-test/team-b/Secret/bob-jwt" in result.output
    assert "(with 11 live objects from the cluster)" in result.output


def test_a_manifest_replaces_the_live_object(fake_server, token_kubeconfig, tmp_path):
    # team-a/alice is redefined with her own username: the same object, not a clash;
    # team-b/bob is renamed, so robert may take the username "bob".
    folder = manifests(tmp_path, consumer("alice", "team-a", "alice", "alice-key"),
                       consumer("bob", "team-b", "bobby"),
                       consumer("robert", "team-c", "bob"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 0, result.output
    assert rules_of(result.output) == []
    # without the cluster-wide bob rename, robert clashes with the live bob
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob"))
    assert run(folder, *live_args(token_kubeconfig)).exit_code == 1


def test_a_manifest_secret_replaces_the_live_secret(fake_server, token_kubeconfig, tmp_path):
    # the live alice-key holds ALICE-live-key-9f8e7d; rotating it in the manifests frees the old key
    folder = manifests(tmp_path, secret("alice-key", "team-a", "key-auth", "key", "rotated-key"),
                       consumer("carl", "team-c", "carl", "carl-key"),
                       secret("carl-key", "team-c", "key-auth", "key", "ALICE-live-key-9f8e7d"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 0 and rules_of(result.output) == []
    folder = manifests(tmp_path, consumer("carl", "team-c", "carl", "carl-key"),
                       secret("carl-key", "team-c", "key-auth", "key", "ALICE-live-key-9f8e7d"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert rules_of(result.output) == [("key-auth-key-conflict", "error", False)]


def add_live_clash(server):
    """Two live consumers in other namespaces share a key-auth key: a clash already running."""
    for ns in ("ops-1", "ops-2"):
        server.objects.append({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                               "metadata": {"name": "svc", "namespace": ns,
                                            "annotations": {"kubernetes.io/ingress.class": "kong"}},
                               "username": f"svc-{ns}", "credentials": ["svc-key"]})
        server.objects.append({"apiVersion": "v1", "kind": "Secret",
                               "metadata": {"name": "svc-key", "namespace": ns,
                                            "labels": {"konghq.com/credential": "key-auth"}},
                               "data": {"key": base64.b64encode(b"shared-ops-key").decode()}})


def test_clashes_wholly_in_the_cluster_are_warnings(fake_server, token_kubeconfig, tmp_path):
    add_live_clash(fake_server)
    folder = manifests(tmp_path, consumer("new", "team-c", "new-user"))
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 0, result.output
    assert rules_of(result.output) == [("key-auth-key-conflict", "warning", True)]
    text = run(folder, *live_args(token_kubeconfig))
    assert "already in the cluster: no manifest takes part" in text.output
    assert run(folder, *live_args(token_kubeconfig), "--fail-on", "warning").exit_code == 0


def test_fail_on_live_counts_them(fake_server, token_kubeconfig, tmp_path):
    add_live_clash(fake_server)
    folder = manifests(tmp_path, consumer("new", "team-c", "new-user"))
    result = run(folder, *live_args(token_kubeconfig), "--fail-on-live", "-f", "json")
    assert result.exit_code == 1
    assert rules_of(result.output) == [("key-auth-key-conflict", "error", True)]


def test_only_collisions_are_reported_for_live_objects(fake_server, token_kubeconfig, tmp_path):
    # bob's live gone-secret is missing and his legacy Secret is ignored by KIC 3.5, and live
    # Secrets lack the fields kongcheck dropped: none of that is this change's business.
    result = run(manifests(tmp_path, consumer("new", "team-c", "new-user")), *live_args(token_kubeconfig))
    assert result.exit_code == 0
    assert "no collisions found" in result.output


def test_live_default_ingress_class_makes_classless_objects_count(fake_server, token_kubeconfig, tmp_path):
    fake_server.objects.append({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                                "metadata": {"name": "dave", "namespace": "team-d"}, "username": "dave"})
    folder = manifests(tmp_path, consumer("david", "team-c", "dave"))
    assert run(folder, *live_args(token_kubeconfig)).exit_code == 1  # the live IngressClass kong is default
    assert "/apis/networking.k8s.io/v1/ingressclasses/kong" in fake_server.paths()
    fake_server.objects = [o for o in fake_server.objects if o["kind"] != "IngressClass"]
    assert run(folder, *live_args(token_kubeconfig)).exit_code == 0


def test_no_secret_value_reaches_any_output(fake_server, token_kubeconfig, tmp_path):
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob", "robert-key, robert-basic"),
                       secret("robert-key", "team-c", "key-auth", "key", "ALICE-live-key-9f8e7d"),
                       secret("robert-basic", "team-c", "basic-auth", "username", "alice-basic-user"))
    outputs = []
    for extra in ([], ["-f", "json"], ["-v"], ["--kic-version", "3.1"]):
        result = run(folder, *live_args(token_kubeconfig), *extra)
        assert result.exit_code == 1
        outputs.append(result.output)
    joined = "\n".join(outputs)
    assert "key-auth-key-conflict" in joined and "basic-auth-username-conflict" in joined
    for value in ALL_VALUES:
        assert value not in joined and base64.b64encode(value.encode()).decode() not in joined


@pytest.mark.parametrize("fault, expected", [
    (lambda s: setattr(s, "token", "rotated"), "401 Unauthorized"),
    (lambda s: s.forbidden.add(("list", "kongvaults")),
     "RBAC verb 'list' on resource 'kongvaults' in API group configuration.konghq.com at cluster scope"),
    (lambda s: s.missing.add("kongconsumergroups"),
     "CRD kongconsumergroups.configuration.konghq.com (version v1beta1) is not installed"),
])
def test_cluster_errors_exit_2_and_manifests_are_still_scanned(fake_server, token_kubeconfig, tmp_path,
                                                               fault, expected):
    fault(fake_server)
    folder = manifests(tmp_path, consumer("a", "x", "same"), consumer("b", "z", "same"))
    result = run(folder, *live_args(token_kubeconfig))
    assert result.exit_code == 2
    assert "error  --cluster: " in result.output and expected in result.output
    assert "consumer-username-conflict" in result.output  # the manifests' own clash is still reported
    assert "Traceback" not in result.output


def test_timeout_flag(fake_server, token_kubeconfig, tmp_path):
    fake_server.slow["kongvaults"] = 20
    result = run(manifests(tmp_path, consumer("a", "x", "u")), *live_args(token_kubeconfig),
                 "--cluster-timeout", "0.3", "-f", "json")
    assert result.exit_code == 2
    (error,) = json.loads(result.output)["errors"]
    assert error["file"] == "--cluster" and "did not answer" in error["message"] and "0.3s" in error["message"]


def test_unreachable_server_and_namespaces_flag(isolated_env, tmp_path, closed_port):
    from kube_helpers import write_kubeconfig

    config = write_kubeconfig(tmp_path / "kc", f"http://127.0.0.1:{closed_port}", {"token": "t"})
    result = run(manifests(tmp_path, consumer("a", "x", "u")), *live_args(config), "--cluster-namespace", "x")
    assert result.exit_code == 2 and "cannot reach the API server" in result.output


def test_cluster_namespace_is_passed_on(fake_server, token_kubeconfig, tmp_path):
    result = run(manifests(tmp_path, consumer("robert", "team-c", "bob")), *live_args(token_kubeconfig),
                 "--cluster-namespace", "team-a", "--context", "kind-test")
    assert result.exit_code == 0  # bob lives in team-b, which was not read
    assert not any("team-b" in p for p in fake_server.paths())


def test_snapshot_gives_the_same_findings(fake_server, token_kubeconfig, tmp_path):
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob", "robert-key"),
                       secret("robert-key", "team-c", "jwt", "key", "bob-jwt-issuer"))
    live = json.loads(run(folder, *live_args(token_kubeconfig), "-f", "json").output)
    snap = run(folder, "--cluster-snapshot", str(SNAPSHOT), "-f", "json")
    assert snap.exit_code == 1
    from_snapshot = json.loads(snap.output)
    assert [f["rule"] for f in from_snapshot["findings"]] == [f["rule"] for f in live["findings"]]
    files = {r["file"] for f in from_snapshot["findings"] for r in f["resources"]}
    assert "cluster:snapshot/team-b/KongConsumer/bob" in files
    details = {r.get("detail") for f in from_snapshot["findings"] for r in f["resources"]}
    assert any(d and d.startswith(f"{SNAPSHOT}:") for d in details)
    text = run(folder, "--cluster-snapshot", str(SNAPSHOT)).output
    assert f"cluster:snapshot/team-b/KongConsumer/bob ({SNAPSHOT}:" in text


def test_bad_snapshot_is_an_input_error(tmp_path):
    bad = tmp_path / "live.yaml"
    bad.write_text("apiVersion: v1\nitems: [\n")
    result = run(manifests(tmp_path, consumer("a", "x", "u")), "--cluster-snapshot", str(bad))
    assert result.exit_code == 2
    assert f"error  {bad}:2: invalid YAML in cluster snapshot" in result.output  # the file has 2 lines


@pytest.mark.parametrize("args, message", [
    (["--context", "x"], "--context needs --cluster"),
    (["--cluster-namespace", "x"], "--cluster-namespace needs --cluster"),
    (["--fail-on-live"], "--fail-on-live needs --cluster or --cluster-snapshot"),
    (["--cluster", "--cluster-snapshot", "f.yaml"], "either --cluster or --cluster-snapshot"),
])
def test_flag_combinations(tmp_path, args, message):
    result = CliRunner().invoke(main, ["scan", str(tmp_path), *args])
    assert result.exit_code == 2 and message in result.output


def hide_modules(*names) -> str:
    """Python source that makes `import <name>` fail, as when the [cluster] extra is not installed."""
    return "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in names)


@pytest.mark.parametrize("hidden", [("kubernetes", "urllib3"), ("kubernetes",), ("urllib3",)])
def test_without_the_extra_the_cli_says_how_to_install(fake_server, token_kubeconfig, tmp_path, hidden):
    code = (hide_modules(*hidden)
            + "from kongcheck.cli import run\n"
            f"sys.argv = ['kongcheck', 'scan', {str(tmp_path)!r}, '--cluster', '--kubeconfig', "
            f"{str(token_kubeconfig)!r}]\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "pip install 'kongcheck[cluster]'" in result.stdout
    assert "internal error" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert fake_server.requests == []


def test_a_snapshot_scan_needs_none_of_the_extra(tmp_path):
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob", "robert-key"),
                       secret("robert-key", "team-c", "jwt", "key", "bob-jwt-issuer"))
    code = (hide_modules("kubernetes", "urllib3")
            + "from kongcheck.cli import run\n"
            f"sys.argv = ['kongcheck', 'scan', {folder!r}, '--cluster-snapshot', {str(SNAPSHOT)!r}, '-f', 'json']\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert {"consumer-username-conflict", "jwt-key-conflict"} <= {rule for rule, _, _ in rules_of(result.stdout)}


def test_a_scan_without_cluster_flags_never_imports_the_client():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "kongcheck", "scan", "fixtures/example"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "vault-prefix-conflict" in result.stdout
    assert "kubernetes" not in result.stderr and "kongcheck.sources.live" not in result.stderr


def test_older_kic_targets_read_only_the_kinds_they_have(fake_server, token_kubeconfig, tmp_path):
    folder = manifests(tmp_path, consumer("a", "x", "u"))
    fake_server.missing.add("kongvaults")
    assert "KongVault needs KIC >= 3.1.0 (for an older KIC pass --kic-version)" in run(
        folder, *live_args(token_kubeconfig)).output
    assert run(folder, *live_args(token_kubeconfig), "--kic-version", "3.0").exit_code == 0
    fake_server.missing.add("kongconsumergroups")
    result = run(folder, *live_args(token_kubeconfig), "--kic-version", "3.0")
    assert "kongconsumergroups" in result.output and result.exit_code == 2  # KIC 3.x has the group CRD
    fake_server.requests.clear()
    result = run(folder, *live_args(token_kubeconfig), "--kic-version", "2.12")
    assert result.exit_code == 0, result.output
    assert not any("kongvaults" in p for p in fake_server.paths())


def test_snapshot_in_two_files(tmp_path):
    kong_part, secrets_part = SNAPSHOT.read_text().split("---\n")
    (tmp_path / "kong.yaml").write_text(kong_part)
    (tmp_path / "secrets.yaml").write_text(secrets_part)
    folder = manifests(tmp_path, consumer("robert", "team-c", "robert", "robert-key"),
                       secret("robert-key", "team-c", "key-auth", "key", "ALICE-live-key-9f8e7d"))
    result = run(folder, "--cluster-snapshot", str(tmp_path / "kong.yaml"),
                 "--cluster-snapshot", str(tmp_path / "secrets.yaml"), "-f", "json")
    assert rules_of(result.output) == [("key-auth-key-conflict", "error", False)]
    assert json.loads(result.output)["summary"]["live_objects"] == 9


def test_auditing_the_cluster_alone(fake_server, token_kubeconfig, tmp_path):
    add_live_clash(fake_server)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(str(empty), *live_args(token_kubeconfig)).exit_code == 2  # no manifests: a wrong path?
    result = run(str(empty), *live_args(token_kubeconfig), "--allow-empty", "--fail-on-live", "-f", "json")
    assert result.exit_code == 1
    assert rules_of(result.stdout) == [("key-auth-key-conflict", "error", True)]
