"""Suppressions written next to the resources: an annotation or a comment.

``metadata.annotations["kongcheck.io/ignore"]: "rule-id[,rule-id]"`` on a resource, or a
comment ``# kongcheck: ignore[rule-id,...]`` on the line of its ``kind:`` or on the line of the
offending field, removes that resource's part from a finding of those rules.  A finding is
suppressed when every participant's part is; a clash where only some sides are suppressed
still happens in the cluster, so it stays reported.  ``all`` matches every rule.  An unknown
rule id is a warning.
"""
from __future__ import annotations

import re
from itertools import chain
from operator import attrgetter

from kongcheck.facts.kube import IGNORE_ANNOTATION as ANNOTATION
from kongcheck.index import KongIndex
from kongcheck.index.objects import RELEASED, FieldError, Obj
from kongcheck.loading import SUPPRESSION_MARK
from kongcheck.model import Finding, Participant
from kongcheck.rules import CATALOG, closest

ALL = "all"
_COMMENT = re.compile(r"#\s*kongcheck:\s*ignore\[([^\]]*)\]")


def _ids(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


def _annotation(obj: Obj) -> tuple[str, tuple[int, int]] | None:
    try:
        return obj.annotation_entry(ANNOTATION)
    except FieldError:
        return None


def _comment_ids(obj: Obj, line: int | None) -> set[str]:
    if line is None:
        return set()
    match = _COMMENT.search(obj.doc.source_line(line))
    return _ids(match.group(1)) if match else set()


def _definition(index: KongIndex, participant: Participant) -> Obj | None:
    """The definition a participant points into: same file, the last document starting above it."""
    candidates = index.definitions(participant.ref)
    location = participant.location
    same_file = [obj for obj in candidates if obj.doc.source.name == location.file and location.line
                 and obj.doc.line <= location.line]
    if same_file:
        return max(same_file, key=lambda obj: obj.doc.line)
    return candidates[-1] if candidates else None


def _how(obj: Obj, participant: Participant, rule: str) -> str | None:
    """'annotation' or 'comment' if this participant's part in ``rule`` is suppressed."""
    annotation = _annotation(obj)
    if annotation and (_ids(annotation[0]) & {rule, ALL}):
        return "annotation"
    lines = {obj.kind_line}
    location = participant.location
    if location.stream is None and location.file == obj.doc.source.name:
        lines.add(location.line)
    if any(_comment_ids(obj, line) & {rule, ALL} for line in lines):
        return "comment"
    return None


def _reason(finding: Finding, index: KongIndex) -> str | None:
    """How every participant's part is suppressed (the first one's way), or None."""
    reasons = []
    for participant in finding.participants:
        obj = _definition(index, participant)
        how = _how(obj, participant, finding.rule) if obj is not None else None
        if how is None:
            return None
        reasons.append(how)
    return reasons[0] if reasons else None


def _unknown(text: str) -> list[str]:
    return sorted(rule for rule in _ids(text) if rule not in CATALOG and rule != ALL)


def _named(unknown: list[str]) -> str:
    """``'jwt-conflict' (did you mean 'jwt-key-conflict'?), 'x'``: each unknown id with its likely meaning."""
    parts = []
    for rule in unknown:
        meant = closest(rule, (ALL,))
        parts.append(f"{rule!r} (did you mean {meant!r}?)" if meant else repr(rule))
    return ", ".join(parts)


def _objects(index: KongIndex):
    """Every definition of the scanned objects: the winning ones, then the earlier ones."""
    return chain(map(attrgetter("obj"), index.records.values()), chain.from_iterable(index.shadowed.values()))


def _comment_warnings(obj: Obj, seen: set) -> list[str]:
    doc = obj.doc
    if (doc.source.name, doc.chunk_line) in seen:  # the items of one List share their piece
        return []
    seen.add((doc.source.name, doc.chunk_line))
    warnings = []
    for offset, text in enumerate(doc.chunk.decode("utf-8", "replace").split("\n")):
        match = _COMMENT.search(text)
        unknown = _unknown(match.group(1)) if match else []
        if unknown:
            warnings.append(f"{doc.source.name}:{doc.chunk_line + offset}: unknown rule "
                            f"{_named(unknown)} in a kongcheck: ignore comment (`kongcheck rules` lists them)")
    return warnings


def _check_ids(index: KongIndex) -> list[str]:
    """Warnings for unknown rule ids in every suppression of the scanned objects."""
    warnings: list[str] = []
    seen: set = set()
    for obj in _objects(index):
        # a definition whose tree was released keeping no annotation (most) has no suppression annotation
        annotation = _annotation(obj) if obj.metadata is not RELEASED else None
        if annotation:
            unknown = _unknown(annotation[0])
            if unknown:
                warnings.append(f"{obj.doc.source.name}:{annotation[1][0]}: unknown rule {_named(unknown)} "
                                f"in annotation {ANNOTATION} (`kongcheck rules` lists them)")
        text = obj.doc.text  # None: its piece's text was not kept, so it holds no kongcheck comment
        if text is not None and text.chunk.find(SUPPRESSION_MARK) >= 0:
            warnings.extend(_comment_warnings(obj, seen))
    return warnings


def apply(findings: list[Finding], index: KongIndex) -> list[str]:
    """Mark suppressed findings in place; return warnings about the suppressions themselves."""
    for finding in findings:
        if not finding.suppressed:
            reason = _reason(finding, index)
            if reason is not None:
                finding.suppressed, finding.suppressed_by = True, reason
    return _check_ids(index)


def ignored(findings: list[Finding], index: KongIndex) -> int:
    """How many findings the suppressions would silence; ``--untrusted`` ignores them, since the
    change being scanned may have written them (even on a copy of an object defined later)."""
    return sum(1 for finding in findings if not finding.suppressed and _reason(finding, index) is not None)
