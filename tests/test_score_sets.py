"""Inherent, current and target assessments: each set present is checked, and the three are compared."""

from click.testing import CliRunner

from riskbook.cli import cli
from tests.cards import card_fields
from tests.conftest import HEADER, risk_row, write_xlsx

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
