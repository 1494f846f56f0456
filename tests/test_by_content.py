"""Columns read by their content where the header does not say: said in --show-columns, JSON and a warning."""

import datetime as dt
import json

from riskbook import read_register
from tests.helpers import run_cli as run
from tests.helpers import write_xlsx

AS_OF = "2024-01-16"


def _register(tmp_path):
    """Headers riskbook does not know over a code, a product and two dates (a team's own words)."""
    rows = [
        ["Code", "Title", "Owner", "Impact", "Likelihood", "Exposure", "Raised on", "Looked at", "Status"],
        ["OPS-1", "Supplier failure", "A. Owner", 4, 3, 12, dt.date(2023, 3, 1), dt.date(2024, 1, 10), "Managed"],
        ["OPS-2", "Data breach", "B. Owner", 2, 2, 4, dt.date(2023, 4, 1), dt.date(2024, 1, 9), "Managed"],
        ["FIN-1", "Budget gap", "C. Owner", 3, 1, 3, dt.date(2023, 5, 1), dt.date(2024, 1, 8), "Controlled"],
        ["FIN-2", "Fraud", "D. Owner", 1, 4, 5, dt.date(2023, 6, 1), dt.date(2023, 12, 20), "Managed"],
        ["HR-1", "Key staff leave", "E. Owner", 3, 3, 9, dt.date(2023, 7, 1), dt.date(2023, 12, 21), "Managed"],
    ]
    return write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risks")


def test_columns_read_by_content_are_marked_in_show_columns(tmp_path):
    result = run("validate", _register(tmp_path), "--as-of", AS_OF, "--show-columns")
    lines = result.output.splitlines()
    assert "  A 'Code' → reference (Reference) by content: a unique short code on every row" in lines
    assert "  F 'Exposure' → score (Current/Proposed Score) by content: impact × likelihood on every row" in lines
    assert "  G 'Raised on' → first_recorded (First Recorded) by content: dates, the first date column" in lines
    assert "  H 'Looked at' → last_review (Last Review) by content: dates, the second date column" in lines


def test_json_columns_say_which_were_read_by_content_and_each_is_one_warning(tmp_path):
    result = run("validate", _register(tmp_path), "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.stdout)
    assert data["columns"]["reference"] == {
        "header": "Code",
        "by": "content",
        "why": "a unique short code on every row",
    }
    assert data["columns"]["title"] == "Title"
    assert data["columns"]["score"]["by"] == "content"
    warnings = [(f["cell"], f["message"]) for f in data["findings"] if f["code"] == "column-by-content"]
    assert warnings[1] == (
        "F1",
        "column F ('Exposure') is read as current/proposed score by its content (impact × likelihood on every "
        "row); if it is not, name the right column with --column score=HEADER",
    )
    assert [cell for cell, _ in warnings] == ["A1", "F1", "G1", "H1"]


def test_a_score_read_by_content_is_checked(tmp_path):
    """FIN-2 states 5 for 1 × 4: the column is the product on four rows of five, so it is the score,
    and the mismatch is found."""
    result = run("validate", _register(tmp_path), "--as-of", AS_OF)
    assert "Risks!F5 FIN-2: score 5 is not impact × likelihood (Low 1 × Very High 4 = 4)  [score-mismatch]" in (
        result.output
    )


def test_the_dates_are_read_in_order_first_recorded_then_last_review(tmp_path):
    register = read_register(_register(tmp_path))
    assert register.columns["first_recorded"] == 6 and register.columns["last_review"] == 7
    assert str(register.risks[0].values["last_review"]) == "10/01/2024"


def test_a_column_of_words_or_repeated_numbers_is_not_read_by_content(tmp_path):
    rows = [
        ["Ref", "Title", "Impact", "Likelihood", "Directorate", "Cost band"],
        ["R1", "Supplier failure", 4, 3, "Finance", 2],
        ["R2", "Data breach", 2, 2, "IT", 2],
        ["R3", "Budget gap", 3, 1, "Finance", 1],
    ]
    register = read_register(write_xlsx(tmp_path / "r.xlsx", rows))
    assert register.by_content == {}
    assert [name for _, name in register.extra_columns] == ["Directorate", "Cost band"]


def test_a_very_wide_sheet_is_judged_on_a_bounded_number_of_cells():
    """A header 16,000 columns wide (a hostile file, or a dump): the rows a column's content is judged on
    shrink, so that each look at the content reads at most SAMPLE_CELLS cells, not 200 rows of it."""
    from riskbook.read.by_content import SAMPLE_CELLS, _sample

    width = 16_000
    rows = [["header"] * width] + [[f"risk {n}", *range(width - 1)] for n in range(200)]
    sample = _sample(rows, 1, width)
    assert 3 <= len(sample) and len(sample) * width <= SAMPLE_CELLS
    assert len(_sample(rows, 1, 10)) == 200  # a register's usual width keeps every row of the sample
