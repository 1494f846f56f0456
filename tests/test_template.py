"""The register template: guidance as owners type, and a round trip through a real spreadsheet client."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from riskbook import load_scheme, read_register, validate
from riskbook.cli import cli
from riskbook.read.values import PartialDate
from tests.helpers import (
    AS_OF,
    CLEAN_EXAMPLE,
    HEADER,
    PUBLISHED_EXAMPLE,
    convert_with_libreoffice,
    recalculation_mismatches,
    risk_row,
)

FIVE = Path(__file__).resolve().parent.parent / "workbook_templates" / "scheme-5x5.toml"


def make_template(tmp_path, *args, name="template.xlsx"):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["template", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_template(tmp_path_factory.mktemp("template"))


def validations(ws):
    return {
        (dv.type, str(dv.sqref).split()[0].split(":")[0][:1]): dv
        for dv in ws.data_validations.dataValidation
        if dv.type
    }


def test_sheets_headers_and_hidden_lists(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Register", "Instructions", "Lists", "riskbook scheme"]
    assert wb["Lists"].sheet_state == "hidden" and wb["riskbook scheme"].sheet_state == "veryHidden"
    headers = [c.value for c in wb["Register"][1]]
    assert headers[:11] == [
        "Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "First Recorded", "Last Review",
        "Score", "Previous Score", "Next Review",
    ]  # fmt: skip
    assert headers[-1] == "Proposal"
    fields = read_register(template).columns
    for name in ("information", "rationale", "consequence", "existing_controls", "additional_controls", "update",
                 "control_due", "responsible_officer", "category", "current_status", "proposal"):  # fmt: skip
        assert name in fields
    ws = wb["Register"]
    assert ws.freeze_panes == "D2"  # the reference and title stay in view, as they repeat on every printed page
    table = ws.tables["Risks"]
    assert table.ref == "A1:V2"  # the header and one empty row to type the first risk in: no prepared blank rows
    assert table.autoFilter is not None and ws.auto_filter.ref is None
    calculated = {c.name: c.calculatedColumnFormula.attr_text for c in table.tableColumns if c.calculatedColumnFormula}
    assert set(calculated) == {"Score", "Next Review"}
    assert "Risks[[#This Row],[Impact]]" in calculated["Score"]
    assert ws.max_row == 2 and not ws.print_area  # prints the used range: the table, however far it grows


def test_dropdowns_reject_off_list_entries(template):
    ws = openpyxl.load_workbook(template)["Register"]
    lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists["D2"].formula1 == "Lists!$A$2:$A$5"  # Impact: the scheme's labels
    assert lists["E2"].formula1 == "Lists!$B$2:$B$5"  # Likelihood: its own list (one scale here)
    assert lists["F2"].formula1 == "Lists!$C$2:$C$6"  # Status
    assert lists["M2"].formula1.startswith("Lists!$D$2")  # Category
    assert lists["V2"].formula1 == "Lists!$E$2:$E$3"  # Proposal
    for dv in lists.values():
        assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
    lists_ws = openpyxl.load_workbook(template)["Lists"]
    assert [c.value for c in lists_ws["A"]][1:5] == ["Low", "Medium", "High", "Very High"]
    assert [c.value for c in lists_ws["B"]][1:5] == ["Low", "Medium", "High", "Very High"]
    assert [c.value for c in lists_ws["C"]][1:6] == [s.name for s in load_scheme().statuses]
    dates = [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert {str(dv.sqref).split(":")[0] for dv in dates} == {"G2", "H2", "S2"}
    headers = [dv for dv in ws.data_validations.dataValidation if dv.type is None and str(dv.sqref) == "D1"]
    assert headers and "Low, Medium, High, Very High" in headers[0].prompt


def test_score_formula_band_colours_and_overdue_review(template, tmp_path):
    ws = openpyxl.load_workbook(template)["Register"]
    impact, likelihood = "Risks[[#This Row],[Impact]]", "Risks[[#This Row],[Likelihood]]"
    score = ws["I2"].value
    assert score.startswith(
        f'=IFERROR(IF(OR({impact}="",{likelihood}=""),"",IFERROR(MATCH(TRIM({impact}),Lists!$A$2:$A$5,0)'
    )
    assert f"IFERROR(MATCH(TRIM({likelihood}),Lists!$B$2:$B$5,0)," in score and f"VALUE({impact})<=4" in score
    due = ws["K2"].value
    last, score = "Risks[[#This Row],[Last Review]]", "Risks[[#This Row],[Score]]"
    assert due == (
        f'=IF(OR({last}="",{score}=""),"",IF(ISNUMBER({last}),EDATE({last},3),"Check date"))'
    )  # one date read (month-only dates are made real dates on the way in); every 4 × 4 band is reviewed at 3 months
    five = openpyxl.load_workbook(make_template(tmp_path, "--scheme", str(FIVE)))["Register"]["K2"].value
    assert f"EDATE({last},IF({score}>=10,1,IF({score}>=5,3,6)))" in five and len(five) < 300
    rules = {str(cf.sqref).split(":")[0]: [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    assert "AND(ISNUMBER($I2),$I2>=9,$I2<=16)" in rules["I2"]
    assert rules["K2"] == ["AND(ISNUMBER($K2),$K2<TODAY())", '$K2="Check date"']


def test_instructions_come_from_the_scheme(template):
    ws = openpyxl.load_workbook(template)["Instructions"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    scheme = load_scheme()
    for status in scheme.statuses:
        assert status.name in text and status.meaning in text
    for area in scheme.impact_areas:
        assert area.name in text and area.descriptors[4] in text
    assert "High (9–16): every 3 months" in text


def test_empty_template_validates_with_no_risks(template):
    """Its header is read whole; the only finding is that no risk is in it yet (no-risks: nothing to build)."""
    result = CliRunner().invoke(cli, ["validate", str(template), "--as-of", "2024-01-16"])
    assert result.exit_code == 1
    assert "has a header row (row 1) but no risks below it  [no-risks]" in result.output
    assert result.output.strip().endswith("0 risks · 1 error · 0 warnings")


@pytest.mark.slow
def test_prefilled_from_an_existing_register(tmp_path):
    out = make_template(tmp_path, "--from", str(CLEAN_EXAMPLE))
    register = read_register(out)
    original = read_register(CLEAN_EXAMPLE)
    assert [r.reference for r in register.risks] == [r.reference for r in original.risks]
    assert [r.get("information") for r in register.risks] == [r.get("information") for r in original.risks]
    # Month-only "Jan 2024" is written as the month's last day, as validate counts it, its text in a note.
    assert {r.get("last_review") for r in original.risks} == {PartialDate(2024, 1, None)}
    assert {r.get("last_review") for r in register.risks} == {PartialDate(2024, 1, 31)}
    notes = openpyxl.load_workbook(out)["Register"]
    assert notes["H2"].comment.text == "The register said Jan 2024: written as the month's last day, 31/01/2024."
    # Reviewed "Jan 2024" counts as reviewed by 31/01/2024: a day after that, nothing to find (on 16/01 the
    # written date is in the future, which the carry-over's line says).
    assert validate(register, as_of=dt.date(2024, 2, 1)).findings == []
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    assert ws["I2"].value == 16 and ws["J2"].value == dt.datetime(2024, 4, 30)  # Next Review beside the score


@pytest.mark.libreoffice
def test_prefilled_template_recalculates_to_its_stored_values(tmp_path, recalc_profile):
    out = make_template(tmp_path, "--from", str(CLEAN_EXAMPLE))
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(out, outdir, recalc_profile) == []


def test_prefill_keeps_extra_columns_and_text_stays_text(make_register, tmp_path):
    path = make_register([[*risk_row(title="=SUM(1,2)"), "Finance"]], header=[*HEADER, "Directorate"])
    out = make_template(tmp_path, "--from", str(path), name="extra.xlsx")
    ws = openpyxl.load_workbook(out)["Register"]
    assert ws["C2"].value == "=SUM(1,2)" and ws["C2"].data_type == "s"
    assert ws.cell(1, ws.max_column).value == "Directorate" and ws.cell(2, ws.max_column).value == "Finance"


def _grow_table(ws, last_row: int) -> None:
    """What Excel does when a risk is typed below the table: the table takes the row, with its calculated columns."""
    table = ws.tables["Risks"]
    start, end = table.ref.split(":")
    end_column = end.rstrip("0123456789")
    table.ref = table.autoFilter.ref = f"{start}:{end_column}{last_row}"
    for col, column in enumerate(table.tableColumns, start=1):
        if column.calculatedColumnFormula is not None:
            for row in range(2, last_row + 1):
                ws.cell(row, col).value = "=" + column.calculatedColumnFormula.attr_text


def _fill_and_save(template, rows, tmp_path, profile):
    """The template filled with rows, then saved as xlsx by LibreOffice (recalculating), as an owner would."""
    filled = tmp_path / "filled.xlsx"
    _fill(template, filled, rows)
    saved_dir = tmp_path / "saved"
    saved_dir.mkdir()
    return convert_with_libreoffice(filled, "xlsx:Calc MS Excel 2007 XML", saved_dir, profile)


def _fill(template: Path, target: Path, rows: list[dict[str, object]]) -> None:
    """Type risks into the template as an owner would, without touching the formulas."""
    wb = openpyxl.load_workbook(template)
    ws = wb["Register"]
    columns = {c.value: c.column for c in ws[1]}
    _grow_table(ws, len(rows) + 1)
    for offset, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(offset, columns[header]).value = value
    wb.save(target)


@pytest.mark.parametrize("scheme", ["4x4", "5x5"])
@pytest.mark.libreoffice
def test_round_trip_fill_recalculate_validate_build(tmp_path, recalc_profile, scheme):
    args = [] if scheme == "4x4" else ["--scheme", str(FIVE)]
    template = make_template(tmp_path, *args)
    ref = "STR0001" if scheme == "4x4" else "RSK-001"
    high = "Very High"
    rows = [
        {"Reference": ref, "Owner": "ACO Finance", "Title": "The financial challenge", "Impact": high,
         "Likelihood": "High", "Status": "Controls Tasked", "First Recorded": dt.datetime(2021, 6, 22),
         "Last Review": dt.datetime(2024, 1, 10), "Previous Score": 12 if scheme == "4x4" else 20,
         "Category": "Finance", "Information": "The MTFP position has deteriorated.", "Proposal": None},
        {"Reference": ref[:-1] + "2", "Owner": "Head of IT", "Title": "Capacity within IT", "Impact": "Medium",
         "Likelihood": "Low", "Status": "Managed", "First Recorded": dt.datetime(2019, 6, 28),
         "Last Review": dt.datetime(2024, 1, 12), "Proposal": "Archive"},
    ]  # fmt: skip
    saved = _fill_and_save(template, rows, tmp_path, recalc_profile)
    result = CliRunner().invoke(cli, ["validate", str(saved), "--as-of", "2024-01-16", "--format", "json", *args])
    report = json.loads(result.stdout)
    assert report["findings"] == [] and report["risks"] == 2, report
    panel = tmp_path / "panel.xlsx"
    result = CliRunner().invoke(cli, ["build", str(saved), "-o", str(panel), "--as-of", "2024-01-16", *args])
    assert result.exit_code == 0, result.output
    assert "1 proposed for archive" in result.output
    ws = openpyxl.load_workbook(saved, data_only=True)["Register"]
    assert ws["I2"].value == (12 if scheme == "4x4" else 20)
    assert ws["I3"].value == (2 * 1 if scheme == "4x4" else 3 * 2)  # the row typed below the table has its Score
    checked = validate(read_register(saved, scheme=load_scheme(FIVE if scheme == "5x5" else None)), as_of=AS_OF)
    assert ws["K3"].value.date() == checked.assessed[1].review_due


DATE_FORMS = [
    "16/05/2023", "16/05/23", "16-05-2023", "16.05.2023", "2023-05-16", "16 May 2023", "16 May 23", "16-May-2023",
    "May 2023", "May 23", "Sept 2023", "16th May 2023", dt.datetime(2023, 5, 16),
]  # fmt: skip


@pytest.mark.libreoffice
def test_next_review_is_never_blank_where_validate_has_a_due_date(tmp_path, recalc_profile):
    """Each form of last review an owner may leave as text: a due date the checks agree with, or "Check date"."""
    template = make_template(tmp_path)
    rows = [
        {"Reference": f"STR{n:04d}", "Owner": "Head of IT", "Title": "Capacity", "Impact": "High",
         "Likelihood": "High", "Status": "Managed", "Last Review": form}
        for n, form in enumerate(DATE_FORMS, start=1)
    ]  # fmt: skip
    saved = _fill_and_save(template, rows, tmp_path, recalc_profile)
    shown = [row[0].value for row in openpyxl.load_workbook(saved, data_only=True)["Register"].iter_rows(2, 14, 11, 11)]
    due = [item.review_due for item in validate(read_register(saved), as_of=AS_OF).assessed]
    assert all(d is not None for d in due)
    for form, value, expected in zip(DATE_FORMS, shown, due, strict=True):
        assert value == "Check date" or value.date() == expected, (form, value, expected)
    by_form = dict(zip([str(f) for f in DATE_FORMS], shown, strict=True))
    # Only a real date is read (the formula stays short); a date left as text shows Check date, and validate
    # says why on the Last Review cell, once, never on the computed Next Review.
    assert by_form[str(dt.datetime(2023, 5, 16))] == dt.datetime(2023, 8, 16)
    assert by_form["May 2023"] == by_form["Sept 2023"] == by_form["16 May 2023"] == "Check date"
    findings = [f for f in validate(read_register(saved), as_of=AS_OF).findings if f.code != "review-overdue"]
    text_forms = [f for f in DATE_FORMS if not isinstance(f, dt.datetime)]
    assert [(f.code, f.cell) for f in findings] == [("date-as-text", f"H{n}") for n in range(2, 2 + len(text_forms))]
    assert findings[8].message == (
        "last review 'May 2023' is text, which the template's Next Review cannot read: it shows Check date"
    )
    ws = openpyxl.load_workbook(saved)["Register"]
    rules = {str(cf.sqref).split(":")[0]: cf.rules for cf in ws.conditional_formatting}
    check = next(r for r in rules["K2"] if '"Check date"' in r.formula[0])
    assert check.dxf.fill.bgColor.rgb[-6:] == "FFEB9C" or check.dxf.fill.fgColor.rgb[-6:] == "FFEB9C"


@pytest.mark.parametrize("args", [[], ["--from", str(CLEAN_EXAMPLE)], ["--from", str(PUBLISHED_EXAMPLE), "--rescore"]])
@pytest.mark.libreoffice
def test_template_passes_the_ooxml_schema_check(tmp_path, args):
    out = make_template(tmp_path, *args)
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True, text=True
    )
    report = json.loads(result.stdout)[0]
    assert report["error_count"] == 0 and report["verdict"]["prediction"] == "opens-clean", report["errors"][:5]


def test_template_refuses_to_write_over_its_source(tmp_path):
    copy = tmp_path / "r.xlsx"
    copy.write_bytes(CLEAN_EXAMPLE.read_bytes())
    result = CliRunner().invoke(cli, ["template", "-o", str(copy), "--from", str(copy)])
    assert result.exit_code == 2 and "is the input file" in result.output


def test_from_refuses_stated_scores_the_formula_would_replace(tmp_path):
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--from", str(PUBLISHED_EXAMPLE)])
    assert result.exit_code == 1
    assert "Register!I19 STR0292: score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)" in result.output
    assert "Nothing written: 3 values" in result.output and "--rescore" in result.output
    assert not out.exists()


def test_rescore_lists_every_replaced_score(tmp_path):
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--from", str(PUBLISHED_EXAMPLE), "--rescore"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "STR0292: stated 12, computed 8" in lines
    assert "STR0380: stated 6, computed 12" in lines and "STR0422: stated 4, computed 3" in lines
    assert "STR0243: status 'Controls tasked' written as 'Controls Tasked'" in lines
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    assert ws["I19"].value == 8


def test_another_scheme_maps_levels_by_label_and_says_so(tmp_path):
    out = tmp_path / "t.xlsx"
    four = FIVE.parent / "scheme-4x4.toml"
    args = ["template", "-o", str(out), "--from", str(CLEAN_EXAMPLE), "--scheme", str(FIVE), "--from-scheme", str(four)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "STR0278: score 16 under Force strategic risk register (4 × 4) is 25 under Five-point" in result.output
    register = read_register(out, scheme=load_scheme(FIVE))
    first = register.risks[0]
    assert (first.impact, first.likelihood) == (5, 5)  # Very High stays Very High


def test_another_scheme_without_the_label_is_refused_in_one_line(tmp_path):
    out = tmp_path / "t.xlsx"
    five_labels = FIVE.read_text(encoding="utf-8").replace('label = "Medium"', 'label = "Moderate"')
    scheme = tmp_path / "five.toml"
    scheme.write_text(five_labels, encoding="utf-8")
    four = FIVE.parent / "scheme-4x4.toml"
    args = [
        "template",
        "-o",
        str(out),
        "--from",
        str(CLEAN_EXAMPLE),
        "--scheme",
        str(scheme),
        "--from-scheme",
        str(four),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no likelihood level labelled 'Medium'" in result.output
    assert not out.exists()


@pytest.mark.libreoffice
def test_unreadable_last_review_is_carried_as_check_date(make_register, tmp_path, recalc_profile):
    path = make_register([risk_row(last="TBC"), risk_row("STR0002", last="Sept 2023"), risk_row("STR0003", last="")])
    out = make_template(tmp_path, "--from", str(path), name="check.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    assert [ws[f"J{n}"].value for n in (2, 3, 4)] == ["Check date", dt.datetime(2023, 12, 30), None]
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(out, outdir, recalc_profile) == []


def test_lists_and_formats_cover_the_table_rows_so_excel_carries_them_to_new_rows(tmp_path):
    out = make_template(tmp_path, "--from", str(CLEAN_EXAMPLE))
    ws = openpyxl.load_workbook(out)["Register"]
    assert ws.tables["Risks"].ref == "A1:U32"  # 30 risks and one empty row; the register's 20 columns and Next Review
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation if dv.type in ("list", "date")}
    # The table's rows and 500 below, for LibreOffice, which does not grow a table as Excel does.
    assert {"D2:D532", "E2:E532", "F2:F532", "G2:G532", "H2:H532", "M2:M532", "U2:U532"} <= set(lists)
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert {"I2:I532", "J2:J532"} <= ranges
    assert ws.max_row == 32  # nothing prepared below the table


@pytest.mark.libreoffice
def test_score_reads_levels_as_the_checks_do(tmp_path, recalc_profile):
    """Levels pasted past the dropdown (numbers, numeric text, other case) score as validate scores them."""
    template = make_template(tmp_path)
    levels = [("Very High", "High"), (4, 3), ("4", "3"), ("very high", " High "), ("5", "High"), (2.5, "Low")]
    rows = [
        {"Reference": f"STR{n:04d}", "Owner": "Head of IT", "Title": "Capacity", "Impact": impact,
         "Likelihood": likelihood, "Status": "Managed", "Last Review": dt.datetime(2024, 1, 10)}
        for n, (impact, likelihood) in enumerate(levels, start=1)
    ]  # fmt: skip
    saved = _fill_and_save(template, rows, tmp_path, recalc_profile)
    ws = openpyxl.load_workbook(saved, data_only=True)["Register"]
    shown = [ws[f"I{n}"].value for n in range(2, 2 + len(levels))]
    checked = [item.score for item in validate(read_register(saved), as_of=AS_OF).assessed]
    assert shown == [12, 12, 12, 12, None, None]
    assert [s if s is not None else None for s in checked] == [12, 12, 12, 12, None, None]
    assert [ws[f"K{n}"].value for n in (2, 3, 4, 5)] == [dt.datetime(2024, 4, 10)] * 4


def test_moving_to_a_matrix_scheme_lists_the_matrix_score_not_the_product(make_register, tmp_path):
    source = make_register([risk_row("STR0001", impact="High", likelihood="High", score=9, previous=9)])
    three = FIVE.parent / "scheme-3x3.toml"
    four = FIVE.parent / "scheme-4x4.toml"
    out = tmp_path / "t.xlsx"
    args = ["template", "-o", str(out), "--from", str(source), "--scheme", str(three), "--from-scheme", str(four)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "STR0001: score 9 under Force strategic risk register (4 × 4) is 3 under" in result.output


def test_a_template_saved_by_a_script_without_formula_results_is_not_a_date_typed_as_text(tmp_path):
    """openpyxl keeps no formula results: an empty computed Next Review says nothing about Last Review,
    which here holds real dates; only a stored "Check date" does."""
    template = make_template(tmp_path, "--from", str(CLEAN_EXAMPLE))
    book = openpyxl.load_workbook(template)
    sheet = book["Register"]
    column = next(c.column for c in sheet[1] if c.value == "Last review")
    sheet.cell(2, column).value = dt.date(2024, 1, 10)  # a real date, as an owner types it
    book.save(tmp_path / "saved.xlsx")
    findings = validate(read_register(tmp_path / "saved.xlsx"), as_of=dt.date(2024, 2, 15)).findings
    assert [f for f in findings if f.code == "date-as-text"] == []
