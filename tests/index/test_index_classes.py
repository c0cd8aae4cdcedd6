"""Which objects the controller for the class processes (index/classes.py), from YAML strings."""
from __future__ import annotations

import pytest

from kchelp import consumer, index_of, yaml_stream

PLANE = consumer("a", username="a") + "spec:\n  controlPlaneRef:\n    type: konnectNamespacedRef\n"


@pytest.mark.parametrize("cls, processed", [("kong", True), ("other", False), ("''", False), (None, False)])
def test_the_class_annotation_decides(cls, processed):
    index = index_of(consumer("a", cls=cls, username="a"))
    assert bool(index.of("KongConsumer")) is processed
    assert bool(index.ignored) is not processed


def test_another_classs_objects_are_not_warned_about_but_a_missing_annotation_is():
    assert [i.warn for i in index_of(yaml_stream(consumer("a", cls="other", username="a"),
                                                 consumer("b", cls=None, username="b"))).ignored] == [False, True]


def test_control_plane_ref_is_honoured_from_kic_34():
    assert index_of(PLANE).of("KongConsumer") == []
    assert len(index_of(PLANE, kic="3.3").of("KongConsumer")) == 1


def test_kinds_the_target_kic_lacks_are_ignored_whatever_their_class():
    vault = "apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v\n"
    [ignored] = index_of(vault, kic="3.0").ignored
    assert ignored.crd_missing and ignored.warn
