"""The three recipes of docs/ARCHITECTURE.md, done for real: a unique field is one row, a kind is one
row and one parser module, an output format is one module and one FORMATS entry.

Each runs in a fresh interpreter that adds the row before the rest of kongcheck is imported, as an
edit of the table would, and then uses the command line: nothing else is changed.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def _run(setup: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    script = textwrap.dedent(setup) + textwrap.dedent(f"""
        import sys
        from kongcheck.cli import main
        main({list(args)!r}, standalone_mode=True)
    """)
    return subprocess.run([sys.executable, "-c", script], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": f"{ROOT}:{HERE}", "PATH": "/usr/bin:/bin"})


UNIQUE_ROW = """
    from kongcheck.facts import unique
    unique.KIND_ROWS += (unique.UniqueField("consumer-group-display-name-conflict", "consumer_groups", "display_name",
                         "KongConsumerGroup", ("spec", "displayName"), unique.KONG_DECIDES, endpoint_key=False,
                         sensitive=False),)
"""


def test_a_unique_field_row_is_a_rule_with_docs_an_example_and_findings(tmp_path):
    explained = _run(UNIQUE_ROW, "rules", "consumer-group-display-name-conflict")
    assert explained.returncode == 0, explained.stderr
    assert "two KongConsumerGroups with the same display_name (Kong entity consumer_groups)" in explained.stdout
    assert "displayName: same-value" in explained.stdout and "Fix: Give each KongConsumerGroup" in explained.stdout
    markdown = _run(UNIQUE_ROW, "rules", "--markdown")
    assert "## `consumer-group-display-name-conflict`" in markdown.stdout
    example = explained.stdout.split("Example:\n\n", 1)[1].split("\nFix:", 1)[0]
    (tmp_path / "groups.yaml").write_text(textwrap.dedent(example))
    scanned = _run(UNIQUE_ROW, "scan", "--no-config", "-f", "json", str(tmp_path))
    assert scanned.returncode == 1, scanned.stderr
    [finding] = json.loads(scanned.stdout)["findings"]
    assert finding["rule"] == "consumer-group-display-name-conflict" and finding["severity"] == "error"
    assert [(r["name"], r["line"]) for r in finding["resources"]] == [("consumergroup-a", 8), ("consumergroup-b", 17)]


KIND_ROW = """
    from kongcheck.facts import kinds, unique
    row = kinds.Kind("KongWidget", "configuration.konghq.com", ("v1alpha1",), "kongwidgets", True, "extend_kind",
                     classed=True, live_fields=("colour",))
    kinds.KINDS += (row,)
    kinds.BY_KIND[row.kind] = row
    unique.KIND_ROWS += (unique.UniqueField("widget-colour-conflict", "widgets", "colour", "KongWidget", ("colour",),
                         unique.KONG_DECIDES, endpoint_key=True, sensitive=False),)
"""
WIDGET = """apiVersion: configuration.konghq.com/v1alpha1
kind: KongWidget
metadata:
  name: {name}
  annotations:
    kubernetes.io/ingress.class: {cls}
colour: blue
"""


def test_a_kind_is_one_row_and_one_parser_module(tmp_path):
    (tmp_path / "w.yaml").write_text("---\n".join(WIDGET.format(name=n, cls=c) for n, c in
                                                  (("a", "kong"), ("b", "kong"), ("c", "other"))))
    scanned = _run(KIND_ROW, "scan", "--no-config", "-f", "json", str(tmp_path))
    report = json.loads(scanned.stdout)
    assert [f["rule"] for f in report["findings"]] == ["widget-colour-conflict"]  # found by the fast path
    assert report["summary"]["kong_resources"] == 3
    derived = _run(KIND_ROW + """
    from kongcheck.loading.prefilter import may_matter
    from kongcheck.sources.kube.reduce import reduce_object
    from kongcheck.sources.kube.resources import RESOURCES, read
    from kongcheck.rules import CATALOG
    assert may_matter(b"kind: KongWidget")
    assert RESOURCES["KongWidget"].list_path("ns") == "/apis/configuration.konghq.com/v1alpha1/namespaces/ns/kongwidgets"
    assert "KongWidget" in [row.kind for row, _ in read("list")]
    live = reduce_object({"metadata": {"name": "a"}, "colour": "red", "other": 1}, RESOURCES["KongWidget"])
    assert live["colour"] == "red" and "other" not in live
    assert "KongWidget" in CATALOG["ignored-by-controller"].summary
    print("derived")
    """, "--version")
    assert derived.returncode == 0 and "derived" in derived.stdout, derived.stderr


FORMAT = """
    from kongcheck import report
    report.FORMATS["lines"] = "extend_format"
"""


def test_an_output_format_is_one_module_and_one_entry():
    run = _run(FORMAT, "scan", "--no-config", "-f", "lines", "--show-suppressed", str(ROOT / "fixtures" / "example"))
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == ["consumer-username-conflict error 2", "jwt-key-conflict error 2",
                                       "key-auth-key-conflict error 2", "vault-prefix-conflict error 2"]
