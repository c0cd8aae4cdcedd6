"""The CA certificates KIC builds from labelled Secrets and ConfigMaps, for the target version.

Which objects KIC reads (the label, exactly "true"; ConfigMaps from 3.4.0; the ingress class until
3.3.x), the id and certificate text it takes from each, which of several objects with one id it
keeps (3.4.18 / 3.5.11: the oldest; before: all of them), and the PEM check it runs on the text
(3.4.10 / 3.5.3: exactly one CERTIFICATE block and nothing else; before: the first block only).
X.509 is read with ``cryptography``, imported only when a CA certificate is checked.

KIC: internal/dataplane/translator/translate_cacerts.go getCACerts, toKongCACertificate;
internal/store/store.go ListCACerts; the facts are in facts/cacerts.py and facts/versions.py.
"""
from __future__ import annotations

from datetime import datetime, timezone

from kongcheck.escape import text_bytes
from kongcheck.facts import cacerts as facts
from kongcheck.facts.kube import CA_CERT_VALUE, CLASS_ANNOTATION
from kongcheck.facts.outcomes import by_age
from kongcheck.facts.versions import Target
from kongcheck.index import pem
from kongcheck.index.records import Record, Value


class Check:
    """What KIC's PEM check says of a certificate text."""

    __slots__ = ("reason", "der", "kong_error", "sends_key", "not_after")

    def __init__(self, reason: str | None = None, der: bytes | None = None, kong_error: str | None = None,
                 sends_key: bool = False, not_after: datetime | None = None) -> None:
        self.reason = reason  # KIC skips the object with this reason (facts.cacerts)
        self.der = der  # the certificate KIC sends (when it passes)
        self.kong_error = kong_error  # KIC before 3.4.10/3.5.3 sends the text as written, and Kong refuses it
        self.sends_key = sends_key  # ... and that text holds a private key block
        self.not_after = not_after


class CACert:
    """One object KIC reads as a CA certificate."""

    __slots__ = ("record", "label", "id", "cert", "cert_key", "secret", "event", "check")

    def __init__(self, record: Record, label: Value, id: Value | None, cert: Value | None, cert_key: str | None,
                 secret: bool, event: str | None = None, check: Check | None = None) -> None:
        self.record = record  # a Secret or ConfigMap
        self.label = label
        self.id = id
        self.cert = cert  # the text KIC takes (``cert`` if present, else ``ca.crt``)
        self.cert_key = cert_key
        self.secret = secret  # a Secret (KIC lists every Secret before any ConfigMap)
        self.event = event  # the Warning KIC emits when it skips the object
        self.check = check  # None: not checked (no id, no certificate, or lost to an older object)

    @property
    def ref(self):
        return self.record.obj.ref

    @property
    def valid(self) -> bool:
        return self.event is None and self.check is not None and self.check.reason is None


class Unread:
    """A labelled object KIC does not read as a CA certificate, and why."""

    __slots__ = ("record", "label", "reason")

    def __init__(self, record: Record, label: Value, reason: str) -> None:
        self.record = record
        self.label = label
        self.reason = reason


class Contest:
    """Objects sharing one id: who KIC keeps (3.4.18+/3.5.11+), or all of them for Kong (before)."""

    __slots__ = ("id", "members", "order", "possible")

    def __init__(self, id: str, members: list[CACert], order: list[CACert], possible: list[CACert]) -> None:
        self.id = id
        self.members = members
        self.order = order  # oldest first, as KIC ranks them when new objects share a second
        self.possible = possible  # every member that may come first (more than one: apply timing decides)


class CAState:
    __slots__ = ("read", "unread", "contests", "sent")

    def __init__(self, read: list[CACert] | None = None, unread: list[Unread] | None = None,
                 contests: list[Contest] | None = None, sent: list[CACert] | None = None) -> None:
        self.read = [] if read is None else read  # Secrets first, then ConfigMaps, each in apply order
        self.unread = [] if unread is None else unread
        self.contests = [] if contests is None else contests  # ids held by more than one object that counts
        self.sent = [] if sent is None else sent  # what reaches Kong


def _class_reason(record: Record, target: Target, wanted: str, default_class: bool) -> str | None:
    """KIC <= 3.3 reads a CA Secret only when its class annotation is the controller's (or absent, or
    empty, when that class is the default; from 2.3.0)."""
    annotation = record.obj.annotation(CLASS_ANNOTATION)
    if annotation == wanted or (not annotation and default_class and not target.ca_class_exact):
        return None
    if annotation:
        return f"its ingress class {annotation!r} is not {wanted!r}, and KIC {target.kic} reads CA Secrets of its own class only"
    if target.ca_class_exact:
        return f"KIC {target.kic} reads CA Secrets only with the annotation '{CLASS_ANNOTATION}: {wanted}'"
    return (f"it has no {CLASS_ANNOTATION} annotation and IngressClass {wanted!r} is not known to be the default "
            f"class; KIC {target.kic} reads CA Secrets of its own class only")


def _unread_reason(record: Record, label: Value, target: Target, settings, default_class: bool) -> str | None:
    if label.text != CA_CERT_VALUE:
        return f"its label value {label.text!r} is not exactly {CA_CERT_VALUE!r}, the only value KIC selects"
    kind = record.obj.ref.kind
    if kind == "ConfigMap" and not target.reads_ca_configmaps:
        return f"KIC {target.kic} reads CA certificates from Secrets only (ConfigMaps since 3.4.0)"
    if kind == "Secret" and target.ca_certificates_classed:
        return _class_reason(record, target, settings.ingress_class, default_class)
    return None


def _read(record: Record, target: Target) -> CACert:
    values = record.values
    cert_key = next((key for key in facts.cert_keys(target) if key in values), None)
    return CACert(record, record.ca_label, values.get(facts.ID_KEY), values.get(cert_key) if cert_key else None,
                  cert_key, record.obj.ref.kind == "Secret")


def _certificate(der: bytes):
    """The X.509 certificate in ``der`` (strict DER, nothing after it), or None."""
    from cryptography import x509

    try:
        certificate = x509.load_der_x509_certificate(der)
        certificate.extensions  # noqa: B018 (malformed or repeated extensions fail here, as Go fails to parse)
    except (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType, x509.InvalidVersion):
        return None
    return certificate


def _x509_reason(der: bytes, now: datetime, check: Check) -> str | None:
    from cryptography import x509

    certificate = _certificate(der)
    if certificate is None:
        return facts.UNPARSED
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        return facts.NOT_CA
    check.not_after = certificate.not_valid_after_utc
    if now > check.not_after:  # NotBefore is not checked
        return facts.EXPIRED
    return None


def _text(value: Value) -> bytes:
    return text_bytes(value.text)


def check_text(data: bytes, target: Target, now: datetime) -> Check:
    """KIC's check of a CA certificate text (toKongCACertificate) for ``target``."""
    check = Check()
    if target.checks_every_ca_pem_block:
        ders = []
        rest = pem.trim_space(data)
        while rest:
            block, after = pem.decode(rest)
            if block is None:
                check.reason = facts.INVALID_BLOCK
                return check
            if block.type != facts.CERTIFICATE:
                check.reason = facts.INVALID_BLOCK_TYPE
                return check
            ders.append(block.der)
            rest = pem.trim_space(after)
        if not ders:
            check.reason = facts.INVALID_BLOCK
        elif len(ders) > 1:
            check.reason = facts.SEVERAL
        else:
            check.reason = _x509_reason(ders[0], now, check)
            check.der = ders[0] if check.reason is None else None
        return check
    block, _ = pem.decode(data)  # the first block of any type; the text is sent as written
    if block is None:
        check.reason = facts.INVALID_BLOCK
        return check
    check.reason = _x509_reason(block.der, now, check)
    if check.reason is None:
        check.der = block.der
        if data.count(facts.PEM_CERT_TAG) > 1:
            check.kong_error = facts.KONG_ONE_AT_A_TIME
        check.sends_key = _holds_key(data)
    return check


def _holds_key(data: bytes) -> bool:
    rest = data
    while True:
        block, rest = pem.decode(rest)
        if block is None:
            return False
        if block.type.endswith("PRIVATE KEY"):
            return True


def _validate(cert: CACert, target: Target, now: datetime) -> None:
    """The checks KIC runs on an object it keeps: a certificate key, then the PEM text."""
    ref = cert.ref
    if cert.cert is None:
        cert.event = facts.missing_cert_event(target, ref.namespace, ref.name)
        return
    cert.check = check_text(_text(cert.cert), target, now)
    if cert.check.reason is not None:
        cert.event = facts.event(target, cert.check.reason)


def _contest(id_text: str, members: list[CACert], index) -> Contest:
    """Rank objects sharing an id: creationTimestamp, then namespace, then name; on a full tie (a
    Secret and a ConfigMap of one namespace and name) the Secret, which KIC lists first.  An object
    the apply updates keeps its live creationTimestamp; one it creates gets the time of the apply."""
    claimants = [index.claimant(m.record, (m.ref.namespace, m.ref.name, not m.secret)) for m in members]
    by_ref = {m.ref.id: m for m in members}
    order, possible = by_age(claimants)
    return Contest(id_text, members, [by_ref[c.ref] for c in order], [by_ref[c.ref] for c in possible])


def build(records: list[Record], index) -> CAState:
    """``records``: the labelled Secret and ConfigMap definitions that won (apply order)."""
    state = CAState()
    settings, default_class = index.settings, index.default_class
    target = settings.target
    labelled = [r for r in records if r.ca_label is not None]
    if not labelled:
        return state
    now = datetime.now(timezone.utc)
    for record in sorted(labelled, key=lambda r: r.obj.ref.kind != "Secret"):  # stable: apply order kept
        reason = _unread_reason(record, record.ca_label, target, settings, default_class)
        if reason is not None:
            state.unread.append(Unread(record, record.ca_label, reason))
        else:
            state.read.append(_read(record, target))
    by_id: dict[str, list[CACert]] = {}
    for cert in state.read:
        if cert.id is None:
            cert.event = facts.event(target, facts.MISSING_ID)
        else:
            by_id.setdefault(cert.id.text, []).append(cert)
    if target.ca_oldest_wins:  # one winner per id first, then only the winners are checked
        for id_text, members in by_id.items():
            if len(members) > 1:
                contest = _contest(id_text, members, index)
                state.contests.append(contest)
                for loser in contest.order[1:]:
                    loser.event = facts.event(target, facts.DUPLICATE_ID)
                members = contest.order[:1]
            _validate(members[0], target, now)
            if members[0].valid:
                state.sent.append(members[0])
    else:  # each object is checked on its own, and every valid one is sent
        for members in by_id.values():
            for cert in members:
                _validate(cert, target, now)
            valid = [cert for cert in members if cert.valid]
            state.sent += valid
            if len(valid) > 1:
                state.contests.append(_contest(valid[0].id.text, valid, index))
    return state
