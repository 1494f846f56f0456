"""The riskbook command line: a thin layer over the library.

Imports of the library (and of pandas, xlsxwriter, calamine) happen inside
the commands, so `riskbook --help` starts fast.
"""

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
from riskbook.console import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_SIGNAL_BASE, EXIT_UNUSABLE

WRITTEN = "riskbook.written"  # the command's context keeps the outputs written so far, to say them if stopped


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: every temporary file is removed on the way out."""

    signum = signal.SIGTERM


def _on_sigterm(signum, frame):
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


def _handle_errors(func):
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
            _refuse(str(exc), EXIT_UNUSABLE)
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            written = click.get_current_context().meta.get(WRITTEN, [])
            done = f"wrote {', '.join(map(str, written))} before it, nothing else" if written else "no output written"
            _say(f"riskbook: stopped by {'SIGTERM' if signum == signal.SIGTERM else 'Ctrl-C'}; {done}")
            sys.exit(EXIT_SIGNAL_BASE + signum)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            console.reader_went_away()
        except Exception as exc:
            if debug:
                traceback.print_exc()
            _refuse(f"internal error: {type(exc).__name__}: {exc}; {REPORT_BUG}", EXIT_INTERNAL)

    return wrapper


def _refuse(message: str, code: int) -> None:
    """Stop with one line on stderr (and, for --format json, a JSON object on stdout) and the exit code."""
    if console.wants_json():
        click.echo(console.error_json(message, code))
    _say(f"riskbook: {message}")
    sys.exit(code)


def _say(line: str) -> None:
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


def _echo(line: str, err: bool = False) -> None:
    """A line that carries text from a file or a scheme (a path, a reference, a band name): through the text
    gate, so that a control character or an escape sequence in it cannot act on the terminal."""
    from riskbook.xlsx.text import TERMINAL, safe_text

    click.echo(safe_text(line, TERMINAL), err=err)


PROGRESS_ABOVE = 5_000  # risks
READING_NOTE_ABOVE = 1024**2  # bytes of input file: reading it takes a noticeable moment


class _ProgressBar:
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
        return _step_note(f"Reading {label}", self.enabled and _large_file(path))

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
    from riskbook import process

    real_stderr = sys.stderr is sys.__stderr__ or process.native_stderr.held is not None
    if risks > PROGRESS_ABOVE and sys.stdout is sys.__stdout__ and real_stderr:
        sys.stdout.flush()
        process.native_stderr.release(pass_on=True)
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _read_and_check(
    input_path,
    sheet,
    scheme,
    as_of,
    max_size: int,
    show_progress: bool,
    previous=(),
    since=None,
    columns=None,
    history=None,
):
    """The register's report (with earlier periods' comparison, if given), with a progress bar on a terminal.
    One --previous is last period's register; several, or --history FOLDER, are the earlier periods."""
    import riskbook as api
    from riskbook import process

    show_progress = show_progress and not console.quiet_run()
    bar = _ProgressBar("Checking", enabled=show_progress)
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
        )
    finally:
        bar.close()
    process.give_back_freed_memory(len(report.register.risks))
    _note_reading(report.register)
    _say_recorded_scheme(report.register)
    if report.history is not None:
        _echo(report.history.order_line(report.register.path, report.as_of), err=True)
    return report


def _periods(previous: tuple[str, ...], history: str | None) -> dict:
    """check_register's previous (one --previous alone) or history (several, or a --history folder)."""
    if history is None and len(previous) <= 1:
        return {"previous": previous[0] if previous else None}
    return {"history": [*previous, *([history] if history else [])]}


def _say_recorded_scheme(register) -> None:
    if register.scheme_origin:
        _echo(f"Scheme: {register.scheme.name}, recorded in {register.path} (no --scheme given)", err=True)


def _note_reading(register) -> None:
    """What reading chose that the user did not say, on stderr: the sheet, when more than one could be it."""
    from riskbook.xlsx.text import TERMINAL, safe_text

    choice = register.sheet_choice()
    if choice:
        click.echo(safe_text(f"Note: {register.path}: {choice}", TERMINAL), err=True)


def _note_passed_over(register) -> None:
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
            _refuse(f"--column {item!r} is not FIELD=HEADER, e.g. likelihood='Threat Probability'", EXIT_UNUSABLE)
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


@click.group(cls=console.RiskbookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@console.common_options
@click.version_option(package_name="riskbook")
def cli() -> None:
    """riskbook: check a risk register and build the panel workbook.

    \b
    The risk unit's three commands:
      riskbook template -o register.xlsx --from last-quarter.xlsx
      riskbook validate returned.xlsx --annotate returned-checked.xlsx
      riskbook build register.xlsx --previous last-quarter.xlsx -o panel.xlsx

    \b
    Exit codes: 0 clean (warnings allowed), 1 findings that are errors,
    2 an input or option riskbook cannot use, 3 a fault in riskbook (please report it).
    """


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings grouped by risk, for people. json: one object with every finding, for scripts "
    "(refusals and internal errors are JSON too).",
)


@cli.command()
@input_argument
@as_of_option
@format_option
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
@column_option
@click.option("--show-columns", is_flag=True, help="First print which header was read as which field.")
@console.common_options
@_handle_errors
def validate(
    input_path, as_of, fmt, sheet, scheme, annotate, previous, history, since, max_size, columns, show_columns
):
    """Check a register and list every finding with the cell it is in.

    With --previous, also compare it with last period's register, as build does.
    Exit 0: no errors (warnings allowed). 1: errors found. 2: unusable input or option.

    \b
    Example:
      riskbook validate examples/force-risk-register-jan-2024-as-published.xlsx --as-of 2024-01-16
    """
    from riskbook.outputs.render import render_json, render_text

    console.refuse_standard_input(input_path, *previous)
    console.check_outputs((annotate, "the annotated copy", ".xlsx", False), inputs=(input_path, *previous, scheme))
    report = _read_and_check(
        input_path,
        sheet,
        scheme,
        as_of,
        max_size,
        show_progress=fmt == "text",
        previous=previous,
        since=since,
        columns=columns,
        history=history,
    )
    if show_columns:
        from riskbook.outputs.render import render_columns

        click.echo(render_columns(report.register), err=fmt == "json")
    if fmt == "json":
        click.echo(render_json(report))
    elif console.quiet_run():
        if report.findings:
            click.echo(render_text(report, colour=console.colour()).rsplit("\n", 1)[0], color=console.colour())
    else:
        click.echo(render_text(report, colour=console.colour()), color=console.colour())
    if annotate:
        from riskbook.outputs.annotate import annotate_workbook

        with _step_note(
            f"Writing the annotated copy {annotate}",
            fmt == "text" and not console.quiet_run() and len(report.register.risks) > PROGRESS_ABOVE,
        ):
            written = annotate_workbook(report, annotate)
        if not console.quiet_run():
            click.echo(f"Wrote {written}", err=fmt == "json")
    _finish(EXIT_OK if report.ok else EXIT_FINDINGS, len(report.register.risks))


@cli.command()
@input_argument
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Panel workbook to write (.xlsx); - writes it to standard output when that is not a terminal.",
)
@as_of_option
@previous_option
@since_option
@click.option("--title", default=None, help="Report title.  [default: Strategic Risk Register]")
@click.option(
    "--marking", default=None, help="Protective marking for every page's header and footer.  [default: OFFICIAL]"
)
@click.option("--organisation", default=None, help="Organisation the paper is from (cover and file properties).")
@click.option("--meeting", default=None, help='The meeting and its date, e.g. "JARAP, 31 January 2024".')
@click.option("--report-of", "report_of", default=None, help="Who the report is of, e.g. a post or a board.")
@click.option("--author", default=None, help="Author of the paper (cover, file and PDF properties).")
@click.option("--contact", default=None, help="Contact for questions: an email address or telephone number.")
@click.option("--purpose", default=None, help="The paper's purpose, in a sentence.")
@click.option("--recommendation", default=None, help="What the panel is asked to do.")
@click.option(
    "--paper",
    "paper_file",
    type=click.Path(dir_okay=False),
    help="TOML file with the cover's details (meeting, author, …); options given here win.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False),
    help="Also print the workbook to this PDF with LibreOffice (which must be installed).",
)
@click.option(
    "--cards",
    type=click.Choice(["unseen", "all"]),
    default="unseen",
    show_default=True,
    help="With --previous: 'unseen' lists a risk archived as last period's paper proposed in one row of "
    "Appendix B (that paper printed its card); 'all' prints every card in full.",
)
@click.option(
    "--pdf-timeout",
    type=click.FloatRange(1, 86_400),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="Give up printing the PDF after this long (LibreOffice runs once; nothing is written then).",
)
@sheet_option
@scheme_option
@max_size_option
@column_option
@console.common_options
@_handle_errors
def build(
    input_path,
    output,
    as_of,
    previous,
    history,
    since,
    title,
    marking,
    organisation,
    meeting,
    report_of,
    author,
    contact,
    purpose,
    recommendation,
    paper_file,
    pdf_path,
    cards,
    pdf_timeout,
    sheet,
    scheme,
    max_size,
    columns,
):
    """Check a register, then write the panel workbook (and its PDF).

    With --pdf, the paper is also printed to PDF with LibreOffice.
    Errors: printed as validate prints them, nothing written, exit 1. Warnings are printed and the
    workbook is built. Unusable input or option: exit 2.

    \b
    Example:
      riskbook build examples/force-risk-register-jan-2024.xlsx -o panel.xlsx --as-of 2024-01-16
    """
    import riskbook as api
    from riskbook.outputs.panel import DEFAULT_MARKING, DEFAULT_TITLE
    from riskbook.outputs.panel.claims import PaperContradicts
    from riskbook.outputs.panel.paper import Paper, load_paper
    from riskbook.outputs.render import render_text

    console.refuse_standard_input(input_path, *previous)
    if pdf_path:
        _check_pdf_option(pdf_path, input_path, output, *previous)
    console.check_outputs(
        (output, "the panel workbook", ".xlsx", True),
        (pdf_path, "the paper's PDF", ".pdf", False),
        inputs=(input_path, *previous, scheme, paper_file),
    )
    paper = (load_paper(paper_file) if paper_file else Paper()).merged(
        organisation=organisation,
        title=title,
        marking=marking,
        meeting=meeting,
        report_of=report_of,
        author=author,
        contact=contact,
        purpose=purpose,
        recommendation=recommendation,
    )
    if pdf_path:
        from riskbook.outputs.panel.pdf import language_tag

        language_tag(paper.language)  # a paper's language that is no language tag: refused before any work
    as_of = as_of or dt.date.today()
    report = _read_and_check(
        input_path,
        sheet,
        scheme,
        as_of,
        max_size,
        show_progress=True,
        previous=previous,
        since=since,
        columns=columns,
        history=history,
    )
    colour = console.colour()
    if not report.ok:
        console.echo(render_text(report, colour=colour), colour)
        click.echo("Nothing written: fix the errors above, then build again.", err=True)
        sys.exit(EXIT_FINDINGS)
    if report.findings or report.register.passed_over:
        console.echo(render_text(report, colour=colour), colour)
    with console.output_path(output, ".xlsx") as target:
        bar = _ProgressBar("Writing", enabled=not console.quiet_run() and len(report.register.risks) > PROGRESS_ABOVE)
        try:
            result = api.build_workbook(
                report,
                target,
                title=paper.title or DEFAULT_TITLE,
                marking=marking if marking is not None else (paper.marking or DEFAULT_MARKING),
                organisation=paper.organisation,
                progress=bar,
                paper=paper,
                cards=cards,
            )
        except PaperContradicts as exc:
            bar.close()
            for finding in exc.findings:
                click.echo(f"  error   {finding}  [{finding.code}]")
            click.echo("Nothing written: the paper's text contradicts the register's rows.", err=True)
            sys.exit(EXIT_FINDINGS)
        bar.close()
        click.get_current_context().meta.setdefault(WRITTEN, []).append(result.path)
        if output != "-":
            console.info(f"Wrote {result.path}")
        for note in result.notes:
            click.echo(f"Note: {note}", err=True)
        if pdf_path:
            from riskbook.outputs.panel.pdf import DEFAULT_LANGUAGE, write_pdf

            # LibreOffice prints in one call that cannot be counted: named while it runs, whatever the size.
            with _step_note(f"Printing {pdf_path} with LibreOffice", enabled=not console.quiet_run()):
                written = write_pdf(
                    result.path,
                    pdf_path,
                    timeout=pdf_timeout,
                    workbook_name="the workbook for standard output" if output == "-" else output,
                    language=paper.language or DEFAULT_LANGUAGE,
                )
            console.info(f"Wrote {written}")
    if output == "-":  # once its last byte is out
        console.info("Wrote the panel workbook to standard output")
    console.info(result.summary_line())
    _finish(EXIT_OK, len(report.register.risks))


def _check_pdf_option(pdf_path: str, input_path: str, output: str, *previous: str) -> None:
    """Refuse --pdf before anything is written: LibreOffice missing, or a path that cannot be the PDF."""
    from pathlib import Path

    from riskbook.errors import OutputError
    from riskbook.outputs.panel.pdf import pdf_fits_beside, require_soffice

    target = Path(pdf_path)
    for other in (input_path, output, *previous):
        if other and Path(other).resolve() == target.resolve():
            raise OutputError(f"{pdf_path}: is also {other}; give the PDF a name of its own")
    pdf_fits_beside(target)
    require_soffice()


@cli.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Template workbook to write (.xlsx); - writes it to standard output when that is not a terminal.",
)
@scheme_option
@click.option(
    "--from", "from_path", type=click.Path(dir_okay=False), help="An existing register to pre-fill the template with."
)
@click.option(
    "--from-scheme",
    type=click.Path(dir_okay=False),
    help="Scoring scheme the --from register is scored under (default: the --scheme one).",
)
@click.option(
    "--rescore",
    is_flag=True,
    help="Replace --from's stated scores that are not impact × likelihood (each one is listed).",
)
@sheet_option
@max_size_option
@column_option
@console.common_options
@_handle_errors
def template(output, scheme, from_path, from_scheme, rescore, sheet, max_size, columns):
    """Write the register template risk owners fill in.

    One Register sheet with every column riskbook reads, and an Instructions sheet from the scheme.

    With --from, the register is validated first: a stated score that is not impact × likelihood
    is refused (exit 1) unless --rescore, and every score that changes is listed.

    \b
    Example:
      riskbook template -o register.xlsx --from examples/force-risk-register-jan-2024.xlsx
    """
    import dataclasses

    import riskbook as api
    from riskbook.outputs.render import render_text
    from riskbook.outputs.template import StatedScoresDiffer, carry_over, write_template

    console.refuse_standard_input(from_path)
    console.check_outputs((output, "the template", ".xlsx", True), inputs=(from_path, scheme, from_scheme))
    scheme_obj = api.load_scheme(scheme) if scheme else None  # none: the one a template records, or the default
    existing, changes = None, []
    shown = not console.quiet_run()
    if from_path:
        source_scheme = api.load_scheme(from_scheme) if from_scheme else scheme_obj
        checked = _read_and_check(from_path, sheet, source_scheme, None, max_size, show_progress=shown, columns=columns)
        scheme_obj = scheme_obj or checked.scheme
        try:
            existing, changes = carry_over(checked, scheme_obj, rescore=rescore)
        except StatedScoresDiffer as exc:
            shown_report = dataclasses.replace(exc.report, findings=exc.mismatches)
            # Without the report's summary line, which would count only the findings shown here as the
            # register's: the line below says what is refused, and validate lists every finding.
            findings = render_text(shown_report, colour=console.colour()).rsplit("\n", 1)[0]
            console.echo(findings, console.colour())
            count = len(exc.mismatches)
            _echo(
                f"Nothing written: {count} value{'s' if count != 1 else ''} in {from_path} cannot be carried "
                f"into the template as {'they are' if count != 1 else 'it is'}: {exc.advice}.",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
    scheme_obj = scheme_obj or api.load_scheme(None)
    with console.output_path(output, ".xlsx") as target:
        count = len(existing.risks) if existing else 0
        bar = _ProgressBar("Writing", enabled=shown and count > PROGRESS_ABOVE)
        path = write_template(target, scheme_obj, existing=existing, progress=bar)
        bar.close()
    for line in changes:
        console.echo(line)
    count = len(existing.risks) if existing else 0
    console.info(
        f"Wrote {'the template to standard output' if output == '-' else path}"
        + (f" with {count} risk{'s' if count != 1 else ''} from {from_path}" if existing else "")
    )


@cli.command("scheme")
@click.option(
    "--from", "from_path", required=True, type=click.Path(dir_okay=False), help="The register to draft a scheme from."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Scheme file to write (.toml); - prints it on standard output.",
)
@sheet_option
@max_size_option
@column_option
@console.common_options
@_handle_errors
def scheme_command(from_path, output, sheet, max_size, columns):
    """Draft a commented scheme from a register's headers and values.

    The draft holds the register's scales, statuses, references and ratings, each guess marked GUESS.

    \b
    Example:
      riskbook scheme --from examples/nhs-risk-register.csv -o -
    """
    import tempfile
    from pathlib import Path

    import riskbook as api
    from riskbook.scheme.draft import draft_reading_scheme, draft_scheme, rows_without_risks, write_draft
    from riskbook.xlsx.text import TERMINAL, safe_text

    console.refuse_standard_input(from_path)
    console.check_outputs((output, "the scheme", None, True), inputs=(from_path,))
    with _step_note(f"Reading {from_path}", not console.quiet_run() and _large_file(from_path)):
        register = api.read_register(
            from_path, sheet=sheet, scheme=draft_reading_scheme(), max_bytes=max_size * 1024**2, columns=columns
        )
    _note_reading(register)
    _note_passed_over(register)
    legend = rows_without_risks(register, max_size * 1024**2)
    draft = draft_scheme(register, columns, legend)
    if output == "-":
        with tempfile.TemporaryDirectory(prefix="riskbook-scheme-") as folder:
            checked = write_draft(draft, Path(folder) / "scheme.toml")  # the draft must load as it stands
            click.echo(checked.read_text(encoding="utf-8"), nl=False)
            drafted = api.load_scheme(checked)
        if not console.quiet_run():
            click.echo(f"A draft scheme from {from_path}; check each GUESS, then pass it with --scheme", err=True)
        _say_scale_orders(drafted, safe_text, TERMINAL, err=True)
        return
    path = write_draft(draft, output)
    console.info(f"Wrote {path}: a draft scheme from {from_path}; check each GUESS, then pass it with --scheme")
    _say_scale_orders(api.load_scheme(path), safe_text, TERMINAL)


def _say_scale_orders(drafted, safe_text, place, err: bool = False) -> None:
    """Each drafted scale lowest first, and whether its order is a guess the user must confirm."""
    for scale in (drafted.impact_scale, drafted.likelihood_scale):
        assert scale is not None  # a loaded scheme has both
        order = " < ".join(scale.labels[v] for v in scale.values)
        guess = '  GUESSED: nothing in the register settles the order; check it, then remove order = "guessed"'
        click.echo(safe_text(f"  {scale.axis}: {order}{guess if scale.guessed else ''}", place), err=err)


@cli.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (another than this computer's own has no sign-in: say so to whoever can reach it).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Checks run at once (default: one per core).")
@click.option(
    "--queue",
    type=click.IntRange(0, 10_000),
    default=32,
    show_default=True,
    help="Checks that may wait for a worker; one more is told the checker is busy.",
)
@click.option(
    "--max-upload",
    "max_upload",
    type=click.IntRange(1, 10_000),
    default=256,
    show_default=True,
    metavar="MB",
    help="Largest request accepted (all files together).",
)
def serve_command(host, port, open_browser, workers, queue, max_upload):
    """Serve the checker as a local web page: check a register, download the outputs.

    The page shows the findings marked on the register's own sheet, the matrix and the scheme in words.

    Example: riskbook serve --open
    """
    try:
        from riskbook.serve import run
        from riskbook.serve.jobs import Limits
    except ImportError as exc:
        _say(f"riskbook: serve needs the web extra ({exc.name} is missing): pip install 'riskbook[serve]'")
        sys.exit(EXIT_UNUSABLE)
    defaults = Limits()
    limits = Limits(workers=workers or defaults.workers, queue=queue, upload_bytes=max_upload * 1024**2)
    import gc

    gc.enable()  # a long-running server makes and drops objects for hours (the command turned it off)
    try:
        run(host=host, port=port, open_browser=open_browser, limits=limits)
    except OSError as exc:
        _say(f"riskbook: cannot listen on {host}:{port}: {exc.strerror or exc}")
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        pass


def main() -> None:
    from riskbook import process

    process.tune_for_one_command()
    signal.signal(signal.SIGTERM, _on_sigterm)
    process.native_stderr.hold()
    pass_on = True
    try:
        cli(prog_name="riskbook")
    except SystemExit as exc:
        # Exit 2 says what is wrong in one line; a native report behind it (a Rust panic) is dropped.
        pass_on = exc.code != EXIT_UNUSABLE or "--debug" in sys.argv[1:]
        raise
    finally:
        process.native_stderr.release(pass_on)
