"""One streamed pass over a sheet's XML before any reader parses it: extent, formulas, hidden rows and columns.

The extent is taken as calamine takes it: from each cell's own r attribute (either quote,
either case), or, for a cell or row without one, from its place after the one before. The
common forms (each <c> and <row> starting with r="…", no namespace prefix) are read with numpy
over each chunk (every tag at once), or with regexes where a ">" in text or an attribute, or a
number too long for numpy's reading, needs them; anything else sends the whole sheet to an
exact, slower, tag-by-tag reading, so no spelling of the XML walks round the guard.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections import Counter
from typing import TYPE_CHECKING

from riskbook.errors import ReadError
from riskbook.source.package import (
    MAX_READ_BYTES,
    ReadAhead,
    SheetPart,
    check_read_cost,
    entries,
    open_part,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SheetScan", "markup_free", "scan_sheet"]
from riskbook.source.scan_exact import ExactReader
from riskbook.source.scan_fast import (
    PAD,
    Words,
    fast_chunk,
    positions,
    regex_chunk,
    scan_byte,
    scan_starting,
    scan_tables,
)
from riskbook.source.sheet_scan import (
    CHUNK,
    SMALL_PART,
    NeedsExactScan,
    SheetScan,
    last_boundary,
    markup_free,
    may_hold_markup,
    unclosed_markup,
)


def scan_sheet(zf: zipfile.ZipFile, part: SheetPart, display: str, budget: int = MAX_READ_BYTES) -> SheetScan:
    """Stream a sheet's XML parts once (twice for unusual XML): extent, formula cells, errors, hidden rows and columns.

    Raises ReadError if reading the sheet would cost more memory than the budget (package.read_budget) allows.
    """
    scan = SheetScan()
    for path in part.paths:
        quick_chunk = regex_chunk if path.file_size < SMALL_PART else fast_chunk
        try:
            try:
                scan = _merge(scan, _scan_part(zf, path, quick_chunk))
            except NeedsExactScan:
                scan = _merge(scan, _scan_part(zf, path, ExactReader().chunk))
        except ReadError as exc:
            raise ReadError(f"{display}: sheet {part.name!r} is damaged ({exc})") from None
    check_read_cost(display, part.name, scan.max_row, scan.max_col, "xlsx", _shared_text_copies(zf, scan), budget)
    return scan


def _shared_text_copies(zf: zipfile.ZipFile, scan: SheetScan) -> int:
    """Bytes of shared strings copied beyond their first use: calamine gives every cell its own copy."""
    if scan.shared_table is None:
        return _few_text_copies(zf, scan)
    import numpy as np

    indices, cells = scan.shared_cells()
    repeated = cells > 1
    indices, extra = indices[repeated], cells[repeated] - 1
    if not len(indices):
        return 0
    copies = 0
    for entry in entries(zf).get("xl/sharedstrings.xml", []):
        lengths = _shared_string_lengths(zf, entry, int(indices[-1]))
        named = indices < len(lengths)
        # int64 holds it: cells (each at least ~10 bytes of XML) times bytes of one string stays far below 2**63.
        copies = max(copies, int(np.dot(extra[named], lengths[indices[named]])))
    return copies


def _few_text_copies(zf: zipfile.ZipFile, scan: SheetScan) -> int:
    """_shared_text_copies for counts held by index as written (no table): the same sum, without numpy."""
    cells: Counter[int] = Counter()
    for index, n in scan.named_refs():
        cells[index] += n
    extra = {index: n - 1 for index, n in cells.items() if n > 1}
    if not extra:
        return 0
    last, copies = max(extra), 0
    for entry in entries(zf).get("xl/sharedstrings.xml", []):
        if entry.file_size < SMALL_PART:
            lengths = _few_string_lengths(zf, entry)
        else:
            lengths = _shared_string_lengths(zf, entry, last).tolist()
        copies = max(copies, sum(n * lengths[index] for index, n in extra.items() if index < len(lengths)))
    return copies


def _few_string_lengths(zf: zipfile.ZipFile, entry: zipfile.ZipInfo) -> list[int]:
    """_shared_string_lengths for a small part, read whole (it is under SMALL_PART): every item's bytes."""
    with open_part(zf, entry) as stream:
        data = b"".join(markup_free(stream))
    starts = [match.start() for match in _SI_START.finditer(data)] + [len(data)]
    return [end - start for start, end in itertools.pairwise(starts)]


_SI_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s>/])")
_NAME_ENDING = re.compile(rb"[\s>/]")


def _shared_string_lengths(zf: zipfile.ZipFile, entry: zipfile.ZipInfo, last: int) -> np.ndarray:
    """Bytes of each shared string's <si> item (an upper bound on its text) up to index last, one index an item."""
    import numpy as np

    starts: list[np.ndarray] = []
    found, last_found, end = 0, -1, 0
    carry, carry_at = b"", 0  # a tag whose name a piece cut off, searched again with the next piece
    with ReadAhead(zf, entry, CHUNK) as stream:
        for data in markup_free(stream):
            window = carry + data
            at = _si_starts(window) + carry_at
            at = at[at > last_found]
            if len(at):
                starts.append(at)
                found, last_found = found + len(at), int(at[-1])
            end = carry_at + len(window)
            if found > last + 1:  # item last ends where the next one starts
                break
            cut = window.rfind(b"<")
            name_cut = cut != -1 and _NAME_ENDING.search(window, cut) is None  # else it was read whole
            carry, carry_at = (window[cut:], carry_at + cut) if name_cut else (b"", end)
        else:
            starts.append(np.array([end]))  # the last item ends with the part
    return np.diff(np.concatenate(starts)) if starts else np.zeros(0, np.int64)


def _si_starts(window: bytes) -> np.ndarray:
    """Where each <si> item starts in window."""
    import numpy as np

    padded = window + PAD
    body, words = np.frombuffer(padded, np.uint8, len(window)), Words(padded)
    if b":" in window:  # rare in text: then a prefixed name is looked for, and read by the regex
        after = words[positions(window, body, b":") + 1]
        if (scan_starting(after, b"si") & scan_tables().name_end[scan_byte(after, 2)]).any():
            return np.array([match.start() for match in _SI_START.finditer(window)], np.int64)
    opens = np.flatnonzero((body[:-1] == ord("<")) & (body[1:] == ord("s")))  # <si and <sst: a quarter of the tags
    heads = words[opens]
    return opens[scan_starting(heads, b"<si") & scan_tables().name_end[scan_byte(heads, 3)]]


def _merge(first: SheetScan, second: SheetScan) -> SheetScan:
    second.reach(first.max_row, first.max_col)
    second.formulas.update(first.formulas)
    second.errors.update(first.errors)
    second.hidden_rows |= first.hidden_rows
    second.hidden_cols |= first.hidden_cols
    second.shared_refs.update(first.shared_refs)
    tables = [table for table in (first.shared_table, second.shared_table) if table is not None]
    if tables:
        longer, *shorter = sorted(tables, key=len, reverse=True)
        second.shared_table = longer.copy()
        for table in shorter:
            second.shared_table[: len(table)] += table
    return second


def _scan_part(zf: zipfile.ZipFile, path: zipfile.ZipInfo, read_chunk) -> SheetScan:
    scan = SheetScan()
    with ReadAhead(zf, path, CHUNK) as stream:
        buffer = b""
        while True:
            data = stream.read(CHUNK)
            buffer += data
            if not data:
                read_chunk(buffer, scan)
                return scan
            cut = last_boundary(buffer, len(buffer) - len(data))
            if may_hold_markup(buffer):
                cut = min(cut, unclosed_markup(buffer, cut))
            if cut > 0:
                read_chunk(buffer[:cut], scan)
                buffer = buffer[cut:]


# Comments, CDATA sections and processing instructions may hold anything that looks like a tag;
# XML parsers (and calamine) skip them, so the exact reader removes them, and a chunk never ends in one.
