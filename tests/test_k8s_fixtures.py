"""The fixtures under fixtures/helm and fixtures/kustomize, rendered by the real tools.

These check the fixtures themselves (they render, they hold the collisions they
claim to hold) and that tests/data/recorded still is what the tools emit.
"""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import yaml

from k8s_tools import FIXTURES

RECORDED = Path(__file__).parent / "data" / "recorded"
CHART = FIXTURES / "helm" / "gateway-consumers"
OVERLAYS = FIXTURES / "kustomize" / "overlays"


def run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=FIXTURES.parent)
    assert done.returncode == 0, f"{argv} failed: {done.stderr}"
    return done.stdout


def objects(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def sources(text: str) -> list[str]:
    return re.findall(r"^# Source: (.+)$", text, flags=re.MULTILINE)


def secret_value(doc: dict, key: str) -> str:
    if key in (doc.get("stringData") or {}):
        return doc["stringData"][key]
    return base64.b64decode(doc["data"][key]).decode()


def helm_template(tools, *extra: str) -> str:
    return run([tools.helm, "template", "edge", "fixtures/helm/gateway-consumers",
                "-n", "storefront", *extra])


def test_helm_chart_renders_parent_and_subchart_with_source_comments(k8s_tools):
    text = helm_template(k8s_tools)
    assert set(sources(text)) == {
        "gateway-consumers/templates/credentials.yaml",
        "gateway-consumers/templates/consumers.yaml",
        "gateway-consumers/charts/partner-portal/templates/partners.yaml",
    }
    keys = [secret_value(d, "key") for d in objects(text)
            if d["kind"] == "Secret" and d["metadata"]["labels"]["konghq.com/credential"] == "key-auth"]
    assert len(keys) == len(set(keys)) == 2  # default values: no collision


def test_helm_collision_values_make_parent_and_subchart_share_a_key(k8s_tools):
    text = helm_template(k8s_tools, "-f", "fixtures/helm/values-collision.yaml")
    owners = {}
    for doc in objects(text):
        if doc["kind"] == "Secret" and doc["metadata"]["labels"]["konghq.com/credential"] == "key-auth":
            owners.setdefault(secret_value(doc, "key"), []).append(doc["metadata"]["name"])
    shared = [names for names in owners.values() if len(names) > 1]
    assert shared == [["partner-globex-freight-key-auth", "checkout-service-key-auth"]]


def test_helm_output_still_matches_the_recording(k8s_tools):
    text = helm_template(k8s_tools, "-f", "fixtures/helm/values-collision.yaml")
    expected = (RECORDED / "helm-gateway-consumers.yaml").read_text()
    assert sources(text) == sources(expected)
    assert objects(text) == objects(expected)


def test_kustomize_staging_carries_origin_annotations_as_recorded(k8s_tools):
    text = run(k8s_tools.kustomize_build("fixtures/kustomize/overlays/staging"))
    expected = (RECORDED / "kustomize-staging.yaml").read_text()
    assert objects(text) == objects(expected)
    assert all("config.kubernetes.io/origin" in d["metadata"]["annotations"] for d in objects(text))


def test_kustomize_prod_clones_the_remote_style_base_offline(k8s_env):
    text = run(k8s_env.kustomize_build("fixtures/kustomize/overlays/prod"))
    expected = (RECORDED / "kustomize-prod.yaml").read_text()
    assert objects(text) == objects(expected)
    origin = objects(text)[0]["metadata"]["annotations"]["config.kubernetes.io/origin"]
    assert origin == ("path: base/credentials.yaml\n"
                      "repo: git@github.com:acme/kong-consumers-base\nref: v1.4.0\n")


def test_overlays_collide_across_namespaces(k8s_env):
    staging = objects(run(k8s_env.kustomize_build("fixtures/kustomize/overlays/staging")))
    prod = objects(run(k8s_env.kustomize_build("fixtures/kustomize/overlays/prod")))

    def consumers(docs):
        return {(d["metadata"]["namespace"], d["username"]) for d in docs if d["kind"] == "KongConsumer"}

    both = {u for _, u in consumers(staging)} & {u for _, u in consumers(prod)}
    assert both == {"billing-api"}
    assert {ns for ns, _ in consumers(staging)} == {"kong-staging"}
    assert {ns for ns, _ in consumers(prod)} == {"kong-prod"}
