"""Who owns each TLS host (SNI) in the configuration KIC builds, for the target version.

Every TLS claim of a processed Ingress, TCPIngress or Gateway listener names a host and a Secret;
KIC hands each host to one claim (facts/tls.py says how, per release) and serves that Secret's
certificate for it.  Claims of one host that point at different certificates make a contest:
its winner (when KIC's order fixes one), the claims whose host is served with someone else's
certificate, and whether apply timing or Go map order leaves the winner open.

A Secret's certificate is known when the Secret is in the input or was read live: its identity is
the SHA-256 of the DER of its CERTIFICATE blocks (certificates are public).  A Secret that is not
visible counts as a certificate of its own.  Whether a Secret holds a pair KIC can use follows
Go's ``tls.X509KeyPair`` (at least one CERTIFICATE block, a ``PRIVATE KEY`` block, a parsable
leaf); a private key is read only to check that it matches, and never kept.  A live Secret was
reduced to its certificate and a marker for its key (sources/kube/reduce.py).
"""
from __future__ import annotations

import hashlib

from kongcheck.facts import tls as facts
from kongcheck.facts.kinds import BY_KIND
from kongcheck.facts.kube import GATEWAY_GROUP
from kongcheck.facts.outcomes import by_age
from kongcheck.index import pem
from kongcheck.index.records import Record, Value


class Certificate:
    """What KIC can make of one Secret as a TLS certificate."""

    __slots__ = ("ref", "record", "identity", "problem", "subject")

    def __init__(self, ref: tuple[str, str], record: Record | None, identity: object, problem: str | None = None,
                 subject: str | None = None) -> None:
        self.ref = ref  # (namespace, name)
        self.record = record  # None: not in the input nor live
        self.identity = identity  # equal for Secrets that serve the same certificate
        self.problem = problem  # why KIC cannot build a certificate from it (None: it can, or not known)
        self.subject = subject

    @property
    def visible(self) -> bool:
        return self.record is not None

    @property
    def shown(self) -> str:
        return f"{self.ref[0]}/{self.ref[1]}"


class Claim:
    """One TLS host an object asks KIC to serve with one Secret's certificate."""

    __slots__ = ("record", "host", "where", "certificate", "place", "position")

    def __init__(self, record: Record, host: str, where: Value | object, certificate: Certificate, place: str,
                 position: tuple[int, int]) -> None:
        self.record = record  # the Ingress, TCPIngress or Gateway
        self.host = host
        self.where = where  # what a finding points at (the host entry, or the listener)
        self.certificate = certificate
        self.place = place  # e.g. "spec.tls[0]" or "listener 'https'"
        self.position = position  # order inside the object (entry, host)

    @property
    def kind(self) -> str:
        return self.record.obj.ref.kind

    @property
    def ref_id(self) -> str:
        return self.record.obj.ref.id


class Contest:
    __slots__ = ("host", "claims", "winner", "possible", "why", "unserved")

    def __init__(self, host: str, claims: list[Claim], winner: Claim | None, possible: list[Claim], why: str,
                 unserved: Claim | None = None) -> None:
        self.host = host
        self.claims = claims  # every claim of the host, in the order KIC considers them
        self.winner = winner  # whose certificate is served (None: no claim's, or not fixed)
        self.possible = possible  # claims that may be the winner (more than one: not fixed)
        self.why = why  # why the winner wins, or why it is not fixed
        self.unserved = unserved  # the first Ingress-like claim holds the host but its Secret is unusable

    @property
    def losers(self) -> list[Claim]:
        served = self.winner.certificate.identity if self.winner is not None else None
        return [c for c in self.claims if c.certificate.identity != served]


class TLSState:
    __slots__ = ("claims", "contests", "certificates")

    def __init__(self, claims: list[Claim] | None = None, contests: list[Contest] | None = None,
                 certificates: dict | None = None) -> None:
        self.claims = [] if claims is None else claims
        self.contests = [] if contests is None else contests
        self.certificates = {} if certificates is None else certificates  # (namespace, name) -> Certificate


def _ders(text: bytes) -> list[bytes]:
    ders, rest = [], text
    while True:
        block, rest = pem.decode(rest)
        if block is None:
            return ders
        if block.type == "CERTIFICATE":
            ders.append(block.der)


def _key_block(text: bytes):
    rest = text
    while True:
        block, rest = pem.decode(rest)
        if block is None:
            return None
        if block.type == "PRIVATE KEY" or block.type.endswith(" PRIVATE KEY"):
            return block


def _key_matches(leaf, block) -> bool:
    """Whether the private key in ``block`` belongs to the leaf certificate (as Go checks it)."""
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_der_private_key(block.der, password=None)
    except (ValueError, TypeError):
        return False
    try:
        mine = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        theirs = leaf.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, TypeError):
        return False
    finally:
        del key
    return mine == theirs


def certificate(ref: tuple[str, str], record: Record | None) -> Certificate:
    """The certificate a Secret gives KIC (getCertFromSecret), and its identity."""
    if record is None:
        return Certificate(ref, None, ("unseen", ref))
    values = getattr(record, "values", {})
    cert, key = values.get(facts.CERT_KEY), values.get(facts.KEY_KEY)
    name = facts.NO_KEY_PAIR.format(namespace=ref[0], name=ref[1])
    if cert is None or key is None:
        return Certificate(ref, record, ("unusable", ref), problem=name)
    ders = _ders(pem.trim_space(cert.text.encode("utf-8", "surrogateescape")))
    if not ders:
        return Certificate(ref, record, ("unusable", ref), problem=f"{facts.BAD_SECRET}: tls.crt holds no "
                                                                     "CERTIFICATE block")
    identity = hashlib.sha256(b"".join(len(d).to_bytes(4, "big") + d for d in ders)).digest()
    from kongcheck.index.cacerts import _certificate

    leaf = _certificate(ders[0])
    if leaf is None:
        return Certificate(ref, record, identity, problem=f"{facts.BAD_SECRET}: its first certificate does not parse")
    subject = leaf.subject.rfc4514_string()
    if record.obj.is_live and key.text == facts.KEY_PRESENT:
        return Certificate(ref, record, identity, subject=subject)  # the key was checked by nobody: assume it fits
    block = _key_block(pem.trim_space(key.text.encode("utf-8", "surrogateescape")))
    if block is None:
        return Certificate(ref, record, identity, problem=f"{facts.BAD_SECRET}: tls.key holds no PRIVATE KEY block",
                           subject=subject)
    if not _key_matches(leaf, block):
        return Certificate(ref, record, identity, problem=f"{facts.BAD_SECRET}: tls.key does not parse or does not "
                                                          "belong to the certificate", subject=subject)
    return Certificate(ref, record, identity, subject=subject)


class _Certificates:
    def __init__(self, index) -> None:
        self.index = index
        self.known: dict = {}

    def of(self, namespace: str, name: str) -> Certificate:
        ref = (namespace, name)
        found = self.known.get(ref)
        if found is None:
            found = self.known[ref] = certificate(ref, self.index.find("Secret", namespace, name))
        return found


def _ingress_like(record, certificates: _Certificates) -> list[Claim]:
    """spec.tls claims of an Ingress or TCPIngress: entries with hosts and a secretName, in order."""
    claims = []
    namespace = record.obj.ref.namespace
    for number, entry in enumerate(record.tls):
        if not entry.hosts or entry.secret is None or not entry.secret.text:
            continue
        cert = certificates.of(namespace, entry.secret.text)
        for at, host in enumerate(entry.hosts):
            claims.append(Claim(record, host.text, host, cert, f"spec.tls[{number}]", (number, at)))
    return claims


def _takes_part(gateway, index) -> bool:
    """Whether KIC reads a Gateway's listeners for certificates: from 3.4.9 / 3.5.2 only when its
    GatewayClass exists and names KIC's controller; before, any Gateway (whose listener its controller
    marks Programmed: assumed)."""
    if not index.settings.target.gateway_certificates_need_kic_class:
        return True
    name = gateway.class_name.text if gateway.class_name is not None else ""
    found = index.find("GatewayClass", "", name)
    return found is not None and found.is_kic


def _granted(gateway, ref, namespace: str, index) -> bool:
    """A certificateRef to another namespace needs a ReferenceGrant there (3.4.14 / 3.5.7)."""
    own = gateway.obj.ref.namespace
    if ref.namespace is None or ref.namespace == own or not index.settings.target.gateway_certificate_refs_need_grant:
        return True
    return index.granted((GATEWAY_GROUP, "Gateway", own), namespace, ref.group, ref.kind, ref.name.text)


def _listeners(gateway, index, certificates: _Certificates) -> list[Claim]:
    """The claims of a Gateway's listeners, in spec order: one certificateRef each (more is a translation
    failure), a Secret KIC can use (else it is skipped), the hostname or ``*``."""
    claims = []
    for number, listener in enumerate(gateway.listeners):
        refs = listener.certificates
        if len(refs) != 1 or refs[0].name is None:
            continue
        ref = refs[0]
        namespace = ref.namespace or gateway.obj.ref.namespace
        if not _granted(gateway, ref, namespace, index):
            continue
        cert = certificates.of(namespace, ref.name.text)
        if cert.problem is not None:
            continue
        label = listener.name.text if listener.name is not None else str(number)
        where = listener.hostname if listener.hostname is not None else _Place(gateway.obj, listener.line,
                                                                                 listener.column)
        host = listener.hostname.text if listener.hostname is not None else facts.LISTENER_WILDCARD
        claims.append(Claim(gateway, host, where, cert, f"listener {label!r}", (number, 0)))
    return claims


class _Place:
    """A position that is not a value (a listener without hostname), located like one."""

    def __init__(self, obj, line: int, column: int | None) -> None:
        self.obj, self.line, self.column = obj, line, column

    @property
    def location(self):
        return self.obj.locate(self.line, self.column)


def _ordered(claims: list[Claim], index) -> tuple[list[Claim], list[Claim]]:
    """Claims of one kind as KIC orders their objects (creationTimestamp, then namespace/name), each
    object's claims in spec order; and the claims that may come first when apply timing decides."""
    by_ref: dict[str, list[Claim]] = {}
    for claim in claims:
        by_ref.setdefault(claim.ref_id, []).append(claim)
    firsts = {ref: min(group, key=lambda c: c.position) for ref, group in by_ref.items()}
    order, possible = by_age([index.claimant(first.record, (f"{first.record.obj.ref.namespace}/{first.record.obj.ref.name}",))
                              for first in firsts.values()])
    ordered = [c for claimant in order for c in sorted(by_ref[claimant.ref], key=lambda c: c.position)]
    return ordered, [firsts[claimant.ref] for claimant in possible]


def _contest(host: str, claims: list[Claim], index) -> Contest:
    target = index.settings.target
    groups = {kind: [c for c in claims if c.kind == kind] for kind in facts.ORDER}
    ingress_like: list[Claim] = []
    possible: list[Claim] = []
    for kind in ("Ingress", "TCPIngress"):
        ordered, first = _ordered(groups[kind], index)
        if not possible and ordered:
            possible = first
        ingress_like += ordered
    listeners = groups["Gateway"]
    everyone = ingress_like + listeners
    if ingress_like and target.sni_first_claim:
        owner = ingress_like[0]
        if len(possible) > 1 and len({c.certificate.identity for c in possible}) > 1:
            return Contest(host, everyone, None, possible, "every claimant is new, so apply timing decides which "
                           "creationTimestamp is oldest")
        if owner.certificate.problem is None:
            return Contest(host, everyone, owner, [owner], "the first claim: Ingresses, then TCPIngresses, each "
                           "oldest first (creationTimestamp, then namespace/name), then Gateway listeners")
        unserved = owner
        served = [c for c in listeners]
    else:
        unserved = None
        usable = [c for c in ingress_like if c.certificate.problem is None]
        if len({c.certificate.identity for c in usable}) > 1:
            return Contest(host, everyone, None, usable, f"KIC {target.kic} (before 2.8.0) drops duplicate hosts "
                           "while it walks the Secrets in Go map order")
        if usable:
            return Contest(host, everyone, usable[0], usable, "the only certificate the Ingress-like objects offer")
        served = listeners
    served = [c for c in served if c.certificate.problem is None]
    firsts: dict[str, Claim] = {}
    for claim in served:  # the first listener of each Gateway that names the host
        firsts.setdefault(claim.ref_id, claim)
    gateways = list(firsts.values())
    if len({c.certificate.identity for c in gateways}) > 1:
        return Contest(host, everyone, None, gateways, "Gateways are listed in no fixed order and the first one "
                       "seen keeps the host", unserved)
    if gateways:
        return Contest(host, everyone, gateways[0], gateways,
                       "listeners come after every Ingress-like certificate" if not unserved else
                       "the Ingress-like claim holding the host has no usable certificate", unserved)
    return Contest(host, everyone, None, [], "no claim has a usable certificate", unserved)


def build(index) -> TLSState:
    state = TLSState()
    certificates = _Certificates(index)
    for kind in ("Ingress", "TCPIngress"):
        for record in index.of(kind):
            state.claims += _ingress_like(record, certificates)
    if index.settings.target.reads_gateway_certificates:
        for gateway in index.all_of("Gateway") if "Gateway" in BY_KIND else ():
            if _takes_part(gateway, index):
                state.claims += _listeners(gateway, index, certificates)
    by_host: dict[str, list[Claim]] = {}
    for claim in state.claims:
        by_host.setdefault(claim.host, []).append(claim)
    for host, members in by_host.items():
        if len({c.certificate.identity for c in members}) > 1:
            state.contests.append(_contest(host, members, index))
    state.certificates = certificates.known
    return state
