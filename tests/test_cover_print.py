"""Issue 20: the Cover's numbered paragraphs as a hand-made paper sets them: the number at the margin under
its section's heading, the text just after it (printed through LibreOffice, measured with pdftotext -bbox)."""

from __future__ import annotations

import re
import subprocess
from html import unescape

import openpyxl
import pytest

from tests.helpers import CLEAN_EXAMPLE, EXAMPLES, soffice
from tests.helpers import run_cli as run

PAPER = EXAMPLES / "paper-jan-2024.toml"
APRIL = EXAMPLES / "force-risk-register-apr-2024.xlsx"
HEADINGS = {"Purpose of report", "Recommendation", "Summary", "High risks", "Archived risks", "Changes in risk score",
            "New risks", "Risk grading criteria"}  # fmt: skip
HEADER_BAND, FOOTER_BAND = 45, 555  # points from the top of an A4 landscape page
NUMBER = re.compile(r"\d+\.")


def page_words(pdf, page: int = 1) -> list[tuple[str, float, float, float]]:
    """(text, left, top, right) of each word on a page."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    boxes = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', xml)
    return [(unescape(text), float(x0), float(y0), float(x1)) for x0, y0, x1, text in boxes]


def last_body_line(words) -> str:
    body = [(top, left, text) for text, left, top, _ in words if HEADER_BAND < top < FOOTER_BAND]
    bottom = max(top for top, _, _ in body)
    return " ".join(text for top, _, text in sorted(body, key=lambda w: w[1]) if abs(top - bottom) < 2)


@pytest.fixture(scope="module")
def january(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cover")
    out, pdf = folder / "jan.xlsx", folder / "jan.pdf"
    result = run("build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", PAPER, "-o", out, "--pdf", pdf)
    assert result.exit_code == 0, result.output
    return out, pdf


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_paragraph_number_sits_at_the_margin_and_its_text_just_after_it(january):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    _, pdf = january
    words = page_words(pdf)
    heading_left = next(left for text, left, _, _ in words if text == "Purpose")
    numbers = [(left, top, right) for text, left, top, right in words if NUMBER.fullmatch(text) and left < 200]
    assert len(numbers) >= 5
    for left, top, right in numbers:
        following = min(x for _, x, y, _ in words if abs(y - top) < 2 and x > right)
        assert left - heading_left < 80, (left, heading_left)  # near the margin (was 149 pt), not mid-page
        assert following - right < 12, (right, following)  # the text follows the number


def test_the_numbers_column_is_narrow_and_holds_no_merged_cells(january):
    out, _ = january
    sheet = openpyxl.load_workbook(out)["Cover"]
    assert sheet.column_dimensions["A"].width <= 12
    assert not sheet.merged_cells.ranges  # a screen reader reads merged cells poorly


@pytest.mark.slow
@pytest.mark.libreoffice
def test_no_cover_page_ends_with_a_heading_whose_paragraphs_are_on_the_next(tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    pdf = tmp_path / "apr.pdf"
    result = run(
        "build", APRIL, "--previous", CLEAN_EXAMPLE, "--as-of", "2024-04-30", "-o", tmp_path / "apr.xlsx",
        "--pdf", pdf, "--organisation", "Example Constabulary", "--meeting", "JARAP, 8 May 2024",
        "--report-of", "Chief Finance Officer", "--author", "Risk and Business Continuity Adviser",
        "--contact", "risk.unit@example.police.uk",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = 1
    while True:
        words = page_words(pdf, page)
        if not any(text == "Cover" and top > FOOTER_BAND for text, _, top, _ in words):
            break
        assert last_body_line(words) not in HEADINGS, page
        page += 1
    assert page > 2  # the Cover ran onto a second page: the case this test is about
