"""tls-host-conflict: one TLS host claimed with different certificates, of which KIC serves one.

Who owns each host comes from index/tls.py, for the target KIC release (facts/tls.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from kongcheck.facts import outcomes
from kongcheck.facts import tls as facts
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo

if TYPE_CHECKING:
    from kongcheck.index import tls as owners

WRONG_CERTIFICATE = "wrong-certificate"

RULES = [
    RuleInfo(
        id="tls-host-conflict",
        severity="error",
        summary="one TLS host claimed with different certificates (Ingress, TCPIngress or Gateway listener)",
        behaviour="Kong serves one certificate per SNI, so KIC hands every TLS host to one claim and serves that "
        "Secret's certificate for every claim of the host, without an event. Ingresses come first, oldest "
        "creationTimestamp first (ties by namespace/name), then TCPIngresses the same way, then Gateway "
        "listeners; a listener without hostname claims `*`. Between Gateways the first one KIC happens to list "
        "wins (only a log line: 'Same SNI requested for multiple certs, can only serve one cert'), so the "
        "winner is not fixed. Before KIC 2.8.0 the winner among Ingresses is not fixed either. If the Ingress "
        "that holds the host names a Secret KIC cannot use (missing, or no matching key pair), no Ingress "
        "certificate is served for the host at all. Secrets holding the same certificate count as one; "
        "a Secret that is neither in the input nor read from the cluster counts as a different certificate. "
        "From KIC 3.4.9 and 3.5.2 only Gateways of a GatewayClass naming KIC's controller take part; from "
        "3.4.14 and 3.5.7 a certificateRef to another namespace needs a ReferenceGrant.",
        example="apiVersion: configuration.konghq.com/v1beta1\nkind: TCPIngress\nmetadata:\n  name: db-old\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  tls:\n  - hosts: [db.example.com]\n"
        "    secretName: db-cert-2025\n  rules:\n  - host: db.example.com\n    port: 9000\n    backend:\n"
        "      serviceName: pg\n      servicePort: 5432\n---\napiVersion: configuration.konghq.com/v1beta1\n"
        "kind: TCPIngress\nmetadata:\n  name: db-new\n  annotations:\n    kubernetes.io/ingress.class: kong\n"
        "spec:\n  tls:\n  - hosts: [db.example.com]\n    secretName: db-cert-2026   # another certificate\n"
        "  rules:\n  - host: db.example.com\n    port: 9001\n    backend:\n      serviceName: pg\n"
        "      servicePort: 5432\n",
        fix="Name one Secret for a host everywhere it is claimed (or Secrets holding the same certificate), and "
        "remove the claim from the objects that should not serve it.",
        collision=True,
    ),
]


def _claim(claim: owners.Claim) -> str:
    return f"{claim.ref_id} ({claim.place}, Secret {claim.certificate.shown})"


def _names(claims) -> str:
    return ", ".join(_claim(c) for c in claims)


def _where(claim: owners.Claim):
    return claim.where.location


def _unseen(claims) -> str:
    unseen = sorted({c.certificate.shown for c in claims if not c.certificate.visible})
    if not unseen:
        return ""
    return (f" kongcheck cannot compare the certificates of {', '.join(unseen)} (neither in the input nor read "
            "from the cluster); if they hold the same certificate, nothing is wrong.")


def _title(host: str) -> str:
    return f"TLS host {host!r} is claimed with different certificates"


def _message(contest: owners.Contest, index: KongIndex) -> tuple[str, outcomes.Outcome]:
    target = index.settings.target
    host = contest.host
    head = f"{_title(host)} by {_names(contest.claims)}."
    if contest.unserved is not None:
        owner = contest.unserved
        text = (f"KIC {show(target.kic)} gives the host to {owner.ref_id} (the oldest claim), but its "
                f"Secret {owner.certificate.shown} is unusable ({owner.certificate.problem or 'not found'}), so no "
                "Ingress certificate is served for it")
        if contest.winner is not None:
            text += f"; Kong serves the certificate of {_claim(contest.winner)} instead"
        elif len(contest.possible) > 1:
            text += f"; one of {_names(contest.possible)} is served instead ({contest.why})"
        else:
            text += "; Kong serves its default certificate"
        dropped = sorted({c.ref_id for c in contest.losers})
        kept = [contest.winner.ref_id] if contest.winner is not None else []
        return f"{head} {text}.{_unseen(contest.claims)}", outcomes.Outcome(WRONG_CERTIFICATE, text, kept, dropped)
    if contest.winner is None:
        text = (f"KIC {show(target.kic)} serves the certificate of one of {_names(contest.possible)} for every "
                f"claim, and which one is not fixed: {contest.why}; the others' clients get a certificate that "
                "is not theirs, with no event")
        if all(c.kind == "Gateway" for c in contest.possible):
            text += f" (KIC only logs '{facts.SNI_LOG}')"
        return f"{head} {text}.{_unseen(contest.claims)}", outcomes.Outcome(WRONG_CERTIFICATE, text)
    winner = contest.winner
    losers = contest.losers
    own = "its own" if len(losers) == 1 else "their own"
    text = (f"KIC {show(target.kic)} serves Secret {winner.certificate.shown}'s certificate (from {winner.ref_id}: "
            f"{contest.why}) for every claim, so {_names(losers)} {'gets' if len(losers) == 1 else 'get'} it instead "
            f"of {own}, with no event")
    if winner.kind == "Gateway":
        text += f" (KIC only logs '{facts.SNI_LOG}')"
    outcome = outcomes.Outcome(WRONG_CERTIFICATE, text, kept=[winner.ref_id],
                               dropped=sorted({c.ref_id for c in losers} - {winner.ref_id}))
    return f"{head} {text}.{_unseen(contest.claims)}", outcome


def check(index: KongIndex):
    if not (index.of("Ingress") or index.of("TCPIngress") or index.all_of("Gateway")):
        return
    from kongcheck.index import tls as owners  # only when an object of a kind that claims TLS hosts exists

    state = owners.build(index)
    for contest in state.contests:
        message, outcome = _message(contest, index)
        participants = [Participant(c.record.obj.ref, _where(c)) for c in contest.claims]
        yield Hit("tls-host-conflict", message, participants, entity="snis", field="name", value=contest.host,
                  outcome=outcome, title=_title(contest.host))
