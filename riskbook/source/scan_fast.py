"""The fast scanner: each chunk's tags read with numpy (every tag at once), or with regexes for a
small part or a chunk numpy's reading can't take (a ">" in an attribute, a number too long);
anything it does not recognise raises NeedsExactScan, and the sheet is read exactly instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from riskbook.limits import column_number

if TYPE_CHECKING:
    import numpy as np

from riskbook.source.sheet_scan import (
    TAG_REST,
    NeedsExactScan,
    SheetScan,
    bounded_int,
    has_markup,
    has_result,
    index_key,
    scan_attribute,
    scan_hidden,
)

# -- Fast path: every tag of a chunk at once, with numpy -------------------------------------
# In ordinary XML each "<" opens a tag and the next ">" closes it. Then the first bytes of every
# tag, read as one number, say what it is, and a cell's reference and value are at known places:
# a few whole-array passes in C replace a regex pass (and a Python object) per cell.

PAD = bytes(32)  # windows read past a chunk's end land in these zeros
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
def scan_tables() -> _ByteTables:
    """The fast path's byte classes, built when it first runs (numpy is imported only for large parts)."""
    return _ByteTables(
        _byte_table(b" \t\n\r\f\v"),
        _byte_table(b" \t\n\r\f\v>/"),
        _byte_table(bytes(range(65, 91)) + bytes(range(97, 123))),
        _byte_table(b"0123456789"),
        _byte_table(b"ofueh"),
        _byte_table(b"crf!?"),
    )


class Words:
    """The 8 bytes from each position of a buffer, as one little-endian number, gathered where asked.

    The buffer is viewed (nothing is copied) as 8-byte items of no type: numpy gathers those with a
    plain copy, where for a view of unaligned numbers it takes a path several times slower.
    """

    def __init__(self, padded: bytes) -> None:
        import numpy as np

        self._eight = np.ndarray((len(padded) - 7,), "V8", padded, 0, (1,))

    def __getitem__(self, at: np.ndarray) -> np.ndarray:
        return self._eight[at].view("<u8")


def scan_starting(heads: np.ndarray, prefix: bytes) -> np.ndarray:
    import numpy as np

    mask = np.uint64((1 << 8 * len(prefix)) - 1)
    return (heads & mask) == np.uint64(int.from_bytes(prefix, "little"))


def scan_byte(heads: np.ndarray, index: int) -> np.ndarray:
    import numpy as np

    return (heads >> np.uint64(8 * index)).astype(np.uint8)


@dataclass
class _Tags:
    """Every tag of a chunk: where it opens and closes, and its first 8 bytes."""

    padded: np.ndarray
    words: Words
    opens: np.ndarray
    closes: np.ndarray
    equals: np.ndarray  # every "=", in tags or text
    named: np.ndarray  # the byte before each "=" (an attribute name's last letter)


def fast_chunk(chunk: bytes, scan: SheetScan) -> None:
    """Read a chunk of ordinary XML with numpy; hand it to the regex path, or the sheet to the exact reader, if not."""
    import numpy as np

    padded_bytes = chunk + PAD
    padded = np.frombuffer(padded_bytes, np.uint8)
    body = padded[: len(chunk)]
    opens, closes = np.flatnonzero(body == ord("<")), np.flatnonzero(body == ord(">"))
    if not _one_close_per_open(opens, closes):
        regex_chunk(chunk, scan)  # a ">" in text or in an attribute value: the regexes read quotes
        return
    equals = np.flatnonzero(body == ord("="))
    tags = _Tags(padded, Words(padded_bytes), opens, closes, equals, padded[equals - 1])
    # Only tags named c…, r… or f…, and markup, can move what the scan finds: they are picked out
    # by their second byte, and only their first bytes are read (most tags are <v>, </c>, <t>…).
    noted = np.flatnonzero(scan_tables().noted[padded[opens + 1]])
    heads = tags.words[opens[noted]]
    is_cell = scan_starting(heads, b'<c r="')
    others = ~is_cell & (heads != np.uint64(int.from_bytes(b'<row r="', "little")))  # the few left to look at
    other_heads = heads[others]
    if _unusual(chunk, body, tags, noted[others], other_heads):
        raise NeedsExactScan
    # The attributes are spelled name="value" (else the chunk went to the exact reader): each is
    # found by its "=", which is far rarer than letters, instead of searching the whole text.
    shared_types, error_types, hidden = _attributes_of_note(tags)
    cells = noted[is_cell]
    extent = _cell_extent(tags, cells)
    shared = _shared_indices(tags, cells, shared_types)
    if extent is None or shared is None:
        regex_chunk(chunk, scan)  # a reference or shared-string value of an unusual length or form
        return
    scan.reach(*extent)
    scan.add_shared(shared)
    if (scan_starting(other_heads, b"<f") & scan_tables().name_end[scan_byte(other_heads, 2)]).any():
        _fast_formulas(chunk, scan)
    if error_types:
        _fast_errors(chunk, scan)
    if hidden:
        scan_hidden(chunk, scan)


def _attributes_of_note(tags: _Tags) -> tuple[int, bool, bool]:
    """How many attributes are t="s", whether any is t="e", and whether any is named hidden."""
    import numpy as np

    padded, equals, before = tags.padded, tags.equals, tags.named
    named_t = equals[before == ord("t")]  # few "=" are left at each step
    named_t = named_t[scan_tables().space[padded[named_t - 2]] & (padded[named_t + 3] == ord('"'))]
    values = padded[named_t + 2]
    hidden = scan_starting(tags.words[equals[before == ord("n")] - 6], b"hidden").any()
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
    second = scan_byte(heads, 1)
    other_cells = (second == ord("c")) & ~scan_tables().c_sibling[scan_byte(heads, 2)]
    other_rows = scan_starting(heads, b"<row") & (scan_byte(heads, 4) != ord("B"))
    markup = (second == ord("!")) | (second == ord("?"))
    start = 3 if chunk.startswith(b"\xef\xbb\xbf") else 0
    if len(markup) and tags.opens[noted[0]] == start and second[0] == ord("?"):
        markup[0] = False  # the XML declaration
    if (other_cells | other_rows | markup).any():
        return True
    return (b":" in chunk and _prefixed(chunk, body, tags.words)) or _odd_attributes(tags)


def _prefixed(chunk: bytes, body: np.ndarray, words: Words) -> bool:
    """A prefixed c, row, f, v or col element (or such text after a ":", which only costs the exact reading)."""
    colons = positions(chunk, body, b":")
    after = words[colons + 1]
    short = scan_starting(after, b"c") | scan_starting(after, b"f") | scan_starting(after, b"v")
    long = scan_starting(after, b"row") | scan_starting(after, b"col")
    name_end = scan_tables().name_end
    return bool(((short & name_end[scan_byte(after, 1)]) | (long & name_end[scan_byte(after, 3)])).any())


def positions(chunk: bytes, body: np.ndarray, byte: bytes, few: int = 256) -> np.ndarray:
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
    space = scan_tables().space
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
        cols = _read_number(tags.padded, at, scan_tables().letter, 26, lambda byte: (byte | 32) - 96, _MOST_LETTERS)
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
    first, letter = padded[at], scan_tables().letter
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
        long_numbers = _read_number(tags.padded, long_at, scan_tables().digit, 10, lambda byte: byte - 48, 15)
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
    shared = (tail == np.uint64(int.from_bytes(b' t="s"><', "little"))) & scan_starting(value, b"<v>")
    if np.count_nonzero(shared) != expected:
        return None
    starts = ends[shared] + 4  # after <v>
    digits = _read_digits(tags, starts)  # "007" is 7, as calamine reads it
    if digits is None:
        return None
    numbers, digits_end = digits
    # Digits only, then </v>: a "<" after them is the next tag's (each "<" opens one).
    if (digits_end == starts).any() or not scan_starting(tags.words[digits_end], b"</v>").all():
        return None
    return numbers


# -- Regex path: unprefixed cells and rows whose first attribute is r="…" ------------------

_FAST_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')
_ROW_R = re.compile(rb'<row r="(\d+)"')
# A prefixed element (or text such as "x:c " in an inline string, which only costs the slower
# exact reading); the regex skips to each rare ":" at C speed.
_PREFIXED = re.compile(rb":(?:c|row|f|v|col)[\s>/]")


_SPACED_T = re.compile(rb"\st(?:\s+=|=\s)")


def regex_chunk(chunk: bytes, scan: SheetScan) -> None:
    cells = chunk.count(b'<c r="')
    # Every <c and <row tag (other than <col…, <cf…, <rowBreaks… and the like) must start r="…".
    other_c = chunk.count(b"<c") - cells
    if other_c and other_c != sum(chunk.count(b"<" + name) for name in (b"co", b"cf", b"cu", b"ce", b"ch")):
        raise NeedsExactScan
    other_rows = chunk.count(b"<row") - chunk.count(b'<row r="')
    if (other_rows and other_rows != chunk.count(b"<rowB")) or _PREFIXED.search(chunk) or has_markup(chunk):
        raise NeedsExactScan
    if _SPACED_T.search(chunk):  # t = "s", t= 'e': the searches below look for t="…" and t='…' only
        raise NeedsExactScan
    if cells:
        _fast_extent(chunk, scan)
    if b"<f" in chunk:
        _fast_formulas(chunk, scan)
    if b't="e"' in chunk or b"t='e'" in chunk:
        _fast_errors(chunk, scan)
    if b"hidden=" in chunk:
        scan_hidden(chunk, scan)
    if b"t=" in chunk:
        _shared_refs(chunk, scan)


_SHARED_REF = re.compile(rb't="s"><v>(\d+)</v>')
_LEADING_ZERO_REF = re.compile(rb't="s"><v>0\d')
_ANY_SHARED_REF = re.compile(
    rb"""\st\s*=\s*(?:"s"|'s')""" + TAG_REST + rb""">\s*<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>\s*(\d+)"""
)


_SHARED_TYPE = re.compile(rb"""\st\s*=\s*(?:"s"|'s')""")


def _shared_refs(chunk: bytes, scan: SheetScan) -> None:
    found = _SHARED_REF.findall(chunk)
    if len(found) != chunk.count(b't="s"') or b"t='s'" in chunk or b"t =" in chunk:
        found = [index_key(index) for index in _ANY_SHARED_REF.findall(chunk)]
        if len(found) != len(_SHARED_TYPE.findall(chunk)):
            # A t="s" cell whose value does not follow its tag (a formula before it, as a hostile
            # file may write, or such text in a string): calamine still reads the value as a
            # shared string, so the exact reader counts it.
            raise NeedsExactScan
    elif _LEADING_ZERO_REF.search(chunk):  # "007" is index 7 to calamine
        found = [index_key(index) for index in found]
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
                scan.formulas[cell] = has_result(scan_attribute(chunk[start:tag_end], b"t"), chunk[tag_end:end])
        pos = chunk.find(b"<f", end)


def _fast_errors(chunk: bytes, scan: SheetScan) -> None:
    for match in re.finditer(rb"<c r=\"([A-Za-z]+)(\d+)\"[^>]*?\st=(?:\"e\"|'e')[^>]*>(.*?)</c>", chunk, re.S):
        value = re.search(rb"<v>([^<]*)</v>", match.group(3))
        if value and value.group(1):
            cell = (bounded_int(match.group(2)) - 1, column_number(match.group(1)) - 1)
            scan.errors[cell] = value.group(1).decode("ascii", "replace")
