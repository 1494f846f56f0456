"""The covering report: numbered paragraphs under the hand-made paper's headings, every count a
formula over Appendix A, and a paper file whose words contradict the rows refused."""

from pathlib import Path

import openpyxl
import pytest

from riskbook.outputs.panel.claims import claims
from tests.helpers import CLEAN_EXAMPLE, EXAMPLES, run_cli

APRIL = EXAMPLES / "force-risk-register-apr-2024.xlsx"
PAPER = EXAMPLES / "paper-jan-2024.toml"
HEADINGS = [
    "Purpose of report",
    "Recommendation",
    "Summary",
    "High risks",
    "Archived risks",
    "Changes in risk score",
    "New risks",
    "Risk grading criteria",
]


run = run_cli  # the one CLI runner, tests/helpers.py


def sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Heading -> [(number, paragraph text)] as the Cover shows them (values stored)."""
    ws = openpyxl.load_workbook(path, data_only=True)["Cover"]
    found: dict[str, list[tuple[str, str]]] = {}
    heading = None
    for a, b in ws.iter_rows(min_row=4, max_col=2, values_only=True):
        if a in HEADINGS:
            heading = a
            found[a] = []
        elif heading and a and str(a)[:-1].isdigit() and b:
            found[heading].append((a, b))
    return found


def appendix_a_counts(path: Path) -> dict[str, int]:
    """Counts made here, independently, from Appendix A's current rows."""
    ws = openpyxl.load_workbook(path, data_only=True)["Appendix A"]
    rows = []
    for row in ws.iter_rows(min_row=5, max_col=13, values_only=True):
        if not row[0]:
            break
        rows.append(row)
    return {
        "risks": len(rows),
        "high": sum(1 for r in rows if r[9] == "High"),
        "proposed": sum(1 for r in rows if r[12] == "Proposed archive"),
        "changed": sum(1 for r in rows if r[11] in ("Up", "Down")),
        "new": sum(1 for r in rows if r[12] == "New"),
    }


def test_the_cover_reads_as_the_hand_made_one_numbered_under_its_headings(tmp_path):
    out = tmp_path / "p.xlsx"
    result = run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", PAPER, "-o", out)
    assert result.exit_code == 0, result.output
    found = sections(out)
    assert list(found) == HEADINGS
    numbers = [n for paragraphs in found.values() for n, _ in paragraphs]
    assert numbers == [f"{i}." for i in range(1, len(numbers) + 1)]
    counts = appendix_a_counts(out)
    assert counts == {"risks": 30, "high": 15, "proposed": 6, "changed": 0, "new": 0}
    assert found["Purpose of report"] == [
        (
            "1.",
            "To give the panel assurance on the force's 30 strategic risks as at 16 January 2024, highlighting the "
            "15 High risks and the proposals to archive 6 risks.",
        )
    ]
    assert found["Recommendation"][0][1] == (
        "The panel is asked to note the register and to agree the 6 risks proposed for archive (Appendix B)."
    )
    assert found["Summary"][0][1] == "30 risks are currently on the register."
    assert found["High risks"][0][1].startswith("15 risks are currently rated High (scores 9–16). All 30 current")
    assert found["Archived risks"][0][1] == "6 risks are proposed for archive; their cards are in Appendix B."
    assert found["Changes in risk score"][0][1] == "No risk's score has changed since the last panel."
    assert found["New risks"][0][1] == "No new risk has been put forward since the last panel."


def test_every_count_on_the_cover_is_a_formula_over_appendix_a(tmp_path):
    out = tmp_path / "p.xlsx"
    result = run("build", APRIL, "--previous", CLEAN_EXAMPLE, "--as-of", "2024-04-30", "--paper", PAPER, "-o", out)
    assert result.exit_code == 0, result.output
    counts = appendix_a_counts(out)
    assert counts == {"risks": 25, "high": 13, "proposed": 0, "changed": 1, "new": 1}
    found = sections(out)
    assert found["Archived risks"][1][1].startswith("6 risks have been archived since the last panel")
    assert found["Changes in risk score"][0][1].startswith("1 risk's score has changed")
    assert found["New risks"][0][1].startswith("1 new risk has been put forward")
    ws = openpyxl.load_workbook(out)["Cover"]
    for number, cell in ws.iter_rows(min_row=4, max_col=2):  # the grading paragraph is the scheme's, not a count
        text = str(cell.value or "")
        if number.value and str(number.value)[:-1].isdigit() and not text.startswith("Every risk is scored"):
            assert cell.data_type == "f" and "'Appendix A'!" in text, (number.value, text)


@pytest.mark.parametrize(
    ("recommendation", "stated", "meaning"),
    [
        ("The panel is asked to agree the seven risks proposed for archive.", 7, "risks proposed for archive"),
        ("The panel is asked to note that 14 risks are rated High.", 14, "High risks"),
        ("There are 31 strategic risks on the register.", 31, "current risks"),
        ("The panel notes two new risks.", 2, "new risks"),
    ],
)
def test_a_paper_whose_words_contradict_the_rows_is_refused_and_nothing_written(
    tmp_path, recommendation, stated, meaning
):
    paper = tmp_path / "paper.toml"
    paper.write_text(f'recommendation = "{recommendation}"\n', encoding="utf-8")
    out = tmp_path / "p.xlsx"
    result = run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", paper, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"{paper}!recommendation: says {stated} (" in result.output
    assert "but the register has" in result.output and meaning in result.output
    assert "[paper-contradiction]" in result.output
    assert "Nothing written" in result.output
    assert not out.exists()


def test_a_paper_reused_next_quarter_is_caught(tmp_path):
    """January's words, April's rows: six proposed for archive in January, none proposed in April."""
    paper = tmp_path / "paper.toml"
    paper.write_text('purpose = "With the proposals to archive six risks."\n', encoding="utf-8")
    result = run("build", APRIL, "--previous", CLEAN_EXAMPLE, "--as-of", "2024-04-30", "--paper", paper, "-o",
                 tmp_path / "p.xlsx")  # fmt: skip
    assert result.exit_code == 1 and "has 0 risks proposed for archive" in result.output


def test_a_count_the_paper_names_that_does_not_exist_is_one_line(tmp_path):
    paper = tmp_path / "paper.toml"
    paper.write_text('purpose = "Archive {archvie} risks."\n', encoding="utf-8")
    result = run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", paper, "-o", tmp_path / "p.xlsx")
    assert result.exit_code == 2 and result.output.strip().count("\n") == 0
    assert "{archvie} names no count" in result.output and "{archive}" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the register as at 16 January 2024, with the proposals to archive six risks", [(6, "proposed")]),
        ("There are currently 30 strategic risks on the risk register.", [(30, "risks")]),
        ("15 risks are currently rated as 'High' priority.", [(15, "High")]),
        ("7 risks have been recommended for archive, since JARAP last met in October 2023.", [(7, "proposed")]),
        ("No risks have been recommended for a change in risk score.", [(0, "changed")]),
        ("Twenty-one risks are Medium and 3 are Low.", [(21, "Medium")]),
        ("Meeting on 2 February 2024 in room 12.", []),
    ],
)
def test_numbers_the_text_states_as_counts(text, expected):
    assert [(c.value, c.count) for c in claims(text, ["High", "Medium", "Low"])] == expected
