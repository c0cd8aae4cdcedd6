"""``--format markdown``: the job summary table, rendered by a real CommonMark parser with GFM tables."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
from markdown_it import MarkdownIt

from kchelp import invoke_in
from kongcheck.report import markdown

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SHA = "0123456789abcdef0123456789abcdef01234567"
GITHUB = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/k8s", "GITHUB_SHA": SHA}


class _Page(HTMLParser):
    """The tags, link targets and table rows of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def render(markdown_text: str) -> _Page:
    page = _Page()
    page.feed(MarkdownIt("commonmark").enable("table").render(markdown_text))
    return page


def _summary(args, monkeypatch, cwd=ROOT, env=GITHUB):
    for key in GITHUB:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = invoke_in(cwd, ["scan", "--no-config", "-f", "markdown", *args])
    return result, result.stdout


def test_one_row_per_finding_with_links_to_files_and_rules(monkeypatch):
    result, text = _summary(["fixtures/example"], monkeypatch)
    assert result.exit_code == 1
    assert text.startswith("## :x: kongcheck: 4 findings \\(4 errors, 0 warnings\\) in 3 files")
    page = render(text)
    header, *rows = page.rows
    assert header == ["Severity", "Rule", "Resources", "Outcome", "Message"]
    assert [row[1] for row in rows] == ["consumer-username-conflict", "jwt-key-conflict", "key-auth-key-conflict",
                                        "vault-prefix-conflict"]
    assert rows[1][3] == "consumers-droppeddropped: team-a/KongConsumer/alice, team-b/KongConsumer/bob"
    assert f"https://github.com/acme/k8s/blob/{SHA}/fixtures/example/credentials.yaml#L10" in page.links
    assert "#jwt-key-conflict" in page.links
    assert "#### jwt-key-conflict" in text  # the explanation the rule link points at


def test_without_github_variables_files_are_named_not_linked(monkeypatch):
    _, text = _summary(["fixtures/example"], monkeypatch, env={})
    page = render(text)
    assert not any(link.startswith("http") for link in page.links)
    assert "fixtures/example/consumers.yaml:9" in page.rows[1][2]


def test_a_clean_scan_and_findings_below_fail_on(monkeypatch, tmp_path):
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: fine}\n")
    result, text = _summary([str(tmp_path)], monkeypatch)
    assert result.exit_code == 0 and text.startswith("## :white_check_mark: kongcheck: 0 findings") and "|" not in text
    result, text = _summary(["fixtures/example", "--fail-on", "never"], monkeypatch)
    assert text.startswith("## :warning: kongcheck") and text.count(":x: error \\(not failing\\)") == 4


def test_input_errors_are_listed_with_their_place(monkeypatch, tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: KongConsumer\nmetadata: {name: [\n")
    result, text = _summary([str(tmp_path)], monkeypatch)
    assert result.exit_code == 2
    assert "### Input errors" in text
    assert render(text).rows[-1][1].startswith("invalid YAML")


HOSTILE = ["a|b", "`code`", "<script>alert(1)</script>", "x](javascript:alert(1))", "<img src=x onerror=1>",
           "**bold** _em_ ~~s~~", "@org/team", ":x: $math$ [^1] &amp;", "\\|", "[link](https://evil.example)"]


def test_hostile_names_render_as_their_text_and_nothing_else(monkeypatch, tmp_path):
    docs = []
    for i, name in enumerate(HOSTILE):
        for copy in (1, 2):
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            docs.append(f'apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: "{quoted}{copy}"\n'
                        f"  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: user-{i}\n")
    (tmp_path / "c.yaml").write_text("---\n".join(docs))
    result, text = _summary([str(tmp_path)], monkeypatch)
    assert result.exit_code == 1
    page = render(text)
    _, *rows = [row for row in page.rows if len(row) == 5]
    assert len(rows) == len(HOSTILE) and all(len(row) == 5 for row in page.rows if row)  # no cell split
    assert set(page.tags) <= {"h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "a", "br",
                              "strong", "pre", "code"}
    assert not [link for link in page.links if not link.startswith("#")]  # no link from a name
    for row, name in zip(rows, HOSTILE):
        assert f"default/KongConsumer/{name}1" in visible(row[2]), (name, row[2])


def visible(rendered: str) -> str:
    """Rendered text as a reader sees it: without the invisible WORD JOINER the format puts after ``@``."""
    return rendered.replace("\u2060", "")


AUTOLINKED = ["www.evil.example", "_www.evil.example", "https://evil.example/x", "http://evil.example",
              "ftp://evil.example", "alice@evil.example", "mailto:alice@evil.example", "xmpp:bob@evil.example/x",
              "a.b@c.d@evil.example", "@org/team"]


def test_names_never_become_github_autolinks(monkeypatch, tmp_path):
    plain = [cmarkgfm.github_flavored_markdown_to_html(name) for name in AUTOLINKED]
    assert all("<a " in html for html in plain[:-1])  # GitHub links each of these when written plainly
    docs = [f'apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: "{name}-{copy}"\n'
            f"  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: 'user-{name}'\n"
            for name in AUTOLINKED for copy in (1, 2)]
    (tmp_path / "c.yaml").write_text("---\n".join(docs))
    result, text = _summary([str(tmp_path)], monkeypatch)
    assert result.exit_code == 1
    html = cmarkgfm.github_flavored_markdown_to_html(text)  # GitHub's own renderer, autolinks included
    page = _Page()
    page.feed(html)
    assert not [link for link in page.links if not link.startswith("#")]
    _, *rows = [row for row in page.rows if len(row) == 5]
    assert len(rows) == len(AUTOLINKED)
    for row, name in zip(rows, AUTOLINKED):
        assert f"default/KongConsumer/{name}-1" in visible(row[2]), (name, row[2])


def test_text_escapes_every_markdown_character():
    escaped = markdown.text("a|b`c<d>e](f:g)*h_i~j#k!l@m$n^o&p\\q[r{s}t+u.v")
    assert not re.search(r"(?<!\\)[|`<>\]\[(){}*_~#!@$^&+:.]", escaped.replace("\\\\", ""))
    assert "\\@\u2060m" in escaped
