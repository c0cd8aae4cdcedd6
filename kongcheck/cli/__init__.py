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


@main.command("rules")
@click.argument("rule_id", required=False)
@click.option("--markdown", is_flag=True, help="Print every rule as Markdown (the source of docs/rules.md).")
def rules_command(rule_id: str | None, markdown: bool) -> None:
    """List every rule, or explain RULE_ID with a bad example and the fix."""
    from kongcheck.rules import CATALOG

    if markdown:
        from kongcheck.rules import docs

        click.echo(docs.render(CATALOG), nl=False)
        return
    if rule_id is None:
        _list_rules(CATALOG)
        return
    info = CATALOG.get(rule_id)
    if info is None:
        raise click.UsageError(f"unknown rule {rule_id!r}; `kongcheck rules` lists them")
    from kongcheck.rules import explain

    click.echo(explain.text(info))


def _list_rules(catalog) -> None:
    """One line per rule (id, severity, what it catches), then the KIC/Kong behaviour behind it."""
    import textwrap

    width = max(len(rule) for rule in catalog)
    for info in catalog.values():
        click.echo(f"{info.id:<{width}}  {info.severity:<7}  {info.summary}")
        click.echo(textwrap.fill(info.behaviour, 100, initial_indent="    ", subsequent_indent="    "))


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
