"""`riskbook validate`: check a register and say what is wrong, cell by cell."""

from __future__ import annotations

import click

from riskbook import console
from riskbook.cli.common import (
    PROGRESS_ABOVE,
    as_of_option,
    column_option,
    finish,
    format_option,
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
@handle_errors
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
    report = read_and_check(
        input_path,
        sheet,
        scheme,
        as_of,
        max_size,
        show_progress=fmt == "text",
        previous=previous,
        since=since,
        columns=columns,
        keep_package=annotate is not None,
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

        with step_note(
            f"Writing the annotated copy {annotate}",
            fmt == "text" and not console.quiet_run() and len(report.register.risks) > PROGRESS_ABOVE,
        ):
            written = annotate_workbook(report, annotate)
        if not console.quiet_run():
            click.echo(f"Wrote {written}", err=fmt == "json")
    finish(EXIT_OK if report.ok else EXIT_FINDINGS, len(report.register.risks))
