"""The Summary sheet: the counts the covering paper states, as formulas over Appendix A; the legend; the statuses."""

from __future__ import annotations

from riskbook.check.period import Period
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.counts import headline_counts, quoted
from riskbook.outputs.panel.page import (
    DEFAULT_ROW_POINTS,
    HIGHLIGHT_WORDS,
    HIGHLIGHT_WORDS_WITH_ARROWS,
    add_table,
    band_words,
    cell_points,
    legend_format,
    print_designed,
    set_title_rows,
)
from riskbook.outputs.panel.travel import with_arrows
from riskbook.xlsx.writer import Book

SUMMARY_WIDTHS = [30, 54, 28]  # measure or status; count or meaning; where, or the status's other spellings


def summary_counts(period: Period, compared: bool = False) -> list[tuple[str, str, int, str]]:
    """(measure, formula over Appendix A, value, where) for each count a covering paper states."""
    counts = headline_counts(period, compared)
    top = period.scheme.top_band.name
    measures = [("current", "Current risks on the register", "Appendix A")]
    measures += [
        (f"band:{b.name}", f"{b.name} risks ({band_words(b)})", "Appendix A, Matrix") for b in period.scheme.bands
    ]
    measures.append(("proposed", "Proposed for archive", "Appendix B"))
    if compared:
        measures.append(("archived", "Archived since the last period", "Appendix A (archived), Appendix B"))
    if "closed" in counts:
        measures.append(("closed", "Closed risks (listed apart, not counted as current)", "Appendix A (closed)"))
    measures += [
        ("changes", "Changes in risk score", "Appendix C"),
        ("new", "New risks", "Appendix D"),
        ("top_outside", f"{top} risks not in Appendices B–D", "Appendix E"),
    ]
    if "up" in counts:  # with a history
        measures += [
            ("up", "Risks whose score moved up (↑) since the last period", "Appendix A, Matrix"),
            ("down", "Risks whose score moved down (↓) since the last period", "Appendix A, Matrix"),
        ]
    return [(measure, f"={counts[key].formula}", counts[key].value, where) for key, measure, where in measures]


def narrative_count(card_sheets: list[str], value: int) -> tuple[str, str, int, str]:
    """The Summary's count of cards saying no narrative was recorded this period, over the card sheets."""
    terms = [f"COUNTIF('{name}'!$B:$B,{quoted(L.NO_NARRATIVE)})" for name in card_sheets]
    formula = "=" + ("+".join(terms) if terms else "0")
    where = ", ".join(card_sheets) or "Appendices B–E"
    return ("Risks with no narrative recorded this period", formula, value, where)


def write_summary(
    book: Book, period: Period, compared: bool, no_narrative: tuple[list[str], int] | None = None
) -> None:
    """no_narrative: the card sheets and how many of their cards say no narrative was recorded."""
    sheet = book.add_sheet(L.SUMMARY)
    sheet.title(
        f"{book.page.title}: summary",
        f"The counts the covering paper states, as at {book.page.date_text}, computed from Appendix A; "
        "the highlighting legend; the risk statuses.",
    )
    set_title_rows(sheet)
    cell, number = book.fmt("cell"), book.fmt("number")
    counts = summary_counts(period, compared)
    if no_narrative is not None:
        counts.append(narrative_count(*no_narrative))
    row = L.TABLE_HEADER_ROW
    add_table(sheet, "Counts", row, 0, row + len(counts), ["Measure", "Count", "Detail in"])
    for offset, (measure, formula, value, where) in enumerate(counts, start=row + 1):
        sheet.text(offset, 0, measure, cell)
        sheet.formula(offset, 1, formula, value, number)
        sheet.text(offset, 2, where, cell)
    row += len(counts) + 2
    sheet.text(row, 0, "Highlighting legend (Appendix A)", book.fmt("bold"))
    add_table(
        sheet, "Legend", row + 1, 0, row + 1 + len(L.HIGHLIGHTS), ["Highlight", "Meaning", "Proposal or Change column"]
    )
    words = HIGHLIGHT_WORDS_WITH_ARROWS if with_arrows(period) else HIGHLIGHT_WORDS
    for offset, (key, meaning, _fill) in enumerate(L.HIGHLIGHTS, start=row + 2):
        sheet.text(offset, 0, words[key], legend_format(book, key))
        sheet.text(offset, 1, meaning, cell)
        sheet.text(offset, 2, words[key].removeprefix("Change: "), cell)
    row += len(L.HIGHLIGHTS) + 3
    status_heading = row
    statuses = book.scheme.statuses
    if not statuses:  # a scheme that takes any status: no table without rows
        print_designed(sheet, SUMMARY_WIDTHS, None)
        return
    sheet.text(row, 0, "Risk status", book.fmt("bold"))
    add_table(sheet, "Statuses", row + 1, 0, row + 1 + len(statuses), ["Status", "Meaning", "Also written as"])
    for offset, status in enumerate(statuses, start=row + 2):
        sheet.text(offset, 0, status.name, cell)
        sheet.text(offset, 1, status.meaning or L.NOT_RECORDED, cell)
        sheet.text(offset, 2, ", ".join(status.aliases) or L.NONE, cell)
        sheet.sheet.set_row(offset, _status_points(status))
    widths = SUMMARY_WIDTHS
    scale = print_designed(sheet, widths, None)
    above = _summary_points(counts, widths)
    table = DEFAULT_ROW_POINTS * 2 + sum(_status_points(s) for s in statuses)
    if above + table > L.page_capacity(scale) and table <= L.page_capacity(scale):
        # The status table would be split across pages (a compared paper's extra count is enough
        # to print its last status alone): it starts a page of its own instead, whole.
        sheet.sheet.set_h_pagebreaks([status_heading])


def _summary_points(counts: list[tuple[str, str, int, str]], widths: list[float]) -> float:
    """Points the Summary takes above its status table: title rows, the counts and the legend, each
    row at least the default height (15 points) it prints at."""

    def row(*cells: tuple[str, float]) -> float:
        return max(DEFAULT_ROW_POINTS, *(cell_points(text, width) for text, width in cells))  # as LibreOffice wraps

    count_rows = sum(row((measure, widths[0]), (where, widths[2])) for measure, _, _, where in counts)
    legend_rows = len(L.HIGHLIGHTS) * DEFAULT_ROW_POINTS
    others = 4 * DEFAULT_ROW_POINTS  # the counts' header, a blank row, the legend's heading and header
    return 22 + 16 + 10 + others + count_rows + legend_rows + DEFAULT_ROW_POINTS  # and the blank row after


def _status_points(status) -> float:
    """A status row as tall as its taller wrapped cell: the meaning (60 wide) or the other spellings (22 wide)."""
    meaning, spellings = SUMMARY_WIDTHS[1], SUMMARY_WIDTHS[2]
    return max(cell_points(status.meaning or "", meaning), cell_points(", ".join(status.aliases), spellings))
