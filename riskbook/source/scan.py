"""One streamed pass over a sheet's XML before any reader parses it: extent, formulas, hidden rows and columns."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from riskbook.errors import ReadError
from riskbook.source.package import MAX_SHEET_CELLS, SheetPart

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_WIDE_CELL_REF = re.compile(rb'r="([A-Z]{3})(\d+)"')
_ROW_REF = re.compile(rb'<row\s+r="(\d+)"')
_HIDDEN_ROW = re.compile(rb'<row\s(?=[^>]*?\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')
_COL_TAG = re.compile(rb"<col\s[^>]*>")
_COL_MIN = re.compile(rb'\smin="(\d+)"')
_COL_MAX = re.compile(rb'\smax="(\d+)"')
_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found, before any reader parses it."""

    max_row: int = 0
    max_col: int = 0
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)  # (row, col) 0-based -> has a saved value
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)

    def formula_gaps(self, trust_values: bool) -> set[tuple[int, int]]:
        """Formula cells whose saved result is missing, or every formula cell if results are not to be trusted."""
        return {cell for cell, has_value in self.formulas.items() if not (has_value and trust_values)}


CHUNK = 4 * 1024 * 1024
_OVERLAP = 64 * 1024


def scan_sheet(zf: zipfile.ZipFile, part: SheetPart, display: str) -> SheetScan:
    """Stream a sheet's XML once: extent, formula cells, hidden rows and columns. Memory stays bounded.

    The dimension element is optional and can lie, so the cells themselves are looked at:
    rows are written in order, so the last rows before </sheetData> are the furthest; a
    column beyond ZZ is rare enough that every such reference is collected.
    """
    scan = SheetScan()
    try:
        stream = zf.open(part.path)
    except KeyError:
        return scan
    with stream:
        buffer = b""
        done = 0  # bytes of buffer already searched for formulas
        first = True
        while True:
            chunk = stream.read(CHUNK)
            buffer += chunk
            if first:
                _scan_dimension(buffer, scan)
                first = False
            done = _scan_formulas(buffer, done, scan, final=not chunk)
            _scan_hidden_and_wide(buffer, scan)
            end = buffer.find(b"</sheetData>")
            if end != -1 or not chunk:
                _scan_last_rows(buffer, len(buffer) if end == -1 else end, scan)
            if not chunk:
                break
            keep = min(len(buffer), max(_OVERLAP, len(buffer) - done))
            done -= len(buffer) - keep
            buffer = buffer[-keep:]
            done = max(done, 0)
    if scan.max_col * scan.max_row > MAX_SHEET_CELLS:
        raise ReadError(
            f"{display}: sheet {part.name!r} reaches {_col_name(scan.max_col)}{scan.max_row} "
            f"({scan.max_col * scan.max_row:,} cells); refusing sheets over {MAX_SHEET_CELLS:,} cells"
        )
    return scan


def _scan_dimension(buffer: bytes, scan: SheetScan) -> None:
    match = _DIMENSION.search(buffer, 0, 4096)
    if match and match.group(3):
        scan.max_col = max(scan.max_col, _col_number(match.group(3)))
        scan.max_row = max(scan.max_row, int(match.group(4)))


def _scan_formulas(buffer: bytes, start: int, scan: SheetScan, final: bool) -> int:
    """Record formula cells from start on; return where the next search must begin."""
    pos = buffer.find(b"<f", start)
    while pos != -1:
        if buffer[pos + 2 : pos + 3] not in (b" ", b">", b"/"):
            pos = buffer.find(b"<f", pos + 2)
            continue
        end = buffer.find(b"</c>", pos)
        if end == -1 and not final:
            return pos  # the cell continues in the next chunk
        cell_start = buffer.rfind(b"<c ", 0, pos)
        cell = buffer[cell_start : end if end != -1 else len(buffer)]
        ref = _CELL_REF.search(cell)
        if ref:
            # An empty <v></v> is a saved empty-string result only in a cell typed t="str" (as
            # LibreOffice writes it); openpyxl writes the same element for "no result".
            start_tag = cell[: cell.find(b">")]
            has_value = b"<v>" in cell and (b"<v></v>" not in cell or b't="str"' in start_tag)
            scan.formulas[(int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1)] = has_value
        if end == -1:
            return len(buffer)
        pos = buffer.find(b"<f", end)
    return max(start, len(buffer) - 3)


def _scan_hidden_and_wide(buffer: bytes, scan: SheetScan) -> None:
    if b'hidden="' in buffer:
        for match in _HIDDEN_ROW.finditer(buffer):
            scan.hidden_rows.add(int(match.group(1)) - 1)
        for tag in _COL_TAG.findall(buffer):  # attributes come in any order
            first, last = _COL_MIN.search(tag), _COL_MAX.search(tag)
            if _HIDDEN.search(tag) and first and last:
                low, high = int(first.group(1)), int(last.group(1))
                scan.hidden_cols.update(range(low - 1, min(high, low + 1000)))
    for letters, row in _WIDE_CELL_REF.findall(buffer):
        scan.max_col = max(scan.max_col, _col_number(letters))
        scan.max_row = max(scan.max_row, int(row))


def _scan_last_rows(buffer: bytes, end: int, scan: SheetScan) -> None:
    begin = max(0, end - _OVERLAP)
    for letters, row in _CELL_REF.findall(buffer, begin, end):
        scan.max_col = max(scan.max_col, _col_number(letters))
        scan.max_row = max(scan.max_row, int(row))
    for row in _ROW_REF.findall(buffer, begin, end):
        scan.max_row = max(scan.max_row, int(row))


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _col_name(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
