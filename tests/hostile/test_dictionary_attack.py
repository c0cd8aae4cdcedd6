"""An attacker who reads kongcheck's output (CI logs, SARIF uploads, the committed baseline) and
holds a word list that contains every credential value cannot confirm any of them: no output
holds a plain digest of a value, shown fingerprints are keyed for each run, and the baseline's
value digests are salted, slow and 20 bits short."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time

import pytest

from hostilekit import cli, write
from kongcheck.report import FORMATS

# low-entropy values of the kind that fall to a word list, one per sensitive field
VALUES = {
    "username": "alice", "custom_id": "partner-acme", "key-auth": "Summer2024!", "jwt": "k-7f3a9c",
    "basic-auth": "svc-billing", "hmac-auth": "hmac-bob", "oauth2": "mobile-app", "shared": "team-key-1",
}
LIVE_ONLY = "Winter2024"  # two live Secrets share it: a clash wholly inside the cluster
DECOYS = ["bob", "password", "Password1", "admin", "letmein", "partner-globex", "Spring2024!", "k-000000"]
DICTIONARY = [*VALUES.values(), LIVE_ONLY, *DECOYS]
FIELDS = {"key-auth": "key", "jwt": "key", "basic-auth": "username", "hmac-auth": "username", "oauth2": "client_id"}


def _consumer(name: str, secrets=(), **fields) -> str:
    body = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return (f"apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {name}\n"
            f"  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: kong}}\n{body}"
            f"credentials: [{', '.join(secrets)}]\n---\n")


def _secret(name: str, cred_type: str, values: dict, namespace: str = "ns") -> str:
    extra = {"jwt": {"algorithm": "HS256", "secret": "s"}, "basic-auth": {"password": "p"},
             "hmac-auth": {"secret": "s"}, "oauth2": {"name": "app", "client_secret": "c",
                                                    "redirect_uris": "https://x"}}.get(cred_type, {})
    data = {key: base64.b64encode(str(text).encode()).decode() for key, text in {**values, **extra}.items()}
    return (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {namespace}\n"
            f"  labels: {{konghq.com/credential: {cred_type}}}\ndata: {json.dumps(data)}\n---\n")


def _manifests(folder):
    text = _consumer("u1", username=VALUES["username"]) + _consumer("u2", username=VALUES["username"])
    text += _consumer("c1", username="c1", custom_id=VALUES["custom_id"])
    text += _consumer("c2", username="c2", custom_id=VALUES["custom_id"])
    for cred_type, field in FIELDS.items():
        for side in ("a", "b"):
            text += _consumer(f"{cred_type}-{side}", [f"{cred_type}-{side}-cred"], username=f"{cred_type}-{side}")
            text += _secret(f"{cred_type}-{side}-cred", cred_type, {field: VALUES[cred_type]})
    text += _consumer("s1", ["team"], username="s1") + _consumer("s2", ["team"], username="s2")
    text += _secret("team", "key-auth", {"key": VALUES["shared"]})
    write(folder, "manifests/all.yaml", text)
    live = "".join(_consumer(f"live-{n}", [f"live-{n}"], username=f"live-{n}").replace("namespace: ns", "namespace: ops")
                   + _secret(f"live-{n}", "key-auth", {"key": LIVE_ONLY}, "ops") for n in (1, 2))
    write(folder, "live.yaml", live)


def _digests(value: str):
    """Every plain digest an attacker would try, of the value and of its base64 form."""
    for data in (value.encode(), base64.b64encode(value.encode())):
        for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "blake2b", "blake2s"):
            yield hashlib.new(name, data).hexdigest()
        yield hmac.new(b"", data, hashlib.sha256).hexdigest()


def _old_fingerprints(finding: dict, value: str):
    """kongcheck's former finding, clash and SARIF fingerprints, computed from the report's public parts."""
    def digest(parts):
        return hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()[:32]

    ids = sorted(f"{r['namespace']}/{r['kind']}/{r['name']}" for r in finding["resources"])
    clash = [finding["rule"], finding["entity"] or "", finding["field"] or "", hashlib.sha256(value.encode()).hexdigest()]
    base = digest([*clash, ids])
    yield digest(clash)
    yield base
    for ref_id in ids:
        yield hashlib.sha256(f"{base}\0{ref_id}\0{0}".encode()).hexdigest()[:32]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attack")
    _manifests(folder)
    args = ["scan", "--no-config", str(folder / "manifests"), "--cluster-snapshot", str(folder / "live.yaml")]
    formats = sorted(FORMATS)  # every format from one run, so they share its fingerprint key
    run = cli(*args, *(f"--format={fmt}" for fmt in formats), *(f"--output={folder}/report.{fmt}" for fmt in formats))
    assert run.code == 1 and run.exception is None, run.output
    outputs = {fmt: (folder / f"report.{fmt}").read_text(encoding="utf-8") for fmt in formats}
    outputs["stderr"] = run.output
    outputs["text stdout"] = cli(*args).output  # a second run
    outputs["baseline stdout"] = cli(*args, "--write-baseline", str(folder / "baseline.json")).output
    outputs["baseline"] = (folder / "baseline.json").read_text()
    return outputs


@pytest.fixture(scope="module")
def findings(reports):
    return json.loads(reports["json"])["findings"]


def test_the_scan_reports_a_clash_for_every_value(reports, findings):
    rules = sorted(f["rule"] for f in findings)
    assert rules == sorted(["consumer-username-conflict", "consumer-custom-id-conflict", "key-auth-key-conflict",
                            "key-auth-key-conflict", "jwt-key-conflict", "basic-auth-username-conflict",
                            "hmac-auth-username-conflict", "oauth2-client-id-conflict",
                            "credential-shared-by-consumers"])  # one key-auth clash is the live one
    assert len(json.loads(reports["baseline"])["findings"]) == len(findings)


@pytest.mark.parametrize("name", [*sorted(FORMATS), "stderr", "text stdout", "baseline stdout", "baseline"])
def test_no_plain_digest_of_any_value_appears(reports, name):
    text = reports[name]
    found = [value for value in DICTIONARY for digest in _digests(value) if digest[:10] in text]
    assert found == []


@pytest.mark.parametrize("name", ["json", "sarif", "baseline"])
def test_no_former_kongcheck_fingerprint_of_any_value_appears(reports, findings, name):
    text = reports[name]
    found = {value for finding in findings for value in DICTIONARY
             for fingerprint in _old_fingerprints(finding, value) if fingerprint in text}
    assert found == set()


def test_shown_fingerprints_match_across_formats_and_verify_nothing_outside_the_run(reports, findings):
    prints = {f["value_fingerprint"] for f in findings if f["value_fingerprint"] and f["value_fingerprint"] in f["message"]}
    assert len(prints) == 7 and all(re.fullmatch(r"fp:[0-9a-f]{12}", p) for p in prints)
    for fmt in ("text", "sarif", "github", "junit"):
        assert all(p in reports[fmt] for p in prints), fmt
    # a second run of the same scan shows other fingerprints: none is a stable verifier
    again = reports["text stdout"]
    assert "fp:" in again and not any(p in again for p in prints)


def test_a_value_only_the_cluster_holds_shows_nothing_derived_from_it(findings):
    [live] = [f for f in findings if f.get("live_only")]
    assert live["value_fingerprint"] is None and "<live value>" in live["message"]
    assert "fp:" not in live["message"]


def test_the_baseline_digest_is_salted_slow_and_short(reports, tmp_path):
    data = json.loads(reports["baseline"])
    values = data["values"]
    assert values["hash"] == "scrypt" and values["n"] * values["r"] >= 1 << 17 and values["digits"] == 5
    salt = base64.b64decode(values["salt"])
    assert len(salt) == 16
    started = time.perf_counter()
    hashlib.scrypt(b"alice", salt=salt, n=values["n"], r=values["r"], p=values["p"], maxmem=1 << 27, dklen=16)
    one_guess = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(1000):
        hashlib.sha256(b"alice").hexdigest()
    plain_guess = (time.perf_counter() - started) / 1000
    assert one_guess > 1000 * plain_guess  # a word list costs a thousand times more (in fact far more)
    assert one_guess > 0.005


def test_two_baselines_of_the_same_findings_share_no_digest(reports, tmp_path):
    first = json.loads(reports["baseline"])
    folder = tmp_path / "again"
    _manifests(folder)
    cli("scan", "--no-config", str(folder / "manifests"), "--cluster-snapshot", str(folder / "live.yaml"),
        "--write-baseline", str(folder / "baseline.json"))
    second = json.loads((folder / "baseline.json").read_text())
    assert first["values"]["salt"] != second["values"]["salt"]
    def prints(baseline):  # the live-only clash has no value digest: its prints are the same
        return {e[key] for e in baseline["findings"] if not e["resources"][0].startswith("ops/")
                for key in ("fingerprint", "clash")}

    assert len(prints(first)) == 2 * (len(first["findings"]) - 1)
    assert not prints(first) & prints(second)
