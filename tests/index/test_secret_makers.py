"""SealedSecrets and ExternalSecrets: the Secret each makes in the cluster, from YAML strings."""
from __future__ import annotations

from kchelp import consumer, external_secret as external, findings_of, index_of, index_with_live, secret
from kchelp import sealed_secret as sealed, yaml_stream


def _made(text: str, **kwargs) -> dict:
    return {key: (maker.obj.ref.kind, maker.label_type, maker.labels_known)
            for key, maker in index_of(text, **kwargs).makers.items()}


def test_a_sealed_secret_makes_the_secret_of_its_own_name_and_namespace_whatever_its_template_says():
    text = sealed("alice-key", namespace="team", template_meta="name: other\nnamespace: elsewhere")
    assert _made(text) == {("team", "alice-key"): ("SealedSecret", "key-auth", True)}


def test_a_sealed_secret_gives_its_secret_the_template_labels_not_its_own():
    text = sealed("alice-key", labels=None).replace("metadata:\n  name: alice-key",
                                                     "metadata:\n  name: alice-key\n  labels:\n"
                                                     "    konghq.com/credential: key-auth", 1)
    assert _made(text) == {("default", "alice-key"): ("SealedSecret", None, True)}


def test_an_external_secret_makes_its_target_name_or_its_own_name():
    assert _made(external("alice-ext")) == {("default", "alice-ext"): ("ExternalSecret", None, True)}
    assert list(_made(external("alice-ext", target="name: alice-key"))) == [("default", "alice-key")]
    assert list(_made(external("alice-ext", target="creationPolicy: Orphan"))) == [("default", "alice-ext")]


def test_an_external_secret_that_merges_or_creates_nothing_makes_no_secret():
    assert _made(external("alice-ext", target="creationPolicy: Merge")) == {}
    assert _made(external("alice-ext", target="creationPolicy: None")) == {}


def test_an_external_secret_without_template_gives_its_own_labels_and_with_one_the_template_labels():
    own = external("a", labels="konghq.com/credential: jwt")
    assert _made(own)[("default", "a")] == ("ExternalSecret", "jwt", True)
    templated = external("a", labels="konghq.com/credential: jwt",
                         target="template:\n  metadata:\n    labels:\n      konghq.com/credential: basic-auth")
    assert _made(templated)[("default", "a")] == ("ExternalSecret", "basic-auth", True)
    bare_template = external("a", labels="konghq.com/credential: jwt", target="template:\n  type: Opaque")
    assert _made(bare_template)[("default", "a")] == ("ExternalSecret", None, True)


def test_templated_or_imported_labels_are_unknown():
    rendered = external("a", target="template:\n  metadata:\n    labels:\n"
                                    "      konghq.com/credential: '{{ .type }}'")
    assert _made(rendered)[("default", "a")] == ("ExternalSecret", None, False)
    imported = external("a", target="template:\n  templateFrom:\n  - target: Labels\n"
                                    "    configMap: {name: labels, items: [{key: type}]}")
    assert _made(imported)[("default", "a")] == ("ExternalSecret", None, False)


def test_a_consumer_naming_a_made_secret_is_not_told_it_is_missing():
    text = yaml_stream(consumer("alice", username="alice", credentials=["alice-key", "alice-ext", "gone"]),
                       sealed("alice-key"), external("alice-ext", labels="konghq.com/credential: key-auth"))
    [missing] = findings_of(text, rule="missing-credential-secret")
    assert "'gone'" in missing.message
    index = index_of(text)
    assert sorted(m.obj.ref.kind for m in index.made_secrets()) == ["ExternalSecret", "SealedSecret"]
    assert index.kong_resources == 3


def test_a_made_secret_in_another_namespace_does_not_count():
    text = yaml_stream(consumer("alice", username="alice", credentials=["alice-key"]), sealed("alice-key", namespace="team"))
    assert len(findings_of(text, rule="missing-credential-secret")) == 1


def test_a_secret_in_the_input_or_in_the_cluster_wins_over_its_maker():
    text = yaml_stream(consumer("alice", username="alice", credentials=["alice-key"]), sealed("alice-key"),
                       secret("alice-key", "key-auth", key="k1"))
    [attachment] = index_of(text).attachments
    assert attachment.secret is not None and attachment.maker is None
    live = secret("alice-key", "key-auth", key="k1")
    [attachment] = index_with_live(live, yaml_stream(consumer("alice", username="alice", credentials=["alice-key"]),
                                                     sealed("alice-key"))).attachments
    assert attachment.secret.obj.is_live and attachment.maker is None


def test_a_made_secret_of_a_consumer_the_webhook_checks_gets_no_webhook_claim():
    text = yaml_stream(consumer("alice", username="alice", credentials=["alice-key"]), sealed("alice-key"))
    for kic in ("2.12", "3.0", "3.1", "3.2", "3.4.4", "3.5"):
        assert findings_of(text, kic=kic) == [], kic
    assert findings_of(text, webhook="kic") == []


def test_a_live_maker_makes_nothing_more():
    index = index_with_live(sealed("alice-key"), consumer("alice", username="alice", credentials=["alice-key"]))
    assert index.makers == {} and findings_of(consumer("alice", username="alice", credentials=["alice-key"]),
                                              rule="missing-credential-secret")
    [attachment] = index.attachments
    assert attachment.secret is None and attachment.maker is None
