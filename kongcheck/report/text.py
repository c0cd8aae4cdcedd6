"""``--format text``: each finding as a short lead line, its participants, what KIC and Kong do and
where the rule is explained; then the input errors and the summary.

A finding reads::

    fixtures/example/vaults.yaml:9:11  error  vault-prefix-conflict  2 KongVaults share prefix 'app-secrets'
        /KongVault/env-vault  fixtures/example/vaults.yaml:9:11
        /KongVault/aws-vault  fixtures/example/vaults.yaml:19:11
      Kong would reject it with ... (what KIC and Kong do)
      outcome: losers-skipped; kept: /KongVault/aws-vault; dropped: /KongVault/env-vault
      help: kongcheck rules vault-prefix-conflict (docs/rules.md#vault-prefix-conflict)

Lines are built as styled segments and wrapped here, not in the text: on a terminal to its width,
at spaces only (a word, a path, a name or a fingerprint is never broken), the lead line moving its
title below the location and rule id when it does not fit; anywhere else (a file, a pipe, a CI log)
every line is written whole, as ruff does, so a log viewer or pager wraps it and grep finds each
sentence on one line.  Participant lines are never wrapped: one participant, one line.  Colour is
ANSI SGR codes, on when ReportOptions.color says so (the CLI's --color, NO_COLOR, FORCE_COLOR).
"""
from __future__ import annotations

import os
from typing import NamedTuple

from kongcheck.escape import safe
from kongcheck.model import Finding
from kongcheck.report.common import help_line, listed, more, shown, summary_line

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
NARROWEST = 20  # a terminal narrower than this is wrapped as if it had this many columns
Segment = tuple[str, str]  # (text, style): style is "" or words of _SGR


class Line(NamedTuple):
    segments: list[Segment]
    indent: int = 0  # the indent of continuation lines when the line is wrapped
    wrap: bool = True
    title_at: int | None = None  # lead line: where its title starts, moved to the next line if it does not fit


def _finding_lines(finding: Finding, options) -> list[Line]:
    title, rest = finding.lead()
    places = [p.location for p in finding.participants]
    first = next((place for place in places if place.is_file), places[0] if places else None)  # one you can edit
    lead = first.file if first and first.stream else str(first)  # a rendered one: its file (the details follow)
    head: list[Segment] = [(safe(lead), "bold"), ("  ", "")] if first else []
    head += [(finding.severity, _SEVERITY_STYLE[finding.severity]), ("  ", ""), (finding.rule, "bold"), ("  ", "")]
    lines = [Line(head + [(safe(title), "")], indent=2, title_at=sum(len(text) for text, _ in head))]
    participants, left = listed(finding.participants, options.max_locations)
    refs = [safe(p.ref.id) for p in participants]
    width = max(map(len, refs), default=0)
    for ref, participant in zip(refs, participants):
        lines.append(Line([(f"    {ref:<{width}}  ", ""), (safe(str(participant.location)), "cyan")], wrap=False))
    if left:
        lines.append(Line([(f"    {more(left)}", "dim")], wrap=False))
    if rest:
        lines.append(Line([("  " + safe(rest), "")], indent=2))
    if finding.outcome:
        detail = f"  outcome: {finding.outcome}"
        for word, names in (("kept", finding.kept), ("dropped", finding.dropped)):
            if names:
                named, left_out = listed(names, options.max_locations)
                detail += f"; {word}: {', '.join(map(safe, named))}{', ' + more(left_out) if left_out else ''}"
        lines.append(Line([(detail, "dim")], indent=4))
    if finding.suppressed:
        lines.append(Line([("  (suppressed)", "dim")]))
    if finding.live_only:
        note = " (fails the run only with --fail-on-live)" if finding.severity == "warning" else ""
        lines.append(Line([(f"  already in the cluster: no manifest takes part{note}", "dim")], indent=4))
    lines.append(Line([("  help: ", "bold"), (help_line(finding.rule), "")], indent=4))
    return lines


def build_lines(result, options) -> list[Line]:
    """Every line of the report, unwrapped."""
    lines: list[Line] = []
    for finding in shown(result, options):
        lines.extend(_finding_lines(finding, options))
        lines.append(Line([]))
    for error in result.errors:
        lines.append(Line([("error  ", "bold red"), (safe(str(error)), "")], indent=7))
    if options.quiet:
        return lines[:-1] if lines and not lines[-1].segments else lines
    if result.errors:
        lines.append(Line([]))
    style = "bold red" if any(f.severity == "error" and not f.suppressed for f in result.findings) else "green"
    if not result.findings and not result.errors:
        lines.append(Line([("no collisions found: ", "green"), (summary_line(result), "")], indent=2))
    else:
        lines.append(Line([(summary_line(result), style)], indent=2))
    return lines


def _breaks(text: str, width: int, indent: int, title_at: int | None) -> list[tuple[int, int]]:
    """(start, end) of each piece of ``text`` wrapped to ``width`` at spaces: a piece longer than the
    width (one long word) stays whole; the spaces at a break are dropped."""
    if len(text) <= width:
        return [(0, len(text))]
    pieces, start, room = [], 0, width
    if title_at is not None and 0 < title_at <= width:
        pieces.append((0, len(text[:title_at].rstrip())))
        start, room = title_at, width - indent
    while len(text) - start > room:
        cut = text.rfind(" ", start + 1, start + room + 1)
        if cut <= start:  # no space in reach: the word overflows, up to the next space
            cut = text.find(" ", start + room)
            if cut < 0:
                break
        end = len(text[start:cut].rstrip()) + start
        pieces.append((start, end))
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
        room = width - indent
    if start < len(text):
        pieces.append((start, len(text)))
    return pieces


def _styled(segments: list[Segment], start: int, end: int, color: bool) -> str:
    out, at = [], 0
    for text, style in segments:
        lo, hi = max(start, at), min(end, at + len(text))
        at += len(text)
        if lo >= hi:
            continue
        piece = text[lo - (at - len(text)):hi - (at - len(text))]
        if color and style:
            piece = f"\x1b[{';'.join(_SGR[word] for word in style.split())}m{piece}\x1b[0m"
        out.append(piece)
    return "".join(out)


def format_lines(lines: list[Line], width: int | None, color: bool) -> str:
    """The report's text: each line wrapped to ``width`` (None: not wrapped), coloured or plain."""
    out = []
    for line in lines:
        text = "".join(text for text, _ in line.segments)
        pieces = (_breaks(text, max(width, NARROWEST), line.indent, line.title_at)
                  if width and line.wrap else [(0, len(text))])
        for number, (start, end) in enumerate(pieces):
            prefix = " " * line.indent if number else ""
            out.append(prefix + _styled(line.segments, start, end, color) + "\n")
    return "".join(out)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal_width(stream) -> int | None:
    """The terminal's width ($COLUMNS when set, as shutil reads it), or None when it cannot be told."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        return None


def render(result, options, stream) -> None:
    terminal = _is_terminal(stream)
    width = _terminal_width(stream) if terminal else None
    color = terminal if options.color is None else options.color
    stream.write(format_lines(build_lines(result, options), width, color))
