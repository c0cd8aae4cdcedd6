"""The plugin fixtures (fixtures/rules/plugins), scanned as a person would, per KIC release."""
from __future__ import annotations

import pytest
from kchelp import fixture, scan_json

CASES = {
    "two-prometheus-plugins-on-one-service.yaml": ["plugin-instance-conflict"],
    "same-type-plugins-on-an-ingress.yaml": ["plugin-instance-conflict"],
    "same-plugin-twice-on-an-ingress.yaml": ["plugin-instance-conflict"],
    "later-plugin-of-the-same-type-on-a-consumer.yaml": ["plugin-instance-conflict"],
    "annotation-plus-extension-ref.yaml": ["plugin-instance-conflict"],
    "multi-backend-services-with-plugins.yaml": ["plugin-instance-conflict"],
    "extension-ref-on-an-httproute.yaml": [],
    "instance-names.yaml": ["plugin-instance-name-conflict", "plugin-instance-name-invalid"],
    "custom-id-consumer-with-plugins.yaml": ["plugin-consumer-unresolved"],
    "global-cluster-plugins.yaml": ["global-plugin-conflict"],
    "kongplugin-and-header-filter.yaml": ["plugin-shadows-generated"],
    "skipped-references.yaml": ["plugin-reference-skipped", "plugin-reference-skipped"],
    "copies-per-consumer-and-group.yaml": [],
    "plugins-applied-before-the-service.yaml": ["plugin-instance-conflict"],
}


def _rules(path, *flags):
    run = scan_json("--fail-on", "never", *flags, fixture(f"plugins/{path}"))
    assert run.json["errors"] == []
    return run


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_plugin_fixture_gives_its_findings(name):
    assert sorted(f["rule"] for f in _rules(name).findings()) == CASES[name]


def test_two_plugins_of_one_type_point_at_each_name_and_each_plugin_field():
    [finding] = _rules("two-prometheus-plugins-on-one-service.yaml").findings()
    path = fixture("plugins/two-prometheus-plugins-on-one-service.yaml")
    line = "    konghq.com/plugins: prometheus, prometheus-per-consumer"
    assert [(r["kind"], r["line"], r["column"]) for r in finding["resources"]] == [
        ("Service", 10, line.index("prometheus") + 1), ("Service", 10, line.index("prometheus-per") + 1),
        ("KongPlugin", 35, 9), ("KongPlugin", 44, 9)]
    assert all(r["file"] == path for r in finding["resources"])
    assert finding["outcome"] == "config-rejected" and "primary key" in finding["message"]


def test_the_id_kic_sets_from_3_4_5_and_kong_derives_before():
    text = _rules("same-type-plugins-on-an-ingress.yaml", "--kic-version", "3.4.5").findings()[0]["message"]
    assert "KIC 3.4.5 gives both the id UUIDv5('rate-limiting:route/limits.shop.shop.shop.example.com.80')" in text
    text = _rules("same-type-plugins-on-an-ingress.yaml", "--kic-version", "3.4.4").findings()[0]["message"]
    assert "KIC 3.4.4 sends no id and Kong derives the same one from the cache key" in text
    assert "sends no id" not in _rules("same-type-plugins-on-an-ingress.yaml", "--kic-version", "3.5.0").findings()[0][
        "message"]


@pytest.mark.parametrize("kic,found", [("3.2.2", []), ("3.2.3", ["plugin-instance-conflict"]),
                                       ("3.3", ["plugin-instance-conflict"]), ("3.4.0", [])])
def test_a_single_extension_ref_is_a_clash_only_where_kic_repeats_it(kic, found):
    assert [f["rule"] for f in _rules("extension-ref-on-an-httproute.yaml", "--kic-version", kic).findings()] == found


def test_before_kong_3_4_one_of_the_plugins_silently_wins():
    [finding] = _rules("same-type-plugins-on-an-ingress.yaml", "--kic-version", "2.12", "--kong-version",
                       "3.3").findings()
    assert finding["outcome"] == "one-entry-wins"


@pytest.mark.parametrize("kic,outcome", [("3.1", "config-rejected"), ("3.2.0", "apply-refused"),
                                         ("3.2.1", "config-rejected"), ("3.5", "config-rejected")])
def test_only_kic_3_2_0_refuses_plugins_of_one_type_that_exist_before_the_referrer(kic, outcome):
    [finding] = _rules("plugins-applied-before-the-service.yaml", "--kic-version", kic).findings()
    assert finding["outcome"] == outcome
    if outcome == "apply-refused":
        assert ("Service has invalid KongPlugin annotation: cannot attach multiple plugins: key-auth-header, "
                "key-auth-query of the same type key-auth") in finding["message"]
        assert finding["dropped"] == ["webhook-order/Service/billing"]


def test_kic_3_2_0_lets_through_a_plugin_applied_after_the_consumer():
    [finding] = _rules("later-plugin-of-the-same-type-on-a-consumer.yaml", "--kic-version", "3.2.0").findings()
    assert finding["outcome"] == "config-rejected"


@pytest.mark.parametrize("kic,found", [("2.11", ["plugin-instance-name-conflict"]), ("2.12", [])])
def test_instance_names_are_suffixed_from_kic_2_12(kic, found, tmp_path):
    path = tmp_path / "two-routes.yaml"
    path.write_text("""\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: two
  namespace: web
  annotations: {konghq.com/plugins: cors}
spec:
  ingressClassName: kong
  rules:
    - host: a.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
    - host: b.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}
---
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: cors, namespace: web}
plugin: cors
instance_name: edge
""")
    run = scan_json("--fail-on", "never", "--kic-version", kic, "--kong-version", "3.4", str(path))
    assert run.json["errors"] == [] and [f["rule"] for f in run.findings()] == found
