"""Issue 25's Low items for the paper and scheme files: each file is built byte for byte by
tests/hostile/settings_files.py and run in a child process under a 2 GB address-space limit and a time limit
(tests/hostile/measured.py): read, or refused in one line naming the field, never "internal" or "unexpected".
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import CLEAN_EXAMPLE
from tests.hostile import settings_files
from tests.hostile.measured import assert_well_behaved, refused, run_measured


def build(tmp_path, *options):
    out = tmp_path / "panel.xlsx"
    return out, run_measured("build", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-01-16", *options)


def header_markings(path) -> set[str]:
    import openpyxl

    return {sheet.oddHeader.center.text for sheet in openpyxl.load_workbook(path).worksheets}


@pytest.mark.parametrize(
    "make", [settings_files.empty_marking_paper, settings_files.invisible_marking_paper], ids=["empty", "invisible"]
)
def test_a_paper_whose_marking_prints_as_nothing_is_refused_not_made_official(tmp_path, make):
    paper = make(tmp_path / "paper.toml")
    out, run = build(tmp_path, "--paper", paper)
    refused(run, paper, "paper.toml", "marking", "leave the line out")
    assert not out.exists()


def test_a_marking_of_one_invisible_character_on_the_command_line_is_refused(tmp_path):
    out, run = build(tmp_path, "--marking", "\u200b")
    refused(run, CLEAN_EXAMPLE, "--marking is empty")
    assert not out.exists()


def test_a_paper_file_saved_by_notepad_with_a_byte_order_mark_is_read(tmp_path):
    paper = settings_files.notepad_paper(tmp_path / "paper.toml")
    out, run = build(tmp_path, "--paper", paper)
    assert_well_behaved(run, paper)
    assert run.returncode == 0, run.stderr
    assert header_markings(out) == {"OFFICIAL-SENSITIVE"}


def test_a_paper_title_longer_than_a_cell_is_refused_naming_the_field(tmp_path):
    paper = settings_files.long_title_paper(tmp_path / "paper.toml")
    out, run = build(tmp_path, "--paper", paper)
    refused(run, paper, "paper.toml", "title is 33,000 characters", "at most")
    assert not out.exists()


def test_a_title_longer_than_a_cell_on_the_command_line_is_refused_naming_the_option(tmp_path):
    out, run = build(tmp_path, "--title", "x" * 33_000)
    refused(run, CLEAN_EXAMPLE, "--title is 33,000 characters")
    assert not out.exists()


def test_a_paper_file_nested_thousands_deep_is_refused_in_one_line(tmp_path):
    paper = settings_files.deep_nesting_paper(tmp_path / "paper.toml")
    out, run = build(tmp_path, "--paper", paper)
    refused(run, paper, "paper.toml", "nested")
    assert not out.exists()


def test_a_scheme_saved_by_notepad_with_a_byte_order_mark_is_read(tmp_path):
    scheme = settings_files.notepad_scheme(tmp_path / "scheme.toml")
    out, run = build(tmp_path, "--scheme", scheme)
    assert_well_behaved(run, scheme)
    assert out.exists()
    assert run.returncode == 0, run.stderr
    assert "30 risks · 15 High" in run.stdout


def test_a_scheme_nested_thousands_deep_is_refused_in_one_line(tmp_path):
    scheme = settings_files.deep_nesting_scheme(tmp_path / "scheme.toml")
    out, run = build(tmp_path, "--scheme", scheme)
    refused(run, scheme, "scheme.toml", "nested")
    assert not out.exists()


def test_a_draft_from_case_variant_ratings_a_next_review_in_2100_and_a_long_reference_loads(tmp_path):
    source = settings_files.draft_hostile_ratings_register(tmp_path / "ratings.xlsx")
    draft = tmp_path / "draft.toml"
    run = run_measured("scheme", "--from", source, "-o", draft)
    assert_well_behaved(run, source)
    assert run.returncode == 0, run.stderr
    checked = run_measured("validate", source, "--as-of", "2024-01-16", "--scheme", draft)
    assert_well_behaved(checked, draft)
    assert checked.returncode in (0, 1), checked.stderr
    assert "review_months = 2  #" in draft.read_text(encoding="utf-8")  # 31 Jan to 10 Apr; 2100 is no interval


def test_a_notebook_title_longer_than_a_cell_is_refused_naming_the_field(tmp_path):
    from riskbook import build_workbook, check_register
    from riskbook.errors import RiskbookError

    report = check_register(CLEAN_EXAMPLE, as_of=dt.date(2024, 1, 16))
    with pytest.raises(RiskbookError, match="title is 33,000 characters; a paper's title may have at most 1,000"):
        build_workbook(report, tmp_path / "panel.xlsx", title="x" * 33_000)
    assert not (tmp_path / "panel.xlsx").exists()
