"""kongcheck as a library: ``kongcheck.scan(Request(...))`` gives the command line's verdict."""
from __future__ import annotations

import io
import json

import pytest

import kongcheck
from kchelp import ROOT, cli
from kongcheck.redact import comparable
from kongcheck.report import ReportOptions, renderer

CASES = [
    (["fixtures/example"], {}),
    (["fixtures/rules"], {"kic": "3.3"}),
    (["-"], {"stdin": (ROOT / "fixtures/example/consumers.yaml").read_bytes()}),
    (["fixtures/rules/webhook-rejects.yaml", "--baseline", "tests/data/empty-baseline.json"], {}),
    (["fixtures/nothing-here"], {}),
]


def _request(args, extra):
    from kongcheck.facts import versions
    from kongcheck.settings import Settings

    paths = tuple(a for a in args if not a.startswith("--") and not a.endswith(".json"))
    baseline = next((a for a in args if a.endswith(".json")), None)
    kic = extra.get("kic")
    settings = Settings(target=versions.Target(kic=versions.parse(kic, "KIC") if kic else versions.NEWEST_KIC))
    return kongcheck.Request(paths=paths, settings=settings, stdin=extra.get("stdin"), baseline=baseline)


@pytest.mark.parametrize("args, extra", CASES, ids=lambda v: str(v)[:40])
def test_library_and_command_line_give_the_same_report_and_exit_code(args, extra, monkeypatch):
    monkeypatch.chdir(ROOT)  # as the command line runs (kchelp.cli)
    flags = ["--kic-version", extra["kic"]] if "kic" in extra else []
    command = cli("scan", "--no-config", "-f", "json", *flags, *args, input=extra.get("stdin"))
    result = kongcheck.scan(_request(args, extra))
    stream = io.StringIO()
    renderer("json")(result, ReportOptions(), stream)
    # each run keys its value fingerprints anew: compare them by where they first appear
    assert json.loads(comparable(stream.getvalue())) == json.loads(comparable(command.stdout))
    assert result.exit_code("error") == command.code


def test_a_request_error_is_raised_not_printed():
    with pytest.raises(kongcheck.RequestError, match="can be given only once"):
        kongcheck.scan(kongcheck.Request(paths=("-", "-"), stdin=b""))
