"""invalid-vault: a KongVault whose prefix Kong's schema refuses."""
from __future__ import annotations

from kongcheck.facts import outcomes
from kongcheck.facts.kong import VAULT_NAMES, VAULT_PREFIX, VAULT_PREFIX_PATTERN
from kongcheck.facts.versions import show
from kongcheck.index import KongIndex
from kongcheck.model import Participant
from kongcheck.rules.base import Hit, RuleInfo, said

RULES = [
    RuleInfo(
        id="invalid-vault",
        severity="error",
        summary="a KongVault whose prefix Kong refuses",
        behaviour="Kong requires a vault prefix to match ^[a-z][a-z0-9-]*[a-z0-9]$ and not to be the name of a "
        "vault backend (env, aws, gcp, hcv, azure, conjur); the KongVault CRD only asks for a non-empty prefix. "
        "The kong Helm chart does not send KongVaults to KIC's webhook, so KIC translates the vault and Kong "
        "rejects the whole configuration; with KIC's own webhook manifests (--webhook kic) the webhook asks "
        "Kong first and refuses a vault with the controller's exact class annotation ('vault configuration in "
        "invalid'), so `kubectl apply` fails.",
        example="apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: secrets\n"
        "  annotations:\n    kubernetes.io/ingress.class: kong\nspec:\n  backend: env\n"
        "  prefix: App_Secrets   # upper case and '_'\n",
        fix="Use a prefix of lower-case letters, digits and '-', starting with a letter, that is not a backend name.",
    )
]


def _hit(vault, index: KongIndex) -> Hit | None:
    prefix = vault.prefix
    if prefix is None or (VAULT_PREFIX.fullmatch(prefix.text) and prefix.text not in VAULT_NAMES):
        return None
    why = ("is the name of a vault backend" if prefix.text in VAULT_NAMES
           else "does not match Kong's pattern")
    pattern = "" if prefix.text in VAULT_NAMES else f" {VAULT_PREFIX_PATTERN}"
    target = index.settings.target
    if index.settings.install.sends_vaults and index.exact_class(vault):
        outcome = outcomes.Outcome(outcomes.APPLY_REFUSED, f"KIC {show(target.kic)}'s webhook asks Kong and refuses "
                                   "it ('vault configuration in invalid'), so `kubectl apply` fails for it",
                                   dropped=[vault.obj.ref.id])
    else:
        outcome = outcomes.config_rejected(target)
    return Hit("invalid-vault", participants=[Participant(vault.obj.ref, prefix.location)], outcome=outcome,
               **said(f"KongVault {vault.obj.ref.name!r}: spec.prefix {prefix.text!r} {why}", f"{pattern.lstrip()}. {outcome.text}."
                      if pattern else f"{outcome.text}.", " " if pattern else ". "))


def check(index: KongIndex) -> list[Hit]:
    hits = [_hit(vault, index) for vault in index.of("KongVault") if not vault.obj.is_live]
    return [hit for hit in hits if hit is not None]
