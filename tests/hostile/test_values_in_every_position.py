"""A credential value never reaches stdout, stderr or an output file, wherever it is written: as
the value of each credential and identity field, passed with --helm-set, held by a live object
or a snapshot, or typed where a key belongs (a value used as a data or stringData key, a flow
mapping of values, a nested mapping, a duplicate key in YAML or JSON)."""
from __future__ import annotations

import base64
import json

import pytest

from hostilekit import cli, write
from kongcheck.report import FORMATS


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _secret(name: str, body: str, cred_type: str = "key-auth") -> str:
    return (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: ns\n"
            f"  labels: {{konghq.com/credential: {cred_type}}}\n{body}---\n")


def _consumer(name: str, username: str, *secrets: str) -> str:
    return (f"apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: {name}\n"
            f"  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: {username}\n"
            f"credentials: [{', '.join(secrets)}]\n---\n")


# one value per position; each is unique, so a leak names its position
VALUES = {
    "username": "pos-username-0a1", "key": "pos-key-auth-0a2", "jwt": "pos-jwt-key-0a3",
    "flow set": "pos-flow-set-0a4", "data key null": "pos-data-key-0a5", "data key bad b64": "pos-data-key-0a6",
    "stringData nested key": "pos-nested-key-0a7", "yaml duplicate key": "pos-yaml-dup-0a8",
    "json duplicate key": "pos-json-dup-0a9", "stringData list": "pos-list-0b1",
    "snapshot value": "pos-live-key-0b2", "snapshot data key": "pos-live-datakey-0b3",
    "snapshot stringData list": "pos-live-list-0b4", "snapshot duplicate key": "pos-live-dup-0b5",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    folder = tmp_path_factory.mktemp("positions")
    v = VALUES
    write(folder, "k8s/clashes.yaml",
          _consumer("a", v["username"], "a-key", "a-jwt") + _consumer("b", v["username"], "b-key", "b-jwt")
          + _secret("a-key", f"stringData: {{key: {v['key']}}}\n") + _secret("b-key", f"data: {{key: {_b64(v['key'])}}}\n")
          + _secret("a-jwt", f"stringData: {{key: {v['jwt']}, algorithm: HS256, secret: s}}\n", "jwt")
          + _secret("b-jwt", f"stringData: {{key: {v['jwt']}, algorithm: HS256, secret: s}}\n", "jwt"))
    write(folder, "k8s/flow-set.yaml", _secret("e1", f"stringData: {{key: {{{v['flow set']}, {v['flow set']}}}}}\n"))
    write(folder, "k8s/data-key-null.yaml", _secret("e2", f"data:\n  {v['data key null']}:\n"))
    write(folder, "k8s/data-key-b64.yaml", _secret("e3", f"data:\n  {v['data key bad b64']}: not-base64!\n"))
    write(folder, "k8s/nested.yaml", _secret("e4", f"stringData:\n  key:\n    {v['stringData nested key']}: x\n"))
    write(folder, "k8s/yaml-dup.yaml", _secret("e5", f"stringData:\n  {v['yaml duplicate key']}: a\n"
                                                     f"  {v['yaml duplicate key']}: b\n"))
    write(folder, "k8s/json-dup.json", json.dumps({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "e6", "namespace": "ns",
                                                           "labels": {"konghq.com/credential": "key-auth"}},
        "stringData": {"DUP": "a"}}).replace('"DUP": "a"', f'"{v["json duplicate key"]}": "a", '
                                                            f'"{v["json duplicate key"]}": "b"'))
    write(folder, "k8s/list.yaml", _secret("e7", f"stringData: [{v['stringData list']}]\n"))
    live = ("apiVersion: v1\nkind: List\nitems:\n"
            f"- {{apiVersion: v1, kind: Secret, metadata: {{name: l1, namespace: ns, labels: "
            f"{{konghq.com/credential: key-auth}}}}, data: {{key: {_b64(v['snapshot value'])}}}}}\n"
            f"- {{apiVersion: v1, kind: Secret, metadata: {{name: l2, namespace: ns, labels: "
            f"{{konghq.com/credential: key-auth}}}}, data: {{{v['snapshot data key']}: [x]}}}}\n"
            f"- {{apiVersion: v1, kind: Secret, metadata: {{name: l3, namespace: ns}}, "
            f"stringData: [{v['snapshot stringData list']}]}}\n")
    write(folder, "live/live.yaml", live)
    write(folder, "live/dup.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: l4, namespace: ns}\n"
                                   f"data:\n  {v['snapshot duplicate key']}: eA==\n  {v['snapshot duplicate key']}: eQ==\n")
    # the live key is also a manifest consumer's: a clash between the change and the snapshot
    write(folder, "k8s/uses-live.yaml", _consumer("c", "c-user", "c-key")
          + _secret("c-key", f"stringData: {{key: {v['snapshot value']}}}\n"))
    write(folder, "live/consumer.yaml", "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\n"
                                        "metadata: {name: l, namespace: ns, annotations: "
                                        "{kubernetes.io/ingress.class: kong}}\nusername: l\ncredentials: [l1]\n")
    return folder


def _leaks(text: str) -> list[str]:
    return [where for where, value in VALUES.items() if value in text or _b64(value) in text]


def _scan(tree, *args):
    return cli("scan", "--no-config", str(tree / "k8s"), "--cluster-snapshot", str(tree / "live" / "live.yaml"),
               "--cluster-snapshot", str(tree / "live" / "dup.yaml"), "--cluster-snapshot",
               str(tree / "live" / "consumer.yaml"), *args)


def test_every_position_is_read_and_reported(tree):
    run = _scan(tree, "-f", "json")
    report = run.json
    assert run.code == 2
    assert {"consumer-username-conflict", "key-auth-key-conflict", "jwt-key-conflict"} <= \
        {f["rule"] for f in report["findings"]}
    errors = {e["file"].rsplit("/", 1)[-1] for e in report["errors"]}
    assert errors == {"flow-set.yaml", "data-key-null.yaml", "data-key-b64.yaml", "nested.yaml", "yaml-dup.yaml",
                      "json-dup.json", "list.yaml", "live.yaml", "dup.yaml"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("extra", [[], ["--verbose", "--parse-all"]])
def test_no_value_in_any_output(tree, tmp_path, fmt, extra):
    out = tmp_path / f"report.{fmt}"
    to_file = _scan(tree, *extra, "--format", fmt, "--output", str(out))
    to_stdout = _scan(tree, *extra, "--format", fmt)
    assert to_file.code == to_stdout.code == 2 and to_file.exception is None
    assert _leaks(to_file.output + out.read_text(encoding="utf-8", errors="replace")) == []
    assert _leaks(to_stdout.output) == []


def test_a_value_given_with_helm_set_is_only_fingerprinted(k8s_env, tmp_path):
    secret_value = "pos-helm-set-0c1"
    chart = write(tmp_path / "chart", "Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n").parent
    write(chart / "templates", "s.yaml", "".join(
        _secret(name, "stringData:\n  key: {{ .Values.key }}\n") + _consumer(f"{name}-c", f"{name}-u", name)
        for name in ("one", "two")))
    run = cli("scan", "--no-config", "--helm", str(chart), "--helm-set", f"key={secret_value}", "-f", "json")
    assert run.code == 1
    assert [f["rule"] for f in run.json["findings"]] == ["key-auth-key-conflict"]
    assert secret_value not in run.output and _b64(secret_value) not in run.output
