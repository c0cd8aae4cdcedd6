"""The Kubernetes kinds kongcheck reads: one row each.

Everything else is derived from these rows: the byte prefilter's markers (loading/prefilter.py),
how an object is named and scoped (index/objects.py), which parser module builds its record
(index/kinds/), which objects the controller's class rules apply to (index/classes.py), the
resources a live fetch lists and the fields it keeps (sources/kube/), and the rule examples.

Sources: KIC pkg/apis/configuration/v1/kongconsumer_types.go, v1beta1/kongconsumergroup_types.go,
v1alpha1/kong_vault_types.go (KIC 3.1.0 added KongVault), v1beta1/tcpingress_types.go, kongplugin_types.go
and kongclusterplugin_types.go (cluster-scoped), internal/store/store.go (what the controller lists:
ListCACerts reads labelled ConfigMaps since 3.4.0; ListIngressesV1, ListKongClusterPlugins and
ListGlobalKongClusterPlugins apply the class rules; KongPlugins and Services have none),
internal/controllers/configuration/zz_generated.controllers.go (which reconcilers check the class),
internal/gatewayapi/aliases.go (Gateway API v1 kinds, ReferenceGrant v1beta1); Kubernetes core/v1
Secret, ConfigMap and Service, networking.k8s.io/v1 IngressClass and Ingress; the Secret makers:
bitnami-labs/sealed-secrets pkg/apis/sealedsecrets/v1alpha1 (SealedSecret.Unseal), external-secrets
apis/externalsecrets/v1beta1 externalsecret_types.go (ExternalSecretTarget) and
pkg/controllers/externalsecret (mergeMetadata).
"""
from __future__ import annotations

from typing import NamedTuple

from kongcheck.facts.kube import (
    CA_CERT_LABEL,
    CA_CERT_VALUE,
    CREDENTIAL_LABEL,
    EXTERNAL_SECRETS_GROUP,
    GATEWAY_GROUP,
    KONG_GROUP,
    NETWORKING_GROUP,
    SEALED_SECRETS_GROUP,
)


class Kind(NamedTuple):
    kind: str
    group: str  # API group; "" is the core group (apiVersion: v1)
    versions: tuple[str, ...]  # the versions KIC reads; a live fetch asks for the first
    plural: str  # the resource name in API paths
    namespaced: bool
    parser: str  # dotted path of the module whose ``parse(obj)`` builds the record (index/kinds/)
    classed: bool = False  # processed only when its ingress class is the controller's (index/classes.py)
    since: tuple[int, int] | None = None  # the KIC release whose CRDs introduced the kind
    optional_before: tuple[int, int] | None = None  # before this KIC the CRD may be missing (a live 404: none)
    live: str | None = "list"  # --cluster: "list" every object, "labelled" (live_labels), "named" (the class),
    # None: not read (the Secret a SealedSecret or ExternalSecret makes is read instead)
    live_labels: tuple[str, ...] = ()  # label selectors, one list each ("key" or "key=value")
    live_fields: tuple[str, ...] = ("spec",)  # top-level fields a live object keeps (metadata is reduced)
    secret_refs: str | None = None  # a top-level list of Secret names in the object's namespace
    example: dict | None = None  # fields a minimal valid object needs, for the generated rule examples
    requires: tuple[bytes, ...] = ()  # an object matters only when its document holds one of these texts
    class_field: tuple[str, ...] | None = None  # a spec field naming the class (Ingress spec.ingressClassName)
    crd_optional: bool = False  # its CRDs are installed apart from KIC (Gateway API): a live 404 means none
    # An object whose document holds none of these texts is parsed only when a rule asks for it by name
    # (a Service without konghq.com/ annotations matters only as a member of a multi-backend rule).
    deferred_unless: tuple[bytes, ...] = ()

    @property
    def api_version(self) -> str:
        """The apiVersion of the first (live-fetched) version: ``group/version``, or ``v1`` for core."""
        return f"{self.group}/{self.versions[0]}" if self.group else self.versions[0]

    @property
    def people(self) -> str:
        """The kind in the plural, as messages name several objects of it."""
        return self.kind + ("es" if self.kind.endswith("s") else "s")


_INDEX = "kongcheck.index.kinds."
_CA_SELECTOR = f"{CA_CERT_LABEL}={CA_CERT_VALUE}"

KINDS: tuple[Kind, ...] = (
    Kind("KongConsumer", KONG_GROUP, ("v1",), "kongconsumers", True, _INDEX + "consumer", classed=True,
         live_fields=("username", "custom_id", "credentials", "consumerGroups", "spec"), secret_refs="credentials"),
    Kind("KongConsumerGroup", KONG_GROUP, ("v1beta1",), "kongconsumergroups", True, _INDEX + "consumer_group",
         classed=True, optional_before=(3, 0)),
    Kind("KongVault", KONG_GROUP, ("v1alpha1",), "kongvaults", False, _INDEX + "vault", classed=True,
         since=(3, 1), example={"spec": {"backend": "env"}}),
    Kind("TCPIngress", KONG_GROUP, ("v1beta1",), "tcpingresses", True, _INDEX + "tcp_ingress", classed=True),
    Kind("Secret", "", ("v1",), "secrets", True, _INDEX + "secret", live="labelled",
         live_labels=(CREDENTIAL_LABEL, _CA_SELECTOR), live_fields=("type", "data")),
    Kind("ConfigMap", "", ("v1",), "configmaps", True, _INDEX + "config_map", live="labelled",
         live_labels=(_CA_SELECTOR,), live_fields=("data",), requires=(CA_CERT_LABEL.encode(),)),
    Kind("IngressClass", NETWORKING_GROUP, ("v1",), "ingressclasses", False, _INDEX + "ingress_class",
         live="named", live_fields=()),
    Kind("SealedSecret", SEALED_SECRETS_GROUP, ("v1alpha1",), "sealedsecrets", True, _INDEX + "sealed_secret",
         live=None, live_fields=()),
    Kind("ExternalSecret", EXTERNAL_SECRETS_GROUP, ("v1", "v1beta1"), "externalsecrets", True,
         _INDEX + "external_secret", live=None, live_fields=()),
    # A KongPlugin's configuration may hold secrets: a live fetch keeps only what names and binds it.
    Kind("KongPlugin", KONG_GROUP, ("v1",), "kongplugins", True, _INDEX + "plugin",
         live_fields=("plugin", "instance_name", "disabled"), example={"plugin": "key-auth"}),
    Kind("KongClusterPlugin", KONG_GROUP, ("v1",), "kongclusterplugins", False, _INDEX + "cluster_plugin",
         classed=True, live_fields=("plugin", "instance_name", "disabled"), example={"plugin": "key-auth"}),
    Kind("Service", "", ("v1",), "services", True, _INDEX + "service", deferred_unless=(b"konghq.com/",)),
    Kind("Ingress", NETWORKING_GROUP, ("v1",), "ingresses", True, _INDEX + "ingress", classed=True,
         class_field=("spec", "ingressClassName")),
    Kind("HTTPRoute", GATEWAY_GROUP, ("v1", "v1beta1"), "httproutes", True, _INDEX + "http_route",
         crd_optional=True),
    Kind("GRPCRoute", GATEWAY_GROUP, ("v1",), "grpcroutes", True, _INDEX + "grpc_route", crd_optional=True),
    Kind("Gateway", GATEWAY_GROUP, ("v1", "v1beta1"), "gateways", True, _INDEX + "gateway", crd_optional=True),
    Kind("GatewayClass", GATEWAY_GROUP, ("v1", "v1beta1"), "gatewayclasses", False, _INDEX + "gateway_class",
         crd_optional=True),
    Kind("ReferenceGrant", GATEWAY_GROUP, ("v1beta1", "v1"), "referencegrants", True, _INDEX + "reference_grant",
         crd_optional=True),
)

BY_KIND: dict[str, Kind] = {row.kind: row for row in KINDS}


def classed_kinds() -> list[str]:
    """The kinds the controller's class rules apply to, in table order."""
    return [row.kind for row in KINDS if row.classed]


def listing(kinds: list[str]) -> str:
    """``A, B or C``: kinds as a message lists them."""
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
