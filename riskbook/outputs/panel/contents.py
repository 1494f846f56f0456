"""The Contents sheet: each sheet of the paper, linked, with what it holds."""

from __future__ import annotations

from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.page import add_table, chars_per_line, print_designed, set_title_rows
from riskbook.xlsx.writer import Book, text_height


def write_contents(book: Book, entries: list[tuple[str, str, str]], source: str) -> None:
    """entries: (name shown, sheet it links to, what it holds)."""
    sheet = book.add_sheet(L.CONTENTS)
    page = book.page
    sheet.title(
        f"{page.title}: contents",
        f"The sheets of this workbook, as at {page.date_text}. Select a sheet name to go to it.",
    )
    set_title_rows(sheet)
    add_table(sheet, "Contents", L.TABLE_HEADER_ROW, 0, L.TABLE_HEADER_ROW + len(entries), ["Sheet", "What it holds"])
    link = book.add_format(
        "link-cell", {"font_color": "#0B4F9C", "underline": 1, "valign": "top", "border": 1, "text_wrap": True}
    )
    for offset, (name, target, text) in enumerate(entries, start=L.FIRST_DATA_ROW):
        sheet.url(offset, 0, f"internal:'{target}'!A1", name, link)
        sheet.text(offset, 1, text, book.fmt("cell"))
        sheet.sheet.set_row(offset, text_height(text, chars_per_line(90)))
    notes_row = L.FIRST_DATA_ROW + len(entries) + 1
    sheet.text(notes_row, 0, f"Source register: {source}")
    sheet.text(notes_row + 1, 0, f"Protective marking: {page.marking}")
    sheet.text(
        notes_row + 2, 0, "Every count, matrix cell and appendix is computed from the register's rows by riskbook."
    )
    print_designed(sheet, [16, 90], (L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))
