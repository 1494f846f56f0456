"""What every command shares: options, error handling, progress and the read-and-check step."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from functools import wraps

import click

from riskbook import console
from riskbook.console import EXIT_INTERNAL, EXIT_SIGNAL_BASE, EXIT_UNUSABLE

WRITTEN = "riskbook.written"  # the command's context keeps the outputs written so far, to say them if stopped


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: every temporary file is removed on the way out."""

    signum = signal.SIGTERM


def on_sigterm(signum, frame):
    raise Terminated()


def _parse_date_option(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


REPORT_BUG = (
    "this is a fault in riskbook, not in your file: please report it with the command you ran "
    "(riskbook --debug … prints the details to include)"
)


def handle_errors(func):
    """Exit codes: a riskbook error (unusable input or option) is one line on stderr and exit 2; anything
    unexpected is riskbook's own fault, exit 3 with a line asking for a report. --debug shows the traceback;
    with --format json, the same is also printed as a JSON object on stdout."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        from riskbook.errors import RiskbookError

        debug = console.setting("debug")
        try:
            return func(*args, **kwargs)
        except RiskbookError as exc:
            if debug:
                traceback.print_exc()
            refuse(str(exc), EXIT_UNUSABLE)
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            written = click.get_current_context().meta.get(WRITTEN, [])
            done = f"wrote {', '.join(map(str, written))} before it, nothing else" if written else "no output written"
            say(f"riskbook: stopped by {'SIGTERM' if signum == signal.SIGTERM else 'Ctrl-C'}; {done}")
            sys.exit(EXIT_SIGNAL_BASE + signum)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            console.reader_went_away()
        except Exception as exc:
            if debug:
                traceback.print_exc()
            refuse(f"internal error: {type(exc).__name__}: {exc}; {REPORT_BUG}", EXIT_INTERNAL)

    return wrapper


def refuse(message: str, code: int) -> None:
    """Stop with one line on stderr (and, for --format json, a JSON object on stdout) and the exit code."""
    if console.wants_json():
        click.echo(console.error_json(message, code))
    say(f"riskbook: {message}")
    sys.exit(code)


def say(line: str) -> None:
    """One line on stderr: text from a file (a sheet name, a cell) cannot add lines or act on the terminal.

    It is the last word: a half-written file object (openpyxl's XML stream after a full disk) that
    tries to finish itself as the process ends would print 'Exception ignored in: …' below it.
    """
    from riskbook.xlsx.text import TERMINAL, safe_text

    click.echo(safe_text(line, TERMINAL), err=True)
    if not console.setting("debug"):
        sys.unraisablehook = _quiet


def _quiet(unraisable) -> None:
    pass


def echo(line: str, err: bool = False) -> None:
    """A line that carries text from a file or a scheme (a path, a reference, a band name): through the text
    gate, so that a control character or an escape sequence in it cannot act on the terminal."""
    from riskbook.xlsx.text import TERMINAL, safe_text

    click.echo(safe_text(line, TERMINAL), err=err)


PROGRESS_ABOVE = 5_000  # risks
READING_NOTE_ABOVE = 1024**2  # bytes of input file: reading it takes a noticeable moment


class ProgressBar:
    """Progress for a long step on stderr, named ("Checking", "Writing Appendix A"), on a terminal only,
    and for more than PROGRESS_ABOVE risks: never in JSON output or when stderr is a pipe or a file.
    Called every thousand units of work or when a step begins, never per cell; told too which file
    is being read (reading), a step that cannot be counted."""

    LABEL_WIDTH = 28  # so the bar stays put while the step's name changes

    def __init__(self, label: str, enabled: bool):
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= PROGRESS_ABOVE:
            return
        self._open(total)
        self.bar.update(done)

    def step(self, name: str, total: int) -> None:
        """A named step begins (perf.Ticker.step): show its name on the bar at once."""
        if not self.enabled or total <= PROGRESS_ABOVE:
            return
        self.label = name
        self._open(total)
        self.bar.label = name.ljust(self.LABEL_WIDTH)
        self.bar.render_progress()

    def reading(self, path, label: str) -> contextlib.AbstractContextManager[None]:
        """A file is read (riskbook.check_register): named while it is, if it is large."""
        return step_note(f"Reading {label}", self.enabled and large_file(path))

    def _open(self, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label.ljust(self.LABEL_WIDTH), file=sys.stderr)
            self.bar.__enter__()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextlib.contextmanager
def step_note(text: str, enabled: bool) -> Iterator[None]:
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


def large_file(path) -> bool:
    try:
        return os.path.getsize(path) > READING_NOTE_ABOVE
    except OSError:
        return False  # reading it will say why


def finish(code: int, risks: int) -> None:
    """Exit. After a large register, skip the interpreter's teardown: freeing millions of
    objects one by one costs a third of a second for 100,000 risks, and the system frees the
    memory at once. Everything is written and flushed first; only a real process does this."""
    from riskbook import process

    real_stderr = sys.stderr is sys.__stderr__ or process.native_stderr.held is not None
    if risks > PROGRESS_ABOVE and sys.stdout is sys.__stdout__ and real_stderr:
        sys.stdout.flush()
        process.native_stderr.release(pass_on=True)
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def read_and_check(
    input_path,
    sheet,
    scheme,
    as_of,
    max_size: int,
    show_progress: bool,
    previous=(),
    since=None,
    columns=None,
    keep_package: bool = False,
    history=None,
):
    """The register's report (with earlier periods' comparison, if given), with a progress bar on a terminal;
    keep_package: keep an .xlsx register's bytes for the annotated copy. One --previous is last period's
    register; several, or --history FOLDER, are the earlier periods."""
    import riskbook as api
    from riskbook import process

    show_progress = show_progress and not console.quiet_run()
    bar = ProgressBar("Checking", enabled=show_progress)
    try:
        report = api.check_register(
            input_path,
            sheet=sheet,
            scheme=scheme,
            columns=columns,
            max_bytes=max_size * 1024**2,
            **_periods(previous, history),
            since=since,
            as_of=as_of,
            progress=bar,
            keep_package=keep_package,
        )
    finally:
        bar.close()
    process.give_back_freed_memory(len(report.register.risks))
    note_reading(report.register)
    say_recorded_scheme(report.register)
    if report.history is not None:
        echo(report.history.order_line(report.register.path, report.as_of), err=True)
    return report


def _periods(previous: tuple[str, ...], history: str | None) -> dict:
    """check_register's previous (one --previous alone) or history (several, or a --history folder)."""
    if history is None and len(previous) <= 1:
        return {"previous": previous[0] if previous else None}
    return {"history": [*previous, *([history] if history else [])]}


def say_recorded_scheme(register) -> None:
    if register.scheme_origin:
        echo(f"Scheme: {register.scheme.name}, recorded in {register.path} (no --scheme given)", err=True)


def note_reading(register) -> None:
    """What reading chose that the user did not say, on stderr: the sheet, when more than one could be it."""
    from riskbook.xlsx.text import TERMINAL, safe_text

    choice = register.sheet_choice()
    if choice:
        click.echo(safe_text(f"Note: {register.path}: {choice}", TERMINAL), err=True)


def note_passed_over(register) -> None:
    """The rows passed over as not risks, on stderr, for a command that prints no report (scheme --from)."""
    from riskbook.read.row_kinds import passed_over_line
    from riskbook.xlsx.text import TERMINAL, safe_text

    line = passed_over_line(register.passed_over)
    if line:
        click.echo(safe_text(line, TERMINAL), err=True)


input_argument = click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, path_type=str))
sheet_option = click.option(
    "--sheet",
    help="Sheet holding the register (default: Register, else the sheet with the most risk rows under a header).",
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


def previous_option(func):
    """--previous FILE (repeatable) and --history FOLDER: the earlier periods' registers."""
    func = click.option(
        "--history",
        type=click.Path(file_okay=False, exists=True),
        metavar="FOLDER",
        help="A folder of earlier periods' registers (up to 12), ordered by the date each states, else its "
        "modified date: each risk's trail, direction of travel, the Trend sheet and findings across periods.",
    )(func)
    return click.option(
        "--previous",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="Last period's register, to find new, archived and changed risks; given more than once, the "
        "earlier periods, as --history.",
    )(func)


since_option = click.option(
    "--since", callback=_parse_date_option, metavar="YYYY-MM-DD", help="Risks first recorded after this date are new."
)


def _parse_columns(ctx, param, value) -> dict[str, str]:
    columns = {}
    for item in value:
        name, sep, header = item.partition("=")
        if not sep or not name.strip() or not header.strip():
            refuse(f"--column {item!r} is not FIELD=HEADER, e.g. likelihood='Threat Probability'", EXIT_UNUSABLE)
        columns[name.strip()] = header.strip()
    return columns


def column_option(func):
    """--column FIELD=HEADER, repeatable: read a header as a field for this run."""
    return click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="FIELD=HEADER",
        callback=_parse_columns,
        help="Read the column headed HEADER as FIELD (e.g. likelihood='Threat Probability'); repeatable.",
    )(func)


as_of_option = click.option(
    "--as-of",
    callback=_parse_date_option,
    metavar="YYYY-MM-DD",
    help="Date the register is checked at (default: today).",
)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings grouped by risk, for people. json: one object with every finding, for scripts "
    "(refusals and internal errors are JSON too).",
)
