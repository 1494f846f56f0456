"""Issue 25 Low: a register of 1,200 High risks printed 1,143 pages (a page break before each of the first
1,023 cards of Appendix E's one Reference / Field / Value table). Its cards flow several to a page as a
panel's cards do; a page breaks before a card only when the foot of a page cannot hold its opening rows."""

from __future__ import annotations

import subprocess
import time

import openpyxl
import pytest

from tests.helpers import soffice
from tests.hostile import settings_files
from tests.hostile.measured import assert_well_behaved, run_measured

CARDS = 1_200


@pytest.fixture(scope="module")
def many_high(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many-high")
    source = settings_files.many_high_risks_register(folder / "high.xlsx", CARDS)
    out = folder / "panel.xlsx"
    run = run_measured("build", source, "-o", out, "--as-of", "2024-01-16")
    assert_well_behaved(run, source)
    assert run.returncode == 0, run.stderr
    return source, out


def card_starts(sheet) -> list[int]:
    return [row[0].row for row in sheet.iter_rows(min_row=5, max_col=2) if row[1].value == "Title"]


def test_appendix_e_breaks_a_page_only_where_a_card_would_not_fit(many_high):
    _, out = many_high
    sheet = openpyxl.load_workbook(out)["Appendix E"]
    starts = card_starts(sheet)
    assert len(starts) == CARDS
    breaks = [brk.id for brk in sheet.row_breaks.brk]  # openpyxl: the break is after row id
    assert set(breaks) <= {start - 1 for start in starts}  # only between cards
    assert len(breaks) < CARDS / 5, len(breaks)  # several short cards to a page


@pytest.mark.slow
@pytest.mark.libreoffice
def test_twelve_hundred_high_risks_print_in_pages_a_panel_can_hold(many_high, tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    source, _ = many_high
    pdf = tmp_path / "paper.pdf"
    started = time.monotonic()
    run = run_measured(
        "build", source, "-o", tmp_path / "panel.xlsx", "--pdf", pdf, "--as-of", "2024-01-16", timeout=300
    )
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages < 300, pages  # was 1,117: a page for each of the first 1,023 cards
    assert seconds < 30, seconds
