"""What every format agrees on: which findings to show, how severities rank, how many
participants a finding lists, the summary line."""
from __future__ import annotations

from kongcheck.model import Finding, plural, severity_rank


def shown(result, options) -> list[Finding]:
    """The findings a report lists: the open ones, and the suppressed ones when asked for."""
    return [f for f in result.findings if options.show_suppressed or not f.suppressed]


def listed(items: list, limit: int) -> tuple[list, int]:
    """The first ``limit`` items (all of them when ``limit`` is 0) and how many are left out: what
    keeps a report linear in the findings when thousands of objects share one value."""
    if not limit or len(items) <= limit:
        return list(items), 0
    return list(items[:limit]), len(items) - limit


def more(count: int) -> str:
    return f"and {count} more"


def failing(finding: Finding, fail_on: str) -> bool:
    """Whether the finding alone would make the run fail with --fail-on."""
    return (not finding.suppressed and fail_on != "never"
            and severity_rank(finding.severity) >= severity_rank(fail_on))


def help_line(rule: str) -> str:
    """Where a finding's rule is explained: the command and the section of the rules page."""
    from kongcheck.rules.docs import link

    return f"kongcheck rules {rule} ({link(rule)})"


def summary_line(result) -> str:
    open_findings = [f for f in result.findings if not f.suppressed]
    counts = {severity: sum(1 for f in open_findings if f.severity == severity) for severity in ("error", "warning")}
    text = (f"{plural(len(open_findings), 'finding')} ({plural(counts['error'], 'error')}, "
            f"{plural(counts['warning'], 'warning')}) in {plural(result.files, 'file')}, "
            f"{plural(result.documents, 'document')}, {plural(result.kong_resources, 'Kong resource')}")
    if result.ignored:
        text += f" ({result.ignored} ignored by the controller)"
    if result.live_objects:
        text += f" (with {plural(result.live_objects, 'live object')} from the cluster)"
    suppressed = len(result.findings) - len(open_findings)
    if suppressed:
        text += f"; {suppressed} suppressed"
    if result.errors:
        text += f"; {plural(len(result.errors), 'input error')}"
    return text
