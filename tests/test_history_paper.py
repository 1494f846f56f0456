"""The paper with a history (issue 21): direction of travel and trails in Appendix A, on the Matrix and the
cards, what moved on the Cover, and the Trend sheet with its chart, built from a year of quarters."""

from __future__ import annotations

import re
import shutil
import zipfile

import openpyxl
import pytest

from riskbook.scheme.load import load_scheme
from tests.helpers import convert_with_libreoffice, recalculation_mismatches, run_cli
from tests.history_quarters import AS_OF, write_quarters

SAME = "→ No change"
FOUR = {score: f"{score} → {score} → {score} → {score}" for score in (4, 6, 8, 9, 12, 16)}
# Appendix A's current risks: reference -> (Change, Trail), as the October paper must show them.
EXPECTED = {
    "STR0278": (SAME, FOUR[16]),
    "STR0292": (SAME, "12 → 16 → 16 → 16"),
    "STR0449": (SAME, FOUR[16]),
    "STR0454": (SAME, FOUR[16]),
    "STR0459": (SAME, FOUR[16]),
    "STR0460": ("↑ Up", "9 → 12 → 16"),
    "STR0081": ("↓ Down", "16 → 16 → 16 → 12"),
    "STR0307": (SAME, FOUR[12]),
    "STR0339": (SAME, FOUR[12]),
    "STR0350": (SAME, FOUR[12]),
    "STR0411": (SAME, FOUR[12]),
    "STR0383": (SAME, FOUR[9]),
    "STR1679": (SAME, FOUR[9]),
    "STR0257": (SAME, FOUR[8]),
    "STR0421": (SAME, FOUR[8]),
    "STR0448": (SAME, FOUR[8]),
    "STR0450": (SAME, FOUR[8]),
    "STR0228": (SAME, FOUR[6]),
    "STR0291": (SAME, FOUR[6]),
    "STR0380": (SAME, FOUR[6]),
    "STR0443": (SAME, FOUR[6]),
    "STR0457": (SAME, FOUR[6]),
    "STR0470": ("New", "6"),
    "STR0418": (SAME, FOUR[4]),
}
TREND = [
    ("31 Jan 2024", 15, 11, 4, 30, "Not known", "Not known"),
    ("30 Apr 2024", 13, 10, 2, 25, 1, 6),
    ("31 Jul 2024", 13, 9, 2, 24, 0, 1),
    ("31 Oct 2024", 13, 10, 1, 24, 1, 1),
]


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """The October paper, built with the three earlier quarters in a history folder beside it."""
    folder = tmp_path_factory.mktemp("registers")
    quarters = write_quarters(folder)
    out = tmp_path_factory.mktemp("paper") / "october.xlsx"
    result = run_cli("build", quarters["oct"], "--history", folder, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "Periods, oldest first:" in result.stderr
    return out


def _rows(sheet, first: int, columns: int):
    return [row[:columns] for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_appendix_a_shows_each_risks_direction_of_travel_and_trail(paper):
    values = openpyxl.load_workbook(paper, data_only=True)["Appendix A"]
    assert [c.value for c in values[4]][11:14] == ["Change", "Proposal", "Trail (last 4 periods)"]
    current = {row[0]: (row[11], row[13]) for row in values.iter_rows(min_row=5, max_row=28, values_only=True)}
    assert current == EXPECTED
    archived = next(row for row in values.iter_rows(min_row=29, values_only=True) if row[0] == "STR0419")
    assert (archived[11], archived[12], archived[13]) == (SAME, "Archived", "4 → 4 → 4")


def test_appendix_a_change_is_a_formula_giving_the_arrow_and_the_word(paper):
    formulas = openpyxl.load_workbook(paper)["Appendix A"]
    assert formulas["L5"].value == (
        '=IF(ISNUMBER(K5),IF(I5>K5,"↑ Up",IF(I5<K5,"↓ Down","→ No change")),IF(M5="New","New","Not recorded"))'
    )


def test_the_matrix_lists_each_cells_references_with_their_arrows(paper):
    grid = openpyxl.load_workbook(paper, data_only=True)["Matrix"]
    texts = [cell for row in grid.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert (
        "High: STR0278 → No change, STR0292 → No change, STR0449 → No change, STR0454 → No change, "
        "STR0459 → No change, STR0460 ↑ Up"
    ) in texts
    assert "High: STR0081 ↓ Down, STR0307 → No change, STR0339 → No change, STR0350 → No change, " in " ".join(texts)
    assert any(text.endswith("STR0457 → No change, STR0470 New") for text in texts)


def test_the_cover_names_the_periods_compared(paper):
    details = {row[0]: row[1] for row in openpyxl.load_workbook(paper)["Cover"].iter_rows(values_only=True)}
    assert details["Period covered"] == (
        "Since the last panel: this register compared with last period's (force-register-jul-2024.xlsx); "
        "the 2 periods before it in the trails and the Trend sheet."
    )


def test_the_cover_says_what_moved_as_formulas_over_appendix_a(paper):
    formulas = {
        row[0].value: row[1].value for row in openpyxl.load_workbook(paper)["Cover"].iter_rows() if row[0].value
    }
    values = {
        row[0]: row[1] for row in openpyxl.load_workbook(paper, data_only=True)["Cover"].iter_rows(values_only=True)
    }
    moved = next(key for key, text in values.items() if str(text).startswith("1 risk moved up"))
    assert values[moved].startswith("1 risk moved up, 1 moved down since the last panel")
    assert "COUNTIF('Appendix A'!$L$5:$L$28,\"↑ Up\")" in formulas[moved]
    assert "COUNTIF('Appendix A'!$L$5:$L$28,\"↓ Down\")" in formulas[moved]


def test_the_cards_show_the_direction_and_the_whole_trail(paper):
    book = openpyxl.load_workbook(paper, data_only=True)
    lines = [row[1] for name in ("Appendix C", "Appendix D") for row in book[name].iter_rows(values_only=True)]
    text = "\n".join(str(line) for line in lines)
    assert "Change: 12 → 16 (up); Direction of travel: ↑ Up; Trail, oldest first: 9 → 12 → 16" in text
    assert "Direction of travel: ↓ Down; Trail, oldest first: 16 → 16 → 16 → 12" in text
    assert "Previous: New; Direction of travel: New; Trail, oldest first: 6; Proposal: New" in text


def test_the_trend_table_counts_each_period_and_this_periods_row_is_formulas(paper):
    values = openpyxl.load_workbook(paper, data_only=True)["Trend"]
    formulas = openpyxl.load_workbook(paper)["Trend"]
    assert [c.value for c in values[4]][:7] == ["Period", "High", "Medium", "Low", "Total", "New", "Archived"]
    assert _rows(values, 5, 7)[:4] == TREND
    assert [formulas.cell(r, 5).value for r in range(5, 9)] == [f"=SUM(B{r}:D{r})" for r in range(5, 9)]
    assert formulas["B8"].value == "=COUNTIF('Appendix A'!$J$5:$J$28,\"=High\")"
    assert formulas["F8"].value == "=COUNTIF('Appendix A'!$M$5:$M$28,\"New\")"


def test_the_trend_chart_is_a_stacked_column_per_band_in_its_colour_drawn_from_the_table(paper):
    with zipfile.ZipFile(paper) as package:
        chart = package.read("xl/charts/chart1.xml").decode()
        drawing = package.read("xl/drawings/drawing1.xml").decode()
    assert '<c:barDir val="col"/><c:grouping val="stacked"/>' in chart
    series = re.findall(r"<c:ser>(.*?)</c:ser>", chart)
    scheme = load_scheme("workbook_templates/scheme-4x4.toml")
    assert len(series) == len(scheme.bands) == 3
    for ser, band, col in zip(series, scheme.bands, "BCD", strict=True):
        assert f"<c:tx><c:strRef><c:f>Trend!${col}$4</c:f>" in ser
        assert "<c:cat><c:strRef><c:f>Trend!$A$5:$A$8</c:f>" in ser
        assert f"<c:val><c:numRef><c:f>Trend!${col}$5:${col}$8</c:f>" in ser
        assert f'<a:solidFill><a:srgbClr val="{band.fill.lstrip("#").upper()}"/>' in ser
        cached = [int(v) for v in re.findall(r"<c:v>(\d+)</c:v>", ser.split("<c:val>")[1])]
        assert cached == [row[1 + scheme.bands.index(band)] for row in TREND]
    assert (
        'descr="Stacked column chart of the risks in each band (High, Medium, Low) at each of 4 periods, oldest '
        "first, from the table above. 31 Jan 2024: 15 High, 11 Medium, 4 Low;"
    ) in drawing


def test_the_trend_sheet_prints_on_one_page(paper):
    sheet = openpyxl.load_workbook(paper)["Trend"]
    # OOXML's default for fitToWidth and fitToHeight is 1, which xlsxwriter leaves out
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight or 1) == (1, 1)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_area is not None


def test_one_previous_alone_leaves_the_paper_as_it_was(paper, tmp_path):
    folder = paper.parent.parent
    quarters = write_quarters(tmp_path / "q")
    out = tmp_path / "one.xlsx"
    assert run_cli("build", quarters["oct"], "--previous", quarters["jul"], "-o", out, "--as-of", AS_OF).exit_code == 0
    book = openpyxl.load_workbook(out, data_only=True)
    assert "Trend" not in book.sheetnames and folder.exists()
    assert [c.value for c in book["Appendix A"][4]][-2:] == ["Change", "Proposal"]
    changes = {row[0]: row[11] for row in book["Appendix A"].iter_rows(min_row=5, max_row=28, values_only=True)}
    assert (changes["STR0460"], changes["STR0081"], changes["STR0278"]) == ("Up", "Down", "No change")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_recalculates_every_formula_to_its_stored_value(paper, tmp_path, recalc_profile):
    assert recalculation_mismatches(paper, tmp_path / "lo", recalc_profile) == []


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_trend_sheet_prints_its_table_and_chart_on_one_page(paper, tmp_path, recalc_profile):
    import subprocess

    pdf = convert_with_libreoffice(paper, "pdf", tmp_path, recalc_profile)
    pages = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True)
    trend = [page for page in pages.stdout.split("\f") if "Trend: the risks in each band" in page]
    assert len(trend) == 1
    assert "Risks in each band, by period" in trend[0] and "31 Oct 2024" in trend[0]
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_the_summary_counts_what_moved_and_its_legend_shows_the_arrows(paper):
    summary = openpyxl.load_workbook(paper, data_only=True)["Summary"]
    rows = {row[0]: row[1:3] for row in summary.iter_rows(values_only=True) if row[0]}
    assert rows["Risks whose score moved up (↑) since the last period"] == (1, "Appendix A, Matrix")
    assert rows["Risks whose score moved down (↓) since the last period"] == (1, "Appendix A, Matrix")
    assert rows["Change: ↑ Up / ↓ Down"] == ("Proposed change to risk score", "↑ Up / ↓ Down")
    key = openpyxl.load_workbook(paper)["Appendix A"]
    assert "Change: ↑ Up / ↓ Down" in [cell.value for cell in key[3]]
