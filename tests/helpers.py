"""What the tests share: registers written to real files in the forms owners keep them, the CLI run
in-process and as a child process, and LibreOffice as the real client."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner, Result

AS_OF = dt.date(2024, 1, 16)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLEAN_EXAMPLE = EXAMPLES / "force-risk-register-jan-2024.xlsx"
PUBLISHED_EXAMPLE = EXAMPLES / "force-risk-register-jan-2024-as-published.xlsx"

HEADER = [
    "Reference",
    "Owner",
    "Title",
    "Impact",
    "Likelihood",
    "Status",
    "First Recorded",
    "Last Review",
    "Score",
    "Previous Score",
]


def risk_row(
    ref: str = "STR0001",
    owner: str = "Paul Dawkins ACO Finance & Resources",
    title: str = "The financial challenge",
    impact: object = "Very High",
    likelihood: object = "High",
    status: str = "Controls Tasked",
    first: object = "September 2021",
    last: object = "Jan 2024",
    score: object = 12,
    previous: object = 12,
) -> list[object]:
    return [ref, owner, title, impact, likelihood, status, first, last, score, previous]


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    sheet: str = "Register",
    title_rows: list[str] = (),
    extra_sheets: dict[str, list[list[object]]] | None = None,
) -> Path:
    """Write rows (header first) to an .xlsx, strings as strings, dates as real dates."""
    workbook = xlsxwriter.Workbook(path)
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, sheet_rows in {**(extra_sheets or {}), sheet: [[t] for t in title_rows] + list(rows)}.items():
        ws = workbook.add_worksheet(name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
    workbook.close()
    return path


ADDRESS_SPACE = 2 * 1024**3  # what a child running a hostile file may use: an abort or a blow-up fails its test


def run_cli(*args: object, env: dict[str, str] | None = None) -> Result:
    """The CLI in this process (click's CliRunner): exit code and output, as a user would see them."""
    from riskbook.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def run_cli_process(*args: object, timeout: float = 60, memory: int | None = None) -> subprocess.CompletedProcess:
    """The CLI in a child process (`python -m riskbook`, through cli.main) with a timeout, and with memory
    an address-space limit: an abort, a hang or unbounded memory fails the test, never the test run."""

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "riskbook", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
    )


def run_cli_limited(*args: object, timeout: float = 60) -> subprocess.CompletedProcess:
    """run_cli_process within ADDRESS_SPACE: for files meant to make a reader blow up."""
    return run_cli_process(*args, timeout=timeout, memory=ADDRESS_SPACE)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# LibreOffice, the real client: tests that call these carry @pytest.mark.libreoffice.


def soffice() -> str | None:
    from riskbook.outputs.panel.pdf import soffice as find

    return find()


def convert_with_libreoffice(source: Path, target_ext: str, outdir: Path, profile: Path) -> Path:
    """Convert a file with LibreOffice headless, using a private profile folder (riskbook.outputs.panel.pdf does it)."""
    from riskbook.outputs.panel.pdf import convert

    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    return convert(Path(source), target_ext, Path(outdir), Path(profile), timeout=180)


def formula_cells(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> stored value, for every formula cell of a workbook."""
    with_formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    cells = {}
    for ws in with_formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cells[(ws.title, cell.coordinate)] = stored[ws.title][cell.coordinate].value
    return cells


def recalculation_mismatches(path: Path, outdir: Path, profile: Path) -> list[str]:
    """Formula cells whose stored value differs from LibreOffice's recalculated one."""
    recalculated = convert_with_libreoffice(path, "xlsx:Calc MS Excel 2007 XML", outdir, profile)
    again = openpyxl.load_workbook(recalculated, data_only=True)
    mismatches = []
    for (sheet, coordinate), value in formula_cells(path).items():
        fresh = again[sheet][coordinate].value
        if (fresh if fresh is not None else "") != (value if value is not None else ""):
            mismatches.append(f"{sheet}!{coordinate}: stored {value!r}, LibreOffice {fresh!r}")
    return mismatches


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours given as "#RRGGBB" or "AARRGGBB"."""

    def luminance(colour: str) -> float:
        channels = [int(colour[-6:][i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def computed(risk) -> int | None:
    """Impact × likelihood, worked out here independently of riskbook's scheme."""
    if risk.impact is None or risk.likelihood is None:
        return None
    return risk.impact * risk.likelihood
