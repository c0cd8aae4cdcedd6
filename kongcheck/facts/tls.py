"""TLS certificates and SNIs as KIC builds them from Ingress-like objects and Gateway listeners.

KIC (3.x: internal/dataplane/translator/ingressrules.go, translate_ingress.go, translate_kong_l4.go,
translate_certs.go; 2.x: internal/dataplane/parser/ with the same functions):

- Ingresses are taken oldest first (creationTimestamp to the second, ties by the text
  ``namespace/name``), then TCPIngresses in the same order; within an object the spec.tls entries
  and their hosts in order.  An entry without hosts or without secretName is skipped.  The Secret
  is looked up in the object's own namespace.
- From KIC 2.8.0 (SecretNameToSNIs.addUniqueHosts) a host belongs to the first entry that names
  it; later entries lose it, with no event and no log line.  The claim is made before the Secret
  is read: if that Secret is missing or holds no usable key pair, the host gets no certificate
  from any Ingress-like object.  Before 2.8.0 every entry keeps its hosts and the duplicates are
  dropped while the Secrets are walked in Go map order, so the winner is not fixed.
- Gateway listeners (KIC >= 2.5.0, getGatewayCerts) come after every Ingress-like certificate
  (mergeCerts): an SNI an Ingress-like object holds is never taken by a listener, and between
  listeners the first one seen wins, with the log line ``Same SNI requested for multiple certs,
  can only serve one cert`` and no event.  Gateways are listed from the controller's cache in no
  fixed order; the listeners of one Gateway in spec order.  A listener without hostname asks for
  the SNI ``*``.  A listener with more than one certificateRef is a translation failure.  From
  3.4.9 and 3.5.2 only Gateways whose GatewayClass names KIC's controller take part (before: a
  Gateway of any class whose listener has a Programmed status); from 3.4.14 and 3.5.7 a
  certificateRef to another namespace needs a ReferenceGrant (before: none was asked for).
- Secrets whose trimmed tls.crt and tls.key are equal become one Kong certificate, so two claims
  of one host that point at the same certificate serve the same thing.
- Kong: snis.name is unique (kong/db/schema/entities/snis.lua); KIC never sends a duplicate.
"""
from __future__ import annotations

CERT_KEY = "tls.crt"
KEY_KEY = "tls.key"
SECRET_TYPE = "kubernetes.io/tls"

LISTENER_WILDCARD = "*"  # the SNI of a listener without hostname

SNI_LOG = "Same SNI requested for multiple certs, can only serve one cert"
BAD_SECRET = "failed to construct certificate from secret"
MANY_REFS = "listener '{name}' has more than one certificateRef, it's not supported"
NO_KEY_PAIR = "no keypair could be found in secret '{namespace}/{name}'"

# The live fetch keeps a TLS Secret's certificate (public) and only the fact that a key is there.
KEY_PRESENT = "(a private key was present; kongcheck does not keep it)"

ORDER = ("Ingress", "TCPIngress", "Gateway")  # the order KIC hands SNIs out in (by kind)


def _items(parent, key: str) -> list:
    """``parent[key]`` when it is a list of mappings (other items and types are the index's to report)."""
    value = parent.get(key) if isinstance(parent, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def ingress_tls_refs(body: dict, namespace: str) -> set[tuple[str, str]]:
    """(namespace, name) of the Secrets an Ingress or TCPIngress names in spec.tls (its own namespace)."""
    names = (entry.get("secretName") for entry in _items(body.get("spec"), "tls"))
    return {(namespace, name) for name in names if isinstance(name, str) and name}


def gateway_tls_refs(body: dict, namespace: str) -> set[tuple[str, str]]:
    """(namespace, name) of the Secrets a Gateway's listeners name in tls.certificateRefs; KIC reads every
    ref as a Secret, whatever its kind and group."""
    refs = set()
    for listener in _items(body.get("spec"), "listeners"):
        for ref in _items(listener.get("tls"), "certificateRefs"):
            ref_namespace = ref.get("namespace") or namespace
            if isinstance(ref.get("name"), str) and ref["name"] and isinstance(ref_namespace, str):
                refs.add((ref_namespace, ref["name"]))
    return refs


TLS_REFS = {"Ingress": ingress_tls_refs, "TCPIngress": ingress_tls_refs, "Gateway": gateway_tls_refs}


def tls_refs(body: dict, namespace: str) -> set[tuple[str, str]]:
    """The TLS Secrets an object of a kind that serves certificates names (none for other kinds)."""
    reader = TLS_REFS.get(body.get("kind"))
    return reader(body, namespace) if reader is not None else set()
