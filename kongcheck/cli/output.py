"""Where `kongcheck scan` writes its reports and how: --format/--output pairs (a file's format told
by its extension when no --format is given) and --color."""
from __future__ import annotations

import os
import sys

import click

from kongcheck.cli import UsageProblem
from kongcheck.report import FORMATS

# extension -> (the format it means without --format, the formats it may hold); longest first
_EXTENSIONS = (
    (".sarif.json", "sarif", {"sarif"}),
    (".sarif", "sarif", {"sarif"}),
    (".json", "json", {"json", "sarif"}),  # SARIF is JSON: a .json file may hold either
    (".xml", "junit", {"junit"}),
    (".md", "markdown", {"markdown"}),
    (".txt", "text", {"text", "github"}),
    (".log", "text", {"text", "github"}),
)
COLORS = ("auto", "always", "never")


def _extension(path: str):
    name = os.path.basename(path).lower()
    for suffix, default, allowed in _EXTENSIONS:
        if name.endswith(suffix) and default in FORMATS:
            return suffix, default, allowed & set(FORMATS)
    return None


def _known() -> str:
    return ", ".join(f"{suffix} ({default})" for suffix, default, _ in _EXTENSIONS
                     if default in FORMATS and suffix != ".sarif.json")


def _by_extension(path: str) -> str:
    """The format of ``--output PATH`` given without --format."""
    if path == "-":
        return "text"
    known = _extension(path)
    if known is None:
        raise click.UsageError(f"cannot tell the format of --output {path} from its name; give --format FORMAT "
                               f"before it, or name the file for its format: {_known()}")
    return known[1]


def _check(fmt: str, path: str) -> None:
    """Refuse a --format whose file is named for another format (`-f text -o report.sarif`): a CI step
    that uploads the file would fail later, far from the mistake."""
    known = _extension(path) if path != "-" else None
    if known is not None and fmt not in known[2]:
        suffix, default, _ = known
        raise click.UsageError(f"--output {path} is named for {default} ({suffix}) but --format {fmt} would be "
                               f"written to it; give --format {default}, or a file name that fits {fmt}")


def pairs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str]]:
    """(format, output) for each report: each --format with the --output at the same position ('-' or
    none: standard output); without --format, each --output's format comes from its extension."""
    if not formats:
        formats = tuple(_by_extension(out) for out in outputs) or ("text",)
    if len(outputs) > len(formats):
        raise click.UsageError("more --output than --format options: give one --output per --format")
    result = [(fmt, outputs[i] if i < len(outputs) else "-") for i, fmt in enumerate(formats)]
    for fmt, out in result:
        _check(fmt, out)
    if sum(1 for _, out in result if out == "-") > 1:
        raise click.UsageError("only one --format can go to standard output; give the others an --output FILE")
    files: dict[str, int] = {}
    for position, (_, out) in enumerate(result):
        if out == "-":
            continue
        earlier = files.setdefault(os.path.realpath(out), position)
        if earlier != position:
            raise click.UsageError(f"--output {result[earlier][1]} and --output {out} are the same file: the second "
                                   "report would overwrite the first; give each --format its own file")
    return result


def write(result, options, reports: list[tuple[str, str]]) -> None:
    from kongcheck.report import renderer

    for fmt, out in reports:
        render = renderer(fmt)
        if out == "-":
            render(result, options, sys.stdout)
            continue
        try:
            with open(out, "w", encoding="utf-8") as stream:
                render(result, options._replace(color=False), stream)  # a file is never coloured
        except OSError as exc:
            raise UsageProblem(f"cannot write {out}: {exc.strerror or exc}") from None


def color(choice: str, no_color: bool, environ=os.environ) -> bool | None:
    """--color / --no-color and the environment -> colour on (True), off (False) or on a terminal only
    (None).  A flag wins; then NO_COLOR (set and not empty: off, no-color.org); then FORCE_COLOR (set,
    not empty and not 0: on, for CI logs that show colour); then TERM=dumb (off)."""
    if no_color:
        if choice == "always":
            raise click.UsageError("give --color always or --no-color, not both")
        return False
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    force = environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    return None
