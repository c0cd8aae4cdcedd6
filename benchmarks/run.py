"""Measure kongcheck against baselines run on the same machine, and print each target's ratio.

    python -m benchmarks.run                     # the full run: 100,000 documents (a few minutes)
    python -m benchmarks.run --documents 2000 --consumers 2000 --collisions 20   # a quick look

Every time is the best of ``--repeat`` runs of a fresh process (wall clock); peak memory is the
child's maximum resident set size.  Trees are generated once into ``--workdir``.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass

from benchmarks.generate import Writer, _app_docs, _consumer_docs, _write_consumers, generate
from kongcheck.redact import comparable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    output: str
    cpu: float = 0.0  # the child's own user + system seconds (best run): a live scan waits on its server


def measure(args: list[str], repeat: int) -> Measure:
    """Best wall time of ``repeat`` runs, the largest peak RSS, and the last run's output."""
    best, peak, output, cpu = float("inf"), 0.0, "", float("inf")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for _ in range(repeat):
        with tempfile.TemporaryFile() as out:
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, *args], stdout=out, stderr=subprocess.STDOUT, env=env,
                                     cwd=ROOT)
            _, status, usage = os.wait4(child.pid, 0)
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, usage.ru_utime + usage.ru_stime)
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            output = out.read().decode("utf-8", "replace")
        if child.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{output}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return Measure(best, peak, output, cpu)


def _tree(workdir: str, name: str, build) -> str:
    path = os.path.join(workdir, name)
    if not os.path.isdir(path):
        _apart(build, path + ".tmp")
        os.rename(path + ".tmp", path)
    return path


def _apart(build, *args) -> None:
    """``build(*args)`` in a child process where there is os.fork: a process started later inherits the
    peak memory of this one as its own (Linux counts it from the fork to the exec), so generating a large
    tree here would inflate every peak measured after it."""
    if not hasattr(os, "fork"):
        build(*args)
        return
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            build(*args)
            sys.stdout.flush()
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        raise SystemExit(f"generating {args[0]} failed")


def _scan(tree: str, repeat: int, *extra: str) -> Measure:
    return measure(["-m", "kongcheck", "scan", tree, "-f", "json", *extra], repeat)


def _line(name: str, text: str, ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  PASS" if ok else "  FAIL")
    print(f"{name:<12} {text}{verdict}", flush=True)


def throughput_and_memory(workdir: str, documents: int, repeat: int) -> list[bool]:
    tree = _tree(workdir, f"tree-{documents}", lambda path: generate(path, documents))
    baseline = measure(["-m", "benchmarks.baseline", tree], repeat)
    scan = _scan(tree, repeat)
    ratio = scan.seconds / baseline.seconds
    _line("throughput", f"{documents} documents: kongcheck scan {scan.seconds:.2f} s / CSafeLoader load_all "
          f"{baseline.seconds:.2f} s = {ratio:.3f}x (target <= 0.25x)", ratio <= 0.25)
    _line("memory", f"peak RSS {scan.peak_mb:.0f} MB on {documents} documents (target < 150 MB; "
          f"baseline loader {baseline.peak_mb:.0f} MB)", scan.peak_mb < 150)
    return [ratio <= 0.25, scan.peak_mb < 150]


def _one_file(path: str) -> None:
    """The pre-commit case: one changed file with a consumer, its credential and a workload."""
    writer = Writer(path, None)
    writer.write("", "consumer.yaml", _consumer_docs("team-a", 1, None) + _app_docs(random.Random(1), "a", "b", 1))


def startup(workdir: str, repeat: int) -> list[bool]:
    tree = os.path.join(_tree(workdir, "one-file", _one_file), "consumer.yaml")
    baseline = measure(["-c", "import click, ruamel.yaml"], repeat * 5)
    scan = measure(["-m", "kongcheck", "scan", tree], repeat * 5)
    ratio = scan.seconds / baseline.seconds
    _line("start-up", f"scan of one small file {scan.seconds * 1000:.0f} ms / python -c 'import click, ruamel.yaml' "
          f"{baseline.seconds * 1000:.0f} ms = {ratio:.2f}x (target <= 1.5x)", ratio <= 1.5)
    return [ratio <= 1.5]


def scaling(workdir: str, documents: int, repeat: int) -> list[bool]:
    sizes = [documents // 10, documents // 2, documents]
    times = []
    for size in sizes:
        tree = _tree(workdir, f"tree-{size}", lambda path, size=size: generate(path, size))
        times.append(_scan(tree, repeat).seconds)
    per_doc = [t / n / (times[0] / sizes[0]) for t, n in zip(times, sizes)]
    figures = ", ".join(f"{n}: {t:.2f} s" for n, t in zip(sizes, times))
    _line("scaling", f"{figures}; time per document relative to the smallest: "
          f"{', '.join(f'{r:.2f}' for r in per_doc)} (linear: about 1, or less as start-up spreads)",
          per_doc[-1] <= 1.5)
    return [per_doc[-1] <= 1.5]


def _consumer_tree(path: str, consumers: int, collisions: int) -> None:
    _write_consumers(Writer(path, None), consumers, collisions)


def collisions(workdir: str, consumers: int, colliding: int, repeat: int) -> list[bool]:
    small, small_colliding = max(1, consumers // 10), max(1, colliding // 10)
    trees = [(n, c, _tree(workdir, f"consumers-{n}-{c}", lambda path, n=n, c=c: _consumer_tree(path, n, c)))
             for n, c in ((small, small_colliding), (consumers, colliding))]
    results = [(n, c, _scan(tree, repeat)) for n, c, tree in trees]
    found = [len(json.loads(m.output)["findings"]) for _, _, m in results]
    per = (results[1][2].seconds / consumers) / (results[0][2].seconds / small)
    ok = per <= 1.5 and found == [small_colliding, colliding]
    _line("collisions", f"{small} consumers, {small_colliding} collisions: {results[0][2].seconds:.2f} s; "
          f"{consumers} consumers, {colliding} collisions: {results[1][2].seconds:.2f} s "
          f"({results[1][2].peak_mb:.0f} MB); time per consumer ratio {per:.2f} (linear: about 1); "
          f"findings {found[0]} and {found[1]}", ok)
    return [ok]


def dense(workdir: str, consumers: int, colliding: int, repeat: int) -> list[bool]:
    """Kong-dense trees: every document a consumer or its credential Secret, against CSafeLoader over
    the same files, measured in turn (kongcheck, baseline, kongcheck, ...) so that drift hits both."""
    tree = _tree(workdir, f"consumers-{consumers}-{colliding}",
                 lambda path: _consumer_tree(path, consumers, colliding))
    scans, bases = [], []
    for _ in range(repeat):
        scans.append(_scan(tree, 1))
        bases.append(measure(["-m", "benchmarks.baseline", tree], 1))
    scan, base = min(scans, key=lambda m: m.cpu), min(bases, key=lambda m: m.cpu)
    ratio = scan.cpu / base.cpu
    peak = max(m.peak_mb for m in scans)
    found = len(json.loads(scan.output)["findings"])
    ok = ratio <= 0.5 and peak < 250
    _line("dense", f"{consumers} consumers + Secrets, {found} findings: kongcheck scan {scan.cpu:.2f} s cpu / "
          f"CSafeLoader load_all {base.cpu:.2f} s cpu = {ratio:.2f}x (target <= 0.5x); peak {peak:.0f} MB "
          "(target < 250 MB)", ok)
    half, half_colliding = consumers // 2, colliding // 2
    half_tree = _tree(workdir, f"consumers-{half}-{half_colliding}",
                      lambda path: _consumer_tree(path, half, half_colliding))
    half_peak = max(_scan(half_tree, 1).peak_mb for _ in range(repeat))
    _line("dense", f"{half} consumers + Secrets: peak {half_peak:.0f} MB (target < 200 MB)", half_peak < 200)
    return [ok, half_peak < 200]


def live(workdir: str, secrets: int, consumers: int, colliding: int, repeat: int) -> list[bool]:
    """--cluster against the tests' loopback API server, and --cluster-snapshot of the same objects,
    against CSafeLoader loading that snapshot (cpu of the scanning process: the server runs apart)."""
    from benchmarks import live as live_case

    folder = os.path.join(workdir, f"live-{secrets}-{consumers}-{colliding}")
    if not os.path.isdir(folder):
        _apart(live_case.write, folder + ".tmp", secrets, consumers, colliding)
        os.rename(folder + ".tmp", folder)
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.live", "serve", folder], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        kubeconfig = server.stdout.readline().strip()
        manifests, snapshot = os.path.join(folder, "manifests"), os.path.join(folder, "snapshot")
        limits = ["--max-file-size", str(1 << 30), "--max-documents", str(4 * (secrets + consumers))]
        cluster = min((_scan(manifests, 1, "--cluster", "--kubeconfig", kubeconfig, *limits) for _ in range(repeat)),
                      key=lambda m: m.cpu)
    finally:
        server.terminate()
        server.wait()
    snap = min((_scan(manifests, 1, "--cluster-snapshot", os.path.join(snapshot, "snapshot.yaml"), *limits)
                for _ in range(repeat)), key=lambda m: m.cpu)
    base = min((measure(["-m", "benchmarks.baseline", snapshot], 1) for _ in range(repeat)), key=lambda m: m.cpu)
    oks = []
    for name, scan in (("--cluster", cluster), ("--cluster-snapshot", snap)):
        ratio = scan.cpu / base.cpu
        ok = ratio <= 0.5 and scan.peak_mb < 250
        _line("live", f"{name}, {secrets} Secrets + {consumers} KongConsumers: {scan.cpu:.2f} s cpu / CSafeLoader "
              f"load_all of the snapshot {base.cpu:.2f} s cpu = {ratio:.2f}x (target <= 0.5x); peak "
              f"{scan.peak_mb:.0f} MB (target < 250 MB)", ok)
        oks.append(ok)
    return oks


def correctness(workdir: str, documents: int) -> list[bool]:
    tree = _tree(workdir, f"tree-{documents // 10}", lambda path: generate(path, documents // 10))
    fast, full = _scan(tree, 1), _scan(tree, 1, "--parse-all")
    # each run keys its value fingerprints anew: compare them by where they first appear
    same = json.loads(comparable(fast.output))["findings"] == json.loads(comparable(full.output))["findings"]
    _line("correctness", f"fast path and --parse-all give {'the same' if same else 'DIFFERENT'} findings on "
          f"{documents // 10} documents ({len(json.loads(fast.output)['findings'])} findings)", same)
    return [same]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kongcheck performance targets")
    parser.add_argument("--documents", type=int, default=100_000, help="largest tree (default 100000)")
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--collisions", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument("--workdir", help="where generated trees are kept (default: a temporary folder)")
    parser.add_argument("--live-secrets", type=int, default=100_000, help="0: no live case")
    parser.add_argument("--live-consumers", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kongcheck-bench-") as scratch:
        workdir = args.workdir or scratch
        os.makedirs(workdir, exist_ok=True)
        # an installed package has bytecode (pip compiles it); give a source checkout the same
        compileall.compile_dir(os.path.join(ROOT, "kongcheck"), quiet=1)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, trees in {workdir}", flush=True)
        results = (throughput_and_memory(workdir, args.documents, args.repeat) + startup(workdir, args.repeat)
                   + scaling(workdir, args.documents, args.repeat)
                   + collisions(workdir, args.consumers, args.collisions, args.repeat)
                   + dense(workdir, args.consumers, args.collisions, args.repeat)
                   + (live(workdir, args.live_secrets, args.live_consumers, args.collisions, args.repeat)
                      if args.live_secrets else [])
                   + correctness(workdir, args.documents))
    print(f"{sum(results)} of {len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
