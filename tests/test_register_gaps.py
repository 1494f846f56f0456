"""Registers with a column missing or never filled: said once, checked for what they have, and built."""

import json

import openpyxl
from click.testing import CliRunner

from riskbook.cli import cli
from tests.conftest import HEADER, risk_row, write_xlsx

AS_OF = "2024-01-16"


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def _fmea_sheet(tmp_path):
    """An FMEA-style list: no reference column, the risk named by its failure mode."""
    rows = [
        ["Failure Mode", "Owner", "Severity", "Occurrence", "Status", "Last Review"],
        ["Pump seal leaks", "Plant manager", 3, 2, "Managed", "10/01/2024"],
        ["Valve sticks", "Plant manager", 4, 4, "Controls Tasked", "12/01/2024"],
        ["Sensor drifts", "QA lead", 2, 1, "Controlled", "02/01/2024"],
    ]
    return write_xlsx(tmp_path / "fmea.xlsx", rows, sheet="FMEA")


def test_a_register_without_references_names_each_risk_by_its_row_with_one_warning(tmp_path):
    result = run("validate", _fmea_sheet(tmp_path), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(f["code"], f["severity"], f["cell"]) for f in report["findings"]] == [("column-absent", "warning", "1:1")]
    assert report["findings"][0]["message"] == (
        "this register has no Reference column, so each risk is named by its row (Row 2, Row 3, …), "
        "a name that changes when rows move"
    )


def test_findings_of_a_register_without_references_name_the_row(tmp_path):
    rows = [["Failure Mode", "Severity", "Occurrence", "Score"], ["Pump seal leaks", 3, 2, 7]]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows, sheet="FMEA"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "FMEA row 2: Row 2 — Pump seal leaks" in result.output
    assert "  error   FMEA!D2 Row 2: score 7 is not impact × likelihood (High 3 × Medium 2 = 6)  [score-mismatch]" in (
        result.output
    )


def test_show_columns_says_the_risks_are_named_by_their_row(tmp_path):
    result = run("validate", _fmea_sheet(tmp_path), "--as-of", AS_OF, "--show-columns")
    assert "  (no column) → reference: each risk is named by its row (Row 2, Row 3, …)" in result.output.splitlines()


def test_a_register_without_references_is_built_with_its_risks_named_by_row(tmp_path):
    out = tmp_path / "panel.xlsx"
    result = run("build", _fmea_sheet(tmp_path), "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "no Reference column" in result.output
    sheet = openpyxl.load_workbook(out, data_only=True)["Appendix A"]
    references = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert sorted(references) == ["Row 2", "Row 3", "Row 4"]


def test_an_empty_reference_column_names_each_risk_by_its_row_with_one_warning(tmp_path):
    rows = [HEADER, risk_row(ref=""), risk_row(ref="", title="Second"), risk_row(ref="", title="Third")]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF, "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert [(f["code"], f["cell"], f["message"]) for f in report["findings"]] == [
        (
            "column-empty",
            "A1",
            "column 'Reference' (A) is empty on every row, so each risk is named by its row (Row 2, Row 3, …), "
            "a name that changes when rows move",
        )
    ]


def test_a_column_empty_on_every_row_is_one_warning_not_an_error_per_risk(tmp_path):
    rows = [HEADER] + [risk_row(ref=f"STR000{n}", status="") for n in range(1, 8)]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "  warning Register!F1: column 'Status' (F) is empty on every row, so no status can be checked" in (
        result.output
    )
    assert "missing-value" not in result.output
    assert result.output.splitlines()[-1] == "7 risks · 0 errors · 1 warning"


def test_a_register_of_two_risks_names_each_empty_cell(tmp_path):
    """With one or two risks an empty column is as likely risks not yet filled in: each cell is named."""
    rows = [HEADER, risk_row(ref="STR0001", status=""), risk_row(ref="STR0002", status="")]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output.count("status is empty  [missing-value]") == 2


def test_a_column_filled_on_some_rows_still_names_each_empty_cell(tmp_path):
    rows = [HEADER, risk_row(ref="STR0001", status=""), risk_row(ref="STR0002")]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "Register!F2 STR0001: status is empty  [missing-value]" in result.output
    assert "column-empty" not in result.output
