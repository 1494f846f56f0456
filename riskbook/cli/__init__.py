"""The riskbook command line: a thin layer over the library, one module per command.

Imports of the library (and of pandas, xlsxwriter, calamine) happen inside
the commands, so `riskbook --help` starts fast.
"""

from __future__ import annotations

import signal
import sys

import click

from riskbook import console
from riskbook.cli.build import build
from riskbook.cli.common import on_sigterm
from riskbook.cli.scheme import scheme_command
from riskbook.cli.serve import serve_command
from riskbook.cli.template import template
from riskbook.cli.validate import validate
from riskbook.console import EXIT_UNUSABLE


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


for command in (validate, build, template, scheme_command, serve_command):
    cli.add_command(command)


def main() -> None:
    from riskbook import process

    process.tune_for_one_command()
    signal.signal(signal.SIGTERM, on_sigterm)
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
