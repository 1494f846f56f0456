"""The riskbook command line: a thin layer over the library.

Imports of the library (and of pandas, openpyxl, xlsxwriter, calamine) happen inside
the commands, so `riskbook --help` starts fast.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from functools import wraps

import click

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def _parse_date_option(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _handle_errors(func):
    """Turn a riskbook error into one line on stderr and exit 2; --debug shows the traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        from riskbook.errors import RiskbookError

        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except RiskbookError as exc:
            if debug:
                traceback.print_exc()
            click.echo(f"riskbook: {exc}", err=True)
            sys.exit(EXIT_UNUSABLE)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            if debug:
                traceback.print_exc()
            click.echo(
                f"riskbook: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True
            )
            sys.exit(EXIT_UNUSABLE)

    return wrapper


input_argument = click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, path_type=str))
sheet_option = click.option(
    "--sheet", help="Sheet holding the register (default: Register, else the first with a header)."
)
scheme_option = click.option(
    "--scheme", type=click.Path(dir_okay=False), help="Scoring scheme TOML file (default: the shipped 4 × 4 scheme)."
)
as_of_option = click.option(
    "--as-of",
    callback=_parse_date_option,
    metavar="YYYY-MM-DD",
    help="Date the register is checked at (default: today).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="riskbook")
def cli(debug: bool) -> None:
    """riskbook: check a risk register and build the panel workbook."""


@cli.command()
@input_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@sheet_option
@scheme_option
@_handle_errors
def validate(input_path, as_of, fmt, sheet, scheme):
    """Check a register and list every finding with its cell.

    Exit 0: no errors (warnings allowed). 1: errors found. 2: unreadable input.
    """
    from riskbook import api
    from riskbook.render import render_json, render_text

    scheme_obj = api.load_scheme(scheme)
    register = api.read_register(input_path, sheet=sheet, scheme=scheme_obj)
    report = api.validate(register, as_of=as_of, scheme=scheme_obj)
    if fmt == "json":
        click.echo(render_json(report))
    else:
        click.echo(render_text(report, colour=sys.stdout.isatty()))
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def main() -> None:
    cli(prog_name="riskbook")
