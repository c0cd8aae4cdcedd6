"""CA certificate rules (rules/ca_certificates.py) from YAML strings, per KIC version."""
from __future__ import annotations

import pytest

from kchelp import at, ca_cert, findings_of, findings_with_live, yaml_stream
from pki import PAST, certificate, private_key

ID = "8f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5a"
OTHER = "0f5a2d3e-6b1c-4c2e-9a7d-1f0e2d3c4b5b"
A, B = certificate("A"), certificate("B")


def rules_of(text, **kwargs):
    return sorted(f.rule for f in findings_of(text, **kwargs))


def test_one_good_ca_certificate_is_clean():
    assert findings_of(ca_cert("root", ID, A, "pki")) == []
    assert findings_of(ca_cert("root", ID, A, "pki", kind="ConfigMap")) == []


@pytest.mark.parametrize("kic, oldest_wins", [("3.4.17", False), ("3.4.18", True), ("3.5.10", False),
                                              ("3.5.11", True), ("3.5", True), ("3.3", False)])
def test_duplicate_id_outcome_changes_at_3_4_18_and_3_5_11(kic, oldest_wins):
    cls = {"kubernetes.io/ingress.class": "kong"}  # KIC <= 3.3 reads CA Secrets of its class only
    text = yaml_stream(ca_cert("ca-old", ID, A, "zeta", annotations=cls), ca_cert("ca-new", ID, B, "alpha", annotations=cls))
    [finding] = findings_of(text, "ca-certificate-id-conflict", kic=kic)
    assert [ref for ref, _, _ in at(finding)] == ["alpha/Secret/ca-new", "zeta/Secret/ca-old"]
    lines = text.splitlines()
    assert all(lines[line - 1][column - 1:].startswith(ID) for _, line, column in at(finding))  # at each id
    assert finding.severity == "error" and (finding.entity, finding.field) == ("ca_certificates", "id")
    if oldest_wins:
        assert finding.outcome == "losers-skipped"
        assert "duplicate 'id' field in multiple objects" in finding.message
    else:
        assert finding.outcome == "config-rejected"
        assert "entity with primary key set to '8f5a2d3e" in finding.message and "entity already exists" in finding.message


def test_before_kong_3_4_one_entry_is_kept_silently():
    text = yaml_stream(ca_cert("a", ID, A, "pki"), ca_cert("b", ID, B, "pki"))
    [finding] = findings_of(text, "ca-certificate-id-conflict", kic="3.4.17", kong="3.3")
    assert finding.outcome == "one-entry-wins"


def test_the_live_object_is_older_than_a_new_one_whatever_the_names():
    [finding] = findings_with_live(ca_cert("z-live", ID, A, "zeta", created="2026-01-01T10:00:00Z"),
                                   ca_cert("a-new", ID, B, "alpha"), "ca-certificate-id-conflict")
    assert (finding.kept, finding.dropped) == (["zeta/Secret/z-live"], ["alpha/Secret/a-new"])
    assert "apply" not in finding.message.split("KIC 3.5 keeps")[1]


def test_live_timestamps_decide_then_the_namespace():
    live = yaml_stream(ca_cert("b", ID, A, "beta", created="2026-01-01T10:00:00Z"),
                       ca_cert("a", ID, B, "alpha", created="2026-03-01T10:00:00Z"),
                       ca_cert("c", ID, B, "aaa", created="2026-01-01T10:00:00.9Z"))  # the same second as b
    [finding] = findings_with_live(live, "", "ca-certificate-id-conflict")
    assert finding.kept == ["aaa/Secret/c"] and finding.dropped == ["beta/Secret/b", "alpha/Secret/a"]


def test_a_manifest_replacing_a_live_object_keeps_its_creation_time():
    live = yaml_stream(ca_cert("old", ID, A, "zeta", created="2020-01-01T00:00:00Z"),
                       ca_cert("other", ID, A, "alpha", created="2025-01-01T00:00:00Z"))
    [finding] = findings_with_live(live, ca_cert("old", ID, B, "zeta", created="2030-01-01T00:00:00Z"),
                                   "ca-certificate-id-conflict")
    assert finding.kept == ["zeta/Secret/old"]


def test_new_objects_tie_so_the_namespace_decides_and_apply_timing_is_named():
    text = yaml_stream(ca_cert("x", ID, A, "zeta"), ca_cert("w", ID, B, "alpha", kind="ConfigMap"))
    [finding] = findings_of(text, "ca-certificate-id-conflict")
    assert finding.kept == finding.dropped == []  # not decided: apply timing
    assert "alpha/ConfigMap/w is the oldest when they are created within one second" in finding.message
    assert "but zeta/Secret/x when the apply crosses a second boundary" in finding.message


def test_apply_order_and_name_order_agree_so_the_winner_is_certain():
    text = yaml_stream(ca_cert("a", ID, A, "alpha"), ca_cert("b", ID, B, "beta"))
    [finding] = findings_of(text, "ca-certificate-id-conflict")
    assert (finding.kept, finding.dropped) == (["alpha/Secret/a"], ["beta/Secret/b"])


def test_a_secret_beats_a_configmap_of_the_same_namespace_name_and_second():
    stamp = "2026-01-01T10:00:00Z"
    live = yaml_stream(ca_cert("root", ID, B, "pki", kind="ConfigMap", created=stamp),
                       ca_cert("root", ID, A, "pki", created=stamp))
    [finding] = findings_with_live(live, "", "ca-certificate-id-conflict")
    assert finding.kept == ["pki/Secret/root"] and finding.dropped == ["pki/ConfigMap/root"]
    new = yaml_stream(ca_cert("root", ID, B, "pki", kind="ConfigMap"), ca_cert("root", ID, A, "pki"))
    [finding] = findings_of(new, "ca-certificate-id-conflict")  # the ConfigMap, applied first, may be older
    assert finding.kept == [] and "but pki/ConfigMap/root when the apply crosses" in finding.message


def test_an_invalid_oldest_object_removes_the_id_on_3_5_11_but_not_on_3_5_10():
    text = yaml_stream(ca_cert("a", ID, certificate("old", not_after=PAST), "alpha"), ca_cert("b", ID, A, "beta"))
    [conflict] = findings_of(text, "ca-certificate-id-conflict", kic="3.5.11")
    assert "no CA certificate with this id reaches Kong, although beta/Secret/b may hold a good one" in conflict.message
    assert conflict.kept == [] and conflict.dropped == ["beta/Secret/b"]
    [invalid] = findings_of(text, "ca-certificate-invalid", kic="3.5.11")
    assert at(invalid)[0][0] == "alpha/Secret/a" and "'invalid secret CA certificate: expired'" in invalid.message
    assert rules_of(text, kic="3.5.10") == ["ca-certificate-invalid"]  # b alone reaches Kong


def test_objects_without_id_take_no_part_in_the_contest():
    text = yaml_stream(ca_cert("a", None, A, "alpha"), ca_cert("b", ID, A, "beta"))
    [finding] = findings_of(text)
    assert finding.rule == "ca-certificate-invalid" and "missing 'id' field in data" in finding.message
    assert at(finding) == [("alpha/Secret/a", 2, 7)]


def test_ids_are_exact_text_so_case_variants_are_two_certificates():
    text = yaml_stream(ca_cert("a", ID, A, "pki"), ca_cert("b", ID.upper(), B, "pki"))
    assert rules_of(text) == ["ca-certificate-id-case"]
    [finding] = findings_of(text)
    assert finding.severity == "warning" and [p[0] for p in at(finding)] == ["pki/Secret/a", "pki/Secret/b"]


@pytest.mark.parametrize("id_text, hint", [("corp-root-ca", False), (ID + "\n", True), ("", False)])
def test_an_id_kong_refuses(id_text, hint):
    [finding] = findings_of(ca_cert("root", id_text, A, "pki"), "ca-certificate-invalid-id")
    assert finding.outcome == "config-rejected" and "expected a valid UUID" in finding.message
    assert at(finding) == [("pki/Secret/root", 9, 7)]
    assert ("followed by a line break" in finding.message) is hint


def test_the_same_certificate_under_two_ids_is_a_db_mode_warning():
    text = yaml_stream(ca_cert("a", ID, A, "pki"), ca_cert("b", OTHER, "leading text\n" + A, "pki"))
    [finding] = findings_of(text)
    assert finding.rule == "ca-certificate-same-certificate" and finding.severity == "warning"
    assert "DB mode" in finding.message


def test_missing_certificate_and_binary_data():
    secret = ca_cert("s", ID, None, "pki")
    config = ca_cert("c", OTHER, None, "pki", kind="ConfigMap") + "binaryData:\n  cert: AAAA\n"
    [one, two] = findings_of(yaml_stream(secret, config), "ca-certificate-invalid")
    assert 'invalid secret CA certificate pki/s, neither "cert" nor "ca.crt" key exist' in one.message
    assert "binaryData, which KIC never reads" in two.message


def test_cert_wins_over_ca_crt_even_when_empty():
    text = ca_cert("s", ID, "", "pki").rstrip("\n") + "\n  ca.crt: |\n" + "".join("    " + l + "\n" for l in A.splitlines())
    [finding] = findings_of(text, "ca-certificate-invalid")
    assert "invalid PEM block" in finding.message and "never looks at ca.crt" in finding.message
    assert findings_of(ca_cert("s", ID, A, "pki", key="ca.crt")) == []


def test_string_data_wins_over_data():
    text = ca_cert("s", ID, A, "pki") + "data:\n  cert: bm90IGEgY2VydA==\n"
    assert findings_of(text) == []


@pytest.mark.parametrize("kic, reason", [("3.4.10", "multiple PEM certificates found"), ("3.5.3", "multiple PEM")])
def test_a_bundle_is_skipped_from_3_4_10_and_3_5_3(kic, reason):
    [finding] = findings_of(ca_cert("b", ID, A + B, "pki"), kic=kic)
    assert finding.rule == "ca-certificate-invalid" and reason in finding.message and finding.outcome == "object-skipped"


@pytest.mark.parametrize("kic", ["3.4.9", "3.5.2"])
def test_a_bundle_makes_kong_reject_the_configuration_before(kic):
    [finding] = findings_of(ca_cert("b", ID, A + B, "pki"), kic=kic)
    assert finding.outcome == "config-rejected" and "please submit only one certificate at a time" in finding.message
    assert at(finding) == [("pki/Secret/b", 10, 9)]


def test_a_private_key_is_sent_to_kong_before_3_4_10_and_skipped_after():
    text = ca_cert("k", ID, A + private_key("A"), "pki")
    [old] = findings_of(text, kic="3.4.9")
    assert "key included, to Kong" in old.message
    [new] = findings_of(text, kic="3.4.10")
    assert "invalid PEM block type" in new.message


@pytest.mark.parametrize("label", ['"True"', '"yes"', '"1"'])
def test_only_the_exact_label_true_is_read(label):
    [finding] = findings_of(ca_cert("s", ID, A + B, "pki", label=label))
    assert finding.rule == "ca-certificate-ignored" and at(finding) == [("pki/Secret/s", 7, 25)]


def test_kic_3_4_reads_ca_secrets_of_any_class_and_3_3_only_its_own():
    other = ca_cert("s", "corp", A, "pki", annotations={"kubernetes.io/ingress.class": "other"})
    assert rules_of(other, kic="3.4.0") == ["ca-certificate-invalid-id"]
    [finding] = findings_of(other, kic="3.3")
    assert finding.rule == "ca-certificate-ignored" and "'other' is not 'kong'" in finding.message


def test_kic_before_3_4_reads_neither_configmaps_nor_ca_crt():
    cls = {"kubernetes.io/ingress.class": "kong"}
    [config] = findings_of(ca_cert("c", ID, A, "pki", kind="ConfigMap"), kic="3.3")
    assert config.rule == "ca-certificate-ignored" and "Secrets only" in config.message
    [secret] = findings_of(ca_cert("s", ID, A, "pki", key="ca.crt", annotations=cls), kic="3.3")
    assert "invalid CA certificate: missing 'cert' field in data" in secret.message


def test_default_class_lets_an_unannotated_ca_secret_in_from_2_3():
    text = ca_cert("s", ID, A, "pki")
    assert rules_of(text, kic="3.3", assume_default_class=True) == []
    assert rules_of(text, kic="2.2", assume_default_class=True) == ["ca-certificate-ignored"]


def test_an_unquoted_true_label_is_refused_by_the_api_server():
    from kchelp import index_of

    index = index_of(ca_cert("s", ID, A, "pki", label="true"))
    assert index.errors and "quote it" in index.errors[0].message
