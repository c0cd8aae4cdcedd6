"""Kong service and route names that collide (Ingress + TCPIngress, dotted Ingress names, default backends)
and Services of one multi-backend rule with different konghq.com annotations, from YAML strings."""
from __future__ import annotations

import pytest

from kchelp import at, findings_of, findings_with_live, yaml_stream


def ingress(name: str, svc: str = "app", host: str | None = "app.example.com", port: int | str = 80,
            namespace: str = "default", created: str | None = None, default: str | None = None,
            annotations: dict | None = None, cls: str = "kong") -> str:
    lines = ["apiVersion: networking.k8s.io/v1", "kind: Ingress", "metadata:", f"  name: {name}",
             f"  namespace: {namespace}"]
    if created:
        lines.append(f'  creationTimestamp: "{created}"')
    lines += ["  annotations:", f"    kubernetes.io/ingress.class: {cls}"]
    lines += [f"    {k}: {v!r}" for k, v in (annotations or {}).items()]
    lines.append("spec:")
    port_line = f"number: {port}" if isinstance(port, int) else f"name: {port}"
    if default:
        lines += ["  defaultBackend:", "    service:", f"      name: {default}", "      port:", "        number: 80"]
    if svc:
        lines += ["  rules:", f"  - host: {host}" if host is not None else "  - http:"]
        if host is not None:
            lines.append("    http:")
        lines += ["      paths:", "      - path: /", "        pathType: Prefix", "        backend:", "          service:",
                  f"            name: {svc}", "            port:", f"              {port_line}"]
    return "\n".join(lines) + "\n"


def tcp_ingress(name: str, svc: str = "app", port: int = 80, namespace: str = "default") -> str:
    return (f"apiVersion: configuration.konghq.com/v1beta1\nkind: TCPIngress\nmetadata:\n  name: {name}\n"
            f"  namespace: {namespace}\n  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  rules:\n"
            f"  - port: 9000\n    backend:\n      serviceName: {svc}\n      servicePort: {port}\n")


SERVICE_RULE = "ingress-tcpingress-service-conflict"
ROUTE_RULE = "ingress-route-key-conflict"
DEFAULT_RULE = "ingress-default-backend-conflict"
BACKENDS_RULE = "multi-backend-annotations-conflict"


def test_an_ingress_and_a_tcp_ingress_on_one_service_port_lose_the_ingress_routes():
    text = yaml_stream(ingress("web", "app", port=8080), tcp_ingress("app-tcp", "app", 8080))
    [finding] = findings_of(text, SERVICE_RULE)
    assert finding.kept == ["default/TCPIngress/app-tcp"] and finding.dropped == ["default/Ingress/web"]
    assert "'default.app.8080'" in finding.message and "speaks tcp" in finding.message
    lines = text.splitlines()
    assert [lines[line - 1].strip() for _, line, _ in at(finding)] == ["service:", "servicePort: 8080"]


@pytest.mark.parametrize("ingress_port, tcp_port", [(8080, 8081), ("http", 8080)])
def test_another_port_or_a_named_port_is_another_kong_service(ingress_port, tcp_port):
    text = yaml_stream(ingress("web", "app", port=ingress_port), tcp_ingress("app-tcp", "app", tcp_port))
    assert findings_of(text, SERVICE_RULE) == []


def test_the_same_service_in_another_namespace_is_another_kong_service():
    text = yaml_stream(ingress("web", "app", port=8080), tcp_ingress("app-tcp", "app", 8080, namespace="other"))
    assert findings_of(text, SERVICE_RULE) == []


def test_dotted_ingress_names_give_one_route_key_and_the_older_ingress_keeps_the_route():
    text = yaml_stream(ingress("shop", "api", "v1.example.com", created="2025-01-01T00:00:00Z"),
                       ingress("shop.api", "v1", "example.com", created="2026-01-01T00:00:00Z"))
    [finding] = findings_with_live(text, "", ROUTE_RULE)
    assert finding.kept == ["default/Ingress/shop"] and finding.dropped == ["default/Ingress/shop.api"]
    assert "'default.shop.api.v1.example.com.80'" in finding.message
    assert "keeps default/Ingress/shop's Service api port 80 and host 'v1.example.com'" in finding.message
    assert "host 'example.com' gets no route" in finding.message


def test_on_kic_3_0_the_key_puts_the_host_first_so_other_names_collide():
    # 3.0 key: <ns>.<ingress>.<host>.<service>.<port>: shop + api.example.com + v1 == shop.api + example.com + v1
    text = yaml_stream(ingress("shop", "v1", "api.example.com"), ingress("shop.api", "v1", "example.com"))
    [finding] = findings_of(text, ROUTE_RULE, kic="3.0")
    assert "default.shop.api.example.com.v1" not in finding.message  # the key is not a name
    assert finding.outcome == "routes-merged"
    assert findings_of(text, ROUTE_RULE, kic="3.1.0") == []


def test_on_kic_3_0_two_keys_with_one_route_name_make_kong_reject_the_configuration():
    text = yaml_stream(ingress("shop", "api", "v1.example.com"), ingress("shop.api", "v1", "example.com"))
    [finding] = findings_of(text, ROUTE_RULE, kic="3.0")
    assert finding.outcome == "config-rejected"
    assert "'routes' entity with name set to 'default.shop.api.v1.example.com.80'" in finding.message
    [merged] = findings_of(text, ROUTE_RULE, kic="3.1.0")
    assert merged.outcome == "routes-merged"


def test_before_kic_2_9_route_keys_are_not_predicted():
    text = yaml_stream(ingress("shop", "api", "v1.example.com"), ingress("shop.api", "v1", "example.com"))
    assert findings_of(text, ROUTE_RULE, kic="2.8") == []
    assert len(findings_of(text, ROUTE_RULE, kic="2.9.0")) == 1


def test_new_dotted_ingresses_say_apply_timing_can_change_the_owner():
    text = yaml_stream(ingress("shop.api", "v1", "example.com"), ingress("shop", "api", "v1.example.com"))
    [finding] = findings_of(text, ROUTE_RULE)
    assert "when a second boundary falls after it" in finding.message and finding.kept == []


def test_ingresses_without_dots_never_collide():
    text = yaml_stream(ingress("a", "api", "x.example.com"), ingress("b", "api", "x.example.com"))
    assert findings_of(text, ROUTE_RULE) == []


def test_only_the_oldest_default_backend_is_used():
    live = ingress("fallback-z", svc="", default="errors", created="2025-01-01T00:00:00Z")
    new = ingress("fallback-a", svc="", default="maintenance")
    [finding] = findings_with_live(live, new, DEFAULT_RULE)
    assert finding.kept == ["default/Ingress/fallback-z"] and finding.dropped == ["default/Ingress/fallback-a"]


def test_a_default_backend_of_another_class_takes_no_part():
    text = yaml_stream(ingress("a", svc="", default="errors"), ingress("b", svc="", default="x", cls="other"))
    assert findings_of(text, DEFAULT_RULE) == []


def service(name: str, annotations: dict | None = None) -> str:
    lines = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: {name}"]
    if annotations:
        lines += ["  annotations:"] + [f"    {k}: {v!r}" for k, v in annotations.items()]
    lines += ["spec:", "  ports:", "  - port: 80"]
    return "\n".join(lines) + "\n"


def http_route(name: str, *backends: str) -> str:
    refs = "".join(f"    - name: {b}\n      port: 80\n" for b in backends)
    return (f"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: {name}\nspec:\n"
            f"  parentRefs:\n  - name: kong\n  rules:\n  - backendRefs:\n{refs}")


def test_services_of_one_rule_with_different_kong_annotations_drop_the_kong_service():
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), service("v2"), http_route("app", "v1", "v2"))
    [finding] = findings_of(text, BACKENDS_RULE)
    assert finding.outcome == "service-dropped"
    assert "Service has inconsistent konghq.com/read-timeout annotation" in finding.message
    assert [ref for ref, _, _ in at(finding)] == ["default/Service/v1", "default/Service/v2"]
    lines = text.splitlines()
    assert lines[at(finding)[0][1] - 1].strip().startswith("konghq.com/read-timeout")


def test_equal_kong_annotations_or_one_backend_are_fine():
    same = {"konghq.com/read-timeout": "60000"}
    assert findings_of(yaml_stream(service("v1", same), service("v2", same), http_route("app", "v1", "v2")),
                       BACKENDS_RULE) == []
    assert findings_of(yaml_stream(service("v1", same), http_route("app", "v1")), BACKENDS_RULE) == []


def test_before_kic_2_9_the_annotations_are_not_compared():
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), service("v2"), http_route("app", "v1", "v2"))
    assert findings_of(text, BACKENDS_RULE, kic="2.8") == []


def test_a_route_of_another_controllers_gateway_is_not_kics():
    other = ("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: istio\n"
             "spec:\n  controllerName: istio.io/gateway-controller\n---\n"
             "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: kong\nspec:\n"
             "  gatewayClassName: istio\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n")
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), service("v2"), http_route("app", "v1", "v2"))
    assert findings_of(yaml_stream(text, other), BACKENDS_RULE) == []
    kic = other.replace("istio.io/gateway-controller", "konghq.com/kic-gateway-controller")
    assert len(findings_of(yaml_stream(text, kic), BACKENDS_RULE)) == 1


def test_a_live_dotted_ingress_is_older_than_a_new_one_whatever_the_names():
    live = ingress("shop.api", "v1", "example.com", created="2025-01-01T00:00:00Z")
    new = ingress("shop", "api", "v1.example.com")
    [finding] = findings_with_live(live, new, ROUTE_RULE)
    assert finding.kept == ["default/Ingress/shop.api"] and finding.dropped == ["default/Ingress/shop"]
    assert "keeps default/Ingress/shop.api's Service v1 port 80 and host 'example.com'" in finding.message


def test_a_new_ingress_on_a_live_tcp_ingress_service_port():
    [finding] = findings_with_live(tcp_ingress("app-tcp", "app", 8080), ingress("web", "app", port=8080), SERVICE_RULE)
    assert finding.dropped == ["default/Ingress/web"] and not finding.live_only


def test_a_backend_in_another_namespace_counts_only_with_a_reference_grant():
    other = service("v2").replace("  name: v2\n", "  name: v2\n  namespace: other\n")
    route = http_route("app", "v1", "v2").replace("    - name: v2\n", "    - name: v2\n      namespace: other\n")
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), other, route)
    assert findings_of(text, BACKENDS_RULE) == []
    grant = ("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: g\n"
             "  namespace: other\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n"
             "    namespace: default\n  to:\n  - group: \"\"\n    kind: Service\n")
    [finding] = findings_of(yaml_stream(text, grant), BACKENDS_RULE)
    assert [ref for ref, _, _ in at(finding)] == ["default/Service/v1", "other/Service/v2"]


def test_before_kic_3_1_a_backend_naming_the_routes_own_namespace_needs_a_grant():
    route = http_route("app", "v1", "v2").replace("    - name: v2\n", "    - name: v2\n      namespace: default\n")
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), service("v2"), route)
    assert len(findings_of(text, BACKENDS_RULE, kic="3.1.0")) == 1
    assert findings_of(text, BACKENDS_RULE, kic="3.0") == []
    grant = ("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: g\n"
             "spec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n"
             "    namespace: default\n  to:\n  - group: \"\"\n    kind: Service\n")
    assert len(findings_of(yaml_stream(text, grant), BACKENDS_RULE, kic="3.0")) == 1


def test_a_grant_for_httproutes_does_not_let_a_grpcroute_reach_another_namespace():
    other = service("v2").replace("  name: v2\n", "  name: v2\n  namespace: other\n")
    route = (http_route("app", "v1", "v2").replace("    - name: v2\n", "    - name: v2\n      namespace: other\n")
             .replace("kind: HTTPRoute", "kind: GRPCRoute"))
    text = yaml_stream(service("v1", {"konghq.com/read-timeout": "60000"}), other, route)
    grant = ("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: g\n"
             "  namespace: other\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: {kind}\n"
             "    namespace: default\n  to:\n  - group: \"\"\n    kind: Service\n")
    assert findings_of(yaml_stream(text, grant.format(kind="HTTPRoute")), BACKENDS_RULE) == []
    assert len(findings_of(yaml_stream(text, grant.format(kind="GRPCRoute")), BACKENDS_RULE)) == 1
