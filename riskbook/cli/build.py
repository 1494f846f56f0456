"""`riskbook build`: the panel workbook (and its PDF) from a register without errors."""

from __future__ import annotations

import datetime as dt
import sys

import click

from riskbook import console
from riskbook.cli.common import (
    PROGRESS_ABOVE,
    WRITTEN,
    ProgressBar,
    as_of_option,
    column_option,
    finish,
    handle_errors,
    input_argument,
    max_size_option,
    previous_option,
    read_and_check,
    scheme_option,
    sheet_option,
    since_option,
    step_note,
)
from riskbook.console import EXIT_FINDINGS, EXIT_OK


@click.command()
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
@handle_errors
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
    if marking is not None:  # refused before the register is read, as every unusable option is (exit 2)
        from riskbook.xlsx.writer import check_marking

        check_marking(marking)
    if pdf_path:
        from riskbook.outputs.panel.pdf import language_tag

        language_tag(paper.language)  # a paper's language that is no language tag: refused before any work
    as_of = as_of or dt.date.today()
    report = read_and_check(
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
        bar = ProgressBar("Writing", enabled=not console.quiet_run() and len(report.register.risks) > PROGRESS_ABOVE)
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
            with step_note(f"Printing {pdf_path} with LibreOffice", enabled=not console.quiet_run()):
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
    finish(EXIT_OK, len(report.register.risks))


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
