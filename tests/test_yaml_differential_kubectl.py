"""kongcheck reads YAML as the real kubectl decodes it: each input below goes through
``kubectl apply --dry-run=client -o json`` (v1.32, against the loopback discovery server of
tests/kubectl_apply.py) and through kongcheck's loader, and the objects must be the same; what
kubectl refuses, kongcheck refuses (exit 2). Needs the real kubectl (tests/k8s_tools.py): with
CI=true its absence fails these tests instead of skipping them."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kongcheck.loading import LoadOptions, LoadResult, iter_pieces, load
from kongcheck.parse import fast
from kongcheck.sources import Source
from kubectl_apply import dry_run_apply, dry_run_objects

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"
CONSUMER = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\n"
            "metadata: {name: %s, annotations: {kubernetes.io/ingress.class: kong}}\n")

SCALARS = HEAD % "scalars" + "data:\n" + "".join(f"  k{i}: {text}\n" for i, text in enumerate([
    "1:20", "1:20:30.5", "0777", "0o17", "0b101", "0x1F", "-0x1F", "+12", "1_000", "08", "1e3", "1.0", ".5",
    "1.5", "y", "Y", "yes", "on", "ON", "n", "No", "off", "yES", "~", "null", "", "2024-01-02",
    "2024-01-02T10:00:00Z", "9223372036854775807", "12345678901234567890", "1e400", "9" * 400,
    "0x" + "F" * 40, "'1:20'", '"yes"', "! 123", "!custom 12", "!!str 12", "!!float 1", "!!int '12'",
    "!!binary YWxpY2U=", "!!binary /w==", "!!timestamp 2001-12-14", "<<", "-x", ".", "=",
]))
KEYS = HEAD % "keys" + "data:\n  1: a\n  1.5: b\n  1e3: c\n  1.0e6: d\n  y: e\n  off: f\n  .inf: g\n" \
    "  2024-01-02: h\n  '<<': i\n  ? 0x" + "F" * 300 + "\n  : j\n"
MERGES = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: merges}\n"
          "data:\n  base: &b {username: merged, other: m}\n  a: &a {k: from-a}\n  bb: &bb {k: from-b, j: from-b}\n"
          "  one: {username: explicit, <<: *b, other: after}\n  two: {k: explicit, j: explicit, <<: [*a, *bb]}\n"
          "  three: {k: 0, !!merge <<: *a}\n")
ITEMS = (HEAD % "outer" + "items:\n- metadata: {name: inherits}\n  data: {x: y}\n"
         "- {apiVersion: v1, kind: Secret, metadata: {name: own}}\n- metadata: {name: nulls}\n  items: null\n"
         "---\n" + CONSUMER % "outer-consumer" + "username: outer\nitems:\n- metadata: {name: inner}\n"
         "  username: !!binary aW5uZXI=\n")
# the plainest block YAML: read by parse/fast.py, not the composer (the test checks that it is)
PLAIN = ("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  labels:\n    app.kubernetes.io/name: web\n"
         "data:\n  url: http://x:8080/y\n  words:  a  b   c  \n  quoted: 'it is # not a comment'\n"
         "  double: \"no\"\n  yES: nULL\n  text: True-ish\n  path: /etc/x\n# a comment\n"
         "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n"
         "    name: listed\n  data:\n    _k: v\n")
# the one-line flow collections parse/fast.py reads too (the test checks that it does)
FLOW = ("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flow, labels: {app.kubernetes.io/name: web}}\n"
        "data:\n  empty: {}\n  spaced: { }\n  none: []\n  blank: [ ]\n  one: {number: 80}\n"
        "  two: {cpu: \"1\", memory: 512Mi}\n  inner: { a: b, c: d }\n  tight: [a,b]\n  wide: {a: b,   c: 'x'}\n"
        "  nested: {a: {b: c}, d: [e, {f: 1}, [g]], h: []}\n  quoted: ['a, b', \"c: d\", 'e}f]g#h', '']\n"
        "  words: [128Mi, 1.2.3, 2x, /healthz, a.b-c_d, 0, 123456789]\n  time: 2024-01-02\n  clock: 1:20\n"
        "  version: 1.5.11436\n  path: {type: PathPrefix, value: /api}\n  stamps: [2024-01-02]\n  padded: { a: 'b'  }\n"
        "  items:\n  - {a: b}\n  - [c, d]\n  - [[e]]\n  - 100m\n")
SEPARATORS = (HEAD % "first" + "--- # a comment\n" + HEAD % "second" + "---#no space\n" + HEAD % "third"
              + "...\n: [ never read\n---   \n" + HEAD % "fourth" + "---\n# only a comment\n---\n~\n---\nnull\n"
              + "---\n---\n" + CONSUMER % "last" + "username: last\n---\n")


def _as_go_writes_it(value):
    """A float as Go's JSON writes it: its shortest digits, without exponent below 1e21 (so a
    uint64 that became a float reads back as 12345678901234567000)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(Decimal(repr(value)))
    return value


def _loaded(path, parse_all: bool = True) -> LoadResult:
    result = LoadResult()
    data = path.read_bytes()
    load(Source(str(path), reader=lambda: data), LoadOptions(parse_all=parse_all), result)
    return result


def _kongcheck(path) -> tuple[list[dict], list[str]]:
    result = _loaded(path)
    objects = [json.loads(json.dumps(d.body, default=str), parse_float=lambda text: _as_go_writes_it(float(text)))
               for d in result.documents]
    return objects, [e.message for e in result.errors]


def _without_defaults(obj: dict) -> dict:
    """kubectl's object less what kubectl adds: the namespace and an empty annotations mapping."""
    metadata = dict(obj["metadata"])
    metadata.pop("namespace", None)
    if metadata.get("annotations") == {}:
        del metadata["annotations"]
    return {**obj, "metadata": metadata}


@pytest.mark.parametrize("text", [SCALARS, KEYS, MERGES, ITEMS, SEPARATORS, PLAIN, FLOW],
                         ids=["scalars", "keys", "merges", "items", "separators", "plain-block", "flow"])
def test_kongcheck_reads_the_objects_kubectl_decodes(k8s_tools, tmp_path, text):
    if text in (PLAIN, FLOW):  # else the fast reader would go untested against kubectl
        assert all(fast.documents(piece.decode()) is not None for _, piece in iter_pieces(text.encode()))
    path = tmp_path / "in.yaml"
    path.write_text(text)
    decoded = dry_run_objects(k8s_tools.kubectl, "-f", str(path))
    assert decoded.returncode == 0, decoded.stderr
    objects, errors = _kongcheck(path)
    assert errors == []
    assert objects == [_without_defaults(obj) for obj in decoded.objects]


REFUSED = {
    "infinity": HEAD % "a" + "data: {k: .inf}\n",
    "nan": HEAD % "a" + "data: {k: .NaN}\n",
    "bad-int-tag": HEAD % "a" + "data: {k: !!int abc}\n",
    "bad-bool-tag": HEAD % "a" + "data: {k: !!bool 1}\n",
    "bad-base64": HEAD % "a" + "data: {k: !!binary YWxpY2U}\n",
    "null-key": HEAD % "a" + "data: {~: x}\n",
    "uint64-key": HEAD % "a" + "data: {18446744073709551615: x}\n",
    "separator-with-content": HEAD % "a" + "--- {b: 1}\n" + HEAD % "b",
    "dashes": HEAD % "a" + "-----\n" + HEAD % "b",
    "directive": "%YAML 1.1\n---\n" + HEAD % "a",
    "list-in-a-list": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: List, items: []}\n",
    "items-not-a-list": HEAD % "a" + "items: {a: b}\n",
    "control-character-in-a-comment": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n# x\x01y\n",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_kubectl_refuses_kongcheck_refuses(k8s_tools, tmp_path, name):
    path = tmp_path / "in.yaml"
    path.write_text(REFUSED[name])
    decoded = dry_run_objects(k8s_tools.kubectl, "-f", str(path))
    assert decoded.returncode != 0 and decoded.objects == []
    _, errors = _kongcheck(path)
    assert errors, name


def test_a_duplicate_key_is_refused_where_kubectl_keeps_the_last_one(k8s_tools, tmp_path):
    """The one place kongcheck is stricter: go-yaml v2 (which kubectl's sigs.k8s.io/yaml uses without
    strict mode) keeps the last of two equal keys, kustomize refuses the document; kongcheck refuses it."""
    path = tmp_path / "in.yaml"
    path.write_text(HEAD % "a" + "data:\n  k: first\n  k: second\n")
    decoded = dry_run_objects(k8s_tools.kubectl, "-f", str(path))
    assert decoded.returncode == 0 and decoded.objects[0]["data"] == {"k": "second"}
    assert _kongcheck(path)[1] == ["duplicate key in a mapping (first at line 5); kubectl would keep the last one "
                                   "without a word, kustomize refuses the document: remove one"]


# kubectl applies the other objects of the file, refuses the document ("unable to decode ...") and
# exits 1; kongcheck reports it (one input error at its line) and reads the others.  (document, what
# kubectl says, how kongcheck's message starts, the line of the error from the document's separator)
REFUSED_ALONE = {
    "no-kind": ("apiVersion: v1\nmetadata: {name: b}\ndata: {x: y}\n", "Object 'Kind' is missing",
                "a mapping without kind: ", 1),
    "no-kind-nor-api-version": ("metadata: {name: b}\n", "Object 'Kind' is missing", "a mapping without kind: ", 1),
    "empty-mapping": ("{}\n", "Object 'Kind' is missing", "a mapping without kind: ", 1),
    "json-object-without-kind": ('{"apiVersion": "v1", "metadata": {"name": "j"}}\n', "Object 'Kind' is missing",
                                 "a mapping without kind: ", 1),
    "scalar": ("just text\n", "cannot unmarshal string", "a scalar, not a Kubernetes object: ", 0),
    "number": ("0\n", "cannot unmarshal number", "a scalar, not a Kubernetes object: ", 0),
    "sequence": ("- a\n- b\n", "cannot unmarshal array", "a list, not a Kubernetes object: ", 1),
}


@pytest.mark.parametrize("name", sorted(REFUSED_ALONE))
@pytest.mark.parametrize("first", [CONSUMER % "a" + "username: a\n", HEAD % "a"], ids=["kong-kind", "other-kind"])
def test_a_document_kubectl_refuses_for_want_of_a_kind_is_an_input_error(k8s_tools, tmp_path, name, first):
    document, said, message, offset = REFUSED_ALONE[name]
    path = tmp_path / "in.yaml"
    path.write_text(first + "---\n" + document + "---\n" + HEAD % "after")
    applied = dry_run_apply(k8s_tools.kubectl, "-f", str(path))
    assert applied.returncode == 1 and f'unable to decode "{path}": ' in applied.stderr and said in applied.stderr
    assert [name.split("/")[1] for name in applied.names] == ["a", "after"]
    separator = first.count("\n") + 1
    for parse_all in (False, True):  # the prefilter parses such a document too
        result = _loaded(path, parse_all)
        [error] = result.errors
        assert (error.location.line, error.message[:len(message)]) == (separator + offset, message)
        assert "kubectl applies the other objects and refuses" in error.message and "exiting 1" in error.message
    objects, _ = _kongcheck(path)
    assert [obj["metadata"]["name"] for obj in objects] == ["a", "after"]


def test_a_file_without_any_kind_is_no_manifest_and_not_reported(k8s_tools, tmp_path):
    """kubectl refuses a CI workflow or a values file too, but nobody applies those: a stream that holds no
    ``kind`` key at all is not read as manifests."""
    path = tmp_path / "workflow.yaml"
    path.write_text("name: ci\non: [push]\njobs:\n  test: {runs-on: ubuntu-latest}\n---\n{}\n")
    applied = dry_run_apply(k8s_tools.kubectl, "-f", str(path))
    assert applied.returncode == 1 and "Object 'Kind' is missing" in applied.stderr
    for parse_all in (False, True):
        result = _loaded(path, parse_all)
        assert result.errors == [] and result.documents == []


def test_a_list_item_without_kind_is_an_input_error(k8s_tools, tmp_path):
    path = tmp_path / "in.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n"
                    "- {metadata: {name: y}}\n")
    applied = dry_run_apply(k8s_tools.kubectl, "-f", str(path))
    assert applied.returncode == 1 and "Object 'Kind' is missing" in applied.stderr
    errors = [(e.location.line, e.message) for e in _loaded(path).errors]
    assert (5, "List item 1 has no kind, nor does the List's kind give it one: kubectl refuses it (\"Object 'Kind' "
               "is missing\"), exiting 1; give it a kind") in errors
