"""Located documents -> the Kong index: what KIC would build from them.

The index keeps the last definition of every object (``kubectl apply`` order), applies the
controller's class rules, resolves each consumer's credentials in its own namespace, and
lists the Kong entities with unique fields.  Rules read the index; they never parse YAML.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kongcheck.index.classes import ignored_reason
from kongcheck.index.objects import KONG_GROUP, FieldError, Obj, identify
from kongcheck.index.resources import (
    PARSERS,
    Classed,
    Consumer,
    ConsumerGroup,
    IngressClass,
    Secret,
    Value,
    Vault,
)
from kongcheck.loading import Document
from kongcheck.model import ScanError
from kongcheck.settings import Settings


# The reason given for a KongVault on KIC < 3.1: not a class matter, the API server has no such kind.
NO_VAULT_CRD = ("the KongVault CRD does not exist before KIC 3.1, so `kubectl apply` itself fails for it "
                "(no matches for kind \"KongVault\"); remove it or target KIC 3.1 or newer")


@dataclass(slots=True)
class Attachment:
    """A consumer's reference to a credential Secret, resolved as KIC resolves it."""

    consumer: Consumer
    name: Value  # the entry in the consumer's credentials list
    secret: Secret | None  # None: not in the input, or refused (``refused``)
    cred_type: str | None = None
    via: str | None = None  # "label" or "legacy"
    refused: ScanError | None = None  # the Secret is in the input, but the API server refuses it


@dataclass(slots=True)
class Refusal:
    """An object the API server would refuse on apply: it never exists, KIC never sees it."""

    record: Classed
    field: str  # e.g. "credentials"
    duplicate: Value  # the repeated entry (its second occurrence)


@dataclass(slots=True)
class KongIndex:
    settings: Settings
    records: dict[tuple, object] = field(default_factory=dict)  # winning definition per object
    shadowed: dict[tuple, list[Obj]] = field(default_factory=dict)  # earlier definitions
    ignored: list[tuple[Classed, str, bool]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # the API server refuses them (not processed)
    consumers: list[Consumer] = field(default_factory=list)  # processed by the controller
    groups: list[ConsumerGroup] = field(default_factory=list)
    vaults: list[Vault] = field(default_factory=list)
    secrets: dict[tuple[str, str], Secret] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    input_refused: dict[tuple[str, str, str], ScanError] = field(default_factory=dict)  # (kind, ns, name)
    unread: int = 0  # inputs with load errors: objects in them have no name we could read
    skipped: list[str] = field(default_factory=list)  # for --verbose
    default_class: bool = False

    attached: set = field(default_factory=set)  # refs of Secrets some processed consumer names

    def is_kong_relevant(self, record) -> bool:
        """Kong kinds, and Secrets that are (or are used as) credentials; not every Secret."""
        if isinstance(record, IngressClass):
            return False
        if isinstance(record, Secret):
            return (record.label_type is not None or record.legacy_type is not None
                    or record.obj.ref in self.attached)
        return True

    def definitions(self, ref) -> list[Obj]:
        """Every definition of the object ``ref`` names, in apply order (the last one wins)."""
        key = (ref.group, ref.kind, ref.namespace, ref.name)
        record = self.records.get(key)
        return self.shadowed.get(key, []) + ([record.obj] if record is not None else [])

    @property
    def kong_resources(self) -> int:
        return sum(1 for record in self.records.values() if self.is_kong_relevant(record))


def _key(obj: Obj) -> tuple:
    ref = obj.ref
    group = ref.group or (KONG_GROUP if ref.kind.startswith("Kong") else "")  # one object with or without apiVersion
    return (group, ref.kind, ref.namespace, ref.name)


def _refuse(index: KongIndex, obj: Obj | None, error: ScanError) -> None:
    """An input error: the API server refuses the object, so it never exists (the first error names it)."""
    index.errors.append(error)
    if obj is not None:
        index.input_refused.setdefault((obj.ref.kind, obj.ref.namespace, obj.ref.name), error)


def _parse(doc: Document, index: KongIndex):
    """The record a document defines, or None (skipped or refused)."""
    obj = None
    try:
        obj = identify(doc, doc.source.namespace or index.settings.namespace)
        if obj is None:
            index.skipped.append(f"{doc.source.name}:{doc.body.line}: kind {doc.body.get('kind')!r} "
                                 "is not one kongcheck reads")
            return None
        record = PARSERS[obj.ref.kind](obj)
    except FieldError as exc:
        _refuse(index, obj, ScanError(doc.source.name, exc.line, str(exc)))
        return None
    for bad in getattr(record, "bad_values", ()):  # the API server refuses the whole Secret
        _refuse(index, obj, ScanError(doc.source.name, bad.location.line,
                                      f"Secret {obj.ref.name!r}: data.{bad.key}: {bad.problem}"))
    return None if getattr(record, "bad_values", None) else record


def _collect(documents: list[Document], index: KongIndex) -> None:
    """Parse every relevant definition; the last one of each object wins."""
    for doc in documents:
        record = _parse(doc, index)
        if record is None:
            continue
        key = _key(record.obj)
        previous = index.records.get(key)
        if previous is not None:
            index.shadowed.setdefault(key, []).append(previous.obj)
        index.records[key] = record


def _is_default_class(index: KongIndex) -> bool:
    settings = index.settings
    if settings.assume_default_class:
        return True
    for record in index.records.values():
        if isinstance(record, IngressClass) and record.obj.ref.name == settings.ingress_class:
            return record.is_default
    return False


def _credential_type(secret: Secret, settings: Settings) -> tuple[str | None, str | None]:
    target = settings.target
    if secret.label_type is not None and target.reads_label:
        return secret.label_type, "label"
    if secret.legacy_type is not None and target.reads_legacy_type:
        return secret.legacy_type, "legacy"
    return None, None


def _set_violation(record: Consumer, settings: Settings) -> Refusal | None:
    """KIC >= 3.2 CRDs make `credentials` and `consumerGroups` sets: a repeated entry is refused."""
    if not settings.target.credential_lists_are_sets or record.obj.is_live:  # a live object exists already
        return None
    for name, values in (("credentials", record.credentials), ("consumerGroups", record.groups)):
        seen = set()
        for value in values:
            if value.text in seen:
                return Refusal(record, name, value)
            seen.add(value.text)
    return None


def _sort(index: KongIndex) -> None:
    index.default_class = _is_default_class(index)
    for record in index.records.values():
        if isinstance(record, Secret):
            index.secrets[(record.obj.ref.namespace, record.obj.ref.name)] = record
            continue
        refusal = _set_violation(record, index.settings) if isinstance(record, Consumer) else None
        if refusal is not None:
            index.refused.append(refusal)
        elif isinstance(record, (Consumer, ConsumerGroup, Vault)):
            if isinstance(record, Vault) and not index.settings.target.supports_vaults:
                reason = (NO_VAULT_CRD, True)  # whatever its class: the kind does not exist yet
            else:
                reason = ignored_reason(record, index.settings, index.default_class)
            if reason is not None:
                index.ignored.append((record, *reason))
            elif isinstance(record, Consumer):
                index.consumers.append(record)
            elif isinstance(record, ConsumerGroup):
                index.groups.append(record)
            else:
                index.vaults.append(record)


def _attach(index: KongIndex) -> None:
    for consumer in index.consumers:
        namespace = consumer.obj.ref.namespace
        for name in consumer.credentials:
            secret = index.secrets.get((namespace, name.text))
            attachment = Attachment(consumer, name, secret)
            if secret is not None:
                attachment.cred_type, attachment.via = _credential_type(secret, index.settings)
            else:
                attachment.refused = index.input_refused.get(("Secret", namespace, name.text))
            index.attachments.append(attachment)
            if secret is not None:
                index.attached.add(secret.obj.ref)


def build(documents: list[Document], settings: Settings, unread: int = 0) -> KongIndex:
    """``unread``: how many sources had input errors before any object could be named."""
    index = KongIndex(settings, unread=unread)
    _collect(documents, index)
    _sort(index)
    _attach(index)
    return index
