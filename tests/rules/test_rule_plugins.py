"""Plugin collisions as KIC builds the plugins, from YAML strings."""
from __future__ import annotations

import pytest
from kchelp import consumer, findings_of

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    konghq.com/plugins: {plugins}
spec:
  ports: [{{name: http, port: 80}}]
"""
INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
{annotations}spec:
  ingressClassName: kong
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: api, port: {{number: 80}}}}}}
"""


def plugin(name, plugin_type, namespace="shop", extra=""):
    return (f"apiVersion: configuration.konghq.com/v1\nkind: KongPlugin\nmetadata:\n  name: {name}\n"
            f"  namespace: {namespace}\nplugin: {plugin_type}\n{extra}")


def docs(*parts):
    return "---\n".join(parts)


def ingress(plugins=None):
    return INGRESS.format(annotations=f"  annotations:\n    konghq.com/plugins: {plugins}\n" if plugins else "")


def rules_of(text, **kwargs):
    return sorted(f.rule for f in findings_of(text, **kwargs) if f.rule.startswith(("plugin", "global")))


def test_two_plugins_of_one_type_on_a_service_reject_the_configuration():
    text = docs(SERVICE.format(plugins="rl-a, rl-b"), ingress(), plugin("rl-a", "rate-limiting"),
                plugin("rl-b", "rate-limiting"))
    [finding] = findings_of(text, "plugin-instance-conflict")
    assert finding.severity == "error" and finding.outcome == "config-rejected"
    assert "Kong service 'shop.api.80'" in finding.message and "primary key" in finding.message
    locations = [(p.ref.kind, p.location.line, p.location.column) for p in finding.participants]
    line = "    konghq.com/plugins: rl-a, rl-b"
    assert locations[:2] == [("Service", 7, line.index("rl-a") + 1), ("Service", 7, line.index("rl-b") + 1)]
    plugin_lines = [n for n, line in enumerate(text.splitlines(), 1) if line == "plugin: rate-limiting"]
    assert [(kind, ln) for kind, ln, _ in locations[2:]] == [("KongPlugin", n) for n in plugin_lines]
    assert all(col == len("plugin: ") + 1 for kind, _, col in locations[2:])


def test_the_same_name_twice_is_one_plugin_bound_twice():
    text = docs(ingress("rl, rl"), SERVICE.format(plugins="other"), plugin("rl", "rate-limiting"),
                plugin("other", "cors"))
    [finding] = findings_of(text, "plugin-instance-conflict")
    assert "KongPlugin 'rl' is bound 2 times to Kong route 'shop.shop.api.shop.example.com.80'" in finding.message


def test_an_explicit_own_namespace_needs_a_grant_so_the_plugin_is_built_once():
    text = docs(ingress("rl, shop:rl"), SERVICE.format(plugins="x"), plugin("rl", "rate-limiting"), plugin("x", "cors"))
    assert rules_of(text) == ["plugin-reference-skipped"]
    [skipped] = findings_of(text, "plugin-reference-skipped")
    assert "no ReferenceGrant" in skipped.message
    grant = """\
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: plugins, namespace: shop}
spec:
  from: [{group: networking.k8s.io, kind: Ingress, namespace: shop}]
  to: [{group: configuration.konghq.com, kind: KongPlugin}]
"""
    assert rules_of(docs(text, grant)) == ["plugin-instance-conflict"]


def test_same_type_plugins_bound_to_different_consumers_are_not_reported():
    text = docs(ingress("rl-gold, rl-free"), SERVICE.format(plugins="x"), plugin("x", "cors"),
                plugin("rl-gold", "rate-limiting"), plugin("rl-free", "rate-limiting"),
                consumer("gold", "shop", plugins="rl-gold", username="gold"),
                consumer("free", "shop", plugins="rl-free", username="free"))
    assert rules_of(text) == []


def test_plugins_bound_to_different_groups_are_not_reported():
    group = ("apiVersion: configuration.konghq.com/v1beta1\nkind: KongConsumerGroup\nmetadata:\n  name: {name}\n"
             "  namespace: shop\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
             "    konghq.com/plugins: {plugin}\n")
    text = docs(plugin("rl-gold", "rate-limiting"), plugin("rl-free", "rate-limiting"),
                group.format(name="gold", plugin="rl-gold"), group.format(name="free", plugin="rl-free"))
    assert rules_of(text) == []


def test_custom_id_only_consumer_with_plugins_is_an_invalid_reference():
    partner = consumer("partner", "shop", plugins="rl", custom_id="partner-7")
    [finding] = findings_of(docs(partner, plugin("rl", "rate-limiting")), "plugin-consumer-unresolved")
    assert "invalid reference 'consumer: fp:" in finding.message and finding.outcome == "config-rejected"
    assert "partner-7" not in finding.message
    owner = consumer("other", "shop", plugins="rl2", username="partner-7")
    text = docs(partner, owner, plugin("rl", "rate-limiting"), plugin("rl2", "rate-limiting"))
    assert rules_of(text) == ["plugin-consumer-unresolved", "plugin-instance-conflict"]


def test_instance_names_clash_on_one_combination_and_globals_are_not_suffixed():
    text = docs(SERVICE.format(plugins="cors, rl"), ingress(), plugin("cors", "cors", extra="instance_name: edge\n"),
                plugin("rl", "rate-limiting", extra="instance_name: edge\n"))
    [finding] = findings_of(text, "plugin-instance-name-conflict")
    assert "instance_name 'edge-" in finding.message
    assert "'edge-96732ec1b'" in finding.message  # 9 hex of sha256("_service-shop.api.80")
    kcp = ("apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: {name}\n"
           "  labels: {{global: \"true\"}}\n  annotations: {{kubernetes.io/ingress.class: kong}}\nplugin: {type}\n"
           "instance_name: edge\n")
    text = docs(kcp.format(name="a", type="cors"), kcp.format(name="b", type="prometheus"))
    [finding] = findings_of(text, "plugin-instance-name-conflict")
    assert "instance_name 'edge'" in finding.message


def test_one_plugin_on_several_routes_gets_a_name_per_route():
    two = ingress("rl").replace("    - host: shop.example.com", "    - host: a.example.com\n      http:\n        paths:\n"
                                "          - {path: /, pathType: Prefix, backend: {service: {name: api, port: "
                                "{number: 80}}}}\n    - host: shop.example.com")
    text = docs(two, plugin("rl", "rate-limiting", extra="instance_name: edge\n"))
    assert rules_of(text) == []


def test_before_3_4_the_suffix_hashes_only_the_last_part_of_a_combination():
    three = ingress("rl").replace("    - host: shop.example.com", "".join(
        f"    - host: h{i}.example.com\n      http:\n        paths:\n          - {{path: /, pathType: Prefix, "
        f"backend: {{service: {{name: api, port: {{number: 80}}}}}}}}\n" for i in range(2)) + "    - host: shop.example.com")
    text = docs(three, consumer("c", "shop", plugins="rl", username="c"), plugin("rl", "rate-limiting", extra="instance_name: edge\n"))
    assert rules_of(text, kic="3.3") == ["plugin-instance-name-conflict"]
    assert rules_of(text, kic="3.4.0") == []


@pytest.mark.parametrize("name", ["edge limit", "edge/limit", "a:b"])
def test_instance_names_kong_refuses(name):
    text = docs(SERVICE.format(plugins="rl"), ingress(), plugin("rl", "rate-limiting", extra=f"instance_name: '{name}'\n"))
    [finding] = findings_of(text, "plugin-instance-name-invalid")
    assert finding.participants[0].location.line == text.splitlines().index(f"instance_name: '{name}'") + 1


def test_utf8_and_punctuation_kong_accepts_in_instance_names():
    text = docs(SERVICE.format(plugins="rl"), ingress(), plugin("rl", "rate-limiting", extra="instance_name: é.d-g_~1\n"))
    assert rules_of(text) == []


def test_two_global_cluster_plugins_of_one_type_are_all_dropped():
    kcp = ("apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: {name}\n"
           "  labels: {{global: \"true\"}}\n  annotations: {{kubernetes.io/ingress.class: kong}}\nplugin: prometheus\n")
    [finding] = findings_of(docs(kcp.format(name="a"), kcp.format(name="b")), "global-plugin-conflict")
    assert finding.severity == "warning" and sorted(finding.dropped) == ["/KongClusterPlugin/a", "/KongClusterPlugin/b"]
    other = kcp.format(name="b").replace("kong}", "nginx}")
    assert rules_of(docs(kcp.format(name="a"), other)) == []


HTTPROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
{annotations}spec:
  parentRefs: [{{name: kong}}]
  rules:
    - filters:
{filters}      backendRefs: {backends}
"""
EXT = ("        - type: ExtensionRef\n          extensionRef: {{group: configuration.konghq.com, kind: KongPlugin, "
       "name: {name}}}\n")
HEADERS = "        - type: RequestHeaderModifier\n          requestHeaderModifier: {add: [{name: x-a, value: '1'}]}\n"


def route(annotations="", filters="", backends="[{name: api, port: 80}]"):
    annotation = f"  annotations:\n    konghq.com/plugins: {annotations}\n" if annotations else ""
    return HTTPROUTE.format(annotations=annotation, filters=filters or "        []\n", backends=backends).replace(
        "    - filters:\n        []\n", "    - filters: []\n")


def test_annotation_plus_extension_ref_on_an_httproute():
    text = docs(route("rl", EXT.format(name="rl")), plugin("rl", "rate-limiting"))
    [finding] = findings_of(text, "plugin-instance-conflict")
    assert "Kong route 'httproute.shop.web.0.0'" in finding.message
    lines = text.splitlines()
    expected = [lines.index("    konghq.com/plugins: rl") + 1,
                next(n for n, line in enumerate(lines, 1) if "name: rl}" in line), lines.index("plugin: rate-limiting") + 1]
    assert [p.location.line for p in finding.participants] == expected


def test_two_extension_refs_of_one_type():
    text = docs(route(filters=EXT.format(name="a") + EXT.format(name="b")), plugin("a", "cors"), plugin("b", "cors"))
    assert rules_of(text) == ["plugin-instance-conflict"]


def test_a_single_extension_ref_repeats_itself_from_3_2_3_to_3_3():
    text = docs(route(filters=EXT.format(name="rl")), plugin("rl", "rate-limiting"))
    assert rules_of(text, kic="3.2.2") == []
    assert rules_of(text, kic="3.2.3") == ["plugin-instance-conflict"]
    assert rules_of(text, kic="3.3.1") == ["plugin-instance-conflict"]
    assert rules_of(text, kic="3.4.0") == []


def test_multi_backend_rule_whose_services_all_carry_the_annotation():
    other = SERVICE.format(plugins="rl").replace("name: api", "name: api-v2")
    text = docs(route(backends="[{name: api, port: 80}, {name: api-v2, port: 80}]"), SERVICE.format(plugins="rl"),
                other, plugin("rl", "rate-limiting"))
    [finding] = findings_of(text, "plugin-instance-conflict")
    assert "Kong service 'httproute.shop.web.0'" in finding.message
    inconsistent = other.replace("konghq.com/plugins: rl", "konghq.com/plugins: rl\n    konghq.com/protocol: https")
    assert rules_of(docs(route(backends="[{name: api, port: 80}, {name: api-v2, port: 80}]"),
                         SERVICE.format(plugins="rl"), inconsistent, plugin("rl", "rate-limiting"))) == []


BACKEND_GRANT = """\
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {{name: backends, namespace: {namespace}}}
spec:
  from: [{{group: gateway.networking.k8s.io, kind: {kind}, namespace: shop}}]
  to: [{{group: "", kind: Service}}]
"""


def in_namespace(text, namespace):
    return text.replace("namespace: shop", f"namespace: {namespace}")


def test_plugins_of_a_backend_in_another_namespace_count_only_with_a_reference_grant():
    other = in_namespace(docs(SERVICE.format(plugins="rl-a, rl-b"), plugin("rl-a", "rate-limiting"),
                              plugin("rl-b", "rate-limiting")), "other")
    text = docs(route(backends="[{name: api, namespace: other, port: 80}]"), other)
    assert rules_of(text) == []  # KIC leaves the backendRef out: the Service and its plugins are no part of it
    [finding] = findings_of(docs(text, BACKEND_GRANT.format(namespace="other", kind="HTTPRoute")),
                            "plugin-instance-conflict")
    assert "Kong service 'httproute.shop.web.0'" in finding.message
    assert {p.ref.id for p in finding.participants} == {"other/Service/api", "other/KongPlugin/rl-a",
                                                         "other/KongPlugin/rl-b"}
    assert rules_of(docs(text, BACKEND_GRANT.format(namespace="other", kind="GRPCRoute"))) == []


def test_a_multi_backend_rule_binds_the_plugins_of_a_granted_backend_in_another_namespace():
    backends = "[{name: api, port: 80}, {name: api, namespace: other, port: 80}]"
    text = docs(route(backends=backends), SERVICE.format(plugins="rl"), plugin("rl", "rate-limiting"),
                in_namespace(docs(SERVICE.format(plugins="rl"), plugin("rl", "rate-limiting")), "other"))
    assert rules_of(text) == []
    [finding] = findings_of(docs(text, BACKEND_GRANT.format(namespace="other", kind="HTTPRoute")),
                            "plugin-instance-conflict")
    assert {p.ref.id for p in finding.participants} >= {"shop/KongPlugin/rl", "other/KongPlugin/rl"}


def test_before_kic_3_1_a_backend_naming_its_own_namespace_needs_a_grant():
    text = docs(route(backends="[{name: api, namespace: shop, port: 80}]"), SERVICE.format(plugins="rl-a, rl-b"),
                plugin("rl-a", "rate-limiting"), plugin("rl-b", "rate-limiting"))
    assert rules_of(text, kic="3.0") == []
    assert rules_of(text, kic="3.1.0") == ["plugin-instance-conflict"]
    assert rules_of(docs(text, BACKEND_GRANT.format(namespace="shop", kind="HTTPRoute")), kic="3.0") == [
        "plugin-instance-conflict"]


def test_routes_of_another_gateway_class_are_not_kics():
    gateway = ("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: kong, namespace: shop}\n"
               "spec: {gatewayClassName: other}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
               "metadata: {name: other}\nspec: {controllerName: example.com/other}\n")
    text = docs(route("rl", EXT.format(name="rl")), plugin("rl", "rate-limiting"), gateway)
    assert rules_of(text) == []


def test_a_kongplugin_of_a_type_kic_generates_on_the_route():
    text = docs(route("add", HEADERS), plugin("add", "request-transformer"))
    [finding] = findings_of(text, "plugin-shadows-generated")
    assert "RequestHeaderModifier" in finding.message and finding.severity == "warning"
    assert rules_of(docs(route("add", HEADERS), plugin("add", "response-transformer"))) == []


def test_redirect_generates_request_termination_before_kong_3_9_and_redirect_after():
    redirect = "        - type: RequestRedirect\n          requestRedirect: {statusCode: 301}\n"
    text = docs(route("t", redirect), plugin("t", "request-termination"))
    assert rules_of(text, kong="3.8") == ["plugin-shadows-generated"]
    assert rules_of(text, kong="3.9") == []
    assert rules_of(docs(route("t", redirect), plugin("t", "redirect")), kong="3.9") == \
        ["plugin-shadows-generated"]


def test_a_missing_plugin_is_a_warning_at_its_name():
    [finding] = findings_of(docs(ingress("key-auth"), SERVICE.format(plugins="x"), plugin("x", "cors")),
                            "plugin-reference-skipped")
    assert finding.severity == "warning" and "does not exist" in finding.message
    assert (finding.participants[0].location.line, finding.participants[0].location.column) == (7, 25)


def test_a_kongplugin_shadows_a_cluster_plugin_of_the_same_name():
    kcp = ("apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: rl\n"
           "  annotations: {kubernetes.io/ingress.class: kong}\nplugin: rate-limiting\n")
    text = docs(SERVICE.format(plugins="rl, rl2"), ingress(), kcp, plugin("rl2", "rate-limiting"))
    assert rules_of(text) == ["plugin-instance-conflict"]
    assert rules_of(docs(text, plugin("rl", "cors"))) == []


def _default_backend_ingress(name, plugins=None):
    annotations = f"  annotations:\n    konghq.com/plugins: {plugins}\n" if plugins else ""
    return (f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: shop\n"
            f"{annotations}spec:\n  ingressClassName: kong\n"
            "  defaultBackend: {service: {name: api, port: {number: 80}}}\n")


def test_plugins_of_the_ingress_whose_default_backend_kic_uses_bind_to_the_default_route():
    # KIC uses the oldest Ingress's default backend; new Ingresses of one second go by namespace/name,
    # so 'a' wins although 'b' comes first in the file
    text = docs(_default_backend_ingress("b"), _default_backend_ingress("a", "rl-a, rl-b"),
                SERVICE.format(plugins="x"), plugin("x", "cors"), plugin("rl-a", "rate-limiting"),
                plugin("rl-b", "rate-limiting"))
    [finding] = findings_of(text, "plugin-instance-conflict")
    assert "rl-a" in finding.message and "rl-b" in finding.message
    text = docs(_default_backend_ingress("b", "rl-a, rl-b"), _default_backend_ingress("a"),
                SERVICE.format(plugins="x"), plugin("x", "cors"), plugin("rl-a", "rate-limiting"),
                plugin("rl-b", "rate-limiting"))
    assert findings_of(text, "plugin-instance-conflict") == []


def test_a_kong_cluster_plugin_of_another_class_does_not_serve_a_reference():
    kcp = ("apiVersion: configuration.konghq.com/v1\nkind: KongClusterPlugin\nmetadata:\n  name: prom\n"
           "  annotations: {{kubernetes.io/ingress.class: {cls}}}\nplugin: prometheus\n")
    text = docs(SERVICE.format(plugins="prom"), ingress(), kcp.format(cls="other"))
    [finding] = findings_of(text, "plugin-reference-skipped")
    assert "no KongPlugin shop/prom nor a KongClusterPlugin 'prom'" in finding.message
    assert findings_of(docs(SERVICE.format(plugins="prom"), ingress(), kcp.format(cls="kong")),
                       "plugin-reference-skipped") == []
