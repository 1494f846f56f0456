"""Odd but valid registers found in review: each once broke a command or put a wrong number out."""

import datetime as dt
import subprocess
import sys

import openpyxl
import pytest

from riskbook import read_register, validate
from riskbook.outputs.template_columns import COMPUTED_REVIEW
from tests.helpers import HEADER, recalculation_mismatches, risk_row, write_xlsx
from tests.helpers import run_cli as run

AS_OF = ["--as-of", "2024-01-16"]


def test_annotating_a_merged_cell_marks_the_range_anchor(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [HEADER, risk_row(owner=""), risk_row("STR0002")])
    wb = openpyxl.load_workbook(path)
    wb["Register"].merge_cells("B2:B3")
    wb.save(path)
    out = tmp_path / "a.xlsx"
    result = run("validate", path, *AS_OF, "--annotate", out)
    assert result.exit_code == 1 and "unexpected" not in result.output
    assert "owner is empty" in openpyxl.load_workbook(out)["Register"]["B2"].comment.text


@pytest.mark.parametrize("name", ["quarterly-risk-register-january-2024-final.csv", "reg[1].csv"])
def test_annotating_a_csv_with_an_awkward_name(tmp_path, name):
    path = tmp_path / name
    path.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in risk_row(score=9)) + "\n")
    out = tmp_path / "a.xlsx"
    assert run("validate", path, *AS_OF, "--annotate", out).exit_code == 1
    wb = openpyxl.load_workbook(out)
    sheet = wb.sheetnames[1]
    assert len(sheet) <= 31 and "[" not in sheet
    assert wb["Findings"]["D2"].hyperlink.location == f"'{sheet}'!I2"


def test_findings_link_to_a_sheet_with_an_apostrophe(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row(score=9)], sheet="Bob's Register")
    out = tmp_path / "a.xlsx"
    run("validate", path, *AS_OF, "--annotate", out)
    assert openpyxl.load_workbook(out)["Findings"]["D2"].hyperlink.location == "'Bob''s Register'!I2"


@pytest.mark.parametrize(("ref", "title"), [("STR0001", "str0001"), ("STR" + "9" * 300, "A risk")])
def test_card_headers_that_cannot_be_table_headers(tmp_path, ref, title):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row(ref, title=title)])
    result = run("build", path, "-o", tmp_path / "p.xlsx", *AS_OF)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx")["Appendix E"]
    texts = {text for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True) for text in row if text}
    assert title in texts and ref in texts  # both kept whole, as headers or as rows of the card


@pytest.mark.libreoffice
def test_header_only_register_is_a_finding_and_not_built(tmp_path):
    # Issue 23: a header with no risks under it is most likely the wrong file or sheet (no-risks).
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER])
    out = tmp_path / "p.xlsx"
    result = run("build", path, "-o", out, *AS_OF)
    assert result.exit_code == 1 and "[no-risks]" in result.output
    assert not out.exists()


@pytest.mark.libreoffice
def test_previous_period_risks_without_reference_or_score(tmp_path, recalc_profile):
    last = write_xlsx(
        tmp_path / "last.xlsx",
        [
            HEADER,
            risk_row("STR0001", impact="", likelihood="", score=""),
            risk_row(""),
            risk_row("STR0007", impact="Bogus", score=12),
        ],
    )
    now = write_xlsx(tmp_path / "now.xlsx", [HEADER, risk_row("STR0001", previous=9)])
    out = tmp_path / "p.xlsx"
    result = run("build", now, "--previous", last, "-o", out, *AS_OF)
    assert result.exit_code == 0, result.output
    assert "[last.xlsx]Register!A3" in result.output and "has no reference" in result.output
    assert "STR0007: last period's row 4 has no readable impact and likelihood" in result.output
    assert result.output.strip().splitlines()[-1] == "1 risk · 1 High · 0 proposed for archive · 1 score change · 0 new"
    (tmp_path / "lo").mkdir()
    assert recalculation_mismatches(out, tmp_path / "lo", recalc_profile) == []


def test_two_unknown_columns_with_one_header_keep_both(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "Notes", "Notes"], [*risk_row(), "first", "second"]])
    assert read_register(path).risks[0].extras == {"Notes": "first", "Notes (2)": "second"}


def test_hidden_column_written_by_openpyxl_is_reported(tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    for row in [HEADER, risk_row()]:
        ws.append(row)
    ws.column_dimensions["E"].hidden = True
    wb.save(path)
    codes = [(f.code, f.cell) for f in validate(read_register(path), as_of=dt.date(2024, 1, 16)).findings]
    assert ("hidden-column", "E1") in codes


@pytest.mark.libreoffice
def test_template_next_review_for_month_only_and_unreadable_values(tmp_path, recalc_profile):
    source = write_xlsx(
        tmp_path / "s.xlsx",
        [HEADER, risk_row("STR0001", last="Feb 2024"), risk_row("STR0002", last="soon")],
    )
    out = tmp_path / "t.xlsx"
    assert run("template", "-o", out, "--from", source).exit_code == 0
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    headers = [cell.value for cell in ws[1]]
    due = ws.cell(2, headers.index(COMPUTED_REVIEW) + 1).value if COMPUTED_REVIEW in headers else None
    due = due or ws.cell(2, headers.index("Next Review") + 1).value
    assert due == dt.datetime(2024, 5, 29)  # reviewed by 29 Feb, due three months on
    # Issue 22: an impact off the scheme's scale is refused, as the template's dropdown would refuse it.
    off_scale = write_xlsx(tmp_path / "o.xlsx", [HEADER, risk_row("STR0002", impact=5)])
    refused = run("template", "-o", tmp_path / "o-t.xlsx", "--from", off_scale)
    assert refused.exit_code == 1 and not (tmp_path / "o-t.xlsx").exists()
    (tmp_path / "lo").mkdir()
    assert recalculation_mismatches(out, tmp_path / "lo", recalc_profile) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Archive", "proposed"),
        ("Proposed for archive", "proposed"),
        ("new risk", "new"),
        ("Do not archive", None),
        ("Renewed controls", None),
    ],
)
def test_proposals_are_read_whole_not_by_substring(tmp_path, text, expected):
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "Proposal"], [*risk_row(), text]])
    result = run("build", path, "-o", tmp_path / "p.xlsx", *AS_OF)
    line = result.output.strip().splitlines()[-1]
    assert ("1 proposed for archive" in line) == (expected == "proposed")
    assert line.endswith("· 1 new") == (expected == "new")
    assert ("unknown-proposal" in result.output) == (expected is None)


def test_cli_still_starts_fast_after_all_this():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "riskbook", "--help"], capture_output=True, text=True
    )
    assert "pandas" not in out.stderr and "openpyxl" not in out.stderr and "python_calamine" not in out.stderr
