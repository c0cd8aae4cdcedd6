"""Item 3: no traceback, ever.  Hypothesis mutates the repository's fixtures and writes random
YAML and JSON; every scan must exit 0, 1 or 2 with a well-formed JSON report and no exception.
The example counts keep the whole file at a few seconds (CI budget: under 60 s)."""
from __future__ import annotations

import json
import tempfile
import traceback
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostilekit import ROOT, cli

FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".yaml", ".json") and p.is_file())
SETTINGS = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# bytes that mean something to YAML, JSON, base64 or our prefilter
NASTY = [b":", b"-", b"---\n", b"...\n", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"<<: ", b"!!binary ", b"!x ",
         b"? ", b"|", b">", b"'", b'"', b"#", b"%YAML 1.1\n", b"\t", b"\n", b"  ", b"\\u0000", b"\\", b"\x00",
         b"\xff", b"\xef\xbb\xbf", b"kind: List\nitems:\n", b"kind: Secret\n", b"KongConsumer", b"==", b"null",
         b"~", b"1e400", b"0x1F", b"true", b"2001-12-14"]


def _scan(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        run = cli("scan", "--no-config", "--format", "json", "--fail-on", "warning", str(path))
    assert run.exception is None, "".join(traceback.format_exception(run.exception))
    assert run.code in (0, 1, 2), run.output
    report = run.json
    assert set(report) >= {"summary", "findings", "errors"}
    if run.code == 2:
        assert report["errors"], "exit 2 needs an error line"
    return run


@st.composite
def mutated_fixture(draw):
    path = draw(st.sampled_from(FIXTURES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "truncate", "duplicate"]))
        if action == "insert":
            data[where:where] = draw(st.sampled_from(NASTY) | st.binary(max_size=8))
        elif action == "delete":
            del data[where:where + draw(st.integers(1, 40))]
        elif action == "flip" and where < len(data):
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "truncate":
            del data[where:]
        else:
            line_end = data.find(b"\n", where)
            start = data.rfind(b"\n", 0, where) + 1
            data[start:start] = data[start:line_end + 1] if line_end != -1 else b""
    return path.name, bytes(data)


@SETTINGS
@given(mutated_fixture())
def test_mutated_fixtures_never_crash(case):
    _scan(*case)


KINDS = ["KongConsumer", "KongConsumerGroup", "KongVault", "Secret", "IngressClass", "List", "SecretList", "Pod"]
KEYS = ["apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "data", "stringData",
        "username", "custom_id", "credentials", "consumerGroups", "spec", "prefix", "backend", "controlPlaneRef",
        "type", "items", "key", "konghq.com/credential", "kubernetes.io/ingress.class", "kongCredType"]
scalars = (st.sampled_from(KINDS + KEYS + ["kong", "key-auth", "jwt", "a2V5", "!!", "kic", "", "3.5"])
           | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False) | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5),
                      max_leaves=25)
documents = st.fixed_dictionaries({"kind": st.sampled_from(KINDS) | scalars},
                                  optional={key: values for key in KEYS[:4] + KEYS[7:12] + ["spec", "items"]
                                            if key != "kind"})


@SETTINGS
@given(st.lists(documents | values, min_size=1, max_size=4), st.booleans())
def test_random_yaml_and_json_never_crash(docs, as_json):
    if as_json:
        _scan("random.json", "\n".join(json.dumps(doc) for doc in docs).encode())
    else:
        _scan("random.yaml", yaml.safe_dump_all(docs, allow_unicode=True).encode())


@SETTINGS
@given(st.lists(st.sampled_from(NASTY) | st.binary(max_size=6), max_size=30))
def test_random_bytes_never_crash(chunks):
    _scan("noise.yaml", b"apiVersion: v1\nkind: Secret\n" + b"".join(chunks))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                           | st.text(), lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return [_plain(item) for item in value] if isinstance(value, list) else value


def _positions_hold(value, text, lines):
    """Every located value starts where the reader says (line/column -> offset -> the value)."""
    from kongcheck.parse.values import LMap, LSeq

    if isinstance(value, (LMap, LSeq)):
        offset = lines.starts[value.line - 1] + value.column - 1
        assert text[offset] == ("{" if isinstance(value, LMap) else "[")
        for item in (value.values() if isinstance(value, LMap) else value):
            _positions_hold(item, text, lines)


@SETTINGS
@given(json_values, st.sampled_from([None, 1, "\t"]))
def test_the_positional_json_reader_reads_what_json_reads(value, indent):
    from kongcheck.parse.jsonfile import _Lines, _Reader

    text = json.dumps({"kind": "Secret", "x": value}, indent=indent)
    lines = _Lines(text, 0)
    read = _Reader(text, lines, 10_000).read(0)
    assert _plain(read) == json.loads(text)
    _positions_hold(read, text, lines)
