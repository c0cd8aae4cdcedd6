"""CA certificates (Secrets and ConfigMaps labelled konghq.com/ca-cert): ids KIC or Kong refuse or see
twice, certificates KIC skips, and labelled objects KIC never reads.  What KIC builds comes from
index/cacerts.py, for the target version."""
from __future__ import annotations

from kongcheck.facts import cacerts as facts
from kongcheck.facts import outcomes
from kongcheck.facts.kong import uniqueness_error
from kongcheck.facts.kube import CA_CERT_LABEL
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo

_ID = "a1b2c3d4-0000-4000-8000-000000000001"


def _example(name: str, id_text: str, cert: str = "    -----BEGIN CERTIFICATE-----\n    ...\n", kind="Secret") -> str:
    data = "stringData" if kind == "Secret" else "data"
    return (f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  labels:\n    {CA_CERT_LABEL}: \"true\"\n"
            f"{data}:\n  id: {id_text}\n  cert: |\n{cert}")


RULES = [
    RuleInfo(
        id="ca-certificate-id-conflict",
        severity="error",
        summary="two CA certificates (labelled Secrets or ConfigMaps) with the same id",
        behaviour="KIC sends each object labelled `konghq.com/ca-cert: \"true\"` as a Kong CA certificate whose "
        "primary key is its `id` data key, read cluster-wide with no class filter. Up to KIC 3.4.17 and 3.5.10 "
        "every valid object is sent, so Kong sees the id twice: Kong >= 3.4 (DB-less) rejects the whole "
        "configuration ('uniqueness violation: 'ca_certificates' entity with primary key set to ... already "
        "declared'), older DB-less Kong silently keeps one, and in DB mode the sync fails ('inserting ca-cert "
        "...: entity already exists'). From 3.4.18 and 3.5.11 KIC keeps the oldest object (creationTimestamp, "
        "then namespace, then name; a Secret before a ConfigMap of the same name) and skips the others with "
        "the event 'invalid secret CA certificate: duplicate 'id' field in multiple objects'; the kept one is "
        "checked only then, so if it is invalid no certificate with that id reaches Kong. Objects one apply "
        "creates usually share a second, and then the namespace and name decide.",
        example=_example("corp-root", _ID) + "---\n" + _example("partner-root", _ID, kind="ConfigMap"),
        fix="Give every CA certificate its own UUID (`uuidgen`), or delete the copy that is no longer needed.",
        collision=True,
    ),
    RuleInfo(
        id="ca-certificate-invalid-id",
        severity="error",
        summary="a CA certificate whose id is not a UUID, which Kong refuses",
        behaviour="KIC passes the `id` data key to Kong as written (nothing is trimmed). Kong's ca_certificates.id "
        "is a UUID: exactly 36 characters, hex digits and hyphens (upper case is accepted). Anything else, a "
        "trailing newline included (`kubectl create secret --from-file=id=...` keeps the file's last newline), "
        "fails with 'expected a valid UUID' and Kong rejects the whole configuration (DB-less); KIC emits no "
        "event of its own for it.",
        example=_example("corp-root", "corp-root-ca"),
        fix="Use a UUID as the id (`uuidgen | tr A-Z a-z`), without a trailing newline.",
    ),
    RuleInfo(
        id="ca-certificate-invalid",
        severity="error",
        summary="a CA certificate that KIC skips or that makes Kong reject the configuration",
        behaviour="KIC reads the certificate from `cert`, or from `ca.crt` when `cert` is absent (KIC >= 3.4; "
        "`cert` wins even when empty); a ConfigMap's `binaryData` is never read. From KIC 3.4.10 and 3.5.3 "
        "the text must hold exactly one PEM CERTIFICATE block and nothing else; before, only the first block "
        "is checked and the whole text is sent, so a bundle makes Kong reject the whole configuration ('please "
        "submit only one certificate at a time') and a private key block after the certificate is sent to "
        "Kong. The certificate must parse, carry the CA basic constraint and not be expired (checked at every "
        "sync). An object without `id`, without a certificate key or failing a check is skipped with a "
        "KongConfigurationTranslationFailed event (also on the KongPlugins whose config.ca_certificates name "
        "the id), and whatever verifies against it fails.",
        example=_example("corp-root", _ID, "    -----BEGIN CERTIFICATE-----\n    (root)\n    -----END "
                         "CERTIFICATE-----\n    -----BEGIN CERTIFICATE-----\n    (intermediate)\n"
                         "    -----END CERTIFICATE-----\n"),
        fix="Put exactly one unexpired CA certificate (basicConstraints CA:TRUE) under `cert` or `ca.crt` in "
        "`data`/`stringData`, and an `id`; split a bundle into one object per certificate, each with its own id.",
    ),
    RuleInfo(
        id="ca-certificate-same-certificate",
        severity="warning",
        summary="one certificate sent twice under different ids",
        behaviour="Kong keeps ca_certificates.cert_digest unique. DB-less Kong fills the digest after its "
        "uniqueness checks, so it accepts both entries; a database-backed Kong (DB mode) refuses the second "
        "(go-database-reconciler: 'entity already exists') and the whole sync fails.",
        example=_example("root-a", _ID) + "---\n" + _example("root-b", "a1b2c3d4-0000-4000-8000-000000000002"),
        fix="Keep one object per certificate and point every consumer of it (plugins, "
        "konghq.com/ca-certificates-secrets) at its id.",
        collision=True,
    ),
    RuleInfo(
        id="ca-certificate-id-case",
        severity="warning",
        summary="two CA certificate ids that differ only in letter case",
        behaviour="KIC compares ids as exact text, so `A1B2...` and `a1b2...` are two CA certificates to it and "
        "both are sent. To a database-backed Kong a UUID column holds them as one id, so the second write "
        "fails or replaces the first; references to either spelling are ambiguous.",
        example=_example("root-a", _ID) + "---\n" + _example("root-b", _ID.upper()),
        fix="Use one spelling (lower case) and distinct UUIDs for distinct certificates.",
        collision=True,
    ),
    RuleInfo(
        id="ca-certificate-ignored",
        severity="warning",
        summary="an object labelled konghq.com/ca-cert that KIC does not read as a CA certificate",
        behaviour="KIC selects CA certificates with the label `konghq.com/ca-cert` equal to exactly \"true\" "
        "(`True` or `yes` do not count); it reads ConfigMaps only from KIC 3.4.0, and up to KIC 3.3 it reads a "
        "CA Secret only when its `kubernetes.io/ingress.class` is the controller's (or absent when that class "
        "is the default; before KIC 2.3 always required). An object it does not read never becomes a Kong CA "
        "certificate, silently.",
        example="apiVersion: v1\nkind: Secret\nmetadata:\n  name: corp-root\n  labels:\n"
        f"    {CA_CERT_LABEL}: \"True\"   # only \"true\" is selected\nstringData:\n  id: {_ID}\n  cert: ...\n",
        fix=f"Set the label to `{CA_CERT_LABEL}: \"true\"`; on KIC < 3.4 use a Secret with the controller's "
        "class annotation.",
    ),
]


def _id_location(cert):
    return cert.id.location if cert.id is not None else cert.record.obj.kind_location


def _names(certs) -> str:
    return ", ".join(cert.ref.id for cert in certs)


def _timing(contest) -> str:
    """What is said when apply timing can change the winner (every member is new)."""
    if len(contest.possible) < 2:
        return ""
    first, others = contest.possible[0], contest.possible[1:]
    return (f" All of them are new, so their creationTimestamps come from the apply: {first.ref.id} is the "
            f"oldest when they are created within one second (the usual case, assumed here), but "
            f"{_names(others)} when the apply crosses a second boundary after it.")


def _conflict(contest, index: KongIndex) -> Hit:
    target = index.settings.target
    members = contest.order
    title = f"{len(members)} CA certificates share id {contest.id!r}"
    head = f"{title} ({_names(members)})."
    if target.ca_oldest_wins:
        winner, losers = contest.order[0], contest.order[1:]
        text = (f"KIC {show(target.kic)} keeps {winner.ref.id} (the oldest: creationTimestamp, then namespace, then "
                f"name) and skips {_names(losers)} with Warning {facts.EVENT} "
                f"'{facts.event(target, facts.DUPLICATE_ID)}'")
        if not winner.valid:
            valid = [loser for loser in losers if loser.check is None and loser.cert is not None]
            text += (f"; but {winner.ref.id} itself fails KIC's check ('{winner.event}'), so no CA certificate with "
                     "this id reaches Kong" + (f", although {_names(valid)} may hold a good one" if valid else ""))
        uncertain = len(contest.possible) > 1
        outcome = outcomes.Outcome(outcomes.LOSERS_SKIPPED, text,
                                   kept=[winner.ref.id] if winner.valid and not uncertain else [],
                                   dropped=[] if uncertain else [loser.ref.id for loser in losers])
        message = f"{head} {text}.{_timing(contest)}"
    else:
        outcome = outcomes.kong_clash(target, endpoint_key=True)
        error = uniqueness_error("ca_certificates", "primary key", contest.id)
        said = f" Kong {show(target.kong)} answers \"{error}\"." if target.kong_rejects_duplicates else ""
        message = (f"{head} KIC {show(target.kic)} sends every one of them.{said} {outcome.text}; in DB mode the "
                   f"sync fails ('{facts.GDR_EXISTS.format(id=contest.id)}'). KIC 3.4.18 and 3.5.11 and newer "
                   "keep the oldest object instead.")
    return Hit("ca-certificate-id-conflict", message, [Participant(m.ref, _id_location(m)) for m in members],
               entity="ca_certificates", field="id", value=contest.id, outcome=outcome, title=title)


def _bad_id(cert, index: KongIndex) -> Hit:
    text = cert.id.text
    hint = ""
    if text.rstrip("\r\n") != text and facts.is_uuid(text.rstrip("\r\n")):
        hint = (" It is a UUID followed by a line break, which KIC keeps (`kubectl create secret --from-file` "
                "keeps a file's last newline).")
    outcome = outcomes.config_rejected(index.settings.target)
    title = f"CA certificate {cert.ref.id} has id {text!r}"
    return Hit("ca-certificate-invalid-id",
               f"{title}, which is not a UUID: Kong answers 'invalid id: {facts.KONG_NOT_UUID}' and {outcome.text}.{hint}",
               [Participant(cert.ref, cert.id.location)], entity="ca_certificates", field="id", outcome=outcome,
               title=title)


def _binary_hint(cert) -> str:
    keys = getattr(cert.record, "binary_keys", ())
    wanted = (facts.ID_KEY, *facts.CERT_KEYS)
    if any(key in keys for key in wanted):
        return " It is in binaryData, which KIC never reads: move it to data."
    return ""


def _reason_hint(cert, target) -> str:
    check = cert.check
    if check is None:
        return _binary_hint(cert)
    reason = check.reason
    if cert.cert_key == "cert" and not cert.cert.text.strip() and "ca.crt" in cert.record.values:
        return " The key cert exists (empty), so KIC never looks at ca.crt."
    if reason == facts.EXPIRED and check.not_after is not None:
        return f" It expired on {check.not_after:%Y-%m-%d %H:%M} UTC."
    if reason == facts.SEVERAL:
        return " Split the bundle: one object per certificate, each with its own id."
    if reason == facts.INVALID_BLOCK_TYPE:
        return " The text holds a PEM block that is not a CERTIFICATE (a private key?): a CA certificate needs none."
    if reason == facts.INVALID_BLOCK:
        return (" There is no PEM block, or text after the last END line." if target.checks_every_ca_pem_block
                else " There is no PEM block.")
    if reason == facts.UNPARSED:
        return " (kongcheck's X.509 parser, cryptography, could not read it either.)"
    return ""


def _invalid(cert, index: KongIndex) -> Hit:
    target = index.settings.target
    where = cert.cert.location if cert.check is not None else cert.record.obj.kind_location
    id_part = f" (id {cert.id.text!r})" if cert.id is not None else ""
    plugins = " and on every KongPlugin whose config.ca_certificates names its id" if cert.id is not None else ""
    title = f"CA certificate {cert.ref.id} is not sent to Kong"
    message = (f"{title}{id_part}: KIC {show(target.kic)} skips it with "
               f"Warning {facts.EVENT} '{cert.event}' on it{plugins}; whatever verifies against it fails."
               f"{_reason_hint(cert, target)}")
    outcome = outcomes.Outcome(outcomes.OBJECT_SKIPPED, f"KIC skips {cert.ref.id}", dropped=[cert.ref.id])
    return Hit("ca-certificate-invalid", message, [Participant(cert.ref, where)], entity="ca_certificates",
               field="cert", outcome=outcome, title=title)


def _raw_text(cert, index: KongIndex) -> list[Hit]:
    """KIC before 3.4.10 / 3.5.3 sends the certificate text as written."""
    target = index.settings.target
    check = cert.check
    hits = []
    where = [Participant(cert.ref, cert.cert.location)]
    if check.kong_error:
        outcome = outcomes.config_rejected(target)
        hits.append(Hit("ca-certificate-invalid",
                        f"CA certificate {cert.ref.id} holds several certificates: KIC {show(target.kic)} checks the "
                        f"first and sends the whole text, Kong answers 'invalid ca_certificate:: {check.kong_error}' "
                        f"and {outcome.text}. KIC 3.4.10 and 3.5.3 and newer skip such an object instead. Split "
                        "the bundle: one object per certificate, each with its own id.",
                        where, entity="ca_certificates", field="cert", outcome=outcome,
                        title=f"CA certificate {cert.ref.id} holds several certificates"))
    if check.sends_key:
        hits.append(Hit("ca-certificate-invalid",
                        f"CA certificate {cert.ref.id} holds a private key block after its certificate: KIC "
                        f"{show(target.kic)} sends the whole text, key included, to Kong as the CA certificate "
                        "(KIC 3.4.10 and 3.5.3 and newer skip the object: 'invalid PEM block type'). A CA "
                        "certificate needs no key: remove it.", where, entity="ca_certificates", field="cert",
                        title=f"CA certificate {cert.ref.id} holds a private key block"))
    return hits


def _same_certificate(state) -> list[Hit]:
    by_der: dict[bytes, list] = {}
    for cert in state.sent:
        by_der.setdefault(cert.check.der, []).append(cert)
    hits = []
    for certs in by_der.values():
        if len({cert.id.text for cert in certs}) < 2:
            continue
        ids = ", ".join(repr(cert.id.text) for cert in certs)
        hits.append(Hit("ca-certificate-same-certificate",
                        f"{_names(certs)} hold the same certificate under ids {ids}. DB-less Kong accepts both; "
                        "a database-backed Kong (DB mode) refuses the second ('entity already exists') and the "
                        "whole sync fails.", [Participant(c.ref, c.cert.location) for c in certs],
                        entity="ca_certificates", field="cert_digest",
                        title=f"{_names(certs)} hold the same certificate"))
    return hits


def _case_variants(state) -> list[Hit]:
    by_lower: dict[str, list] = {}
    for cert in state.sent:
        if facts.is_uuid(cert.id.text):
            by_lower.setdefault(cert.id.text.lower(), []).append(cert)
    hits = []
    for certs in by_lower.values():
        spellings = sorted({cert.id.text for cert in certs})
        if len(spellings) < 2:
            continue
        hits.append(Hit("ca-certificate-id-case",
                        f"{_names(certs)} have ids that differ only in letter case ({', '.join(map(repr, spellings))}): "
                        "KIC sends them as two CA certificates, but a database-backed Kong stores a UUID "
                        "case-insensitively, so the second write fails or replaces the first, and references to "
                        "either spelling are ambiguous.", [Participant(c.ref, c.id.location) for c in certs],
                        entity="ca_certificates", field="id", value=spellings[0].lower(),
                        title=f"{_names(certs)} have ids that differ only in letter case"))
    return hits


def check(index: KongIndex):
    state = index.ca_certificates
    if state is None:
        return
    target = index.settings.target
    for unread in state.unread:
        if not unread.record.obj.is_live:
            yield Hit("ca-certificate-ignored",
                      f"{unread.record.obj.ref.id} is labelled {CA_CERT_LABEL}, but KIC {show(target.kic)} does not "
                      f"read it as a CA certificate: {unread.reason}",
                      [Participant(unread.record.obj.ref, unread.label.location)],
                      title=f"{unread.record.obj.ref.id} is labelled {CA_CERT_LABEL}")
    for contest in state.contests:
        yield _conflict(contest, index)
    losers = {id(m) for contest in state.contests for m in contest.order[1:]} if target.ca_oldest_wins else set()
    for cert in state.read:
        if cert.event is not None and id(cert) not in losers:
            yield _invalid(cert, index)
    for cert in state.sent:
        if not facts.is_uuid(cert.id.text):
            yield _bad_id(cert, index)
        if not target.checks_every_ca_pem_block:
            yield from _raw_text(cert, index)
    yield from _same_certificate(state)
    yield from _case_variants(state)
