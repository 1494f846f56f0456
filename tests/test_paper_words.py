"""The paper in the organisation's words, and colours with one meaning each."""

import colorsys
from pathlib import Path

import openpyxl
import pytest

from riskbook.outputs.panel import layout as L
from riskbook.scheme.load import load_scheme
from tests.cards import card_fields
from tests.helpers import CLEAN_EXAMPLE, EXAMPLES, HEADER, risk_row, run_cli, write_xlsx

APRIL = EXAMPLES / "force-risk-register-apr-2024.xlsx"
TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates"


run = run_cli  # the one CLI runner, tests/helpers.py


def rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")[-6:]
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def hue_and_saturation(colour: str) -> tuple[float, float]:
    h, _l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour)))
    return h * 360, s


def hue_apart(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


@pytest.mark.parametrize("scheme", sorted(p.name for p in TEMPLATES.glob("scheme-*.toml")))
def test_no_highlight_looks_like_a_band(scheme):
    bands = load_scheme(TEMPLATES / scheme).bands
    for key, _meaning, fill in L.HIGHLIGHTS:
        hue, saturation = hue_and_saturation(fill)
        if saturation < 0.1:  # grey: no band is grey
            continue
        for band in bands:
            band_hue, _ = hue_and_saturation(band.fill)
            assert hue_apart(hue, band_hue) > 40, (key, fill, band.name, band.fill)
    fills = [fill for _, _, fill in L.HIGHLIGHTS]
    assert len(set(fills)) == len(fills)


def test_new_and_unknown_previous_scores_say_so_in_change(tmp_path):
    out = tmp_path / "apr.xlsx"
    assert run("build", APRIL, "--previous", CLEAN_EXAMPLE, "--as-of", "2024-04-30", "-o", out).exit_code == 0
    wb = openpyxl.load_workbook(out, data_only=True)
    rows = {r[0]: r for r in wb["Appendix A"].iter_rows(min_row=5, max_row=29, values_only=True)}
    assert rows["STR0460"][11] == "New" and rows["STR0460"][12] == "New"
    assert rows["STR0292"][11] == "Up"
    card = card_fields(wb["Appendix D"].iter_rows(min_row=4, max_col=2, values_only=True))
    assert card["Previous"] == "New"
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert summary["High risks not in Appendices B–D"] == 11


def test_a_register_without_previous_scores_never_says_no_change(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row("STR0001", previous=None)])
    out = tmp_path / "p.xlsx"
    assert run("build", path, "-o", out, "--as-of", "2024-01-16").exit_code == 0
    wb = openpyxl.load_workbook(out, data_only=True)
    assert wb["Appendix A"]["L5"].value == "Not recorded"
    card = card_fields(wb["Appendix E"].iter_rows(min_row=4, max_col=2, values_only=True))
    assert card["Previous"] == "Not recorded"
    # The High risk with no known previous score is still Appendix E's, and counted there.
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert summary["High risks not in Appendices B–D"] == 1


def test_a_band_of_one_score_is_written_as_one_score(tmp_path):
    out = tmp_path / "p.xlsx"
    register = EXAMPLES / "project-risk-register.xlsx"
    result = run("build", register, "--scheme", TEMPLATES / "scheme-3x3.toml", "--as-of", "2024-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, data_only=True)
    measures = [r[0] for r in wb["Summary"].iter_rows(min_row=5, max_col=1, values_only=True) if r[0]]
    assert "High risks (score 3)" in measures and not any("3–3" in m for m in measures)


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_matrix_reference_grid_longer_than_a_page_repeats_its_header_continued(tmp_path):
    rows = [risk_row(f"STR{n:04d}") for n in range(1, 401)]  # all Very High × High: one crowded cell
    rows += [risk_row("STR9001", impact="Low", likelihood="Low", score=1, previous=1)]
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, *rows])
    out = tmp_path / "p.xlsx"
    assert run("build", path, "-o", out, "--as-of", "2024-01-16").exit_code == 0
    ws = openpyxl.load_workbook(out)["Matrix"]
    grids = [ref for name, ref in sorted(ws.tables.items()) if name.startswith("MatrixReferences")]
    assert len(grids) >= 2
    breaks = {b.id for b in ws.row_breaks.brk}
    shown = []
    for number, ref in enumerate(grids):
        first, last = (int(corner.lstrip("ABCDEFGHIJ")) for corner in ref.split(":"))
        heading = ws.cell(first - 1, 1).value
        assert heading.startswith("References in each cell") and heading.endswith("(continued)") == (number > 0)
        assert [c.value for c in ws[first]][:2] == ["Likelihood \\ Impact", "Low"]
        assert first - 2 in breaks  # each part starts a page, under its heading
        shown += [ws.cell(r, 1).value for r in range(first + 1, last + 1)]
    assert shown == ["Very High", "High", "Medium", "Low"]  # every likelihood once, none lost


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_risk_with_no_narrative_says_so_on_its_card_and_is_counted(tmp_path):
    out = tmp_path / "p.xlsx"
    assert run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out, data_only=True)["Appendix E"]
    rows = list(ws.iter_rows(min_row=4, max_col=2, values_only=True))
    start = next(n for n, (a, _) in enumerate(rows) if a == "STR0454")
    end = next(n for n, (a, _) in enumerate(rows) if n > start and str(a).startswith("STR"))
    card = card_fields(rows[start + 1 : end])
    assert card["Narrative"] == "No narrative recorded for this period"
    assert "Information" not in card and "Update" not in card  # not a list of "Not recorded"
    summary = openpyxl.load_workbook(out)["Summary"]
    row = next(r for r in summary.iter_rows(min_row=5, max_col=2) if r[0].value and "no narrative" in r[0].value)
    assert (
        row[1].value
        == "=COUNTIF('Appendix B'!$B:$B,\"No narrative recorded for this period\")+COUNTIF('Appendix E'!$B:$B,\"No narrative recorded for this period\")"
    )
    values = openpyxl.load_workbook(out, data_only=True)["Summary"]
    assert values[row[1].coordinate].value == 1


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_appendix_f_prints_the_lookup_matrix_and_gives_every_word_room(tmp_path):
    out = tmp_path / "p.xlsx"
    register = EXAMPLES / "project-risk-register.xlsx"
    result = run("build", register, "--scheme", TEMPLATES / "scheme-3x3.toml", "--as-of", "2024-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Appendix F"]
    assert "ScoreMatrix" in ws.tables
    first, last = (int(c.lstrip("ABCD")) for c in ws.tables["ScoreMatrix"].ref.split(":"))
    grid = [[c.value for c in row][:4] for row in ws.iter_rows(min_row=first, max_row=last)]
    scheme = load_scheme(TEMPLATES / "scheme-3x3.toml")
    assert grid[0] == ["Impact \\ Likelihood", "Low", "Medium", "High"]
    assert grid[1][1:] == [scheme.score_for(3, n) for n in (1, 2, 3)]
    bands = [r[0] for r in ws.iter_rows(min_row=1, max_col=1, values_only=True)]
    assert "3" in bands and "3–3" not in bands  # a band of one score
    jan = tmp_path / "jan.xlsx"
    assert run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "-o", jan).exit_code == 0
    ws = openpyxl.load_workbook(jan)["Appendix F"]
    header = [c.value for c in ws[4]]
    column = header.index("Confidence / Reputation")
    width = ws.column_dimensions[chr(ord("A") + column)].width
    assert width >= len("stakeholder/investigations/longer") / 1.3  # the longest word on one line


def test_the_nhs_paper_says_consequence_where_its_scheme_does(tmp_path):
    out = tmp_path / "nhs.xlsx"
    register = EXAMPLES / "nhs-risk-register.csv"
    scheme = TEMPLATES / "scheme-nhs-5x5.toml"
    result = run("build", register, "--scheme", scheme, "--as-of", "2024-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb["Appendix A"][4]][3] == "Consequence"
    assert wb["Matrix"]["A1"].value == "Risk matrix: consequence × likelihood"
    assert wb["Matrix"]["A4"].value == "Likelihood \\ Consequence"
    assert wb["Appendix F"]["A3"].value == "Consequence"
    card = card_fields(wb["Appendix E"].iter_rows(min_row=4, max_col=2, values_only=True))
    assert "Consequence" in card and "Impact" not in card
    words = " ".join(
        str(c.value) for ws in wb.worksheets if ws.title != "Appendix F" for row in ws.iter_rows() for c in row
    )
    assert "Impact" not in words and "impact ×" not in words


def test_risks_with_a_status_the_scheme_marks_closed_are_listed_apart_and_not_counted(tmp_path):
    out = tmp_path / "nhs.xlsx"
    register = EXAMPLES / "nhs-risk-register.csv"
    scheme = TEMPLATES / "scheme-nhs-5x5.toml"
    result = run("build", register, "--scheme", scheme, "--as-of", "2024-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("3 risks · 1 Extreme")
    assert result.output.strip().endswith("· 1 closed, listed apart")
    wb = openpyxl.load_workbook(out, data_only=True)
    ws = wb["Appendix A"]
    rows = [[c.value for c in row][:6] for row in ws.iter_rows(min_row=5)]
    assert [r[5] for r in rows[:3]] == ["Open", "Open", "Open"]
    heading = next(n for n, r in enumerate(rows) if str(r[0]).startswith("Closed: 1 risk"))
    assert rows[heading + 1][0] == "1102" and rows[heading + 1][5] == "Closed"
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert summary["Current risks on the register"] == 3
    assert summary["Closed risks (listed apart, not counted as current)"] == 1
    matrix_total = next(r for r in wb["Matrix"].iter_rows(min_row=5, values_only=True) if r[0] == "Total")
    assert matrix_total[-1] == 3
    formula = openpyxl.load_workbook(out)["Summary"]
    cell = next(r[1] for r in formula.iter_rows(min_row=5, max_col=2) if r[0].value and r[0].value.startswith("Closed"))
    assert cell.value == f"=COUNTA('Appendix A'!$A${heading + 6}:$A${heading + 6})"


def test_every_cards_score_and_rating_cell_keeps_its_band_colour(tmp_path):
    """Also where a short field (the Responsible Officer) is printed beside it on the card's first line."""
    out = tmp_path / "panel.xlsx"
    assert run_cli("build", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-01-16").exit_code == 0
    fills = {"High": "C00000", "Medium": "FFC000", "Low": "00B050"}
    book = openpyxl.load_workbook(out)
    chips = [
        (name, cell.coordinate, cell.value.split(" · ")[1], cell.fill.fgColor.rgb)
        for name in book.sheetnames
        if name.startswith("Appendix") and name[9] in "BCDE"
        for row in book[name].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.split(" · ")[-1] in fills and cell.value[:1].isdigit()
    ]
    assert len(chips) >= 10
    wrong = [(sheet, at, band, rgb) for sheet, at, band, rgb in chips if not str(rgb).endswith(fills[band])]
    assert wrong == []


def test_the_summarys_status_rows_are_as_tall_as_their_other_spellings(tmp_path):
    import textwrap

    out = tmp_path / "panel.xlsx"
    assert run_cli("build", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-01-16").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Summary"]
    chars = int(sheet.column_dimensions["C"].width * 1.2)  # Arial 10 prints about 1.2 characters a unit of width
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "Also written as")
    checked = 0
    for row in range(header + 1, sheet.max_row + 1):
        spellings = sheet.cell(row, 3).value
        if spellings:
            lines = len(textwrap.wrap(spellings, chars))
            assert (sheet.row_dimensions[row].height or 15) >= lines * 11, (row, spellings)
            checked += 1
    assert checked >= 4


def test_appendix_a_gives_every_level_word_its_own_line(tmp_path):
    """Impact and likelihood columns as wide as their longest level word ("Insignificant", "Catastrophic")."""
    out = tmp_path / "panel.xlsx"
    scheme = EXAMPLES.parent / "workbook_templates" / "scheme-5x5-words.toml"
    register = EXAMPLES / "iso27001-risk-register.xlsx"
    result = run_cli("build", register, "--scheme", scheme, "-o", out, "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.output
    levels = load_scheme(scheme)
    sheet = openpyxl.load_workbook(out)["Appendix A"]
    for letter, scale in (("D", levels.impact_scale), ("E", levels.likelihood_scale)):
        longest = max(len(word) for label in scale.labels.values() for word in label.split())
        assert sheet.column_dimensions[letter].width >= longest * 0.85 + 1, (letter, longest)
