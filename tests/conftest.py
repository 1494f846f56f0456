"""Shared helpers: registers written to real files, in the forms owners keep them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

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


@pytest.fixture
def make_register(tmp_path):
    """make_register(rows, **kw) -> path of an .xlsx with HEADER then the given rows."""
    counter = iter(range(10_000))

    def make(rows, header=HEADER, name=None, **kwargs) -> Path:
        return write_xlsx(tmp_path / (name or f"register-{next(counter)}.xlsx"), [header, *rows], **kwargs)

    return make


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def soffice() -> str | None:
    from riskbook.panel.pdf import soffice as find

    return find()


def convert_with_libreoffice(source: Path, target_ext: str, outdir: Path, profile: Path) -> Path:
    """Convert a file with LibreOffice headless, using a private profile folder (riskbook.panel.pdf does it)."""
    from riskbook.panel.pdf import convert

    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed")
    return convert(Path(source), target_ext, Path(outdir), Path(profile), timeout=180)


@pytest.fixture(scope="session")
def recalc_profile(tmp_path_factory) -> Path:
    """A LibreOffice profile that recalculates every formula on load (OOXMLRecalcMode = 0)."""
    from riskbook.panel.pdf import make_recalc_profile

    return make_recalc_profile(tmp_path_factory.mktemp("lo-recalc"))


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours given as "#RRGGBB" or "AARRGGBB"."""

    def luminance(colour: str) -> float:
        channels = [int(colour[-6:][i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Markers, so that local work can skip the slow parts: pytest -m "not slow and not libreoffice".
_LIBREOFFICE_FIXTURES = {"recalc_profile", "converted_examples"}
_SLOW_MODULES = {"test_scale.py", "test_property.py"}
_SLOW_TESTS = {
    "test_byte_level_mutations_give_a_report_or_a_clear_error",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _LIBREOFFICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.libreoffice)
        if item.path.name in _SLOW_MODULES or item.originalname in _SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


ADDRESS_SPACE = 2 * 1024**3  # what a child running a hostile file may use: an abort or a blow-up fails its test


def run_riskbook_process(*args, timeout: float = 60, memory: int | None = ADDRESS_SPACE) -> subprocess.CompletedProcess:
    """The CLI in a child process with an address-space limit and a timeout: an abort, a hang or
    unbounded memory fails the test, never the test run."""
    import resource
    import sys

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


def computed(risk) -> int | None:
    """Impact × likelihood, worked out here independently of riskbook's scheme."""
    if risk.impact is None or risk.likelihood is None:
        return None
    return risk.impact * risk.likelihood
