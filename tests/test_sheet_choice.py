"""The register is read from the sheet that holds one, not the first with a header-like row."""

import json

from click.testing import CliRunner

from riskbook import read_register
from riskbook.cli import cli
from tests.conftest import HEADER, risk_row, write_xlsx

AS_OF = "2024-01-16"


def _workbook(tmp_path):
    """A register on the ninth sheet, after a cover, instructions that list the columns, a JSON dump
    headed with the same keys, lists, a matrix, a change log, a glossary and an archive of two risks."""
    risks = [risk_row(ref=f"STR{n:04}", title=f"Risk {n}") for n in range(1, 13)]
    sheets = {
        "Cover": [["Strategic Risk Register"], ["Version 3"], ["Owner: Risk unit"]],
        "Instructions": [
            ["How to fill in the register"],
            ["Reference", "Title", "Owner", "Impact", "Likelihood", "Status"],
            ["Unique ID, e.g. STR0001", "A short name for the risk", "Who owns it", "1-4", "1-4", "From the list"],
        ],
        "JSON": [
            ["reference", "title", "impact", "likelihood"],
            ['[{"reference": "STR0001", "title": "Risk 1", "impact": 4, "likelihood": 3}, …]'],
        ],
        "Lists": [["Impact"], ["Low"], ["Medium"], ["High"], ["Very High"]],
        "Matrix": [["Likelihood \\ Impact", 1, 2, 3, 4], [4, 4, 8, 12, 16], [3, 3, 6, 9, 12]],
        "Change log": [["Date", "Change", "By"], ["01/01/2024", "New layout", "RU"]],
        "Glossary": [["Term", "Meaning"], ["Impact", "How bad it would be"]],
        "Archive": [HEADER, risk_row(ref="STR0900", status="Controlled"), risk_row(ref="STR0901")],
    }
    return write_xlsx(tmp_path / "book.xlsx", [HEADER, *risks], sheet="Risks", extra_sheets=sheets)


def test_the_register_on_the_ninth_sheet_is_read(tmp_path):
    register = read_register(_workbook(tmp_path))
    assert register.sheet == "Risks"
    assert len(register.risks) == 12


def test_the_choice_is_said_on_stderr_and_in_json(tmp_path):
    path = _workbook(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"Note: {path}: read sheet 'Risks' (12 rows under 10 known columns); also with a register header: "
        "'Instructions' (1 row), 'JSON' (0 rows), 'Archive' (2 rows); pass --sheet to read another"
    ]
    data = json.loads(result.stdout)
    assert data["sheet"] == "Risks"
    assert data["sheets"] == [
        {"sheet": "Instructions", "rows": 1, "columns": 6, "read": False},
        {"sheet": "JSON", "rows": 0, "columns": 4, "read": False},
        {"sheet": "Archive", "rows": 2, "columns": 10, "read": False},
        {"sheet": "Risks", "rows": 12, "columns": 10, "read": True},
    ]


def test_a_sheet_named_register_with_risks_is_read_before_a_longer_one(tmp_path):
    archive = [HEADER] + [risk_row(ref=f"STR{n:04}", status="Controlled") for n in range(100, 130)]
    path = write_xlsx(
        tmp_path / "b.xlsx", [HEADER, risk_row()], sheet="Register", extra_sheets={"Closed risks": archive}
    )
    assert read_register(path).sheet == "Register"


def test_one_sheet_with_a_header_says_nothing(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [HEADER, risk_row()], extra_sheets={"Cover": [["Register"]]})
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_sheet_option_reads_the_sheet_named(tmp_path):
    register = read_register(_workbook(tmp_path), sheet="Archive")
    assert [r.reference for r in register.risks] == ["STR0900", "STR0901"]
    assert register.sheets == ()
