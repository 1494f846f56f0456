"""Inherent, current and target assessments: each set present is checked, and the three are compared."""

from click.testing import CliRunner

from riskbook.cli import cli
from tests.cards import card_fields
from tests.helpers import HEADER, risk_row, write_xlsx

SETS = ["Inherent Impact", "Inherent Likelihood", "Inherent Score", "Inherent Rating", "Target Score"]


def findings(tmp_path, extra):
    rows = [[*HEADER, *SETS], [*risk_row(score=12, previous=12), *extra]]
    path = write_xlsx(tmp_path / "register.xlsx", rows)
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", "2024-01-16"])
    return result, [line.strip() for line in result.output.splitlines() if line.startswith("  ")]


def test_consistent_sets_have_no_findings(tmp_path):
    result, lines = findings(tmp_path, ["Very High", "Very High", 16, "High", 4])
    assert result.exit_code == 0 and lines == []


def test_an_inherent_score_that_is_not_its_impact_times_likelihood_is_named(tmp_path):
    result, lines = findings(tmp_path, ["Very High", "Very High", 15, "High", 4])
    assert result.exit_code == 1
    assert lines == [
        "error   Register!M2 STR0001: score 15 is not inherent impact × likelihood "
        "(Very High 4 × Very High 4 = 16)  [score-mismatch]"
    ]


def test_an_inherent_rating_off_its_band_is_named(tmp_path):
    _, lines = findings(tmp_path, ["Very High", "Very High", 16, "Low", 4])
    assert lines == [
        "error   Register!N2 STR0001: rating 'Low' does not match score 16, which is High (9–16)  [rag-mismatch]"
    ]


def test_current_above_inherent_and_target_above_current_are_warnings(tmp_path):
    result, lines = findings(tmp_path, ["Medium", "Medium", 4, "Low", 16])
    assert result.exit_code == 0
    assert lines == [
        "warning Register!M2 STR0001: current score 12 is above the inherent score 4; controls should bring a risk "
        "down, not up  [score-order]",
        "warning Register!O2 STR0001: target score 16 is above the current score 12; controls should bring a risk "
        "down, not up  [score-order]",
    ]


def test_cards_show_each_set_the_register_carries(tmp_path):
    import openpyxl

    rows = [[*HEADER, "Inherent Impact", "Inherent Likelihood", "Inherent Score", "Target Score"]]
    rows.append([*risk_row(score=12, previous=12), "Very High", "Very High", 16, 4])
    path = write_xlsx(tmp_path / "register.xlsx", rows)
    out = tmp_path / "panel.xlsx"
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(out), "--as-of", "2024-01-16"])
    assert result.exit_code == 0, result.output
    card = card_fields(openpyxl.load_workbook(out)["Appendix E"].iter_rows(max_col=2, values_only=True))
    assert card["Rating"] == "12 · High"
    assert card["Inherent Rating"] == "Very High × Very High · 16 · High"
    assert card["Target Rating"] == "4 · Low"


# -- Each score checked against its own set ----------------------------------------------------------

INHERENT_ONLY = ["Risk ID", "Risk Name", "Impact", "Likelihood", "Inherent Score", "Residual Score", "Residual Rating"]


def _validate(tmp_path, rows, header):
    path = write_xlsx(tmp_path / "register.xlsx", [header, *rows])
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", "2024-01-16"])
    lines = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    return result, [
        line
        for line in lines
        if "[column-absent]" not in line and "[bad-reference]" not in line and "[reference-own-form]" not in line
    ]


def test_a_residual_score_without_its_own_impact_and_likelihood_is_checked_against_its_band(tmp_path):
    rows = [
        ["R01", "Flood", 4, 3, 12, 6, "Medium"],
        ["R02", "Fire", 2, 2, 4, 2, "Low"],
        ["R03", "Cyber", 4, 4, 16, 9, "Low"],  # 9 is High: the rating is wrong
        ["R04", "Fraud", 3, 3, 8, 4, "Low"],  # 3 × 3 is 9: the inherent score is wrong
    ]
    result, lines = _validate(tmp_path, rows, INHERENT_ONLY)
    assert result.exit_code == 1
    assert lines == [
        "warning Register!F1: the Impact and Likelihood columns are read as the inherent assessment (the inherent "
        "score is impact × likelihood on 3 of 4 rows, the current score on 0): 'Residual Score' has no impact and "
        "likelihood of its own, so it is read as stated and checked against its band  [score-set-inherent]",
        "error   Register!G4 R03: rating 'Low' does not match score 9, which is High (9–16)  [rag-mismatch]",
        "error   Register!E5 R04: score 8 is not inherent impact × likelihood (High 3 × High 3 = 9)  [score-mismatch]",
    ]


def test_a_numeric_rating_equal_to_the_score_is_the_score(tmp_path):
    header = ["Risk ID", "Risk Name", "Impact", "Likelihood", "Risk Score", "Risk Rating"]
    rows = [["R01", "Flood", 4, 3, 12, 12], ["R02", "Fire", 2, 2, 4, 9]]
    _, lines = _validate(tmp_path, rows, header)
    assert [line for line in lines if "rag-mismatch" in line] == [
        "error   Register!F3 R02: rating '9' does not match score 4, which is Low (1–4)  [rag-mismatch]"
    ]


def test_band_words_in_a_score_column_are_a_rating(tmp_path):
    header = ["Risk ID", "Risk Name", "Impact", "Likelihood", "Risk Score"]
    rows = [["R01", "Flood", 4, 3, "High"], ["R02", "Fire", 2, 2, "Low"], ["R03", "Cyber", 4, 4, "Medium"]]
    _, lines = _validate(tmp_path, rows, header)
    assert [line for line in lines if line.startswith("error")] == [
        "error   Register!E4 R03: rating 'Medium' does not match score 16, which is High (9–16)  [rag-mismatch]"
    ]


def test_a_set_with_band_words_in_its_score_column_checks_them_as_its_rating(tmp_path):
    header = [
        "Risk ID",
        "Risk Name",
        "Impact",
        "Likelihood",
        "Inherent Impact",
        "Inherent Likelihood",
        "Inherent Score",
    ]
    rows = [["R01", "Flood", 2, 2, 4, 4, "High"], ["R02", "Fire", 1, 1, 3, 2, "High"]]
    _, lines = _validate(tmp_path, rows, header)
    assert [line for line in lines if line.startswith("error")] == [
        "error   Register!G3 R02: rating 'High' does not match score 6, which is Medium (5–8)  [rag-mismatch]"
    ]


def test_last_periods_residual_scores_are_compared_as_stated_too(tmp_path):
    rows = [["R01", "Flood", 4, 3, 12, 6, "Medium"], ["R02", "Fire", 2, 2, 4, 2, "Low"]]
    last = write_xlsx(tmp_path / "last.xlsx", [INHERENT_ONLY, *rows])
    rows[0][5] = 8
    now = write_xlsx(tmp_path / "now.xlsx", [INHERENT_ONLY, *rows])
    out = tmp_path / "panel.xlsx"
    args = ["build", str(now), "--previous", str(last), "--as-of", "2024-01-16", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("1 score change · 0 new")


def test_an_inherent_level_off_the_scale_is_said_once_for_its_column_not_passed_in_silence(tmp_path):
    """Kept as typed, an off-scale inherent level leaves its set unchecked: the column says so."""
    result, lines = findings(tmp_path, ["Catastrophic", "Very High", 20, "High", 4])
    assert result.exit_code == 0
    assert lines == [
        "warning Register!K2: column 'Inherent Impact' (K): 1 of 1 values are not on the scheme's impact scale "
        "(e.g. K2: 'Catastrophic'), so those risks' inherent score is not checked  [set-off-scale]"
    ]
