"""Each failure gives one actionable line (ClusterError), never a traceback."""

from __future__ import annotations

import sys
import time

import pytest
from kube_helpers import write_kubeconfig

from kongcheck.sources.cluster import ClusterError, fetch_live_objects


def fetch_error(**kwargs) -> str:
    with pytest.raises(ClusterError) as info:
        fetch_live_objects(**kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_expired_token_is_401(fake_server, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", fake_server.url, {"token": "expired-token"}, context="eks-prod")
    message = fetch_error(kubeconfig=str(config))
    assert "401 Unauthorized" in message and "context 'eks-prod'" in message
    assert "expired or invalid" in message and "log in again" in message
    assert len(fake_server.requests) == 1  # no retry storm


def test_forbidden_list_names_verb_resource_and_scope(fake_server, token_kubeconfig):
    fake_server.forbidden.add(("list", "secrets"))
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert "403" in message
    assert "RBAC verb 'list' on resource 'secrets' in API group \"\" (core) at cluster scope" in message
    assert 'User "system:serviceaccount:ci:kongcheck"' in message
    assert "ClusterRole" in message


def test_forbidden_in_a_namespace(fake_server, token_kubeconfig):
    fake_server.forbidden.add(("list", "kongconsumergroups"))
    message = fetch_error(kubeconfig=str(token_kubeconfig), namespaces=["team-a"])
    assert ("RBAC verb 'list' on resource 'kongconsumergroups' in API group configuration.konghq.com "
            'in namespace "team-a"') in message


def test_forbidden_get_of_a_referenced_secret(fake_server, token_kubeconfig):
    fake_server.forbidden.add(("get", "secrets"))
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert "RBAC verb 'get' on resource 'secrets'" in message and 'in namespace "team-b"' in message


@pytest.mark.parametrize("as_text", [False, True])
def test_missing_crd_is_named(fake_server, token_kubeconfig, as_text):
    fake_server.missing.add("kongvaults")
    fake_server.missing_as_text = as_text
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert "CRD kongvaults.configuration.konghq.com (version v1alpha1) is not installed" in message
    assert "KongVault needs KIC >= 3.1.0" in message and "context 'kind-test'" in message


def test_missing_consumer_crd(fake_server, token_kubeconfig):
    fake_server.missing.add("kongconsumers")
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert "CRD kongconsumers.configuration.konghq.com (version v1) is not installed" in message


def test_slow_api_server_times_out(fake_server, token_kubeconfig):
    fake_server.slow["kongconsumergroups"] = 20
    started = time.monotonic()
    message = fetch_error(kubeconfig=str(token_kubeconfig), timeout=0.5)
    assert time.monotonic() - started < 5
    assert "did not answer GET /apis/configuration.konghq.com/v1beta1/kongconsumergroups within 0.5s" in message
    assert "--cluster-timeout" in message


def test_unreachable_api_server(isolated_env, tmp_path, closed_port):
    server = f"https://127.0.0.1:{closed_port}"
    config = write_kubeconfig(tmp_path / "kc", server, {"token": "t"},
                              cluster={"insecure-skip-tls-verify": True})
    message = fetch_error(kubeconfig=str(config))
    assert f"cannot reach the API server {server} (context 'kind-test')" in message
    assert "connection refused" in message


def test_other_http_errors_quote_the_status(fake_server, token_kubeconfig):
    fake_server.expire_continue = 5
    fake_server.objects = [o for o in fake_server.objects if o["kind"] != "KongConsumer"]
    fake_server.objects += [{"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumer",
                             "metadata": {"name": f"n{i}", "namespace": "x"}} for i in range(3)]
    # continue expires, the full list then works: no error
    fetch_live_objects(kubeconfig=str(token_kubeconfig), page_size=2)
    fake_server.token = "rotated"
    assert "401" in fetch_error(kubeconfig=str(token_kubeconfig))


def test_missing_kubeconfig_file(isolated_env):
    assert fetch_error(kubeconfig="/nonexistent/kubeconfig") == "--kubeconfig /nonexistent/kubeconfig: no such file"


def test_kubeconfig_env_with_no_existing_file(isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    assert "names no existing file" in fetch_error()


def test_no_kubeconfig_and_not_in_a_pod(isolated_env):
    message = fetch_error()
    assert message.startswith("no kubeconfig found") and "KUBECONFIG" in message


def test_unknown_context_lists_the_known_ones(fake_server, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", fake_server.url, {"token": "x"}, context="a", extra_contexts=("b",))
    message = fetch_error(kubeconfig=str(config), context="prod")
    assert message == f"context 'prod' is not in kubeconfig {config} (contexts: a, b)"
    assert fake_server.requests == []


def test_kubeconfig_without_current_context(fake_server, tmp_path):
    config = write_kubeconfig(tmp_path / "kc", fake_server.url, {"token": "x"}, context="only")
    config.write_text(config.read_text().replace("current-context: only", "current-context: ''"))
    assert "has no current-context: pass --context NAME (contexts: only)" in fetch_error(kubeconfig=str(config))


def test_broken_kubeconfig_yaml_names_the_line(isolated_env, tmp_path):
    config = tmp_path / "kc"
    config.write_text("apiVersion: v1\nclusters:\n  - name: [unclosed\n")
    assert fetch_error(kubeconfig=str(config)) == f"{config}:4: invalid YAML in kubeconfig: did not find expected ',' or ']'"


OPTIONAL_IMPORTERS = {f"kongcheck.sources.kube.{name}" for name in ("api", "connect", "transport")}


@pytest.mark.parametrize("hidden", [("kubernetes", "urllib3"), ("kubernetes",), ("urllib3",)])
def test_without_the_client_library_says_how_to_install(fake_server, token_kubeconfig, monkeypatch, hidden):
    # forget the modules that imported the optional libraries, so they are imported afresh
    for name in list(sys.modules):
        if name.split(".")[0] in hidden or name in OPTIONAL_IMPORTERS:
            monkeypatch.delitem(sys.modules, name)
    for name in hidden:
        monkeypatch.setitem(sys.modules, name, None)
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert "pip install 'kongcheck[cluster]'" in message
    assert fake_server.requests == []


