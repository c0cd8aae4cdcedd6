"""The ingress class as KIC applies it; ignored objects never collide."""
from __future__ import annotations

from kchelp import fixture, res, scan_json

CLASSLESS_A = ("web", "classless-a", 7, 11)
CLASSLESS_B = ("web", "classless-b", 14, 11)


def test_ingressclass_marked_default_in_the_input_makes_classless_objects_count():
    run = scan_json(fixture("classes-default"))
    assert run.code == 1
    (finding,) = run.findings()
    path = fixture("classes-default/consumers.yaml")
    assert finding["rule"] == "consumer-username-conflict"
    assert finding["resources"] == [res("KongConsumer", "web", "classless-a", path, 7, 11),
                                    res("KongConsumer", "web", "classless-b", path, 14, 11)]


def test_ingressclass_not_default_leaves_classless_objects_ignored():
    run = scan_json(fixture("classes-not-default"))
    assert run.code == 0
    path = fixture("classes-not-default/consumers.yaml")
    assert run.rules() == ["ignored-by-controller", "ignored-by-controller"]
    assert [f["resources"] for f in run.findings()] == [
        [res("KongConsumer", "web", "classless-a", path, 3, 7)],
        [res("KongConsumer", "web", "classless-b", path, 10, 7)],
    ]
    for finding in run.findings():
        assert finding["severity"] == "warning"
        assert "no kubernetes.io/ingress.class annotation" in finding["message"]
        assert "--assume-default-class" in finding["message"]


def test_assume_default_class_forces_it_even_against_the_input():
    run = scan_json("--assume-default-class", fixture("classes-not-default"))
    assert run.rules() == ["consumer-username-conflict"]


def test_absent_ingressclass_means_not_default():
    run = scan_json(fixture("classes-default/consumers.yaml"))
    assert run.code == 0
    assert run.rules() == ["ignored-by-controller", "ignored-by-controller"]
    forced = scan_json("--assume-default-class", fixture("classes-default/consumers.yaml"))
    assert forced.rules() == ["consumer-username-conflict"]


def test_ingressclass_of_another_name_does_not_decide():
    run = scan_json("--ingress-class", "internal", fixture("classes-default"))
    assert run.rules() == ["ignored-by-controller", "ignored-by-controller"]
    assert "IngressClass 'internal' is not known to be the default class" in run.findings()[0]["message"]


def test_ignored_objects_never_collide():
    """Five consumers share one username; only 'counted' is processed for class kong."""
    path = fixture("ignored-by-controller.yaml")
    run = scan_json(fixture("ignored-by-controller.yaml"))
    assert run.code == 0
    assert run.rules() == ["ignored-by-controller", "ignored-by-controller"]
    no_class, empty = run.findings()
    assert no_class["resources"] == [res("KongConsumer", "edge", "no-class", path, 3, 7)]
    # an empty annotation is pointed at where it is written
    assert empty["resources"] == [res("KongConsumer", "edge", "empty-class", path, 15, 34)]
    assert "annotation is empty" in empty["message"]


def test_other_class_and_other_control_plane_are_skipped_quietly_even_when_default():
    run = scan_json("--assume-default-class", fixture("ignored-by-controller.yaml"))
    (clash,) = run.findings("consumer-username-conflict")
    assert [r["name"] for r in clash["resources"]] == ["no-class", "counted"]
    assert [f["resources"][0]["name"] for f in run.findings("ignored-by-controller")] == ["empty-class"]


def test_the_other_controller_sees_only_its_own_objects():
    run = scan_json("--ingress-class", "kong-internal", fixture("ignored-by-controller.yaml"))
    assert run.rules() == ["ignored-by-controller", "ignored-by-controller"]
