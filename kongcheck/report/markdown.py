"""``--format markdown``: a GitHub job summary (``$GITHUB_STEP_SUMMARY``), or any Markdown page.

A status line, then one table row per finding: severity, rule (a link to its explanation at the
end of the page), the resources and where each is (at most ``--max-locations``, then "and N
more"; a link to the file at the commit on GitHub Actions), what the cluster does (the outcome,
what is kept and dropped) and the message; then the input errors; then each rule that fired,
explained as ``kongcheck rules RULE`` does.

Every piece of input text is made safe first (kongcheck.escape: one line, no control), then
each ASCII punctuation that Markdown or HTML syntax uses is backslash-escaped (CommonMark lets
any ASCII punctuation be), so no
name or path can close a table cell, open a code span, a link (``](javascript:``), an HTML tag
(``<script>``), an entity or a mention.  Nor can it become one of GitHub's extended autolinks:
``www.`` and ``http://`` are matched on the source text, which holds ``www\\.`` and ``http\\:``;
an email address is matched on the rendered text, where a backslash is gone, so every ``@`` is
followed by an invisible WORD JOINER (U+2060), and the address (or ``@team`` mention) is
shown as written but is no link.  File links are built from the percent-encoded path,
so they hold no character that ends a link either.  GitHub keeps at most 1 MiB of a step's
summary: rows stop before that size with a line that counts the findings left out.
"""
from __future__ import annotations

import os
import re
from urllib.parse import quote

from kongcheck.escape import path_bytes, safe
from kongcheck.model import Finding, Location
from kongcheck.report.common import failing, listed, more, shown, summary_line
from kongcheck.report.paths import anchor, display_path
from kongcheck.rules import CATALOG, explain

SUMMARY_LIMIT = 1 << 20  # GitHub refuses a step summary larger than 1 MiB
_ROOM = 4 << 10  # kept for the headings and closing lines
# every ASCII punctuation that can start or end Markdown or HTML syntax: emphasis, code, links and
# images, HTML and autolinks (www. and scheme: included), entities, tables, headings, emoji and
# mentions, math, footnotes, ordered lists
_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()<>#+!|~&:@^$.]")
_WORD_JOINER = "\u2060"  # after "@": GitHub's email autolinks read the text after backslashes are gone
_MARK = {"error": ":x: error", "warning": ":warning: warning", "info": ":information_source: info"}


def text(value: object) -> str:
    """Input text for a Markdown page: one safe line with every character of Markdown syntax escaped."""
    return _PUNCTUATION.sub(_escaped, safe(str(value)))


def _escaped(match: re.Match) -> str:
    char = match.group()
    return "\\@" + _WORD_JOINER if char == "@" else "\\" + char


def _blob_base() -> str | None:
    """``https://github.com/OWNER/REPO/blob/SHA/`` on GitHub Actions (from the runner's variables)."""
    server = os.environ.get("GITHUB_SERVER_URL", "")
    repository = os.environ.get("GITHUB_REPOSITORY", "")
    sha = os.environ.get("GITHUB_SHA", "")
    if not (re.fullmatch(r"https://[A-Za-z0-9.-]+(:[0-9]+)?", server) and re.fullmatch(r"[\w.-]+/[\w.-]+", repository)
            and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha)):
        return None
    return f"{server}/{repository}/blob/{sha}/"


def _place(location: Location, blob: str | None) -> str:
    """Where a resource is: a link to the file and line when it is a file of the repository."""
    where = anchor(location)
    if where is None:
        return text(location)
    shown_path = display_path(where.file, must_exist=not where.local)
    if not location.is_file:  # a live object read from a snapshot file: named as such, linked to the file
        label = text(location)
    else:
        label = text(f"{shown_path}:{where.line}" if where.line else shown_path)
    if blob is None or os.path.isabs(shown_path) or shown_path.split("/", 1)[0] == "..":
        return label
    target = blob + quote(path_bytes(shown_path), safe="/") + (f"#L{where.line}" if where.line else "")
    return f"[{label}]({target})"


def _resources(finding: Finding, limit: int, blob: str | None) -> str:
    participants, left = listed(finding.participants, limit)
    lines = [f"{text(p.ref.id)} at {_place(p.location, blob)}" for p in participants]
    if left:
        lines.append(more(left))
    return "<br>".join(lines)


def _outcome(finding: Finding, limit: int) -> str:
    parts = [text(finding.outcome)] if finding.outcome else []
    for word, names in (("kept", finding.kept), ("dropped", finding.dropped)):
        if names:
            listed_names, left = listed(names, limit)
            parts.append(f"{word}: {', '.join(text(name) for name in listed_names)}"
                         f"{', ' + more(left) if left else ''}")
    if finding.suppressed:
        parts.append(f"suppressed \\({text(finding.suppressed_by or 'source')}\\)")
    if finding.live_only:
        parts.append("already in the cluster")
    return "<br>".join(parts) or "\\-"


def _row(finding: Finding, options, blob: str | None) -> str:
    severity = _MARK[finding.severity] + ("" if failing(finding, options.fail_on) or finding.suppressed
                                         else " \\(not failing\\)")
    rule = f"[{finding.rule}](#{finding.rule})" if finding.rule in CATALOG else text(finding.rule)
    cells = [severity, rule, _resources(finding, options.max_locations, blob), _outcome(finding, options.max_locations),
             text(finding.message)]
    return "| " + " | ".join(cells) + " |"


def _status(result, options, findings: list[Finding]) -> str:
    failed = result.errors or any(failing(f, options.fail_on) for f in findings)
    mark = ":x:" if failed else (":warning:" if findings else ":white_check_mark:")
    return f"## {mark} kongcheck: {text(summary_line(result))}"


def _rules(findings: list[Finding]) -> list[str]:
    """Each rule that fired, explained, under a heading its table links point at."""
    fired = {f.rule for f in findings}
    lines = ["### Rules", ""] if fired & set(CATALOG) else []
    for rule in (rule for rule in CATALOG if rule in fired):
        lines += [f"#### {rule}", "", explain.markdown(CATALOG[rule]).rstrip(), "",
                  f"`kongcheck rules {rule}` explains it in a terminal.", ""]
    return lines


def document(result, options) -> str:
    findings = shown(result, options)
    blob = _blob_base()
    rules = _rules(findings)
    lines = [_status(result, options, findings), ""]
    size = sum(len(line.encode("utf-8")) + 1 for line in lines + rules)
    if findings:
        lines += ["| Severity | Rule | Resources | Outcome | Message |", "| --- | --- | --- | --- | --- |"]
        for count, finding in enumerate(findings):
            row = _row(finding, options, blob)
            size += len(row.encode("utf-8")) + 1
            if size > SUMMARY_LIMIT - _ROOM:
                lines += ["", f"{len(findings) - count} more findings are not listed here: GitHub keeps 1 MiB "
                              "of a step summary. The log and the SARIF file list every one."]
                break
            lines.append(row)
        lines.append("")
    if result.errors:
        lines += ["### Input errors", "", "| Where | Error |", "| --- | --- |"]
        for count, error in enumerate(result.errors):
            row = f"| {_place(error.location, blob)} | {text(error.message)} |"
            size += len(row.encode("utf-8")) + 1
            if size > SUMMARY_LIMIT - _ROOM:
                lines.append(f"| | {len(result.errors) - count} more input errors: see the log |")
                break
            lines.append(row)
        lines.append("")
    lines += rules
    return "\n".join(lines).rstrip("\n") + "\n"


def render(result, options, stream) -> None:
    stream.write(document(result, options))
