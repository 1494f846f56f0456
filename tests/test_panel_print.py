"""The panel paper as the panel reads it: printed by LibreOffice to PDF, and its cover and cards."""

import re
import statistics
import subprocess
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from tests.cards import card_fields
from tests.helpers import CLEAN_EXAMPLE, EXAMPLES, HEADER, risk_row, soffice, write_xlsx
from tests.helpers import run_cli as run

APRIL = EXAMPLES / "force-risk-register-apr-2024.xlsx"
PAPER = EXAMPLES / "paper-jan-2024.toml"
HEADER_BAND, FOOTER_BAND = 45, 555  # points from the top of an A4 landscape page (595 high)


def pdf_pages(pdf: Path) -> list[dict]:
    """Each page's words (text, top, height) from pdftotext -bbox, with the sheet named in its footer."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for body in re.findall(r"<page[^>]*>(.*?)</page>", xml, re.S):
        boxes = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', body)
        words = [(unescape(text), float(y0), float(y1) - float(y0)) for _, y0, y1, text in boxes]
        footer_left = sorted(
            (float(x0), text) for x0, y0, _, text in boxes if float(y0) > FOOTER_BAND and float(x0) < 300
        )
        sheet = " ".join(text for _, text in footer_left)
        pages.append(
            {
                "words": words,
                "body": [w for w, top, _ in words if HEADER_BAND < top < FOOTER_BAND],
                "sheet": sheet,
            }
        )
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The January and April papers, built and printed with build --pdf."""
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("print")
    papers = {}
    for name, args in {
        "jan": [CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", PAPER],
        "apr": [APRIL, "--previous", CLEAN_EXAMPLE, "--as-of", "2024-04-30"],
    }.items():
        result = run("build", *args, "-o", folder / f"{name}.xlsx", "--pdf", folder / f"{name}.pdf")
        assert result.exit_code == 0, result.output
        assert f"Wrote {folder / f'{name}.pdf'}" in result.output
        papers[name] = (folder / f"{name}.xlsx", pdf_pages(folder / f"{name}.pdf"))
    return papers


pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_every_page_prints_at_nine_point_or_more(printed, name):
    _, pages = printed[name]
    for number, page in enumerate(pages, start=1):
        heights = [height for _, top, height in page["words"] if HEADER_BAND < top < FOOTER_BAND]
        # A word's box is about 1.2 times its type size: 10 pt boxes are 8.3 pt type, 9 pt type is 10.9.
        assert statistics.median(heights) >= 10.8, (number, page["sheet"], statistics.median(heights))


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_every_page_carries_the_marking_twice(printed, name):
    _, pages = printed[name]
    for number, page in enumerate(pages, start=1):
        assert [w for w, _, _ in page["words"]].count("OFFICIAL") >= 2, number


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_every_card_page_says_whose_card_it_is(printed, name):
    _, pages = printed[name]
    card_pages = [p for p in pages if re.match(r"Appendi(x [B-E]|ces )", p["sheet"])]
    assert len(card_pages) >= 12
    for page in card_pages:
        first = page["body"][0]
        assert re.fullmatch(r"STR\d{4}", first) or first in ("Appendix", "Appendices"), (
            page["sheet"],
            page["body"][:8],
        )
    continued = [p for p in card_pages if "(continued)" in " ".join(p["body"][:20])]
    assert continued, "the long cards run onto a continuation page"
    for page in continued:
        assert page["body"][0].startswith("STR")


def test_the_matrix_and_its_references_share_a_page_in_large_type(printed):
    _, pages = printed["jan"]
    matrices = [p for p in pages if p["sheet"] == "Matrix"]
    assert len(matrices) == 1  # the references fit below the counts: one page, as the hand-made grid
    matrix = matrices[0]
    counts = [(w, top, h) for w, top, h in matrix["words"] if w == "·"]
    assert len(counts) == 16
    assert min(h for _, _, h in counts) >= 18  # 16 pt bold
    assert max(top for _, top, _ in counts) > 250  # the grid reaches down the page
    assert "STR0081," in matrix["body"]
    words = " ".join(matrix["body"])
    assert "6 · High" in words and "0 · Low" in words


def test_empty_appendices_share_one_page(printed):
    _, pages = printed["jan"]
    shared = [p for p in pages if p["sheet"] == "Appendices C, D"]
    assert len(shared) == 1
    text = " ".join(shared[0]["body"])
    assert "No risk has changed score this period." in text and "No risk is new this period." in text


def test_cover_is_the_first_page_and_the_paper_file_fills_it(printed):
    _, pages = printed["jan"]
    text = " ".join(word for page in pages if page["sheet"] == "Cover" for word in page["body"])
    assert pages[0]["sheet"] == "Cover"
    for phrase in (
        "Example Constabulary",
        "Joint Audit, Risk and Assurance Panel (JARAP), 31 January 2024",
        "Chief Finance Officer",
        "Since the panel last met in October 2023",
        "30 risks are currently on the register.",
        "6 risks are proposed for archive",
        "No risk's score has changed since the last panel.",
        "No new risk has been put forward since the last panel.",
    ):
        assert phrase in text, phrase


def test_the_pdf_is_tagged_and_titled(printed, tmp_path):
    xlsx, _ = printed["jan"]
    info = subprocess.run(["pdfinfo", str(xlsx.with_suffix(".pdf"))], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+Force Risk Register$", info, re.M)
    assert b"/Lang(en-GB)" in xlsx.with_suffix(".pdf").read_bytes()  # the default language, not en-US


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_one_typeface_throughout(printed, name):
    xlsx, _ = printed[name]
    fonts = subprocess.run(["pdffonts", str(xlsx.with_suffix(".pdf"))], capture_output=True, text=True).stdout
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts.splitlines()[2:] if line.strip()}
    assert families == {"LiberationSans"}, families  # Arial, as LibreOffice prints it


def test_the_pdf_declares_the_papers_language(tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    paper = tmp_path / "paper.toml"
    paper.write_text('language = "cy-GB"\n', encoding="utf-8")
    args = ["build", CLEAN_EXAMPLE, "--as-of", "2024-01-16", "--paper", paper, "-o", tmp_path / "p.xlsx"]
    assert run(*args, "--pdf", tmp_path / "p.pdf").exit_code == 0
    assert b"/Lang(cy-GB)" in (tmp_path / "p.pdf").read_bytes()
    paper.write_text('language = "Welsh please"\n', encoding="utf-8")
    result = run(*args[:-1], tmp_path / "q.xlsx", "--pdf", tmp_path / "q.pdf")
    assert result.exit_code == 2 and "is not a language tag such as en-GB" in result.output
    assert not (tmp_path / "q.xlsx").exists()


# -- Without LibreOffice ------------------------------------------------------------------------


def test_pdf_without_libreoffice_says_how_to_install_and_writes_nothing(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run(
        "build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16", "--pdf", tmp_path / "p.pdf"
    )
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "LibreOffice" in result.output and "apt-get install libreoffice-calc-nogui" in result.output
    assert list(tmp_path.iterdir()) == []


def test_pdf_path_must_end_pdf_and_not_be_the_workbook(tmp_path):
    out = tmp_path / "p.xlsx"
    result = run("build", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-01-16", "--pdf", tmp_path / "p.txt")
    assert result.exit_code == 2 and "must end .pdf" in result.output
    result = run("build", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-01-16", "--pdf", out)
    assert result.exit_code == 2 and "name of its own" in result.output
    assert list(tmp_path.iterdir()) == []


# -- The cover ------------------------------------------------------------------------------------


def _cover(path: Path):
    """The workbook, the Cover's details (Item -> Detail) and its numbered paragraphs' texts."""
    wb = openpyxl.load_workbook(path, data_only=True)
    details, paragraphs = {}, []
    for item, detail in wb["Cover"].iter_rows(min_row=5, max_col=2, values_only=True):
        if item and str(item)[:-1].isdigit():
            paragraphs.append(detail)
        elif item and detail and item != "Item":
            details[item] = detail
    return wb, details, paragraphs


def test_cover_counts_agree_with_counts_made_here_from_the_rows(tmp_path):
    result = run(
        "build", APRIL, "--previous", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", "2024-04-30",
        "--meeting", "JARAP, 30 April 2024", "--author", "A. Analyst", "--contact", "risk@example.org",
        "--report-of", "Chief Finance Officer", "--organisation", "Example Constabulary",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wb, details, paragraphs = _cover(tmp_path / "p.xlsx")
    assert wb.sheetnames[0] == "Cover" and wb.sheetnames[1] == "Contents"
    assert details["Meeting"] == "JARAP, 30 April 2024" and details["Author"] == "A. Analyst"
    assert details["Contact"] == "risk@example.org" and details["Report of"] == "Chief Finance Officer"
    assert details["Organisation"] == "Example Constabulary"
    assert details["Period covered"].startswith("Since the last panel")
    # Independent counts from Appendix A's rows.
    rows = [r for r in wb["Appendix A"].iter_rows(min_row=5, max_row=29, values_only=True) if r[0]]
    current = len(rows)
    high = sum(1 for r in rows if r[9] == "High")
    changed = sum(1 for r in rows if r[11] in ("Up", "Down"))
    new = sum(1 for r in rows if r[12] == "New")
    assert (current, high, changed, new) == (25, 13, 1, 1)
    assert f"{current} risks are currently on the register." in paragraphs
    assert any(p.startswith(f"{high} risks are currently rated High") for p in paragraphs)
    assert any(p.startswith("6 risks have been archived since the last panel") for p in paragraphs)
    assert "No risk is proposed for archive." in paragraphs
    assert any(p.startswith("1 risk's score has changed") for p in paragraphs)
    assert any(p.startswith("1 new risk has been put forward") for p in paragraphs)


def test_command_line_options_win_over_the_paper_file(tmp_path):
    result = run(
        "build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16", "--paper", PAPER,
        "--meeting", "JARAP, 7 February 2024",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wb, details, _ = _cover(tmp_path / "p.xlsx")
    assert details["Meeting"] == "JARAP, 7 February 2024"
    assert details["Author"] == "Risk and Business Continuity Adviser"
    assert wb["Cover"]["A1"].value == "Example Constabulary: Force Risk Register"
    assert wb["Appendix A"].oddHeader.left.text == "Force Risk Register"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("meeting = 3\n", "meeting must be text in quotes"),
        ("venue = 'Room 1'\n", "unknown key 'venue'"),
        ("meeting = \n", "not valid TOML"),
    ],
)
def test_a_paper_file_that_cannot_be_used_is_one_line(tmp_path, text, message):
    paper = tmp_path / "paper.toml"
    paper.write_text(text)
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--paper", paper)
    assert result.exit_code == 2 and message in result.output
    assert result.output.strip().count("\n") == 0
    assert not (tmp_path / "p.xlsx").exists()


def test_since_names_the_period_covered(tmp_path):
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16", "--since", "2023-10-31")
    assert result.exit_code == 0, result.output
    _, details, _ = _cover(tmp_path / "p.xlsx")
    assert details["Period covered"].startswith("Since 31 October 2023")


# -- Cards ------------------------------------------------------------------------------------------


def _card(path: Path, sheet: str) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return card_fields(ws.iter_rows(min_row=5, max_col=2, values_only=True))


def test_blank_responsible_officer_is_not_recorded_never_the_owner(tmp_path):
    header = [*HEADER, "Responsible Officer", "Information"]
    rows = [[*risk_row("STR0001", owner="Paul Dawkins"), None, "Background."]]
    path = write_xlsx(tmp_path / "r.xlsx", [header, *rows])
    assert run("build", path, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16").exit_code == 0
    card = _card(tmp_path / "p.xlsx", "Appendix E")
    assert card["Responsible Officer"] == "Not recorded"
    assert card["Owner"] == "Paul Dawkins"
    assert card["Information"] == "Background."


def test_a_card_shows_only_the_fields_the_register_has_and_no_empty_rows(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row("STR0001")])
    assert run("build", path, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16").exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["Appendix E"]
    assert [ws["A4"].value, ws["B4"].value] == ["STR0001", "The financial challenge"]
    assert ws["A5"].value == "12 · High"  # the card's first row: its score and rating
    card = _card(tmp_path / "p.xlsx", "Appendix E")
    assert "Information" not in card and "Responsible Officer" not in card
    assert all(value not in (None, "") for value in card.values())


def test_no_table_has_stripes_that_look_like_a_highlight(tmp_path):
    out = tmp_path / "p.xlsx"
    assert run("build", APRIL, "--previous", CLEAN_EXAMPLE, "-o", out, "--as-of", "2024-04-30").exit_code == 0
    wb = openpyxl.load_workbook(out)
    tables = [(ws.title, t) for ws in wb.worksheets for t in ws.tables.values()]
    assert len(tables) > 20
    for title, table in tables:
        assert not table.tableStyleInfo.showRowStripes, (title, table.name)
    key = [c.value for c in wb["Appendix A"][3]]
    assert "Proposed archive / Archived" in key and "New" in key  # the legend beside the table too


def test_blank_cells_in_appendix_a_get_a_word(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row("STR0001", first=None, previous=None)])
    assert run("build", path, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16").exit_code == 0
    row = [c.value for c in openpyxl.load_workbook(tmp_path / "p.xlsx", data_only=True)["Appendix A"][5]]
    assert row[6] == "Not recorded" and row[10] == "Not recorded"
    assert row[11] == "Not recorded" and row[12] == "None"  # an unknown previous score is no "No change"


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_the_summary_never_splits_its_status_table(printed, name):
    """The status table prints whole, under its heading: with --previous the Summary grew by a row and
    printed its last status alone, without the table's header, on a page of its own."""
    _, pages = printed[name]
    summary = [" ".join(page["body"]) for page in pages if page["sheet"] == "Summary"]
    holding = [text for text in summary if "Awaiting Review" in text]
    assert len(holding) == 1 and "Risk status" in holding[0] and "Controls Tasked" in holding[0]
    assert len(summary) <= 2


# -- Compact: page counts and full pages, measured on the printed PDF ----------------------------

PAGE_LIMITS = {"jan": 30, "apr": 32}  # the hand-made January paper ran to about 37 pages


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_the_paper_prints_in_few_pages(printed, name):
    _, pages = printed[name]
    assert len(pages) <= PAGE_LIMITS[name], [p["sheet"] for p in pages]


@pytest.mark.parametrize("name", ["jan", "apr"])
def test_no_page_but_a_sections_last_is_less_than_a_third_full(printed, name):
    _, pages = printed[name]
    body = FOOTER_BAND - HEADER_BAND
    for number, (page, following) in enumerate(zip(pages, [*pages[1:], None], strict=True), start=1):
        if following is None or following["sheet"] != page["sheet"]:
            continue  # a section's last page may be short
        bottom = max(top + height for _, top, height in page["words"] if HEADER_BAND < top < FOOTER_BAND)
        assert bottom - HEADER_BAND >= body / 3, (number, page["sheet"], round(bottom))
