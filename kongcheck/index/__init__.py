"""Located documents -> the Kong index: what KIC would build from them.

The index keeps the last definition of every object (``kubectl apply`` order), applies the
controller's class rules, resolves each consumer's credentials in its own namespace, and reads
every value the rules look at, typed and located.  Rules read the index; they never parse YAML.
Which kinds exist, how each is parsed and which of their fields are unique comes from the facts
tables (facts/kinds.py, facts/unique.py): nothing here names a kind but the credential links.
"""
from __future__ import annotations

import importlib
import re
from datetime import datetime
from typing import NamedTuple

from kongcheck.facts import tls as tls_facts
from kongcheck.facts import unique, webhook
from kongcheck.facts.kinds import BY_KIND, Kind
from kongcheck.facts.kube import CLASS_ANNOTATION, IGNORE_ANNOTATION, ORIGIN_ANNOTATION, PLUGINS_ANNOTATION, TAGS_ANNOTATION
from kongcheck.facts.outcomes import Claimant, by_age
from kongcheck.index.classes import ignored_reason, missing_crd
from kongcheck.index.objects import RELEASED, FieldError, Obj, identify
from kongcheck.index.records import Classed, Record, Refusal, SecretMaker, Value, metadata_value, path_value
from kongcheck.loading import Document
from kongcheck.model import ResourceRef, ScanError
from kongcheck.parse.values import LMap
from kongcheck.settings import Settings


class Attachment:
    """A consumer's reference to a credential Secret, resolved as KIC resolves it (a Secret that is not in
    the input is a Missing attachment)."""

    __slots__ = ("consumer", "name", "secret", "cred_type", "via")
    refused: ScanError | None = None  # the Secret is in the input, but the API server refuses it
    maker: SecretMaker | None = None  # the Secret is not in the input, but this object makes it (values unknown)

    def __init__(self, consumer: Classed, name: Value, secret: Record | None, cred_type: str | None = None,
                 via: str | None = None) -> None:
        self.consumer = consumer
        self.name = name  # the entry in the consumer's credentials list
        self.secret = secret  # None: not in the input, or refused (``refused``), or made by ``maker``
        self.cred_type = cred_type
        self.via = via  # "label" or "legacy"


class Missing(Attachment):
    """A reference to a Secret that is not in the input as one the API server accepts."""

    __slots__ = ("refused", "maker")

    def __init__(self, consumer: Classed, name: Value, refused: ScanError | None, maker: SecretMaker | None) -> None:
        Attachment.__init__(self, consumer, name, None)
        self.refused = refused
        self.maker = maker


class Ignored:
    """An object of a classed kind the controller does not process, and why."""

    __slots__ = ("record", "reason", "warn", "crd_missing")

    def __init__(self, record: Classed, reason: str, warn: bool, crd_missing: bool = False) -> None:
        self.record = record
        self.reason = reason
        self.warn = warn  # worth a warning (a likely mistake), not just another class's object
        self.crd_missing = crd_missing  # not a class matter: the target KIC's CRDs lack the kind


class KongIndex:
    __slots__ = ("settings", "records", "shadowed", "replaced", "ignored", "refused", "processed", "attachments",
                 "errors", "input_refused", "unread", "skipped", "default_class", "named_by",
                 "ca_certificates", "makers", "memo", "by_kind")

    def __init__(self, settings: Settings, unread: int = 0) -> None:
        self.settings = settings
        self.records: dict[ResourceRef, Record] = {}  # winning definition per object
        self.shadowed: dict[ResourceRef, list[Obj]] = {}  # earlier definitions
        self.replaced: dict[ResourceRef, Record] = {}  # live objects a manifest redefines
        self.ignored: list[Ignored] = []
        self.refused: list[Refusal] = []  # the API server refuses them (not processed)
        self.processed: dict[str, list[Classed]] = {}  # kind -> processed by the controller
        self.attachments: list[Attachment] = []
        self.errors: list[ScanError] = []
        self.input_refused: dict[tuple[str, str, str], ScanError] = {}  # (kind, ns, name)
        self.unread = unread  # inputs with load errors: objects in them have no name we could read
        self.skipped: list[str] = []  # for --verbose
        self.default_class = False
        self.named_by: dict = {}  # Secret ref -> the attachment that names it, or a list of them in order when
        # several do (read through naming()); its keys: the Secrets some processed consumer names, made ones included
        self.ca_certificates: object = None  # index/cacerts.py CAState: the CA certificates KIC builds
        self.makers: dict = {}  # (namespace, Secret name) -> the SecretMaker that makes it
        self.memo: dict = {}  # answers several rules ask for, worked out once per index
        self.by_kind: dict[str, list[Record]] | None = None  # the winning records of each kind, once all are known

    def named_often(self) -> list[list[Attachment]]:
        """The attachments that name each Secret that several attachments name, in order, the Secrets in the
        order first named (a Secret named once, the usual one, is left out unvisited)."""
        return [found for found in self.named_by.values() if found.__class__ is list]

    def naming(self, ref: ResourceRef) -> list[Attachment] | tuple[Attachment, ...]:
        """The attachments that name the Secret ``ref`` (one in the input, or one some object makes), in order."""
        found = self.named_by.get(ref, ())
        return (found,) if isinstance(found, Attachment) else found

    def of(self, kind: str) -> list[Classed]:
        """The objects of a classed kind that the controller processes, in apply order."""
        return self.processed.get(kind, [])

    def all_of(self, kind: str) -> list[Record]:
        """Every winning definition of ``kind``, processed or not, in apply order (grouped by kind once
        the records are all known)."""
        if self.by_kind is None:
            return [record for record in self.records.values() if record.obj.ref.kind == kind]
        return self.by_kind.get(kind, [])

    def find(self, kind: str, namespace: str, name: str) -> Record | None:
        return self.records.get((kind, namespace, name, BY_KIND[kind].group))  # equal to the ResourceRef

    def is_kong_relevant(self, record: Record) -> bool:
        """Kong kinds, Secrets that are (or are used as) credentials, and CA certificates; not every
        Secret or ConfigMap."""
        kind = record.obj.ref.kind
        if BY_KIND[kind].classed:  # a Classed record: no SecretMaker, no Secret, no CA label (most records)
            return True
        if getattr(record, "ca_label", None) is not None:
            return True
        if isinstance(record, SecretMaker):
            return record.type_label is not None or record.obj.ref in self.named_by
        if kind == "Secret":
            return (record.label_type is not None or record.legacy_type is not None
                    or record.obj.ref in self.named_by)
        return False

    def live_version(self, record: Record) -> Record | None:
        """The object as it is in the cluster: the record itself if live, the live record a manifest
        redefines (an update), or None (the apply creates it)."""
        if record.obj.is_live:
            return record
        ref = record.obj.ref
        return self.replaced.get(ref)

    def granted(self, source: tuple[str, str, str], namespace: str, group: str, kind: str, name: str) -> bool:
        """Whether a ReferenceGrant in ``namespace`` lets objects of ``source`` (group, kind, namespace)
        refer to the ``group``/``kind`` object ``name`` there; the grants are grouped by namespace once."""
        grants = self.memo.get("grants_by_namespace")
        if grants is None:
            grants = self.memo["grants_by_namespace"] = {}
            for grant in self.all_of("ReferenceGrant"):
                grants.setdefault(grant.obj.ref.namespace, []).append(grant)
        return any(grant.allows(*source, group, kind, name) for grant in grants.get(namespace, ()))

    def claimant(self, record: Record, key: tuple) -> Claimant:
        """``record`` in a contest KIC settles by age: its live creationTimestamp (an object the apply
        updates keeps it; one it creates has none yet), then ``key``, then apply order."""
        live = self.live_version(record)
        return Claimant(record.obj.ref.id, live.created if live is not None else None, live is not None, key,
                        record.obj.doc.order)

    def kic_order(self, records: list) -> tuple[list, list]:
        """Ingress-like objects as KIC orders them (creationTimestamp, then ``namespace/name`` as text), and
        those that may come first when apply timing decides."""
        by_id = {record.obj.ref.id: record for record in records}
        order, possible = by_age([self.claimant(record, (f"{record.obj.ref.namespace}/{record.obj.ref.name}",))
                                  for record in records])
        return [by_id[c.ref] for c in order], [by_id[c.ref] for c in possible]

    def exact_class(self, record: Classed) -> bool:
        """Its class annotation equals --ingress-class: what KIC's webhook checks (never a default class)."""
        annotation = record.class_annotation
        return annotation is not None and annotation.text == self.settings.ingress_class

    def definitions(self, ref) -> list[Obj]:
        """Every definition of the object ``ref`` names, in apply order (the last one wins)."""
        record = self.records.get(ref)
        return self.shadowed.get(ref, []) + ([record.obj] if record is not None else [])

    def made_secrets(self) -> list[SecretMaker]:
        """The SealedSecrets and ExternalSecrets that make a Secret some processed consumer names."""
        return list({id(a.maker): a.maker for a in self.attachments if a.maker is not None}.values())

    def other_classes(self) -> dict[str, Classed]:
        """When the input (live objects aside) holds classed objects, none of them processed, and some
        carry another class annotation: each such class -> its first object in apply order; else {}."""
        if any(not record.obj.is_live for records in self.processed.values() for record in records):
            return {}
        wanted = self.settings.ingress_class
        first: dict[str, Classed] = {}
        for ignored in self.ignored:
            record = ignored.record
            annotation = record.class_annotation
            if not record.obj.is_live and annotation is not None and annotation.text and annotation.text != wanted:
                first.setdefault(annotation.text, record)
        return first

    def wanted_services(self) -> set[str]:
        """Names of the Services a rule may need that a document kept unparsed could define: every Service a
        multi-backend HTTPRoute or GRPCRoute rule names, and every Service in the index (a later definition
        without konghq.com/ annotations replaces it).  Such a Service is parsed only then (loading/prefilter.py)."""
        wanted = {record.obj.ref.name for record in self.all_of("Service")}
        for kind in ("HTTPRoute", "GRPCRoute"):
            for route in self.all_of(kind):
                for rule in route.rules:
                    refs = [b.ref for b in rule.backends if b.ref.kind == "Service" and b.ref.name is not None]
                    if len(refs) > 1:
                        wanted.update(ref.name.text for ref in refs)
        return wanted

    @property
    def kong_resources(self) -> int:
        return sum(map(self.is_kong_relevant, self.records.values()))


def _refuse(index: KongIndex, obj: Obj | None, error: ScanError) -> None:
    """An input error: the API server refuses the object, so it never exists (the first error names it)."""
    index.errors.append(error)
    if obj is not None:
        index.input_refused.setdefault((obj.ref.kind, obj.ref.namespace, obj.ref.name), error)


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def _timestamp(obj: Obj) -> str | None:
    """metadata.creationTimestamp; the API server refuses text that is not an RFC 3339 time."""
    text = obj.get(obj.metadata, "creationTimestamp", str, "metadata.creationTimestamp")
    if text is None:
        return None
    try:
        valid = _RFC3339.fullmatch(text) is not None and datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        valid = False
    if not valid:
        raise FieldError(f"{obj.ref.kind} {obj.ref.name!r}: metadata.creationTimestamp is not an RFC 3339 time; "
                         "the API server refuses it", obj.metadata.where("creationTimestamp")[0])
    return text


def _control_plane(obj: Obj) -> str | None:
    spec = obj.get(obj.body, "spec", LMap, "spec")
    ref = obj.get(spec, "controlPlaneRef", LMap, "spec.controlPlaneRef") if spec else None
    return obj.get(ref, "type", str, "spec.controlPlaneRef.type") if ref else None


class _Reader:
    """Builds records: the kind's parser module, then what every record has."""

    def __init__(self, settings: Settings) -> None:
        self.install = settings.install
        self.selects = bool(self.install.skips_labels)  # else every object is sent to the webhook
        self.modules: dict[str, object] = {}
        self.parsers: dict[str, list] = {}  # kind -> [its row, its parser, the unique paths it does not read]

    def module(self, row: Kind):
        found = self.modules.get(row.kind)
        if found is None:
            found = self.modules[row.kind] = importlib.import_module(row.parser)
        return found

    def record(self, obj: Obj) -> Record:
        found = self.parsers.get(obj.ref.kind)
        if found is None:
            row = BY_KIND[obj.ref.kind]
            found = self.parsers[row.kind] = [row, self.module(row).parse, None]
        row, parse, paths = found
        # before any of them is read, and those only read later (plugins, suppressions)
        labels, annotations = obj.check_metadata_text()
        record = parse(obj)
        if "creationTimestamp" in obj.metadata:
            record.created = _timestamp(obj)
        if annotations is not None:  # else the record's defaults: no tags, no class annotation
            if TAGS_ANNOTATION in annotations:
                record.tags = metadata_value(obj, annotations, TAGS_ANNOTATION)
            if row.classed:
                record.class_annotation = metadata_value(obj, annotations, CLASS_ANNOTATION)
        if labels is not None and self.selects:  # an object without labels matches no label selector: it is sent
            record.to_webhook = webhook.sent(self.install, labels.get)
        if paths is None:  # the record's FIELDS are its parser's: known once a record is made
            paths = found[2] = [(path, ".".join(path)) for path in unique.paths_of(row.kind)
                                if ".".join(path) not in record.FIELDS]
        if paths:
            values = {}
            for path, dotted in paths:
                value = path_value(obj, path)
                if value is not None:
                    values[dotted] = value
            if values:
                record.unique = values
        if row.classed:
            if obj.body.get("spec") is not None:  # else no controlPlaneRef: the record's default
                record.control_plane = _control_plane(obj)
            if row.class_field is not None:
                record.class_name = path_value(obj, row.class_field)
        return record


class Digest(NamedTuple):
    """What one document gives the index, worked out once (as it is loaded, or when the index is built);
    a document that gives only a record keeps the record itself (``digest_of``)."""

    record: Record | None  # None: skipped or refused
    problems: tuple  # (Obj or None, ScanError): why the API server refuses the object
    skipped: str | None  # for --verbose: a kind kongcheck does not read
    refs: frozenset | None  # the Secrets it names (secret_references), when asked for


# the annotations read once a document's record is made (by the plugins index, suppressions, kustomize
# origins, and the CA certificate class check); a document keeps these, and its kind's position, only
_KEPT = frozenset({PLUGINS_ANNOTATION, IGNORE_ANNOTATION, ORIGIN_ANNOTATION})
_KEPT_CA = _KEPT | {CLASS_ANNOTATION}


def _kept_metadata(metadata, kept: frozenset) -> LMap:
    """``metadata`` with only the ``kept`` annotations, as written (a value of the wrong type stays, so
    that reading it fails as before); the shared empty mapping when there are none."""
    annotations = metadata.get("annotations") if isinstance(metadata, LMap) else None
    if not isinstance(annotations, LMap) or kept.isdisjoint(annotations):
        return RELEASED
    entries = LMap()
    entries.line, entries.column, entries.pos = annotations.line, annotations.column, {}
    for name in kept.intersection(annotations):
        entries[name] = annotations[name]
        entries.pos[name] = annotations.where(name)
    reduced = LMap(annotations=entries)
    reduced.line, reduced.column, reduced.pos = metadata.line, metadata.column, {"annotations": metadata.where("annotations")}
    return reduced


def digest_of(doc: Document) -> Digest | None:
    """What the index made of a document as it was loaded (None: it was not digested)."""
    digest = doc.digest
    return digest if digest is None or digest.__class__ is Digest else Digest(digest, (), None, None)


def _release(doc: Document, digest: Record | Digest) -> None:
    """Drop a digested document's tree; its record holds every value the rules read (a refused object
    keeps only its name, which its errors carry)."""
    if digest.__class__ is Digest:
        record = digest.record
        objs = [record.obj] if record is not None else [obj for obj, _ in digest.problems if obj is not None]
    else:
        record, objs = digest, None  # a document that gave only its record (most)
    kept = _KEPT_CA if getattr(record, "ca_label", None) is not None else _KEPT
    metadata = _kept_metadata(doc.body.get("metadata"), kept)
    if metadata is RELEASED:
        doc.body = RELEASED
    else:
        doc.body = LMap(metadata=metadata)
        doc.body.line, doc.body.column, doc.body.pos = metadata.line, metadata.column, {}
    if objs is None:
        record.obj.release(metadata, kept)
    else:
        for obj in objs:
            obj.release(metadata, kept)


def _digest(doc: Document, namespace: str, reader: _Reader, references: bool = False) -> Record | Digest:
    """What a document gives the index: its record alone when that is all (most documents), else a Digest."""
    obj = None
    refs = frozenset(_references(doc, namespace)) if references else None
    try:
        obj = identify(doc, doc.source.namespace or namespace)
        if obj is None:
            skipped = f"{doc.source.name}:{doc.body.line}: kind {doc.body.get('kind')!r} is not one kongcheck reads"
            return Digest(None, (), skipped, refs)
        record = reader.record(obj)
    except FieldError as exc:
        return Digest(None, ((obj, doc.located_error(exc.line, str(exc))),), None, refs)
    bad_values = getattr(record, "bad_values", None)
    if bad_values:  # the API server refuses the whole object
        return Digest(None, tuple((obj, doc.located_error(bad.line, f"{obj.ref.kind} {obj.ref.name!r}: {bad.problem}"))
                                  for bad in bad_values), None, refs)
    return record if refs is None else Digest(record, (), None, refs)


class Digester:
    """Makes each document's record as it is loaded (``LoadResult.digest``) and then drops the document's
    tree but for the ``_KEPT`` annotations: the records hold every value the rules read, so a scan's memory follows the
    records, not the documents.  ``references``: also note the Secrets each document names (a live
    fetch asks for them once the files are loaded)."""

    def __init__(self, settings: Settings, references: bool = False) -> None:
        self.reader = _Reader(settings)
        self.namespace = settings.namespace
        self.references = references

    def __call__(self, doc: Document) -> None:
        digest = doc.digest = _digest(doc, self.namespace, self.reader, self.references)
        _release(doc, digest)


def _collect(documents: list[Document], index: KongIndex, reader: _Reader) -> None:
    """Parse every relevant definition; the last one of each object wins."""
    namespace = index.settings.namespace
    records = index.records
    for doc in documents:
        digest = doc.digest if doc.digest is not None else _digest(doc, namespace, reader)
        if digest.__class__ is Digest:
            for obj, error in digest.problems:
                _refuse(index, obj, error)
            if digest.skipped is not None:
                index.skipped.append(digest.skipped)
            record = digest.record
            if record is None:
                continue
        else:
            record = digest  # a document that gave only its record
        ref = record.obj.ref  # the records are keyed by their ResourceRef: one tuple per object, no copy
        previous = records.setdefault(ref, record)
        if previous is not record:  # an earlier definition: the last one wins
            index.shadowed.setdefault(ref, []).append(previous.obj)
            if previous.obj.is_live and not record.obj.is_live:
                index.replaced[ref] = previous
            records[ref] = record


def _is_default_class(index: KongIndex) -> bool:
    settings = index.settings
    if settings.assume_default_class:
        return True
    found = index.find("IngressClass", "", settings.ingress_class)
    return bool(found is not None and found.is_default)


def _sort(index: KongIndex, reader: _Reader) -> list[Record]:
    """One pass over the winning records: group them by kind; note the Secrets that SealedSecrets and
    ExternalSecrets of the input make, by (namespace, name) (of two makers of one Secret the later in apply
    order counts; a live maker, from a snapshot, makes nothing more: what it made is in the cluster already,
    or it failed to make it); split the classed objects into processed, ignored and refused ones.  Returns
    the records with a CA certificate label."""
    index.default_class = default_class = _is_default_class(index)
    settings = index.settings
    target = settings.target
    kinds: dict[str, tuple] = {}  # kind -> (its row, its refusal check, its processed list, its records)
    by_kind: dict[str, list[Record]] = {}
    makers, labelled = [], []
    for record in index.records.values():
        kind = record.obj.ref.kind
        found = kinds.get(kind)
        if found is None:
            row = BY_KIND[kind]
            found = kinds[kind] = (row, getattr(reader.module(row), "refused", None), [], [])
            by_kind[kind] = found[3]
        row, check, processed, records = found
        records.append(record)
        if getattr(record, "ca_label", None) is not None:
            labelled.append(record)
        if isinstance(record, SecretMaker) and record.target is not None and not record.obj.is_live:
            makers.append(record)
        refusal = check(record, target) if check is not None else None
        if refusal is not None:
            index.refused.append(refusal)
            continue
        if not row.classed:
            continue
        if row.since is not None and target.kic < row.since:  # whatever its class: the kind does not exist yet
            index.ignored.append(Ignored(record, missing_crd(row), True, crd_missing=True))
            continue
        reason = ignored_reason(record, settings, default_class)
        if reason is not None:
            index.ignored.append(Ignored(record, *reason))
        else:
            if not processed:
                index.processed[kind] = processed  # in the order kinds are first processed
            processed.append(record)
    index.by_kind = by_kind
    for maker in sorted(makers, key=lambda r: r.obj.doc.order):
        index.makers[(maker.obj.ref.namespace, maker.target)] = maker
    return labelled


def _credential_type(secret: Record, reads_label: bool, reads_legacy_type: bool) -> tuple[str | None, str | None]:
    """The credential type KIC reads of ``secret`` (the target's ``reads_label`` and ``reads_legacy_type``), and from where."""
    label = secret.label_type
    if label is not None and reads_label:
        return label, "label"
    legacy = secret.legacy_type
    if legacy is not None and reads_legacy_type:
        return legacy, "legacy"
    return None, None


def _attach(index: KongIndex) -> None:
    """Resolve every processed object's Secret references in its own namespace (KIC looks nowhere else)."""
    target = index.settings.target
    reads_label, reads_legacy_type = target.reads_label, target.reads_legacy_type  # worked out once, not per reference
    find = index.find
    for row in BY_KIND.values():
        if row.secret_refs is None:
            continue
        for owner in index.of(row.kind):
            namespace = owner.obj.ref.namespace
            for name in getattr(owner, row.secret_refs):
                secret = find("Secret", namespace, name.text)
                if secret is not None:
                    name.text = secret.obj.ref.name  # the same text: one copy of it is kept
                    cred_type, via = _credential_type(secret, reads_label, reads_legacy_type)
                    attachment = Attachment(owner, name, secret, cred_type, via)
                    _named(index.named_by, secret.obj.ref, attachment)
                else:
                    refused = index.input_refused.get(("Secret", namespace, name.text))
                    maker = None if refused else index.makers.get((namespace, name.text))
                    attachment = Missing(owner, name, refused, maker)
                    if maker is not None:
                        _named(index.named_by, maker.obj.ref, attachment)
                index.attachments.append(attachment)


def _named(named_by: dict, ref: ResourceRef, attachment: Attachment) -> None:
    """Note that ``attachment`` names ``ref``: the attachment alone while it is the only one (most Secrets)."""
    found = named_by.setdefault(ref, attachment)
    if found is not attachment:
        if isinstance(found, Attachment):
            named_by[ref] = found = [found]
        found.append(attachment)


def build(documents: list[Document], settings: Settings, unread: int = 0) -> KongIndex:
    """``unread``: how many sources had input errors before any object could be named."""
    index = KongIndex(settings, unread=unread)
    reader = _Reader(settings)
    _collect(documents, index, reader)
    labelled = _sort(index, reader)
    _attach(index)
    index.ca_certificates = _ca_certificates(index, labelled)
    return index


def _ca_certificates(index: KongIndex, labelled: list[Record]):
    """The CA certificates KIC builds from the ``labelled`` records (index/cacerts.py, imported only when
    some object is labelled)."""
    if not labelled:
        return None
    from kongcheck.index import cacerts

    return cacerts.build(labelled, index)


def secret_references(documents: list[Document], default_namespace: str) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret an object in ``documents`` lists in its kind's
    ``secret_refs`` field or names as a TLS certificate (facts/tls.py), read without building the
    index (a live fetch needs them first)."""
    refs: set[tuple[str, str]] = set()
    for doc in documents:
        digest = digest_of(doc)
        found = digest.refs if digest is not None else None
        refs.update(found if found is not None else _references(doc, default_namespace))
    return refs


def _references(doc: Document, default_namespace: str) -> set[tuple[str, str]]:
    refs = set()
    body = doc.body
    row = BY_KIND.get(body.get("kind"))
    field_name = row.secret_refs if row is not None else None
    metadata = body.get("metadata")
    if row is None or not isinstance(metadata, dict):
        return refs
    namespace = metadata.get("namespace") or doc.source.namespace or default_namespace
    if isinstance(namespace, str):
        refs |= tls_facts.tls_refs(body, namespace)
    names = body.get(field_name) if field_name is not None else None
    if isinstance(namespace, str) and isinstance(names, list):
        refs.update((namespace, name) for name in names if isinstance(name, str))
    return refs
