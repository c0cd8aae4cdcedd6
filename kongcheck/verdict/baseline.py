"""Baseline files: accept the findings a repository already has, fail only on new ones.

The file records each finding's fingerprint (kongcheck.verdict.fingerprints: rule, Kong field,
resource ids, and a digest of the clashing value; no lines, no values) with a count, so a
second clash of the same kind between the same resources is still new.  Each entry also keeps
its ``clash`` fingerprint (the same without the resources) and its resources: a finding whose
resources are some of a recorded finding's, on the same clash, is a partly fixed baselined
finding and stays accepted; one with a resource the entry does not name is new.  Findings
matched by the baseline are suppressed (``suppressed_by = "baseline"``): counted in the
summary, listed with ``--show-suppressed``.  A baseline records every finding the scan accepts:
the open ones and those suppressed in the source, so a baseline written from a trusted branch
carries that branch's suppressions to a scan that ignores them (``--untrusted``).

The file is committed and read by many, so the value digest must not let anyone check a
guessed value cheaply: it is scrypt (a deliberately slow, memory-hard hash) with a random salt
stored in the file, cut to 20 bits.  A guess costs one scrypt run (about 0.1 s and 32 MiB), no
table computed in advance works for another file, and even a search that tries a million
candidates leaves about one look-alike per candidate that is right.  Baselines written before
(``version`` 1, a plain SHA-256 of each value) are still read, with a warning to rewrite them.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from kongcheck.model import Finding
from kongcheck.verdict.fingerprints import clash_fingerprint, finding_fingerprint
from kongcheck.version import __version__

FORMAT = "kongcheck-baseline"
VERSION = 2
PLAIN_DIGEST_VERSION = 1  # value digests were a plain SHA-256: read, but to be rewritten
SALT_BYTES = 16
MAX_SCRYPT_MEMORY = 256 << 20
MAX_SCRYPT_COST = 1 << 22  # n * r * p: four times the default
MIN_SCRYPT_COST = 1 << 17  # n * r: half the default, so no file makes checking a guess cheap


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class ValueHash:
    """How a baseline digests values: scrypt with the file's salt, cut to ``digits`` hex digits."""

    salt: bytes
    n: int = 1 << 15
    r: int = 8
    p: int = 1
    digits: int = 5  # 20 bits

    @classmethod
    def new(cls) -> "ValueHash":
        return cls(os.urandom(SALT_BYTES))

    def digest(self, value: bytes) -> str:
        raw = hashlib.scrypt(value, salt=self.salt, n=self.n, r=self.r, p=self.p, dklen=16,
                             maxmem=2 * 128 * self.r * self.n)
        return raw.hex()[:self.digits]

    def document(self) -> dict:
        return {"hash": "scrypt", "salt": base64.b64encode(self.salt).decode(), "n": self.n, "r": self.r,
                "p": self.p, "digits": self.digits}

    @classmethod
    def read(cls, data) -> "ValueHash | None":
        """The parameters a file states, or None if they are missing or out of bounds."""
        if not isinstance(data, dict) or data.get("hash") != "scrypt":
            return None
        numbers = [data.get(key) for key in ("n", "r", "p", "digits")]
        if not all(isinstance(number, int) and not isinstance(number, bool) and number > 0 for number in numbers):
            return None
        n, r, p, digits = numbers
        if n & (n - 1) or n * r < MIN_SCRYPT_COST or 128 * r * n > MAX_SCRYPT_MEMORY or n * r * p > MAX_SCRYPT_COST \
                or digits > 32:
            return None
        try:
            salt = base64.b64decode(str(data.get("salt", "")), validate=True)
        except (binascii.Error, ValueError):
            return None
        return cls(salt, n, r, p, digits) if len(salt) >= 8 else None


def _plain_digest(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


@dataclass(slots=True)
class Entry:
    """One recorded finding; ``clash`` is None in baselines written before it existed."""

    fingerprint: str
    clash: str | None
    resources: Counter
    used: bool = False

    def covers(self, clash: str, finding: Finding) -> bool:
        """The finding is this entry's clash, among (some of) the same resources."""
        if self.clash is None or self.clash != clash:
            return False
        return Counter(p.ref.id for p in finding.participants) <= self.resources


@dataclass(slots=True)
class Baseline:
    """A file's entries and how it digests values (``version`` 1: a plain SHA-256)."""

    entries: list[Entry]
    value_hash: ValueHash | None
    version: int = VERSION
    _cache: dict = field(default_factory=dict)

    def value_digest(self, finding: Finding) -> str:
        """The digest of the finding's value as this file computes it (once per distinct value)."""
        if finding.value is None:
            return ""
        value = finding.value.encoded()
        if value not in self._cache:
            digest: Callable[[bytes], str] = self.value_hash.digest if self.value_hash else _plain_digest
            self._cache[value] = digest(value)
        return self._cache[value]

    @property
    def outdated(self) -> bool:
        return self.version < VERSION


def document(findings: list[Finding], value_hash: ValueHash, digests: "Baseline | None" = None) -> dict:
    """The baseline file's content; ``digests`` keeps the value digests made (one scrypt run each)."""
    digests = Baseline([], value_hash) if digests is None else digests
    entries = []
    for finding in findings:
        if finding.suppressed_by == "baseline":
            continue
        digest = digests.value_digest(finding)
        entries.append({"fingerprint": finding_fingerprint(finding, digest), "clash": clash_fingerprint(finding, digest),
                        "rule": finding.rule, "resources": sorted(p.ref.id for p in finding.participants)})
    entries.sort(key=lambda e: (e["rule"], e["fingerprint"]))
    return {"format": FORMAT, "version": VERSION, "kongcheck": __version__, "values": value_hash.document(),
            "findings": entries}


def write(path: str, findings: list[Finding], max_size: int) -> Baseline:
    """Write the baseline and return it as written, with the value digests made for it; a baseline
    already at ``path`` keeps its salt, so rewriting it after a fix changes only the entries that changed."""
    try:
        known = read(path, max_size)
    except BaselineError:
        known = None
    value_hash = known.value_hash if known is not None and known.value_hash is not None else ValueHash.new()
    written = Baseline([], value_hash)
    data = document(findings, value_hash, written)
    try:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2)
            stream.write("\n")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    written.entries = _entries(data["findings"])
    return written


def _read_bounded(path: str, max_size: int) -> bytes:
    """The file's bytes; a FIFO, device (``/dev/zero``) or folder is refused, and so is a file
    larger than ``max_size``, unread."""
    import stat

    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise BaselineError(f"{path}: cannot read baseline: not a regular file")
            if info.st_size > max_size:
                raise BaselineError(f"{path}: baseline larger than --max-file-size ({info.st_size} > {max_size} "
                                    "bytes)")
            data = stream.read(max_size + 1)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    if len(data) > max_size:  # it grew while being read
        raise BaselineError(f"{path}: baseline larger than --max-file-size ({max_size} bytes)")
    return data


def read(path: str, max_size: int, written: Baseline | None = None) -> Baseline:
    """The baseline at ``path``; ``written``: the baseline just written there (write()), whose value
    digests are used again when the file states the same value parameters."""
    raw = _read_bounded(path, max_size)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a kongcheck baseline (invalid JSON: {exc})") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a kongcheck baseline (nested too deeply to read)") from None
    entries = data.get("findings") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(entries, list) or not all(_valid(e) for e in entries):
        raise BaselineError(f"{path}: not a kongcheck baseline (write one with --write-baseline)")
    version = data.get("version")
    if version == PLAIN_DIGEST_VERSION:
        value_hash = None
    else:
        value_hash = ValueHash.read(data.get("values")) if version == VERSION else None
        if value_hash is None:
            raise BaselineError(f"{path}: not a kongcheck baseline this version can read (version {version!r}, "
                                "or its 'values' parameters are missing or out of bounds); write it again with "
                                "--write-baseline")
    known = Baseline(_entries(entries), value_hash, version)
    if written is not None and value_hash is not None and written.value_hash == value_hash:
        known._cache.update(written._cache)
    return known


def _entries(entries: list[dict]) -> list[Entry]:
    return [Entry(e["fingerprint"], e.get("clash"), Counter(e.get("resources", ()))) for e in entries]


def _valid(entry) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
        return False
    resources = entry.get("resources", [])
    return (isinstance(entry.get("clash", ""), str) and isinstance(resources, list)
            and all(isinstance(r, str) for r in resources))


def apply(findings: list[Finding], known: Baseline) -> int:
    """Suppress findings the baseline knows; return how many were matched.

    Exact fingerprints are matched first, so a partly fixed finding never takes the entry of
    one that is still whole; each entry accepts one finding."""
    by_print: dict[str, list[Entry]] = defaultdict(list)
    by_clash: dict[str, list[Entry]] = defaultdict(list)
    for entry in known.entries:
        by_print[entry.fingerprint].append(entry)
        if entry.clash:
            by_clash[entry.clash].append(entry)
    open_findings = [f for f in findings if not f.suppressed]
    partial = []
    for finding in open_findings:
        digest = known.value_digest(finding)
        if not _take(by_print[finding_fingerprint(finding, digest)], finding, None):
            partial.append((finding, clash_fingerprint(finding, digest)))
    for finding, clash in partial:
        _take(by_clash.get(clash, []), finding, clash)
    return sum(1 for f in open_findings if f.suppressed)


def _take(entries: list[Entry], finding: Finding, clash: str | None) -> bool:
    """Suppress ``finding`` with the first unused entry that accepts it (any, for an exact match)."""
    for entry in entries:
        if not entry.used and (clash is None or entry.covers(clash, finding)):
            entry.used = True
            finding.suppressed = True
            finding.suppressed_by = "baseline"
            return True
    return False
