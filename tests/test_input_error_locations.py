"""Input errors are located as findings are: a rendered document's error names its template."""
from __future__ import annotations

from kchelp import scan_json

RENDERED = """---
# Source: shop/templates/consumers.yaml
apiVersion: v1
kind: Secret
metadata:
  name: shop-key
data:
  key: "not base64!"
---
# Source: shop/templates/broken.yaml
apiVersion: v1
kind: Secret
metadata: [oops
"""


def test_an_api_refused_secret_in_a_rendered_document_keeps_its_template_and_line():
    run = scan_json("-", input=RENDERED)
    assert run.code == 2
    unparsable, refused = run.json["errors"]  # the loading stage's errors come before the index's
    assert (refused["file"], refused["detail"], refused["stream"]) == (
        "shop/templates/consumers.yaml", "rendered doc line 6", "<stdin>:8")
    assert refused["source"] == "helm"
    assert (unparsable["file"], unparsable["source"]) == ("shop/templates/broken.yaml", "helm")
    assert unparsable["stream"].startswith("<stdin>:")


def test_text_output_prints_the_template_for_an_input_error():
    from kchelp import cli

    run = cli("scan", "--no-config", "-", input=RENDERED)
    assert "error  shop/templates/consumers.yaml (rendered doc line 6, <stdin>:8): Secret 'shop-key': the data value at column" \
        in run.stdout
