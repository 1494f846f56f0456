"""The rows of a streamed (constant-memory) xlsxwriter sheet, serialised faster and byte for byte as xlsxwriter does.

xlsxwriter writes each cell of a streamed sheet through a general-purpose chain: a list of
attributes, an escape per attribute, three regular expressions per string and a file write per
cell. For Appendix A and the card lists of a large register that chain was most of the build.
`stream_rows_fast` replaces the sheet's row writer (the private `_write_single_row`, which
xlsxwriter calls for each finished row and once at close) with one that writes the same XML for
the cells riskbook writes (strings, numbers, dates, formulas and blanks), a row per file write,
and leaves any other row (one with only a height, or a kind of cell riskbook does not write) to
xlsxwriter's own writer. xlsxwriter's regular expressions still run, but only on the strings that
have something for them to do.

tests/test_xlsx_streamed.py holds the output byte-identical to xlsxwriter's own, cell kind by cell
kind: a new xlsxwriter that writes cells differently, or renames what this relies on, fails it.
One difference is deliberate: text that starts with "<r>" and ends with "</r>" is written as
text; xlsxwriter's streamed path would paste it into the file as rich-text XML.
"""

from __future__ import annotations

import io
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
# Text xlsxwriter writes as it is: nothing to escape (no control character, &, <, >, U+FFFE, U+FFFF,
# nor an underscore that could start an _xHHHH_ escape), and no whitespace at either end to preserve.
_PLAIN_TEXT = re.compile(r"(?!\s)[^\x00-\x08\x0b-\x1f&<>\ufffe\uffff_]*(?<!\s)").fullmatch
# The formula results xlsxwriter marks as errors (t="e").
_ERROR_CODES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))


def stream_rows_fast(sheet: Any) -> bool:
    """Give a constant-memory xlsxwriter worksheet the faster row writer; False (and nothing changed)
    if the sheet is not streamed or xlsxwriter lacks what the writer relies on."""
    needed = ("_write_single_row", "_write_row", "_escape_control_characters", "row_info", "col_info", "table", "fh")
    if CellStringTuple is None or not sheet.constant_memory or not all(hasattr(sheet, n) for n in needed):
        return False
    sheet._write_single_row = _RowWriter(sheet).write_single_row
    return True


def _escape_data(text: str) -> str:
    """xlsxwriter's _escape_data: &, < and > in element text (quotes and newlines stay as they are)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _RowWriter:
    """Writes a row whose cells are all of the kinds riskbook writes as one string, in one file write;
    any other row (one with only a height, or with a rich string, a boolean, …) as xlsxwriter does."""

    def __init__(self, sheet: Any):
        self.sheet = sheet
        self.write_row_as_xlsxwriter_does = sheet._write_single_row
        self.letters: list[str] = []
        self.styles: dict[Any, str] = {}  # format -> its ' s="n"' attribute
        self.row_tails: dict[tuple, str] = {}  # the row's properties -> what follows r="n" in its tag

    def write_single_row(self, current_row_num: int = 0) -> None:
        """xlsxwriter's _write_single_row: write the row held in the sheet's table, then forget it."""
        sheet = self.sheet
        row_num = sheet.previous_row
        cells = sheet.table.get(row_num)
        xml = self.row_xml(row_num, cells) if cells else None
        if xml is None:
            self.write_row_as_xlsxwriter_does(current_row_num)
            return
        sheet.previous_row = current_row_num
        sheet.fh.write(xml)
        sheet.table.clear()

    def row_xml(self, row_num: int, cells: dict[int, Any]) -> str | None:
        number = str(row_num + 1)
        tail = self.row_tail(row_num)
        if tail is None:
            return None
        parts = [f'<row r="{number}"{tail}']
        last = max(cells)
        while len(self.letters) <= last:
            self.letters.append(xl_col_to_name(len(self.letters)))
        letters, styles = self.letters, self.styles
        for col in sorted(cells):
            cell = cells[col]
            ref = letters[col] + number
            fmt = cell.format
            style = (styles.get(fmt) or self.style(fmt)) if fmt else self.inherited_style(row_num, col)
            kind = type(cell)
            if kind is CellStringTuple:
                text = cell.string
                if _PLAIN_TEXT(text):
                    parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>')
                else:
                    parts.append(self.string_xml(ref, style, text))
            elif kind is CellNumberTuple or kind is CellDatetimeTuple:
                parts.append(f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>')
            elif kind is CellFormulaTuple:
                parts.append(_formula_xml(ref, style, cell.formula, cell.value))
            elif kind is CellBlankTuple:
                parts.append(f'<c r="{ref}"{style}/>')
            else:  # a kind riskbook does not write
                return None
        parts.append("</row>")
        return "".join(parts)

    def row_tail(self, row_num: int) -> str | None:
        """The row tag's attributes after r="n", as xlsxwriter's _write_row writes them for this row's
        properties and the sheet's default height (asked once per distinct set: a height, a format)."""
        info = self.sheet.row_info.get(row_num)
        default = self.sheet.default_row_height
        key = (
            (default,)
            if info is None
            else (default, info.height, info.row_format, info.hidden, info.level, info.collapsed)
        )
        tail = self.row_tails.get(key)
        if tail is None:
            sheet, fh = self.sheet, self.sheet.fh
            sheet.fh = io.StringIO()
            try:
                sheet._write_row(row_num, None, info)
                tag = sheet.fh.getvalue()
            finally:
                sheet.fh = fh
            start = f'<row r="{row_num + 1}"'
            if not tag.startswith(start):
                return None
            tail = self.row_tails[key] = tag[len(start) :]
        return tail

    def style(self, fmt: Any) -> str:
        style = self.styles[fmt] = f' s="{fmt._get_xf_index()}"'
        return style

    def inherited_style(self, row_num: int, col: int) -> str:
        """A cell without a format takes its row's, else its column's (as xlsxwriter's _write_cell does)."""
        sheet = self.sheet
        row_info = sheet.row_info.get(row_num)
        if row_info and row_info.row_format:
            return f' s="{row_info.row_format._get_xf_index()}"'
        column = sheet.col_info.get(col)
        if column is not None and column.column_format is not None:
            return f' s="{column.column_format._get_xf_index()}"'
        return ""

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
