"""Reporters: one module per output format, each with ``render(result, options, stream)``.

Modules are imported only when their format is asked for, so a plain scan never pays for rich
or a schema library.  Every format gets the same ReportOptions and shares the views of
report/common.py (what is a file, severities, the summary line).
"""
from __future__ import annotations

import importlib
from typing import NamedTuple

FORMATS = {
    "text": "kongcheck.report.text",
    "json": "kongcheck.report.json_report",
    "sarif": "kongcheck.report.sarif",
    "github": "kongcheck.report.github",
    "junit": "kongcheck.report.junit",
    "markdown": "kongcheck.report.markdown",
}


class ReportOptions(NamedTuple):
    """What every format is asked to show."""

    fail_on: str = "error"
    show_suppressed: bool = False  # list suppressed findings too (each format marks them as such)
    disabled_rules: frozenset = frozenset()
    rule_severity: dict = {}
    max_locations: int = 10  # participants listed per finding, the rest counted ("and N more"); 0: all
    color: bool | None = None  # text: colour on or off; None: on a terminal only (the CLI decides, see --color)
    quiet: bool = False  # text: findings and errors only, no summary line (--quiet)

    @classmethod
    def of(cls, settings, show_suppressed: bool = False, max_locations: int = 10, color: bool | None = None,
           quiet: bool = False) -> "ReportOptions":
        from kongcheck.verdict.policy import disabled

        return cls(settings.fail_on, show_suppressed, disabled(settings), dict(settings.rule_severity),
                   max_locations, color, quiet)


def renderer(name: str):
    return importlib.import_module(FORMATS[name]).render
