"""Item 1: broken input is one clear error line (file, line, what), exit 2, and the finding in
the valid file next to it is still reported.  Every input is a real file written here."""
from __future__ import annotations

import os

import pytest

from hostilekit import VALID, cli, measured, scan_json, write

SECRET_HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\n  labels: {konghq.com/credential: key-auth}\n"
CONSUMER_HEAD = ("apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: carl\n"
                 "  annotations: {kubernetes.io/ingress.class: kong}\n")

# (file name, content, line of the error, words the error must say)
BROKEN = {
    # at the unterminated quote's line, not on the line past the end of the file
    "invalid-yaml": ("bad.yaml", SECRET_HEAD + 'stringData:\n  key: "no end quote\n', 7, "invalid YAML"),
    "invalid-json": ("bad.json", '{"apiVersion": "v1", "kind": "Secret",\n "metadata": {"name": "x",}}\n', 2,
                     "invalid JSON: Expecting property name enclosed in double quotes (column 27)"),
    "not-utf8": ("latin1.yaml", SECRET_HEAD.encode() + b"stringData:\n  key: caf\xe9\n", 7, "not UTF-8 text"),
    "binary": ("blob.yaml", b"kind: Secret\n\x00\x01\x02\x03", 2, "not a text file (contains NUL bytes)"),
    "kind-type": ("kind.yaml", "apiVersion: v1\nkind: [KongConsumer]\nmetadata: {name: a}\n", 2,
                  "kind must be text, not a list"),
    "metadata-type": ("meta.yaml", "apiVersion: v1\nkind: Secret\nmetadata: [name, x]\n", 3,
                      "Secret: metadata must be a mapping, not a list"),
    "namespace-type": ("ns.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: {x: 1}\n", 5,
                       "metadata.namespace must be non-empty text"),
    "kong-field-type": ("field.yaml", CONSUMER_HEAD + "username: {first: carl}\n", 6,
                        "KongConsumer 'carl': username must be text, not a mapping"),
    "credentials-type": ("creds.yaml", CONSUMER_HEAD + "username: carl\ncredentials: carl-key\n", 7,
                         "credentials must be a list, not text"),
    "invalid-base64": ("b64.yaml", SECRET_HEAD + "data:\n  key: '%%%not base64'\n", 7,
                       "Secret 'broken': the data value at column 8 is not valid base64; the API server refuses it"),
    "duplicate-key": ("dup.yaml", SECRET_HEAD + "stringData:\n  key: one\n  key: two\n", 8,
                      "duplicate key in a mapping (first at line 7); kubectl would keep the last one without "
                      "a word, kustomize refuses the document: remove one"),
    "duplicate-json-key": ("dup.json", '{"apiVersion": "v1", "kind": "Secret",\n "metadata": {"name": "x"},\n'
                           ' "kind": "Secret"}\n', 3, "duplicate key in an object (first at line 1)"),
    "tab-indented": ("tabs.yaml", SECRET_HEAD + "stringData:\n\tkey: value\n", 7,
                     "invalid YAML: found character that cannot start any token (a tab? YAML indents with spaces only)"),
    "alias-to-nothing": ("alias.yaml", SECRET_HEAD + "stringData: *nowhere\n", 6,
                         "an alias (*) names no anchor defined before it"),
    "complex-key": ("key.yaml", SECRET_HEAD + "stringData:\n  ? [a, b]\n  : c\n", 7,
                    "a mapping or list used as a mapping key"),
}


def _scan_with_valid(tmp_path, name, content, *args):
    write(tmp_path, "valid.yaml", VALID)
    write(tmp_path, name, content)
    return scan_json(str(tmp_path), *args)


def _assert_finding_survives(run):
    found = [f for f in run.json["findings"] if f["rule"] == "key-auth-key-conflict"]
    assert len(found) == 1
    assert {r["file"].rsplit("/", 1)[-1] for r in found[0]["resources"]} == {"valid.yaml"}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_one_error_line_and_the_rest_is_scanned(tmp_path, case):
    name, content, line, words = BROKEN[case]
    run = _scan_with_valid(tmp_path, name, content)
    assert run.exception is None
    assert run.code == 2
    assert run.json["errors"] == [{"file": str(tmp_path / name), "line": line, "source": "file", "message": run.json["errors"][0]["message"]}]
    assert words in run.json["errors"][0]["message"]
    _assert_finding_survives(run)
    text = cli("scan", "--no-config", str(tmp_path))
    errors = [row for row in text.stdout.splitlines() if row.startswith("error  /")]
    assert errors == [f"error  {tmp_path / name}:{line}: {run.json['errors'][0]['message']}"]
    assert "Traceback" not in text.output


def test_a_kind_of_the_wrong_type_outside_kong_documents_needs_parse_all(tmp_path):
    run = _scan_with_valid(tmp_path, "kind.yaml", "apiVersion: v1\nkind: 7\nmetadata: {name: a}\n")
    assert run.code == 1 and run.json["errors"] == []  # the prefilter never parses it
    run = scan_json(str(tmp_path), "--parse-all")
    assert run.code == 2
    assert run.json["errors"] == [{"file": str(tmp_path / "kind.yaml"), "line": 2,
                                   "source": "file", "message": "kind must be text, not a number"}]
    _assert_finding_survives(run)


def test_tab_indented_json_is_valid_json_with_exact_positions(tmp_path):
    write(tmp_path, "valid.yaml", VALID)
    write(tmp_path, "z-third.json", '{\n\t"apiVersion": "v1",\n\t"kind": "List",\n\t"items": [{\n\t\t"apiVersion": "v1",'
          '\n\t\t"kind": "Secret",\n\t\t"metadata": {"name": "ben-key", "namespace": "ns",\n\t\t\t"labels": '
          '{"konghq.com/credential": "key-auth"}},\n\t\t"stringData": {"key": "other-value"}\n\t}]\n}\n')
    run = scan_json(str(tmp_path))
    assert run.code == 0 and run.json["errors"] == []  # the JSON Secret, applied last, replaced ben-key
    [duplicate] = run.json["findings"]
    assert duplicate["rule"] == "duplicate-resource"
    assert duplicate["resources"][1] == {"kind": "Secret", "namespace": "ns", "name": "ben-key", "source": "file",
                                         "file": str(tmp_path / "z-third.json"), "line": 6, "column": 11}


def test_json_that_libyaml_refuses_is_read_as_json_with_positions(tmp_path):
    long_label = "x" * 1500  # keys over 1024 characters are valid JSON, but no YAML implicit key
    write(tmp_path, "valid.yaml", VALID)
    write(tmp_path, "long.json", '{"apiVersion": "v1", "kind": "Secret",\n "metadata": {"name": "cid", "namespace": '
          f'"ns", "labels": {{"konghq.com/credential": "key-auth", "{long_label}": "\\ud83d\\ude00"}}}},\n'
          f' "stringData": {{"key": "{os.environ.get("NOPE", "hostile-key-VALUE-0001")}"}}}}\n'
          '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "two", "namespace": "ns",\n'
          '  "labels": {"konghq.com/credential": "key-auth"}}, "stringData": {"key": "hostile-key-VALUE-0001"}}\n')
    run = scan_json(str(tmp_path))
    assert run.json["errors"] == []
    finding = run.json["findings"][0]
    # both JSON objects of the stream took part (labelled Secrets are checked even unattached)
    assert run.json["summary"]["documents"] == 6
    assert finding["rule"] == "key-auth-key-conflict"


def test_a_symlink_loop_is_not_followed_and_listed_under_verbose(tmp_path):
    write(tmp_path, "valid.yaml", VALID)
    (tmp_path / "vendor").mkdir()
    os.symlink(tmp_path, tmp_path / "vendor" / "loop")  # kubectl apply -R does not enter linked folders
    os.symlink("self.yaml", tmp_path / "vendor" / "self")  # a link to itself, without a manifest name
    run = scan_json(str(tmp_path))
    assert run.code == 1 and run.json["errors"] == []
    _assert_finding_survives(run)
    verbose = scan_json(str(tmp_path), "--verbose")
    assert (f"skipped {tmp_path / 'vendor' / 'loop'}: a symlinked folder that points back to a folder above it; "
            "not followed") in verbose.stderr


def test_a_symlinked_folder_is_not_walked_as_kubectl_does_not_and_is_no_error(tmp_path):
    (tmp_path / "real").mkdir()
    write(tmp_path / "real", "valid.yaml", VALID)
    os.symlink(tmp_path / "real", tmp_path / "alias")
    run = scan_json(str(tmp_path))
    assert run.json["errors"] == []
    assert {r["file"] for f in run.json["findings"] for r in f["resources"]} == {str(tmp_path / "real" / "valid.yaml")}
    verbose = scan_json(str(tmp_path), "--verbose")
    assert f"skipped {tmp_path / 'alias'}: a symlinked folder" in verbose.stderr


def test_a_file_that_vanishes_before_it_is_read(tmp_path, monkeypatch):
    from kongcheck.sources import files

    write(tmp_path, "valid.yaml", VALID)
    gone = write(tmp_path, "gone.yaml", SECRET_HEAD)
    collect = files.collect

    def collect_then_delete(*args, **kwargs):
        found = collect(*args, **kwargs)
        gone.unlink()
        return found

    monkeypatch.setattr(files, "collect", collect_then_delete)
    run = scan_json(str(tmp_path))
    assert run.code == 2
    assert run.json["errors"] == [{"file": str(gone), "line": None,
                                   "source": "file", "message": "cannot read file: No such file or directory"}]
    _assert_finding_survives(run)


def test_a_file_that_cannot_be_read(tmp_path, monkeypatch):
    from kongcheck.sources import files

    write(tmp_path, "valid.yaml", VALID)
    locked = write(tmp_path, "locked.yaml", SECRET_HEAD)
    real = files.read_file_limited

    def refuse(path, limit):  # tests run as root, so chmod 000 would not stop the read
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real(path, limit)

    monkeypatch.setattr(files, "read_file_limited", refuse)
    run = scan_json(str(tmp_path))
    assert run.code == 2
    assert run.json["errors"] == [{"file": str(locked), "line": None, "source": "file", "message": "cannot read file: Permission denied"}]
    _assert_finding_survives(run)


def test_a_fifo_in_a_folder_does_not_block_the_scan(tmp_path):
    write(tmp_path, "valid.yaml", VALID)
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would wait forever for a writer
    (tmp_path / "folder.yaml").mkdir()  # a folder with a manifest name is walked, like kubectl does
    write(tmp_path / "folder.yaml", "inner.yaml", "# nothing here\n")
    run = measured("scan", "--no-config", "--format", "json", str(tmp_path), timeout=20)
    assert run.code == 2
    import json

    errors = json.loads(run.stdout)["errors"]
    assert errors == [{"file": str(tmp_path / "pipe.yaml"), "line": None,
                       "source": "file", "message": "not a regular file (a FIFO, socket or device?), skipped"}]
    assert [f["rule"] for f in json.loads(run.stdout)["findings"]] == ["key-auth-key-conflict"]


NOT_MANIFESTS = {
    "empty.yaml": "",
    "comments.yaml": "# only a comment\n---\n# and another\n",
    "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
    "values.yaml": "replicaCount: 2\nimage: {repository: kong, tag: '3.9'}\nsecretName: my-Secret\n",
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
    ".gitlab-ci.yml": "stages: [test]\ntest:\n  script: [kongcheck scan .]\n",
    "ci.yml": "on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps: [{run: kongcheck scan k8s/}]\n",
    "scalar.yaml": "just a sentence about a Secret\n",
    "list.yaml": "- KongConsumer\n- Secret\n",
}


@pytest.mark.parametrize("parse_all", [False, True])
def test_files_that_are_no_kubernetes_objects_are_skipped_silently(tmp_path, parse_all):
    write(tmp_path, "valid.yaml", VALID)
    for name, content in NOT_MANIFESTS.items():
        write(tmp_path, name, content)
    args = ["--render-roots", "files"] + (["--parse-all"] if parse_all else [])  # read Chart.yaml as kubectl -R does
    run = scan_json(str(tmp_path), *args)
    assert run.code == 1 and run.json["errors"] == [] and run.stderr == ""
    _assert_finding_survives(run)
    verbose = scan_json(str(tmp_path), "--verbose", *args)
    skipped = [row for row in verbose.stderr.splitlines() if row.startswith("skipped ")]
    for name in NOT_MANIFESTS:
        if name != ".gitlab-ci.yml":  # hidden files are no manifests for kubectl either
            assert any(f"/{name}" in row for row in skipped), (name, skipped)


def test_a_scan_that_finds_no_manifests_says_so(tmp_path):
    for name in ("values.yaml", "empty.yaml", "ci.yml"):
        write(tmp_path, name, NOT_MANIFESTS[name])
    run = scan_json(str(tmp_path))
    assert run.code == 2
    assert run.json["errors"] == [{"file": str(tmp_path), "line": None, "source": "input", "message": "no Kubernetes manifests found "
                                   "(no document with a kind); --allow-empty accepts this"}]
    allowed = scan_json(str(tmp_path), "--allow-empty")
    assert allowed.code == 0 and allowed.json["errors"] == []
    assert f"kongcheck: no Kubernetes manifests found in {tmp_path}" in allowed.stderr
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert scan_json(str(empty)).code == 2
    assert cli("scan", "--no-config", "-", input="").code == 2
    assert cli("scan", "--no-config", "--allow-empty", "-", input="").code == 0
