"""Cluster reads fail closed and are bounded.

Every answer a broken or hostile API server (or a proxy in front of it) can give that is not a
real list of the kind asked for is an error (exit 2), never "no objects"; a malformed object is
one located error while the others, and every finding, are still reported; each request, each
exec plugin run and the whole fetch end in time; bodies and lists are capped; and credentials that
a server or a plugin echoes never reach a message.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from kube_helpers import TOKEN, pem_b64, write_kubeconfig
from test_cluster_auth import exec_user
from test_cluster_cli import consumer, live_args, manifests, run, secret

from kongcheck.sources.cluster import ClusterError, fetch_live_objects, load_snapshot_located

CONSUMERS = "kongconsumers"
LIST_PATH = "/apis/configuration.konghq.com/v1/kongconsumers"


def fetch_error(**kwargs) -> str:
    with pytest.raises(ClusterError) as info:
        fetch_live_objects(**kwargs)
    return str(info.value)


def status_failure(code: int, reason: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code,
            "message": "etcdserver: request timed out"}


@pytest.mark.parametrize("answer, said", [
    ({}, f"answered GET {LIST_PATH} with kind null and apiVersion null, not KongConsumerList"),
    (status_failure(500, "InternalError"), "with a Status object (InternalError) instead of the objects: "
                                           "etcdserver: request timed out"),
    ({"apiVersion": "v1", "kind": "SecretList", "metadata": {}, "items": []},
     "with kind 'SecretList' and apiVersion 'v1', not KongConsumerList configuration.konghq.com/v1"),
    ([{"kind": "KongConsumer"}], f"answered GET {LIST_PATH} with a list, not a KongConsumerList"),
    ({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumerList", "metadata": {}},
     "whose items are missing, not a list"),
    ({"apiVersion": "configuration.konghq.com/v1", "kind": "KongConsumerList", "metadata": "x", "items": []},
     "with metadata that is text, not a mapping"),
])
def test_a_list_answer_that_is_not_a_list_of_the_kind_is_an_error(fake_server, token_kubeconfig, answer, said):
    fake_server.override[CONSUMERS] = (200, answer)
    assert said in fetch_error(kubeconfig=str(token_kubeconfig))


def test_a_broken_list_is_one_error_and_the_other_lists_still_take_part(fake_server, token_kubeconfig, tmp_path):
    fake_server.override["secrets"] = (200, [])  # a JSON array
    folder = manifests(tmp_path, consumer("a", "x", "same"), consumer("b", "z", "same"),
                       consumer("robert", "team-c", "bob"))  # clashes with the live bob
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [e["message"] for e in report["errors"]] == [  # each Secret list, by the label it selects
        "the API server answered GET /api/v1/secrets?labelSelector=konghq.com/credential with a list, not a "
        "SecretList",
        "the API server answered GET /api/v1/secrets?labelSelector=konghq.com/ca-cert=true with a list, not a "
        "SecretList"]
    assert sorted(len(f["resources"]) for f in report["findings"] if f["rule"] == "consumer-username-conflict") \
        == [2, 2]  # the manifests' own clash, and the clash with the live consumer


def test_a_list_that_fails_on_a_later_page_gives_none_of_its_objects(fake_server, token_kubeconfig):
    def second_page_broken(body):
        names = [item["metadata"]["name"] for item in body.get("items") or []]
        return {} if names == ["bob"] else body
    fake_server.mangle[CONSUMERS] = second_page_broken
    problems: list = []
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), problems=problems, page_size=1)
    assert len(problems) == 1 and f"answered GET {LIST_PATH} with kind null" in str(problems[0])
    assert not [o for o in objects if o["kind"] == "KongConsumer"]  # not even alice, of the first page
    assert [o for o in objects if o["kind"] == "KongConsumerGroup"]  # the other lists take part


def _first_item(change):
    def mangle(body):
        body["items"][0] = change(body["items"][0])
        return body
    return mangle


@pytest.mark.parametrize("change, said", [
    (lambda item: "carol", f"GET {LIST_PATH}: item 1: the item is text, not a mapping"),
    (lambda item: {**item, "metadata": "alice"}, "item 1: metadata is text, not a mapping"),
    (lambda item: {**item, "kind": "KongConsumerGroup"}, "item 1 (default/carol): kind is 'KongConsumerGroup', "
                                                         "not 'KongConsumer'"),
    (lambda item: {**item, "apiVersion": "configuration.konghq.com/v2"},
     "item 1 (default/carol): apiVersion is 'configuration.konghq.com/v2', not 'configuration.konghq.com/v1'"),
    (lambda item: {**item, "metadata": {**item["metadata"], "labels": ["a"]}},
     "item 1 (default/carol): metadata.labels must be a mapping of text, not a list"),
    (lambda item: {**item, "metadata": {**item["metadata"], "namespace": None}},
     "item 1 (carol): metadata.namespace is null, not a namespace"),
])
def test_a_malformed_item_is_one_error_and_the_others_are_read(fake_server, token_kubeconfig, change, said):
    fake_server.mangle[CONSUMERS] = _first_item(change)
    problems: list = []
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), problems=problems)
    assert len(problems) == 1 and said in str(problems[0])
    consumers = {o["metadata"]["name"] for o in objects if o["kind"] == "KongConsumer"}
    assert consumers == {"alice", "bob"}  # the others are kept
    with pytest.raises(ClusterError):  # a library caller without a problems list gets the first one
        fetch_live_objects(kubeconfig=str(token_kubeconfig))


def test_a_secret_with_malformed_data_is_one_error_that_names_no_key(fake_server, token_kubeconfig, tmp_path):
    def mangle(body):
        for item in body["items"]:
            if item["metadata"]["name"] == "alice-key":
                item["stringData"] = ["ALICE-typed-as-key"]
            if item["metadata"]["name"] == "bob-jwt":
                item["data"] = {"ALICE-value-as-key": {"nested": "x"}}
        return body

    fake_server.mangle["secrets"] = mangle
    folder = manifests(tmp_path, consumer("robert", "team-c", "bob"))  # clashes with the live bob
    result = run(folder, *live_args(token_kubeconfig), "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [f["rule"] for f in report["findings"]] == ["consumer-username-conflict"]
    messages = sorted(e["message"] for e in report["errors"])
    assert messages == [
        "GET /api/v1/secrets?labelSelector=konghq.com/credential: item 2 (team-a/alice-key): stringData must be a "
        "mapping of text, not a list",
        "GET /api/v1/secrets?labelSelector=konghq.com/credential: item 3 (team-b/bob-jwt): data holds an entry that "
        "is not text (a mapping of text (base64) is needed)"]
    assert "ALICE-" not in result.output


def test_a_secret_without_the_label_asked_for_is_refused(fake_server, token_kubeconfig):
    def mangle(body):
        body["items"].append({"metadata": {"name": "stray", "namespace": "x"}, "data": {}})
        return body

    fake_server.mangle["secrets"] = mangle
    problems: list = []
    fetch_live_objects(kubeconfig=str(token_kubeconfig), problems=problems)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "item 5 (x/stray): the item lacks the label konghq.com/credential the list was asked for",
        "item 1 (x/stray): the item lacks the label konghq.com/ca-cert=true the list was asked for"]


def test_a_get_answered_with_another_object_is_refused(fake_server, token_kubeconfig):
    fake_server.rename_get["bob-legacy-key"] = "someone-else"
    problems: list = []
    _, objects = fetch_live_objects(kubeconfig=str(token_kubeconfig), problems=problems)
    assert [str(p) for p in problems] == ["GET /api/v1/namespaces/team-b/secrets/bob-legacy-key: metadata.name "
                                          "is 'someone-else', not 'bob-legacy-key'"]
    assert "someone-else" not in {o["metadata"]["name"] for o in objects}


@pytest.mark.parametrize("with_items", [True, False])
def test_a_new_continue_token_on_every_page_ends(fake_server, token_kubeconfig, with_items):
    fake_server.endless[CONSUMERS] = with_items
    started = time.monotonic()
    message = fetch_error(kubeconfig=str(token_kubeconfig), max_objects=50)
    assert time.monotonic() - started < 10
    if with_items:
        assert f"GET {LIST_PATH} lists more than 50 objects (--max-documents)" in message
    else:
        assert f"keeps paginating {LIST_PATH}" in message and "10 pages in a row without an item" in message
    assert len(fake_server.requests) < 60


def test_a_full_list_after_410_that_still_paginates_is_an_error(fake_server, token_kubeconfig):
    fake_server.expire_continue = 1
    fake_server.relist_paginates = True
    message = fetch_error(kubeconfig=str(token_kubeconfig), page_size=1)
    assert "paginated /apis/configuration.konghq.com/v1/kongconsumers after its continue token expired" in message


def test_a_server_trickling_a_byte_a_second_times_out(fake_server, token_kubeconfig):
    fake_server.trickle[CONSUMERS] = 0.05  # each socket read succeeds; the request never ends in time
    started = time.monotonic()
    message = fetch_error(kubeconfig=str(token_kubeconfig), timeout=1)
    assert time.monotonic() - started < 4
    assert f"did not answer GET {LIST_PATH} within 1s; retry, or raise --cluster-timeout" in message


def test_the_whole_fetch_has_a_deadline(fake_server, token_kubeconfig):
    for plural in ("kongconsumers", "kongconsumergroups", "kongvaults", "secrets"):
        fake_server.slow[plural] = 0.4  # each request is quick enough, all of them are not
    started = time.monotonic()
    message = fetch_error(kubeconfig=str(token_kubeconfig), timeout=5, deadline=1)
    assert time.monotonic() - started < 4
    assert "reading the cluster of context 'kind-test' took longer than 1s; raise --cluster-deadline" in message


def test_the_deadline_flag(fake_server, token_kubeconfig, tmp_path):
    fake_server.slow["kongconsumers"] = 5
    result = run(manifests(tmp_path, consumer("a", "x", "u")), *live_args(token_kubeconfig),
                 "--cluster-deadline", "0.5", "-f", "json")
    assert result.exit_code == 2
    [error] = json.loads(result.output)["errors"]
    assert "took longer than 0.5s" in error["message"]


def test_a_body_larger_than_the_cap_is_refused(fake_server, token_kubeconfig, tmp_path):
    message = fetch_error(kubeconfig=str(token_kubeconfig), max_body=1024)
    assert f"answered GET {LIST_PATH} with more than 1024 bytes (--max-file-size)" in message
    result = run(manifests(tmp_path, consumer("a", "x", "u")), *live_args(token_kubeconfig),
                 "--max-file-size", "1K")
    assert result.exit_code == 2 and "with more than 1024 bytes" in result.output


def test_a_body_nested_too_deeply_is_an_error(fake_server, token_kubeconfig):
    fake_server.override[CONSUMERS] = (200, b"[" * 100_000 + b"]" * 100_000)
    assert "sent JSON nested too deeply to read" in fetch_error(kubeconfig=str(token_kubeconfig))


def test_an_exec_plugin_that_never_returns_is_stopped(tls_token_server, pki, tmp_path):
    pid_file = tmp_path / "plugin.pid"
    script = tmp_path / "hang.py"
    script.write_text(f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)\n")
    config = write_kubeconfig(tmp_path / "kc", tls_token_server.url, exec_user(script), context="eks",
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    started = time.monotonic()
    message = fetch_error(kubeconfig=str(config), timeout=1)
    assert time.monotonic() - started < 5
    assert message == ("the exec credential plugin of context 'eks' failed: exec: the plugin did not finish "
                       "within 1s and was stopped; raise --cluster-timeout if it needs longer")
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # killed and reaped, not left behind
    assert tls_token_server.requests == []


def test_credentials_echoed_by_the_server_are_redacted(fake_server, token_kubeconfig, tmp_path):
    fake_server.echo_authorization.add(CONSUMERS)
    message = fetch_error(kubeconfig=str(token_kubeconfig))
    assert TOKEN not in message
    assert "answered 500 Internal Server Error" in message and "Authorization: <redacted>" in message
    result = run(manifests(tmp_path, consumer("a", "x", "u")), *live_args(token_kubeconfig), "-f", "sarif")
    assert result.exit_code == 2 and TOKEN not in result.output and "<redacted>" in result.output


def test_credentials_in_an_exec_plugin_error_are_redacted(tls_token_server, pki, tmp_path):
    script = tmp_path / "leaky.py"
    script.write_text("import sys\nsys.stderr.write('refresh failed for token=sk-live-51H8xQ and "
                      "Authorization: Bearer abc.def-ghi_jkl; password: hunter2-live\\n')\nsys.exit(1)\n")
    config = write_kubeconfig(tmp_path / "kc", tls_token_server.url, exec_user(script), context="eks",
                              cluster={"certificate-authority-data": pem_b64(pki["server_ca_pem"])})
    message = fetch_error(kubeconfig=str(config))
    assert message.startswith("the exec credential plugin of context 'eks' failed: exec: process returned 1.")
    for secret_text in ("sk-live-51H8xQ", "abc.def-ghi_jkl", "hunter2-live"):
        assert secret_text not in message
    assert message.count("<redacted>") == 3


# --- snapshots: malformed items are located errors; the others still take part ----------------

SNAPSHOT_ITEMS = """apiVersion: v1
kind: List
items:
- apiVersion: configuration.konghq.com/v1
  kind: KongConsumer
  metadata:
    name: good
    namespace: ops
    annotations: {kubernetes.io/ingress.class: kong}
  username: live-user
- apiVersion: configuration.konghq.com/v1
  kind: KongConsumer
  metadata:
    name: labelled
    namespace: ops
    labels: [a]
  username: other
- apiVersion: v1
  kind: Secret
  metadata:
    name: typed
    namespace: ops
    labels: {konghq.com/credential: key-auth}
  stringData: [SNAPSHOT-value-as-key]
- just text
- apiVersion: v1
  kind: Secret
  metadata: {name: keyed, namespace: ops, labels: {konghq.com/credential: key-auth}}
  data:
    SNAPSHOT-value-typed-as-key:
"""


def test_malformed_snapshot_items_are_located_errors(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_text(SNAPSHOT_ITEMS)
    problems: list = []
    located = load_snapshot_located(str(path), problems=problems)
    assert [o["metadata"]["name"] for o, _ in located] == ["good"]
    assert [str(p) for p in problems] == [
        f"{path}:16: KongConsumer 'labelled' in cluster snapshot: metadata.labels must be a mapping of text, "
        "not a list",
        f"{path}:24: Secret 'typed' in cluster snapshot: stringData must be a mapping of text, not a list",
        f"{path}:25: cluster snapshot: list item is not an object",
        f"{path}:30: Secret 'keyed' in cluster snapshot: data holds an entry that is not text (a mapping of text "
        "(base64) is needed)",
    ]


def test_a_scan_with_a_malformed_snapshot_still_reports_every_finding(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_text(SNAPSHOT_ITEMS)
    folder = manifests(tmp_path, consumer("mine", "team", "live-user"), consumer("a", "x", "same"),
                       consumer("b", "z", "same"))
    result = run(folder, "--cluster-snapshot", str(path), "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert sorted(f["rule"] for f in report["findings"]) == ["consumer-username-conflict"] * 2
    assert len(report["errors"]) == 4 and all(e["file"] == str(path) for e in report["errors"])
    assert "SNAPSHOT-value" not in result.output


def test_a_snapshot_is_read_with_a_size_limit(tmp_path):
    result = run(manifests(tmp_path, consumer("a", "x", "u")), "--cluster-snapshot", "/dev/zero",
                 "--max-file-size", "1K")
    assert result.exit_code == 2 and "/dev/zero: cluster snapshot larger than --max-file-size (1024 bytes)" \
        in result.output


def test_secret_refs_of_a_malformed_consumer_do_not_crash(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_text("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata: {name: c, namespace: team}\n"
                    "username: u\ncredentials: some-secret\n")
    result = run(manifests(tmp_path, consumer("a", "x", "u")), "--cluster-snapshot", str(path), "-f", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "credentials" in json.loads(result.output)["errors"][0]["message"]


def test_a_huge_streamed_answer_is_refused_with_bounded_memory(fake_server, token_kubeconfig, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hostile"))
    from hostilekit import measured

    fake_server.huge["secrets"] = 1 << 30  # 1 GiB, no Content-Length
    folder = manifests(tmp_path, consumer("a", "x", "u"))
    run = measured("scan", folder, "--cluster", "--kubeconfig", str(token_kubeconfig), "--no-config", timeout=120)
    assert run.code == 2, run.stdout + run.stderr
    assert "answered GET /api/v1/secrets with more than 67108864 bytes (--max-file-size)" in run.stdout
    assert run.max_rss_mb < 250 and run.seconds < 30
