"""Rows under the header that are not risks are passed over, and said: one line of text, a list in JSON."""

import json

from click.testing import CliRunner

from riskbook import read_register
from riskbook.cli import cli
from tests.helpers import HEADER, risk_row, write_xlsx

AS_OF = "2024-01-16"

GUIDANCE = [
    "Unique ID, e.g. STR0001.",
    "Who owns the risk.",
    "A short name for the risk.",
    "Impact: a word from the scale.",
    "Likelihood: a word from the scale.",
    "Choose from the list.",
    "Date risk was entered.",
    "Date of the last review.",
    "Impact × likelihood.",
    "",
]


def _register(tmp_path):
    rows = [
        HEADER,
        GUIDANCE,  # row 2
        ["Standard risks"],  # row 3: a group label
        risk_row("STR0001"),
        risk_row("STR0002"),
        risk_row("STR0003"),
        HEADER,  # row 7: the header again (a second table, or after a page break)
        risk_row("STR0004"),
        ["STR0005"],  # row 9: pre-numbered, never filled
        ["STR0006", None, None, None, None, "H"],  # row 10: an id and a priority letter
        ["Total", None, None, None, None, None, None, None, 48, 48],  # row 11: an Excel table's Total Row
        [],
        ["Key"],  # row 13
        [None, "Likelihood \\ Impact", "Low", "Medium", "High", "Very High"],
        [None, "Very High", 4, 8, 12, 16],
        [None, "High", 3, 6, 9, 12],  # row 16
    ]
    return write_xlsx(tmp_path / "register.xlsx", rows)


def test_rows_that_are_not_risks_are_passed_over_and_said_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(_register(tmp_path)), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [
        "Passed over 10 rows that are not risks: 1 × guidance row under the header (row 2); "
        "1 × label or note alone in its row (row 3); 1 × second header row (row 7); "
        "2 × numbered blank line (rows 9–10); 1 × totals row (row 11); "
        "4 × legend or key line below the table (rows 13–16)",
        "4 risks · 0 errors · 0 warnings",
    ]


def test_json_lists_each_row_passed_over_with_its_reason(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(_register(tmp_path)), "--as-of", AS_OF, "--format", "json"])
    data = json.loads(result.stdout)
    assert data["risks"] == 4
    assert data["passed_over"] == [
        {"row": 2, "reason": "guidance"},
        {"row": 3, "reason": "label"},
        {"row": 7, "reason": "header"},
        {"row": 9, "reason": "placeholder"},
        {"row": 10, "reason": "placeholder"},
        {"row": 11, "reason": "totals"},
        {"row": 13, "reason": "legend"},
        {"row": 14, "reason": "legend"},
        {"row": 15, "reason": "legend"},
        {"row": 16, "reason": "legend"},
    ]


def test_a_template_of_numbered_blank_lines_counts_only_its_risks(tmp_path):
    rows = [HEADER, risk_row("STR0001"), risk_row("STR0002")] + [[f"STR{n:04}"] for n in range(3, 23)]
    register = read_register(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.reference for r in register.risks] == ["STR0001", "STR0002"]
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "r.xlsx"), "--as-of", AS_OF])
    assert "Passed over 20 rows that are not risks: 20 × numbered blank line (rows 4–23)" in result.output


def test_a_totals_row_in_another_language_is_passed_over(tmp_path):
    rows = [HEADER, risk_row("STR0001"), ["Итого", None, None, 7, 6, None, None, None, 24, 24]]
    register = read_register(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.reference for r in register.risks] == ["STR0001"]
    assert [(p.row, p.reason) for p in register.passed_over] == [(2, "totals")]


def test_a_risk_after_a_blank_row_is_still_a_risk(tmp_path):
    rows = [HEADER, risk_row("STR0001"), [], [], risk_row("STR0002", title="Flood")]
    register = read_register(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [r.reference for r in register.risks] == ["STR0001", "STR0002"]
    assert register.passed_over == ()


def test_a_risk_with_unreadable_values_is_still_a_risk(tmp_path):
    rows = [HEADER, risk_row("STR0001", impact="Huge", likelihood="Often", last="soon")]
    result = CliRunner().invoke(cli, ["validate", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "Passed over" not in result.output
    assert "1 risk · 3 errors" in result.output


def test_an_excel_tables_total_row_is_passed_over_without_a_label(tmp_path):
    """Excel's Total Row (totalsRowCount in the table part) holds SUBTOTAL formulas and, here, no label."""
    import xlsxwriter

    path = tmp_path / "table.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Register")
    data = [risk_row("STR0001"), risk_row("STR0002", impact=2, likelihood=2, score=4, previous=4)]
    columns = [{"header": h} for h in HEADER]
    for at in (3, 4, 8, 9):  # impact, likelihood, score, previous score
        columns[at]["total_function"] = "sum"
    sheet.add_table(0, 0, len(data) + 1, len(HEADER) - 1, {"data": data, "columns": columns, "total_row": True})
    workbook.close()
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF, "--format", "json"])
    data = json.loads(result.stdout)
    assert data["risks"] == 2, result.output
    assert data["passed_over"] == [{"row": 4, "reason": "totals"}]


def test_a_drafted_scheme_does_not_take_a_legend_or_a_total_as_risks(tmp_path):
    """The key under the table lists the scale's words; read as risks they would be drafted as statuses
    and levels. scheme --from says what it passed over."""
    path = tmp_path / "r.csv"
    path.write_text(
        "Risk ID;Risk Name;Probability;Impact;Status;Owner;Last Reviewed\n"
        "RSK-01;Flood;3;4;Open;A;01/01/2024\n"
        "RSK-02;Fire;1;2;Closed;B;01/01/2024\n"
        "RSK-03;Cyber;2;3;Open;C;01/02/2024\n"
        "Total;;6;9;;;\n"
        ";;;;;;\n"
        "Key;;;;;;\n"
        ";Catastrophic;5;5;Escalated;;\n"
        ";Negligible;1;1;Dormant;;\n",
        encoding="utf-8",
    )
    out = tmp_path / "drafted.toml"
    result = CliRunner().invoke(cli, ["scheme", "--from", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Passed over 4 rows that are not risks: 1 × totals row (row 5); "
        "3 × legend or key line below the table (rows 7–9)\n"
    )
    text = out.read_text(encoding="utf-8")
    assert 'name = "Open"' in text and 'name = "Closed"' in text
    assert "Escalated" not in text and "Dormant" not in text


def test_numbered_risks_whose_levels_are_unreadable_are_risks_not_guidance(tmp_path):
    # A public project register: an id in No., prose in every field, Probability as a fraction and Impact
    # as a sentence. Its rows were all passed over as guidance (0 risks); they are risks with findings.
    header = ["No.", "Risk", "Description", "Risk Owner", "Probability", "Impact", "Status"]
    rows = [
        [n, f"Risk {n} of the project", "Not enough time for testing before the release.", "PM", 0.45,
         "no configuration testing is done, so faults reach users", "open"]
        for n in range(1, 7)
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "numbered.xlsx", [header, *rows])
    data = json.loads(CliRunner().invoke(cli, ["validate", str(path), "--format", "json"]).stdout)
    assert data["risks"] == 6
    assert not data.get("passed_over")
