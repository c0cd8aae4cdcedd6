"""Names that Kubernetes and KIC give to API groups, labels and annotations.

KIC: internal/annotations/annotations.go, internal/labels/labels.go; Kubernetes: the
networking.k8s.io IngressClass API and kubectl's apply annotation.
"""
from __future__ import annotations

KONG_GROUP = "configuration.konghq.com"
NETWORKING_GROUP = "networking.k8s.io"
# Controllers that create Secrets from objects in the manifests: Bitnami sealed-secrets (a SealedSecret
# becomes the Secret of its own name and namespace) and External Secrets Operator (an ExternalSecret
# becomes the Secret spec.target.name, by default its own name, in its namespace).
SEALED_SECRETS_GROUP = "bitnami.com"
EXTERNAL_SECRETS_GROUP = "external-secrets.io"
# spec.target.creationPolicy values under which External Secrets Operator creates the Secret (default
# Owner); Merge only merges into a Secret that must exist already, None creates nothing.
EXTERNAL_SECRET_CREATES = ("Owner", "Orphan")
GATEWAY_GROUP = "gateway.networking.k8s.io"

CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
TAGS_ANNOTATION = "konghq.com/tags"
CREDENTIAL_LABEL = "konghq.com/credential"
# A Secret or ConfigMap is a CA certificate when this label is exactly "true" (KIC internal/store/store.go
# ListCACerts: a label selector with selection.Equals, so "True" or "yes" are not).
CA_CERT_LABEL = "konghq.com/ca-cert"
CA_CERT_VALUE = "true"
LEGACY_TYPE_KEY = "kongCredType"  # the data key KIC 2.x-3.1 read the credential type from
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# Every annotation KIC reads starts with this prefix (internal/annotations/annotations.go).
KONG_ANNOTATION_PREFIX = "konghq.com/"
# The comma-separated KongPlugin/KongClusterPlugin names bound to an object (annotations.go).
PLUGINS_ANNOTATION = "konghq.com/plugins"
# A KongClusterPlugin with this label exactly "true" applies to everything (store.go
# ListGlobalKongClusterPlugins: a label selector global=true).
GLOBAL_LABEL = "global"
GLOBAL_VALUE = "true"
# KIC's Gateway API controller name in GatewayClass spec.controllerName
# (internal/controllers/gateway/gatewayclass_controller.go), and the annotation that makes a
# GatewayClass "unmanaged" (annotations.go GatewayClassUnmanagedKey).
KIC_GATEWAY_CONTROLLER = "konghq.com/kic-gateway-controller"
GATEWAYCLASS_UNMANAGED = "konghq.com/gatewayclass-unmanaged"

# KIC's own control plane in spec.controlPlaneRef.type (Kong Operator and Konnect use others).
KIC_CONTROL_PLANE = "kic"

# What the renderers leave on their output: helm's comment above each document, and the
# annotation kustomize adds with `buildMetadata: [originAnnotations]`.
HELM_SOURCE_PREFIX = b"# Source: "
HELM_HEADER_SCAN = 4096  # helm writes its Source comment in the first lines of a document
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
IGNORE_ANNOTATION = "kongcheck.io/ignore"  # kongcheck's own suppression annotation (verdict/suppress.py)

# How `kubectl apply -f DIR -R` walks a folder (k8s.io/cli-runtime pkg/resource: builder.go
# FileExtensions, visitor.go ExpandPathsToFileVisitors and ignoreFile): Go's filepath.Walk, which
# lists each folder in byte order, descends into every folder (dot-folders too) but never into a
# symlinked one, and reads a file below the named path only when filepath.Ext of its name is one
# of these, compared exactly (`x.YAML` is not read). A symlinked file is read through its link.
APPLY_EXTENSIONS = (".json", ".yaml", ".yml")
# The files that make a folder a kustomization root (kustomize api/konfig/general.go) or a Helm
# chart (helm pkg/chart loader).
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"
