"""YAML is read as kubectl reads it (sigs.k8s.io/yaml over go-yaml v2, then JSON): YAML 1.1
scalars, tags, merge keys and mapping keys, from YAML strings and through the CLI's fast path."""
from __future__ import annotations

import pytest

from kchelp import consumer, findings_of, index_of, scan_json, secret, yaml_stream
from kongcheck.loading import LoadOptions, LoadResult, load
from kongcheck.parse.tree import Composer
from kongcheck.parse.values import LoadError
from kongcheck.sources import Source


def value_of(text: str):
    [(_, document)] = list(Composer(f"v: {text}\n").documents())
    return document["v"]


def keys_of(text: str) -> list[str]:
    [(_, document)] = list(Composer(text).documents())
    return list(document)


def load_errors(text: str) -> list[tuple[int, str]]:
    result = LoadResult()
    data = text.encode()
    load(Source("t.yaml", reader=lambda: data), LoadOptions(parse_all=True), result)
    return [(error.location.line, error.message) for error in result.errors]


@pytest.mark.parametrize("text, expected", [
    ("1:20", "1:20"), ("1:20:30.5", "1:20:30.5"),  # sexagesimal is YAML 1.1 only, go-yaml keeps the text
    ("0777", 511), ("0o17", 15), ("0b101", 5), ("0x1F", 31), ("-0x1F", -31), ("+12", 12), ("1_000", 1000),
    ("08", 8), ("1e3", 1000), ("1.0", 1), (".5", 0.5), ("1.5", 1.5),
    ("y", True), ("Y", True), ("yes", True), ("on", True), ("ON", True), ("n", False), ("No", False),
    ("off", False), ("yES", "yES"), ("~", None), ("null", None), ("", None),
    ("2024-01-02", "2024-01-02"), ("2024-01-02T10:00:00Z", "2024-01-02T10:00:00Z"),
    ("9223372036854775807", 9223372036854775807), ("12345678901234567890", 12345678901234567890.0),
    ("1e400", "1e400"), ("9" * 5000, "9" * 5000), ("0x" + "F" * 4000, "0x" + "F" * 4000),
    ("'1:20'", "1:20"), ('"yes"', "yes"), ("'0777'", "0777"),
    ("! 123", "123"), ("!custom 12", "12"), ("!!str 12", "12"), ("!!float 1", 1), ("!!int '12'", 12),
    ("!!binary YWxpY2U=", "alice"), ("!!binary |\n  YWxp\n  Y2U=", "alice"), ("!!binary /w==", "\ufffd"),
    ("!!timestamp 2001-12-14", "2001-12-14"), ("<<", "<<"),
])
def test_scalars_resolve_as_go_yaml_v2_resolves_them(text, expected):
    value = value_of(text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text, message", [
    ("!!binary YWxpY2U", "a !!binary value is not valid base64"),
    ("!!binary 'a b c d'", "a !!binary value is not valid base64"),
    ("!!int abc", "a value tagged !!int does not read as one"),
    ("!!bool 1", "a value tagged !!bool does not read as one"),
    ("!!null x", "a value tagged !!null does not read as one"),
    ("!!timestamp soon", "a value tagged !!timestamp does not read as one"),
    (".inf", "a .inf or .nan value cannot be written as JSON"),
    ("-.Inf", "a .inf or .nan value cannot be written as JSON"),
    (".nan", "a .inf or .nan value cannot be written as JSON"),
])
def test_scalars_kubectl_cannot_convert_are_refused(text, message):
    with pytest.raises(LoadError, match=message.replace(".", r"\.")) as raised:
        value_of(text)
    assert "kubectl refuses the file" in str(raised.value) and raised.value.line == 1


@pytest.mark.parametrize("text, expected", [
    ("1: a\n", ["1"]), ("1.5: a\n", ["1.5"]), ("1e3: a\n", ["1000"]), ("1.0e6: a\n", ["1e+06"]),
    ("y: a\n", ["true"]), ("off: a\n", ["false"]), (".inf: a\n", [".inf"]), ("2024-01-02: a\n", ["2024-01-02"]),
    ("? 0x" + "F" * 4000 + "\n: a\n", ["0x" + "F" * 4000]), ("? " + "9" * 5000 + "\n: a\n", ["9" * 5000]),
    ("'<<': a\n", ["<<"]),
])
def test_mapping_keys_become_the_json_member_names_kubectl_writes(text, expected):
    assert keys_of(text) == expected


@pytest.mark.parametrize("text, message", [
    ("~: a\n", "a null mapping key"), ("18446744073709551615: a\n", "an integer above 2^63-1"),
    ("y: a\nyes: b\n", "duplicate key in a mapping (first at line 1)"),
])
def test_mapping_keys_kubectl_cannot_convert_are_refused(text, message):
    with pytest.raises(LoadError, match=message.replace("(", r"\(").replace(")", r"\)").replace("^", r"\^")):
        keys_of(text)


def test_a_merge_key_after_explicit_keys_overrides_them_as_go_yaml_does():
    [(_, document)] = list(Composer(
        "base: &b {username: merged, custom_id: m}\n"
        "c:\n  username: explicit\n  <<: *b\n  custom_id: after\n").documents())
    assert document["c"] == {"username": "merged", "custom_id": "after"}
    assert document["c"].where("username") == (1, 21)  # where the winning value is written


def test_of_merged_mappings_the_earlier_wins_and_both_override_keys_before():
    [(_, document)] = list(Composer(
        "a: &a {k: from-a}\nb: &b {k: from-b, j: from-b}\n"
        "c: {k: explicit, j: explicit, <<: [*a, *b]}\n").documents())
    assert document["c"] == {"k": "from-a", "j": "from-b"}


def test_a_merge_key_tagged_or_quoted_as_go_yaml_reads_it():
    [(_, document)] = list(Composer("a: &a {k: 1}\nb: {k: 0, !!merge <<: *a}\nc: {k: 0, '<<': x}\n").documents())
    assert document["b"] == {"k": 1} and document["c"] == {"k": 0, "<<": "x"}


def test_a_merged_username_is_the_one_kubectl_applies():
    merged = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: b\n"
              "  annotations: {kubernetes.io/ingress.class: kong}\n"
              "defaults: &d {username: shared}\nusername: own\n<<: *d\n")
    [finding] = findings_of(yaml_stream(consumer("a", username="shared"), merged), "consumer-username-conflict")
    assert {p.ref.name for p in finding.participants} == {"a", "b"}


BINARY_ALICE = "!!binary YWxpY2U="  # base64 of "alice"


def test_binary_username_clashes_with_the_same_username_in_text():
    text = yaml_stream(consumer("a", username="alice"), consumer("b", username=BINARY_ALICE))
    assert len(findings_of(text, "consumer-username-conflict")) == 1


def test_binary_secret_key_clashes_with_the_same_key_in_text():
    text = yaml_stream(
        consumer("a", username="ua", credentials=["ka"]), secret("ka", "key-auth", key="alice"),
        consumer("b", username="ub", credentials=["kb"]), secret("kb", "key-auth", key=BINARY_ALICE))
    assert len(findings_of(text, "key-auth-key-conflict")) == 1


def test_binary_class_annotation_is_the_class_kubectl_applies():
    text = yaml_stream(consumer("a", cls="!!binary a29uZw==", username="same"), consumer("b", username="same"))
    assert len(findings_of(text, "consumer-username-conflict")) == 1


def test_yaml_1_1_only_numbers_are_text_to_kubectl():
    index = index_of(consumer("a", username="1:20"))
    [record] = index.of("KongConsumer")
    assert record.username.text == "1:20"


@pytest.mark.parametrize("word", ["y", "N", "yes", "off"])
def test_y_n_yes_and_off_are_booleans_to_kubectl(word):
    [error] = index_of(consumer("a", username=word)).errors
    assert "username must be text, not a boolean" in error.message


def test_binary_kind_is_read_on_the_fast_path_too(tmp_path):
    """The prefilter cannot see a kind spelled in base64: such a document is parsed."""
    hidden = consumer("b", username="alice").replace("kind: KongConsumer", "kind: !!binary S29uZ0NvbnN1bWVy")
    (tmp_path / "a.yaml").write_text(consumer("a", username="alice"))
    (tmp_path / "b.yaml").write_text(hidden)
    for args in ((), ("--parse-all",)):
        run = scan_json(str(tmp_path), *args)
        assert run.rules() == ["consumer-username-conflict"], args


def test_an_integer_key_too_long_for_python_text_is_one_key_and_the_scan_goes_on(tmp_path):
    key = "0x" + "F" * 4000
    (tmp_path / "s.yaml").write_text(secret("s", None) + f"data:\n  ? {key}\n  : eA==\n")
    (tmp_path / "c.yaml").write_text(yaml_stream(consumer("a", username="same"), consumer("b", username="same")))
    run = scan_json(str(tmp_path))
    assert run.json["errors"] == [] and run.rules() == ["consumer-username-conflict"]
