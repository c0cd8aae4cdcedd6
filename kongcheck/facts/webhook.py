"""KIC's admission webhook: which objects reach it (the install's ValidatingWebhookConfiguration)
and what its handlers refuse, per KIC release.

KIC: internal/admission/handler.go (handleSecret, handleKongConsumer, handleKongVault),
validator.go (ValidateCredential, ValidateConsumer, ValidateVault), internal/util/credential.go,
internal/admission/validation/consumers/credentials/ (validation.go, vars.go, constraints.go);
config/webhook/ (KIC's own webhook manifests).  Kong/charts: charts/kong/templates/
admission-webhook.yaml and values.yaml (the kong Helm chart).

A handler that answers with an error instead of a verdict makes the API server apply the
webhook's ``failurePolicy``: ``Ignore`` lets the object through, ``Fail`` refuses it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kongcheck.facts.kube import LEGACY_TYPE_KEY


class Install(NamedTuple):
    """How KIC's webhook is registered: what the API server sends it and what it does on errors."""

    name: str  # the value of --webhook
    people: str  # how messages name it
    sends_vaults: bool  # KongVaults are in the webhook's rules (KongConsumers and Secrets always are)
    failure_policy: str  # "Ignore" | "Fail"
    skips_labels: tuple[tuple[str, str], ...] = ()  # objects with these labels are not sent (objectSelector)

    def sends(self, kind: str) -> bool:
        return kind != "KongVault" or self.sends_vaults


INSTALLS: dict[str, Install] = {
    row.name: row
    for row in (
        # chart 2.8+: objectSelector `owner NotIn [helm]`; kongvaults were never in its rules (up to 3.4.1);
        # values.yaml failurePolicy: Ignore since 2022.  Every Secret is sent (filterSecrets: false by default).
        Install("chart", "the kong Helm chart", sends_vaults=False, failure_policy="Ignore",
                skips_labels=(("owner", "helm"),)),
        # KIC config/webhook (kubebuilder markers, 3.1.1+): kongvaults listed, failurePolicy: Fail.
        Install("kic", "KIC's own webhook manifests", sends_vaults=True, failure_policy="Fail"),
    )
}
DEFAULT_INSTALL = "chart"

# The prefix of every credential message the webhook answers (errors.go).
CREDENTIAL_FAILED = "consumer credential failed validation: "
NO_TYPE = "secret has no credential type, add a konghq.com/credential label"
SECRET_NOT_FOUND = "consumer referenced non-existent credentials secret"
EMPTY_USERNAME = "username cannot be empty"

# SupportedTypes (vars.go), unchanged 2.12 - 3.5; 3.4.4 (#7226) also accepts `konnect`, without field checks.
CHECKED_TYPES = ("basic-auth", "hmac-auth", "jwt", "key-auth", "oauth2", "acl", "mtls-auth")
KONNECT_ACCEPTED_SINCE = (3, 4, 4)
# CredTypeToFields (vars.go), in the order the messages list them.
REQUIRED_FIELDS = {
    "key-auth": ("key",),
    "basic-auth": ("username", "password"),
    "hmac-auth": ("username", "secret"),
    "jwt": ("algorithm", "rsa_public_key", "key", "secret"),
    "mtls-auth": ("subject_name",),
    "oauth2": ("name", "client_id", "client_secret", "redirect_uris"),
    "acl": ("group",),
}
HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})  # algoIsHMAC: exact, case-sensitive
JWT_HMAC_SKIPS_PUBLIC_KEY_SINCE = (3, 1, 3)
JWT_OTHERS_SKIP_SECRET_SINCE = (3, 4, 0)

CHECKS_EVERY_TYPED_SECRET_SINCE = (2, 12, 1)  # #4887: CREATE too, referenced or not; before: updates of referenced ones
READS_LABEL_SINCE = (3, 0)  # the label first, kongCredType as the fallback
LABEL_ONLY_SINCE = (3, 2)  # #5856: kongCredType ignored
EMPTY_LABEL_CHECKED_AGAIN = (3, 4, 4)  # 3.2.0 - 3.4.3 skip a Secret whose label value is empty
CONSUMER_FAILURES_REFUSE_SINCE = (3, 0)  # #5063: before, a missing or invalid Secret is an error (HTTP 500)
EMPTY_USERNAME_REFUSED_BEFORE = (3, 1)  # `username cannot be empty`, removed in 3.1.0


def secret_type(label: str | None, legacy: str | None, kic) -> str | None:
    """The credential type the Secret handler validates the Secret as, or None when it lets the Secret
    through unchecked (handleSecret; util.ExtractKongCredentialType)."""
    if kic < READS_LABEL_SINCE:
        return legacy  # 2.x reads only data.kongCredType
    if kic < LABEL_ONLY_SINCE:
        return label if label is not None else legacy  # the label wins, even when empty
    if label is None or (label == "" and kic < EMPTY_LABEL_CHECKED_AGAIN):
        return None
    return label


def consumer_secret_type(label: str | None, legacy: str | None, kic) -> str | None:
    """The type the consumer handler reads from a Secret a consumer names (None: untyped, refused)."""
    if kic < READS_LABEL_SINCE:
        return legacy
    if kic < LABEL_ONLY_SINCE:
        return label if label is not None else legacy
    return label


def refuses_secrets_on_create(kic) -> bool:
    return kic >= CHECKS_EVERY_TYPED_SECRET_SINCE


def is_hmac(algorithm: str | None) -> bool:
    return algorithm in HMAC_ALGORITHMS


def jwt_required(data: Mapping[str, str], kic) -> tuple[str, ...]:
    """The jwt fields the webhook requires: the skips need the `algorithm` key to be present."""
    algorithm = data.get("algorithm")
    fields = REQUIRED_FIELDS["jwt"]
    if algorithm is not None and is_hmac(algorithm) and kic >= JWT_HMAC_SKIPS_PUBLIC_KEY_SINCE:
        fields = tuple(f for f in fields if f != "rsa_public_key")
    if algorithm is not None and not is_hmac(algorithm) and kic >= JWT_OTHERS_SKIP_SECRET_SINCE:
        fields = tuple(f for f in fields if f != "secret")
    return fields


def knows(cred_type: str, kic) -> bool:
    return cred_type in CHECKED_TYPES or (cred_type == "konnect" and kic >= KONNECT_ACCEPTED_SINCE)


def validate(cred_type: str, data: Mapping[str, str], kic) -> tuple[str, tuple[str, ...]] | None:
    """KIC's ValidateCredentials on a Secret's decoded data: None if it passes, else (KIC's error
    without CREDENTIAL_FAILED, the fields it names)."""
    if not knows(cred_type, kic):
        return f"invalid credential type {cred_type}", ()
    if cred_type == "konnect":
        return None
    if kic < READS_LABEL_SINCE and set(data) == {LEGACY_TYPE_KEY}:
        return "invalid credentials secret, no data present", ()
    required = jwt_required(data, kic) if cred_type == "jwt" else REQUIRED_FIELDS[cred_type]
    unmet = [name for name in required if not data.get(name)]  # absent or empty
    if not unmet:
        return None
    absent = tuple(name for name in unmet if name not in data)
    if absent:
        return f"missing required field(s): {', '.join(absent)}", absent  # KIC's own words
    return f"some fields were invalid due to missing data: {', '.join(unmet)}", tuple(unmet)


def consumer_failures_refuse(kic, install: Install) -> bool:
    """A consumer's missing, untyped or invalid Secret, or a unique clash: a refusal from KIC 3.0 on;
    before, an error (HTTP 500) that failurePolicy decides."""
    return kic >= CONSUMER_FAILURES_REFUSE_SINCE or install.failure_policy == "Fail"


def sent(install: Install, labels) -> bool:
    """Whether the API server sends an object with these labels (a callable name -> value) to the webhook."""
    for name, value in install.skips_labels:
        if labels(name) == value:
            return False
    return True
