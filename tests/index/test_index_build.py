"""The Kong index from YAML strings: identity, typing, the last definition, attachments."""
from __future__ import annotations

import pytest

from kchelp import consumer, documents_of, index_of, secret, settings, yaml_stream
from kongcheck.index import build
from kongcheck.model import ResourceRef


def test_records_are_keyed_by_kind_namespace_name_and_group():
    index = index_of(yaml_stream(consumer("a", username="a"), secret("s", "acl", group="g")))
    assert sorted(index.records) == [ResourceRef("KongConsumer", "default", "a", "configuration.konghq.com"),
                                     ResourceRef("Secret", "default", "s", "")]
    assert index.find("KongConsumer", "default", "a").obj.ref == ("KongConsumer", "default", "a",
                                                                  "configuration.konghq.com")


def test_the_last_definition_wins_and_earlier_ones_are_kept_as_shadowed():
    index = index_of(yaml_stream(consumer("a", username="first"), consumer("a", username="second")))
    [record] = index.of("KongConsumer")
    assert record.username.text == "second"
    assert [obj.doc.line for obj in index.definitions(record.obj.ref)] == [1, 8]


def test_namespace_defaults_to_the_settings():
    index = index_of(consumer("a", username="a"), namespace="team-x")
    assert index.of("KongConsumer")[0].obj.ref.namespace == "team-x"


def test_cluster_scoped_kinds_have_no_namespace():
    vault = "apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n  namespace: ignored\n"
    [record] = index_of(vault).all_of("KongVault")
    assert record.obj.ref.id == "/KongVault/v"


@pytest.mark.parametrize("text, message", [
    ("kind: KongConsumer\napiVersion: configuration.konghq.com/v1\nmetadata: {name: a}\nusername: 5\n",
     "username must be text, not a number"),
    ("kind: KongConsumer\napiVersion: v1\nmetadata: {name: a}\n", "apiVersion 'v1' has no kind KongConsumer"),
    ("kind: KongConsumer\nmetadata: {name: a}\n", "apiVersion is missing"),
    ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ndata: {key: '***'}\n", "not valid base64"),
    ("kind: KongConsumer\napiVersion: configuration.konghq.com/v1\nmetadata: {name: a, creationTimestamp: soon}\n",
     "creationTimestamp is not an RFC 3339 time"),
])
def test_objects_the_api_server_refuses_are_input_errors(text, message):
    index = build(documents_of(text), settings())
    [error] = index.errors
    assert message in error.message and error.location.file == "t.yaml" and error.location.line
    assert not index.of("KongConsumer")


def test_a_kind_of_the_same_name_in_another_group_is_not_read():
    other = "apiVersion: example.com/v1\nkind: Secret\nmetadata:\n  name: s\n"
    assert index_of(other).records == {}


def test_stringdata_is_merged_over_decoded_data():
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  key: b2xk\n  other: eA==\n"
            "stringData:\n  key: new\n")
    [record] = index_of(text).all_of("Secret")
    assert {k: v.text for k, v in record.values.items()} == {"key": "new", "other": "x"}
    assert record.values["other"].encoded and not record.values["key"].encoded


def test_attachments_resolve_in_the_consumers_namespace_with_the_type_kic_reads():
    text = yaml_stream(consumer("a", username="a", credentials=["s", "gone"]), secret("s", "key-auth", key="k"))
    index = index_of(text)
    found, missing = index.attachments
    assert (found.secret.obj.ref.name, found.cred_type, found.via) == ("s", "key-auth", "label")
    assert missing.secret is None
    assert index_of(text, kic="2.12").attachments[0].cred_type is None  # KIC 2.x reads only kongCredType


def test_values_are_located_only_when_asked():
    [record] = index_of(consumer("a", username="alice")).of("KongConsumer")
    assert (record.username.line, record.username.column) == (7, 11)
    assert str(record.username.location) == "t.yaml:7:11"
    assert "alice" not in repr(record.username)


def test_unique_field_values_are_read_for_every_row_of_the_kind():
    vault = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n"
             "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: p\n")
    [record] = index_of(vault).of("KongVault")
    assert record.unique_value("spec.prefix").text == "p"


def test_secret_references_are_read_before_the_index_for_a_live_fetch():
    from kongcheck.index import secret_references

    docs = documents_of(yaml_stream(consumer("a", namespace="t", username="a", credentials=["s1", "s2"]),
                                    consumer("b", username="b", credentials=["s3"])))
    assert secret_references(docs, "default") == {("t", "s1"), ("t", "s2"), ("default", "s3")}


def test_a_unique_field_the_kind_reads_is_the_kinds_own_value_not_a_second_copy():
    [record] = index_of(consumer("a", username="alice", custom_id="c-1")).of("KongConsumer")
    assert record.unique_value("username") is record.username and record.unique_value("custom_id") is record.custom_id
    assert dict(record.unique) == {}  # nothing read twice
    [bare] = index_of(consumer("b", username="bob")).of("KongConsumer")
    assert bare.unique_value("custom_id") is None


def test_a_secret_with_one_key_reads_as_a_mapping_of_that_key():
    [record] = index_of(secret("s", "key-auth", key="k")).all_of("Secret")
    values = record.values
    assert values["key"].text == "k" and values.get("key") is values["key"] and "key" in values
    assert values.get("other") is None and "other" not in values and len(values) == 1
    assert [(k, v.text) for k, v in values.items()] == [("key", "k")] and record.data == {"key": "k"}
    with pytest.raises(KeyError):
        values["other"]


def test_the_consumers_that_name_a_secret_are_listed_in_order_whether_one_or_several():
    text = yaml_stream(consumer("a", username="a", credentials=["s", "t"]), consumer("b", username="b", credentials=["s"]),
                       secret("s", "key-auth", key="k"), secret("t", "key-auth", key="k2"))
    index = index_of(text)
    shared, alone = (index.find("Secret", "default", n).obj.ref for n in ("s", "t"))
    assert [a.consumer.obj.ref.name for a in index.naming(shared)] == ["a", "b"]
    assert [a.consumer.obj.ref.name for a in index.naming(alone)] == ["a"]
    assert index.naming(ResourceRef("Secret", "default", "nobody-names-it", "")) == ()
    assert all(a.name.text == a.secret.obj.ref.name for a in index.attachments)


@pytest.mark.parametrize("written, what", [('""', "text"), ("{}", "a mapping"), ("0", "a number"), ("false", "a boolean")])
def test_an_empty_or_false_value_where_a_list_belongs_is_refused_not_read_as_no_entries(written, what):
    index = index_of(consumer("a", username="a") + f"credentials: {written}\n")
    assert not index.of("KongConsumer")
    assert [e.message for e in index.errors] == [f"KongConsumer 'a': credentials must be a list, not {what}"]


@pytest.mark.parametrize("written, what", [("''", None), ("[]", "a list"), ("{}", "a mapping"), ("0", "a number")])
def test_a_text_field_of_another_type_is_refused_and_empty_text_is_kept(written, what):
    index = index_of(consumer("a") + f"username: {written}\n")
    if what is None:
        assert index.of("KongConsumer")[0].username.text == ""
    else:
        assert [e.message for e in index.errors] == [f"KongConsumer 'a': username must be text, not {what}"]


def test_kong_resources_counts_the_records_is_kong_relevant_names():
    from kongcheck.facts.kinds import BY_KIND
    from kongcheck.index.records import Classed

    stream = yaml_stream(
        consumer("a", username="a", credentials="[s]"), consumer("b", cls=None, username="b"),
        secret("s", "key-auth", key="k"), secret("plain", None, other="x"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: legacy\nstringData:\n  kongCredType: acl\n  group: g\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca\n  labels:\n    konghq.com/ca-cert: 'true'\n"
        "data:\n  id: x\n",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: sealed\nspec:\n  template:\n"
        "    metadata:\n      labels:\n        konghq.com/credential: key-auth\n",
    )
    index = index_of(stream)
    records = list(index.records.values())
    assert len(records) == 7
    assert index.kong_resources == sum(map(index.is_kong_relevant, records)) == 6
    assert all(isinstance(r, Classed) for r in records if BY_KIND[r.obj.ref.kind].classed)


def test_no_record_class_is_both_classed_and_a_secret_maker():
    import importlib
    import pkgutil

    import kongcheck.index.kinds as kinds
    from kongcheck.index.records import Classed, SecretMaker

    for info in pkgutil.iter_modules(kinds.__path__):
        module = importlib.import_module(f"kongcheck.index.kinds.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type):
                assert not (issubclass(value, Classed) and issubclass(value, SecretMaker)), value
