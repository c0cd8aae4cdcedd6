"""The text format: a short lead line per finding (place, severity, rule, what clashes), one line per
participant, what KIC and Kong do, the outcome and where the rule is explained; wrapped to a
terminal's width at spaces only, and written whole anywhere else."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from kchelp import ROOT, cli
from kongcheck.pipeline import Request, run
from kongcheck.report import ReportOptions
from kongcheck.report import text
from kongcheck.settings import Settings

FP = re.compile(r"fp:[0-9a-f]{12}")

# `kongcheck scan fixtures/example` into a file, a pipe or a CI log: every line whole.
EXAMPLE = """\
fixtures/example/consumers.yaml:9:11  error  consumer-username-conflict  2 KongConsumers share username fp:…
    team-a/KongConsumer/alice    fixtures/example/consumers.yaml:9:11
    team-b/KongConsumer/billing  fixtures/example/consumers.yaml:33:11
  Kong 3.9 answers "uniqueness violation: 'consumers' entity with username set to 'fp:…' already declared". Kong 3.9 rejects the whole configuration; KIC 3.5 keeps re-applying the last good one, so no further change reaches the gateway until this is fixed.
  outcome: config-rejected
  help: kongcheck rules consumer-username-conflict (docs/rules.md#consumer-username-conflict)

fixtures/example/credentials.yaml:10:8  error  jwt-key-conflict  2 JWT credentials share key fp:…
    team-a/Secret/alice-jwt  fixtures/example/credentials.yaml:10:8
    team-b/Secret/bob-jwt    fixtures/example/credentials.yaml:23:8
  (owned by team-a/KongConsumer/alice, team-b/KongConsumer/bob). Kong would reject it with "uniqueness violation: 'jwt_secrets' entity with key set to 'fp:…' already declared", but KIC resolves the clash first, so Kong never sees it. KIC 3.5 drops every KongConsumer involved, with its credentials, groups and plugins (event: 'Consumer has conflicting credentials'; each Secret gets 'Secret has conflicting credential: conflict detected in "jwt-auth on 'key'" index').
  outcome: consumers-dropped; dropped: team-a/KongConsumer/alice, team-b/KongConsumer/bob
  help: kongcheck rules jwt-key-conflict (docs/rules.md#jwt-key-conflict)

fixtures/example/credentials.yaml:34:8  error  key-auth-key-conflict  2 key-auth credentials share key fp:…
    team-a/Secret/alice-key    fixtures/example/credentials.yaml:34:8
    team-b/Secret/billing-key  fixtures/example/credentials.yaml:44:8
  (owned by team-a/KongConsumer/alice, team-b/KongConsumer/billing). Kong would reject it with "uniqueness violation: 'keyauth_credentials' entity with key set to 'fp:…' already declared", but KIC resolves the clash first, so Kong never sees it. KIC 3.5 drops every KongConsumer involved, with its credentials, groups and plugins (event: 'Consumer has conflicting credentials'; each Secret gets 'Secret has conflicting credential: conflict detected in "key-auth on 'key'" index').
  outcome: consumers-dropped; dropped: team-a/KongConsumer/alice, team-b/KongConsumer/billing
  help: kongcheck rules key-auth-key-conflict (docs/rules.md#key-auth-key-conflict)

fixtures/example/vaults.yaml:9:11  error  vault-prefix-conflict  2 KongVaults share prefix 'app-secrets'
    /KongVault/env-vault  fixtures/example/vaults.yaml:9:11
    /KongVault/aws-vault  fixtures/example/vaults.yaml:19:11
  Kong would reject it with "uniqueness violation: 'vaults' entity with prefix set to 'app-secrets' already declared", but KIC keeps one KongVault per prefix, so Kong never sees it. KIC keeps KongVault 'aws-vault' (oldest creationTimestamp, then smaller name) and skips 'env-vault' with the event 'spec.prefix "app-secrets" is duplicate' if they are created within the same second; if a second boundary falls between the creates, it keeps 'env-vault', applied first.
  outcome: losers-skipped; kept: /KongVault/aws-vault; dropped: /KongVault/env-vault
  help: kongcheck rules vault-prefix-conflict (docs/rules.md#vault-prefix-conflict)

4 findings (4 errors, 0 warnings) in 3 files, 9 documents, 9 Kong resources
"""

# The same on an 80-column terminal.
EXAMPLE_80 = """\
fixtures/example/consumers.yaml:9:11  error  consumer-username-conflict
  2 KongConsumers share username fp:…
    team-a/KongConsumer/alice    fixtures/example/consumers.yaml:9:11
    team-b/KongConsumer/billing  fixtures/example/consumers.yaml:33:11
  Kong 3.9 answers "uniqueness violation: 'consumers' entity with username set
  to 'fp:…' already declared". Kong 3.9 rejects the whole
  configuration; KIC 3.5 keeps re-applying the last good one, so no further
  change reaches the gateway until this is fixed.
  outcome: config-rejected
  help: kongcheck rules consumer-username-conflict
    (docs/rules.md#consumer-username-conflict)

fixtures/example/credentials.yaml:10:8  error  jwt-key-conflict
  2 JWT credentials share key fp:…
    team-a/Secret/alice-jwt  fixtures/example/credentials.yaml:10:8
    team-b/Secret/bob-jwt    fixtures/example/credentials.yaml:23:8
  (owned by team-a/KongConsumer/alice, team-b/KongConsumer/bob). Kong would
  reject it with "uniqueness violation: 'jwt_secrets' entity with key set to
  'fp:…' already declared", but KIC resolves the clash first, so Kong
  never sees it. KIC 3.5 drops every KongConsumer involved, with its
  credentials, groups and plugins (event: 'Consumer has conflicting
  credentials'; each Secret gets 'Secret has conflicting credential: conflict
  detected in "jwt-auth on 'key'" index').
  outcome: consumers-dropped; dropped: team-a/KongConsumer/alice,
    team-b/KongConsumer/bob
  help: kongcheck rules jwt-key-conflict (docs/rules.md#jwt-key-conflict)

fixtures/example/credentials.yaml:34:8  error  key-auth-key-conflict
  2 key-auth credentials share key fp:…
    team-a/Secret/alice-key    fixtures/example/credentials.yaml:34:8
    team-b/Secret/billing-key  fixtures/example/credentials.yaml:44:8
  (owned by team-a/KongConsumer/alice, team-b/KongConsumer/billing). Kong would
  reject it with "uniqueness violation: 'keyauth_credentials' entity with key
  set to 'fp:…' already declared", but KIC resolves the clash first,
  so Kong never sees it. KIC 3.5 drops every KongConsumer involved, with its
  credentials, groups and plugins (event: 'Consumer has conflicting
  credentials'; each Secret gets 'Secret has conflicting credential: conflict
  detected in "key-auth on 'key'" index').
  outcome: consumers-dropped; dropped: team-a/KongConsumer/alice,
    team-b/KongConsumer/billing
  help: kongcheck rules key-auth-key-conflict
    (docs/rules.md#key-auth-key-conflict)

fixtures/example/vaults.yaml:9:11  error  vault-prefix-conflict
  2 KongVaults share prefix 'app-secrets'
    /KongVault/env-vault  fixtures/example/vaults.yaml:9:11
    /KongVault/aws-vault  fixtures/example/vaults.yaml:19:11
  Kong would reject it with "uniqueness violation: 'vaults' entity with prefix
  set to 'app-secrets' already declared", but KIC keeps one KongVault per
  prefix, so Kong never sees it. KIC keeps KongVault 'aws-vault' (oldest
  creationTimestamp, then smaller name) and skips 'env-vault' with the event
  'spec.prefix "app-secrets" is duplicate' if they are created within the same
  second; if a second boundary falls between the creates, it keeps 'env-vault',
  applied first.
  outcome: losers-skipped; kept: /KongVault/aws-vault; dropped:
    /KongVault/env-vault
  help: kongcheck rules vault-prefix-conflict
    (docs/rules.md#vault-prefix-conflict)

4 findings (4 errors, 0 warnings) in 3 files, 9 documents, 9 Kong resources
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def example_result():
    return run(Request(paths=("fixtures/example",), settings=Settings()))


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_outside_a_terminal_each_finding_leads_with_one_line_and_nothing_is_wrapped():
    result = cli("scan", "fixtures/example")
    assert result.code == 1
    assert FP.sub("fp:…", result.stdout) == EXAMPLE


def test_on_an_80_column_terminal_the_renderer_wraps_at_spaces(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    shown = Terminal()
    text.render(example_result(), ReportOptions(color=False), shown)
    # the fingerprint is as long as the placeholder's replacement: wrapping happened on the real text
    wrapped = FP.sub("fp:…", shown.getvalue())
    assert wrapped == EXAMPLE_80
    for line in shown.getvalue().splitlines():
        assert len(line) <= 80 or line.startswith("    "), line  # only a participant line may be longer


def test_wrapping_never_breaks_a_word_a_path_or_a_fingerprint():
    result = example_result()
    whole = text.format_lines(text.build_lines(result, ReportOptions()), None, False)
    for width in (20, 33, 47, 61, 100):
        wrapped = text.format_lines(text.build_lines(result, ReportOptions()), width, False)
        assert wrapped.split() == whole.split(), width  # the same words, in order, none cut
        assert FP.findall(wrapped) == FP.findall(whole)


def test_a_terminal_gets_colour_and_a_file_none():
    result = example_result()
    terminal = Terminal()
    text.render(result, ReportOptions(), terminal)
    assert "\x1b[1;31merror\x1b[0m" in terminal.getvalue()
    plain = io.StringIO()
    text.render(result, ReportOptions(), plain)
    assert "\x1b[" not in plain.getvalue()
    forced = io.StringIO()
    text.render(result, ReportOptions(color=True), forced)
    assert "\x1b[1;31merror\x1b[0m" in forced.getvalue() and "\n  Kong 3.9 answers" in forced.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced.getvalue()) == plain.getvalue()


def test_every_finding_says_what_clashes_in_the_first_words_of_its_message():
    result = run(Request(paths=("fixtures/rules",), settings=Settings(), roots="files"))
    rules = {finding.rule for finding in result.findings}
    assert len(rules) > 20
    titled = {finding.rule for finding in result.findings if finding.title}
    assert len(titled) > 20
    for finding in result.findings:
        assert finding.title is None or finding.message.startswith(finding.title), (finding.rule, finding.message)
        title, rest = finding.lead()
        assert finding.message.startswith(title) and title.strip() and not title.endswith((".", ":", ";"))
        assert len(title) < len(finding.message) or not rest


def test_a_message_without_a_title_is_led_by_its_first_clause():
    from kongcheck.model import Finding

    finding = Finding("x", "error", "KongVault 'a' is odd: Kong refuses it. Fix it.", [])
    assert finding.lead() == ("KongVault 'a' is odd", "Kong refuses it. Fix it.")
    assert Finding("x", "error", "all in one", []).lead() == ("all in one", "")


def test_many_participants_are_counted_past_the_limit(tmp_path):
    manifest = tmp_path / "many.yaml"
    manifest.write_text("".join(
        f"---\napiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c{i}\n"
        "  annotations: {kubernetes.io/ingress.class: kong}\nusername: same\n" for i in range(14)))
    result = cli("scan", str(manifest))
    lines = result.stdout.splitlines()
    assert sum(1 for line in lines if line.startswith("    default/KongConsumer/c")) == 10
    assert "    and 4 more" in lines


def test_in_a_real_terminal_the_report_is_wrapped_to_its_width_and_coloured(tmp_path):
    """kongcheck started on a pseudo-terminal of 72 columns (no $COLUMNS): it asks the terminal."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 72, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm"
    proc = subprocess.Popen([sys.executable, "-m", "kongcheck", "scan", "fixtures/example"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=child_fd, stderr=subprocess.DEVNULL)
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 1
    os.close(main_fd)
    shown = b"".join(chunks).decode().replace("\r\n", "\n")
    assert "\x1b[1;31merror\x1b[0m" in shown
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    for line in plain.splitlines():
        assert len(line) <= 72 or line.startswith("    "), line
    assert "\n  2 KongConsumers share username fp:" in plain  # the title moved below the lead line
    assert FP.sub("fp:…", plain).split() == EXAMPLE.split()  # the same words as unwrapped, none cut
