"""The OpenDocument guard: one streamed pass over content.xml before calamine parses it.

Every table's extent is counted with its repeats (rows and columns repeated, cells covered), and
every construct that makes text longer as calamine reads it (a run of N spaces, tabs, repeated
cells each holding their own copy of a string), so a small file can't cost unbounded memory.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from riskbook.errors import ReadError
from riskbook.source.package import BYTES_PER_CELL, BYTES_PER_ROW, MAX_READ_BYTES, ReadAhead, budget_words
from riskbook.source.scan import (
    CHUNK,
    TAG_BODY,
    TAG_REST,
    bounded_int,
    markup_free,
)

_ODS_ROW = re.compile(rb"<table:table-row(?=[\s/>])" + TAG_BODY + rb">")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])" + TAG_BODY + rb">")
_ODS_TABLE = re.compile(rb"<table:table\b(?!-)[^>]*>|</table:table>")
_ROWS_REPEATED = re.compile(rb"""table:number-rows-repeated\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_COLUMNS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass
class _OdsTable:
    rows: int = 0  # rows from the first non-empty one to the last, repeats counted
    pending_empty: int = 0  # empty rows after the last non-empty one (dropped by calamine if nothing follows)
    width: int = 0
    started: bool = False
    copied_text: int = 0  # bytes of text calamine copies for repeated cells (each repeat is a string of its own)

    def add_row(self, repeats: int, width: int, copied_text: int) -> None:
        if width == 0:
            if self.started:
                self.pending_empty += repeats
            return
        self.rows += self.pending_empty + repeats
        self.pending_empty = 0
        self.started = True
        self.width = max(self.width, width)
        self.copied_text += copied_text


def scan_ods(zf: zipfile.ZipFile, path: zipfile.ZipInfo, display: str, budget: int = MAX_READ_BYTES) -> None:
    """Refuse an OpenDocument workbook whose repeated rows, columns and text would expand past the budget.

    calamine reads every table when the file is opened, expanding number-rows-repeated and
    number-columns-repeated and each <text:s text:c="N"/> into N spaces, but leaves out empty
    rows and columns after the last value: the same is counted here, over all tables together.
    """
    tables: list[_OdsTable] = [_OdsTable()]
    with ReadAhead(zf, path, CHUNK) as stream:
        buffer, searched = b"", 0
        pieces = markup_free(stream)
        while True:
            data = next(pieces, b"")
            buffer += data
            used, searched = _ods_chunk(buffer, tables, searched, final=not data)
            if not data:
                break
            buffer, searched = buffer[used:], max(searched - used, 0)
    rows = sum(t.rows for t in tables)
    cells = sum(t.rows * t.width for t in tables)
    # A repeated or expanded text is built in calamine's grid and copied into a Python string for every repeat.
    copied = _ODS_TEXT_COPIES * sum(t.copied_text for t in tables)
    cost = cells * BYTES_PER_CELL["ods"] + rows * BYTES_PER_ROW + copied
    if cost > budget:
        raise ReadError(
            f"{display}: the workbook's rows and columns, repeats counted, come to {cells:,} cells and "
            f"{copied / 1e6:,.0f} MB of repeated or expanded text "
            f"(about {cost / 1e6:,.0f} MB of memory to read); {budget_words(budget, 'workbooks')}"
        )


def _ods_chunk(buffer: bytes, tables: list[_OdsTable], searched: int, final: bool) -> tuple[int, int]:
    """Count the whole rows in buffer; return where the first unfinished one starts, and how far it was searched."""
    pos = 0
    while True:
        match = _ODS_ROW.search(buffer, pos)
        limit = match.start() if match else (len(buffer) if final else max(pos, len(buffer) - 1024))
        # A table tag cut at the limit is missed; its rows then count with the table before, which only adds.
        for table in _ODS_TABLE.finditer(buffer, pos, limit):
            if not table.group(0).startswith(b"</"):
                tables.append(_OdsTable())
        if match is None:
            return limit, 0
        if match.group(1).endswith(b"/"):
            end, body = match.end(), b""
        else:
            end = buffer.find(b"</table:table-row>", max(match.end(), searched - 20))
            if end == -1:
                if not final:
                    return match.start(), len(buffer)
                end = len(buffer)
            body = buffer[match.end() : end]
        searched = 0
        repeats = _repeats(_ROWS_REPEATED.search(match.group(1)))
        tables[-1].add_row(repeats, *_ods_row(body, repeats))
        pos = end


def _ods_row(body: bytes, row_repeats: int) -> tuple[int, int]:
    """Columns up to the last non-empty cell of a row, repeats counted (calamine drops the empty ones after
    it), and the bytes of text calamine copies for its repeats."""
    if b"office:" not in body and b"table:formula" not in body:
        return 0, 0
    if b"columns-repeated" not in body:
        width = body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell")
        spaces = _expanded_spaces(body)
        return width, spaces + (_text_bytes(body, spaces) * (row_repeats - 1) if row_repeats > 1 else 0)
    width = filled = expanded = once = 0
    cells = list(_ODS_CELL.finditer(body))
    for index, match in enumerate(cells):
        attrs = match.group(1)
        repeats = _repeats(_COLUMNS_REPEATED.search(attrs))
        width += repeats
        if b"office:" in attrs or b"table:formula" in attrs:
            filled = width
            end = cells[index + 1].start() if index + 1 < len(cells) else len(body)
            cell = body[match.start() : end]
            spaces = _expanded_spaces(cell)
            text = _text_bytes(cell, spaces)
            expanded += text * repeats
            once += text - spaces  # the text written in the file, which it pays for itself
    return filled, expanded * row_repeats - once


_STRING_VALUE = re.compile(rb"""office:string-value\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _text_bytes(xml: bytes, spaces: int) -> int:
    """Bytes of text in cells: their content, the spaces its <text:s> elements stand for, and any office:string-value."""
    values = sum(len(m.group(1) or m.group(2) or b"") for m in _STRING_VALUE.finditer(xml))
    return len(re.sub(rb"<" + TAG_REST + rb">", b"", xml)) + values + spaces


# calamine builds each cell's text by pushing one character at a time (its buffer doubles, so it may
# hold twice the text), then python-calamine copies it into a Python string.
_ODS_TEXT_COPIES = 3
# Elements whose text calamine expands: <text:s text:c="N"/> is N spaces; <text:tab/> is counted as one
# character too. Any prefix is counted, which can only add.
_EXPANDING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(s|tab)(?=[\s/>])" + TAG_BODY + rb">")
_SPACE_COUNT = re.compile(rb"""(?<![\w.:-])(?:[A-Za-z_][\w.-]*:)?c\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _expanded_spaces(xml: bytes) -> int:
    """Characters that the cells' <text:s> and <text:tab> elements expand to, counted as calamine reads the count."""
    if b":s" not in xml and b"<s" not in xml and b"tab" not in xml:
        return 0
    total = 0
    for match in _EXPANDING.finditer(xml):
        total += _repeats(_SPACE_COUNT.search(match.group(2))) if match.group(1) == b"s" else 1
    return total


_CHAR_REFERENCE = re.compile(rb"&#(?:x([0-9A-Fa-f]+)|([0-9]+));")
_COUNT = re.compile(rb"\+?[0-9]+")


def _repeats(match: re.Match[bytes] | None) -> int:
    """A repeat count as calamine reads it: entities unescaped, then parsed as an unsigned number."""
    if match is None:
        return 1
    text = _CHAR_REFERENCE.sub(_character, match.group(1) if match.group(1) is not None else match.group(2))
    if not _COUNT.fullmatch(text):
        return 1  # calamine fails on it, with a message of its own
    return bounded_int(text.lstrip(b"+"))  # calamine would try to count this far; the cost check refuses it


def _character(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return chr(code).encode() if code < 0x110000 and chr(code).isascii() else b"?"
