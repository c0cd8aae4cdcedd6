"""tls-host-conflict from YAML strings: who KIC serves a TLS host for, per release, and where the finding points."""
from __future__ import annotations

import pytest

from kchelp import at, findings_of, findings_with_live, yaml_stream
from pki import certificate, indented, private_key

RULE = "tls-host-conflict"


def tls_secret(name: str, cert: str | None = None, key: str | None = None, namespace: str = "default") -> str:
    """A kubernetes.io/tls Secret whose certificate and key are made from ``cert``/``key`` names."""
    cert = cert or name
    lines = ["apiVersion: v1", "kind: Secret", "type: kubernetes.io/tls", "metadata:", f"  name: {name}",
             f"  namespace: {namespace}", "stringData:", "  tls.crt: |", indented(certificate(cert, ca=False)).rstrip("\n"),
             "  tls.key: |", indented(private_key(key or cert)).rstrip("\n")]
    return "\n".join(lines) + "\n"


def tcp(name: str, secret: str, *hosts: str, namespace: str = "default", created: str | None = None,
        cls: str = "kong") -> str:
    lines = ["apiVersion: configuration.konghq.com/v1beta1", "kind: TCPIngress", "metadata:", f"  name: {name}",
             f"  namespace: {namespace}"]
    if created:
        lines.append(f'  creationTimestamp: "{created}"')
    lines += ["  annotations:", f"    kubernetes.io/ingress.class: {cls}", "spec:", "  rules:", "  - port: 9000",
              "    backend: {serviceName: pg, servicePort: 5432}", "  tls:",
              f"  - hosts: [{', '.join(hosts)}]", f"    secretName: {secret}"]
    return "\n".join(lines) + "\n"


def test_one_secret_for_a_host_everywhere_is_clean():
    text = yaml_stream(tls_secret("shared"), tcp("a", "shared", "db.example.com"), tcp("b", "shared", "db.example.com"))
    assert findings_of(text, RULE) == []


def test_two_secrets_holding_the_same_certificate_count_as_one():
    text = yaml_stream(tls_secret("one", cert="c"), tls_secret("two", cert="c"),
                       tcp("a", "one", "db.example.com"), tcp("b", "two", "db.example.com"))
    assert findings_of(text, RULE) == []


def test_the_oldest_tcp_ingress_keeps_the_host_and_the_other_is_served_its_certificate():
    text = yaml_stream(tls_secret("new-cert"), tls_secret("old-cert"),
                       tcp("z-old", "old-cert", "db.example.com", created="2025-01-01T00:00:00Z"),
                       tcp("a-new", "new-cert", "db.example.com", created="2026-01-01T00:00:00Z"))
    [finding] = findings_with_live(text, "", RULE)
    assert finding.kept == ["default/TCPIngress/z-old"] and finding.dropped == ["default/TCPIngress/a-new"]
    assert "serves Secret default/old-cert's certificate (from default/TCPIngress/z-old: the first claim" in finding.message


def test_a_live_tcp_ingress_is_older_than_a_new_one_whatever_its_name():
    live = yaml_stream(tls_secret("old-cert"), tcp("z-live", "old-cert", "db.example.com",
                                                   created="2025-01-01T00:00:00Z"))
    new = yaml_stream(tls_secret("new-cert"), tcp("a-new", "new-cert", "db.example.com"))
    [finding] = findings_with_live(live, new, RULE)
    assert finding.kept == ["default/TCPIngress/z-live"] and finding.dropped == ["default/TCPIngress/a-new"]
    assert [p.ref.id for p in finding.participants] == ["default/TCPIngress/z-live", "default/TCPIngress/a-new"]


def test_new_objects_share_a_second_so_namespace_and_name_decide_unless_apply_timing_says_otherwise():
    ordered = yaml_stream(tls_secret("c1"), tls_secret("c2"), tcp("a", "c1", "db.example.com"),
                          tcp("b", "c2", "db.example.com"))
    [finding] = findings_of(ordered, RULE)
    assert finding.kept == ["default/TCPIngress/a"]
    reversed_apply = yaml_stream(tls_secret("c1"), tls_secret("c2"), tcp("b", "c2", "db.example.com"),
                                 tcp("a", "c1", "db.example.com"))
    [finding] = findings_of(reversed_apply, RULE)
    assert finding.kept == [] and "apply timing decides" in finding.message


def test_namespace_slash_name_is_compared_as_text():
    # "team-a/db" < "team/db" as text ('-' sorts before '/'), though "team" < "team-a" as a namespace
    text = yaml_stream(tls_secret("c1", namespace="team"), tls_secret("c2", namespace="team-a"),
                       tcp("db", "c1", "db.example.com", namespace="team", created="2025-01-01T00:00:00Z"),
                       tcp("db", "c2", "db.example.com", namespace="team-a", created="2025-01-01T00:00:00Z"))
    [finding] = findings_with_live(text, "", RULE)
    assert finding.kept == ["team-a/TCPIngress/db"]


def test_the_finding_points_at_each_host_entry():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), tcp("a", "c1", "x.example.com", "db.example.com"),
                       tcp("b", "c2", "db.example.com"))
    [finding] = findings_of(text, RULE)
    lines = text.splitlines()
    for ref_id, line, column in at(finding):
        assert lines[line - 1][column - 1:].startswith("db.example.com"), (ref_id, line, column)


def test_an_unusable_secret_on_the_oldest_claim_leaves_the_host_without_an_ingress_certificate():
    text = yaml_stream(tls_secret("broken", cert="c1", key="other"), tls_secret("good", cert="c2"),
                       tcp("a", "broken", "db.example.com"), tcp("b", "good", "db.example.com"))
    [finding] = findings_of(text, RULE)
    assert "Secret default/broken is unusable" in finding.message
    assert "Kong serves its default certificate" in finding.message
    assert finding.kept == [] and finding.dropped == ["default/TCPIngress/a", "default/TCPIngress/b"]


def test_a_secret_kongcheck_cannot_see_counts_as_another_certificate():
    text = yaml_stream(tls_secret("c1"), tcp("a", "c1", "db.example.com"), tcp("b", "elsewhere", "db.example.com"))
    [finding] = findings_of(text, RULE)
    assert "cannot compare the certificates of default/elsewhere" in finding.message


@pytest.mark.parametrize("kic, fixed", [("2.7", False), ("2.8.0", True), ("3.5", True)])
def test_before_2_8_the_winner_among_ingress_like_objects_is_not_fixed(kic, fixed):
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"),
                       tcp("a", "c1", "db.example.com", created="2025-01-01T00:00:00Z"),
                       tcp("b", "c2", "db.example.com", created="2026-01-01T00:00:00Z"))
    [finding] = findings_with_live(text, "", RULE, kic=kic)
    assert (finding.kept == ["default/TCPIngress/a"]) is fixed
    assert ("Go map order" in finding.message) is not fixed


def test_objects_of_another_class_take_no_part():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), tcp("a", "c1", "db.example.com"),
                       tcp("b", "c2", "db.example.com", cls="other"))
    assert findings_of(text, RULE) == []


def test_no_private_key_text_reaches_a_message():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), tcp("a", "c1", "db.example.com"),
                       tcp("b", "c2", "db.example.com"))
    [finding] = findings_of(text, RULE)
    body = private_key("c1").splitlines()[1]
    assert body not in finding.message and "PRIVATE" not in finding.message


def ingress_tls(name: str, secret: str, *hosts: str, created: str | None = None, namespace: str = "default") -> str:
    lines = ["apiVersion: networking.k8s.io/v1", "kind: Ingress", "metadata:", f"  name: {name}",
             f"  namespace: {namespace}"]
    if created:
        lines.append(f'  creationTimestamp: "{created}"')
    lines += ["  annotations:", "    kubernetes.io/ingress.class: kong", "spec:", "  tls:",
              f"  - hosts: [{', '.join(hosts)}]", f"    secretName: {secret}"]
    return "\n".join(lines) + "\n"


def gateway_class(name: str = "kong", controller: str = "konghq.com/kic-gateway-controller") -> str:
    return (f"apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: {name}\n"
            f"spec:\n  controllerName: {controller}\n")


def gateway(name: str, *listeners: tuple, cls: str = "kong", namespace: str = "default") -> str:
    """``listeners``: (listener name, hostname or None, Secret name or a list of names, Secret namespace or None)."""
    lines = ["apiVersion: gateway.networking.k8s.io/v1", "kind: Gateway", "metadata:", f"  name: {name}",
             f"  namespace: {namespace}", "spec:", f"  gatewayClassName: {cls}", "  listeners:"]
    for number, (listener, hostname, secrets, secret_namespace) in enumerate(listeners):
        lines += [f"  - name: {listener}", f"    port: {443 + number}", "    protocol: HTTPS"]
        if hostname:
            lines.append(f"    hostname: {hostname}")
        lines += ["    tls:", "      certificateRefs:"]
        for secret in secrets if isinstance(secrets, list) else [secrets]:
            lines.append(f"      - name: {secret}")
            if secret_namespace:
                lines.append(f"        namespace: {secret_namespace}")
    return "\n".join(lines) + "\n"


def grant(namespace: str, from_namespace: str) -> str:
    return (f"apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: certs\n"
            f"  namespace: {namespace}\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: Gateway\n"
            f"    namespace: {from_namespace}\n  to:\n  - group: \"\"\n    kind: Secret\n")


def test_an_ingress_beats_an_older_tcp_ingress_and_any_gateway_listener():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), tls_secret("c3"), gateway_class(),
                       tcp("old-tcp", "c2", "app.example.com", created="2020-01-01T00:00:00Z"),
                       ingress_tls("web", "c1", "app.example.com", created="2025-01-01T00:00:00Z"),
                       gateway("gw", ("https", "app.example.com", "c3", None)))
    [finding] = findings_with_live(text, "", RULE)
    assert finding.kept == ["default/Ingress/web"]
    assert finding.dropped == ["default/Gateway/gw", "default/TCPIngress/old-tcp"]


def test_between_gateways_the_winner_is_not_fixed():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), gateway_class(),
                       gateway("gw-a", ("https", "app.example.com", "c1", None)),
                       gateway("gw-b", ("https", "app.example.com", "c2", None)))
    [finding] = findings_of(text, RULE)
    assert finding.kept == [] and "Gateways are listed in no fixed order" in finding.message


def test_listeners_of_one_gateway_go_in_spec_order():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), gateway_class(),
                       gateway("gw", ("first", "app.example.com", "c1", None), ("second", "app.example.com", "c2", None)))
    [finding] = findings_of(text, RULE)
    assert finding.kept == ["default/Gateway/gw"] and "Same SNI requested for multiple certs" in finding.message


def test_hostname_less_listeners_claim_the_wildcard_sni_and_point_at_the_listener():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), gateway_class(),
                       gateway("gw-a", ("https", None, "c1", None)), gateway("gw-b", ("https", None, "c2", None)))
    [finding] = findings_of(text, RULE)
    assert "TLS host '*'" in finding.message and finding.kept == []
    lines = text.splitlines()
    assert all(lines[line - 1].strip().startswith("- name: https") for _, line, _ in at(finding))


def test_a_listener_with_two_certificate_refs_claims_nothing():
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), tls_secret("c3"), gateway_class(),
                       gateway("gw-a", ("https", "app.example.com", ["c1", "c3"], None)),
                       gateway("gw-b", ("https", "app.example.com", "c2", None)))
    assert findings_of(text, RULE) == []


@pytest.mark.parametrize("kic, counts", [("3.4.8", 1), ("3.4.9", 0), ("3.5.1", 1), ("3.5.2", 0), ("3.3", 1)])
def test_gateways_of_another_controller_take_part_until_3_4_9_and_3_5_2(kic, counts):
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), gateway_class(), gateway_class("istio", "istio.io/gateway"),
                       gateway("gw-kong", ("https", "app.example.com", "c1", None)),
                       gateway("gw-istio", ("https", "app.example.com", "c2", None), cls="istio"))
    assert len(findings_of(text, RULE, kic=kic)) == counts


@pytest.mark.parametrize("kic, counts", [("3.4.13", 1), ("3.4.14", 0), ("3.5.6", 1), ("3.5.7", 0)])
def test_a_certificate_ref_to_another_namespace_needs_a_grant_from_3_4_14_and_3_5_7(kic, counts):
    text = yaml_stream(tls_secret("c1"), tls_secret("c2", namespace="certs"), gateway_class(),
                       gateway("gw-a", ("https", "app.example.com", "c1", None)),
                       gateway("gw-b", ("https", "app.example.com", "c2", "certs")))
    assert len(findings_of(text, RULE, kic=kic)) == counts
    assert len(findings_of(yaml_stream(text, grant("certs", "default")), RULE, kic=kic)) == 1


@pytest.mark.parametrize("kic, counts", [("2.4", 0), ("2.5.0", 1)])
def test_gateway_listeners_give_certificates_from_2_5(kic, counts):
    text = yaml_stream(tls_secret("c1"), tls_secret("c2"), gateway_class(),
                       gateway("gw-a", ("https", "app.example.com", "c1", None)),
                       gateway("gw-b", ("https", "app.example.com", "c2", None)))
    assert len(findings_of(text, RULE, kic=kic)) == counts
