"""The exact scanner: tag by tag, any spelling of the XML (prefixes, either quote, spaces), for the
sheets the fast scanner hands over; slower, and never walked round.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from riskbook.source.sheet_scan import (
    TAG_BODY,
    SheetScan,
    cell_position,
    hidden_col,
    index_key,
    row_number,
    scan_attributes,
    without_markup,
)

# -- Exact path: any prefix, quote, attribute order, and cells or rows without r ------------

_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f|v|col)(?=[\s/>])" + TAG_BODY + rb">")


class ExactReader:
    """Positions as calamine counts them: a row's r, or one past the row before; a cell's r, or one past the cell before."""

    def __init__(self) -> None:
        self.row = 0  # 0-based index calamine gives the next cell without r
        self.col = 0
        self.cell: tuple[int, int] | None = None  # the open <c>: position, type, formula seen, value text
        self.cell_type = b""
        self.cell_has_formula = False
        self.cell_value: bytes | None = None

    def chunk(self, chunk: bytes, scan: SheetScan) -> None:
        if b"<!" in chunk or b"<?" in chunk:
            chunk = without_markup(chunk)
        for match in _TAG.finditer(chunk):
            closing, name, attrs = match.group(1), match.group(2), match.group(3)
            if self.cell is not None and (name == b"row" or (name == b"c" and not closing)):
                continue  # calamine reads a cell to its </c>: rows and cells inside it place nothing
            empty = attrs.endswith(b"/")
            if name == b"row":
                if closing:
                    self._end_row()
                else:
                    self._start_row(attrs, scan)
                    if empty:
                        self._end_row()
            elif name == b"c":
                if closing:
                    self._end_cell(scan)
                else:
                    self._start_cell(attrs, scan, has_content=not empty)
                    if empty:
                        self._end_cell(scan)
            elif self.cell is not None and not closing:
                if name == b"f":
                    self.cell_has_formula = True
                elif name == b"v":
                    end = chunk.find(b"<", match.end())
                    self.cell_value = b"" if empty else chunk[match.end() : end if end != -1 else len(chunk)]
            elif name == b"col" and not closing:
                hidden_col(attrs, scan)

    def _start_row(self, attrs: bytes, scan: SheetScan) -> None:
        values = scan_attributes(attrs)
        if b"r" in values:
            self.row = row_number(values[b"r"]) - 1
        if values.get(b"hidden") in (b"1", b"true"):
            scan.hidden_rows.add(self.row)

    def _end_row(self) -> None:
        self.row += 1
        self.col = 0

    def _start_cell(self, attrs: bytes, scan: SheetScan, has_content: bool) -> None:
        values = scan_attributes(attrs)
        if b"r" in values:
            row, col = cell_position(values[b"r"])
            self.col = col
        else:
            row, col = self.row, self.col
        if has_content:  # an empty <c/> holds no value: calamine leaves it out of the range
            scan.reach(row + 1, col + 1)
        self.cell = (row, col)
        self.cell_type = values.get(b"t", b"")
        self.cell_has_formula = False
        self.cell_value = None

    def _end_cell(self, scan: SheetScan) -> None:
        if self.cell is None:
            return
        if self.cell_has_formula:
            scan.formulas[self.cell] = self.cell_value is not None and (
                bool(self.cell_value) or self.cell_type == b"str"
            )
        if self.cell_type == b"e" and self.cell_value:
            scan.errors[self.cell] = self.cell_value.decode("ascii", "replace")
        if self.cell_type == b"s" and self.cell_value and self.cell_value.strip().isdigit():
            scan.shared_refs[index_key(self.cell_value.strip())] += 1
        self.cell = None
        self.col += 1
