"""What a scan of a sheet's XML finds (SheetScan), and what every way of scanning shares: chunk
boundaries, comments and CDATA (which may hold anything tag-like), cell positions, hidden rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from riskbook.errors import ReadError
from riskbook.limits import FAR_BEYOND_EXCEL, column_number

if TYPE_CHECKING:
    import numpy as np


CHUNK = 1024 * 1024  # a chunk and the arrays made from it stay in the processor's cache
# A sheet (or shared-strings) part smaller than this, uncompressed, is read with regexes alone:
# importing numpy would take longer than the whole read.
SMALL_PART = 1 << 20
_TABLED_INDICES = 1 << 22  # shared-string indices counted in a table (32 MB at most); any further one by itself
# Attribute values may hold ">": a tag runs to the first ">" outside quotes, as an XML parser reads it.
TAG_REST = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
TAG_BODY = b"(" + TAG_REST + b")"


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found, before any reader parses it."""

    max_row: int = 0  # 1-based, furthest cell
    max_col: int = 0
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)  # (row, col) 0-based -> has a saved value
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based -> "#REF!" etc.
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    # Shared-string indices that cells name, and how many cells name each: the fast path adds to a
    # table by index (below _TABLED_INDICES; None until it does), the slower paths and far indices count
    # by index as written; shared_cells() puts them together (and is what to compare).
    shared_table: np.ndarray | None = field(default=None, compare=False, repr=False)
    shared_refs: Counter[bytes] = field(default_factory=Counter, compare=False, repr=False)

    def add_shared(self, indices: np.ndarray) -> None:
        """Count cells naming these shared-string indices (memory stays that of the table, however many cells)."""
        import numpy as np

        if self.shared_table is None:
            self.shared_table = np.zeros(0, np.int64)
        far = indices >= _TABLED_INDICES
        if far.any():
            unique, cells = np.unique(indices[far], return_counts=True)
            self.shared_refs.update({b"%d" % index: int(n) for index, n in zip(unique, cells, strict=True)})
            indices = indices[~far]
        if len(indices):
            top = int(indices.max())
            if top >= len(self.shared_table):
                self.shared_table = np.concatenate(
                    [self.shared_table, np.zeros(top + 1 - len(self.shared_table), np.int64)]
                )
            np.add.at(self.shared_table, indices, 1)

    def shared_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Every shared-string index that cells name, ascending, and how many cells name it."""
        import numpy as np

        table = np.zeros(0, np.int64) if self.shared_table is None else self.shared_table
        indices = np.flatnonzero(table)
        cells = table[indices]
        named = self.named_refs()
        if not named:
            return indices, cells
        indices = np.concatenate([indices, np.array([index for index, _ in named], np.int64)])
        cells = np.concatenate([cells, np.array([n for _, n in named], np.int64)])
        unique, where = np.unique(indices, return_inverse=True)
        return unique, np.bincount(where, weights=cells, minlength=len(unique)).astype(np.int64)

    def named_refs(self) -> list[tuple[int, int]]:
        """The counts kept by index as written (not in the table): (index, cells), an index maybe more than once."""
        # An index past any shared-strings table names no string (and a long one is too big for int()).
        return [(int(index), n) for index, n in self.shared_refs.items() if len(index) <= 18]

    def formula_gaps(self, trust_values: bool) -> dict[tuple[int, int], str | None]:
        """Cells whose saved result cannot be read as a value: None for no (trusted) result, else Excel's error."""
        gaps: dict[tuple[int, int], str | None] = {
            cell: None for cell, has_value in self.formulas.items() if not (has_value and trust_values)
        }
        for cell, error in self.errors.items():
            if trust_values or cell not in self.formulas:
                gaps[cell] = error
        return gaps

    def reach(self, row: int, col: int) -> None:
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col


class NeedsExactScan(Exception):
    """A chunk uses a form the fast path does not read; the sheet is read tag by tag instead."""


_MARKUP = re.compile(rb"<!--|<!\[CDATA\[|<\?")
MARKUP_END = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_MARKUP_REGION = re.compile(rb"<!--.*?-->|<!\[CDATA\[(.*?)\]\]>|<\?.*?\?>", re.S)


def unclosed_markup(buffer: bytes, cut: int) -> int:
    """Where a comment, CDATA section or processing instruction open at cut starts, or cut if none is."""
    pos = 0
    while (match := _MARKUP.search(buffer, pos, cut)) is not None:
        end = buffer.find(MARKUP_END[match.group(0)], match.end())
        if end == -1 or end >= cut:
            return match.start()
        pos = end
    return cut


def without_markup(chunk: bytes) -> bytes:
    return _MARKUP_REGION.sub(lambda m: (m.group(1) or b"").replace(b"<", b"&lt;"), chunk)


def has_markup(chunk: bytes) -> bool:
    """Comments, CDATA or processing instructions beyond the XML declaration."""
    start = 3 if chunk.startswith(b"\xef\xbb\xbf") else 0
    if chunk.startswith(b"<?", start):
        start += 2
    return may_hold_markup(chunk, start)


def may_hold_markup(data: bytes, start: int = 0) -> bool:
    """Whether "<!" or "<?" occurs from start. "<" is everywhere and slows a search for "<!" down; "!" and
    "?" are rare, so each is found with memchr and the byte before it looked at."""
    for mark in (b"!", b"?"):
        pos = data.find(mark, start + 1)
        for _ in range(64):
            if pos == -1:
                break
            if data[pos - 1] == ord("<"):
                return True
            pos = data.find(mark, pos + 1)
        else:
            if b"<" + mark in data[start:]:  # text full of them: the plain search after all
                return True
    return False


_BOUNDARY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row|col)[\s>/]")


def last_boundary(buffer: bytes, new: int) -> int:
    """Where the last cell, row or column element starts (looking only at new data): everything before it is whole."""
    new = max(new - 64, 0)
    cut = buffer.rfind(b"<row ", new)  # whole rows keep the furthest row of a chunk in it
    if cut < new + (len(buffer) - new) // 2:
        cut = max(cut, buffer.rfind(b"<c ", new), buffer.rfind(b"<col ", new))
    if cut < new:  # prefixed or unusual tags only: the exact reader will take this sheet
        for match in _BOUNDARY.finditer(buffer, max(new, len(buffer) - 65536)):
            cut = match.start()
    return cut


# -- Shared helpers ---------------------------------------------------------------------------

_HIDDEN_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s" + TAG_BODY + rb">")
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\s" + TAG_BODY + rb">")


def scan_hidden(chunk: bytes, scan: SheetScan) -> None:
    for match in _HIDDEN_ROW_TAG.finditer(chunk):
        values = scan_attributes(match.group(0))
        if values.get(b"hidden") in (b"1", b"true") and b"r" in values:
            scan.hidden_rows.add(row_number(values[b"r"]) - 1)
    for match in _COL_TAG.finditer(chunk):
        hidden_col(match.group(1), scan)


def hidden_col(attrs: bytes, scan: SheetScan) -> None:
    values = scan_attributes(attrs)
    if (
        values.get(b"hidden") in (b"1", b"true")
        and values.get(b"min", b"").isdigit()
        and values.get(b"max", b"").isdigit()
    ):
        low, high = bounded_int(values[b"min"]), bounded_int(values[b"max"])
        scan.hidden_cols.update(range(low - 1, min(high, low + 1000)))


def scan_attributes(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in ATTRIBUTE.finditer(tag)}


def scan_attribute(tag: bytes, name: bytes) -> bytes:
    return scan_attributes(tag).get(name, b"")


_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?(/?)>([^<]*)")


def has_result(cell_type: bytes, body: bytes) -> bool:
    """Whether a formula cell carries its result: <v/> and <v></v> are a stored empty text only in a t="str" cell."""
    match = _VALUE.search(body)
    if match is None:
        return False
    return bool(match.group(2)) or cell_type == b"str"


def cell_position(ref: bytes) -> tuple[int, int]:
    """0-based (row, col) of a reference such as "XFD1048576" or "xfd1048576", read as calamine reads it."""
    letters = ref.rstrip(b"0123456789")
    digits = ref[len(letters) :]
    if not digits or not letters.isalpha():
        raise ReadError(f"a cell reference {ref[:20].decode('ascii', 'replace')!r} is not a cell")
    return bounded_int(digits) - 1, column_number(letters) - 1


def row_number(text: bytes) -> int:
    digits = text.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if not digits.isdigit():
        raise ReadError(f"a row number {text[:20].decode('ascii', 'replace')!r} is not a number")
    return bounded_int(digits)


def bounded_int(digits: bytes) -> int:
    """Decimal digits as a number, no greater than FAR_BEYOND_EXCEL (calamine reads "007" as 7)."""
    significant = digits.lstrip(b"0")
    return int(significant) if 0 < len(significant) <= 15 else (FAR_BEYOND_EXCEL if significant else 0)


def markup_free(stream) -> Iterator[bytes]:
    """The stream's bytes, in chunks, without comments, CDATA markup or processing instructions."""
    pending = b""
    while True:
        data = stream.read(CHUNK)
        pending += data
        if not data:
            if pending:
                yield without_markup(pending)
            return
        # A piece may end inside "<!--", "<![CDATA[" or "<?": that "<" waits for the next read.
        safe = _opener_start(pending)
        if may_hold_markup(pending):
            safe = unclosed_markup(pending, safe)
            if safe:
                yield without_markup(pending[:safe])
                pending = pending[safe:]
        elif safe:
            yield pending[:safe]
            pending = pending[safe:]


def _opener_start(data: bytes) -> int:
    """Where data ends in the first bytes of a comment, CDATA or processing-instruction opener, else its length."""
    start = data.rfind(b"<", max(len(data) - 8, 0))
    if start != -1 and any(opener.startswith(data[start:]) for opener in MARKUP_END):
        return start
    return len(data)


ATTRIBUTE = re.compile(rb"""([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def index_key(digits: bytes) -> bytes:
    """A shared-string index as written, in one spelling ("007" is 7 to calamine), without int():
    a hostile index of thousands of digits is past Python's limit for converting text to int."""
    return digits.lstrip(b"0") or b"0"
