"""Reporters: one module per output format, each with ``render(result, settings, stream)``.

Modules are imported only when their format is asked for, so a plain scan never pays
for rich or a schema library.
"""
from __future__ import annotations

import importlib

FORMATS = {
    "text": "kongcheck.report.text",
    "json": "kongcheck.report.json_report",
    "sarif": "kongcheck.report.sarif",
    "github": "kongcheck.report.github",
    "junit": "kongcheck.report.junit",
}


def renderer(name: str):
    return importlib.import_module(FORMATS[name]).render
