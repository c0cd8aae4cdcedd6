"""A child process reads a large scan's files ahead of loading: the scan's result is the same as
when the scan reads every file itself, whatever the child meets or however it stops."""
from __future__ import annotations

import json
import os

import pytest

import kongcheck
from kchelp import consumer, scan_json, secret, yaml_stream
from kongcheck import pipeline
from kongcheck.redact import comparable
from kongcheck.sources import ahead, files

FILES = ahead.FEWEST + 6


def _tree(root, count: int = FILES) -> list:
    """``count`` files, each a consumer and its key; consumers 3 and 40 share their key."""
    paths = []
    for number in range(count):
        key = "shared" if number in (3, 40) else f"key-{number}"
        path = root / f"c{number:03}.yaml"
        path.write_text(yaml_stream(consumer(f"c{number}", "team", username=f"u{number}", credentials=[f"c{number}-key"]),
                                    secret(f"c{number}-key", "key-auth", "team", key=key)))
        paths.append(path)
    return paths


@pytest.fixture
def made(monkeypatch):
    """The ReadAhead objects the scans make (one per scan that forked a child)."""
    children = []
    start = ahead.start

    def recorded(sources, limit):
        found = start(sources, limit)
        if found is not None:
            children.append(found)
        return found

    monkeypatch.setattr(ahead, "start", recorded)
    return children


def _direct(monkeypatch, *args):
    """The scan with every file read in the scan's own process."""
    with monkeypatch.context() as patch:
        patch.setattr(ahead, "FEWEST", 10 ** 9)
        return scan_json(*args)


def _same(first, second) -> None:
    """The same exit code and report (each run keys its value fingerprints anew: compared by where they
    first appear)."""
    assert first.code == second.code
    assert json.loads(comparable(first.stdout)) == json.loads(comparable(second.stdout))


def test_files_read_ahead_give_the_scan_the_same_result(tmp_path, monkeypatch, made):
    _tree(tmp_path)
    run = scan_json(str(tmp_path))
    assert len(made) == 1 and made[0].stream is None  # a child read them, and is gone
    assert made[0].next == FILES  # every file's bytes came through the pipe
    assert run.code == 1 and len(run.json["findings"]) == 1
    _same(run, _direct(monkeypatch, str(tmp_path)))


def test_a_file_the_child_cannot_read_is_read_by_the_scan_and_gives_its_error(tmp_path, monkeypatch, made):
    paths = _tree(tmp_path)
    locked = str(paths[10])

    def refusing(read):
        def refuse(path, limit):  # tests run as root, so chmod 000 would not stop the read
            if path == locked:
                raise PermissionError(13, "Permission denied", path)
            return read(path, limit)
        return refuse

    # in the child (which reads regular files only) and in the scan alike
    monkeypatch.setattr(files, "read_regular", refusing(files.read_regular))
    monkeypatch.setattr(files, "read_file_limited", refusing(files.read_file_limited))
    run = scan_json(str(tmp_path))
    assert made and run.code == 2
    assert run.json["errors"] == [{"file": locked, "line": None, "source": "file",
                                   "message": "cannot read file: Permission denied"}]
    _same(run, _direct(monkeypatch, str(tmp_path)))


def test_a_file_over_the_size_limit_is_refused_as_without_the_child(tmp_path, monkeypatch, made):
    paths = _tree(tmp_path)
    paths[20].write_text(paths[20].read_text() + "#" * 4000 + "\n")
    run = scan_json(str(tmp_path), "--max-file-size", "2000")
    assert made and run.code == 2
    assert [error["file"] for error in run.json["errors"]] == [str(paths[20])]
    _same(run, _direct(monkeypatch, str(tmp_path), "--max-file-size", "2000"))


def test_files_a_child_that_stops_early_did_not_send_are_read_by_the_scan(tmp_path, monkeypatch, made):
    _tree(tmp_path)
    send = ahead._send

    def stop_after_five(names, limit, fd):
        send(names[:5], limit, fd)
        os._exit(1)  # as if killed: the pipe ends in the middle of the files

    monkeypatch.setattr(ahead, "_send", stop_after_five)
    run = scan_json(str(tmp_path))
    assert made and run.code == 1 and len(run.json["findings"]) == 1
    assert made[0].next == 5  # the five it sent were taken from the pipe, the rest read by the scan
    _same(run, _direct(monkeypatch, str(tmp_path)))


def _pipe(data: bytes) -> str:
    """A path that names a pipe holding ``data`` (as ``<(kustomize build ...)`` gives one)."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)  # less than a pipe holds: no writer needs to wait
    os.close(write_end)
    return f"/dev/fd/{read_end}"


def _clashing_stream(padding: int) -> bytes:
    """Two consumers with one username, then a comment line of ``padding`` characters."""
    return (yaml_stream(consumer("p1", "team", username="same"), consumer("p2", "team", username="same"))
            + "#" * padding + "\n").encode()


@pytest.mark.parametrize("padding, refused", [(10, False), (5000, True)])
def test_a_pipe_named_beside_a_large_tree_is_read_once_by_the_scan(tmp_path, monkeypatch, made, padding, refused):
    _tree(tmp_path)
    limit = ["--max-file-size", "4096"]
    pipe = _pipe(_clashing_stream(padding))
    try:
        run = scan_json(str(tmp_path), pipe, *limit)
    finally:
        os.close(int(pipe.rsplit("/", 1)[1]))
    assert made
    if refused:  # over the limit: refused, not read from where a reader left it
        assert run.code == 2 and [error["file"] for error in run.json["errors"]] == [pipe]
    else:
        assert run.code == 1 and "consumer-username-conflict" in {f["rule"] for f in run.json["findings"]}
    again = _pipe(_clashing_stream(padding))
    try:
        direct = _direct(monkeypatch, str(tmp_path), again, *limit)
    finally:
        os.close(int(again.rsplit("/", 1)[1]))
    assert direct.code == run.code
    assert len(direct.json["findings"]) == len(run.json["findings"])
    assert [error["message"] for error in direct.json["errors"]] == [error["message"] for error in run.json["errors"]]


def test_a_fifo_named_beside_a_large_tree_is_not_opened_by_the_child(tmp_path, made):
    _tree(tmp_path)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    sources = [files.FileSource(str(path)) for path in sorted(tmp_path.glob("c*.yaml"))] + [files.FileSource(str(fifo))]
    reading = ahead.start(sources, 1 << 20)
    try:
        for index in range(len(sources) - 1):
            assert reading.take(index, 1 << 20) is not None
        assert reading.take(len(sources) - 1, 1 << 20) is None  # left to the scan: no wait for a writer here
    finally:
        reading.close()


def test_a_file_taken_out_of_turn_or_with_another_limit_is_left_to_the_scan(tmp_path):
    paths = _tree(tmp_path)
    sources = [files.FileSource(str(path)) for path in paths]
    reading = ahead.start(sources, 1 << 20)
    assert reading is not None
    try:
        assert reading.take(0, 1 << 20) == paths[0].read_bytes()
        assert reading.take(0, 1 << 20) is None  # passed already
        assert reading.take(1, 1 << 10) is None  # another limit than the child reads with
        assert reading.take(5, 1 << 20) == paths[5].read_bytes()  # the files between are passed over
        assert sources[6].read(1 << 20) == paths[6].read_bytes()
        assert sources[6].ahead is None  # a second read goes to the file
    finally:
        reading.close()
    assert reading.take(7, 1 << 20) is None
    assert sources[7].read(1 << 20) == paths[7].read_bytes()  # read by the scan once the child is gone


def test_no_child_is_left_behind_when_the_scan_ends_or_stops_halfway(tmp_path, monkeypatch, made):
    _tree(tmp_path)
    scan_json(str(tmp_path))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    load, loaded = pipeline.load, []

    def interrupted(source, options, result):  # as Ctrl-C halfway through the files
        if len(loaded) == 3:
            raise KeyboardInterrupt
        loaded.append(source)
        load(source, options, result)

    monkeypatch.setattr(pipeline, "load", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kongcheck.scan(kongcheck.Request(paths=(str(tmp_path),)))
    assert len(made) == 2 and made[1].stream is None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_no_child_for_a_handful_of_files_or_in_a_process_with_threads(tmp_path, monkeypatch):
    few = [files.FileSource(str(path)) for path in _tree(tmp_path, ahead.FEWEST - 1)]
    assert ahead.start(few, 1 << 20) is None
    _tree(tmp_path)
    many = [files.FileSource(str(path)) for path in sorted(tmp_path.iterdir())]
    monkeypatch.setattr(ahead.threading, "active_count", lambda: 2)
    assert ahead.start(many, 1 << 20) is None
