"""The Trend sheet, with a history: the risks in each band period by period, as a table and as the native
stacked column chart drawn from it (one series per band, in the band's colour; periods across).

Earlier periods' counts are numbers from their registers; this period's are formulas over Appendix A (the
Summary's counts), and each total is the sum of its row, so the chart, the table and the paper agree.
"""

from __future__ import annotations

import datetime as dt

from riskbook.check.history import History, PeriodCounts, past_counts
from riskbook.check.period import Period
from riskbook.model import column_letter
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.counts import headline_counts
from riskbook.outputs.panel.page import add_table, set_title_rows
from riskbook.xlsx.text import PROPERTY, safe_text
from riskbook.xlsx.writer import Book

TREND = "Trend"
NOT_KNOWN = "Not known"  # new and archived in the oldest period: nothing before it to compare with
PERIOD_WIDTH, BAND_WIDTH, COUNT_WIDTH = 16, 11, 10
CHART_WIDTH_PIXELS, CHART_HEIGHT_PIXELS = 900, 330
ROW_PIXELS = 20


TREND_CONTENTS = "The risks in each band period by period, as a table and a stacked column chart; new and archived."


def write_trend(book: Book, period: Period, history: History, as_of: dt.date) -> None:
    """The Trend sheet: a table of band counts, total, new and archived per period, and its chart below it."""
    scheme = book.scheme
    bands = [band.name for band in scheme.bands]
    sheet = book.add_sheet(TREND)
    rows = past_counts(history, scheme)
    sheet.title(
        "Trend: the risks in each band, period by period",
        f"{len(rows) + 1} periods, oldest first: risks in each band, total, new and archived; this period's "
        "counts are formulas over Appendix A. The chart shows the table.",
    )
    set_title_rows(sheet)
    headers = ["Period", *bands, "Total", "New", "Archived"]
    top = L.TABLE_HEADER_ROW
    last = top + len(rows) + 1
    add_table(sheet, "TrendCounts", top, 0, last, headers)
    number, label = book.fmt("number"), book.fmt("label")
    total_col = 1 + len(bands)
    for row, counts in enumerate(rows, start=top + 1):
        sheet.text(row, 0, counts.label, label)
        for col, name in enumerate(bands, start=1):
            sheet.number(row, col, counts.bands[name], number)
        _total(sheet, row, total_col, counts.total, number)
        _known(sheet, row, total_col + 1, counts.new, number)
        _known(sheet, row, total_col + 2, counts.archived, number)
    _current_row(sheet, book, period, last, f"{as_of.day} {as_of:%b %Y}", bands)
    _chart(sheet, book, bands, top, last, _alt_text(rows, period, as_of, bands))
    widths = [PERIOD_WIDTH, *[BAND_WIDTH] * len(bands), COUNT_WIDTH, COUNT_WIDTH, COUNT_WIDTH]
    for index, width in enumerate(widths):
        sheet.sheet.set_column(index, index, width)
    sheet.setup_print(None, scale=None, margins=(L.MARGIN_SIDE_INCHES, L.MARGIN_TOP_INCHES, L.MARGIN_BOTTOM_INCHES))
    sheet.sheet.fit_to_pages(1, 1)  # the table and its chart on one page
    chart_rows = CHART_HEIGHT_PIXELS // ROW_PIXELS + 2
    sheet.sheet.print_area(0, 0, last + 2 + chart_rows, max(len(headers) - 1, _chart_columns(widths)))


def _total(sheet, row: int, col: int, value: int, fmt) -> None:
    first, end = column_letter(1), column_letter(col - 1)
    sheet.formula(row, col, f"=SUM({first}{row + 1}:{end}{row + 1})", value, fmt)


def _known(sheet, row: int, col: int, value: int | None, fmt) -> None:
    if value is None:
        sheet.text(row, col, NOT_KNOWN, sheet.book.fmt("centre"))
    else:
        sheet.number(row, col, value, fmt)


def _current_row(sheet, book: Book, period: Period, row: int, label: str, bands: list[str]) -> None:
    """This period's row: each count the formula the Summary states, with its value."""
    counts = headline_counts(period, compared=True)
    number = book.fmt("number")
    sheet.text(row, 0, label, book.fmt("label"))
    for col, name in enumerate(bands, start=1):
        count = counts[f"band:{name}"]
        sheet.formula(row, col, f"={count.formula}", count.value, number)
    total_col = 1 + len(bands)
    _total(sheet, row, total_col, sum(counts[f"band:{name}"].value for name in bands), number)
    for col, key in ((total_col + 1, "new"), (total_col + 2, "archived")):
        sheet.formula(row, col, f"={counts[key].formula}", counts[key].value, number)


def _chart(sheet, book: Book, bands: list[str], top: int, last: int, description: str) -> None:
    """The stacked column chart of the table's band columns, periods across; inserted below the table."""
    chart = book.workbook.add_chart({"type": "column", "subtype": "stacked"})
    name = sheet.name
    for col, band in enumerate(book.scheme.bands, start=1):
        chart.add_series(
            {
                "name": [name, top, col],
                "categories": [name, top + 1, 0, last, 0],
                "values": [name, top + 1, col, last, col],
                "fill": {"color": band.fill},
                "border": {"color": "#404040"},
                "data_labels": {"value": True, "font": {"color": band.font}},
                "gap": 60,
            }
        )
    chart.set_title({"name": "Risks in each band, by period", "name_font": {"size": 12}})
    chart.set_x_axis({"name": "Period"})
    chart.set_y_axis({"name": "Risks", "min": 0})
    chart.set_legend({"position": "right"})
    chart.set_size({"width": CHART_WIDTH_PIXELS, "height": CHART_HEIGHT_PIXELS})
    alt = safe_text(description, PROPERTY)
    sheet.sheet.insert_chart(last + 2, 0, chart, {"description": alt, "object_position": 3})


def _alt_text(rows: list[PeriodCounts], period: Period, as_of: dt.date, bands: list[str]) -> str:
    """The chart's alternative text: what it shows, and its numbers."""
    each = [f"{r.label}: " + ", ".join(f"{r.bands[b]} {b}" for b in bands) for r in rows]
    each.append(f"{as_of.day} {as_of:%b %Y}: " + ", ".join(f"{period.band_count(b)} {b}" for b in bands))
    return (
        f"Stacked column chart of the risks in each band ({', '.join(bands)}) at each of {len(each)} periods, "
        "oldest first, from the table above. " + "; ".join(each) + "."
    )


def _chart_columns(widths: list[float]) -> int:
    """The last column the chart reaches, for the print area."""
    reach, col = 0.0, 0
    for col, width in enumerate(widths):
        reach += width * 7 + 5
        if reach >= CHART_WIDTH_PIXELS:
            return col
    return col + int((CHART_WIDTH_PIXELS - reach) / 64) + 1
