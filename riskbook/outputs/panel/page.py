"""What every panel sheet shares: the title rows, tables, print setup, row heights and band words.

Each sheet is designed for the page it prints on (A4 landscape, see layout.py): its column
widths sum to what fits at its print scale, so the type prints at 9 pt or more.
"""

from __future__ import annotations

import functools
import re
import textwrap

from riskbook.check.period import ARCHIVED, NEW, PROPOSED_ARCHIVE
from riskbook.errors import OutputError
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.counts import quoted
from riskbook.read.values import PartialDate
from riskbook.xlsx.text import table_columns
from riskbook.xlsx.writer import Book, SheetWriter

CARD_FIELD_WIDTH = 22
CARD_VALUE_WIDTH = 87  # the two columns fill A4 landscape at 100 %
TITLE_ROWS_POINTS = 22 + 16 + 10  # A1, A2 and the spacer row, as set_title_rows sets them


def chars_per_line(width: float) -> int:
    """Characters of 10 pt text a wrapped column of this width holds on a line, conservatively."""
    return max(1, int(width * 1.05))


def add_table(
    sheet: SheetWriter,
    name: str,
    first_row: int,
    first_col: int,
    last_row: int,
    headers: list[str],
    header_row: bool = True,
) -> None:
    """Mark a block as an Excel table: header row, filters, no banded rows (a stripe would look like a highlight).

    Without header_row, first_row is the table's first data row: its columns are named, not shown."""
    book = sheet.book
    last_col = first_col + len(headers) - 1
    headers = table_columns(headers)
    if not header_row:
        if not sheet.streamed:
            _headless_table(sheet, name, first_row, first_col, max(last_row, first_row), headers)
        return
    if sheet.streamed:  # no Excel tables in a streamed sheet: a header row with filters instead
        for offset, header in enumerate(headers):
            sheet.text(first_row, first_col + offset, header, book.fmt("header"))
        if not getattr(sheet, "filtered", False):  # one filter per sheet
            sheet.sheet.autofilter(first_row, first_col, max(last_row, first_row + 1), last_col)
            sheet.filtered = True
        return
    code = sheet.sheet.add_table(
        first_row,
        first_col,
        max(last_row, first_row + 1),
        last_col,
        {
            "name": name,
            "style": "Table Style Light 15",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": book.fmt("header")} for h in headers],
            "autofilter": True,
        },
    )
    if code not in (0, None):
        raise OutputError(f"internal: table {name} on {sheet.name} could not be added (xlsxwriter code {code})")


def _headless_table(sheet: SheetWriter, name: str, first_row: int, first_col: int, last_row: int, headers) -> None:
    code = sheet.sheet.add_table(
        first_row,
        first_col,
        last_row,
        first_col + len(headers) - 1,
        {
            "name": name,
            "style": "Table Style Light 15",
            "banded_rows": False,
            "header_row": False,
            "autofilter": False,
            "columns": [{"header": h} for h in headers],
        },
    )
    if code not in (0, None):
        raise OutputError(f"internal: table {name} on {sheet.name} could not be added (xlsxwriter code {code})")


def set_title_rows(sheet: SheetWriter) -> None:
    """Fixed heights for the title, description and spacer rows, so page breaks can be worked out."""
    sheet.sheet.set_row(0, 22)
    sheet.sheet.set_row(1, 16)
    sheet.sheet.set_row(2, 10)


def print_designed(sheet: SheetWriter, widths: list[float], header_rows: tuple[int, int] | None) -> int:
    """Set the columns' widths and print the sheet at the scale they were designed for; returns the scale."""
    for index, width in enumerate(widths):
        sheet.sheet.set_column(index, index, width)
    scale = L.print_scale(widths)
    sheet.setup_print(
        header_rows, scale=scale, margins=(L.MARGIN_SIDE_INCHES, L.MARGIN_TOP_INCHES, L.MARGIN_BOTTOM_INCHES)
    )
    return scale


def date_cell(sheet: SheetWriter, row: int, col: int, value) -> None:
    book = sheet.book
    if isinstance(value, PartialDate):
        fmt = book.fmt("month") if value.day is None else book.fmt("date")
        sheet.date(row, col, value.earliest, fmt)
    else:
        sheet.text(row, col, L.NOT_RECORDED if value in (None, "") else value, book.fmt("centre"))


def band_words(band) -> str:
    """A band's scores in words: "score 3" for a band of one score, else "scores 9–16"."""
    return f"score {band.min}" if band.min == band.max else f"scores {band.min}–{band.max}"


def band_formula(score_cell: str, book: Book) -> str:
    return score_cell.join(band_formula_pieces(book))


def band_formula_pieces(book: Book) -> list[str]:
    """The band formula's text around each use of the score cell (one per band but the lowest):
    joined by a cell, =IF(K7>=12,"High",IF(K7>=6,"Medium","Low"))."""
    bands = book.scheme.bands
    pieces = [quoted(bands[-1].name)]
    for band in reversed(bands[:-1]):
        pieces = ["IF(", f">={band.min},{quoted(band.name)},{pieces[0]}", *pieces[1:]]
        pieces[-1] += ")"
    return ["=" + pieces[0], *pieces[1:]]


HIGHLIGHT_WORDS = {"archive": f"{PROPOSED_ARCHIVE} / {ARCHIVED}", "change": "Change: Up / Down", "new": NEW}
# With a history, the Change column's words follow their arrows (outputs/panel/travel.py).
HIGHLIGHT_WORDS_WITH_ARROWS = HIGHLIGHT_WORDS | {"change": "Change: ↑ Up / ↓ Down"}


def legend_format(book: Book, key: str):
    """The swatch of one highlight, as the Summary's legend and Appendix A's key show it."""
    name = f"legend:{key}"
    if name not in book._formats:
        fill = dict((k, f) for k, _m, f in L.HIGHLIGHTS)[key]
        book.add_format(
            name, {"bg_color": fill, "font_color": "#000000", "border": 1, "text_wrap": True, "valign": "top"}
        )
    return book.fmt(name)


DEFAULT_ROW_POINTS = 15  # xlsxwriter's default row height
A_LINE_POINTS = 11.25  # 10 pt Arial prints 11.2 points a line in LibreOffice


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped cell of this column width takes, wrapping between words as LibreOffice does
    (about 1.45 characters of prose per unit of width; 1.35 allowed for capitals and rounding)."""
    chars = max(1, int(width * 1.4))
    if len(text) <= chars and "\n" not in text:
        return 1
    if len(text) <= _REMEMBERED_TEXT:
        return _remembered_lines(text, chars)
    return _lines(text, chars)


# Owners, statuses and proposals repeat on every page of a large register: each short text's lines are
# counted once per width (at most 4,096 texts of up to 256 characters held, about a megabyte).
_REMEMBERED_TEXT = 256


def _lines(text: str, chars: int) -> int:
    return sum(wrap_count(line, chars) or 1 for line in str(text).split("\n"))


# Any white space but the plain space (tabs, line ends, no-break spaces, \x1c–\x1f): textwrap splits at some
# and, as str.strip, drops a word made only of the others at a line's ends.
_OTHER_SPACE = re.compile(r"[^\S ]")


def wrap_count(text: str, width: int) -> int:
    """len(textwrap.wrap(text, width, break_on_hyphens=False)): the lines LibreOffice wraps a cell's text
    into, between words. Text of words each within the width, one plain space between them, is counted a
    line at a time (the last space a line can hold found in C: a 79-letter title in a tenth of textwrap's
    time); any other text is wrapped by textwrap. tests/test_panel_wrap.py holds the two equal."""
    if not text or text[0] == " " or text[-1] == " " or "  " in text or _OTHER_SPACE.search(text):
        return len(textwrap.wrap(text, width, break_on_hyphens=False))
    lines, start, end = 1, 0, len(text)
    while end - start > width:
        cut = text.rfind(" ", start, start + width + 1)  # the last space the line holds (at start + width: full)
        if cut < 0:
            # A word longer than a line (each line starts a word, so the loop reaches any such word):
            # textwrap breaks it where a line ends, and counts the whole text.
            return len(textwrap.wrap(text, width, break_on_hyphens=False))
        lines, start = lines + 1, cut + 1
    return lines


_remembered_lines = functools.lru_cache(maxsize=4096)(_lines)


def cell_points(text: str, width: float) -> float:
    """Height of a row whose tallest cell is this text in a column of this width, at least the default row's."""
    return max(DEFAULT_ROW_POINTS, min(409, wrapped_lines(text, width) * A_LINE_POINTS + 4))
