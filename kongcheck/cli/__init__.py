"""The command line: ``kongcheck scan`` and ``kongcheck rules``.

The CLI turns flags (and the configuration file's defaults) into a pipeline Request, runs it,
prints what the reporters render, and exits with the verdict's code; it holds no rule logic.
"""
from __future__ import annotations

import io
import sys

import click

from kongcheck.escape import safe, safe_lines
from kongcheck.version import __version__


def say(text: str) -> None:
    """Print a line for people on standard error, its input-derived text made safe (kongcheck.escape)."""
    click.echo(safe_lines(text), err=True)


class UsageProblem(click.ClickException):
    """A usage-type problem (a flag's file or value): `Error: ...` on each line, exit 2, as click's own."""

    exit_code = 2  # 1 means findings

    def show(self, file=None) -> None:
        for line in self.format_message().splitlines():
            click.echo(f"Error: {safe(line)}", file=file, err=file is None)


class _Group(click.Group):
    """click's group, whose own error messages (which repeat what was typed, or a configuration
    file's values) are printed made safe, like everything else kongcheck prints."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            shown = io.StringIO()
            exc.show(file=shown)
            click.echo(safe_lines(shown.getvalue()), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kongcheck")
def main() -> None:
    """Find Kong Ingress Controller configuration collisions before `kubectl apply`."""


def _complete_rule(ctx, param, incomplete: str) -> list:
    """Shell completion of RULE_ID: the rule ids that start with what was typed."""
    from kongcheck.rules import CATALOG

    return [click.shell_completion.CompletionItem(rule, help=info.summary)
            for rule, info in CATALOG.items() if rule.startswith(incomplete)]


@main.command("rules")
@click.argument("rule_id", required=False, shell_complete=_complete_rule)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for people; json: the catalogue as data (id, severity, summary, "
              "behaviour, outcome by KIC and Kong release, docs link, example and fix); markdown: docs/rules.md.")
@click.option("--markdown", is_flag=True, help="Same as --format markdown.")
def rules_command(rule_id: str | None, fmt: str, markdown: bool) -> None:
    """List every rule, or explain RULE_ID with a bad example and the fix."""
    from kongcheck.rules import CATALOG, closest

    info = CATALOG.get(rule_id) if rule_id is not None else None
    if rule_id is not None and info is None:
        meant = closest(rule_id)
        hint = f"; did you mean {meant!r}?" if meant else "; `kongcheck rules` lists them"
        raise click.UsageError(f"unknown rule {rule_id!r}{hint}")
    if markdown or fmt == "markdown":
        from kongcheck.rules import docs

        click.echo(docs.render(CATALOG if info is None else {info.id: info}), nl=False)
        return
    if fmt == "json":
        import json

        from kongcheck.rules import docs

        data = docs.as_data(CATALOG if info is None else {info.id: info})
        click.echo(json.dumps(data if info is None else data[0], indent=2, ensure_ascii=False))
        return
    if info is None:
        _list_rules(CATALOG)
        return
    from kongcheck.rules import explain

    click.echo(explain.text(info))


def _list_rules(catalog) -> None:
    """One line per rule (id, severity, what it catches), then the KIC/Kong behaviour behind it."""
    import textwrap

    width = max(len(rule) for rule in catalog)
    for info in catalog.values():
        click.echo(f"{info.id:<{width}}  {info.severity:<7}  {info.summary}")
        click.echo(textwrap.fill(info.behaviour, 100, initial_indent="    ", subsequent_indent="    ",
                                 break_long_words=False, break_on_hyphens=False))  # never cut an id or a path


from kongcheck.cli.scan import scan  # noqa: E402  (registers `kongcheck scan` on main)

main.add_command(scan)


def _never_fail_to_print() -> None:
    """A character the console's encoding cannot show (a name on an ASCII terminal) prints as an
    escape instead of stopping the run."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def console() -> None:
    """The ``kongcheck`` command (and ``python -m kongcheck``): ``run``, then out of the process as soon as
    its output is written.  The interpreter's own exit would first free every object of the scan one by
    one, a tenth of a second or more on a large scan, for nothing: the registered exit functions still
    run (a client's temporary files are removed), and anything else kongcheck opens is closed already."""
    try:
        run()
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
        if not isinstance(code, int):
            raise
        import atexit
        import os

        atexit._run_exitfuncs()  # first: what they print is flushed with the rest
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe or stream: the interpreter's exit deals with it
            raise exc from None
        os._exit(code)


def run() -> None:
    """Console entry point: no Python traceback ever reaches the user."""
    _never_fail_to_print()
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("kongcheck: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say where, but never the message (it may hold a value)
        frame = exc.__traceback__
        while frame and frame.tb_next:
            frame = frame.tb_next
        where = f"{frame.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.tb_lineno}" if frame else "?"
        click.echo(f"kongcheck: internal error ({type(exc).__name__} at {where}); please report it", err=True)
        sys.exit(2)
