"""Unit tests of kongcheck.sources.origins on output recorded from the real helm and kustomize."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kongcheck.loading import iter_pieces
from kongcheck.sources.origins import (
    ORIGIN_ANNOTATION,
    KustomizeRoot,
    Origin,
    helm_origin,
    helm_source,
    kustomize_origin,
    parse_origin_annotation,
)

RECORDED = Path(__file__).parent / "data" / "recorded"
PARENT = "gateway-consumers/templates/credentials.yaml"
SUBCHART = "gateway-consumers/charts/partner-portal/templates/partners.yaml"


def describe(origin, stream_location: str | None = None) -> str:
    """An origin as a location line shows it: `chart/templates/x.yaml (rendered doc line 7, <stdin>:4212)`."""
    detail = f"rendered doc line {origin.line}" if origin.tool == "helm" and origin.line is not None else None
    details = [part for part in (detail, stream_location) if part]
    return f"{origin.where()} ({', '.join(details)})" if details else origin.where()


def list_pieces(data: bytes) -> list[tuple[int, bytes]]:
    return list(iter_pieces(data))


def recorded(name: str) -> str:
    return (RECORDED / name).read_text()


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based stream line of the n-th line containing needle."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


@pytest.fixture(scope="module")
def helm_text() -> str:
    return recorded("helm-gateway-consumers.yaml")


def origin_at(text: str, line: int) -> Origin | None:
    """What locate() sees: the piece (from `---` to `---`) holding `line`, as the loader splits it."""
    pieces = list_pieces(text.encode())
    piece_line, piece = [p for p in pieces if p[0] <= line][-1]
    return helm_origin(piece, piece_line, line)


def test_helm_collision_keys_map_to_parent_and_subchart_templates(helm_text):
    sub_line = line_of(helm_text, 'key: "ka-checkout-7d41c0e9b2"', 1)
    parent_line = line_of(helm_text, 'key: "ka-checkout-7d41c0e9b2"', 2)
    assert (sub_line, parent_line) == (24, 40)  # as recorded
    assert origin_at(helm_text, sub_line) == Origin(tool="helm", path=SUBCHART, line=10)
    assert origin_at(helm_text, parent_line) == Origin(tool="helm", path=PARENT, line=14)


def test_helm_rendered_doc_line_counts_from_the_line_below_source(helm_text):
    source_line = line_of(helm_text, "# Source: gateway-consumers/templates/consumers.yaml")
    lines = helm_text.splitlines()
    assert lines[source_line - 2] == "---"  # helm opens every document with a marker
    assert lines[source_line].startswith("apiVersion:")
    assert origin_at(helm_text, source_line + 1).line == 1
    assert origin_at(helm_text, source_line).line is None  # the comment itself


def test_helm_every_document_of_the_recording_has_its_template(helm_text):
    pieces = list_pieces(helm_text.encode())
    assert len(pieces) == 8
    assert [helm_source(piece) for _, piece in pieces] == [
        (1, SUBCHART), (1, SUBCHART), (1, PARENT), (1, PARENT), (1, SUBCHART), (1, SUBCHART),
        (1, "gateway-consumers/templates/consumers.yaml"), (1, "gateway-consumers/templates/consumers.yaml"),
    ]


def test_helm_source_comment_after_content_is_not_a_source():
    assert helm_source(b"---\napiVersion: v1\n# Source: not/a/header.yaml\nkind: Secret\n") is None
    assert helm_source(b"--- {a: 1}\n# Source: x.yaml\n") is None
    assert helm_source(b"---\n# Source: \nkind: A\n") is None


def test_helm_source_with_crlf_leading_comments_and_no_first_marker():
    assert helm_source(b"# Source: c/templates/a.yaml\r\nkind: A\r\n") == (0, "c/templates/a.yaml")
    piece = b"---\r\n# a note\r\n\r\n# Source: c/charts/s/templates/b.yaml\r\nkind: B\r\n"
    assert helm_source(piece) == (3, "c/charts/s/templates/b.yaml")
    assert helm_origin(piece, 10, 14) == Origin(tool="helm", path="c/charts/s/templates/b.yaml", line=1)


def test_plain_stream_has_no_helm_sources():
    assert all(helm_source(p) is None for _, p in list_pieces(recorded("kustomize-staging.yaml").encode()))
    assert helm_origin(b"", 1, 1) is None


def test_helm_describe_matches_the_issue_format():
    origin = Origin(tool="helm", path="mychart/templates/consumers.yaml", line=7)
    assert describe(origin, "<stdin>:4212") == \
        "mychart/templates/consumers.yaml (rendered doc line 7, <stdin>:4212)"


def documents(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(recorded(name)) if d]


def origins_of(name: str, root: KustomizeRoot | None = None) -> dict[tuple[str, str], Origin]:
    return {(d["kind"], d["metadata"]["name"]): kustomize_origin(d["metadata"].get("annotations"), root)
            for d in documents(name)}


def test_kustomize_local_origins_as_recorded():
    found = origins_of("kustomize-staging.yaml")
    assert found[("Secret", "billing-api-key-auth")] == \
        Origin(tool="kustomize", path="../../base/credentials.yaml")
    assert found[("KongConsumer", "reporting")].path == "reporting-consumer.yaml"
    assert describe(found[("KongConsumer", "billing-api")], "<stdin>:57") == \
        "../../base/consumers.yaml (<stdin>:57)"


def test_kustomize_origin_paths_rebased_onto_the_folder_the_user_named(tmp_path):
    overlay = tmp_path / "repo" / "overlays" / "staging"
    overlay.mkdir(parents=True)
    root = KustomizeRoot(build_dir=str(overlay), target_real=str(overlay),
                         target_given="overlays/staging")
    found = origins_of("kustomize-staging.yaml", root)
    assert found[("Secret", "billing-api-key-auth")].path == "base/credentials.yaml"
    assert found[("Secret", "reporting-jwt")].path == "overlays/staging/reporting-consumer.yaml"


def test_kustomize_wrapper_relative_paths_are_rebased(tmp_path):
    # kongcheck builds a wrapper in a temp folder; kustomize then writes paths relative to it.
    wrapper, target = tmp_path / "wrap", tmp_path / "proj" / "overlays" / "prod"
    root = KustomizeRoot(build_dir=str(wrapper), target_real=str(target), target_given="overlays/prod")
    annotations = {ORIGIN_ANNOTATION: "path: ../proj/overlays/prod/ledger-export.yaml\n"}
    assert kustomize_origin(annotations, root).path == "overlays/prod/ledger-export.yaml"
    annotations = {ORIGIN_ANNOTATION: "path: ../proj/base/consumers.yaml\n"}
    assert kustomize_origin(annotations, root).path == "base/consumers.yaml"


def test_kustomize_remote_base_keeps_repo_and_ref_and_is_not_rebased(tmp_path):
    root = KustomizeRoot(build_dir=str(tmp_path), target_real=str(tmp_path), target_given="prod")
    found = origins_of("kustomize-prod.yaml", root)
    origin = found[("Secret", "billing-api-key-auth")]
    assert origin == Origin(tool="kustomize", path="base/credentials.yaml",
                            repo="git@github.com:acme/kong-consumers-base", ref="v1.4.0")
    assert origin.where() == "git@github.com:acme/kong-consumers-base//base/credentials.yaml?ref=v1.4.0"
    assert found[("KongConsumer", "ledger-export")].path == "prod/ledger-export.yaml"


def test_kustomize_generated_secret_names_its_generator():
    found = origins_of("kustomize-prod.yaml")
    origin = found[("Secret", "ledger-export-hmac")]
    assert origin.generated_by == "SecretGenerator"
    assert describe(origin) == "SecretGenerator in kustomization.yaml"


@pytest.mark.parametrize("annotations", [
    None, "path: x", {}, {"other": "x"}, {ORIGIN_ANNOTATION: 5}, {ORIGIN_ANNOTATION: "[unclosed"},
    {ORIGIN_ANNOTATION: "- a list"}, {ORIGIN_ANNOTATION: "path: 7"}, {ORIGIN_ANNOTATION: "x" * 20_000},
    {ORIGIN_ANNOTATION: "configuredBy: {kind: SecretGenerator}"},
])
def test_kustomize_origin_ignores_missing_or_malformed_annotations(annotations):
    assert kustomize_origin(annotations) is None


def test_parse_origin_annotation_refuses_non_safe_yaml():
    assert parse_origin_annotation("!!python/object/apply:os.system ['true']") is None


def test_simple_and_yaml_origin_texts_parse_alike():
    simple = "path: base/credentials.yaml\nrepo: git@github.com:acme/kong-consumers-base\nref: v1.4.0\n"
    assert parse_origin_annotation(simple) == yaml.safe_load(simple)
    quoted = "path: 'base/my file.yaml'\nref: \"1.4\"\n"
    assert parse_origin_annotation(quoted) == {"path": "base/my file.yaml", "ref": "1.4"}
    assert parse_origin_annotation("path: a: b\n") is None
