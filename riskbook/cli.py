"""The riskbook command line: a thin layer over the library.

Imports of the library (and of pandas, openpyxl, xlsxwriter, calamine) happen inside
the commands, so `riskbook --help` starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import traceback
from collections.abc import Iterator
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


PROGRESS_ABOVE = 5_000  # risks
READING_NOTE_ABOVE = 1024**2  # bytes of input file: reading it takes a noticeable moment


class _ProgressBar:
    """Progress for a long step on stderr, named ("Checking", "Writing Appendix A"), on a terminal only:
    never in JSON output or when stderr is a pipe or a file. Called every thousand units of work or
    when a step begins, never per cell."""

    LABEL_WIDTH = 28  # so the bar stays put while the step's name changes

    def __init__(self, label: str, risks: int, enabled: bool):
        self.label = label
        self.enabled = enabled and risks > PROGRESS_ABOVE and sys.stderr.isatty()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        self._open(total)
        self.bar.update(done)

    def step(self, name: str, total: int) -> None:
        """A named step begins (perf.Ticker.step): show its name on the bar at once."""
        if not self.enabled:
            return
        self.label = name
        self._open(total)
        self.bar.label = name.ljust(self.LABEL_WIDTH)
        self.bar.render_progress()

    def _open(self, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label.ljust(self.LABEL_WIDTH), file=sys.stderr)
            self.bar.__enter__()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextlib.contextmanager
def _step_note(text: str, enabled: bool) -> Iterator[None]:
    """For a long step that cannot be counted (calamine reads a sheet in one call): its name on
    stderr while it runs, on a terminal only, cleared when it ends."""
    shown = enabled and sys.stderr.isatty()
    if shown:
        sys.stderr.write(f"{text} …")
        sys.stderr.flush()
    try:
        yield
    finally:
        if shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _large_file(path) -> bool:
    try:
        return os.path.getsize(path) > READING_NOTE_ABOVE
    except OSError:
        return False  # reading it will say why


def _finish(code: int, risks: int) -> None:
    """Exit. After a large register, skip the interpreter's teardown: freeing millions of
    objects one by one costs a third of a second for 100,000 risks, and the system frees the
    memory at once. Everything is written and flushed first; only a real process does this."""
    if risks > PROGRESS_ABOVE and sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _read_and_check(input_path, sheet, scheme, as_of, max_size: int, show_progress: bool, previous=None, since=None):
    """The register's report (with last period's comparison, if given), with a progress bar on a terminal."""
    import riskbook as api

    max_bytes = max_size * 1024**2
    scheme = api.load_scheme(scheme)
    with _step_note(f"Reading {input_path}", show_progress and _large_file(input_path)):
        register = api.read_register(input_path, sheet=sheet, scheme=scheme, max_bytes=max_bytes)
    last = None
    if previous:
        with _step_note(f"Reading last period's {previous}", show_progress and _large_file(previous)):
            last = api.read_register(previous, sheet=sheet, scheme=scheme, max_bytes=max_bytes)
    bar = _ProgressBar("Checking", len(register.risks), enabled=show_progress)
    report = api.validate(register, as_of=as_of, previous=last, since=since, progress=bar)
    bar.close()
    return report


input_argument = click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, path_type=str))
sheet_option = click.option(
    "--sheet", help="Sheet holding the register (default: Register, else the first with a header)."
)
scheme_option = click.option(
    "--scheme", type=click.Path(dir_okay=False), help="Scoring scheme TOML file (default: the shipped 4 × 4 scheme)."
)
max_size_option = click.option(
    "--max-size",
    type=click.IntRange(1, 1_000_000),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Refuse a workbook that would inflate to more than this many megabytes (zip-bomb guard).",
)
previous_option = click.option(
    "--previous",
    type=click.Path(dir_okay=False),
    help="Last period's register, to find new, archived and changed risks.",
)
since_option = click.option(
    "--since", callback=_parse_date_option, metavar="YYYY-MM-DD", help="Risks first recorded after this date are new."
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
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False),
    help="Also write a copy of the workbook (.xlsx) with each finding marked on its cell.",
)
@previous_option
@since_option
@max_size_option
@_handle_errors
def validate(input_path, as_of, fmt, sheet, scheme, annotate, previous, since, max_size):
    """Check a register and list every finding with its cell.

    With --previous, also compare it with last period's register, as build does.
    Exit 0: no errors (warnings allowed). 1: errors found. 2: unreadable input.
    """
    from riskbook.render import render_json, render_text

    report = _read_and_check(
        input_path, sheet, scheme, as_of, max_size, show_progress=fmt == "text", previous=previous, since=since
    )
    if fmt == "json":
        click.echo(render_json(report))
    else:
        click.echo(render_text(report, colour=sys.stdout.isatty()))
    if annotate:
        from riskbook.annotate import annotate_workbook

        with _step_note(
            f"Writing the annotated copy {annotate}", fmt == "text" and len(report.register.risks) > PROGRESS_ABOVE
        ):
            written = annotate_workbook(report, annotate)
        click.echo(f"Wrote {written}", err=fmt == "json")
    _finish(EXIT_OK if report.ok else EXIT_FINDINGS, len(report.register.risks))


@cli.command()
@input_argument
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Panel workbook to write (.xlsx).")
@as_of_option
@previous_option
@since_option
@click.option("--title", default="Strategic Risk Register", show_default=True, help="Report title.")
@click.option(
    "--marking", default="OFFICIAL", show_default=True, help="Protective marking for every page's header and footer."
)
@click.option("--organisation", default="", help="Organisation named in the workbook's properties.")
@sheet_option
@scheme_option
@max_size_option
@_handle_errors
def build(input_path, output, as_of, previous, since, title, marking, organisation, sheet, scheme, max_size):
    """Validate a register, then write the panel workbook.

    Errors: printed as validate prints them, nothing written, exit 1. Warnings are printed and the
    workbook is built. Unreadable input: exit 2.
    """
    import riskbook as api
    from riskbook.render import render_text

    as_of = as_of or dt.date.today()
    report = _read_and_check(
        input_path, sheet, scheme, as_of, max_size, show_progress=True, previous=previous, since=since
    )
    colour = sys.stdout.isatty()
    if not report.ok:
        click.echo(render_text(report, colour=colour))
        click.echo("Nothing written: fix the errors above, then build again.", err=True)
        sys.exit(EXIT_FINDINGS)
    if report.findings:
        click.echo(render_text(report, colour=colour))
    bar = _ProgressBar("Writing", len(report.register.risks), enabled=True)
    result = api.build_workbook(report, output, title=title, marking=marking, organisation=organisation, progress=bar)
    bar.close()
    click.echo(f"Wrote {result.path}")
    click.echo(result.summary_line())
    _finish(EXIT_OK, len(report.register.risks))


@cli.command()
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="Template workbook to write (.xlsx)."
)
@scheme_option
@click.option(
    "--from", "from_path", type=click.Path(dir_okay=False), help="An existing register to pre-fill the template with."
)
@sheet_option
@max_size_option
@_handle_errors
def template(output, scheme, from_path, sheet, max_size):
    """Write the register template risk owners fill in: dropdowns, computed score, instructions."""
    import riskbook as api
    from riskbook.template import write_template

    scheme_obj = api.load_scheme(scheme)
    existing = None
    if from_path:
        with _step_note(f"Reading {from_path}", _large_file(from_path)):
            existing = api.read_register(from_path, sheet=sheet, scheme=scheme_obj, max_bytes=max_size * 1024**2)
    with _step_note(f"Writing {output}", existing is not None and len(existing.risks) > PROGRESS_ABOVE):
        path = write_template(output, scheme_obj, existing=existing)
    count = len(existing.risks) if existing else 0
    click.echo(
        f"Wrote {path}" + (f" with {count} risk{'s' if count != 1 else ''} from {from_path}" if existing else "")
    )


def main() -> None:
    cli(prog_name="riskbook")
