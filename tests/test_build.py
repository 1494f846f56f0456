"""The panel workbook, opened and checked as the panel would see it."""

import zipfile
from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner

from riskbook import build_workbook, read_register, validate
from riskbook.cli import cli
from tests.cards import card_fields
from tests.helpers import (
    AS_OF,
    CLEAN_EXAMPLE,
    EXAMPLES,
    HEADER,
    PUBLISHED_EXAMPLE,
    computed,
    contrast,
    risk_row,
    sha256,
)

APRIL = EXAMPLES / "force-risk-register-apr-2024.xlsx"
SHEETS = [
    "Cover",
    "Contents",
    "Summary",
    "Appendix A",
    "Matrix",
    "Appendix B",
    "Appendices C, D",  # empty appendices share a page
    "Appendix E",
    "Appendix F",
]


def build(tmp_path, source=CLEAN_EXAMPLE, name="panel.xlsx", *args):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(out), "--as-of", "2024-01-16", *args])
    return result, out


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    result, out = build(tmp_path_factory.mktemp("panel"), CLEAN_EXAMPLE, "panel.xlsx", "--title", "Force Risk Register")
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def values(panel):
    return openpyxl.load_workbook(panel[0], data_only=True)


@pytest.fixture(scope="module")
def formulas(panel):
    return openpyxl.load_workbook(panel[0])


def table_rows(ws, first_row=5):
    rows = []
    for row in ws.iter_rows(min_row=first_row, values_only=True):
        if row[0] is None:
            break
        rows.append(row)
    return rows


@pytest.mark.slow
def test_cli_reports_where_it_wrote_and_the_summary(panel):
    out, output = panel
    lines = output.strip().splitlines()
    assert lines == [f"Wrote {out}", "30 risks · 15 High · 6 proposed for archive · 0 score changes · 0 new"]


@pytest.mark.slow
def test_sheet_names_and_order(values):
    assert values.sheetnames == SHEETS


def test_every_sheet_has_title_and_description(values):
    for ws in values.worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value
        assert isinstance(ws["A2"].value, str) and len(ws["A2"].value) > 20


def test_appendix_a_lists_every_risk_sorted(values):
    register = read_register(CLEAN_EXAMPLE)
    rows = table_rows(values["Appendix A"])
    assert len(rows) == 30
    assert values["Appendix A"]["A4"].value == "Reference"
    assert [c.value for c in values["Appendix A"][4]][:10] == [
        "Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "First Recorded", "Last Review",
        "Current/ Proposed Score", "Rating",
    ]  # fmt: skip
    expected = sorted(register.risks, key=lambda r: (-computed(r), -r.impact, r.reference))
    assert [r[0] for r in rows] == [r.reference for r in expected]
    scores = [r[8] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_summary_counts_match_counts_computed_here(values, formulas):
    register = read_register(CLEAN_EXAMPLE)
    scores = [computed(r) for r in register.risks]
    expected = {
        "Current risks on the register": 30,
        "High risks (scores 9–16)": sum(s >= 9 for s in scores),
        "Medium risks (scores 5–8)": sum(5 <= s <= 8 for s in scores),
        "Low risks (scores 1–4)": sum(s <= 4 for s in scores),
        "Proposed for archive": sum("Archive" in (r.get("proposal") or "") for r in register.risks),
        "Changes in risk score": sum(r.previous_score != computed(r) for r in register.risks),
        "New risks": 0,
        "High risks not in Appendices B–D": 12,
        "Risks with no narrative recorded this period": 1,  # STR0454: every narrative field blank
    }
    got = {row[0]: row[1] for row in table_rows(values["Summary"])}
    assert got == expected
    assert expected["High risks (scores 9–16)"] == 15 and expected["Proposed for archive"] == 6
    cell = formulas["Summary"]["B6"]
    assert cell.data_type == "f" and "COUNTIF('Appendix A'!$J$5:$J$34" in cell.value


def test_matrix_matches_the_rows_and_the_papers_grid(values, formulas):
    ws = values["Matrix"]
    grid = {row[0]: row[1:6] for row in ws.iter_rows(min_row=5, max_row=9, max_col=6, values_only=True)}
    # The paper's own grid, which the corrected register reproduces.
    assert grid["Very High"] == (0, 0, 0, 6, 6)
    assert grid["High"] == (0, 0, 3, 6, 9)
    assert grid["Medium"] == (0, 0, 6, 5, 11)
    assert grid["Low"] == (0, 0, 1, 3, 4)
    assert grid["Total"] == (0, 0, 10, 20, 30)
    register = read_register(CLEAN_EXAMPLE)
    cells = Counter((r.likelihood, r.impact) for r in register.risks)
    assert grid["High"][2] == cells[(3, 3)]
    assert "COUNTIFS" in formulas["Matrix"]["E5"].value
    assert [c.value for c in ws[12]][:5] == ["Likelihood \\ Impact", "Low", "Medium", "High", "Very High"]
    refs = values["Matrix"]["E14"].value  # High likelihood × Very High impact, with the band's word
    assert refs.startswith("High: ")
    assert sorted(refs.removeprefix("High: ").split(", ")) == sorted(
        r.reference for r in register.risks if (r.likelihood, r.impact) == (3, 4)
    )
    assert values["Matrix"]["B13"].value == "Low: no risks"


def card_references(ws):
    """The risk of each card: its heading's reference (continuation headings left out)."""
    return [
        a
        for a, b in ws.iter_rows(min_col=1, max_col=2, values_only=True)
        if isinstance(a, str) and a.startswith("STR") and not str(b).endswith("(continued)")
    ]


def test_appendix_membership(values):
    assert card_references(values["Appendix B"]) == ["STR0423", "STR0386", "STR0127", "STR0016", "STR0422", "STR0445"]
    empty = [row for row in values["Appendices C, D"].iter_rows(min_row=5, max_col=2, values_only=True) if row[0]]
    assert empty == [
        ("Appendix C", "No risk has changed score this period."),
        ("Appendix D", "No risk is new this period."),
    ]
    high = card_references(values["Appendix E"])
    assert len(high) == 12 and "STR0454" in high and "STR0423" not in high


def test_cards_hold_the_narrative_whole(values):
    rows = table_rows(values["Appendix B"])
    ws = values["Appendix B"]
    (table, *_) = ws.tables.values()
    assert [c.name for c in table.tableColumns] == ["Field", "Value"] and not table.headerRowCount
    assert table.ref == "A5:B11"  # the card's rows, below its heading (A4: reference, B4: title)
    first_card = next(n for n, row in enumerate(rows) if n and str(row[0]).startswith("STR"))
    fields = card_fields(row[:2] for row in rows[:first_card])
    assert fields["Responsible Officer"] == "Nigel Rixon"
    assert fields["Rating"] == "16 · High" and fields["Previous"] == "16 · High"
    assert fields["Impact"] == "Very High (4)" and fields["Likelihood"] == "Very High (4)"
    assert fields["Information"].startswith("On the 12th August 2021 a licensed shotgun certificate holder")
    assert "• Forces to ensure they only delegate decision making" in fields["Information"]
    assert "<p>" not in fields["Information"]


def test_conditional_formats_follow_the_score(formulas):
    ws = formulas["Appendix A"]
    rules = [(str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules]
    assert ("I5:J34", "AND($I5>=9,$I5<=16)") in rules
    assert ("I5:J34", "AND($I5>=5,$I5<=8)") in rules
    # Impact and likelihood (D, E) never take a band's colour: only the score and rating do.
    assert not any("D" in ref.split(":")[0] for ref, formula in rules if formula.startswith("AND($I5"))
    assert ("A5:H34", 'OR($M5="Proposed archive",$M5="Archived")') in rules
    assert ("A5:H34", '$M5="New"') in rules
    fills = {
        rule.formula[0]: rule.dxf.fill.bgColor.rgb
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if cf.sqref == "I5:J34"
    }
    assert fills["AND($I5>=9,$I5<=16)"].endswith("C00000")


def test_appendix_a_is_an_excel_table_with_frozen_header(formulas):
    ws = formulas["Appendix A"]
    assert list(ws.tables) == ["AppendixA"]
    assert ws.tables["AppendixA"].ref == "A4:M34"
    assert ws.freeze_panes == "B5"
    assert ws["J5"].value.startswith("=IF(I5>=9") and ws["L5"].data_type == "f"


def test_stored_formula_values_are_right(values):
    ws = values["Appendix A"]
    for row in table_rows(ws):
        score, band = row[8], row[9]
        assert band == ("High" if score >= 9 else "Medium" if score >= 5 else "Low")


def test_print_setup_and_marking(panel, formulas):
    for ws in formulas.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        # Printed at the scale its columns were designed for, never shrunk to fit: 10 pt type at 90 % or more.
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage), ws.title
        scale = ws.page_setup.scale or 100  # 100 % is left unsaid
        assert 90 <= scale <= 100, (ws.title, scale)
        widths = [d.width for d in ws.column_dimensions.values() if d.width and d.min]
        printable = (841.9 - 72 * (ws.page_margins.left + ws.page_margins.right)) * 100 / scale
        assert sum(7 * (w - 0.71) + 5 for w in widths if w) <= printable, ws.title
        assert "OFFICIAL" in ws.oddHeader.center.text and "OFFICIAL" in ws.oddFooter.center.text
        assert ws.oddFooter.right.text == "Page &P of &N"
        assert ws.oddHeader.left.text == "Force Risk Register"
    assert formulas["Appendix A"].print_title_rows == "$4:$4"
    props = formulas.properties
    assert props.title == "Force Risk Register" and props.subject == "Risk register as at 16 January 2024"
    assert props.created.date().isoformat() == "2024-01-16"
    with zipfile.ZipFile(panel[0]) as zf:
        assert "<Company>Risk unit</Company>" in zf.read("docProps/app.xml").decode()


@pytest.mark.slow
def test_text_that_looks_like_a_formula_stays_text(make_register, tmp_path):
    path = make_register(
        [risk_row(title='=HYPERLINK("http://x","click")', owner="+44 owner", status="Controls Tasked")]
    )
    result, out = build(tmp_path, path, "f.xlsx", "--title", "=1+1", "--marking", "@OFFICIAL & SENSITIVE")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    row = table_rows(wb["Appendix A"])[0]
    assert row[2] == '=HYPERLINK("http://x","click")' and wb["Appendix A"]["C5"].data_type == "s"
    assert wb["Appendix A"]["B5"].data_type == "s"
    assert wb["Contents"]["A1"].data_type == "s" and wb["Contents"]["A1"].value.startswith("=1+1")
    assert wb["Appendix A"].oddHeader.left.text == "=1+1"
    assert "@OFFICIAL && SENSITIVE" in wb["Appendix A"].oddHeader.center.text
    card = {r[0]: r[1] for r in wb["Appendix E"].iter_rows(min_row=4, max_row=4, values_only=True)}
    assert card == {"STR0001": '=HYPERLINK("http://x","click")'}
    assert wb["Appendix E"]["B4"].data_type == "s"


@pytest.mark.slow
def test_text_longer_than_a_cell_is_continued_never_cut(tmp_path):
    long_update = " ".join(f"word{i}" for i in range(9_000))  # ~ 80,000 characters
    path = tmp_path / "long.csv"
    header = [*HEADER, "Update"]
    path.write_text(",".join(header) + "\n" + ",".join(str(v) for v in risk_row()) + f",{long_update}\n")
    result, out = build(tmp_path, path, "long.xlsx")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Appendix E"]
    parts = [(r[0], r[1]) for r in ws.iter_rows(min_row=5, values_only=True) if r[0] and r[0].startswith("Update")]
    assert len(parts) > 2 and parts[0][0].startswith("Update (part 1 of ")
    assert all(len(text) <= 32_767 for _, text in parts)
    assert " ".join(text.replace("\n", " ") for _, text in parts).split() == long_update.split()


def test_errors_stop_the_build_and_nothing_is_written(tmp_path):
    result, out = build(tmp_path, PUBLISHED_EXAMPLE)
    assert result.exit_code == 1
    assert "score-mismatch" in result.output and "30 risks · 3 errors · 3 warnings" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_warnings_are_printed_and_the_build_goes_on(make_register, tmp_path):
    result, out = build(tmp_path, make_register([risk_row(status="Controls tasked")]), "w.xlsx")
    assert result.exit_code == 0
    assert "status-variant" in result.output and out.exists()


def test_never_writes_over_the_input(tmp_path):
    copy = tmp_path / "register.xlsx"
    copy.write_bytes(CLEAN_EXAMPLE.read_bytes())
    before = sha256(copy)
    result = CliRunner().invoke(cli, ["build", str(copy), "-o", str(copy), "--as-of", "2024-01-16"])
    assert result.exit_code == 2 and "is the input file" in result.output
    assert sha256(copy) == before


@pytest.mark.slow
def test_a_failed_build_keeps_the_earlier_output(tmp_path, monkeypatch):
    first, out = build(tmp_path)
    assert first.exit_code == 0
    before = sha256(out)
    from riskbook.outputs.panel import matrix as sheets

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sheets, "write_matrix", explode)
    with pytest.raises(KeyboardInterrupt):
        build_workbook(validate(read_register(CLEAN_EXAMPLE), as_of=AS_OF), out)
    assert sha256(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["panel.xlsx"]


@pytest.mark.slow
def test_previous_period_finds_archived_changed_and_new(tmp_path):
    out = tmp_path / "apr.xlsx"
    result = CliRunner().invoke(
        cli, ["build", str(APRIL), "--previous", str(CLEAN_EXAMPLE), "-o", str(out), "--as-of", "2024-04-30"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "25 risks · 13 High · 6 archived or proposed for archive · 1 score change · 1 new"
    )
    wb = openpyxl.load_workbook(out, data_only=True)
    assert card_references(wb["Appendix B"]) == ["STR0423", "STR0386", "STR0127", "STR0016", "STR0422", "STR0445"]
    assert card_references(wb["Appendix C"]) == ["STR0292"]
    change = card_fields(wb["Appendix C"].iter_rows(min_row=5, max_row=40, max_col=2, values_only=True))
    assert change["Change"] == "12 → 16 (up)" and change["Rating"] == "16 · High"
    assert card_references(wb["Appendix D"]) == ["STR0460"]
    rows = table_rows(wb["Appendix A"])
    assert len(rows) == 25 and "Archived" not in [r[12] for r in rows]
    assert {r[0]: r[11] for r in rows}["STR0292"] == "Up"
    assert wb["Appendix A"]["A2"].value.startswith("The 25 current risks, highest score first")
    assert "below, the 6 archived since the last period" in wb["Appendix A"]["A2"].value


@pytest.mark.slow
def test_cards_the_last_panel_saw_are_one_row_each_unless_all_are_asked_for(tmp_path):
    """April archives the six risks January proposed: January's paper printed their cards."""
    args = ["build", str(APRIL), "--previous", str(CLEAN_EXAMPLE), "--as-of", "2024-04-30"]
    out = tmp_path / "apr.xlsx"
    assert CliRunner().invoke(cli, [*args, "-o", str(out)]).exit_code == 0
    ws = openpyxl.load_workbook(out, data_only=True)["Appendix B"]
    rows = list(ws.iter_rows(min_row=4, max_col=2, values_only=True))
    assert rows[0][0].startswith("Archived as proposed at the last panel, unchanged since")
    assert rows[1] == ("Reference", "Risk")
    assert [r[0] for r in rows[2:8]] == ["STR0423", "STR0386", "STR0127", "STR0016", "STR0422", "STR0445"]
    assert "rating when archived 16 · High" in rows[2][1]
    assert not any(r[0] == "Field" for r in rows)  # no full card
    full = tmp_path / "all.xlsx"
    assert CliRunner().invoke(cli, [*args, "-o", str(full), "--cards", "all"]).exit_code == 0
    ws = openpyxl.load_workbook(full, data_only=True)["Appendix B"]
    cards = card_fields(ws.iter_rows(min_row=5, max_row=12, max_col=2, values_only=True))
    assert cards["Rating when archived"] == "Rating when archived" and cards["Rating"] == "16 · High"


@pytest.mark.slow
def test_archived_risks_are_listed_apart_and_counted_apart(tmp_path):
    out = tmp_path / "apr.xlsx"
    result = CliRunner().invoke(
        cli, ["build", str(APRIL), "--previous", str(CLEAN_EXAMPLE), "-o", str(out), "--as-of", "2024-04-30"]
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, data_only=True)
    ws = wb["Appendix A"]
    heading = next(r for r in range(30, 40) if str(ws.cell(r, 1).value).startswith("Archived since the last period"))
    assert ws.cell(heading, 1).value.startswith("Archived since the last period: 6 risks")
    # No second header under the heading: the archived rows share the columns of the header that
    # repeats at the top of every printed page (a header there read as a table that had ended).
    archived = table_rows(ws, heading + 1)
    assert [r[0] for r in archived] == ["STR0423", "STR0386", "STR0127", "STR0016", "STR0422", "STR0445"]
    assert {r[12] for r in archived} == {"Archived"}
    tables = openpyxl.load_workbook(out)["Appendix A"].tables
    assert list(tables) == ["AppendixA", "ArchivedRisks"]
    assert (
        tables["ArchivedRisks"].ref == f"A{heading + 1}:M{heading + 6}" and not tables["ArchivedRisks"].headerRowCount
    )
    counts = {row[0]: row[1] for row in table_rows(wb["Summary"])}
    assert counts["Current risks on the register"] == 25 and counts["Archived since the last period"] == 6
    assert counts["Proposed for archive"] == 0


@pytest.mark.slow
def test_previous_score_that_contradicts_last_period_is_a_finding(make_register, tmp_path):
    last = make_register([risk_row("STR0001", score=12)])
    now = make_register([risk_row("STR0001", score=12, previous=9)])
    out = tmp_path / "p.xlsx"
    result = CliRunner().invoke(
        cli, ["build", str(now), "--previous", str(last), "-o", str(out), "--as-of", "2024-01-16"]
    )
    assert result.exit_code == 0
    assert "previous score 9 contradicts last period's file, which states 12 at [register-0.xlsx]Register!I2" in (
        result.output
    )


@pytest.mark.slow
def test_since_marks_recent_risks_new(make_register, tmp_path):
    path = make_register([risk_row("STR0001", first="10/01/2024"), risk_row("STR0002", first="Dec 2023")])
    result, out = build(tmp_path, path, "s.xlsx", "--since", "2023-12-31")
    assert result.output.strip().splitlines()[-1].endswith("· 1 new")
    assert card_references(openpyxl.load_workbook(out)["Appendix D"]) == ["STR0001"]


def test_five_by_five_scheme_builds(tmp_path, make_register):
    from pathlib import Path

    five = Path(__file__).resolve().parent.parent / "workbook_templates" / "scheme-5x5.toml"
    path = make_register(
        [["RSK-001", "Owner", "Title", "Very High", "Very High", "Managed", "Jan 2024", "10/01/2024", 25, 20]]
    )
    result, out = build(tmp_path, path, "five.xlsx", "--scheme", str(five))
    assert result.exit_code == 0, result.output
    assert "1 risk · 1 Very High · 0 proposed for archive · 1 score change · 0 new" in result.output
    wb = openpyxl.load_workbook(out, data_only=True)
    grid = [row for row in wb["Matrix"].iter_rows(min_row=4, max_row=10, max_col=7, values_only=True)]
    assert grid[0] == ("Likelihood \\ Impact", "Very Low", "Low", "Medium", "High", "Very High", "Total")
    assert grid[1] == ("Very High", 0, 0, 0, 0, 1, 1)


def test_accessible_structure(formulas):
    contents = formulas["Contents"]
    links = {c.hyperlink.location for c in contents["A"] if c.hyperlink}
    assert links == {f"'{name}'!A1" for name in SHEETS}
    for ws in formulas.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                if isinstance(fill, str) and cell.value is not None:
                    font = (
                        cell.font.color.rgb
                        if cell.font.color is not None and isinstance(cell.font.color.rgb, str)
                        else "FF000000"
                    )
                    assert contrast(fill, font) >= 4.5, (ws.title, cell.coordinate, fill, font)
    for cf_range in formulas["Appendix A"].conditional_formatting:
        for rule in cf_range.rules:
            fill, font = (
                rule.dxf.fill.bgColor.rgb,
                rule.dxf.font.color.rgb if rule.dxf.font and rule.dxf.font.color else "FF000000",
            )
            assert contrast(fill, font) >= 4.5
