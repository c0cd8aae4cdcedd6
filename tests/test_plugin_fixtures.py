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
