import datetime as dt

import pytest

from riskbook import read_register, validate
from riskbook.errors import ReadError
from riskbook.read.header import HEADER_SEARCH_ROWS
from riskbook.read.values import PartialDate
from tests.helpers import (
    AS_OF,
    CLEAN_EXAMPLE,
    HEADER,
    computed,
    convert_with_libreoffice,
    risk_row,
    sha256,
    write_xlsx,
)


def test_header_below_title_rows_is_found(make_register):
    path = make_register([risk_row()], title_rows=["Appendix A  Force Risk Register", "31st JANUARY 2024", ""])
    register = read_register(path)
    assert register.header_row == 3
    assert register.risks[0].reference == "STR0001"
    assert register.cell(register.risks[0].row, "score") == "I5"


def test_header_beyond_the_search_rows_is_not_found(make_register):
    path = make_register([risk_row()], title_rows=["title"] * HEADER_SEARCH_ROWS)
    with pytest.raises(ReadError, match="no register header found"):
        read_register(path)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Ref", "reference"),
        ("Risk ID", "reference"),
        ("risk  reference", "reference"),
        ("Risk Title", "title"),
        ("Risk", "title"),
        ("Risk Owner", "owner"),
        ("Date Recorded", "first_recorded"),
        ("Last Reviewed", "last_review"),
        ("Last review date", "last_review"),
        ("Current Score", "score"),
        ("Current/ proposed Risk Score", "score"),
        ("CURRENT RATING", "score"),
        ("Risk Score", "score"),
        ("Previous Rating", "previous_score"),
        ("Additional Control(s)", "additional_controls"),
        ("Proposal (Archive / New)", "proposal"),
        ("Target Date", "control_due"),
        ("Completion Date", "control_due"),
    ],
)
def test_header_aliases(make_register, header, field):
    columns = ["Reference", "Title", "Impact", "Likelihood"]
    if field == "reference":
        columns[0] = header
    else:
        columns.append(header)
    path = make_register([["STR0001", "A risk", 4, 3, "x"][: len(columns)]], header=columns)
    assert field in read_register(path).columns


def test_unknown_columns_travel_with_each_risk_in_order(make_register):
    header = [*HEADER, "Directorate", "Notes"]
    path = make_register([[*risk_row(), "Finance", "see minutes"]], header=header)
    register = read_register(path)
    assert [name for _, name in register.extra_columns] == ["Directorate", "Notes"]
    assert register.risks[0].extras == {"Directorate": "Finance", "Notes": "see minutes"}


def test_blank_rows_are_skipped_and_cells_keep_their_place(make_register):
    path = make_register([risk_row("STR0001"), [None] * 10, ["  ", "\u00a0"], risk_row("STR0002")])
    register = read_register(path)
    assert [r.reference for r in register.risks] == ["STR0001", "STR0002"]
    assert register.risk_cell(register.risks[1], "reference") == "A5"


def test_values_are_trimmed_including_non_breaking_spaces(make_register):
    path = make_register([risk_row(ref="\u00a0STR0001 ", status=" Managed\u00a0")])
    risk = read_register(path).risks[0]
    assert risk.reference == "STR0001"
    assert risk.get("status") == "Managed"


def test_dates_numbers_and_labels_in_every_form(make_register):
    rows = [
        risk_row("STR0001", impact=4, likelihood="3", first=dt.date(2021, 6, 22), last="16/01/24"),
        risk_row("STR0002", impact="very high", likelihood="HIGH", first="Sept 2023", last="Jan 2024"),
    ]
    risks = read_register(make_register(rows)).risks
    assert [(r.impact, r.likelihood) for r in risks] == [(4, 3), (4, 3)]
    assert risks[0].get("first_recorded") == PartialDate(2021, 6, 22)
    assert risks[0].get("last_review") == PartialDate(2024, 1, 16)
    assert risks[1].get("first_recorded") == PartialDate(2023, 9)


def test_html_in_detail_fields_is_made_plain(make_register):
    header = [*HEADER, "Update"]
    path = make_register(
        [[*risk_row(), "<p>Review completed.</p> <p><b>Current status: No change</b></p>"]], header=header
    )
    assert read_register(path).risks[0].get("update") == "Review completed.\nCurrent status: No change"


def test_sheet_choice_named_then_register_then_first_with_header(tmp_path):
    rows = [HEADER, risk_row()]
    path = write_xlsx(tmp_path / "r.xlsx", rows, sheet="Q3 risks", extra_sheets={"Cover": [["Quarterly paper"]]})
    assert read_register(path).sheet == "Q3 risks"
    path = write_xlsx(tmp_path / "s.xlsx", rows, sheet="Register", extra_sheets={"Other": rows})
    assert read_register(path).sheet == "Register"
    assert read_register(path, sheet="Other").sheet == "Other"
    with pytest.raises(ReadError, match="no sheet named 'Nope'"):
        read_register(path, sheet="Nope")


def test_csv_is_read(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(
        "Reference,Owner,Title,Impact,Likelihood,Status,First Recorded,Last Review,Score\n"
        'STR0001,Owner,"Title, with comma",Very High,High,Controls Tasked,04/12/2008,Jan 2024,12\n',
        encoding="utf-8",
    )
    register = read_register(path)
    assert register.risks[0].title == "Title, with comma"
    assert register.risks[0].get("first_recorded") == PartialDate(2008, 12, 4)
    assert validate(register, as_of=AS_OF).findings == []


def test_formula_without_saved_result_is_a_finding_not_a_blank(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(HEADER)
    sheet.append(risk_row(score=None))
    sheet["I2"] = "=4*3"  # openpyxl stores no result
    workbook.save(tmp_path / "openpyxl.xlsx")
    report = validate(read_register(tmp_path / "openpyxl.xlsx"), as_of=AS_OF)
    assert [(f.code, f.cell) for f in report.findings] == [("formula-without-value", "I2")]


def test_formula_with_untrustworthy_zero_from_xlsxwriter_is_a_finding(tmp_path):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(tmp_path / "xw.xlsx")
    sheet = workbook.add_worksheet("Register")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, risk_row(score=None))
    sheet.write_formula(1, 8, "=4*3")  # stored as 0 with fullCalcOnLoad
    workbook.close()
    report = validate(read_register(tmp_path / "xw.xlsx"), as_of=AS_OF)
    assert [(f.code, f.cell) for f in report.findings] == [("formula-without-value", "I2")]


def test_reading_never_modifies_the_input():
    before = sha256(CLEAN_EXAMPLE)
    read_register(CLEAN_EXAMPLE)
    assert sha256(CLEAN_EXAMPLE) == before


@pytest.fixture(scope="module")
def converted_examples(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("converted")
    profile = tmp_path_factory.mktemp("profile")
    return {ext: convert_with_libreoffice(CLEAN_EXAMPLE, ext, outdir, profile) for ext in ("ods", "xls")}


@pytest.mark.parametrize("ext", ["ods", "xls"])
@pytest.mark.libreoffice
def test_ods_and_xls_read_like_the_xlsx(converted_examples, ext):
    original = read_register(CLEAN_EXAMPLE)
    converted = read_register(converted_examples[ext])
    assert [r.reference for r in converted.risks] == [r.reference for r in original.risks]
    assert [computed(r) for r in converted.risks] == [computed(r) for r in original.risks]
    assert [r.get("information") for r in converted.risks] == [r.get("information") for r in original.risks]
    assert validate(converted, as_of=AS_OF).findings == []


def test_xlsm_is_read_and_macros_never_run(tmp_path):
    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row()])
    xlsm = tmp_path / "register.xlsm"
    xlsm.write_bytes(path.read_bytes())
    assert read_register(xlsm).risks[0].reference == "STR0001"
