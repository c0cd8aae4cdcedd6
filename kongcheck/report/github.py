"""``--format github``: GitHub Actions workflow commands, so findings show inline on a pull request.

One ``::error``/``::warning``/``::notice`` command per finding, on its first participant that is a
file, naming the others (at most ``--max-locations``, then "and N more"): GitHub shows at most ten
annotations of each kind per step, so each finding gets one.  Then one command per input error
and a plain summary line.  Every piece of input text is made safe first (kongcheck.escape: no
control, no line break, nothing the runner reads as a command), then property values and
messages are escaped as the runner expects (``%``, CR, LF; ``:`` and ``,`` too in properties);
the only line breaks in a message are kongcheck's own.
"""
from __future__ import annotations

from kongcheck.escape import safe
from kongcheck.model import Finding
from kongcheck.report.common import listed, more, shown, summary_line
from kongcheck.report.paths import Anchor, anchor, display_path

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
SHOWN_PER_STEP = 10  # GitHub shows at most this many annotations of each kind per step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(safe(str(value)))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _where(where: Anchor | None) -> dict:
    if where is None:
        return {}
    return {"file": display_path(where.file, must_exist=not where.local), "line": where.line, "col": where.column}


def _first(participants: list) -> tuple[int, Anchor | None]:
    """The participant annotated: the first in a file, else the first read from a snapshot file,
    else the first (no file: the annotation names its place in the message)."""
    fallback = None
    for i, participant in enumerate(participants):
        if participant.location.is_file:
            return i, anchor(participant.location)
        if fallback is None:
            where = anchor(participant.location)
            if where is not None:
                fallback = (i, where)
    return fallback or (0, None)


def finding_command(finding: Finding, limit: int) -> str:
    """The one annotation of a finding: on its first participant that is a file, naming the others
    (at most ``limit``, 0: all, then "and N more")."""
    participants = finding.participants
    index, where = _first(participants) if participants else (None, None)
    first = participants[index] if participants else None
    if first is None:
        lines = [safe(finding.message)]
    elif first.location.is_file:
        lines = [f"{safe(first.ref.id)}: {safe(finding.message)}"]
    else:
        lines = [f"{safe(first.ref.id)} ({safe(str(first.location))}): {safe(finding.message)}"]
    others, left = listed([p for i, p in enumerate(participants) if i != index], limit)
    if others:
        also = "; ".join(f"{safe(p.ref.id)} at {safe(str(p.location))}" for p in others)
        lines.append(f"Also involved: {also}{'; ' + more(left) if left else ''}")
    title = f"kongcheck {finding.rule}"
    name = _COMMAND[finding.severity]
    if finding.suppressed:  # listed with --show-suppressed: a notice, never an error
        name, title = "notice", f"{title} (suppressed)"
    return command(name, "\n".join(lines), **_where(where), title=title)


def render(result, options, stream) -> None:
    out = [finding_command(finding, options.max_locations) for finding in shown(result, options)]
    for error in result.errors:
        location = error.location
        where = ({"file": display_path(location.file, must_exist=location.source != "file"), "line": location.line}
                 if location.is_file else {})
        message = safe(error.message if location.is_file else f"{location}: {error.message}")
        out.append(command("error", message, **where, title="kongcheck input error"))
    errors = sum(1 for line in out if line.startswith("::error"))
    if errors > SHOWN_PER_STEP:
        out.append(command("notice", f"{errors} error annotations: GitHub shows {SHOWN_PER_STEP} per step; the log "
                                     "above and the job summary list every one", title="kongcheck"))
    out.append(summary_line(result))
    stream.write("".join(line + "\n" for line in out))
