"""Large registers: the streamed sheets, long appendices, progress, and the formulas riskbook writes."""

import datetime as dt
import re

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from riskbook import build_workbook, load_scheme, read_register, validate
from riskbook.cli import cli
from riskbook.outputs.panel.cards import MAX_CARD_TABLES
from riskbook.outputs.panel.matrix import _references_text
from tests.helpers import CLEAN_EXAMPLE, HEADER

pytestmark = pytest.mark.slow  # registers of tens of thousands of risks

LABELS = ["Low", "Medium", "High", "Very High"]
SIZE = 5_200


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """5,200 risks, every fourth High and proposed for archive every tenth."""
    path = tmp_path_factory.mktemp("large") / "large.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Register")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, [*HEADER, "Information", "Proposal"])
    for n in range(1, SIZE + 1):
        impact, likelihood = n % 4 + 1, (n // 4) % 4 + 1
        row = [
            f"STR{n:04d}" if n < 10_000 else f"STR{n}",
            "Owner",
            f"Risk {n}",
            LABELS[impact - 1],
            LABELS[likelihood - 1],
            "Managed",
        ]
        sheet.write_row(n, 0, row)
        sheet.write_datetime(n, 6, dt.datetime(2020, 1, 1), dates)
        sheet.write_datetime(n, 7, dt.datetime(2024, 1, 10), dates)
        sheet.write_number(n, 8, impact * likelihood)
        sheet.write_number(n, 9, impact * likelihood)
        sheet.write_string(n, 10, f"<p>Background for risk {n}.</p>")
        sheet.write_string(n, 11, "Archive" if n % 10 == 0 else "")
    workbook.close()
    return path


@pytest.fixture(scope="module")
def large_panel(large, tmp_path_factory):
    out = tmp_path_factory.mktemp("panel") / "panel.xlsx"
    scheme = load_scheme()
    register = read_register(large, scheme=scheme)
    report = validate(register, as_of=dt.date(2024, 1, 16))
    assert report.ok
    calls = []
    result = build_workbook(
        report,
        out,
        progress=lambda done, total: calls.append((done, total)),
    )
    return out, result, calls


def test_large_build_counts_and_streamed_appendix_a(large_panel):
    out, result, _ = large_panel
    period = result.period
    assert len(period.current) == SIZE
    wb = openpyxl.load_workbook(out, read_only=False)
    appendix_a = wb["Appendix A"]
    assert appendix_a.max_row == 4 + SIZE
    assert appendix_a.auto_filter.ref == f"A4:M{4 + SIZE}"  # streamed: filters instead of an Excel table
    assert [c.value for c in appendix_a[4]][:3] == ["Reference", "Owner", "Title"]
    assert wb["Summary"]["B5"].data_type == "f"
    values = openpyxl.load_workbook(out, data_only=True)
    cached = {r[0]: r[1] for r in values["Summary"].iter_rows(min_row=5, max_row=12, values_only=True)}
    expected_high = sum(1 for n in range(1, SIZE + 1) if (n % 4 + 1) * ((n // 4) % 4 + 1) >= 9)
    assert cached["Current risks on the register"] == SIZE
    assert cached["High risks (scores 9–16)"] == expected_high
    assert cached["Proposed for archive"] == SIZE // 10


def test_long_appendix_is_one_field_value_table(large_panel):
    out, result, _ = large_panel
    high = result.period.top_band_not_elsewhere
    assert len(high) > MAX_CARD_TABLES
    ws = openpyxl.load_workbook(out)["Appendix E"]
    assert [c.value for c in ws[4]][:3] == ["Reference", "Field", "Value"]
    rows = list(ws.iter_rows(min_row=5, max_col=3, values_only=True))
    assert rows[0] == (high[0].reference, "Title", high[0].risk.title)
    refs = {r[0] for r in rows}
    assert refs == {r.reference for r in high}
    information = [r[2] for r in rows if r[1] == "Information"]
    assert information[0] == f"Background for risk {int(high[0].reference[3:])}."
    titles = {n for n, row in enumerate(rows, start=5) if row[1] == "Title"}
    breaks = {brk.id + 1 for brk in ws.row_breaks.brk}  # openpyxl: the break is after row id
    assert breaks <= titles and len(breaks) < len(titles) / 2  # between cards, several cards to a page


def test_progress_reaches_the_total(large_panel, large):
    _, result, calls = large_panel
    assert calls and sum(done for done, _ in calls) == calls[0][1]
    period = result.period
    cards = len(period.archive) + len(period.changes) + len(period.new) + len(period.top_band_not_elsewhere)
    assert calls[0][1] == len(period.risks) + cards
    seen = []
    validate(read_register(large), as_of=dt.date(2024, 1, 16), progress=lambda done, total: seen.append((done, total)))
    assert sum(done for done, _ in seen) == SIZE and {total for _, total in seen} == {SIZE}


def test_no_progress_bar_when_not_on_a_terminal(large, tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(large), "--as-of", "2024-01-16"])
    assert result.exit_code == 0
    assert "Checking" not in result.output and result.output.strip() == f"{SIZE} risks · 0 errors · 0 warnings"


def test_matrix_cell_never_drops_references_unsaid():
    refs = [f"STR{n:06d}" for n in range(5_000)]
    text = _references_text(refs, "High", "Low")
    assert len(text) <= 32_767
    kept = text.split(" … ")[0].split(", ")
    assert kept == refs[: len(kept)]
    assert f"… and {5_000 - len(kept):,} more" in text and "filter Appendix A by Impact High and Likelihood Low" in text


CLASSIC_FUNCTIONS = {
    "IF",
    "IFERROR",
    "AND",
    "OR",
    "COUNTIFS",
    "COUNTIF",
    "COUNTA",
    "SUM",
    "MATCH",
    "EDATE",
    "ISNUMBER",
    "DATE",
    "VALUE",
    "RIGHT",
    "LEFT",
    "TODAY",
    "ISTEXT",
    "TRIM",
    "SUBSTITUTE",
    "FIND",
    "MID",
    "LEN",
    "INDEX",
    "NA",
    "MOD",
}


def test_formulas_use_only_classic_functions(tmp_path):
    """riskbook skips xlsxwriter's rewriting of Excel 365 functions; this keeps that safe."""
    panel = tmp_path / "p.xlsx"
    CliRunner().invoke(cli, ["build", str(CLEAN_EXAMPLE), "-o", str(panel), "--as-of", "2024-01-16"])
    template = tmp_path / "t.xlsx"
    CliRunner().invoke(cli, ["template", "-o", str(template), "--from", str(CLEAN_EXAMPLE)])
    used = set()
    for path in (panel, template):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value))
            for cf in ws.conditional_formatting:
                for rule in cf.rules:
                    for formula in rule.formula or ():
                        used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula))
    assert used and used <= CLASSIC_FUNCTIONS, used - CLASSIC_FUNCTIONS
