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
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from riskbook.errors import ReadError
from riskbook.limits import FAR_BEYOND_EXCEL, column_number
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


class _NeedsExactScan(Exception):
    """A chunk uses a form the fast path does not read; the sheet is read tag by tag instead."""


def scan_sheet(zf: zipfile.ZipFile, part: SheetPart, display: str, budget: int = MAX_READ_BYTES) -> SheetScan:
    """Stream a sheet's XML parts once (twice for unusual XML): extent, formula cells, errors, hidden rows and columns.

    Raises ReadError if reading the sheet would cost more memory than the budget (package.read_budget) allows.
    """
    scan = SheetScan()
    for path in part.paths:
        quick_chunk = _regex_chunk if path.file_size < SMALL_PART else _fast_chunk
        try:
            try:
                scan = _merge(scan, _scan_part(zf, path, quick_chunk))
            except _NeedsExactScan:
                scan = _merge(scan, _scan_part(zf, path, _ExactReader().chunk))
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

    padded = window + _PAD
    body, words = np.frombuffer(padded, np.uint8, len(window)), _Words(padded)
    if b":" in window:  # rare in text: then a prefixed name is looked for, and read by the regex
        after = words[_positions(window, body, b":") + 1]
        if (_starting(after, b"si") & _tables().name_end[_byte(after, 2)]).any():
            return np.array([match.start() for match in _SI_START.finditer(window)], np.int64)
    opens = np.flatnonzero((body[:-1] == ord("<")) & (body[1:] == ord("s")))  # <si and <sst: a quarter of the tags
    heads = words[opens]
    return opens[_starting(heads, b"<si") & _tables().name_end[_byte(heads, 3)]]


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
            cut = _last_boundary(buffer, len(buffer) - len(data))
            if may_hold_markup(buffer):
                cut = min(cut, unclosed_markup(buffer, cut))
            if cut > 0:
                read_chunk(buffer[:cut], scan)
                buffer = buffer[cut:]


# Comments, CDATA sections and processing instructions may hold anything that looks like a tag;
# XML parsers (and calamine) skip them, so the exact reader removes them, and a chunk never ends in one.
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


def _has_markup(chunk: bytes) -> bool:
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


def _last_boundary(buffer: bytes, new: int) -> int:
    """Where the last cell, row or column element starts (looking only at new data): everything before it is whole."""
    new = max(new - 64, 0)
    cut = buffer.rfind(b"<row ", new)  # whole rows keep the furthest row of a chunk in it
    if cut < new + (len(buffer) - new) // 2:
        cut = max(cut, buffer.rfind(b"<c ", new), buffer.rfind(b"<col ", new))
    if cut < new:  # prefixed or unusual tags only: the exact reader will take this sheet
        for match in _BOUNDARY.finditer(buffer, max(new, len(buffer) - 65536)):
            cut = match.start()
    return cut


# -- Fast path: every tag of a chunk at once, with numpy -------------------------------------
# In ordinary XML each "<" opens a tag and the next ">" closes it. Then the first bytes of every
# tag, read as one number, say what it is, and a cell's reference and value are at known places:
# a few whole-array passes in C replace a regex pass (and a Python object) per cell.

_PAD = bytes(32)  # windows read past a chunk's end land in these zeros
_MOST_LETTERS = 7  # a column name longer than this (past 26**7) goes to the regex path


def _byte_table(members: bytes) -> np.ndarray:
    import numpy as np

    table = np.zeros(256, bool)
    table[list(members)] = True
    return table


class _ByteTables(NamedTuple):
    space: np.ndarray  # what \s matches in a bytes regex
    name_end: np.ndarray
    letter: np.ndarray
    digit: np.ndarray
    c_sibling: np.ndarray  # the third byte of <col, <cf…, <customSheetView, <cellWatch, <chartsheet
    noted: np.ndarray  # the second byte of the tags the fast path reads: c…, row…, f…, and markup


@cache
def _tables() -> _ByteTables:
    """The fast path's byte classes, built when it first runs (numpy is imported only for large parts)."""
    return _ByteTables(
        _byte_table(b" \t\n\r\f\v"),
        _byte_table(b" \t\n\r\f\v>/"),
        _byte_table(bytes(range(65, 91)) + bytes(range(97, 123))),
        _byte_table(b"0123456789"),
        _byte_table(b"ofueh"),
        _byte_table(b"crf!?"),
    )


class _Words:
    """The 8 bytes from each position of a buffer, as one little-endian number, gathered where asked.

    The buffer is viewed (nothing is copied) as 8-byte items of no type: numpy gathers those with a
    plain copy, where for a view of unaligned numbers it takes a path several times slower.
    """

    def __init__(self, padded: bytes) -> None:
        import numpy as np

        self._eight = np.ndarray((len(padded) - 7,), "V8", padded, 0, (1,))

    def __getitem__(self, at: np.ndarray) -> np.ndarray:
        return self._eight[at].view("<u8")


def _starting(heads: np.ndarray, prefix: bytes) -> np.ndarray:
    import numpy as np

    mask = np.uint64((1 << 8 * len(prefix)) - 1)
    return (heads & mask) == np.uint64(int.from_bytes(prefix, "little"))


def _byte(heads: np.ndarray, index: int) -> np.ndarray:
    import numpy as np

    return (heads >> np.uint64(8 * index)).astype(np.uint8)


@dataclass
class _Tags:
    """Every tag of a chunk: where it opens and closes, and its first 8 bytes."""

    padded: np.ndarray
    words: _Words
    opens: np.ndarray
    closes: np.ndarray
    equals: np.ndarray  # every "=", in tags or text
    named: np.ndarray  # the byte before each "=" (an attribute name's last letter)


def _fast_chunk(chunk: bytes, scan: SheetScan) -> None:
    """Read a chunk of ordinary XML with numpy; hand it to the regex path, or the sheet to the exact reader, if not."""
    import numpy as np

    padded_bytes = chunk + _PAD
    padded = np.frombuffer(padded_bytes, np.uint8)
    body = padded[: len(chunk)]
    opens, closes = np.flatnonzero(body == ord("<")), np.flatnonzero(body == ord(">"))
    if not _one_close_per_open(opens, closes):
        _regex_chunk(chunk, scan)  # a ">" in text or in an attribute value: the regexes read quotes
        return
    equals = np.flatnonzero(body == ord("="))
    tags = _Tags(padded, _Words(padded_bytes), opens, closes, equals, padded[equals - 1])
    # Only tags named c…, r… or f…, and markup, can move what the scan finds: they are picked out
    # by their second byte, and only their first bytes are read (most tags are <v>, </c>, <t>…).
    noted = np.flatnonzero(_tables().noted[padded[opens + 1]])
    heads = tags.words[opens[noted]]
    is_cell = _starting(heads, b'<c r="')
    others = ~is_cell & (heads != np.uint64(int.from_bytes(b'<row r="', "little")))  # the few left to look at
    other_heads = heads[others]
    if _unusual(chunk, body, tags, noted[others], other_heads):
        raise _NeedsExactScan
    # The attributes are spelled name="value" (else the chunk went to the exact reader): each is
    # found by its "=", which is far rarer than letters, instead of searching the whole text.
    shared_types, error_types, hidden = _attributes_of_note(tags)
    cells = noted[is_cell]
    extent = _cell_extent(tags, cells)
    shared = _shared_indices(tags, cells, shared_types)
    if extent is None or shared is None:
        _regex_chunk(chunk, scan)  # a reference or shared-string value of an unusual length or form
        return
    scan.reach(*extent)
    scan.add_shared(shared)
    if (_starting(other_heads, b"<f") & _tables().name_end[_byte(other_heads, 2)]).any():
        _fast_formulas(chunk, scan)
    if error_types:
        _fast_errors(chunk, scan)
    if hidden:
        _hidden(chunk, scan)


def _attributes_of_note(tags: _Tags) -> tuple[int, bool, bool]:
    """How many attributes are t="s", whether any is t="e", and whether any is named hidden."""
    import numpy as np

    padded, equals, before = tags.padded, tags.equals, tags.named
    named_t = equals[before == ord("t")]  # few "=" are left at each step
    named_t = named_t[_tables().space[padded[named_t - 2]] & (padded[named_t + 3] == ord('"'))]
    values = padded[named_t + 2]
    hidden = _starting(tags.words[equals[before == ord("n")] - 6], b"hidden").any()
    return int(np.count_nonzero(values == ord("s"))), bool((values == ord("e")).any()), bool(hidden)


def _one_close_per_open(opens: np.ndarray, closes: np.ndarray) -> bool:
    """Whether every "<" is followed by one ">" before the next "<" (so each tag ends at that ">")."""
    if len(opens) != len(closes):
        return False
    return not len(opens) or bool((opens < closes).all() and (closes[:-1] < opens[1:]).all())


def _unusual(chunk: bytes, body: np.ndarray, tags: _Tags, noted: np.ndarray, heads: np.ndarray) -> bool:
    """Forms only the exact reader reads: <c or <row without r="… first, markup, prefixes, spaced or
    single-quoted attributes. noted: the tags named c…, r…, f…, and the markup, other than those starting
    <c r=" or <row r="; heads: their first bytes."""
    second = _byte(heads, 1)
    other_cells = (second == ord("c")) & ~_tables().c_sibling[_byte(heads, 2)]
    other_rows = _starting(heads, b"<row") & (_byte(heads, 4) != ord("B"))
    markup = (second == ord("!")) | (second == ord("?"))
    start = 3 if chunk.startswith(b"\xef\xbb\xbf") else 0
    if len(markup) and tags.opens[noted[0]] == start and second[0] == ord("?"):
        markup[0] = False  # the XML declaration
    if (other_cells | other_rows | markup).any():
        return True
    return (b":" in chunk and _prefixed(chunk, body, tags.words)) or _odd_attributes(tags)


def _prefixed(chunk: bytes, body: np.ndarray, words: _Words) -> bool:
    """A prefixed c, row, f, v or col element (or such text after a ":", which only costs the exact reading)."""
    colons = _positions(chunk, body, b":")
    after = words[colons + 1]
    short = _starting(after, b"c") | _starting(after, b"f") | _starting(after, b"v")
    long = _starting(after, b"row") | _starting(after, b"col")
    name_end = _tables().name_end
    return bool(((short & name_end[_byte(after, 1)]) | (long & name_end[_byte(after, 3)])).any())


def _positions(chunk: bytes, body: np.ndarray, byte: bytes, few: int = 256) -> np.ndarray:
    """Where byte occurs in chunk: found one by one while there are few (memchr skips the rest), else with numpy."""
    import numpy as np

    found: list[int] = []
    at = chunk.find(byte)
    while at != -1:
        if len(found) == few:
            return np.flatnonzero(body == byte[0])
        found.append(at)
        at = chunk.find(byte, at + 1)
    return np.array(found, np.int64)


def _odd_attributes(tags: _Tags) -> bool:
    """An attribute inside a tag written with space around its "=" or single quotes (t = "s", t='e')."""
    import numpy as np

    equals = tags.equals
    after = tags.padded[equals + 1]
    space = _tables().space
    odd = equals[(after != ord('"')) | space[tags.named]]  # "=" in text is rare too: few are left
    tag = np.searchsorted(tags.opens, odd, side="right") - 1
    return bool(((tag >= 0) & (odd < tags.closes[np.maximum(tag, 0)])).any()) if len(tags.opens) else False


def _cell_extent(tags: _Tags, cells: np.ndarray) -> tuple[int, int] | None:
    """The furthest row and column of the cells that hold something (None: a reference too long to read here)."""
    starts = tags.opens[cells][tags.padded[tags.closes[cells] - 1] != ord("/")]  # <c/> holds no value
    if not len(starts):
        return 0, 0
    at = starts + 6  # the reference, after <c r="
    cols = _one_letter_columns(tags.padded, at)
    if cols is None:
        cols = _read_number(tags.padded, at, _tables().letter, 26, lambda byte: (byte | 32) - 96, _MOST_LETTERS)
    if cols is None:
        return None
    furthest = _furthest_row(tags, at, cols)
    if furthest is not None:
        return furthest
    digits = _read_digits(tags, at)
    if digits is None:
        return None
    rows, ends = digits
    # A reference that is not letters, digits and a quote is passed over, as the regex path passes it.
    whole = (cols > 0) & (ends > at) & (tags.padded[ends] == ord('"'))
    if not whole.any():
        return 0, 0
    return int(rows[whole].max()), int(cols[whole].max())


def _furthest_row(tags: _Tags, at: np.ndarray, cols: np.ndarray) -> tuple[int, int] | None:
    """_cell_extent when every row number is 1 to 7 digits without a leading zero (else None): the digits
    are compared as written (more of them, or the same number and greater as text), and one is read."""
    import numpy as np

    words = tags.words[at]
    runs = _digit_runs(words)
    if (runs == 8).any() or ((words & np.uint64(0xFF)) == ord("0")).any():
        return None
    ends = at + runs
    whole = (cols > 0) & (runs > 0) & (tags.padded[ends] == ord('"'))
    if not whole.any():
        return 0, 0
    # The digits as one number, the first byte highest: with no leading zero, more digits make a greater one.
    key = words.byteswap() >> (np.uint64(8) * (np.uint64(8) - runs.astype(np.uint64)))
    best = int(np.argmax(np.where(whole, key, 0)))
    return int(tags.padded[at[best] : ends[best]].tobytes()), int(cols[whole].max())


def _one_letter_columns(padded: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """The columns of references that are all one letter (A to Z, as in most registers), moving at past it;
    None if any is not."""
    first, letter = padded[at], _tables().letter
    if not letter[first].all() or letter[padded[at + 1]].any():
        return None
    at += 1
    return (first | 32) - 96


def _read_number(
    padded: np.ndarray, at: np.ndarray, member: np.ndarray, base: int, value, most: int
) -> np.ndarray | None:
    """The number each run of member bytes from at spells (0 if none); moves at past the run.

    None if a run is longer than most digits. One step a digit over the cells still reading, so
    the work is the digits, not a window per cell.
    """
    import numpy as np

    number = np.zeros(len(at), np.int64)
    reading = np.flatnonzero(member[padded[at]])
    for _ in range(most):
        if not len(reading):
            return number
        byte = padded[at[reading]].astype(np.int64)
        number[reading] = number[reading] * base + value(byte)
        at[reading] += 1
        reading = reading[member[padded[at[reading]]]]
    return None if len(reading) else number


def _read_digits(tags: _Tags, at: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The number the digits from each position spell (0 if none), and where the digits end.

    Up to 7 digits are read from one 8-byte word at once; longer runs (up to 15) a digit at a time.
    """
    import numpy as np

    words = tags.words[at]
    runs = _digit_runs(words)
    numbers = np.where(runs > 0, _short_number(words, np.minimum(runs, 7)), 0)
    ends = at + runs
    long = np.flatnonzero(runs == 8)
    if len(long):
        long_at = at[long]
        long_numbers = _read_number(tags.padded, long_at, _tables().digit, 10, lambda byte: byte - 48, 15)
        if long_numbers is None:
            return None
        numbers[long], ends[long] = long_numbers, long_at
    return numbers, ends


_ASCII_ZEROS = 0x3030303030303030


def _digit_runs(words: np.ndarray) -> np.ndarray:
    """How many ASCII digits each word's bytes start with (8: all of them)."""
    import numpy as np

    offsets = words ^ np.uint64(_ASCII_ZEROS)  # a digit byte becomes 0..9
    # A byte's high bit marks a non-digit: 0x80 or more, or 10 or more once 0x76 is added (no carry: < 0x100).
    flags = (((offsets & np.uint64(0x7F7F7F7F7F7F7F7F)) + np.uint64(0x7676767676767676)) | offsets) & np.uint64(
        0x8080808080808080
    )
    lowest = flags & (~flags + np.uint64(1))  # the first non-digit's flag alone: 2 ** (8 * digits + 7)
    exponent = (lowest.astype(np.float64).view(np.int64) >> 52) - 1023  # exact for a power of two
    return np.where(flags == 0, 8, exponent >> 3)


def _short_number(words: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """The number the first runs (1..7) bytes of each word spell, all digits: the 8-digit SWAR parse."""
    import numpy as np

    runs = runs.astype(np.uint64)
    eight = words << (np.uint64(8) * (np.uint64(8) - runs))  # "\0\0123…": the zero bytes read as "0" below
    eight = ((eight & np.uint64(0x0F0F0F0F0F0F0F0F)) * np.uint64(2561)) >> np.uint64(8)
    eight = ((eight & np.uint64(0x00FF00FF00FF00FF)) * np.uint64(6553601)) >> np.uint64(16)
    return (((eight & np.uint64(0x0000FFFF0000FFFF)) * np.uint64(42949672960001)) >> np.uint64(32)).astype(np.int64)


def _shared_indices(tags: _Tags, cells: np.ndarray, expected: int) -> np.ndarray | None:
    """The index in each t="s" cell's <v>, when every t="s" of the chunk (expected of them) is a cell's last
    attribute before <v>digits</v> (else None: the regex path reads them)."""
    import numpy as np

    if not expected:
        return np.zeros(0, np.int64)
    ends = tags.closes[cells]
    # ' t="s">' ending the cell's tag, and <v> right after it (a tab before t, say, goes to the regexes)
    tail, value = tags.words[ends - 6], tags.words[ends + 1]
    shared = (tail == np.uint64(int.from_bytes(b' t="s"><', "little"))) & _starting(value, b"<v>")
    if np.count_nonzero(shared) != expected:
        return None
    starts = ends[shared] + 4  # after <v>
    digits = _read_digits(tags, starts)  # "007" is 7, as calamine reads it
    if digits is None:
        return None
    numbers, digits_end = digits
    # Digits only, then </v>: a "<" after them is the next tag's (each "<" opens one).
    if (digits_end == starts).any() or not _starting(tags.words[digits_end], b"</v>").all():
        return None
    return numbers


# -- Regex path: unprefixed cells and rows whose first attribute is r="…" ------------------

_FAST_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')
_ROW_R = re.compile(rb'<row r="(\d+)"')
# A prefixed element (or text such as "x:c " in an inline string, which only costs the slower
# exact reading); the regex skips to each rare ":" at C speed.
_PREFIXED = re.compile(rb":(?:c|row|f|v|col)[\s>/]")


_SPACED_T = re.compile(rb"\st(?:\s+=|=\s)")


def _regex_chunk(chunk: bytes, scan: SheetScan) -> None:
    cells = chunk.count(b'<c r="')
    # Every <c and <row tag (other than <col…, <cf…, <rowBreaks… and the like) must start r="…".
    other_c = chunk.count(b"<c") - cells
    if other_c and other_c != sum(chunk.count(b"<" + name) for name in (b"co", b"cf", b"cu", b"ce", b"ch")):
        raise _NeedsExactScan
    other_rows = chunk.count(b"<row") - chunk.count(b'<row r="')
    if (other_rows and other_rows != chunk.count(b"<rowB")) or _PREFIXED.search(chunk) or _has_markup(chunk):
        raise _NeedsExactScan
    if _SPACED_T.search(chunk):  # t = "s", t= 'e': the searches below look for t="…" and t='…' only
        raise _NeedsExactScan
    if cells:
        _fast_extent(chunk, scan)
    if b"<f" in chunk:
        _fast_formulas(chunk, scan)
    if b't="e"' in chunk or b"t='e'" in chunk:
        _fast_errors(chunk, scan)
    if b"hidden=" in chunk:
        _hidden(chunk, scan)
    if b"t=" in chunk:
        _shared_refs(chunk, scan)


_SHARED_REF = re.compile(rb't="s"><v>(\d+)</v>')
_LEADING_ZERO_REF = re.compile(rb't="s"><v>0\d')
_ANY_SHARED_REF = re.compile(
    rb"""\st\s*=\s*(?:"s"|'s')""" + TAG_REST + rb""">\s*<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>\s*(\d+)"""
)


def _index_key(digits: bytes) -> bytes:
    """A shared-string index as written, in one spelling ("007" is 7 to calamine), without int():
    a hostile index of thousands of digits is past Python's limit for converting text to int."""
    return digits.lstrip(b"0") or b"0"


_SHARED_TYPE = re.compile(rb"""\st\s*=\s*(?:"s"|'s')""")


def _shared_refs(chunk: bytes, scan: SheetScan) -> None:
    found = _SHARED_REF.findall(chunk)
    if len(found) != chunk.count(b't="s"') or b"t='s'" in chunk or b"t =" in chunk:
        found = [_index_key(index) for index in _ANY_SHARED_REF.findall(chunk)]
        if len(found) != len(_SHARED_TYPE.findall(chunk)):
            # A t="s" cell whose value does not follow its tag (a formula before it, as a hostile
            # file may write, or such text in a string): calamine still reads the value as a
            # shared string, so the exact reader counts it.
            raise _NeedsExactScan
    elif _LEADING_ZERO_REF.search(chunk):  # "007" is index 7 to calamine
        found = [_index_key(index) for index in found]
    scan.shared_refs.update(found)


def _fast_extent(chunk: bytes, scan: SheetScan) -> None:
    # Rows name the furthest cell in ordinary files, but only cells count (an empty formatted row
    # does not), and a cell may name a row beyond its <row>: rows only guide the search for cells.
    # One pass finds the cells that can move the extent: beyond column Z (rare in a register), in a
    # single-letter column past the furthest so far, or in a row past the furthest row.
    row_numbers = _ROW_R.findall(chunk)
    guess = max(scan.max_row, max(map(bounded_int, row_numbers)) if row_numbers else 0)
    above = bytes(range(65 + scan.max_col, 91)) + bytes(range(97 + scan.max_col, 123)) if scan.max_col < 26 else b""
    columns = rb"[A-Za-z]{2,}|[" + above + rb"]" if above else rb"[A-Za-z]{2,}"
    pattern = (
        rb'<c r="(?:(' + columns + rb")(\d+)|([A-Za-z]+)(" + _greater_than(guess - 1) + rb'))"' + TAG_REST + rb"(?<!/)>"
    )
    found_beyond = False
    for letters, digits, far_letters, far_digits in re.findall(pattern, chunk):
        if letters:
            scan.reach(bounded_int(digits), column_number(letters))
        else:
            scan.reach(bounded_int(far_digits), column_number(far_letters))
            found_beyond = True
    if found_beyond or not row_numbers:
        return
    low, high = scan.max_row, guess - 1  # the furthest cell row lies in [low, high]: bisect on "a cell at or past"
    while low < high:
        middle = (low + high + 1) // 2
        if _cells_beyond(middle - 1).search(chunk):
            low = middle
        else:
            high = middle - 1
    scan.reach(low, 0)


def _greater_than(row: int) -> bytes:
    """A regex for decimal numbers greater than row (leading zeros allowed)."""
    digits = str(max(row, 0))
    greater = [f"{digits[:i]}[{int(d) + 1}-9]\\d{{{len(digits) - i - 1}}}" for i, d in enumerate(digits) if d != "9"]
    longer = f"[1-9]\\d{{{len(digits)},}}"
    return ("0*(?:" + "|".join([*greater, longer]) + ")").encode()  # "03" is row 3, as calamine reads it


def _cells_beyond(row: int) -> re.Pattern[bytes]:
    """Cells (not empty <c/>) whose row number is greater than row."""
    return re.compile(rb'<c r="[A-Za-z]+(?:' + _greater_than(row) + rb')"' + TAG_REST + rb"(?<!/)>")


def _fast_formulas(chunk: bytes, scan: SheetScan) -> None:
    pos = chunk.find(b"<f")
    while pos != -1:
        if chunk[pos + 2 : pos + 3] not in (b" ", b">", b"/"):
            pos = chunk.find(b"<f", pos + 2)
            continue
        start = chunk.rfind(b"<c ", 0, pos)
        end = chunk.find(b"</c>", pos)
        end = len(chunk) if end == -1 else end
        if start != -1:
            match = _FAST_CELL.match(chunk, start)
            if match:
                tag_end = chunk.find(b">", start)
                cell = (bounded_int(match.group(2)) - 1, column_number(match.group(1)) - 1)
                scan.formulas[cell] = _has_result(_attribute(chunk[start:tag_end], b"t"), chunk[tag_end:end])
        pos = chunk.find(b"<f", end)


def _fast_errors(chunk: bytes, scan: SheetScan) -> None:
    for match in re.finditer(rb"<c r=\"([A-Za-z]+)(\d+)\"[^>]*?\st=(?:\"e\"|'e')[^>]*>(.*?)</c>", chunk, re.S):
        value = re.search(rb"<v>([^<]*)</v>", match.group(3))
        if value and value.group(1):
            cell = (bounded_int(match.group(2)) - 1, column_number(match.group(1)) - 1)
            scan.errors[cell] = value.group(1).decode("ascii", "replace")


# -- Exact path: any prefix, quote, attribute order, and cells or rows without r ------------

_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f|v|col)(?=[\s/>])" + TAG_BODY + rb">")
_ATTRIBUTE = re.compile(rb"""([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _ExactReader:
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
                _hidden_col(attrs, scan)

    def _start_row(self, attrs: bytes, scan: SheetScan) -> None:
        values = _attributes(attrs)
        if b"r" in values:
            self.row = _row_number(values[b"r"]) - 1
        if values.get(b"hidden") in (b"1", b"true"):
            scan.hidden_rows.add(self.row)

    def _end_row(self) -> None:
        self.row += 1
        self.col = 0

    def _start_cell(self, attrs: bytes, scan: SheetScan, has_content: bool) -> None:
        values = _attributes(attrs)
        if b"r" in values:
            row, col = _cell_position(values[b"r"])
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
            scan.shared_refs[_index_key(self.cell_value.strip())] += 1
        self.cell = None
        self.col += 1


# -- Shared helpers ---------------------------------------------------------------------------

_HIDDEN_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s" + TAG_BODY + rb">")
_COL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col\s" + TAG_BODY + rb">")


def _hidden(chunk: bytes, scan: SheetScan) -> None:
    for match in _HIDDEN_ROW_TAG.finditer(chunk):
        values = _attributes(match.group(0))
        if values.get(b"hidden") in (b"1", b"true") and b"r" in values:
            scan.hidden_rows.add(_row_number(values[b"r"]) - 1)
    for match in _COL_TAG.finditer(chunk):
        _hidden_col(match.group(1), scan)


def _hidden_col(attrs: bytes, scan: SheetScan) -> None:
    values = _attributes(attrs)
    if (
        values.get(b"hidden") in (b"1", b"true")
        and values.get(b"min", b"").isdigit()
        and values.get(b"max", b"").isdigit()
    ):
        low, high = bounded_int(values[b"min"]), bounded_int(values[b"max"])
        scan.hidden_cols.update(range(low - 1, min(high, low + 1000)))


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(tag)}


def _attribute(tag: bytes, name: bytes) -> bytes:
    return _attributes(tag).get(name, b"")


_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?(/?)>([^<]*)")


def _has_result(cell_type: bytes, body: bytes) -> bool:
    """Whether a formula cell carries its result: <v/> and <v></v> are a stored empty text only in a t="str" cell."""
    match = _VALUE.search(body)
    if match is None:
        return False
    return bool(match.group(2)) or cell_type == b"str"


def _cell_position(ref: bytes) -> tuple[int, int]:
    """0-based (row, col) of a reference such as "XFD1048576" or "xfd1048576", read as calamine reads it."""
    letters = ref.rstrip(b"0123456789")
    digits = ref[len(letters) :]
    if not digits or not letters.isalpha():
        raise ReadError(f"a cell reference {ref[:20].decode('ascii', 'replace')!r} is not a cell")
    return bounded_int(digits) - 1, column_number(letters) - 1


def _row_number(text: bytes) -> int:
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
