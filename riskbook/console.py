"""How riskbook behaves on a command line, as well-liked click tools do: settings given before or after
the subcommand (--debug, --quiet, --color/--no-color, NO_COLOR), exit codes, refusals as JSON when
JSON was asked for, and "-" for standard output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

import click

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_SIGNAL_BASE = 128  # a shell's convention: killed by signal N exits 128 + N (Ctrl-C: 130, SIGTERM: 143)


def reader_went_away() -> None:
    """Standard output was closed early (`riskbook … | head`): stop quietly, as a shell's pipeline expects."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so that flushing at exit does not fail a second time
    sys.exit(EXIT_SIGNAL_BASE + signal.SIGPIPE)


def error_json(message: str, code: int) -> str:
    import json

    from riskbook.xlsx.text import TERMINAL, safe_text

    kind = {EXIT_UNUSABLE: "unusable", EXIT_INTERNAL: "internal-error"}.get(code, "error")
    return json.dumps({"error": kind, "exit_code": code, "message": safe_text(message, TERMINAL)}, ensure_ascii=False)


def wants_json(args: list[str] | None = None) -> bool:
    """--format json was asked for: from the parsed options, or (for a usage error) from the raw arguments."""
    context = click.get_current_context(silent=True)
    if args is None and context is not None:
        if context.params.get("fmt") == "json":
            return True
        args = context.meta.get(ARGS)
    args = list(args or ())
    pairs = zip(args, [*args[1:], ""], strict=False)
    return any(a == "--format=json" or (a == "--format" and b == "json") for a, b in pairs)


# Settings that may be given before or after the subcommand (riskbook --debug validate … or
# riskbook validate … --debug) live in the context's meta, which every context of a run shares.
ARGS = "riskbook.args"


def setting(name: str):
    context = click.get_current_context(silent=True)
    return None if context is None else context.meta.get(f"riskbook.{name}")


def _remember(ctx: click.Context, param: click.Parameter, value) -> None:
    if value:  # a flag not given is False: it must not undo the same flag given before the subcommand
        ctx.meta[f"riskbook.{param.name}"] = value


def _remember_colour(ctx: click.Context, param: click.Parameter, value) -> None:
    if value is not None:
        ctx.meta["riskbook.colour"] = value


def common_options(func):
    """--debug, --quiet and --color/--no-color: accepted before the subcommand and after it."""
    for option in reversed(
        (
            click.option(
                "--debug",
                is_flag=True,
                expose_value=False,
                callback=_remember,
                help="Show the traceback of an error (for a report).",
            ),
            click.option(
                "-q",
                "--quiet",
                is_flag=True,
                expose_value=False,
                callback=_remember,
                help="Print only findings, changes and errors: no progress, no 'Wrote' lines, no summary line.",
            ),
            click.option(
                "--color/--no-color",
                "colour",
                default=None,
                expose_value=False,
                callback=_remember_colour,
                help="Colour the findings' severities (default: on a terminal, unless NO_COLOR is set).",
            ),
        )
    ):
        func = option(func)
    return func


def colour() -> bool:
    """--color/--no-color if given, else off when NO_COLOR is set (no-color.org), else on a terminal."""
    chosen = setting("colour")
    if chosen is not None:
        return chosen
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def quiet_run() -> bool:
    return bool(setting("quiet"))


def info(text: str) -> None:
    """A line about what was done ("Wrote …", the summary): on stdout unless stdout carries the output
    itself (-o -), left out with --quiet."""
    if not quiet_run():
        from riskbook.xlsx.text import TERMINAL, safe_text

        # through the text gate: a path, a band or a reference in it cannot act on the terminal
        click.echo(safe_text(text, TERMINAL), err=bool(setting("stdout_taken")))


def echo(text: str, colour: bool | None = None) -> None:
    """Findings and changes: always printed; on stderr when stdout carries the output itself (-o -)."""
    click.echo(text, err=bool(setting("stdout_taken")), color=colour)


def refuse_standard_input(*paths: str | None) -> None:
    """INPUT '-': riskbook reads a spreadsheet file (its kind, its size, its parts) and cannot read a stream."""
    from riskbook.errors import ReadError

    if any(path == "-" for path in paths):
        raise ReadError(
            "-: riskbook reads a spreadsheet from a file, not from standard input; save it and give its name"
        )


def check_outputs(*outputs: tuple[str | None, str, str | None, bool], inputs: tuple[str | None, ...] = ()) -> None:
    """Every output (path, what it is, its suffix, whether '-' may stand for standard output), before any work."""
    from riskbook.errors import OutputError
    from riskbook.outputs.paths import STDOUT, check_output_path

    for path, what, suffix, stdout_ok in outputs:
        if not path:
            continue
        if path != STDOUT:
            check_output_path(path, what, suffix, inputs)
        elif not stdout_ok:
            raise OutputError(f"-: {what} cannot go to standard output here; give a file name ending {suffix}")
        elif suffix == ".xlsx" and stdout_is_terminal():
            raise OutputError(
                f"-: {what} is an .xlsx workbook, which a terminal cannot show; redirect standard output "
                f"to a file or a program (-o - > out.xlsx), or give a file name"
            )
        else:
            click.get_current_context().meta["riskbook.stdout_taken"] = True


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@contextlib.contextmanager
def output_path(output: str, suffix: str) -> Iterator[str]:
    """Where to write output: the path itself, or for '-' a scratch file whose bytes go to standard output
    once it is whole (lines about the run then go to stderr)."""
    import shutil
    import tempfile

    from riskbook.outputs.paths import STDOUT

    if output != STDOUT:
        yield output
        return
    with tempfile.TemporaryDirectory(prefix="riskbook-stdout-") as folder:
        path = os.path.join(folder, "output" + suffix)
        yield path
        if os.path.exists(path):
            with open(path, "rb") as written:
                stdout = click.get_binary_stream("stdout")
                shutil.copyfileobj(written, stdout)
                stdout.flush()


class RiskbookGroup(click.Group):
    """The riskbook group: full one-line descriptions in --help, and --format json kept for usage errors."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def make_context(self, info_name, args, parent=None, **extra):
        given = list(args)  # as typed, before parsing
        context = super().make_context(info_name, args, parent=parent, **extra)
        context.meta[ARGS] = given
        return context

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """As click's, except that a usage error asked for as JSON (--format json) is a JSON object too."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        arguments = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(EXIT_SIGNAL_BASE + signal.SIGINT)
        except click.ClickException as exc:
            code = exc.exit_code if exc.exit_code != 1 else EXIT_UNUSABLE
            if wants_json(arguments):
                click.echo(error_json(exc.format_message(), code))
            exc.show()
            sys.exit(code)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
