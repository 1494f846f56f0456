"""The owner's workbook back with findings marked on their cells."""

import json
import subprocess
import sys
import zipfile

import openpyxl
from click.testing import CliRunner

from riskbook.cli import cli
from tests.conftest import HEADER, PUBLISHED_EXAMPLE, risk_row, sha256, write_xlsx

ERROR, WARNING = "FFC7CE", "FFEB9C"


def annotate(source, out, *args):
    return CliRunner().invoke(cli, ["validate", str(source), "--as-of", "2024-01-16", "--annotate", str(out), *args])


def fill_of(cell):
    return cell.fill.fgColor.rgb[-6:] if cell.fill and cell.fill.fill_type == "solid" else None


def test_findings_are_marked_on_the_owners_cells(tmp_path):
    before = sha256(PUBLISHED_EXAMPLE)
    out = tmp_path / "annotated.xlsx"
    result = annotate(PUBLISHED_EXAMPLE, out)
    assert result.exit_code == 1  # the findings still decide the exit code
    assert f"Wrote {out}" in result.output
    assert sha256(PUBLISHED_EXAMPLE) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "Register"]
    register = wb["Register"]
    assert fill_of(register["I19"]) == ERROR
    assert "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)" in register["I19"].comment.text
    assert register["I19"].comment.author == "riskbook"
    assert fill_of(register["F7"]) == WARNING and "read as 'Controls Tasked'" in register["F7"].comment.text
    assert fill_of(register["A19"]) == ERROR
    assert "This risk has 1 finding: I19 score-mismatch" in register["A19"].comment.text
    assert fill_of(register["A7"]) == WARNING
    assert fill_of(register["A5"]) != ERROR and register["A5"].comment is None


def test_findings_sheet_lists_and_links_every_finding(tmp_path):
    out = tmp_path / "annotated.xlsx"
    annotate(PUBLISHED_EXAMPLE, out)
    findings = openpyxl.load_workbook(out)["Findings"]
    rows = list(findings.iter_rows(min_row=1, values_only=True))
    assert rows[0] == ("Severity", "Code", "Reference", "Cell", "Message")
    assert rows[2] == (
        "error", "score-mismatch", "STR0292", "Register!I19", "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)",
    )  # fmt: skip
    assert len(rows) == 7
    assert findings["D3"].hyperlink.location == "'Register'!I19"
    assert findings.freeze_panes == "A2"


def test_every_original_sheet_and_value_is_kept(tmp_path):
    source = write_xlsx(
        tmp_path / "owner.xlsx",
        [HEADER, risk_row(score=9), risk_row("STR0002")],
        title_rows=["Force Risk Register", "Q4"],
        extra_sheets={"Cover": [["Owner's cover note", 42]]},
    )
    out = tmp_path / "annotated.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    original, copy = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    assert copy.sheetnames == ["Findings", *original.sheetnames]
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert copy[ws.title][cell.coordinate].value == cell.value
    assert fill_of(copy["Register"]["I4"]) == ERROR


def test_text_stays_text_in_the_annotated_copy(make_register, tmp_path):
    source = make_register([risk_row(ref="=STR1", title='=HYPERLINK("http://x")', score=9)])
    out = tmp_path / "a.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    assert wb["Register"]["C2"].data_type == "s" and wb["Register"]["C2"].value == '=HYPERLINK("http://x")'
    references = [c.value for c in wb["Findings"]["C"]]
    assert "=STR1" in references
    assert all(c.data_type == "s" for c in wb["Findings"]["C"] if c.value)


def test_csv_input_gets_an_annotated_xlsx(tmp_path):
    source = tmp_path / "register.csv"
    source.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in risk_row(score=9)) + "\n", encoding="utf-8")
    out = tmp_path / "register-annotated.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "register"]
    assert wb["register"]["A2"].value == "STR0001" and fill_of(wb["register"]["I2"]) == ERROR


def test_xlsm_input_becomes_a_plain_xlsx(tmp_path):
    source = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row(score=9)])
    xlsm = tmp_path / "r.xlsm"
    xlsm.write_bytes(source.read_bytes())
    out = tmp_path / "r-annotated.xlsx"
    assert annotate(xlsm, out).exit_code == 1
    with zipfile.ZipFile(out) as zf:
        assert not any("vba" in n.lower() for n in zf.namelist())
        assert "macroEnabled" not in zf.read("[Content_Types].xml").decode()


def test_output_must_differ_from_input(tmp_path):
    copy = tmp_path / "r.xlsx"
    copy.write_bytes(PUBLISHED_EXAMPLE.read_bytes())
    before = sha256(copy)
    result = annotate(copy, copy)
    assert result.exit_code == 2 and "is the input file" in result.output
    assert sha256(copy) == before


def test_annotated_copy_passes_the_ooxml_schema_check(tmp_path):
    out = tmp_path / "annotated.xlsx"
    annotate(PUBLISHED_EXAMPLE, out)
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True, text=True
    )
    report = json.loads(result.stdout)[0]
    assert report["error_count"] == 0 and report["warning_count"] == 0, report["errors"][:5]
    assert report["verdict"]["prediction"] == "opens-clean"


def test_json_output_stays_pure_with_annotate(tmp_path):
    out = tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(
        cli, ["validate", str(PUBLISHED_EXAMPLE), "--as-of", "2024-01-16", "--format", "json", "--annotate", str(out)]
    )
    assert json.loads(result.stdout)["errors"] == 3
