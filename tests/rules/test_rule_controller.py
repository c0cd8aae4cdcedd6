"""ignored-by-controller, from YAML strings."""
from __future__ import annotations

from kchelp import at, consumer, findings_of, index_of, index_with_live, yaml_stream

DEFAULT_CLASS = """apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: kong
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: ingress-controllers.konghq.com/kong
"""


def test_no_annotation_and_no_default_class_is_a_warning_at_kind():
    [finding] = findings_of(consumer("a", cls=None, username="a"))
    assert finding.rule == "ignored-by-controller" and finding.severity == "warning"
    assert at(finding) == [("default/KongConsumer/a", 2, 7)]


def test_the_default_ingress_class_makes_unannotated_objects_count():
    assert findings_of(yaml_stream(DEFAULT_CLASS, consumer("a", cls=None, username="a"))) == []
    assert findings_of(consumer("a", cls=None, username="a"), assume_default_class=True) == []


def test_an_empty_annotation_is_pointed_at():
    [finding] = findings_of(consumer("a", cls="''", username="a"))
    assert "is empty" in finding.message and at(finding) == [("default/KongConsumer/a", 6, 34)]


def _other_class_consumers() -> str:
    return yaml_stream(consumer("a", cls="kong-internal", username="a"), consumer("b", cls="kong-internal", username="b"),
                       consumer("c", cls="kong-public", username="c"))


def test_a_wrong_ingress_class_is_left_to_the_scan_as_an_input_error_and_gives_no_warning():
    text = _other_class_consumers()
    assert findings_of(text, ingress_class="kong") == []
    found = index_of(text, ingress_class="kong").other_classes()
    assert {name: record.obj.ref.name for name, record in found.items()} == {"kong-internal": "a", "kong-public": "c"}


def test_an_accepted_wrong_ingress_class_is_one_warning_naming_the_classes_found():
    [finding] = findings_of(_other_class_consumers(), ingress_class="kong", allow_other_classes=True)
    assert finding.rule == "ignored-by-controller" and finding.severity == "warning"
    assert "classes found: 'kong-internal', 'kong-public'" in finding.message
    assert [p.ref.name for p in finding.participants] == ["a", "c"]


def test_one_processed_object_means_the_class_is_right():
    text = yaml_stream(_other_class_consumers(), consumer("d", cls="kong", username="d"))
    assert index_of(text, ingress_class="kong").other_classes() == {}


def test_objects_without_an_annotation_name_no_class():
    assert index_of(consumer("a", cls=None, username="a")).other_classes() == {}


def test_live_objects_neither_stand_for_the_input_nor_make_its_class_right():
    live = consumer("live", cls="kong", username="live")
    assert index_with_live(live, consumer("a", cls="kong-internal", username="a")).other_classes().keys() == {
        "kong-internal"}
    assert index_with_live(consumer("live", cls="kong-internal", username="live")).other_classes() == {}


def test_a_vault_before_kic_31_cannot_be_applied():
    vault = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n"
             "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: p\n")
    [finding] = findings_of(vault, kic="3.0")
    assert "cannot be applied: the KongVault CRD does not exist before KIC 3.1" in finding.message
    assert (finding.rule, finding.severity) == ("crd-missing", "error")  # like every other refused apply
