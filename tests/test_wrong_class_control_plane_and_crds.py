"""A wrong --ingress-class, controlPlaneRef before KIC 3.4, KongVault before KIC 3.1 (its CRD is missing)."""
from __future__ import annotations

from kchelp import cli, fixture, res, scan_json

EXAMPLE = "fixtures/example"


WRONG_CLASS = ("fixtures/example/consumers.yaml:8:34: no KongConsumer, KongConsumerGroup, KongVault, TCPIngress, KongClusterPlugin or Ingress carries class "
               "'kong-internal', so the controller for it processes none of them and nothing is checked (classes "
               "found: 'kong'); check --ingress-class, or --allow-other-classes accepts this")


def test_wrong_ingress_class_fails_the_scan_with_one_line_naming_the_classes_found():
    run = cli("scan", "--ingress-class", "kong-internal", "--fail-on", "never", EXAMPLE)
    assert run.code == 2
    assert f"error  {WRONG_CLASS}\n" in run.stdout and run.stdout.count("carries class") == 1
    assert "9 Kong resources (5 ignored by the controller); 1 input error" in run.stdout


def test_wrong_ingress_class_is_an_input_error_in_json():
    run = scan_json("--ingress-class", "kong-internal", EXAMPLE)
    assert run.code == 2 and run.findings() == []
    [error] = run.json["errors"]
    assert (error["file"], error["line"]) == ("fixtures/example/consumers.yaml", 8)
    assert "classes found: 'kong'" in error["message"]


def test_allow_other_classes_makes_a_wrong_class_one_warning():
    run = scan_json("--ingress-class", "kong-internal", "--allow-other-classes", EXAMPLE)
    assert run.code == 0 and not run.json["errors"]
    (finding,) = run.findings("ignored-by-controller")
    assert finding["severity"] == "warning"
    assert "no KongConsumer, KongConsumerGroup, KongVault, TCPIngress, KongClusterPlugin or Ingress carries class 'kong-internal'" in finding["message"]
    assert "classes found: 'kong'" in finding["message"]
    assert finding["resources"] and all(r["file"].startswith(EXAMPLE) for r in finding["resources"])
    assert run.findings() == [finding]


def test_allow_other_classes_is_a_configuration_key(tmp_path):
    config = tmp_path / "kongcheck.yaml"
    config.write_text("ingress-class: kong-internal\nallow-other-classes: true\n")
    run = scan_json("--config", str(config), EXAMPLE)
    assert run.code == 0 and len(run.findings("ignored-by-controller")) == 1
    config.write_text("ingress-class: kong-internal\nallow-other-classes: false\n")
    assert scan_json("--config", str(config), EXAMPLE).code == 2


def test_wrong_ingress_class_text_summary_says_how_many_are_ignored():
    run = cli("scan", "--ingress-class", "kong-internal", "--allow-other-classes", EXAMPLE)
    assert "no collisions found" not in run.stdout
    assert "9 Kong resources (5 ignored by the controller)" in run.stdout


def test_right_class_has_no_such_warning_and_no_ignored_note():
    run = cli("scan", EXAMPLE)
    assert "ignored by the controller" not in run.stdout
    assert not scan_json(EXAMPLE).findings("ignored-by-controller")


def test_some_objects_processed_means_no_wrong_class_warning():
    run = scan_json("--ingress-class", "kong-internal", fixture("ignored-by-controller.yaml"))
    assert all("carries class" not in f["message"] for f in run.findings())


def test_control_plane_ref_is_honoured_only_from_kic_3_4():
    path = fixture("ignored-by-controller.yaml")
    old = scan_json("--kic-version", "3.3", path)
    (clash,) = old.findings("consumer-username-conflict")
    assert [r["name"] for r in clash["resources"]] == ["operator-managed", "counted"]
    new = scan_json("--kic-version", "3.4", path)
    assert not new.findings("consumer-username-conflict")


def test_kongvault_before_kic_3_1_is_located_at_kind_and_blames_the_missing_crd():
    path = fixture("clean/vault.json")
    run = scan_json("--kic-version", "3.0", fixture("clean"))
    assert run.code == 1
    (vault,) = run.findings("crd-missing")
    assert vault["severity"] == "error"
    assert vault["resources"] == [res("KongVault", "", "prod-env", path, 3, 11)]
    message = vault["message"]
    assert "class" not in message
    assert "KongVault CRD does not exist before KIC 3.1" in message
    assert "kubectl apply" in message
