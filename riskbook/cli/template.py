"""`riskbook template`: the owners' template, blank or carried over from last quarter's register."""

from __future__ import annotations

import sys

import click

from riskbook import console
from riskbook.cli.common import (
    PROGRESS_ABOVE,
    ProgressBar,
    column_option,
    echo,
    handle_errors,
    max_size_option,
    read_and_check,
    scheme_option,
    sheet_option,
)
from riskbook.console import EXIT_FINDINGS


@click.command()
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
@handle_errors
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
        checked = read_and_check(from_path, sheet, source_scheme, None, max_size, show_progress=shown, columns=columns)
        scheme_obj = scheme_obj or checked.scheme
        try:
            existing, changes = carry_over(checked, scheme_obj, rescore=rescore)
        except StatedScoresDiffer as exc:
            shown_report = dataclasses.replace(exc.report, findings=exc.mismatches)
            # Without the report's summary line, which would count only the findings shown here as the
            # register's: the line below says what is refused, and validate lists every finding.
            findings = render_text(shown_report, colour=console.colour()).rsplit("\n", 1)[0]
            console.echo(findings, console.colour())
            count = exc.count
            echo(
                f"Nothing written: {count} value{'s' if count != 1 else ''} in {from_path} cannot be carried "
                f"into the template as {'they are' if count != 1 else 'it is'}: {exc.advice}.",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
    scheme_obj = scheme_obj or api.load_scheme(None)
    with console.output_path(output, ".xlsx") as target:
        count = len(existing.risks) if existing else 0
        bar = ProgressBar("Writing", enabled=shown and count > PROGRESS_ABOVE)
        path = write_template(target, scheme_obj, existing=existing, progress=bar)
        bar.close()
    for line in changes:
        console.echo(line)
    count = len(existing.risks) if existing else 0
    console.info(
        f"Wrote {'the template to standard output' if output == '-' else path}"
        + (f" with {count} risk{'s' if count != 1 else ''} from {from_path}" if existing else "")
    )
