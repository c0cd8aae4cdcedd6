"""The fast path (byte prefilter, no parse of unrelated documents) finds exactly what the
full path (``--parse-all``) finds: on every fixture and on a generated monorepo."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kongcheck.loading import LoadOptions, LoadResult, count_documents, iter_pieces, load, load_deferred
from kongcheck.loading.prefilter import may_matter
from kongcheck.pipeline import Request, run
from kongcheck.report.json_report import finding_dict
from kongcheck.settings import Settings
from kongcheck.sources import Source, files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def list_pieces(data: bytes) -> list[tuple[int, bytes]]:
    return list(iter_pieces(data))


def _run(path: Path, parse_all: bool, settings: Settings):
    return run(Request(paths=(str(path),), settings=settings, load=LoadOptions(parse_all=parse_all)))


def _same(path: Path) -> list[dict]:
    settings = Settings()  # one fingerprint key for both runs
    fast, full = _run(path, False, settings), _run(path, True, settings)
    found = [finding_dict(f) for f in fast.findings]
    assert found == [finding_dict(f) for f in full.findings]
    assert (fast.files, fast.documents, fast.kong_resources) == (full.files, full.documents, full.kong_resources)
    return found


@pytest.mark.parametrize("entry", sorted(p.name for p in FIXTURES.iterdir()))
def test_fast_path_equals_full_path_on_every_fixture(entry):
    _same(FIXTURES / entry)


def test_fast_path_equals_full_path_on_all_fixtures_together():
    _same(FIXTURES)


def test_fastpath_fixtures_hold_findings_the_prefilter_could_hide():
    """Escaped kinds, JSON Lists, anchors, late kinds and documents behind %YAML directives reach the index."""
    found = _same(FIXTURES / "fastpath")
    names = {r["name"] for f in found for r in f["resources"]}
    assert {"quoted-grace", "quoted-heidi", "escaped-json", "json-alice", "anchor-dave-key", "late-judy",
            "directive-kate", "directive-liam"} <= names


def test_a_directive_stays_with_the_part_before_the_next_marker_where_kubectl_refuses_it():
    """kubectl splits a stream at every line that starts with ``---`` and reads each part alone, so a
    directive opens no document: the part it is in is refused, after ``...`` it is never read."""
    text = b"%YAML 1.1\n# note\n---\nkind: KongConsumer\n...\n%YAML 1.1\n---\nkind: B\n---\nkind: C\n"
    pieces = list_pieces(text)
    assert pieces == [(1, b"%YAML 1.1\n# note\n"), (3, b"---\nkind: KongConsumer\n...\n%YAML 1.1\n"),
                      (7, b"---\nkind: B\n"), (9, b"---\nkind: C\n")]
    for parse_all in (False, True):
        result = LoadResult()
        load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=parse_all), result)
        assert [(e.location.line, e.message) for e in result.errors] == [
            (2, "invalid YAML: did not find expected <document start>")]
        assert [d.body["kind"] for d in result.documents] == ["KongConsumer", "B", "C"][:3 if parse_all else 1]


def test_only_the_first_document_of_a_part_is_read_as_kubectl_reads_it():
    text = b"kind: KongConsumer\nmetadata: {name: a}\n...\nkind: KongConsumer\nmetadata: {name: b}\n...\n: [ bad\n"
    result = LoadResult()
    load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=True), result)
    assert result.errors == [] and [d.body["metadata"]["name"] for d in result.documents] == ["a"]
    assert result.document_count == count_documents(text) == 1


@pytest.mark.parametrize("marker", [b"--- {a: 1}", b"---foo", b"----", b"--- !!map", b"---\tkind: x"])
def test_a_marker_line_with_content_is_refused_as_kubectl_refuses_it(marker):
    text = b"kind: Secret\n" + marker + b"\nkind: KongConsumer\n"
    for parse_all in (False, True):
        result = LoadResult()
        load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=parse_all), result)
        assert [(e.location.line, e.message) for e in result.errors] == [
            (2, "a line that starts with --- holds more than a comment; kubectl refuses the file "
                "('invalid Yaml document separator')")]


def test_a_broken_marker_line_is_reported_once_in_a_file_past_the_document_limit():
    text = b"---x\n" + b"".join(b"kind: ConfigMap\nmetadata:\n  name: c%d\n---\n" % i for i in range(4)) + b"---y\n"
    for parse_all in (False, True):
        result = LoadResult()
        load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=parse_all, max_documents=2), result)
        assert [e.location.line for e in result.errors if "separator" in e.message] == [1, 18]


@pytest.mark.parametrize("marker", [b"---", b"--- # note", b"---#note", b"---   ", b"---\r"])
def test_a_marker_line_with_only_a_comment_or_spaces_separates_documents(marker):
    text = b"kind: Secret\nmetadata: {name: s}\n" + marker + b"\nkind: KongConsumer\nmetadata: {name: c}\n"
    result = LoadResult()
    load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=True), result)
    assert result.errors == [] and [d.body["kind"] for d in result.documents] == ["Secret", "KongConsumer"]


def test_fast_path_equals_full_path_on_a_generated_tree(tmp_path):
    writer = generate(str(tmp_path), documents=3000, collisions=3)
    found = _same(tmp_path)
    assert writer.documents == 3000
    assert [f["rule"] for f in found] == ["key-auth-key-conflict"] * 3
    assert all("key-0" not in str(f) for f in found)  # values only as fingerprints


@pytest.mark.parametrize("text, expected", [
    (b"", 0),
    (b"# only a comment\n", 0),
    (b"a: 1\n", 1),
    (b"---\na: 1\n---\n# note\n---\nb: 2\n...\n", 2),
    (b"--- {a: 1}\n--- # c\n---\n", 0),  # the first line is refused (kubectl: invalid separator)
    (b"a: |\n  ---x\n  text\n---\nb: 1\n", 2),
    (b"a: 1\r\n---\r\nb: 2\r\n", 2),
])
def test_count_documents_matches_a_full_parse(text, expected):
    assert count_documents(text) == expected
    result = LoadResult()
    load(Source("t.yaml", reader=lambda: text), LoadOptions(parse_all=True), result)
    assert result.document_count == expected


def test_split_only_at_marker_lines():
    pieces = list_pieces(b"a: 1\n---\nb: '---'\n--- \nc: 1\n----\n")
    assert [(line, piece) for line, piece in pieces] == [(1, b"a: 1\n"), (2, b"---\nb: '---'\n"),
                                                         (4, b"--- \nc: 1\n"), (6, b"----\n")]


@pytest.mark.parametrize("text", [
    b'kind: "Kong\\u0043onsumer"', b'kind: "Kong\\x43onsumer"', b'kind: "KongCon\\\n  sumer"',
    b'"konghq.com\\/credential": jwt', b"\xff\xfek\x00i\x00", b"kind: Secret",
])
def test_prefilter_keeps_anything_that_may_spell_a_marker(text):
    assert may_matter(text)


def test_prefilter_drops_ordinary_workloads():
    assert not may_matter(b"kind: Deployment\nspec:\n  env:\n    - valueFrom: {secretKeyRef: {name: x}}\n")


def test_files_are_read_whole(tmp_path):
    path = tmp_path / "big.yaml"
    data = b"a: 1\n" * 300_000
    path.write_bytes(data)
    assert files.read_file_limited(str(path), None) == data
    read_end, write_end = os.pipe()
    os.write(write_end, b"kind: Secret\n")
    os.close(write_end)
    assert files.read_regular(f"/proc/self/fd/{read_end}", None) is None  # a pipe: left for its reader
    assert files.read_file_limited(f"/proc/self/fd/{read_end}", None) == b"kind: Secret\n"
    os.close(read_end)
    assert files.read_regular(str(path), None) == data


def test_files_are_read_whole_up_to_the_limit_and_refused_past_it(tmp_path):
    from kongcheck.sources import TooLarge

    path = tmp_path / "big.yaml"
    data = b"a: 1\n" * 300_000
    path.write_bytes(data)
    assert files.FileSource(str(path)).read(len(data)) == data
    with pytest.raises(TooLarge, match="1.4 MiB, more than"):
        files.FileSource(str(path)).read(len(data) - 1)
    for text in (b"kind: Secret\n", b"a: 1\n" * 100):  # a pipe: no size to refuse it by
        read_end, write_end = os.pipe()
        os.write(write_end, text)
        os.close(write_end)
        try:
            if len(text) <= 100:
                assert files.read_file_limited(f"/proc/self/fd/{read_end}", 100) == text
            else:
                with pytest.raises(TooLarge, match="more than the 100 bytes limit"):
                    files.read_file_limited(f"/proc/self/fd/{read_end}", 100)
        finally:
            os.close(read_end)


def test_a_file_the_system_returns_in_short_reads_is_still_read_whole(tmp_path, monkeypatch):
    from kongcheck.sources import TooLarge

    path = tmp_path / "consumers.yaml"
    data = b"kind: KongConsumer\n" * 1000
    path.write_bytes(data)
    real_read = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, count: real_read(fd, min(count, 4096)))
    assert files.FileSource(str(path)).read(len(data)) == data
    assert files.read_file_limited(str(path), None) == data
    # a file whose size the system does not tell (as /proc gives): the limit holds over short reads
    monkeypatch.setattr(files.os, "fstat", lambda fd: os.stat_result((0,) * 10))
    assert files.FileSource(str(path)).read(len(data)) == data
    with pytest.raises(TooLarge):
        files.FileSource(str(path)).read(len(data) - 1)


def test_services_without_kong_annotations_wait_until_a_rule_names_them():
    from kongcheck.loading.prefilter import DEFER, PARSE, SKIP, verdict

    assert verdict(b"kind: Service\nmetadata: {name: a}\n") == DEFER
    assert verdict(b"kind: ServiceAccount\nmetadata: {name: a}\n") == DEFER
    assert verdict(b"kind: Service\nmetadata: {name: a, annotations: {konghq.com/protocol: https}}\n") == PARSE
    assert verdict(b"kind: Deployment\n") == SKIP
    found = _same(FIXTURES / "fastpath" / "multi-backend-service-without-annotations.yaml")
    assert [f["rule"] for f in found] == ["multi-backend-annotations-conflict"]
    assert [r["name"] for r in found[0]["resources"]] == ["web-v1", "web-v2"]


def test_a_deferred_service_keeps_its_place_in_apply_order(tmp_path):
    route = ("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: s}\n"
             "spec:\n  parentRefs: [{name: kong}]\n  rules:\n    - backendRefs: [{name: a, port: 80}, {name: b, port: 80}]\n")
    bare = "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: s}\nspec: {ports: [{port: 80}]}\n"
    annotated = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  namespace: s\n  annotations: "
                 "{konghq.com/plugins: p}\nspec: {ports: [{port: 80}]}\n")
    a = annotated.replace("name: b", "name: a")
    (tmp_path / "1.yaml").write_text(route + "---\n" + a)
    (tmp_path / "2.yaml").write_text(annotated)
    (tmp_path / "3.yaml").write_text(bare)  # applied last: the cluster keeps this definition of b
    found = _same(tmp_path)
    assert "multi-backend-annotations-conflict" in [f["rule"] for f in found]


def test_a_later_service_without_annotations_replaces_an_annotated_one(tmp_path):
    ingress = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: s}\nspec:\n"
               "  ingressClassName: kong\n  rules:\n    - http:\n        paths:\n          - {path: /, pathType: Prefix, "
               "backend: {service: {name: api, port: {number: 80}}}}\n")
    annotated = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: s\n  annotations: "
                 "{konghq.com/plugins: gone}\nspec: {ports: [{port: 80}]}\n")
    (tmp_path / "1.yaml").write_text(ingress + "---\n" + annotated)
    (tmp_path / "2.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: \"api\"\n  namespace: s\n"
                                     "spec: {ports: [{port: 80}]}\n")
    assert _same(tmp_path) == []  # the cluster keeps the Service without the annotation


@pytest.mark.parametrize("metadata", [b"metadata:\n  ? name\n  : foo\n", b"key: &k name\nmetadata:\n  *k : foo\n",
                                      b"metadata:\n  name: foo\n"])
def test_a_service_read_on_demand_is_found_by_its_name_however_the_name_key_is_written(metadata):
    text = b"apiVersion: v1\nkind: Service\n" + metadata
    result, options = LoadResult(), LoadOptions()
    load(Source("t.yaml", reader=lambda: text), options, result)
    assert result.documents == [] and len(result.deferred) == 1
    assert load_deferred(result, {"foo"}, options)
    assert [d.body["metadata"]["name"] for d in result.documents] == ["foo"]


@pytest.mark.parametrize("text, names", [
    (b"metadata:\n  name: foo\n", {"foo"}),
    (b"metadata:\n  'name': foo\nspec:\n  ports: [{\"name\": \"http\"}]\n", {"foo", "http"}),
    (b"metadata:\n  name: foo\n  labels: {hostname: bar, app_name: baz, name2: qux}\n", {"foo"}),
    (b"metadata:\n  name: foo\n  labels: {x.name: bar, a-name: baz}\n", {"foo", "bar", "baz"}),
    (b"metadata:\n  name: &n foo\n", None),
    (b"metadata:\n  name:\n    foo\n", None),
    (b"metadata: {? name : foo}\n", None),
])
def test_a_deferred_piece_lists_every_name_written_in_it(text, names):
    from kongcheck.loading import _names

    assert _names(b"apiVersion: v1\nkind: Service\n" + text) == (None if names is None else frozenset(names))


def _streams():
    yield from (path.read_bytes() for path in sorted(FIXTURES.rglob("*")) if path.suffix in (".yaml", ".yml", ".json"))
    yield b"kind: Deployment\n---\nkind: Service\n---\nkind: Secret\n---\nkind: ConfigMap\nx: konghq.com/ca-cert\n---\n" \
          b"a: \"\\\n  b\"\n---\nkind: Deployment\n"
    yield b"kind: Deployment\n---\nkind: KongPlugin\n---\n---\nkind: Deployment\nx: 1\\"  # escape at the very end


def _verdict_of_bytes(chunk: bytes) -> int:
    """The prefilter's verdict worked out from the piece's own bytes alone, its tables read directly."""
    from kongcheck.loading.prefilter import _DEFERRED, _REQUIRED, DEFER, MARKERS, PARSE, SKIP

    if MARKERS.search(chunk) is not None:
        return PARSE
    if any(name in chunk and any(text in chunk for text in texts) for name, texts in _REQUIRED):
        return PARSE
    found = SKIP
    for name, texts in _DEFERRED:
        if name in chunk:
            if any(text in chunk for text in texts):
                return PARSE
            found = DEFER
    return found


def test_each_piece_gets_the_verdict_it_gets_alone_from_one_search_of_its_stream():
    from kongcheck.loading import _bounds
    from kongcheck.loading.prefilter import DEFER, PARSE, SKIP, Verdicts, verdict

    seen = set()
    for data in _streams():
        verdicts = Verdicts(data)
        assert verdicts.stream() == verdict(data) == _verdict_of_bytes(data)
        pieces = [verdicts.piece(begin, end) for begin, end in _bounds(data)]
        assert pieces == [_verdict_of_bytes(data[begin:end]) for begin, end in _bounds(data)]
        seen.update(pieces)
    assert seen == {SKIP, PARSE, DEFER}


def _marker_line_streams():
    """Streams built of lines that start with --- in each way (bare, with a comment, spaces, CR, content,
    at the very end without a line end) among others."""
    import random

    lines = [b"---", b"--- # note", b"---\r", b"---   ", b"--- {a: 1}", b"----", b"---x", b"kind: Secret", b"a: 1",
             b"", b"  ---", b"# ---"]
    pick = random.Random(7)
    for _ in range(400):
        chosen = [pick.choice(lines) for _ in range(pick.randint(1, 6))]
        yield b"\n".join(chosen) + pick.choice([b"", b"\n"])
    yield from _streams()


def test_only_lines_that_are_more_than_a_bare_marker_need_the_separator_check():
    from kongcheck.loading import _bounds, bad_separators

    odd_seen = 0
    for data in _marker_line_streams():
        odd = []
        bounds = _bounds(data, odd=odd)
        assert bad_separators(data, odd) == bad_separators(data, [begin for begin, _ in bounds]), data
        assert all(data.startswith(b"---", start) and not data.startswith(b"---\n", start) for start in odd)
        odd_seen += bool(odd)
    assert odd_seen > 100


def test_a_kind_value_that_starts_with_a_marker_is_a_piece_the_prefilter_parses():
    from kongcheck.loading import _MARKED, _TOP_KIND, _USUAL_KIND, _bounds
    from kongcheck.loading.prefilter import PARSE, Verdicts

    marked = usual = 0
    extra = [b"kind: Secret\n---\nkind: 'KongPlugin'\n---\nkind: KongPluginX\n---\nkind: Sec\n---\nkind: \\u004bong\n"
             b"---\nkind: ConfigMap\n---\nkind: Null\n---\na: 1\nkind: Nope\n---\na: 1\nkind: Kong\n---\na: 1\nkind: S"]
    for data in list(_streams()) + list(_kind_streams()) + extra:
        for begin, end in _bounds(data):
            kind = _TOP_KIND.search(data, begin, end)
            if kind is not None and _MARKED(data, kind.end() - 1) is not None:
                assert Verdicts(data).piece(begin, end) == PARSE
                marked += 1
            found = _USUAL_KIND.search(data, begin, end)
            if found is not None:  # the usual kind line, read by its bytes: a kind line, its marker one the piece holds
                assert kind is not None, data[begin:end]
                assert found.lastindex is None or Verdicts(data).piece(begin, end) == PARSE
                usual += 1
    assert marked > 10 and usual > 100


def test_the_markers_are_found_in_a_piece_exactly_when_their_text_is_in_it():
    from kongcheck.facts.kinds import KINDS
    from kongcheck.loading import _bounds
    from kongcheck.loading.prefilter import MARKERS

    names = [row.kind.encode() for row in KINDS if not row.requires and not row.deferred_unless]
    texts = names + [b"!!binary", b"tag:yaml.org,2002:binary", b"\x00"]
    escape = re.compile(rb"\\(?:[xuU/\r\n]|$)")
    extra = [b"a: !!binary AAAA\n", b"a: !<tag:yaml.org,2002:binary> AAAA\n", b"a: binary\n---\n!!binary\n",
             b"a: !binary x\n", b"a: yaml.org,2002:binary\n", b"binary\n---\nb: tag:yaml.org,2002:binary"]
    for data in list(_streams()) + extra:
        for begin, end in _bounds(data):
            chunk = data[begin:end]
            expected = any(text in chunk for text in texts) or escape.search(chunk) is not None
            assert (MARKERS.search(data, begin) is not None and MARKERS.search(data, begin).start() < end) == expected
            assert (MARKERS.search(chunk) is not None) == expected, chunk


_KIND_PIECES = [
    b"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
    b"kind: KongConsumer\nmetadata: {name: c}\nusername: u\n",
    b"apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
    b"apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n",
    b"apiVersion: v1\nkind: Null\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: NULL # c\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: null\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: ~\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: ''\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: \"\"\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind:\nmetadata: {name: x}\n",
    b"apiVersion: v1\nkind: 'KongPlugin'\nmetadata: {name: p}\nplugin: key-auth\n",
    b"apiVersion: v1\n\"kind\": KongPlugin\nmetadata: {name: q}\nplugin: key-auth\n",
    b"apiVersion: v1\nkind:\tSecret\nmetadata: {name: t}\n",
    b"apiVersion: v1\nkind:   KongConsumer\nmetadata: {name: w}\nusername: v\n",
    b"apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n",
    b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, labels: {konghq.com/ca-cert: 'true'}}\n",
    b"apiVersion: v1\nkind: Deployment\nmetadata: {name: e, annotations: {a: KongConsumer}}\n",
    b"metadata: {name: k}\n",
    b"# only a comment\n",
    b"apiVersion: v1\nkind: Secre\nmetadata: {name: u}\n",
    b"apiVersion: v1\nkind: ",
]


def _kind_streams():
    import random

    pick = random.Random(11)
    for _ in range(300):
        pieces = [pick.choice(_KIND_PIECES) for _ in range(pick.randint(1, 5))]
        joined = b"---\n".join(piece if piece.endswith(b"\n") else piece + b"\n" for piece in pieces)
        if pick.random() < 0.3:  # the last line without its line end
            joined = joined[:-1]
        yield (b"---\n" if pick.random() < 0.3 else b"") + joined


def test_each_piece_is_parsed_refused_or_passed_over_as_a_full_parse_finds_it():
    """The kind of each piece is looked for through its usual line first: every piece a full parse finds to
    matter is loaded, every document kubectl refuses for want of a kind is refused, and all are counted."""
    from kongcheck.loading import _KIND_KEY, _Stream

    kong_kinds = {"Secret", "KongConsumer", "KongPlugin", "ConfigMap"}
    for data in _kind_streams():
        assert _Stream(Source("t.yaml"), data).kinds == (_KIND_KEY.search(data) is not None)
        results = []
        for parse_all in (False, True):
            result = LoadResult()
            load(Source("t.yaml", reader=lambda: data), LoadOptions(parse_all=parse_all), result)
            documents = [(d.line, d.body["kind"]) for d in result.documents if d.body["kind"] in kong_kinds]
            results.append(([(e.location.line, e.message) for e in result.errors], result.document_count, documents,
                            [entry.line for entry in result.deferred]))
        fast, full = results
        assert fast[:3] == full[:3], data
