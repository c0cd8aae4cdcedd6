"""Hostile input is refused quickly, with bounded memory and one clear error.

Each scan runs in a child process whose own wall time and peak RSS (wait4's ru_maxrss) are
asserted; the inputs are generated here.  A bare ``python -m kongcheck`` peaks near 20 MB.
"""
from __future__ import annotations

import json

import pytest

from hostilekit import VALID, cli, measured, scan_json, write

SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: hostile}\n"


def _scan(path, *args, timeout=30):
    run = measured("scan", "--no-config", "--format", "json", *args, str(path), timeout=timeout)
    return run, json.loads(run.stdout)


def _billion_laughs() -> str:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return SECRET + "\n".join(levels) + "\n"


def test_alias_bomb_is_refused_like_kubectl_refuses_it(tmp_path):
    path = write(tmp_path, "bomb.yaml", _billion_laughs())  # 10^10 nodes once expanded
    run, report = _scan(path)
    assert run.code == 2
    assert report["errors"] == [{"file": str(path), "line": 7, "source": "file", "message": "excessive aliasing (an alias bomb?): "
                                 "kubectl refuses this document with 'document contains excessive aliasing'"}]
    assert run.seconds < 5 and run.max_rss_mb < 120


def test_ordinary_anchors_and_merge_keys_are_not_refused(tmp_path):
    anchors = "defaults: &d {labels: {team: a}, annotations: {kubernetes.io/ingress.class: kong}}\n"
    many = "".join(f"m{i}: {{<<: *d, n: {i}}}\n" for i in range(3000))  # 3000 aliases, a small share of nodes
    path = write(tmp_path, "anchors.yaml", SECRET + anchors + many)
    assert scan_json(str(path)).json["errors"] == []


@pytest.mark.parametrize("shape", ["yaml-flow-list", "yaml-flow-map", "json", "yaml-block"])
def test_deep_nesting_is_refused_at_max_depth(tmp_path, shape):
    depth = 100_000
    if shape == "yaml-flow-list":
        path = write(tmp_path, "deep.yaml", SECRET + "x: " + "[" * depth + "]" * depth + "\n")
    elif shape == "yaml-flow-map":
        path = write(tmp_path, "deep.yaml", SECRET + "x: " + "{a: " * depth + "1" + "}" * depth + "\n")
    elif shape == "json":
        path = write(tmp_path, "deep.json", '{"apiVersion": "v1", "kind": "Secret", "x": ' + "[" * depth + "]" * depth + "}\n")
    else:  # block nesting costs n^2/2 bytes of indentation: 3,000 levels is 4.5 MB
        path = write(tmp_path, "deep.yaml", SECRET + "".join(" " * i + "a:\n" for i in range(3000)))
    run, report = _scan(path)
    assert run.code == 2
    [error] = report["errors"]
    assert error["message"] == "nesting deeper than 1000 levels refused (--max-depth)"
    assert error["file"] == str(path) and error["line"] is not None
    assert run.seconds < 5 and run.max_rss_mb < 150
    assert "Traceback" not in run.stderr and "Segmentation" not in run.stderr


def test_the_deepest_allowed_nesting_is_still_quick(tmp_path):
    depth = 9_990  # --max-depth accepts at most 10,000, the API server's own JSON limit
    path = write(tmp_path, "deep.yaml", SECRET + "x: " + "[" * depth + "]" * depth + "\n")
    run, report = _scan(path, "--max-depth", "10000")
    assert report["errors"] == [] and run.code == 0
    assert run.seconds < 5 and run.max_rss_mb < 150
    path = write(tmp_path, "deep.json", '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "x": '
                 + "[" * depth + "]" * depth + "}\n")  # deeper than Python's json module reads
    run, report = _scan(path, "--max-depth", "10000")
    assert report["errors"] == [] and run.code == 0
    assert run.seconds < 5 and run.max_rss_mb < 150


def test_200_mb_single_line_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as stream:
        stream.write(b"kind: Secret\nx: ")
        block = b"A" * (1 << 20)
        for _ in range(200):
            stream.write(block)
    write(tmp_path, "valid.yaml", VALID)
    run, report = _scan(tmp_path)
    assert run.code == 2
    assert report["errors"] == [{"file": str(path), "line": None,
                                 "source": "file", "message": "refused: 200.0 MiB, more than the 64.0 MiB limit (--max-file-size)"}]
    assert [f["rule"] for f in report["findings"]] == ["key-auth-key-conflict"]
    assert run.seconds < 5 and run.max_rss_mb < 120  # far less than the file: it was never read


def test_20_mb_single_line_under_the_limit_is_read_in_bounded_time(tmp_path):
    value = "k" * 20_000_000
    path = write(tmp_path, "line.json", '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", '
                 '"labels": {"konghq.com/credential": "key-auth"}}, "stringData": {"key": "' + value + '"}}')
    run, report = _scan(path)
    assert report["errors"] == [] and run.code in (0, 1)
    assert value not in run.stdout + run.stderr
    assert run.seconds < 10 and run.max_rss_mb < 400


def test_a_million_tiny_documents_stop_at_max_documents(tmp_path):
    path = tmp_path / "million.yaml"
    path.write_bytes(b"".join(b"---\napiVersion: v1\nkind: Secret\nmetadata: {name: s%d}\n" % i
                              for i in range(1_000_000)))
    run, report = _scan(path, timeout=60)
    assert run.code == 2
    assert report["errors"] == [{"file": str(path), "line": 400_001, "source": "file", "message": "more than 100000 documents in one "
                                 "file or stream (--max-documents); the rest was not scanned"}]
    assert report["summary"]["documents"] == 100_001
    assert run.seconds < 20 and run.max_rss_mb < 450


def test_a_million_documents_that_need_no_parsing_are_refused_quickly(tmp_path):
    path = tmp_path / "million.yaml"
    path.write_bytes(b"---\na: 1\n" * 1_000_000)
    run, report = _scan(path)
    assert run.code == 2
    assert report["errors"] == [{"file": str(path), "line": 200_001, "source": "file", "message": "more than 100000 documents in one "
                                 "file or stream (--max-documents); the rest was not scanned"}]
    assert run.seconds < 10 and run.max_rss_mb < 200


def test_nested_lists_cannot_multiply_documents(tmp_path):
    # each List holds 10 aliases of the List below it: 10^6 Secrets if expanded without bound
    lines = ["l0: &l0 {apiVersion: v1, kind: Secret, metadata: {name: s}}"]
    lines += [f"l{i}: &l{i} {{kind: List, items: [{', '.join([f'*l{i - 1}'] * 10)}]}}" for i in range(1, 7)]
    path = write(tmp_path, "lists.yaml", "anchors:\n" + "".join(f"  {line}\n" for line in lines)
                 + "kind: List\nitems: [*l6]\n")
    run, report = _scan(path, "--max-documents", "1000")
    assert run.code == 2
    messages = [e["message"] for e in report["errors"]]
    assert messages in (["more than 1000 documents in one file or stream (--max-documents); the rest was not "
                         "scanned"], ["excessive aliasing (an alias bomb?): kubectl refuses this document with "
                                      "'document contains excessive aliasing'"])
    assert run.seconds < 5 and run.max_rss_mb < 150


def test_every_limit_has_a_flag(tmp_path):
    path = write(tmp_path, "valid.yaml", VALID)
    run = scan_json(str(path), "--max-file-size", "500")
    assert run.json["errors"][0]["message"] == "refused: 686 bytes, more than the 500 bytes limit (--max-file-size)"
    assert scan_json(str(path), "--max-file-size", "64M").code == 1
    run = scan_json(str(path), "--max-documents", "3")
    assert run.json["errors"][0] == {"file": str(path), "line": 17, "source": "file", "message": "more than 3 documents in one file "
                                     "or stream (--max-documents); the rest was not scanned"}
    run = scan_json(str(path), "--max-depth", "2")
    assert run.json["errors"][0]["message"] == "nesting deeper than 2 levels refused (--max-depth)"
    stdin = cli("scan", "--no-config", "--max-file-size", "100", "-", input=VALID)
    assert stdin.code == 2 and "<stdin>: refused: more than the 100 bytes limit (--max-file-size)" in stdin.stdout
    for bad in (("--max-file-size", "0"), ("--max-file-size", "lots"), ("--max-depth", "0"),
                ("--max-depth", "10001")):
        usage = cli("scan", "--no-config", *bad, str(path))
        assert usage.code == 2 and "Invalid value" in usage.stderr


def _consumer_list(count: int) -> str:
    lines = ["apiVersion: v1", "kind: List", "items:"]
    for i in range(count):
        comment = "  # kongcheck: ignore[consumer-username-conflict]" if i == 0 else ""
        lines.append(f"- {{apiVersion: configuration.konghq.com/v1, kind: KongConsumer, metadata: {{name: c{i}, "
                     f"annotations: {{kubernetes.io/ingress.class: kong}}}}, username: u{i % (count // 2)}}}{comment}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_a_list_of_many_items_loads_in_linear_time(tmp_path, via):
    """Each item of one List shares the List's text: locating items and reading suppression comments
    must not read that whole text again for each of them (4 times the items, not 16 times the time)."""
    seconds = {}
    for count in (5000, 20000):
        path = write(tmp_path, f"list{count}.yaml", _consumer_list(count))
        run = measured("scan", "--no-config", "--format", "json", str(path) if via == "file" else "-",
                       timeout=120, stdin=path if via == "stdin" else None)
        report = json.loads(run.stdout)
        assert run.code == 1 and report["summary"]["kong_resources"] == count
        assert len(report["findings"]) == count // 2 and report["summary"]["suppressed"] == 0
        seconds[count] = run.seconds
    assert seconds[20000] < 8 * seconds[5000], seconds


@pytest.mark.parametrize("blank_lines_at", ["start", "end"])
def test_a_block_scalar_of_many_blank_lines_is_read_in_linear_time(tmp_path, blank_lines_at):
    """The fast reader keeps a block scalar's blank lines as a count, never as text grown line by line."""
    seconds = {}
    for count in (200_000, 800_000):
        blank = "\n" * count
        value = f"|\n{blank}  bob\n" if blank_lines_at == "start" else f"|\n  bob\n{blank}"
        path = write(tmp_path, f"blank{count}.yaml", "apiVersion: configuration.konghq.com/v1\nkind: KongConsumer\n"
                     "metadata:\n  name: a\n  annotations: {kubernetes.io/ingress.class: kong}\n"
                     f"username: {value}custom_id: c\n")
        run, report = _scan(path, timeout=120)
        assert report["errors"] == [] and report["summary"]["kong_resources"] == 1
        seconds[count] = run.seconds
    assert seconds[800_000] < 10 and seconds[800_000] < 8 * seconds[200_000], seconds


FORMAT_NAMES = ("text", "json", "sarif", "github", "junit", "markdown")


def _consumers_sharing_a_username(count: int) -> str:
    return "".join(f"---\napiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: c{i}\n"
                   f"  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: shared-user\n"
                   for i in range(count))


def _one_object_defined(count: int) -> str:
    return "".join(f"---\napiVersion: configuration.konghq.com/v1\nkind: KongConsumer\nmetadata:\n  name: same\n"
                   f"  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: kong}}\nusername: u{i}\n"
                   for i in range(count))


def _every_format(tmp_path, path, *args) -> dict[str, bytes]:
    """One measured scan writing every format to its own file: {format: bytes written}."""
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in FORMAT_NAMES}
    flags = [flag for fmt, out in outputs.items() for flag in ("-f", fmt, "-o", str(out))]
    run = measured("scan", "--no-config", *flags, *args, str(path), timeout=60)
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert run.seconds < 20 and run.max_rss_mb < 300
    return {fmt: out.read_bytes() for fmt, out in outputs.items()}


# Bytes each format may write for one finding of thousands of resources.  SARIF holds the whole
# rule catalogue (about 100 KB) and one result for each of --max-locations participants.
BOUNDS = {"text": 8_000, "json": 16_000, "sarif": 400_000, "github": 8_000, "junit": 16_000, "markdown": 32_000}


@pytest.mark.parametrize("shape", ["2000-consumers-share-a-username", "one-object-defined-3000-times"])
def test_one_finding_of_thousands_of_resources_is_bounded_in_every_format(tmp_path, shape):
    if shape.startswith("2000"):
        path = write(tmp_path, "consumers.yaml", _consumers_sharing_a_username(2000))  # 333 KB
    else:
        path = write(tmp_path, "same.yaml", _one_object_defined(3000))
    written = _every_format(tmp_path, path)
    for fmt, data in written.items():
        print(f"{shape}: {fmt} {len(data)} bytes")
        assert len(data) < BOUNDS[fmt], (fmt, len(data))
    text = {fmt: data.decode("utf-8") for fmt, data in written.items()}
    more = "and 1990 more" if shape.startswith("2000") else "and 2990 more"
    for fmt in ("text", "sarif", "github", "junit", "markdown"):
        assert more in text[fmt] or more.replace("1990", "1989").replace("2990", "2989") in text[fmt], fmt
    report = json.loads(text["json"])
    [finding] = report["findings"]
    assert len(finding["resources"]) == 10 and finding["truncated"]["resources"] in (1990, 2990)
    sarif = json.loads(text["sarif"])
    results = sarif["runs"][0]["results"]
    assert len(results) == 10 and all(len(r["relatedLocations"]) == 10 for r in results)
    github = [line for line in text["github"].splitlines() if line.startswith("::")]
    assert len(github) == 1  # one annotation for the finding


def test_max_locations_lists_more_or_all(tmp_path):
    path = write(tmp_path, "consumers.yaml", _consumers_sharing_a_username(30))
    report = scan_json(str(path), "--max-locations", "3").json
    [finding] = report["findings"]
    assert len(finding["resources"]) == 3 and finding["truncated"] == {"resources": 27}
    report = scan_json(str(path), "--max-locations", "0").json
    assert len(report["findings"][0]["resources"]) == 30 and "truncated" not in report["findings"][0]
    sarif = json.loads(cli("scan", "--no-config", "-f", "sarif", "--max-locations", "0", str(path)).stdout)
    assert len(sarif["runs"][0]["results"]) == 30
    assert cli("scan", "--no-config", "--max-locations", "-1", str(path)).code == 2


def test_sarif_keeps_the_most_severe_results_under_githubs_limit(monkeypatch):
    from kongcheck.model import Finding, Location, Participant, ResourceRef
    from kongcheck.report import ReportOptions
    from kongcheck.report import sarif
    from kongcheck.verdict import ScanResult

    def finding(severity: str, name: str) -> Finding:
        participants = [Participant(ResourceRef("KongConsumer", "ns", f"{name}{i}"), Location(f"{name}.yaml", i + 1, 1))
                        for i in range(2)]
        return Finding("consumer-username-conflict", severity, "m", participants)

    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    result = ScanResult(findings=[finding("warning", "w1"), finding("error", "e1"), finding("warning", "w2"),
                                  finding("error", "e2")])
    document = sarif.document(result, ReportOptions())
    assert [r["level"] for r in document["runs"][0]["results"]] == ["error"] * 4
    notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[-1]["message"]["text"].startswith("4 results left out: GitHub code scanning accepts at most 5")


def test_the_kept_and_dropped_names_of_thousands_of_resources_are_bounded_in_every_format(tmp_path):
    vaults = "---\n".join(
        f"apiVersion: configuration.konghq.com/v1alpha1\nkind: KongVault\nmetadata:\n  name: v{i:04d}\n"
        "  annotations: {kubernetes.io/ingress.class: kong}\nspec: {backend: env, prefix: shared}\n"
        for i in range(2000))
    written = _every_format(tmp_path, write(tmp_path, "vaults.yaml", vaults))
    text = {fmt: data.decode("utf-8") for fmt, data in written.items()}
    for fmt in ("text", "github", "junit", "markdown"):
        assert len(written[fmt]) < BOUNDS[fmt] + 16_000, (fmt, len(written[fmt]))
    [outcome] = [line for line in text["text"].splitlines() if line.lstrip().startswith("outcome:")]
    assert outcome.count("/KongVault/") == 11 and outcome.endswith("and 1989 more")  # 1 kept, 10 dropped named
    [finding] = json.loads(text["json"])["findings"]
    assert len(finding["dropped"]) == 10 and finding["truncated"]["dropped"] == 1989
