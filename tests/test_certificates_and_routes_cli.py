"""TLS host and generated-name rules through the CLI: fixtures, --kic-version on both sides of each release
where KIC's answer changes, and exit codes."""
from __future__ import annotations

import pytest

from kchelp import fixture, scan_json


@pytest.mark.parametrize("rule", ["tls-host-conflict", "ingress-tcpingress-service-conflict",
                                  "ingress-route-key-conflict", "ingress-default-backend-conflict",
                                  "multi-backend-annotations-conflict"])
def test_each_fixture_fails_the_scan_with_its_rule(rule):
    run = scan_json(fixture(f"{rule}.yaml"))
    assert run.code == 1 and run.rules() == [rule]
    [finding] = run.findings()
    assert all(r["file"] == fixture(f"{rule}.yaml") for r in finding["resources"])


@pytest.mark.parametrize("kic, outcomes", [("2.8.2", []), ("2.9.0", ["config-rejected"]),
                                           ("3.0.2", ["config-rejected"]), ("3.1.0", ["routes-merged"])])
def test_route_keys_per_release(kic, outcomes):
    """2.9-3.0 put the host before the Service in the key: the fixture's two routes stay apart and Kong sees
    their one name twice; from 3.1 the key is the name and KIC merges them; before 2.9 it is not predicted."""
    run = scan_json("--kic-version", kic, "--kong-version", "3.9", fixture("ingress-route-key-conflict.yaml"))
    assert [f["outcome"] for f in run.findings("ingress-route-key-conflict")] == outcomes


@pytest.mark.parametrize("kic, found", [("2.8.2", False), ("2.9.0", True)])
def test_multi_backend_annotations_from_2_9(kic, found):
    run = scan_json("--kic-version", kic, fixture("multi-backend-annotations-conflict.yaml"))
    assert (run.rules() == ["multi-backend-annotations-conflict"]) is found


@pytest.mark.parametrize("kic, kept", [("2.7.0", []), ("2.8.0", ["data/TCPIngress/db"])])
def test_sni_owner_is_fixed_from_2_8_0(kic, kept):
    [finding] = scan_json("--kic-version", kic, fixture("tls-host-conflict.yaml")).findings("tls-host-conflict")
    assert finding["kept"] == kept
