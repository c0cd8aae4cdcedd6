"""A consumer counted only through the default IngressClass is never checked by KIC's webhook (ExactClassMatch):
no message says the webhook refuses it, whatever is wrong with it, on any release."""
from __future__ import annotations

import pytest

from kchelp import consumer, findings_of, secret, yaml_stream

DEFAULT_CLASS = ("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: kong\n  annotations:\n"
                 "    ingressclass.kubernetes.io/is-default-class: \"true\"\nspec:\n"
                 "  controller: ingress-controllers.konghq.com/kong\n")


def _stream(cls):
    return yaml_stream(
        DEFAULT_CLASS,
        consumer("a", cls=cls, username="same", credentials=["untyped", "k1", "absent"]),
        consumer("b", cls=cls, username="same", credentials=["k2"]),
        consumer("c", cls=cls, username='""', custom_id="c"),
        secret("untyped", None, key="x"), secret("k1", "key-auth", key="dup"), secret("k2", "key-auth", key="dup"),
    )


@pytest.mark.parametrize("kic", ["2.12", "3.0", "3.1", "3.2", "3.5"])
def test_no_webhook_claim_for_consumers_without_the_annotation(kic):
    findings = findings_of(_stream(None), kic=kic)
    assert {f.rule for f in findings} >= {"missing-credential-secret", "invalid-credential"}
    assert [f.message for f in findings if "refuses default/KongConsumer" in f.message] == []


def test_the_same_consumers_with_the_annotation_are_refused():
    assert any("refuses default/KongConsumer/a" in f.message for f in findings_of(_stream("kong"), kic="3.5"))
