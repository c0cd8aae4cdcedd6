"""invalid-tag: konghq.com/tags entries with '/' on objects whose tags reach Kong."""
from __future__ import annotations

from kchelp import fixture, res, scan_json

PATH = fixture("tags.yaml")


def test_tags_with_a_slash_on_consumers_and_credential_secrets():
    run = scan_json(PATH)
    assert run.code == 1
    consumer, secret = run.findings()
    assert consumer["rule"] == secret["rule"] == "invalid-tag"
    assert consumer["resources"] == [res("KongConsumer", "tags", "tagged", PATH, 9, 22)]
    assert "tag 'team/search' in konghq.com/tags contains '/'" in consumer["message"]
    assert "owner:search" not in consumer["message"]  # the valid part of the list is not blamed
    assert secret["resources"] == [res("Secret", "tags", "tagged-key", PATH, 21, 22)]
    # 'tidy' is fine and 'not-ours' belongs to another controller


def test_tags_of_an_unattached_secret_never_reach_kong(tmp_path):
    manifest = tmp_path / "s.yaml"
    manifest.write_text("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n"
                        "    konghq.com/tags: a/b\nstringData:\n  key: unattached-k\n")
    assert scan_json(str(manifest)).findings() == []
