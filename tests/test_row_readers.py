"""The two row readers held equal: a sheet with a formula that has no saved result is read by the
formula-gap reader, any other by the plain one; the same rows must give the same risks either way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlsxwriter
from click.testing import CliRunner

from riskbook import read_register, validate
from riskbook.cli import cli
from riskbook.fields import FIELD_LABELS, FIELDS
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import Risk
from tests.helpers import AS_OF

HELLO = "  <p>Hello &amp; welcome</p>  "
# As long as a cell holds when typed, far shorter as the text the owner sees (a reader of an .xlsx
# cuts a longer cell to the limit, so text-too-long can only come of a CSV, read by the plain reader).
MARKED_UP = ("<p>" + "a &amp; b " * 3_500)[:EXCEL_CELL_LIMIT]

# Every field with a value that needs cleaning: spaces, Excel's text mark, HTML, numbers as text.
FIRST = {
    "reference": "  STR0001 ",
    "owner": "'Paul Dawkins &amp; team",
    "title": "<p>The financial</p><p>challenge</p>",
    "impact": " Very High ",
    "likelihood": "High",
    "status": "Controls Tasked",
    "first_recorded": dt.date(2021, 9, 1),
    "last_review": "Jan 2024",
    "score": 12,
    "previous_score": "12",
    "rag": " Red ",
    "responsible_officer": "  Jane Smith &amp; Joe Bloggs ",
    "category": "'Finance",
    "information": HELLO,
    "rationale": "'<ul><li>one</li><li>two</li></ul>",
    "consequence": "\u00a0Service cuts\u00a0",
    "existing_controls": 3.0,
    "additional_controls": "<p>Budget review</p>",
    "update": "Q3 &lt;25% spent",
    "current_status": "On track",
    "control_due": "01/02/2025; 03/03/2025",
    "proposal": " Archive ",
    "description": "<b>bold</b> words",
    "next_review": "Apr 2024",
    "treatment": "Treat",
    "inherent_impact": "Very High",
    "inherent_likelihood": "Very High",
    "inherent_score": 16,
    "inherent_rating": "Red",
    "target_impact": "Medium",
    "target_likelihood": "Low",
    "target_score": 2,
    "target_rating": "Green",
}
SECOND = {
    **{name: "" for name in FIELDS},
    "reference": "STR0002",
    "title": 42.0,
    "impact": "Huge",  # off the scale
    "likelihood": 2,
    "score": "twelve",
    "information": MARKED_UP,
    "rationale": "'",
    "update": "   ",
    "last_review": "31/02/2024",
}
NOTES = ["  <p>see <b>notes</b></p> ", "'kept"]


def _write(path: Path, formula_gap: bool) -> Path:
    """openpyxl keeps a cell longer than Excel's limit (xlsxwriter would cut it) and saves no formula result."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    header = [FIELD_LABELS[name] for name in FIELDS] + ["Notes"]
    sheet.append(header)
    for r, risk in enumerate((FIRST, SECOND)):
        sheet.append([risk[name] if risk[name] != "" else None for name in FIELDS] + [NOTES[r]])
    if formula_gap:  # a formula with no saved result: the sheet takes the formula-gap reader
        sheet.cell(6, len(header) + 4).value = "=1+1"
    workbook.save(path)
    return path


def _everything(risk: Risk) -> dict:
    return {
        "row": risk.row,
        "get": {name: risk.get(name) for name in FIELDS},
        "has": {name: risk.has(name) for name in FIELDS},
        "invalid": risk.invalid,
        "status_name": risk.status_name,
        "long_fields": sorted(risk.long_fields or ()),
        "extras": risk.extras,
    }


def test_both_row_readers_read_every_field_of_every_risk_alike(tmp_path):
    plain = read_register(_write(tmp_path / "plain.xlsx", formula_gap=False))
    gap = read_register(_write(tmp_path / "gap.xlsx", formula_gap=True))
    assert set(plain.columns) == set(FIELDS)  # every field is read, so every field is compared
    assert len(plain.risks) == len(gap.risks) == 2
    for plain_risk, gap_risk in zip(plain.risks, gap.risks, strict=True):
        assert _everything(gap_risk) == _everything(plain_risk)
    assert plain.risks[0].get("information") == "Hello & welcome"
    assert plain.risks[0].extras == {"Notes": "see notes"}


def test_both_row_readers_give_the_same_findings(tmp_path):
    plain = validate(read_register(_write(tmp_path / "plain.xlsx", formula_gap=False)), as_of=AS_OF)
    gap = validate(read_register(_write(tmp_path / "gap.xlsx", formula_gap=True)), as_of=AS_OF)
    assert [str(f) for f in gap.findings] == [str(f) for f in plain.findings]
    assert "text-too-long" not in plain.codes()
    assert gap.register.risks[1].get("information").startswith("a & b a & b")


def test_template_from_a_sheet_with_a_formula_gap_writes_plain_text(tmp_path):
    source = tmp_path / "gap.xlsx"
    workbook = xlsxwriter.Workbook(source)
    sheet = workbook.add_worksheet("Register")
    header = ["Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "Last Review", "Score", "Information"]
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, ["STR0001", "Owner", "Title", "Very High", "High", "Controls Tasked", "Jan 2024", 12, HELLO])
    sheet.write_formula(1, 12, "=1+1")
    workbook.close()
    out = tmp_path / "template.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--from", str(source)])
    assert result.exit_code == 0, result.output
    texts = [
        cell.value
        for ws in openpyxl.load_workbook(out).worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert "Hello & welcome" in texts
    assert not [text for text in texts if "<p>" in text or "&amp;" in text]
