"""KIC's own examples and translator golden-test inputs: the plugins kongcheck predicts are the ones
KIC's golden output holds, and no plugin clash is reported where KIC builds none."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml
from kchelp import ROOT, scan_json, settings

from kongcheck.index import build
from kongcheck.index.plugins import build as build_plugins
from kongcheck.loading import LoadOptions, LoadResult, load
from kongcheck.sources import Source

KIC = ROOT / "fixtures" / "kic"
GOLDEN = sorted(path.parent for path in (KIC / "golden").glob("*/in.yaml"))
EXAMPLES = sorted((KIC / "examples").glob("*.yaml"))
CLASHES = {"plugin-instance-conflict", "plugin-instance-name-conflict", "global-plugin-conflict",
           "plugin-shadows-generated", "plugin-consumer-unresolved"}


def _index(path: Path):
    data = path.read_bytes()
    result = LoadResult()
    load(Source(name=str(path), kind="file", reader=lambda: data), LoadOptions(), result)
    return build(result.documents, settings())


def _golden_plugins(case: Path) -> collections.Counter:
    config = yaml.safe_load((case / "default_golden.yaml").read_text()) or {}
    return collections.Counter((p["name"], p.get("service"), p.get("route"), p.get("consumer"),
                                p.get("consumer_group"), p.get("instance_name")) for p in config.get("plugins") or [])


def _fallback(case: Path) -> bool:
    return "test.konghq.com/broken" in (case / "in.yaml").read_text()


def test_the_inputs_are_there():
    assert len(GOLDEN) >= 30 and len(EXAMPLES) >= 20


@pytest.mark.parametrize("case", [c for c in GOLDEN if not _fallback(c)], ids=lambda c: c.name)
def test_the_plugins_kic_builds_are_the_golden_ones(case):
    state = build_plugins(_index(case / "in.yaml"))
    predicted = collections.Counter((i.type, i.service, i.route, i.consumer, i.group, i.instance_name)
                                    for i in state.instances)
    assert predicted == _golden_plugins(case)


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: c.name)
def test_no_plugin_clash_where_the_golden_output_has_none(case):
    golden = _golden_plugins(case)
    keys = collections.Counter(key[:5] for key in golden.elements())
    assert all(count == 1 for count in keys.values())  # KIC's output has no two plugins on one combination
    run = scan_json("--fail-on", "never", str(case / "in.yaml"))
    assert not {f["rule"] for f in run.findings()} & CLASHES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_kic_examples_have_no_plugin_clash(example):
    run = scan_json("--fail-on", "never", str(example))
    assert not {f["rule"] for f in run.findings()} & CLASHES


def test_the_cross_namespace_example_grant_lacks_its_api_version_so_the_reference_is_skipped():
    run = scan_json("--fail-on", "never", str(KIC / "examples" / "cross-namespace-plugin-grant.yaml"))
    assert any("apiVersion is missing" in e["message"] for e in run.json["errors"])
    assert [f["rule"] for f in run.findings("plugin-reference-skipped")] == ["plugin-reference-skipped"]
