"""A rule's explanation as `kongcheck rules RULE_ID` prints it, and as Markdown for SARIF help."""
from __future__ import annotations

from kongcheck.rules.base import RuleInfo


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def text(info: RuleInfo) -> str:
    return (f"{info.id} ({info.severity})\n\n{info.summary}\n\nWhy: {info.behaviour}\n\n"
            f"Example:\n\n{_indent(info.example)}\nFix: {info.fix}")


def markdown(info: RuleInfo) -> str:
    return (f"**{info.id}** ({info.severity}): {info.summary}\n\n**Why:** {info.behaviour}\n\n"
            f"**Example:**\n\n```yaml\n{info.example.rstrip()}\n```\n\n**Fix:** {info.fix}\n")
