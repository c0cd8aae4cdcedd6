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


def test_a_yaml_error_at_the_end_of_the_stream_is_shown_on_the_last_line(tmp_path):
    body = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: a\n"
            + "".join(f"# note {i}\n" for i in range(25)) + "credentials: [a, b\n")
    (tmp_path / "open-list.yaml").write_text(body)  # 30 lines; the parser stops at the stream end
    (tmp_path / "open-quote.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: 'x\n")
    errors = {e["file"].rsplit("/", 1)[1]: e["line"] for e in scan_json(str(tmp_path)).json["errors"]}
    assert errors == {"open-list.yaml": 30, "open-quote.yaml": 4}


def test_a_yaml_error_at_the_end_of_a_rendered_document_names_its_last_line():
    (unparsable, _) = scan_json("-", input=RENDERED).json["errors"]
    assert (unparsable["detail"], unparsable["stream"]) == ("rendered doc line 3", "<stdin>:13")


def test_an_unknown_credential_type_in_a_rendered_document_points_at_the_label():
    stream = ("---\n# Source: shop/templates/keys.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n"
              "  labels:\n    konghq.com/credential: bee-auth\nstringData:\n  key: k-1\n")
    (finding,) = scan_json("-", input=stream).findings("webhook-rejects")
    (where,) = finding["resources"]
    assert (where["file"], where["detail"], where["stream"]) == ("shop/templates/keys.yaml", "rendered doc line 6",
                                                                 "<stdin>:8")
