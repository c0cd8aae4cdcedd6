"""``--format github``: GitHub Actions workflow commands, so findings show inline on a pull request.

One ``::error``/``::warning``/``::notice`` command per participant location (each file in a clash
gets its annotation), one per input error, then a plain summary line.  Property values and
messages are escaped as the runner expects (``%``, CR, LF; ``:`` and ``,`` too in properties).
"""
from __future__ import annotations

from kongcheck.model import Finding, Location
from kongcheck.report.paths import display_path
from kongcheck.report.text import summary_line

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_FILE_SOURCES = {"file", "helm", "kustomize"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _where(location: Location) -> dict:
    if location.source not in _FILE_SOURCES or not location.file:
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
        lines.append(command(_COMMAND[finding.severity], message, **_where(participant.location), title=title))
    return lines


def render(result, settings, stream) -> None:
    out = []
    for finding in result.findings:
        if not finding.suppressed:
            out.extend(finding_commands(finding))
    for error in result.errors:
        where = {"file": display_path(error.file), "line": error.line} if error.file != "<stdin>" else {}
        out.append(command("error", error.message, **where, title="kongcheck input error"))
    out.append(summary_line(result))
    stream.write("".join(line + "\n" for line in out))
