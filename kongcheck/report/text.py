"""``--format text``: findings grouped with their participants, then errors, then a summary.

Lines are built as (text, style) segments.  On a terminal they are printed with rich
(colours); anywhere else they are written plainly, and rich is never imported.
"""
from __future__ import annotations

from kongcheck.escape import safe
from kongcheck.model import Finding
from kongcheck.report.common import shown, summary_line

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _finding_lines(finding: Finding) -> list[list[tuple[str, str]]]:
    lines = [[(f"{finding.severity:<7}", _SEVERITY_STYLE[finding.severity]), (f" {finding.rule}", "bold"),
              ("  " + safe(finding.message), "")]]
    places = [(safe(str(p.location)), safe(p.ref.id)) for p in finding.participants]
    width = max(len(place) for place, _ in places) if places else 0
    for place, ref in places:
        lines.append([(f"  {place:<{width}}", "cyan"), (f"  {ref}", "")])
    if finding.outcome:
        detail = f"  outcome: {finding.outcome}"
        if finding.kept:
            detail += f"; kept: {', '.join(map(safe, finding.kept))}"
        if finding.dropped:
            detail += f"; dropped: {', '.join(map(safe, finding.dropped))}"
        lines.append([(detail, "dim")])
    if finding.suppressed:
        lines.append([("  (suppressed)", "dim")])
    if finding.live_only:
        note = " (fails the run only with --fail-on-live)" if finding.severity == "warning" else ""
        lines.append([(f"  already in the cluster: no manifest takes part{note}", "dim")])
    return lines


def build_lines(result, options) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = []
    for finding in shown(result, options):
        lines.extend(_finding_lines(finding))
        lines.append([])
    for error in result.errors:
        lines.append([("error  ", "bold red"), (safe(str(error)), "")])
    if result.errors:
        lines.append([])
    style = "bold red" if any(f.severity == "error" and not f.suppressed for f in result.findings) else "green"
    if not result.findings and not result.errors:
        lines.append([("no collisions found: ", "green"), (summary_line(result), "")])
    else:
        lines.append([(summary_line(result), style)])
    return lines


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render(result, options, stream) -> None:
    lines = build_lines(result, options)
    if not _is_terminal(stream):
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*line))
