"""``--format github``: GitHub Actions workflow commands, so findings show inline on a pull request.

One ``::error``/``::warning``/``::notice`` command per participant location (each file in a clash
gets its annotation), one per input error, then a plain summary line.  Property values and
messages are escaped as the runner expects (``%``, CR, LF; ``:`` and ``,`` too in properties).
"""
from __future__ import annotations

from kongcheck.model import Finding, Location
from kongcheck.report.common import shown, summary_line
from kongcheck.report.paths import display_path

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _where(location: Location) -> dict:
    if not location.is_file or not location.file:
        return {}
    return {"file": display_path(location.file), "line": location.line, "col": location.column}


def finding_commands(finding: Finding) -> list[str]:
    lines = []
    for participant in finding.participants:
        others = [f"{p.ref.id} at {p.location}" for p in finding.participants if p is not participant]
        message = f"{participant.ref.id}: {finding.message}"
        if others:
            message += "\nAlso involved: " + "; ".join(others)
        title = f"kongcheck {finding.rule}"
        name = _COMMAND[finding.severity]
        if finding.suppressed:  # listed with --show-suppressed: a notice, never an error
            name, title = "notice", f"{title} (suppressed)"
        lines.append(command(name, message, **_where(participant.location), title=title))
    return lines


def render(result, options, stream) -> None:
    out = []
    for finding in shown(result, options):
        out.extend(finding_commands(finding))
    for error in result.errors:
        location = error.location
        where = {"file": display_path(location.file), "line": location.line} if location.is_file else {}
        message = error.message if location.is_file else f"{location}: {error.message}"
        out.append(command("error", message, **where, title="kongcheck input error"))
    out.append(summary_line(result))
    stream.write("".join(line + "\n" for line in out))
