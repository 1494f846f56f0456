"""`riskbook scheme --from`: draft a scheme file from a register's own words and scores."""

from __future__ import annotations

import click

from riskbook import console
from riskbook.cli.common import (
    column_option,
    handle_errors,
    large_file,
    max_size_option,
    note_passed_over,
    note_reading,
    sheet_option,
    step_note,
)


@click.command("scheme")
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
@handle_errors
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
    with step_note(f"Reading {from_path}", not console.quiet_run() and large_file(from_path)):
        register = api.read_register(
            from_path,
            sheet=sheet,
            scheme=draft_reading_scheme(),
            max_bytes=max_size * 1024**2,
            columns=columns,
            keep_package=False,  # a draft marks no copy
        )
    note_reading(register)
    note_passed_over(register)
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
        guess = '  GUESSED: the register does not settle the order (the draft says why); check it, then remove order = "guessed"'
        click.echo(safe_text(f"  {scale.axis}: {order}{guess if scale.guessed else ''}", place), err=err)
