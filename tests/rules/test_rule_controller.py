"""ignored-by-controller, from YAML strings."""
from __future__ import annotations

from kchelp import at, consumer, findings_of, yaml_stream

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


def test_a_wrong_ingress_class_is_one_warning_naming_the_classes_found():
    text = yaml_stream(consumer("a", cls="kong-internal", username="a"), consumer("b", cls="kong-internal", username="b"))
    [finding] = findings_of(text, ingress_class="kong")
    assert "classes found: 'kong-internal'" in finding.message and len(finding.participants) == 1


def test_a_vault_before_kic_31_cannot_be_applied():
    vault = ("apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n"
             "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n  prefix: p\n")
    [finding] = findings_of(vault, kic="3.0")
    assert "cannot be applied: the KongVault CRD does not exist before KIC 3.1" in finding.message
    assert (finding.rule, finding.severity) == ("crd-missing", "error")  # like every other refused apply
