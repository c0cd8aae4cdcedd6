"""Records made as documents are loaded: what a document keeps once its record is made."""
from __future__ import annotations

import pytest

from kchelp import consumer, documents_of, secret, settings, yaml_stream
from kongcheck.index import Digester, build, digest_of

ANNOTATED = """\
apiVersion: configuration.konghq.com/v1
kind: KongConsumer
metadata:
  name: a
  namespace: default
  labels:
    team: payments
  annotations:
    kubernetes.io/ingress.class: kong
    konghq.com/plugins: rate-limit
    kongcheck.io/ignore: tags
    example.com/owner: someone
username: alice
credentials:
  - a-key
"""


def _digested(text: str):
    return documents_of(text, digest=Digester(settings()))


def test_a_digested_document_keeps_only_the_annotations_read_after_its_record_is_made():
    [doc] = _digested(ANNOTATED)
    assert list(doc.body) == ["metadata"]
    assert dict(doc.body["metadata"]["annotations"]) == {"konghq.com/plugins": "rate-limit",
                                                         "kongcheck.io/ignore": "tags"}
    record = digest_of(doc).record
    assert record.username.text == "alice" and [v.text for v in record.credentials] == ["a-key"]
    assert record.class_annotation.text == "kong"
    assert record.obj.annotation_entry("konghq.com/plugins") == ("rate-limit", (10, 25))
    assert (record.obj.kind_line, record.obj.kind_column) == (2, 7)  # the kind value, where findings about the whole object point


def test_reading_a_value_that_was_not_kept_is_an_error_not_a_silent_none():
    [doc] = _digested(ANNOTATED)
    obj = digest_of(doc).record.obj
    with pytest.raises(RuntimeError, match="example.com/owner"):
        obj.annotation("example.com/owner")
    with pytest.raises(RuntimeError, match="labels"):
        obj.label("team")
    assert obj.body is None


def test_a_document_without_kept_annotations_keeps_no_tree():
    docs = _digested(yaml_stream(consumer("a", username="a", credentials=["s"]), secret("s", "key-auth", key="k")))
    assert [dict(doc.body) for doc in docs] == [{}, {}]


def test_the_index_from_digested_documents_is_the_index_from_whole_trees():
    text = yaml_stream(
        consumer("a", username="same", credentials=["s"]), secret("s", "key-auth", key="k"),
        consumer("b", username="same"), consumer("a", username="again"),  # a redefinition: shadowed
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n",  # a kind kongcheck does not read
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c\nusername: [x]\n",
    )
    chosen = settings()
    whole, digested = build(documents_of(text), chosen), build(documents_of(text, digest=Digester(chosen)), chosen)
    assert list(whole.records) == list(digested.records)
    assert {k: [o.doc.line for o in v] for k, v in whole.shadowed.items()} == \
        {k: [o.doc.line for o in v] for k, v in digested.shadowed.items()}
    assert [str(e) for e in whole.errors] == [str(e) for e in digested.errors] and digested.errors
    assert whole.skipped == digested.skipped and digested.skipped
    assert [(a.consumer.obj.ref, a.secret.obj.ref) for a in whole.attachments] == \
        [(a.consumer.obj.ref, a.secret.obj.ref) for a in digested.attachments]


def test_a_scan_builds_its_index_from_documents_that_let_go_of_their_trees(tmp_path, monkeypatch):
    from kongcheck import pipeline

    (tmp_path / "c.yaml").write_text(yaml_stream(consumer("a", username="a", credentials=["s"], plugins="p"),
                                                 secret("s", "key-auth", key="k")))
    seen = []
    build_index = pipeline.kong_index.build

    def recording(documents, *args, **kwargs):
        seen.extend(documents)
        return build_index(documents, *args, **kwargs)

    monkeypatch.setattr(pipeline.kong_index, "build", recording)
    pipeline.run(pipeline.Request(paths=(str(tmp_path),)))
    assert len(seen) == 2 and all(doc.digest is None or digest_of(doc).record is not None for doc in seen)
    assert [sorted(doc.body) for doc in seen] == [["metadata"], []]  # the plugins annotation, then nothing
    assert [sorted(doc.body["metadata"]["annotations"]) for doc in seen[:1]] == [["konghq.com/plugins"]]


def test_a_document_that_gives_only_a_record_keeps_the_record_itself():
    """No Digest is held beside the record of a plain document (memory: one per document of a scan), and
    digest_of() still answers for it as for any other."""
    plain, refused = _digested(yaml_stream(consumer("a", username="a"),
                                           "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  key: '%%%'\n"))
    assert plain.digest.__class__.__name__ == "Consumer" and digest_of(plain).record is plain.digest
    assert digest_of(refused).record is None and len(digest_of(refused).problems) == 1
