"""One page for the appendices with nothing in them this period."""

from __future__ import annotations

from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.page import CARD_FIELD_WIDTH, CARD_VALUE_WIDTH, add_table, print_designed, set_title_rows
from riskbook.xlsx.writer import Book


def write_empty_appendices(book: Book, sheet_name: str, statements: list[tuple[str, str]]) -> None:
    """One page for the appendices with nothing in them this period, a line each."""
    sheet = book.add_sheet(sheet_name)
    names = " and ".join(name for name, _ in statements)
    sheet.title(
        f"{names}: none this period",
        "Appendices with no risk in them this period share this page, a line each.",
    )
    set_title_rows(sheet)
    add_table(
        sheet,
        "EmptyAppendices",
        L.TABLE_HEADER_ROW,
        0,
        L.TABLE_HEADER_ROW + len(statements),
        ["Appendix", "This period"],
    )
    for offset, (name, text) in enumerate(statements, start=L.FIRST_DATA_ROW):
        sheet.text(offset, 0, name, book.fmt("label"))
        sheet.text(offset, 1, text, book.fmt("cell"))
    print_designed(sheet, [CARD_FIELD_WIDTH, CARD_VALUE_WIDTH], None)
