"""invalid-credential for the Secret a SealedSecret or ExternalSecret makes: judged by its labels alone."""
from __future__ import annotations

from kchelp import at, consumer, external_secret as external, findings_of, sealed_secret as sealed, yaml_stream

ALICE = consumer("alice", username="alice", credentials=["alice-key"])


def test_an_unknown_type_in_the_template_labels_is_pointed_at_from_kic_30():
    text = yaml_stream(ALICE, sealed("alice-key", labels="konghq.com/credential: bee-auth"))
    for kic in ("3.0", "3.1", "3.2", "3.5"):
        [finding] = findings_of(text, kic=kic)
        assert (finding.rule, finding.severity) == ("invalid-credential", "error")
        assert finding.message == ("SealedSecret default/SealedSecret/alice-key makes Secret 'alice-key' with "
                                   "unsupported credential type 'bee-auth'; KIC skips this credential; "
                                   "default/KongConsumer/alice never gets it")
        assert at(finding) == [("default/SealedSecret/alice-key", 20, 32)]


def test_kic_2_reads_the_type_only_from_kong_cred_type_which_a_sealed_value_hides():
    text = yaml_stream(ALICE, sealed("alice-key", labels="konghq.com/credential: bee-auth"))
    assert findings_of(text, kic="2.12") == []
    assert findings_of(yaml_stream(ALICE, sealed("alice-key", labels=None)), kic="2.12") == []


def test_no_label_is_untyped_where_kic_reads_only_the_label():
    text = yaml_stream(ALICE, sealed("alice-key", labels=None))
    [finding] = findings_of(text, kic="3.2")
    assert finding.rule == "invalid-credential"
    assert "without a konghq.com/credential label, the only credential type KIC 3.2 reads" in finding.message
    assert findings_of(text, kic="3.1") == []  # kongCredType may be among the sealed values


def test_a_made_secret_no_consumer_names_is_not_judged_as_a_credential():
    assert findings_of(sealed("other", labels=None)) == []
    assert findings_of(sealed("other", labels="konghq.com/credential: bee-auth")) == []


def test_unknown_labels_say_nothing():
    text = yaml_stream(ALICE, external("alice-key", target="template:\n  metadata:\n    labels:\n"
                                                        "      konghq.com/credential: '{{ .type }}'"))
    assert findings_of(text) == []


def test_a_known_type_passes_without_its_values():
    for cred_type in ("key-auth", "jwt"):  # the sealed helper's only key is `key`
        text = yaml_stream(ALICE, sealed("alice-key", labels=f"konghq.com/credential: {cred_type}"))
        assert findings_of(text) == [], cred_type


def test_konnect_is_not_translated_into_a_consumer_credential():
    text = yaml_stream(ALICE, external("alice-key", labels="konghq.com/credential: konnect"))
    [finding] = findings_of(text)
    assert "unsupported credential type 'konnect'" in finding.message


def test_a_sealed_secret_without_a_key_the_translator_needs():
    text = yaml_stream(ALICE, sealed("alice-key", labels="konghq.com/credential: key-auth").replace(
        "    key: AgBy", "    other: AgBy"))
    [finding] = findings_of(text, kic="3.0")
    assert finding.message == ("SealedSecret default/SealedSecret/alice-key makes Secret 'alice-key' without a key "
                               "key: failed to provision credential: key-auth is invalid: no key; "
                               "default/KongConsumer/alice never gets it")
    assert findings_of(text, kic="2.12") == []  # the type is the sealed kongCredType value


def test_template_data_adds_and_removes_keys_of_a_sealed_secret():
    base = sealed("alice-key", labels="konghq.com/credential: key-auth").replace("    key: AgBy", "    raw: AgBy")
    added = base.replace("  template:\n", "  template:\n    data:\n      key: 'k-{{ .raw }}'\n")
    assert findings_of(yaml_stream(ALICE, added)) == []
    removed = sealed("alice-key").replace("  template:\n", "  template:\n    data:\n      key: null\n")
    assert "no key" in findings_of(yaml_stream(ALICE, removed))[0].message


def test_external_secret_keys_are_known_only_from_plain_data_entries():
    labelled = external("alice-key", labels="konghq.com/credential: basic-auth")  # data: [secretKey: key]
    [finding] = findings_of(yaml_stream(ALICE, labelled))
    assert "without a username key: failed to provision credential: basic-auth is invalid: no username" \
        in finding.message
    from_all = labelled.replace("  data:\n", "  dataFrom:\n  - extract: {key: kong/alice}\n  data:\n")
    assert findings_of(yaml_stream(ALICE, from_all)) == []
    templated = external("alice-key", target="template:\n  metadata:\n    labels:\n"
                                             "      konghq.com/credential: basic-auth\n  data:\n    username: x")
    assert findings_of(yaml_stream(ALICE, templated)) == []
