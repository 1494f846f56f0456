"""The cover sheet: the covering report the panel reads first.

Laid out as the hand-made covering report is: who the paper is from and the meeting, then
numbered paragraphs under Purpose of report, Recommendation, Summary, High risks, Archived
risks, Changes in risk score, New risks and Risk grading criteria, and the matrix's counts.
Every number in a paragraph is a formula over Appendix A with its value stored, and the paper
file's purpose and recommendation name their counts ({archive}, {high} …) rather than type them.
"""

from __future__ import annotations

import itertools

from riskbook.check.period import Period
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.claims import NamedCount, band_key, pieces
from riskbook.outputs.panel.counts import headline_counts
from riskbook.outputs.panel.counts import quoted as _q
from riskbook.outputs.panel.page import (
    TITLE_ROWS_POINTS,
    add_table,
    band_words,
    chars_per_line,
    print_designed,
    set_title_rows,
)
from riskbook.outputs.panel.paper import Paper
from riskbook.scheme.types import Band
from riskbook.xlsx.writer import Book, text_height

# A paragraph's number close to the margin under its heading and its text just after it, as a word processor
# sets a numbered list; no merged cells (a screen reader reads them poorly), so the first column is as narrow as
# the details' labels allow, wrapping the longer ones ("Protective marking") onto two lines.
COVER_WIDTHS = [11, 98]  # item, score or paragraph number; detail or paragraph
ITEM_CHARS = 14  # bold labels: "Period covered" holds a line, "Protective marking" wraps
TEXT_CHARS = chars_per_line(COVER_WIDTHS[1])
PARAGRAPH_CHARS = 140  # LibreOffice prints about 160 characters of 10 pt Arial across column B; words wrap short
HEADING_POINTS = 20
DEFAULT_ROW_POINTS = 15
MAX_LITERAL = 250  # Excel refuses a text constant over 255 characters in a formula

Part = tuple[str, str]  # (formula piece, the text it gives)


def _literal(text: str) -> Part:
    chunks = [text[i : i + MAX_LITERAL] for i in range(0, len(text), MAX_LITERAL)] or [""]
    return "&".join(_q(c) for c in chunks), text


def _sentence(parts: list[Part]) -> tuple[str, str]:
    return "=" + "&".join(f for f, _ in parts), "".join(t for _, t in parts)


# A paper file's count names -> the headline counts' names.
COUNT_NAMES = {"risks": "current", "proposed": "proposed", "archived": "archived", "changed": "changes",
               "new": "new", "elsewhere": "top_outside"}  # fmt: skip


class CoverCounts:
    """The formula and value of each count the cover states: the panel's headline counts
    (panel/counts.py, as the Summary lists them), by the names a paper file may use."""

    def __init__(self, period: Period, compared: bool):
        self.period, self.compared = period, compared
        counts = headline_counts(period, compared)
        top = period.scheme.top_band.name
        self.formulas = {name: counts[key].operand for name, key in COUNT_NAMES.items() if key in counts}
        self.values = {name: counts[key].value for name, key in COUNT_NAMES.items() if key in counts}
        self.formulas.setdefault("archived", "0")
        self.values.setdefault("archived", 0)
        self.formulas["high"], self.values["high"] = counts[f"band:{top}"].operand, counts[f"band:{top}"].value
        self.formulas["archive"] = f"({self.formulas['proposed']}+{self.formulas['archived']})"
        self.values["archive"] = self.values["proposed"] + self.values["archived"]
        for name in ("up", "down"):  # with a history
            if name in counts:
                self.formulas[name], self.values[name] = counts[name].operand, counts[name].value
        for band in period.scheme.bands:
            self.formulas.setdefault(_key(band.name), counts[f"band:{band.name}"].operand)
            self.values.setdefault(_key(band.name), counts[f"band:{band.name}"].value)

    def part(self, name: str) -> Part:
        return self.formulas[name], str(self.values[name])


def _key(band_name: str) -> str:
    return band_key(band_name)


def paper_paragraph(text: str, counts: dict[str, NamedCount], cover: CoverCounts, where: str) -> tuple[str, str]:
    """The paper file's text as a formula when it names counts, else as it is."""
    split = pieces(text, counts, where)
    if all(isinstance(piece, str) for piece in split):
        return "", text
    return _sentence([_literal(p) if isinstance(p, str) else cover.part(p.name) for p in split])


def default_purpose(title: str, date_text: str, cover: CoverCounts) -> str:
    return (
        f"To give the panel the {title} as at {date_text}, highlighting its {cover.period.scheme.top_band.name} "
        "risks, the risks proposed for archive, changes in risk score and new risks."
    )


DEFAULT_RECOMMENDATION = "The panel is asked to note the register and to consider the proposals in Appendices B–D."


def numbered_sections(
    period: Period, compared: bool, paper: Paper, counts: dict[str, NamedCount], title: str, date_text: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, paragraphs) of the covering report; a paragraph is (formula or "", text)."""
    cover = CoverCounts(period, compared)
    top = period.scheme.top_band
    where = paper.source or "paper"
    purpose = paper_paragraph(paper.purpose or default_purpose(title, date_text, cover), counts, cover, where)
    recommendation = paper_paragraph(paper.recommendation or DEFAULT_RECOMMENDATION, counts, cover, where)
    summary = _paragraph(
        cover,
        "risks",
        "There are currently no risks on the register.",
        "There is currently 1 risk on the register.",
        " risks are currently on the register.",
    )
    elsewhere = _paragraph(
        cover,
        "elsewhere",
        f"No {top.name} risk is outside Appendices B–D.",
        f"1 {top.name} risk is outside Appendices B–D; its card is in Appendix E.",
        f" {top.name} risks are outside Appendices B–D; their cards are in Appendix E.",
    )
    archived = [
        _paragraph(
            cover,
            "proposed",
            "No risk is proposed for archive.",
            "1 risk is proposed for archive; its card is in Appendix B.",
            " risks are proposed for archive; their cards are in Appendix B.",
        )
    ]
    if compared:
        archived.append(
            _paragraph(
                cover,
                "archived",
                "No risk has been archived since the last panel.",
                "1 risk has been archived since the last panel: it is listed below Appendix A's current risks, "
                "its details in Appendix B.",
                " risks have been archived since the last panel: they are listed below Appendix A's current "
                "risks, their details in Appendix B.",
            )
        )
    changed = _paragraph(
        cover,
        "changed",
        "No risk's score has changed since the last panel.",
        "1 risk's score has changed since the last panel; its card is in Appendix C.",
        " risks' scores have changed since the last panel; their cards are in Appendix C.",
    )
    new = _paragraph(
        cover,
        "new",
        "No new risk has been put forward since the last panel.",
        "1 new risk has been put forward since the last panel; its card is in Appendix D.",
        " new risks have been put forward since the last panel; their cards are in Appendix D.",
    )
    changes = [changed, _moved_paragraph(cover)] if "up" in cover.values else [changed]
    return [
        ("Purpose of report", [purpose]),
        ("Recommendation", [recommendation]),
        ("Summary", [summary]),
        (f"{top.name} risks", [_high_paragraph(cover, top), elsewhere]),
        ("Archived risks", archived),
        ("Changes in risk score", changes),
        ("New risks", [new]),
        ("Risk grading criteria", [("", grading_text(period))]),
    ]


def _choose(cover: CoverCounts, name: str, none: str, one: str, many_tail: str) -> Part:
    """A sentence for none, one or many of a count: many_tail follows the number."""
    formula, value = cover.formulas[name], cover.values[name]
    text = none if value == 0 else one if value == 1 else f"{value}{many_tail}"
    return f"IF({formula}=0,{_q(none)},IF({formula}=1,{_q(one)},{formula}&{_q(many_tail)}))", text


def _paragraph(cover: CoverCounts, name: str, none: str, one: str, many_tail: str) -> tuple[str, str]:
    formula, text = _choose(cover, name, none, one, many_tail)
    return "=" + formula, text


def _moved_paragraph(cover: CoverCounts) -> tuple[str, str]:
    """With a history: "3 risks moved up, 1 moved down since the last panel", each number a formula."""
    up = cover.formulas["up"]
    ups = cover.values["up"]
    parts = [
        cover.part("up"),
        (
            f"IF({up}=1,{_q(' risk moved up, ')},{_q(' risks moved up, ')})",
            " risk moved up, " if ups == 1 else " risks moved up, ",
        ),
        cover.part("down"),
        _literal(
            " moved down since the last panel: the direction of travel (↑ ↓ →) and each risk's trail are in "
            "Appendix A's Change and Trail columns and on the Matrix; the band counts by period, on the Trend sheet."
        ),
    ]
    return _sentence(parts)


def _high_paragraph(cover: CoverCounts, top: Band) -> tuple[str, str]:
    rated = f"currently rated {top.name} ({band_words(top)})."
    parts = [
        _choose(cover, "high", f"No risk is {rated}", f"1 risk is {rated}", f" risks are {rated}"),
        _literal(" All "),
        cover.part("risks"),
        _literal(" current risks are summarised in Appendix A"),
        _literal(", with those archived since the last panel below them." if cover.compared else "."),
    ]
    return _sentence(parts)


def grading_text(period: Period) -> str:
    scheme = period.scheme
    impacts, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    axis = scheme.impact_name.lower()
    scale = (
        f"on a scale of {impacts[0]}–{impacts[-1]}"
        if impacts == likelihoods
        else f"on scales of {impacts[0]}–{impacts[-1]} ({axis}) and {likelihoods[0]}–{likelihoods[-1]} (likelihood)"
    )
    bands = "; ".join(f"{band_words(b)}: {b.name}" for b in scheme.bands)
    return (
        f"Every risk is scored {scale} for {axis} and likelihood; its score is {scheme.score_rule}, and the "
        f"score's band is its rating ({bands}). Appendix F gives the criteria in full."
    )


def cover_details(paper: Paper, title: str, date_text: str, marking: str, period_text: str) -> list[tuple[str, str]]:
    """(item, detail) rows of the covering report; details not given are left off, never shown blank."""
    rows = [
        ("Organisation", paper.organisation),
        ("Report title", title),
        ("Meeting", paper.meeting),
        ("Report of", paper.report_of),
        ("Author", paper.author),
        ("Contact", paper.contact),
        ("Register as at", date_text),
        ("Period covered", period_text),
        ("Protective marking", marking),
    ]
    return [(item, detail) for item, detail in rows if detail]


def write_cover(
    book: Book,
    period: Period,
    paper: Paper,
    period_text: str,
    compared: bool,
    source: str,
    counts: dict[str, NamedCount],
) -> None:
    sheet = book.add_sheet(L.COVER)
    page = book.page
    meeting = f"to {paper.meeting}" if paper.meeting else "to the audit and risk panel"
    heading = f"{paper.organisation}: {page.title}" if paper.organisation else page.title
    sheet.title(heading, f"Covering report {meeting}: the risk register as at {page.date_text}.")
    set_title_rows(sheet)
    cell, label = book.fmt("cell"), book.fmt("label")
    details = cover_details(paper, page.title, page.date_text, page.marking, period_text)
    row = L.TABLE_HEADER_ROW
    add_table(sheet, "CoverDetails", row, 0, row + len(details), ["Item", "Detail"])
    heights = [max(text_height(item, ITEM_CHARS), text_height(detail, TEXT_CHARS)) for item, detail in details]
    for offset, (item, detail), height in zip(itertools.count(row + 1), details, heights, strict=False):
        sheet.text(offset, 0, item, label)
        sheet.text(offset, 1, detail, cell)
        sheet.sheet.set_row(offset, height)
    row += len(details) + 2
    used = TITLE_ROWS_POINTS + DEFAULT_ROW_POINTS * 3 + sum(heights)
    capacity, breaks = L.page_capacity(L.print_scale(COVER_WIDTHS)), []
    paragraph_fmt = book.add_format("paragraph", {"text_wrap": True, "valign": "top"})
    number_fmt = book.add_format("paragraph-number", {"valign": "top", "align": "right"})
    heading_fmt = book.add_format("section-heading", {"bold": True, "font_size": 11})
    number = 0
    for section, paragraphs in numbered_sections(period, compared, paper, counts, page.title, page.date_text):
        heights = [text_height(text, PARAGRAPH_CHARS) + 3 for _, text in paragraphs]
        if used + HEADING_POINTS + heights[0] > capacity:  # a heading starts the page its first paragraph is on
            breaks.append(row)
            used = 0.0
        used = _placed(used + HEADING_POINTS, capacity, heights)
        sheet.text(row, 0, section, heading_fmt)
        sheet.sheet.set_row(row, HEADING_POINTS)
        row += 1
        for formula, text in paragraphs:
            number += 1
            sheet.text(row, 0, f"{number}.", number_fmt)
            if formula:
                sheet.formula(row, 1, formula, text, paragraph_fmt)
            else:
                sheet.text(row, 1, text, paragraph_fmt)
            sheet.sheet.set_row(row, text_height(text, PARAGRAPH_CHARS) + 3)
            row += 1
        if section == "Risk grading criteria":
            row = _band_table(sheet, book, row)
    row += 1
    sheet.text(row, 0, f"Source register: {source}. Every count is worked out from the register's rows by riskbook.")
    if period.scheme.guessed_scales:  # never a ranking from an unconfirmed guess without saying so
        guessed = period.scheme.guessed_scales
        axes = " and ".join(s.axis for s in guessed) + (" scales" if len(guessed) > 1 else " scale")
        caution = f"Caution: the order of the {axes} in the scheme is a guess, not yet confirmed: "
        sheet.text(row + 1, 0, caution + "the scores and the ranking rest on it.", book.fmt("bold"))
    sheet.sheet.set_h_pagebreaks(breaks)
    print_designed(sheet, COVER_WIDTHS, None)


def _placed(used: float, capacity: float, heights: list[float]) -> float:
    """Points used on the page after rows of these heights, a row that does not fit starting the next page."""
    for height in heights:
        used = height if used + height > capacity else used + height
    return used


def _band_table(sheet, book: Book, row: int) -> int:
    """The bands as the hand-made paper tabulates them: score range, rating, review."""
    bands = book.scheme.bands
    add_table(sheet, "CoverBands", row, 0, row + len(bands), ["Risk score", "Rating and review"])
    for offset, band in enumerate(bands, start=row + 1):
        months = band.review_months
        sheet.text(offset, 0, band_words(band).removeprefix("scores ").removeprefix("score "), book.fmt("label"))
        review = "reviewed monthly" if months == 1 else f"reviewed every {months} months"
        sheet.text(offset, 1, f"{band.name}: {review}", book.fmt(f"band:{band.name}"))
    return row + len(bands) + 1
