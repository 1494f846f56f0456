"""The Matrix sheet: current risks counted by impact × likelihood, coloured by band; below, the references in each cell."""

from __future__ import annotations

from riskbook.check.period import Period
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import column_letter
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.counts import criterion
from riskbook.outputs.panel.page import (
    DEFAULT_ROW_POINTS,
    TITLE_ROWS_POINTS,
    add_table,
    chars_per_line,
    print_designed,
    set_title_rows,
)
from riskbook.outputs.panel.travel import reference_with_travel, with_arrows
from riskbook.xlsx.writer import Book, text_height


def matrix_counts(period: Period) -> dict[tuple[int, int], list[str]]:
    """(likelihood, impact) -> references of the current risks in that cell (with a history, each with its
    direction of travel: "STR0292 ↑ Up")."""
    cells: dict[tuple[int, int], list[str]] = {}
    arrows = with_arrows(period)
    for item in period.current:
        label = reference_with_travel(item) if arrows else item.reference
        cells.setdefault((item.risk.likelihood, item.risk.impact), []).append(label)
    return cells


def _references_text(refs: list[str], impact: str, likelihood: str, axis: str = "Impact") -> str:
    """The references in a matrix cell; past what a cell holds, the rest are counted, never dropped unsaid."""
    text = ", ".join(refs)
    if len(text) <= EXCEL_CELL_LIMIT - 100:
        return text
    kept: list[str] = []
    size = 0
    for ref in refs:
        if size + len(ref) + 2 > EXCEL_CELL_LIMIT - 300:
            break
        kept.append(ref)
        size += len(ref) + 2
    rest = len(refs) - len(kept)
    return (
        ", ".join(kept) + f" … and {rest:,} more, which this cell cannot hold: "
        f"filter Appendix A by {axis} {impact} and Likelihood {likelihood} for all {len(refs):,}."
    )


MATRIX_LABEL_WIDTH = 14
MATRIX_TOTAL_WIDTH = 8
MATRIX_HEADER_POINTS = 22
MATRIX_TOTAL_POINTS = 26


MIN_SHARED_ROW_POINTS = 40  # count rows no shorter than this when the reference grid shares their page


def _matrix_row_points(size: int, references: float) -> float:
    """Count rows as tall as fills the page below the title, header and total rows; shorter, when
    that lets the reference grid (references: its rows' points) print below them on the same page."""
    room = L.page_capacity(100) - TITLE_ROWS_POINTS - MATRIX_HEADER_POINTS - MATRIX_TOTAL_POINTS - 8
    shared = (room - DEFAULT_ROW_POINTS - 20 - 20 - references) / size
    if shared >= MIN_SHARED_ROW_POINTS:
        return min(100, shared)
    return min(100, room / size)


def _matrix_widths(size: int) -> list[float]:
    """Label, one column per impact value, total: as wide as fits A4 landscape at 100 %."""
    budget = (L.PRINTABLE_WIDTH - 5 * (size + 2)) / 7 - MATRIX_LABEL_WIDTH - MATRIX_TOTAL_WIDTH
    return [MATRIX_LABEL_WIDTH, *[int(budget / size * 2) / 2] * size, MATRIX_TOTAL_WIDTH]


def write_matrix(book: Book, period: Period) -> None:
    sheet = book.add_sheet(L.MATRIX)
    scheme = book.scheme
    values, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    size, height = len(values), len(likelihoods)
    cells = matrix_counts(period)
    n = len(period.current)
    impact_range, likelihood_range = (L.a_range(k, n) for k in ("impact", "likelihood"))
    sheet.title(
        f"Risk matrix: {scheme.impact_name.lower()} × likelihood",
        "The number of current risks in each cell, named and coloured by its band, with totals; below, the "
        f"references in each cell. Likelihood runs down, {scheme.impact_name.lower()} across.",
    )
    set_title_rows(sheet)
    widths = _matrix_widths(size)
    headers = [f"Likelihood \\ {scheme.impact_name}", *[scheme.impact_label(v) for v in values], "Total"]
    top = L.TABLE_HEADER_ROW
    add_table(sheet, "MatrixCounts", top, 0, top + height + 1, headers)
    sheet.sheet.set_row(top, MATRIX_HEADER_POINTS)
    row_points = _matrix_row_points(height, sum(_reference_grid(book, cells, widths)[1]))
    total_fmt = book.add_format(
        "matrix-total", {"bold": True, "font_size": 12, "align": "center", "valign": "vcenter", "border": 1}
    )
    count_fmt = {
        b.name: book.add_format(
            f"count:{b.name}",
            {
                "bg_color": b.fill,
                "font_color": b.font,
                "bold": True,
                "font_size": 16,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "num_format": '0" · '
                + b.name.replace('"', '"\\""')
                + '"',  # a quote in the name: \" between two literals
            },
        )
        for b in scheme.bands
    }
    big_label = book.add_format(
        "matrix-label", {"bold": True, "font_size": 12, "valign": "vcenter", "border": 1, "bg_color": "#F2F2F2"}
    )
    for i, likelihood in enumerate(reversed(likelihoods)):
        row = top + 1 + i
        sheet.sheet.set_row(row, row_points)
        likelihood_text = scheme.likelihood_label(likelihood)
        sheet.text(row, 0, likelihood_text, big_label)
        for j, impact in enumerate(values, start=1):
            band = scheme.band(scheme.score_for(impact, likelihood))
            impact_text = scheme.impact_label(impact)
            formula = (
                f"=COUNTIFS({impact_range},{criterion(impact_text)},{likelihood_range},{criterion(likelihood_text)})"
            )
            sheet.formula(row, j, formula, len(cells.get((likelihood, impact), [])), count_fmt[band.name])
        sheet.formula(
            row,
            size + 1,
            f"=SUM({column_letter(1)}{row + 1}:{column_letter(size)}{row + 1})",
            sum(len(cells.get((likelihood, v), [])) for v in values),
            total_fmt,
        )
    total_row = top + 1 + height
    sheet.sheet.set_row(total_row, MATRIX_TOTAL_POINTS)
    sheet.text(total_row, 0, "Total", big_label)
    for j, impact in enumerate(values, start=1):
        letter = column_letter(j)
        value = sum(len(cells.get((lk, impact), [])) for lk in likelihoods)
        sheet.formula(total_row, j, f"=SUM({letter}{top + 2}:{letter}{total_row})", value, total_fmt)
    letter = column_letter(size + 1)
    sheet.formula(total_row, size + 1, f"=SUM({letter}{top + 2}:{letter}{total_row})", len(period.current), total_fmt)
    used = TITLE_ROWS_POINTS + MATRIX_HEADER_POINTS + height * row_points + MATRIX_TOTAL_POINTS
    _matrix_references(sheet, book, period, cells, total_row + 2, widths, used)
    print_designed(sheet, widths, None)


def _matrix_references(sheet, book, period, cells, row: int, widths: list[float], used: float) -> None:
    """The references in each cell, in the same grid below the counts (on a page of its own if it must)."""
    scheme = book.scheme
    values, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    height = len(likelihoods)
    ref_fmt = {
        b.name: book.add_format(
            f"refs:{b.name}",
            {"bg_color": b.fill, "font_color": b.font, "text_wrap": True, "valign": "top", "border": 1},
        )
        for b in scheme.bands
    }
    texts, heights = _reference_grid(book, cells, widths)
    capacity = L.page_capacity(100)
    breaks: list[int] = []
    if used + 20 + 20 + sum(heights) > capacity:  # a page of its own, which the grid fills
        breaks.append(row)
        room = (capacity - 20 - 20 - 8) / height
        if max(heights) <= room:
            heights = [room] * height
    headers = [f"Likelihood \\ {scheme.impact_name}", *[scheme.impact_label(v) for v in values]]
    for number, chunk in enumerate(_page_chunks(heights, capacity - 40 - (0 if breaks else used))):
        if number:
            breaks.append(row)
        sheet.sheet.set_row(row, 20)
        heading = "References in each cell (the band's word, then the risks" + (
            ", each with its direction of travel since the last period)" if with_arrows(period) else ")"
        )
        sheet.text(row, 0, heading + (" (continued)" if number else ""), book.fmt("bold"))
        header = row + 1
        name = "MatrixReferences" + (str(number + 1) if number else "")
        add_table(sheet, name, header, 0, header + len(chunk), headers)
        for offset, i in enumerate(chunk, start=header + 1):
            likelihood = list(reversed(likelihoods))[i]
            sheet.text(offset, 0, scheme.likelihood_label(likelihood), book.fmt("label"))
            for j, (text, band_name) in enumerate(texts[i], start=1):
                sheet.text(offset, j, text, ref_fmt[band_name])
            sheet.sheet.set_row(offset, heights[i])
        row = header + len(chunk) + 1
    if breaks:
        sheet.sheet.set_h_pagebreaks(breaks)


def _reference_grid(book: Book, cells, widths: list[float]) -> tuple[list[list[tuple[str, str]]], list[float]]:
    """The reference grid's cell texts (with their band's name) row by row, and each row's height."""
    scheme = book.scheme
    texts: list[list[tuple[str, str]]] = []
    heights = []
    for likelihood in reversed(scheme.likelihood_scale.values):
        line = []
        for impact in scheme.impact_scale.values:
            band = scheme.band(scheme.score_for(impact, likelihood))
            refs = cells.get((likelihood, impact), [])
            impact_text, likelihood_text = scheme.impact_label(impact), scheme.likelihood_label(likelihood)
            body = _references_text(refs, impact_text, likelihood_text, scheme.impact_name) if refs else "no risks"
            line.append((f"{band.name}: {body}", band.name))
        texts.append(line)
        heights.append(max(30, max(text_height(t, chars_per_line(widths[1])) for t, _ in line)))
    return texts, heights


def _page_chunks(heights: list[float], first_room: float) -> list[list[int]]:
    """The grid's rows (indexes) in runs that each fit a page under a heading and header; the first
    run fits first_room (what the page already holding the counts has left, or a whole page)."""
    room = L.page_capacity(100) - 40
    chunks: list[list[int]] = [[]]
    left = first_room
    for index, points in enumerate(heights):
        if points > left and chunks[-1]:
            chunks.append([])
            left = room
        chunks[-1].append(index)
        left -= points
    return chunks
