"""The rows of a streamed (constant-memory) xlsxwriter sheet, serialised faster and byte for byte as xlsxwriter does.

xlsxwriter writes each cell of a streamed sheet through a general-purpose chain: a list of
attributes, an escape per attribute, three regular expressions per string and a file write per
cell. For Appendix A and the card lists of a large register that chain was most of the build.
`stream_rows_fast` replaces the sheet's row writer (the private `_write_single_row`, which
xlsxwriter calls for each finished row and once at close) with one that writes the same XML for
the cells riskbook writes (strings, numbers, dates, formulas and blanks, each with a format), a
row per file write, and hands any other cell to xlsxwriter's own `_write_cell`. The regular
expressions still run, but only on the strings that have something for them to do.

tests/test_xlsx_streamed.py holds the output byte-identical to xlsxwriter's own, cell kind by cell
kind: a new xlsxwriter that writes cells differently, or renames what this relies on, fails it.
One difference is deliberate: text that starts with "<r>" and ends with "</r>" is written as
text; xlsxwriter's streamed path would paste it into the file as rich-text XML.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from xlsxwriter.utility import xl_col_to_name
    from xlsxwriter.worksheet import (
        CellBlankTuple,
        CellDatetimeTuple,
        CellFormulaTuple,
        CellNumberTuple,
        CellStringTuple,
    )
except ImportError:  # a new xlsxwriter: stream_rows_fast leaves its own writer in place
    CellStringTuple = None  # type: ignore[assignment, misc]

# What xlsxwriter's _escape_control_characters changes: a control character other than tab and
# newline, U+FFFE and U+FFFF, and text that looks like its own _xHHHH_ escape.
_CONTROL_ESCAPE_NEEDED = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# The formula results xlsxwriter marks as errors (t="e").
_ERROR_CODES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))


def stream_rows_fast(sheet: Any) -> bool:
    """Give a constant-memory xlsxwriter worksheet the faster row writer; False (and nothing changed)
    if the sheet is not streamed or xlsxwriter lacks what the writer relies on."""
    needed = (
        "_write_single_row",
        "_write_cell",
        "_write_row",
        "_write_empty_row",
        "_escape_control_characters",
        "col_info",
    )
    if CellStringTuple is None or not sheet.constant_memory or not all(hasattr(sheet, n) for n in needed):
        return False
    writer = _RowWriter(sheet)
    sheet._write_single_row = writer.write_single_row
    return True


def _escape_data(text: str) -> str:
    """xlsxwriter's _escape_data: &, < and > in element text (quotes and newlines stay as they are)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _RowWriter:
    def __init__(self, sheet: Any):
        self.sheet = sheet
        self.write_cell = sheet._write_cell  # xlsxwriter's own, for any cell this does not write
        self.letters: list[str] = []

    def column(self, col: int) -> str:
        letters = self.letters
        while len(letters) <= col:
            letters.append(xl_col_to_name(len(letters)))
        return letters[col]

    def write_single_row(self, current_row_num: int = 0) -> None:
        """xlsxwriter's _write_single_row: write the row held in the sheet's table, then forget it."""
        sheet = self.sheet
        row_num = sheet.previous_row
        sheet.previous_row = current_row_num
        cells = sheet.table.get(row_num)
        if cells:
            sheet._write_row(row_num, None, sheet.row_info.get(row_num))
            self.write_cells(row_num, cells)
            sheet.fh.write("</row>")
        elif row_num in sheet.row_info or row_num in sheet.comments:
            sheet._write_empty_row(row_num, None, sheet.row_info[row_num])
        sheet.table.clear()

    def write_cells(self, row_num: int, cells: dict[int, Any]) -> None:
        sheet = self.sheet
        number = str(row_num + 1)
        parts: list[str] = []
        for col in sorted(cells):
            cell = cells[col]
            xml = self.cell_xml(self.column(col) + number, self.style(row_num, col, cell.format), cell)
            if xml is None:  # a cell riskbook does not write: xlsxwriter's own code, in its place
                sheet.fh.write("".join(parts))
                parts = []
                self.write_cell(row_num, col, cell)
            else:
                parts.append(xml)
        sheet.fh.write("".join(parts))

    def style(self, row_num: int, col: int, fmt: Any) -> str:
        """The s attribute as _write_cell gives it: the cell's format, else the row's, else the column's."""
        if fmt:
            return f' s="{fmt._get_xf_index()}"'
        sheet = self.sheet
        row_info = sheet.row_info.get(row_num)
        if row_info and row_info.row_format:
            return f' s="{row_info.row_format._get_xf_index()}"'
        column = sheet.col_info.get(col)
        if column is not None and column.column_format is not None:
            return f' s="{column.column_format._get_xf_index()}"'
        return ""

    def cell_xml(self, ref: str, style: str, cell: Any) -> str | None:
        kind = type(cell)
        if kind is CellStringTuple:
            return self.string_xml(ref, style, cell.string)
        if kind is CellNumberTuple or kind is CellDatetimeTuple:
            return f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>'
        if kind is CellFormulaTuple:
            return _formula_xml(ref, style, cell.formula, cell.value)
        if kind is CellBlankTuple:
            return f'<c r="{ref}"{style}/>'
        return None

    def string_xml(self, ref: str, style: str, text: str) -> str:
        if _CONTROL_ESCAPE_NEEDED.search(text):
            text = self.sheet._escape_control_characters(text)
        # xml:space="preserve" when the text starts or ends with whitespace (utility._preserve_whitespace)
        preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{_escape_data(text)}</t></is></c>'


def _formula_xml(ref: str, style: str, formula: str, value: Any) -> str:
    """xlsxwriter's formula cell: the stored result typed as it types it."""
    kind = ""
    if isinstance(value, bool):
        kind, value = ' t="b"', int(value)
    elif isinstance(value, str):
        if value in _ERROR_CODES:
            kind = ' t="e"'
        elif value != "":
            kind = ' t="str"'
        value = _escape_data(value)
    return f'<c r="{ref}"{style}{kind}><f>{_escape_data(formula)}</f><v>{value}</v></c>'
