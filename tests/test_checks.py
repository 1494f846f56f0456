"""Every check: one register that triggers it, one that doesn't, and the message a user reads."""

import csv
import datetime as dt

import pytest

from riskbook import read_register, validate
from tests.helpers import AS_OF, CLEAN_EXAMPLE, HEADER, PUBLISHED_EXAMPLE, risk_row


def findings(make_register, rows, header=HEADER, as_of=AS_OF):
    return validate(read_register(make_register(rows, header=header)), as_of=as_of).findings


def only(found, code):
    return [f for f in found if f.code == code]


def test_clean_register_has_no_findings(make_register):
    assert (
        findings(
            make_register,
            [risk_row("STR0001"), risk_row("STR0002", impact="Low", likelihood="Low", score=1, previous=1)],
        )
        == []
    )


def test_score_mismatch_names_the_cell_and_the_right_score(make_register):
    found = findings(make_register, [risk_row("STR0292", impact="Very High", likelihood="Medium", score=12)])
    assert [str(f) for f in found] == [
        "Register!I2 STR0292: score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)"
    ]
    assert found[0].severity == "error" and found[0].code == "score-mismatch"


def test_rag_mismatch(make_register):
    header = [*HEADER, "RAG"]
    assert only(findings(make_register, [[*risk_row(score=12), "High"]], header), "rag-mismatch") == []
    assert only(findings(make_register, [[*risk_row(score=12), "Red"]], header), "rag-mismatch") == []
    found = only(findings(make_register, [[*risk_row(score=12), "Medium"]], header), "rag-mismatch")
    assert [(f.cell, f.message) for f in found] == [
        ("K2", "rating 'Medium' does not match score 12, which is High (9–16)")
    ]


def test_bad_scale_value(make_register):
    found = findings(make_register, [risk_row(impact=5, score=None, previous=None)])
    assert [(f.code, f.cell) for f in found] == [("bad-scale-value", "D2")]
    assert "impact 5 is not on the scale (1 Low, 2 Medium, 3 High, 4 Very High)" in found[0].message


@pytest.mark.parametrize(
    "status", ["Controls tasked", "Control Tasked", "Pending Control", "controls  TASKED", "Controls Taskd"]
)
def test_status_variant_is_a_warning_with_the_canonical_status(make_register, status):
    found = findings(make_register, [risk_row(status=status)])
    assert [(f.severity, f.code) for f in found] == [("warning", "status-variant")]
    assert "read as 'Controls Tasked'" in found[0].message


def test_unknown_status_is_an_error_listing_the_statuses(make_register):
    found = findings(make_register, [risk_row(status="Sorted")])
    assert [(f.severity, f.code, f.cell) for f in found] == [("error", "unknown-status", "F2")]
    assert "Controls Tasked, Overdue Control, Managed, Controlled, Awaiting Review" in found[0].message


def test_review_overdue_counts_the_days(make_register):
    found = findings(make_register, [risk_row(last="15/10/2023")], as_of=dt.date(2024, 1, 16))
    assert [(f.code, f.cell) for f in found] == [("review-overdue", "H2")]
    assert found[0].message == (
        "last review 15/10/2023 is 1 day overdue: High risks are reviewed every 3 months, so it was due by 15/01/2024"
    )
    assert findings(make_register, [risk_row(last="16/10/2023")], as_of=dt.date(2024, 1, 16)) == []


def test_month_only_review_gets_the_benefit_of_the_doubt(make_register):
    # Reviewed "Oct 2023" counts as reviewed on 31 Oct 2023: due by 31 Jan 2024.
    assert findings(make_register, [risk_row(last="Oct 2023")], as_of=dt.date(2024, 1, 31)) == []
    assert only(findings(make_register, [risk_row(last="Oct 2023")], as_of=dt.date(2024, 2, 1)), "review-overdue")


def test_missing_values(make_register):
    found = findings(make_register, [risk_row(owner="", status="  ", last=None)])
    assert [(f.code, f.cell) for f in found] == [
        ("missing-value", "B2"),
        ("missing-value", "F2"),
        ("missing-value", "H2"),
    ]
    assert found[0].message == "owner is empty"


def test_missing_column_is_an_error_on_the_header_row(make_register):
    header = [h for h in HEADER if h != "Likelihood"]
    row = risk_row(score="")
    del row[4]
    found = findings(make_register, [row], header=header)
    assert [(f.code, f.cell) for f in found] == [("missing-column", "1:1")]
    assert found[0].message == "the header row has no Likelihood column; add one"


def test_bad_reference_suggests_the_padded_form(make_register):
    found = findings(make_register, [risk_row(ref="STR449"), risk_row(ref="STR0450")])
    assert [(f.severity, f.code, f.cell) for f in found] == [("warning", "bad-reference", "A2")]
    assert "did you mean STR0449?" in found[0].message
    found = findings(make_register, [risk_row(ref="RISK-1")])
    assert "expected a reference like STR0449" in found[0].message


def test_duplicate_reference_names_both_cells(make_register):
    found = findings(make_register, [risk_row("STR0001"), risk_row("STR0002"), risk_row("STR0001")])
    assert [(f.code, f.cell) for f in found] == [("duplicate-reference", "A4")]
    assert "first at Register!A2" in found[0].message


def test_bad_date_unreadable_or_in_the_future(make_register):
    found = findings(make_register, [risk_row(first="sometime"), risk_row("STR0002", last="Feb 2024")])
    assert [(f.code, f.cell) for f in found] == [("bad-date", "G2"), ("bad-date", "H3")]
    assert "after the as-of date 16/01/2024" in found[1].message


def test_date_order(make_register):
    found = findings(make_register, [risk_row(first="10/01/2024", last="Dec 2023")])
    assert [(f.code, f.cell) for f in found] == [("date-order", "G2")]
    assert findings(make_register, [risk_row(first="Jan 2024", last="10/01/2024")]) == []


def test_text_too_long_is_a_warning_and_the_text_is_kept(make_register, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in risk_row(title="x" * 40_000)) + "\n")
    register = read_register(path)
    found = validate(register, as_of=AS_OF).findings
    assert [(f.severity, f.code, f.cell) for f in found] == [("warning", "text-too-long", "C2")]
    assert len(register.risks[0].title) == 40_000


def test_status_stale_with_control_due_dates(make_register):
    header = [*HEADER, "Control Due"]
    past, future = "01/12/2023", "01/03/2024"
    assert findings(make_register, [[*risk_row(), future]], header) == []
    found = findings(make_register, [[*risk_row(), f"{future}\n{past}"]], header)
    assert [(f.severity, f.code, f.cell) for f in found] == [("warning", "status-stale", "F2")]
    assert "it should be 'Overdue Control'" in found[0].message
    found = findings(make_register, [[*risk_row(status="Overdue Control"), future]], header)
    assert [f.code for f in found] == ["status-stale"]
    assert findings(make_register, [[*risk_row(status="Overdue Control"), past]], header) == []


def test_the_published_paper_has_exactly_its_known_contradictions():
    report = validate(read_register(PUBLISHED_EXAMPLE), as_of=AS_OF)
    assert sorted((f.reference, f.code) for f in report.findings) == [
        ("STR0243", "status-variant"),
        ("STR0291", "status-variant"),
        ("STR0292", "score-mismatch"),
        ("STR0380", "score-mismatch"),
        ("STR0422", "score-mismatch"),
        ("STR0422", "status-variant"),
    ]
    assert len(report.register.risks) == 30


def test_the_corrected_example_is_clean():
    report = validate(read_register(CLEAN_EXAMPLE), as_of=AS_OF)
    assert report.findings == []
    assert report.ok


@pytest.mark.parametrize("ragged", [False, True], ids=["every-row-full-width", "a-short-row"])
def test_a_narrative_longer_than_a_cell_is_found(tmp_path, ragged):
    """Narrative is read lazily; its lengths are checked in one pass where every row reaches the narrative."""
    rows = [
        [*HEADER, "Information", "Update"],
        [*risk_row(), "x" * 40_000, "in hand"],
        [*risk_row("STR0002"), "short"] if ragged else [*risk_row("STR0002"), "short", "done"],
    ]
    path = tmp_path / "long-narrative.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    register = read_register(path)
    found = validate(register, as_of=AS_OF).findings
    assert [(f.code, f.cell) for f in found] == [("text-too-long", "K2")]
    assert len(register.risks[0].get("information")) == 40_000
