"""Appendix F: the scheme's scoring criteria — impact areas, likelihood, bands and any lookup matrix."""

from __future__ import annotations

from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.page import (
    DEFAULT_ROW_POINTS,
    TITLE_ROWS_POINTS,
    add_table,
    band_words,
    cell_points,
    chars_per_line,
    print_designed,
    set_title_rows,
)
from riskbook.xlsx.writer import Book, SheetWriter, text_height

CRITERIA_LABEL_WIDTH = 14


def _criteria_widths(areas) -> list[float]:
    """The label column and one per impact area, filling A4 landscape at 90 % at most: each area
    at least as wide as its longest word (so no word breaks across lines), the rest shared out."""
    count = max(len(areas), 2)
    budget = (L.PRINTABLE_WIDTH * 100 / L.MIN_PRINT_SCALE - 5 * (count + 1)) / 7 - CRITERIA_LABEL_WIDTH - 1.5
    needs = [_longest_word_width(area) for area in areas] + [0.0] * (count - len(areas))
    spare = budget - sum(needs)
    if spare <= 0:  # words too long for any sharing: as wide as they need, the print scale follows
        return [CRITERIA_LABEL_WIDTH, *needs]
    even = budget / count
    widths = [max(need, even) for need in needs]
    over = sum(widths) - budget
    flexible = [i for i, (w, need) in enumerate(zip(widths, needs, strict=True)) if w > need]
    for i in flexible:  # take the excess back from the columns wider than they need
        give = min(widths[i] - needs[i], over / max(len(flexible), 1))
        widths[i] -= give
    return [CRITERIA_LABEL_WIDTH, *[min(40, int(w * 2) / 2) for w in widths]]


def _longest_word_width(area) -> float:
    """Column width the area's longest word needs on one line (Arial 10 prints about 1.2 characters a unit)."""
    words = [w for text in (area.name, *area.descriptors.values()) for w in str(text).split()]
    return max((len(w) for w in words), default=1) / 1.15 + 1.5


def write_criteria(book: Book) -> None:
    sheet = book.add_sheet(L.APPENDIX_F)
    sheet.title(
        "Appendix F: risk scoring criteria",
        f"How {book.scheme.impact_name.lower()} and likelihood are scored ({book.scheme.name}); "
        f"score = {book.scheme.score_rule}, "
        "and the score's band.",
    )
    set_title_rows(sheet)
    widths = _criteria_widths(book.scheme.impact_areas)
    write_criteria_tables(sheet, book, L.TABLE_HEADER_ROW, chars_per_line(widths[1]), widths)
    print_designed(sheet, widths, None)


def write_criteria_tables(
    sheet: SheetWriter, book: Book, row: int, area_chars: int = 31, widths: list[float] | None = None
) -> int:
    """The impact, likelihood and band tables of the scheme from row on (and its score matrix, when
    it scores by one); returns the next free row. widths: the columns', for rows as tall as their text."""
    scheme = book.scheme
    cell, number, label = book.fmt("cell"), book.fmt("number"), book.fmt("label")
    values = sorted(scheme.impact_scale.values, reverse=True)
    areas = scheme.impact_areas
    sheet.text(row - 1, 0, scheme.impact_name, book.fmt("bold"))
    add_table(sheet, "ImpactCriteria", row, 0, row + len(values), [scheme.impact_name, *[a.name for a in areas]])
    header_height = max((text_height(a.name, area_chars) for a in areas), default=13)
    sheet.sheet.set_row(row, header_height + 4)
    used = TITLE_ROWS_POINTS + DEFAULT_ROW_POINTS + header_height + 4  # the title rows, "Impact", the header
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, f"{value} {scheme.impact_label(value)}", label)
        for col, area in enumerate(areas, start=1):
            sheet.text(offset, col, area.descriptors.get(value, "") or L.NOT_RECORDED, cell)
        if widths is None:
            height = max((text_height(a.descriptors.get(value, ""), area_chars) for a in areas), default=15)
        else:
            pairs = zip(areas, widths[1 : len(areas) + 1], strict=True)
            height = max((cell_points(a.descriptors.get(value, ""), w) for a, w in pairs), default=15)
        sheet.sheet.set_row(offset, height)
        used += height
    row += len(values) + 3
    rest = _criteria_rest_points(book, area_chars)
    capacity = L.page_capacity(L.print_scale(widths)) if widths is not None else 0
    if sheet.name == L.APPENDIX_F and used + rest > capacity:
        # the likelihood and band tables print together, on the next page, rather than split
        sheet.sheet.set_h_pagebreaks([row - 1])
    values = sorted(scheme.likelihood_scale.values, reverse=True)
    sheet.text(row - 1, 0, "Likelihood", book.fmt("bold"))
    add_table(
        sheet, "LikelihoodCriteria", row, 0, row + len(values), ["Likelihood", "Score", scheme.likelihood_heading]
    )
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, scheme.likelihood_label(value), label)
        sheet.number(offset, 1, value, number)
        sheet.text(offset, 2, scheme.likelihood_descriptors.get(value, "") or L.NOT_RECORDED, cell)
        sheet.sheet.set_row(offset, text_height(scheme.likelihood_descriptors.get(value, ""), area_chars))
    row += len(values) + 3
    sheet.text(row - 1, 0, f"Overall risk rating: {scheme.score_rule}", book.fmt("bold"))
    add_table(sheet, "ScoreBands", row, 0, row + len(scheme.bands), ["Risk score", "Rating", "Review"])
    for offset, band in enumerate(scheme.bands, start=row + 1):
        sheet.text(offset, 0, band_words(band).removeprefix("scores ").removeprefix("score "), label)
        sheet.text(offset, 1, band.name, book.fmt(f"band:{band.name}"))
        months = band.review_months
        sheet.text(offset, 2, "Monthly" if months == 1 else f"{months} monthly", cell)
    row += len(scheme.bands) + 1
    if scheme.matrix is not None:
        row = _score_matrix(sheet, book, row + 2)
    return row


def _criteria_rest_points(book: Book, area_chars: int) -> float:
    """Points the likelihood, band and score-matrix tables take, with their headings and spacers."""
    scheme = book.scheme
    likelihood = sum(
        text_height(scheme.likelihood_descriptors.get(v, ""), area_chars) for v in scheme.likelihood_scale.values
    )
    tables = 3 * (2 * DEFAULT_ROW_POINTS) + likelihood + len(scheme.bands) * DEFAULT_ROW_POINTS
    if scheme.matrix is not None:
        tables += (len(scheme.impact_scale.values) + 3) * DEFAULT_ROW_POINTS
    return tables + 2 * DEFAULT_ROW_POINTS


def _score_matrix(sheet: SheetWriter, book: Book, row: int) -> int:
    """The scheme's lookup matrix: the score of each impact (down) and likelihood (across), in its band's colour."""
    scheme = book.scheme
    impacts = sorted(scheme.impact_scale.values, reverse=True)
    likelihoods = scheme.likelihood_scale.values
    sheet.text(
        row - 1, 0, f"Score matrix: the score of each {scheme.impact_name.lower()} and likelihood", book.fmt("bold")
    )
    headers = [f"{scheme.impact_name} \\ Likelihood", *[scheme.likelihood_label(v) for v in likelihoods]]
    add_table(sheet, "ScoreMatrix", row, 0, row + len(impacts), headers)
    for offset, impact in enumerate(impacts, start=row + 1):
        sheet.text(offset, 0, scheme.impact_label(impact), book.fmt("label"))
        for col, likelihood in enumerate(likelihoods, start=1):
            score = scheme.score_for(impact, likelihood)
            band = scheme.band(score)
            sheet.number(offset, col, score, book.fmt(f"band:{band.name}") if band else book.fmt("number"))
    return row + len(impacts) + 1
