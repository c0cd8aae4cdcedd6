"""The Kubernetes resources kongcheck reads from a live cluster."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

KONG_GROUP = "configuration.konghq.com"


@dataclass(frozen=True)
class Resource:
    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool
    since: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{self.group}"

    def list_path(self, namespace: str | None = None) -> str:
        prefix = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if namespace and self.namespaced:
            return f"{prefix}/namespaces/{quote(namespace, safe='')}/{self.plural}"
        return f"{prefix}/{self.plural}"

    def object_path(self, namespace: str | None, name: str) -> str:
        return f"{self.list_path(namespace)}/{quote(name, safe='')}"


CONSUMERS = Resource("KongConsumer", KONG_GROUP, "v1", "kongconsumers", True)
CONSUMER_GROUPS = Resource("KongConsumerGroup", KONG_GROUP, "v1beta1", "kongconsumergroups", True)
VAULTS = Resource("KongVault", KONG_GROUP, "v1alpha1", "kongvaults", False, "KIC >= 3.1.0")
SECRETS = Resource("Secret", "", "v1", "secrets", True)
INGRESS_CLASSES = Resource("IngressClass", "networking.k8s.io", "v1", "ingressclasses", False)

KONG_RESOURCES = (CONSUMERS, CONSUMER_GROUPS, VAULTS)
BY_KIND = {r.kind: r for r in (*KONG_RESOURCES, SECRETS, INGRESS_CLASSES)}
