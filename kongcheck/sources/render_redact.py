"""Keep input values out of the one-line error of a failed helm or kustomize render.

helm and kustomize print parts of their input when they fail: a chart's `fail` message
shows whatever values the template formats into it, `--set a=b,xy` is quoted back, and a
kustomize generator literal without `=` is echoed whole. Any of these may be a credential,
so the error text goes through two rules before it is shown:

1. every value kongcheck can know of is replaced by `<hidden>`: the `--set` values, the
   values (not keys) of the `--helm-values` files and of the chart's own `values.yaml`
   files, and the literals and env-file lines of the kustomize generators in the target
   and its local bases;
2. whatever else the tools quote (`"..."`, `` `...` ``, `'word'`) becomes `<redacted>`,
   unless it names a file, is a folder a kustomization names (`'../base'`, also once resolved)
   or is one of the tools' own fixed hints (`helm dependency build`); a quoted block that spans
   lines (kustomize prints a generator's whole configuration so) is always redacted, and
   kustomize's literal-source clauses are cut.

File names (`bad/templates/s.yaml:8:3`) are never rewritten by rule 1, so a value such as
`kong` does not blot out the chart `kong`'s template paths. Values shorter than four
characters are not replaced (they would blot out the message); rule 2 still applies.
All of this runs only once a render has failed.
"""

from __future__ import annotations

import glob
import os
import re
from typing import Iterable, Iterator

from kongcheck.sources.files import inside
from kongcheck.sources.roots import (first_mapping, is_remote, kustomization_file, kustomization_folders,
                                     read_small, yaml_documents)

HIDDEN = "<hidden>"
REDACTED = "<redacted>"
MIN_SECRET = 4
READ_LIMIT = 16 * 1024 * 1024  # bytes read from one values or env file
MAX_KUSTOMIZATIONS = 200  # local kustomizations followed from one target

_EXTENSIONS = r"(?:ya?ml|json|tpl|txt|env|properties|tgz|tar\.gz)"
_FILE_TOKEN = re.compile(r"[^\s'\"`()\[\]{},]+\." + _EXTENSIONS + r"(?::\d+)*")
_QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`\n]*)`|\'([^\'\s]+)\'')
_CUTS = (  # kustomize clauses that print a generator's input unquoted
    (re.compile(r"(literal sources? )\[[^\]\n]*\]"), r"\1[" + REDACTED + "]"),
    (re.compile(r"(invalid literal source ).*?(?=, expected|$)", re.M), r"\1" + REDACTED),
    (re.compile(r"(has invalid utf8 bytes ?: ?).*$", re.M), r"\1" + REDACTED),
)


# The fixed hints helm and kustomize quote in their errors (helm pkg/cmd/install.go,
# pkg/downloader; kustomize api/types/kustomization.go): commands, never input.
TOOL_HINTS = frozenset({
    "helm dependency build", "helm dependency update", "helm repo add", "helm repo update",
    "kustomize edit fix",
})
_BLOCK = re.compile(r"`[^`]*\n[^`]*`")


def redact(text: str, secrets: Iterable[str], keep: Iterable[str] = ()) -> str:
    """Apply both rules (see the module docstring) to a tool's error text; quoted text in
    ``keep`` (paths a kustomization names) stays."""
    return redact_quoted(hide_values(text, secrets), frozenset(keep))


def hide_values(text: str, secrets: Iterable[str]) -> str:
    """Replace each known value (longest first) by <hidden>, outside file names."""
    wanted = sorted({s for s in secrets if len(s) >= MIN_SECRET and s in text}, key=len, reverse=True)
    if not wanted:
        return text
    pattern = re.compile("|".join(map(re.escape, wanted)))
    pieces, last = [], 0
    for token in _FILE_TOKEN.finditer(text):
        if not pattern.fullmatch(token.group()):
            pieces += [pattern.sub(HIDDEN, text[last:token.start()]), token.group()]
            last = token.end()
    pieces.append(pattern.sub(HIDDEN, text[last:]))
    return "".join(pieces)


def _names_a_file(content: str, keep: frozenset = frozenset()) -> bool:
    if content in ("", HIDDEN, REDACTED) or content in keep or content in TOOL_HINTS or _FILE_TOKEN.fullmatch(content):
        return True
    if content.startswith("<") and content.endswith(">"):  # render.py's <target> for its wrapper
        return True
    return len(content) < 4096 and "\x00" not in content and os.path.lexists(content)


def redact_quoted(text: str, keep: frozenset = frozenset()) -> str:
    """Quoted text that does not name a file becomes <redacted>; kustomize's literal clauses are cut."""
    def one(match: re.Match) -> str:
        content = next(group for group in match.groups() if group is not None)
        if _names_a_file(content, keep):
            return match.group()
        quote = match.group()[0]
        return f"{quote}{REDACTED}{quote}"

    text = _QUOTED.sub(one, _BLOCK.sub(f"`{REDACTED}`", text))
    for pattern, replacement in _CUTS:
        text = pattern.sub(replacement, text)
    return text


def set_values(sets: Iterable[str]) -> list[str]:
    """The secret-looking parts of --set K=V assignments: each V and its comma parts."""
    found = []
    for assignment in sets:
        _, _, value = assignment.partition("=")
        found += [value, *value.split(",")]
    return [v for v in found if len(v) >= MIN_SECRET]


def _read(path: str, within: str | None = None) -> str:
    """A values, env or kustomization file's text (at most READ_LIMIT bytes; never a FIFO or device),
    or "" -- also when ``within`` is given and the file's real path lies outside that folder."""
    if within is not None and not inside(os.path.realpath(path), [os.path.realpath(within)]):
        return ""
    return read_small(path, READ_LIMIT)


def _rough_values(text: str) -> Iterator[str]:
    """Values of a file that does not parse: each line, and what follows its first ':' or '='."""
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line and not line.startswith("#"):
            yield line
            for sep in (":", "="):
                if sep in line:
                    yield line.partition(sep)[2].strip().strip("'\"")


def _leaves(value) -> Iterator[str]:
    """Scalar values (not keys; no true/false/null) of a composed document, without recursion."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            todo += item.values()
        elif isinstance(item, list):
            todo += item
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            yield str(item)


def values_file_values(path: str, within: str | None = None) -> list[str]:
    """Every scalar value in a helm values file; every line's value when it does not parse."""
    text = _read(path, within)
    documents = yaml_documents(text)
    if not documents and text.strip():
        return list(_rough_values(text))
    return [leaf for document in documents for leaf in _leaves(document)]


def helm_secrets(chart: str, values: Iterable[str], sets: Iterable[str]) -> list[str]:
    """The values a failed `helm template` may print: --set, --values files, the chart's values.yaml files."""
    found = set_values(sets) + [value for path in values for value in values_file_values(path)]
    if os.path.isdir(chart):  # the chart's own files: read only inside the chart
        own = [os.path.join(chart, "values.yaml")]
        own += sorted(glob.glob(os.path.join(glob.escape(chart), "charts", "*", "values.yaml")))
        found += [value for path in own for value in values_file_values(path, within=chart)]
    return found


def _generator_values(folder: str, kustomization: dict) -> Iterator[str]:
    """Literals (whole, and the part after '=') and env-file lines of a kustomization's generators.
    Env files are read only inside the kustomization's folder, as kustomize's default load
    restrictor allows: a path that leads elsewhere (/proc/kmsg would block) is not opened."""
    for key in ("secretGenerator", "configMapGenerator"):
        generators = kustomization.get(key)
        for generator in generators if isinstance(generators, list) else []:
            if not isinstance(generator, dict):
                continue
            literals = generator.get("literals")
            for literal in literals if isinstance(literals, list) else [literals]:
                if isinstance(literal, (str, int, float)):
                    yield str(literal)
                    yield str(literal).partition("=")[2]
            envs = generator.get("envs")
            envs = [*(envs if isinstance(envs, list) else []), generator.get("env")]
            for env in envs:
                if isinstance(env, str) and not os.path.isabs(env):
                    yield from _rough_values(_read(os.path.join(folder, env), within=folder))


def _kustomization(folder: str) -> tuple[dict, list[str]]:
    """The kustomization in folder, or its every line's value when it does not parse."""
    kustomization, text = first_mapping(kustomization_file(folder))
    if kustomization or not text.strip():
        return kustomization, []
    return {}, list(_rough_values(text))


def _kustomizations(target: str) -> Iterator[tuple[str, dict, list[str]]]:
    """(folder, kustomization, rough values) of target and the local kustomizations it builds on."""
    seen, todo = set(), [target]
    while todo and len(seen) < MAX_KUSTOMIZATIONS:
        folder = todo.pop()
        real = os.path.realpath(folder)
        if real in seen or not os.path.isdir(real):
            continue
        seen.add(real)
        kustomization, rough = _kustomization(folder)
        yield folder, kustomization, rough
        todo += kustomization_folders(folder, kustomization)


def kustomize_secrets(target: str) -> list[str]:
    """Generator literals and env-file lines of target and the local kustomizations it builds on."""
    found = []
    for folder, kustomization, rough in _kustomizations(target):
        found += rough + list(_generator_values(folder, kustomization))
    return found


def kustomize_paths(target: str) -> list[str]:
    """The folders that target and its local kustomizations name, as written (`../base`), joined to
    their kustomization's folder and resolved: kustomize quotes them in its errors, and none is a value."""
    found = []
    for folder, kustomization, _ in _kustomizations(target):
        for key in ("resources", "bases", "components"):
            entries = kustomization.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, str) and not is_remote(entry):
                    joined = os.path.join(folder, entry)
                    found += [entry, os.path.normpath(joined), os.path.abspath(joined), os.path.realpath(joined)]
    return found
