"""Which findings are "already in the cluster" (live_only): only those no manifest object contributes to.

A manifest object contributes when it is a participant, or the consumer that owns a clashing
credential, or one that KIC keeps or drops because of the clash. In the snapshot below,
live Secret s1 (used by live consumer c1) and an unused labelled Secret s2
share one key-auth key; KIC's webhook refuses a manifest consumer with the class annotation that
attaches s2, and one the webhook does not check makes KIC drop c1 and itself.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from click.testing import CliRunner

from kongcheck.cli import main

KEY = "SAMEKEY-live-value"


def _secret(name: str) -> str:
    return f"""- apiVersion: v1
  kind: Secret
  metadata:
    name: {name}
    namespace: ns
    labels: {{konghq.com/credential: key-auth}}
  data:
    key: {base64.b64encode(KEY.encode()).decode()}
"""


def _consumer(name: str, credentials: str, indent: str = "- ") -> str:
    pad = " " * len(indent)
    return (f"{indent}apiVersion: configuration.konghq.com/v1\n{pad}kind: KongConsumer\n{pad}metadata:\n"
            f"{pad}  name: {name}\n{pad}  namespace: ns\n{pad}  annotations: {{kubernetes.io/ingress.class: kong}}\n"
            f"{pad}username: {name}\n{pad}credentials: [{credentials}]\n")


def write_snapshot(tmp_path, *extra: str) -> str:
    path = tmp_path / "snap.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n" + _secret("s1") + _secret("s2")
                    + _consumer("c1", "s1") + "".join(extra))
    return str(path)


def write_manifest(tmp_path, text: str) -> str:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "change.yaml").write_text(text)
    return str(folder)


def scan(folder: str, snapshot: str, *args: str):
    result = CliRunner().invoke(main, ["scan", folder, "--cluster-snapshot", snapshot, "-f", "json", *args],
                                catch_exceptions=False)
    assert KEY not in result.output
    return result, json.loads(result.output)["findings"]


def key_clash(findings: list[dict]) -> dict:
    (finding,) = [f for f in findings if f["rule"] == "key-auth-key-conflict"]
    return finding


@pytest.mark.parametrize("kic", ["3.5", "3.3"])  # 3.3 does not drop consumers: owners alone decide
def test_a_manifest_consumer_attaching_an_unused_live_secret_causes_the_clash(tmp_path, kic):
    folder = write_manifest(tmp_path, _consumer("c2", "s2", indent=""))
    result, findings = scan(folder, write_snapshot(tmp_path), "--kic-version", kic)
    finding = key_clash(findings)
    assert {r["file"] for r in finding["resources"]} == {"cluster:snapshot/ns/Secret/s1",
                                                         "cluster:snapshot/ns/Secret/s2"}
    assert not finding.get("live_only") and finding["severity"] == "error"
    assert result.exit_code == 1
    # c2 has the class annotation, so the webhook compares its key with the live c1's and refuses it
    assert (finding["outcome"], finding["dropped"]) == ("apply-refused", ["ns/KongConsumer/c2"])
    assert ("KIC's webhook refuses KongConsumer ns/KongConsumer/c2 ('consumer credential failed validation: "
            "unique key constraint violated for key')") in finding["message"]


@pytest.mark.parametrize("kic, dropped", [("3.5", ["ns/KongConsumer/c1", "ns/KongConsumer/c2"]), ("3.3", [])])
def test_a_consumer_the_webhook_does_not_check_makes_kic_resolve_the_clash(tmp_path, kic, dropped):
    # without the class annotation (counted through the default class) the webhook lets c2 through
    folder = write_manifest(tmp_path, _consumer("c2", "s2", indent="").replace(
        "  annotations: {kubernetes.io/ingress.class: kong}\n", ""))
    result, findings = scan(folder, write_snapshot(tmp_path), "--kic-version", kic, "--assume-default-class")
    finding = key_clash(findings)
    assert finding["outcome"] == ("consumers-dropped" if kic == "3.5" else "config-rejected")
    assert finding["dropped"] == dropped and result.exit_code == 1


def test_the_text_report_does_not_call_it_already_in_the_cluster(tmp_path):
    folder = write_manifest(tmp_path, _consumer("c2", "s2", indent=""))
    result = CliRunner().invoke(main, ["scan", folder, "--cluster-snapshot", write_snapshot(tmp_path)])
    assert result.exit_code == 1
    assert re.match(r"cluster:snapshot/ns/Secret/s1 \(.*\)  error  key-auth-key-conflict  ", result.output)
    assert "already in the cluster" not in result.output


def test_a_manifest_redefining_the_live_owner_takes_part(tmp_path):
    # c1 is live; the manifest gives it both Secrets: its own two credentials now clash
    folder = write_manifest(tmp_path, _consumer("c1", "s1, s2", indent=""))
    result, findings = scan(folder, write_snapshot(tmp_path))
    finding = key_clash(findings)
    assert not finding.get("live_only") and finding["severity"] == "error"
    assert result.exit_code == 1


def test_a_clash_between_live_consumers_only_stays_live_only(tmp_path):
    # c9 is live and already uses s2: the manifest's unrelated consumer changes nothing
    folder = write_manifest(tmp_path, _consumer("c3", "", indent=""))
    result, findings = scan(folder, write_snapshot(tmp_path, _consumer("c9", "s2")))
    finding = key_clash(findings)
    assert finding["live_only"] is True and finding["severity"] == "warning"
    assert finding["dropped"] == ["ns/KongConsumer/c1", "ns/KongConsumer/c9"]
    assert result.exit_code == 0
    assert scan(folder, write_snapshot(tmp_path, _consumer("c9", "s2")), "--fail-on-live")[0].exit_code == 1


@pytest.mark.parametrize("show", [[], ["--show-values"]])
def test_a_value_only_live_objects_hold_is_never_shown_nor_fingerprinted(tmp_path, show):
    # both Secrets holding the key are live: the value is the cluster's alone, even if a manifest
    # consumer attaches one of them (the finding is then this change's doing, and still fails)
    folder = write_manifest(tmp_path, _consumer("c2", "s2", indent=""))
    for snapshot in (write_snapshot(tmp_path), write_snapshot(tmp_path, _consumer("c9", "s2"))):
        result, findings = scan(folder, snapshot, *show)
        finding = key_clash(findings)
        assert finding["value_fingerprint"] is None
        assert "share key <live value>" in finding["message"] and "fp:" not in finding["message"]
