"""The plain data that flows through the pipeline: locations, errors, findings.

Every stage (sources -> loading -> index -> rules -> report) speaks in these types, so
a position read by the YAML loader reaches every reporter unchanged.
"""
from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


class Location(NamedTuple):
    """Where a value (or an input error) lives.

    ``file`` is the path as the user gave it, ``<stdin>``, a rendered template or origin path,
    ``helm:<chart>``/``kustomize:<dir>`` for a rendered stream, or ``cluster:<context>/<ns>/<Kind>/<name>``;
    ``source`` says which of these it is (file, stdin, helm, kustomize, cluster, input).  ``stream``
    is set when the position in the rendered stream differs from the file a person edits (helm or
    kustomize output with an origin), and ``detail`` carries extra words for people (e.g.
    ``rendered doc line 7``).  Every Location is made by ``kongcheck.loading.locate`` or names a
    whole input.
    """

    file: str
    line: int | None = None
    column: int | None = None
    source: str = "file"
    stream: str | None = None
    detail: str | None = None

    @property
    def is_file(self) -> bool:
        """Whether ``file`` names a file a person edits (so CI tools can annotate it): a scanned
        file, or the template/origin of a rendered object; not stdin, a rendered stream, a live
        object or a whole input."""
        return self.source == "file" or (self.source in ("helm", "kustomize") and self.stream is not None)

    def __str__(self) -> str:
        text = self.file
        if self.line is not None and self.stream is None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        extras = [part for part in (self.detail, self.stream) if part]
        if extras:
            text += f" ({', '.join(extras)})"
        return text


class ResourceRef(NamedTuple):
    """A Kubernetes object as people name it: ``namespace/Kind/name``."""

    kind: str
    namespace: str  # "" for cluster-scoped kinds
    name: str
    group: str = ""

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.kind}/{self.name}"

    def __str__(self) -> str:
        return self.id


class Participant(NamedTuple):
    """One resource's part in a finding, located at the offending field value."""

    ref: ResourceRef
    location: Location


class ScanError(NamedTuple):
    """Input that could not be read or understood; makes the run exit 2.  It is located like a
    finding's participant (the same ``locate()``), so a rendered document's error names its template."""

    location: Location
    message: str

    @property
    def file(self) -> str:
        return self.location.file

    @property
    def line(self) -> int | None:
        return self.location.line

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def plural(count: int, word: str) -> str:
    """``1 finding``, ``2 findings``: a count with its noun, as every message writes it."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def input_error(name: str, message: str, source: str = "file", line: int | None = None) -> ScanError:
    """An error about a whole input (a file, folder, stream, render or the cluster), or one of its lines."""
    return ScanError(Location(name, line, source=source), message)


class Finding:
    __slots__ = ("rule", "severity", "message", "participants", "entity", "field", "value_fingerprint", "outcome",
                 "kept", "dropped", "suppressed", "suppressed_by", "live_only", "value", "title")

    def __init__(self, rule: str, severity: str, message: str, participants: list[Participant],
                 entity: str | None = None, field: str | None = None, value_fingerprint: str | None = None,
                 outcome: str | None = None, kept: list[str] | None = None, dropped: list[str] | None = None,
                 suppressed: bool = False, suppressed_by: str | None = None, live_only: bool = False,
                 value: object | None = None, title: str | None = None) -> None:
        self.rule = rule
        self.severity = severity
        self.message = message
        self.participants = participants
        self.entity = entity  # Kong entity, e.g. jwt_secrets
        self.field = field  # Kong field, e.g. key
        # the clashing value's keyed fingerprint (kongcheck.redact), as shown
        self.value_fingerprint = value_fingerprint
        self.outcome = outcome
        self.kept = [] if kept is None else kept
        self.dropped = [] if dropped is None else dropped
        self.suppressed = suppressed
        self.suppressed_by = suppressed_by  # annotation | comment | baseline (when suppressed)
        self.live_only = live_only  # every participant is a live cluster object (--cluster, --cluster-snapshot)
        self.value = value  # redact.Sealed: the clashing value, for the baseline's slow digest only
        self.title = title  # the start of ``message`` that says what clashes in a few words (see ``lead()``)

    def lead(self) -> tuple[str, str]:
        """(what clashes, the rest of the message): the message split after its title, or, for a
        message without one, after its first clause."""
        title = self.title if self.title and self.message.startswith(self.title) else None
        if title is None:
            ends = [end for end in (self.message.find(sep) for sep in (". ", ": ", "; ")) if end > 0]
            title = self.message[:min(ends)] if ends else self.message
        return title, self.message[len(title):].lstrip(" .:;,")

    def sort_key(self) -> tuple:
        first = self.participants[0].location if self.participants else Location("")
        return (first.file, first.line or 0, self.rule, self.message)
