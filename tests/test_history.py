"""A register's history (issue 21): earlier periods read the same way, in date order, and the findings
only several periods can show. The paper's history (arrows, trails, Trend sheet) is in test_history_paper.py."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import riskbook
from riskbook.check.history import light_edit, stated_date
from tests.helpers import EXAMPLES, run_cli
from tests.history_quarters import AS_OF, write_quarters


@pytest.fixture(scope="module")
def quarters(tmp_path_factory):
    return write_quarters(tmp_path_factory.mktemp("quarters"))


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _shuffled(quarters):
    return ["--previous", quarters["jul"], "--previous", quarters["jan"], "--previous", quarters["apr"]]


def test_earlier_periods_are_ordered_by_the_date_each_register_states(quarters):
    result = run_cli("validate", quarters["oct"], *_shuffled(quarters), "--as-of", AS_OF, "--format", "json")
    history = _json(result)["history"]
    assert [(h["input"].rsplit("/", 1)[-1], h["date"], h["dated_by"]) for h in history] == [
        ("force-register-jan-2024.xlsx", "2024-01-31", "stated in the file"),
        ("force-register-apr-2024.xlsx", "2024-04-30", "stated in the file"),
        ("force-register-jul-2024.xlsx", "2024-07-31", "stated in the file"),
    ]
    assert (
        "Periods, oldest first: force-register-jan-2024.xlsx (31/01/2024, stated in the file) → "
        "force-register-apr-2024.xlsx (30/04/2024, stated in the file) → force-register-jul-2024.xlsx "
        "(31/07/2024, stated in the file) → force-register-oct-2024.xlsx (as at 31/10/2024)"
    ) in result.stderr


def test_findings_across_periods_name_the_cells_and_carry_their_fields(quarters):
    findings = _json(run_cli("validate", quarters["oct"], *_shuffled(quarters), "--as-of", AS_OF, "--format", "json"))[
        "findings"
    ]
    found = {(f["code"], f["sheet"], f["cell"], f["reference"]): f["fields"] for f in findings}
    assert found == {
        ("vanished-risk", "[force-register-apr-2024.xlsx]Register", "A21", "STR0453"): {
            "title": "Nano cell panels sending incorrect information",
            "period": "30 Apr 2024",
            "last_file": "force-register-apr-2024.xlsx",
        },
        ("reference-reused", "Register", "C13", "STR0350"): {
            "reference": "STR0350",
            "before": "Risk associated with a transition to an alternatively fuelled fleet",
            "period": "31 Jul 2024",
            "title": "Fleet vehicles off the road awaiting parts",
            "similarity": 0.09,
            "threshold": 0.6,
        },
        ("review-gap", "Register", "H14", "STR0383"): {
            "start": "Jan 2024",
            "end": "Oct 2024",
            "band": "High",
            "interval": "3 months",
            "gap_days": 274,
        },
        # STR0081 also moved (16 → 12), but its Update says why: no finding
        ("unexplained-change", "Register", "I27", "STR0460"): {
            "previous": 12,
            "score": 16,
            "period": "31 Jul 2024",
            "columns": "Update and Current Status",
        },
    }
    assert {f["severity"] for f in findings} == {"warning"}


def test_a_history_folder_is_the_same_periods_leaving_out_the_current_register(quarters, tmp_path):
    folder = tmp_path / "history"
    folder.mkdir()
    for name in ("jan", "apr", "jul", "oct"):
        shutil.copy(quarters[name], folder / quarters[name].name)
    (folder / "~$force-register-jul-2024.xlsx").write_bytes(b"Excel's lock file")
    by_folder = run_cli(
        "validate", folder / quarters["oct"].name, "--history", folder, "--as-of", AS_OF, "--format", "json"
    )
    by_option = run_cli("validate", quarters["oct"], *_shuffled(quarters), "--as-of", AS_OF, "--format", "json")
    assert [f["code"] for f in _json(by_folder)["findings"]] == [f["code"] for f in _json(by_option)["findings"]]
    assert len(_json(by_folder)["history"]) == 3


def test_without_a_stated_date_the_files_modified_date_orders_them(quarters, tmp_path):
    import openpyxl

    paths = []
    for day, name in ((20, "jul"), (10, "jan"), (15, "apr")):  # modified: jan 10, apr 15, jul 20 (April 2024)
        path = tmp_path / f"{name}.xlsx"
        book = openpyxl.load_workbook(quarters[name])
        book["Register"]["A2"] = "Quarterly update"  # the date line gone
        book.save(path)
        stamp = riskbook_date(2024, 4, day)
        os.utime(path, (stamp, stamp))
        paths += ["--previous", path]
    history = _json(run_cli("validate", quarters["oct"], *paths, "--as-of", AS_OF, "--format", "json"))["history"]
    assert [(h["input"].rsplit("/", 1)[-1], h["date"], h["dated_by"]) for h in history] == [
        ("jan.xlsx", "2024-04-10", "the file's modified date"),
        ("apr.xlsx", "2024-04-15", "the file's modified date"),
        ("jul.xlsx", "2024-04-20", "the file's modified date"),
    ]


def riskbook_date(year: int, month: int, day: int) -> float:
    import datetime as dt

    return dt.datetime(year, month, day, 12).timestamp()


def test_more_than_twelve_earlier_periods_is_one_line_and_exit_2(quarters, tmp_path):
    copies = [shutil.copy(quarters["jan"], tmp_path / f"q{n:02}.xlsx") for n in range(13)]
    result = run_cli("validate", quarters["oct"], *[a for c in copies for a in ("--previous", c)], "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (
        "riskbook: 13 earlier periods given; riskbook compares at most 12 (three years of quarters): "
        "leave out the oldest\n"
    )


def test_one_previous_alone_is_todays_comparison_with_no_history(quarters):
    result = _json(
        run_cli("validate", quarters["oct"], "--previous", quarters["jul"], "--as-of", AS_OF, "--format", "json")
    )
    assert "history" not in result
    assert {f["code"] for f in result["findings"]} == set()


def test_the_library_takes_history_and_the_nearest_is_previous(quarters):
    import datetime as dt

    as_of = dt.date.fromisoformat(AS_OF)
    report = riskbook.check_register(quarters["oct"], history=[quarters["apr"], quarters["jan"]], as_of=as_of)
    assert report.previous is not None and report.previous.path.endswith("apr-2024.xlsx")
    by_reference = {r.reference: r for r in report.period.risks}
    assert by_reference["STR0292"].trail == (12, 16)
    assert by_reference["STR0460"].trail == (None, 9)
    with pytest.raises(TypeError, match="previous or history, not both"):
        riskbook.check_register(quarters["oct"], previous=quarters["jul"], history=[quarters["jan"]])


@pytest.mark.parametrize(
    ("before", "after", "light"),
    [
        ("Risk of cyber attack", "Risk of cyber-attack", True),
        ("Cyber attack", "Cyber attack on systems", True),
        ("Violence against women and girls", "Violence, abuse and intimidation against women and girls", True),
        ("Fleet replacement", "Cyber security", False),
        ("Lack of PIP 2 detectives", "Drone deployment without an approved policy", False),
    ],
)
def test_a_light_edit_is_a_similarity_of_at_least_six_tenths(before, after, light):
    assert light_edit(before, after) is light


def test_the_date_a_register_states_above_its_header():
    import datetime as dt

    assert stated_date(("Appendix A  Force Risk Register", "31st JANUARY 2024")) == dt.date(2024, 1, 31)
    assert stated_date(("Risk register as at 30/04/2024",)) == dt.date(2024, 4, 30)
    assert stated_date((dt.datetime(2024, 7, 31, 0, 0),)) == dt.date(2024, 7, 31)
    assert stated_date(("Version 4.2", "Owner: Information Security Manager")) is None


def test_a_history_folder_with_no_earlier_register_is_one_line_and_exit_2(quarters, tmp_path):
    shutil.copy(quarters["oct"], tmp_path / "october.xlsx")
    result = run_cli("validate", tmp_path / "october.xlsx", "--history", tmp_path, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == ("riskbook: no earlier period given: the history folder holds only the current register\n")


def test_an_earlier_period_that_cannot_be_read_is_named_in_one_line(quarters, tmp_path):
    broken = tmp_path / "april.xlsx"
    broken.write_bytes(b"not a workbook")
    result = run_cli("build", quarters["oct"], "--previous", quarters["jan"], "--previous", broken, "-o",
                     tmp_path / "out.xlsx", "--as-of", AS_OF)  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith(f"riskbook: {broken}") and result.stderr.count("\n") == 1
    assert not (tmp_path / "out.xlsx").exists()


def test_the_annotated_copy_names_an_earlier_files_cell_and_marks_none_of_its_own_for_it(quarters, tmp_path):
    import openpyxl

    out = tmp_path / "checked.xlsx"
    result = run_cli("validate", quarters["oct"], *_shuffled(quarters), "--as-of", AS_OF, "--annotate", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    rows = {row[1]: row[3] for row in book["Findings"].iter_rows(min_row=2, values_only=True)}
    assert rows["vanished-risk"] == "[force-register-apr-2024.xlsx]Register!A21"
    assert rows["reference-reused"] == "Register!C13"
    assert book["Register"]["A21"].comment is None  # row 21 of this register is another risk
    assert "reference-reused" in book["Register"]["C13"].comment.text


def test_a_period_given_twice_or_the_register_itself_is_refused_in_one_line(quarters):
    folder = quarters["oct"].parent
    twice = run_cli("validate", quarters["oct"], "--history", folder, "--previous", quarters["jul"], "--as-of", AS_OF)
    assert twice.exit_code == 2 and "given twice as an earlier period" in twice.stderr
    itself = run_cli(
        "validate", quarters["oct"], "--previous", quarters["oct"], "--previous", quarters["jul"], "--as-of", AS_OF
    )
    assert itself.exit_code == 2 and "is the register being checked" in itself.stderr


def test_a_period_stating_a_later_date_is_not_taken_for_an_earlier_one(quarters):
    result = run_cli(
        "validate", quarters["jul"], "--previous", quarters["oct"], "--previous", quarters["apr"], "--as-of", AS_OF
    )
    assert result.exit_code == 2
    assert "states 31 Oct 2024, after the register being checked (31 Jul 2024)" in result.stderr


def test_a_risk_closed_last_period_and_gone_now_has_not_vanished(tmp_path):
    """A status the scheme marks closed is an ending, as a proposal to archive is."""
    import openpyxl

    scheme = EXAMPLES.parent / "workbook_templates" / "scheme-5x5-words.toml"
    history = tmp_path / "history"
    history.mkdir()
    shutil.copy(EXAMPLES / "iso27001-risk-register.xlsx", history / "last.xlsx")
    book = openpyxl.load_workbook(EXAMPLES / "iso27001-risk-register.xlsx")
    sheet, closed = next(
        (ws, cell.row) for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value == "R-005"
    )
    sheet.delete_rows(closed)
    book.save(tmp_path / "now.xlsx")
    result = run_cli(
        "validate", tmp_path / "now.xlsx", "--history", history, "--scheme", scheme, "--as-of", "2024-06-30",
        "--format", "json",
    )  # fmt: skip
    assert "vanished-risk" not in [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_a_review_gap_is_measured_against_the_band_the_risk_was_in_when_it_began():
    """Low (reviewed every 3 months) on 1 March, Medium (every month) by 25 May: on Low's cycle then, no gap;
    the month's cycle applies from the register that put it in Medium."""
    from riskbook.check.history import _longest_gap
    from riskbook.read.values import PartialDate
    from riskbook.scheme.load import load_scheme

    scheme = load_scheme(EXAMPLES.parent / "workbook_templates" / "scheme-3x3.toml")
    low, medium = scheme.band_named("Low"), scheme.band_named("Medium")
    assert (low.review_months, medium.review_months) == (3, 1)
    march, may, july = (PartialDate(2024, m, d) for m, d in ((3, 1), (5, 25), (7, 30)))
    assert _longest_gap([(march, low), (may, medium)]) is None
    assert _longest_gap([(march, low), (may, medium), (july, medium)]) == ((may, medium), (july, medium))
