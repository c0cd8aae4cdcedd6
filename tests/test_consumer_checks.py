"""Consumers without identity, custom_id-only consumers on KIC < 3.4."""
from __future__ import annotations

import pytest

from kchelp import fixture, res, scan_json

PATH = fixture("consumer-identity.yaml")


def summary(run) -> list[tuple]:
    return [(f["rule"], f["severity"], f["resources"][0]["name"], f["resources"][0]["line"],
             f["resources"][0]["column"]) for f in run.findings()]


@pytest.mark.parametrize("kic", ["3.4", "3.5"])
def test_kic_34_and_newer(kic):
    run = scan_json("--kic-version", kic, PATH)
    assert run.code == 1
    assert summary(run) == [
        ("consumer-without-identity", "error", "anonymous", 3, 7),
        ("consumer-without-identity", "error", "blank", 37, 11),
    ]
    anonymous, blank = run.findings()
    assert f"the KongConsumer CRD of KIC {kic} requires username or custom_id" in anonymous["message"]
    # an empty username is set, so the CRD accepts it, but the translator drops the consumer
    assert f"KIC {kic} drops this consumer" in blank["message"]


def test_kic_33_also_warns_about_custom_id_only_consumers():
    run = scan_json("--kic-version", "3.3", PATH)
    assert summary(run) == [
        ("consumer-without-identity", "error", "anonymous", 3, 7),
        ("consumer-without-username", "warning", "crm-sync", 28, 12),
        ("consumer-without-identity", "error", "blank", 37, 11),
    ]
    assert "KIC 3.3 may panic on it (fixed in KIC 3.4)" in run.findings()[1]["message"]


def test_kic_30_has_no_crd_rule_but_its_webhook_refuses_consumers_without_username():
    run = scan_json("--kic-version", "3.0", PATH)
    assert summary(run) == [
        ("webhook-rejects", "error", "anonymous", 3, 7),
        ("webhook-rejects", "error", "crm-sync", 22, 7),
        ("webhook-rejects", "error", "blank", 37, 11),
    ]
    assert all('the KIC 3.0 webhook refuses it ("username cannot be empty")' in f["message"]
               for f in run.findings())
    assert [f["rule"] for f in scan_json("--kic-version", "3.1", PATH).findings()] == [
        "consumer-without-identity", "consumer-without-username", "consumer-without-identity"]


def test_the_crd_refuses_a_consumer_without_identity_whatever_its_class(tmp_path):
    manifest = tmp_path / "c.yaml"
    manifest.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n"
                        "  name: other\n  annotations:\n    kubernetes.io/ingress.class: internal\n")
    # the ignored-by-controller warning: no object carries class 'kong', accepted here
    allow = "--allow-other-classes"
    assert sorted(f["rule"] for f in scan_json(allow, str(manifest)).findings()) == ["consumer-without-identity",
                                                                                    "ignored-by-controller"]
    assert [f["rule"] for f in scan_json(allow, "--kic-version", "3.0", str(manifest)).findings()] == [
        "ignored-by-controller"]


def test_two_secrets_of_one_consumer_sharing_a_key_clash(tmp_path):
    manifest = tmp_path / "one-consumer.yaml"
    manifest.write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: solo\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: u-solo-1\n"
        "credentials: [solo-key-1, solo-key-2]\n"
        + "".join("---\napiVersion: v1\nkind: Secret\nmetadata:\n"
                  f"  name: solo-key-{n}\n  labels:\n    konghq.com/credential: key-auth\n"
                  "stringData:\n  key: solo-shared-key\n" for n in (1, 2)))
    run = scan_json(str(manifest))
    (finding,) = run.findings()
    assert finding["rule"] == "key-auth-key-conflict"
    assert finding["resources"] == [res("Secret", "default", "solo-key-1", str(manifest), 17, 8),
                                    res("Secret", "default", "solo-key-2", str(manifest), 26, 8)]
    assert (finding["outcome"], finding["dropped"]) == ("consumers-dropped", ["default/KongConsumer/solo"])
    old = scan_json("--kic-version", "3.3", str(manifest)).findings()[0]
    assert (old["outcome"], old["dropped"]) == ("config-rejected", [])


def test_one_consumer_listing_a_secret_twice(tmp_path):
    manifest = tmp_path / "twice.yaml"
    manifest.write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: twice\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: u-twice-1\n"
        "credentials: [twice-key, twice-key]\n---\napiVersion: v1\nkind: Secret\nmetadata:\n"
        "  name: twice-key\n  labels:\n    konghq.com/credential: key-auth\nstringData:\n  key: twice-key-v\n")
    (new,) = scan_json(str(manifest)).findings()
    assert (new["rule"], new["outcome"], new["dropped"]) == (
        "consumer-duplicate-list-entry", "apply-refused", ["default/KongConsumer/twice"])
    assert new["message"].startswith("The API server refuses KongConsumer default/KongConsumer/twice:")
    assert [(r["kind"], r["line"], r["column"]) for r in new["resources"]] == [("KongConsumer", 8, 26)]
    (old,) = scan_json("--kic-version", "3.1", str(manifest)).findings()
    assert (old["rule"], old["outcome"], old["dropped"]) == ("credential-shared-by-consumers", "config-rejected", [])


SHARED = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: shared-key\n  namespace: team-a\n  labels:\n"
          "    konghq.com/credential: key-auth\nstringData:\n  key: SUPERSECRETKEY123\n"
          + "".join("---\napiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n"
                    f"  name: {name}\n  namespace: team-a\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
                    f"username: user-{name}\n{lists}\n" for name, lists in
                    [("c1", "credentials:\n  - shared-key"),
                     ("c2", "credentials:\n  - shared-key\n  - shared-key")]))


def test_a_consumer_refused_for_a_duplicate_entry_holds_no_credential(tmp_path):
    """c2 repeats a Secret, so it never exists on KIC >= 3.2, and c1 alone holds shared-key."""
    manifest = tmp_path / "shared.yaml"
    manifest.write_text(SHARED)
    run = scan_json(str(manifest))
    (finding,) = run.findings()
    assert (finding["rule"], finding["outcome"], finding["dropped"]) == (
        "consumer-duplicate-list-entry", "apply-refused", ["team-a/KongConsumer/c2"])
    assert [(r["name"], r["line"]) for r in finding["resources"]] == [("c2", 32)]
    assert "SUPERSECRETKEY123" not in run.stdout
    (old,) = scan_json("--kic-version", "3.1", str(manifest)).findings()
    assert (old["rule"], old["outcome"]) == ("credential-shared-by-consumers", "config-rejected")


def test_a_duplicate_consumer_group_entry_is_refused_too(tmp_path):
    manifest = tmp_path / "groups.yaml"
    manifest.write_text(
        "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: g2\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nusername: u-g2\n"
        "consumerGroups: [gold, silver, gold]\n")
    (finding,) = scan_json(str(manifest)).findings()
    assert finding["rule"] == "consumer-duplicate-list-entry"
    assert "consumerGroups" in finding["message"] and "'gold'" in finding["message"]
    assert scan_json("--kic-version", "3.1", str(manifest)).findings() == []


@pytest.mark.parametrize("kic", ["3.3", "3.5"])
def test_consumer_groups_follow_the_class_and_collide_on_every_version(tmp_path, kic):
    manifest = tmp_path / "groups.yaml"
    group = ("apiVersion: configuration.konghq.com/v1beta1\nkind: KongConsumerGroup\nmetadata:\n"
             "  name: gold\n  namespace: {ns}\n  annotations:\n    kubernetes.io/ingress.class: {cls}\n")
    manifest.write_text("---\n".join(group.format(ns=ns, cls=cls) for ns, cls in
                                     [("a", "kong"), ("b", "internal"), ("c", "kong")]))
    (finding,) = scan_json("--kic-version", kic, str(manifest)).findings()
    assert finding["rule"] == "consumer-group-name-conflict"
    assert [r["namespace"] for r in finding["resources"]] == ["a", "c"]
