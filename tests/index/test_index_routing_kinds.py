"""The plugin, Service, Ingress and Gateway API kinds as the index reads them, from YAML strings."""
from __future__ import annotations

from kchelp import index_of

from kongcheck.facts import names

PLUGINS = """\
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: rl, namespace: shop}
plugin: rate-limiting
instance_name: limits
config: {minute: 5}
---
apiVersion: configuration.konghq.com/v1
kind: KongClusterPlugin
metadata:
  name: prom
  labels: {global: "true"}
  annotations: {kubernetes.io/ingress.class: kong}
plugin: prometheus
---
apiVersion: configuration.konghq.com/v1
kind: KongClusterPlugin
metadata: {name: other, annotations: {kubernetes.io/ingress.class: nginx}}
plugin: cors
"""


def test_plugins_keep_type_instance_name_and_the_global_label_located():
    index = index_of(PLUGINS)
    plugin = index.find("KongPlugin", "shop", "rl")
    assert plugin.plugin.text == "rate-limiting" and plugin.instance_name.text == "limits"
    assert (plugin.plugin.location.line, plugin.plugin.location.column) == (4, 9)
    cluster = index.find("KongClusterPlugin", "", "prom")
    assert cluster.is_global and cluster.plugin.text == "prometheus"


def test_cluster_plugins_follow_the_class_rules_and_plugins_have_none():
    index = index_of(PLUGINS)
    assert [r.obj.ref.name for r in index.of("KongClusterPlugin")] == ["prom"]
    assert [i.record.obj.ref.name for i in index.ignored] == ["other"]
    assert [r.obj.ref.name for r in index.all_of("KongPlugin")] == ["rl"]


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  annotations:
    konghq.com/plugins: "rl, other:auth ,rl"
    konghq.com/protocol: https
    prometheus.io/scrape: "true"
spec:
  ports:
    - {name: http, port: 80}
    - {name: admin, port: 8444}
"""


def test_service_keeps_kong_annotations_and_ports():
    service = index_of(SERVICE).find("Service", "shop", "api")
    assert sorted(service.annotations) == ["konghq.com/plugins", "konghq.com/protocol"]
    assert [(p.name.text, p.port) for p in service.ports] == [("http", 80), ("admin", 8444)]


def test_plugin_references_are_split_as_kic_splits_them_and_located_at_each_name():
    from kongcheck.index.records import plugin_refs

    service = index_of(SERVICE).find("Service", "shop", "api")
    refs = plugin_refs(service.plugins)
    assert [(r.namespace, r.name.text) for r in refs] == [(None, "rl"), ("other", "auth"), (None, "rl")]
    columns = [r.name.location.column for r in refs]
    line = '    konghq.com/plugins: "rl, other:auth ,rl"'
    assert columns == [line.index("rl") + 1, line.index("auth") + 1, line.rindex("rl") + 1]
    assert all(r.name.location.line == 7 for r in refs)


def test_entries_kic_skips_are_not_references():
    from kongcheck.index.records import plugin_refs

    text = SERVICE.replace('"rl, other:auth ,rl"', '"rl,, :x, ns:, a"')
    refs = plugin_refs(index_of(text).find("Service", "shop", "api").plugins)
    assert [(r.namespace, r.name.text) for r in refs] == [(None, "rl"), (None, "x"), (None, "a")]


def test_a_plugin_name_in_a_folded_value_points_at_the_value():
    from kongcheck.index.records import plugin_refs

    text = SERVICE.replace('konghq.com/plugins: "rl, other:auth ,rl"', 'konghq.com/plugins: >-\n      rl,\n      rl')
    refs = plugin_refs(index_of(text).find("Service", "shop", "api").plugins)
    assert [r.name.text for r in refs] == ["rl", "rl"]
    assert {(r.name.location.line, r.name.location.column) for r in refs} == {(7, 25)}  # the folded scalar's indicator


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations: {konghq.com/plugins: rl}
spec:
  ingressClassName: kong
  defaultBackend:
    service: {name: fallback, port: {number: 8080}}
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: "*.example.com"
      http:
        paths:
          - path: /a
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
          - path: /b
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
          - path: /c
            pathType: Prefix
            backend: {service: {name: web, port: {name: http}}}
    - http:
        paths:
          - backend: {service: {name: web}}
"""


def test_ingress_rules_backends_tls_and_default_backend():
    ingress = index_of(INGRESS).find("Ingress", "shop", "shop")
    assert [(t.secret.text, [h.text for h in t.hosts]) for t in ingress.tls] == [("shop-tls", ["shop.example.com"])]
    assert ingress.default_backend.service.text == "fallback" and ingress.default_backend.port == 8080
    assert [p.path for rule in ingress.rules for p in rule.paths] == ["/a", "/b", "/c", ""]
    assert ingress.plugins.text == "rl"


def test_ingress_kong_names_follow_kic():
    ingress = index_of(INGRESS).find("Ingress", "shop", "shop")
    routes = [(r.name, r.service, len(r.paths)) for r in ingress.kong_routes()]
    assert routes == [
        ("shop.shop.api._.example.com.80", "shop.api.80", 2),
        ("shop.shop.web._.example.com.http", "shop.web.http", 1),
        ("shop.shop.web..implicitPort", "shop.web.implicitPort", 1),
    ]
    assert names.ingress_default_route("shop", "shop") == "shop.shop"


def test_ingress_class_name_or_annotation_decides_who_processes_it():
    def processed(meta_and_spec: str) -> bool:
        text = f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n{meta_and_spec}"
        return bool(index_of(text).of("Ingress"))

    assert processed("spec: {ingressClassName: kong}\n")
    assert not processed("spec: {ingressClassName: nginx}\n")
    assert processed("  annotations: {kubernetes.io/ingress.class: kong}\nspec: {ingressClassName: nginx}\n")
    assert not processed("  annotations: {kubernetes.io/ingress.class: nginx}\nspec: {ingressClassName: kong}\n")
    assert processed("  annotations: {kubernetes.io/ingress.class: ''}\nspec: {ingressClassName: kong}\n")
    assert not processed("spec: {}\n")
    assert processed("spec: {}\n") is False and bool(index_of(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec: {}\n",
        assume_default_class=True).of("Ingress"))


HTTPROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
  annotations: {konghq.com/plugins: rl}
spec:
  parentRefs: [{name: kong}]
  hostnames: [shop.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /b}, method: GET}]
      filters:
        - type: ExtensionRef
          extensionRef: {group: configuration.konghq.com, kind: KongPlugin, name: auth}
      backendRefs: [{name: api, port: 80}]
    - matches: [{path: {type: PathPrefix, value: /c}}]
      filters:
        - type: ExtensionRef
          extensionRef: {group: configuration.konghq.com, kind: KongPlugin, name: auth}
      backendRefs: [{name: api, port: 80, weight: 1}]
    - backendRefs: [{name: other, port: 80}]
"""


def test_httproute_parents_rules_filters_and_backends():
    route = index_of(HTTPROUTE).find("HTTPRoute", "shop", "web")
    parent = route.parents[0]
    assert (parent.group, parent.kind, parent.name.text, parent.namespace) == (
        "gateway.networking.k8s.io", "Gateway", "kong", None)
    first = route.rules[0]
    assert [f.type for f in first.filters] == ["ExtensionRef"]
    ext = first.filters[0].extension
    assert (ext.group, ext.kind, ext.name.text) == ("configuration.konghq.com", "KongPlugin", "auth")
    assert [(b.ref.kind, b.ref.name.text, b.ref.port) for b in first.backends] == [("Service", "api", 80)]
    assert len(route.rules[2].matches) == 1  # the API server's default catch-all match


def test_httproute_kong_names_group_rules_by_backends_and_matches_by_key():
    route = index_of(HTTPROUTE).find("HTTPRoute", "shop", "web")
    services = {s.name: s for s in route.kong_services()}
    assert sorted(services) == ["httproute.shop.web.0", "httproute.shop.web.2"]
    assert services["httproute.shop.web.0"].rules == (0, 1)  # weight 1 is the default: the same backends
    assert services["httproute.shop.web.0"].routes == {
        (0, 0): "httproute.shop.web.0.0", (0, 1): "httproute.shop.web.0.1", (1, 0): "httproute.shop.web.0.0"}
    assert services["httproute.shop.web.2"].routes == {(2, 0): "httproute.shop.web.2.0"}


def test_httproute_v1beta1_and_grpcroute_names():
    text = HTTPROUTE.replace("gateway.networking.k8s.io/v1\n", "gateway.networking.k8s.io/v1beta1\n", 1)
    assert index_of(text).find("HTTPRoute", "shop", "web") is not None
    grpc = index_of("""\
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: g, namespace: shop}
spec:
  rules:
    - matches: [{method: {service: a}}, {method: {service: b}}]
      backendRefs: [{name: api, port: 9000}]
""").find("GRPCRoute", "shop", "g")
    [service] = grpc.kong_services()
    assert service.name == "grpcroute.shop.g.0"
    assert sorted(service.routes.values()) == ["grpcroute.shop.g.0.0", "grpcroute.shop.g.0.1"]


def test_combined_service_names_sort_backends_and_trim_long_names():
    assert names.combined_httproute_service("ns", [("ns", "b", 80, 1), ("ns", "a", None, None)]) == \
        "httproute.ns.svc.ns.a_ns.b.80.1"
    assert names.combined_httproute_service("ns", []) == "httproute.ns.svc._"
    long = names.combined_httproute_service("ns", [("ns", "x" * 300, 80, 1), ("ns", "y" * 300, 80, 1)])
    assert long.startswith("httproute.ns.svc.ns." + "x" * 300 + ".80.1_combined.") and len(long.rsplit(".", 1)[1]) == 64


GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: kong
  annotations: {konghq.com/gatewayclass-unmanaged: "true"}
spec: {controllerName: konghq.com/kic-gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: kong, namespace: kong}
spec:
  gatewayClassName: kong
  listeners:
    - name: https
      hostname: shop.example.com
      port: 443
      protocol: HTTPS
      tls: {certificateRefs: [{name: shop-tls}, {name: other, namespace: certs}]}
    - {name: http, port: 80, protocol: HTTP}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: plugins, namespace: shared}
spec:
  from: [{group: networking.k8s.io, kind: Ingress, namespace: shop}]
  to: [{group: configuration.konghq.com, kind: KongPlugin, name: auth}]
"""


def test_gateway_class_gateway_and_reference_grant():
    index = index_of(GATEWAY)
    gateway_class = index.find("GatewayClass", "", "kong")
    assert gateway_class.is_kic and gateway_class.unmanaged
    gateway = index.find("Gateway", "kong", "kong")
    assert gateway.class_name.text == "kong"
    https, http = gateway.listeners
    assert (https.name.text, https.hostname.text, https.port, https.protocol) == ("https", "shop.example.com", 443,
                                                                                  "HTTPS")
    assert [(r.kind, r.name.text, r.namespace) for r in https.certificates] == [
        ("Secret", "shop-tls", None), ("Secret", "other", "certs")]
    assert http.hostname is None and http.certificates == []
    grant = index.find("ReferenceGrant", "shared", "plugins")
    assert grant.allows("networking.k8s.io", "Ingress", "shop", "configuration.konghq.com", "KongPlugin", "auth")
    assert not grant.allows("networking.k8s.io", "Ingress", "shop", "configuration.konghq.com", "KongPlugin", "x")
    assert not grant.allows("", "Service", "shop", "configuration.konghq.com", "KongPlugin", "auth")


def test_wrong_field_types_are_refused_with_a_located_error():
    text = INGRESS.replace("port: {number: 80}}}\n          - path: /b", "port: {number: eighty}}}\n          - path: /b")
    index = index_of(text)
    assert index.find("Ingress", "shop", "shop") is None
    [error] = index.errors
    assert "must be a number" in error.message and error.location.line == 20
