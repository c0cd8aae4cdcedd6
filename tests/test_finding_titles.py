"""Every finding leads with a short title that says what clashes: the text format's lead line stays
readable (the rest of the message prints below the participants), and JSON keeps the message whole."""
from __future__ import annotations

import pytest

from kchelp import ROOT
from kongcheck.pipeline import Request, run
from kongcheck.settings import Settings

LONGEST_TITLE = 80


def _fixture_roots() -> list[str]:
    roots = []
    for base in ("fixtures/rules", "fixtures/example"):
        for path in sorted((ROOT / base).rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
                roots.append(str(path.relative_to(ROOT)))
    return roots


def _findings(root: str):
    return run(Request(paths=(str(ROOT / root),), settings=Settings())).findings


@pytest.fixture(scope="module")
def findings():
    found = []
    for root in ("fixtures/rules", "fixtures/example"):
        found += _findings(root)
    return found


def test_every_fixture_finding_has_a_title_at_the_front_of_its_message(findings):
    assert findings
    untitled = [(f.rule, f.message[:80]) for f in findings if not f.title or not f.message.startswith(f.title)]
    assert untitled == []


def test_every_lead_line_title_is_short(findings):
    long = [(f.rule, f.lead()[0]) for f in findings if len(f.lead()[0]) > LONGEST_TITLE]
    assert long == []


@pytest.mark.parametrize("root", _fixture_roots())
def test_each_fixture_file_alone_gives_short_titled_findings(root):
    for finding in _findings(root):
        title, rest = finding.lead()
        assert finding.title and finding.message.startswith(finding.title), (finding.rule, finding.message[:80])
        assert len(title) <= LONGEST_TITLE, (finding.rule, title)
        assert rest in finding.message
