"""A look inside an .xls workbook (BIFF8 records in an OLE compound file) before calamine parses it.

calamine sizes its memory from what the file says: it reserves room for every cell a sheet's
DIMENSIONS record claims, allocates the whole rectangle from the first to the last cell, and
follows the compound file's sector chains without looking for loops. A few kilobytes can
claim terabytes, which aborts the process. So this module reads the compound file itself
(header, FAT, directory and the Workbook stream, every chain checked for loops and for
sectors past the end of the file), then walks each sheet's records for the extent they
reach, and refuses a file that claims more than the read-cost limit (package.MAX_READ_BYTES) or that calamine would
mis-read.
"""

from __future__ import annotations

import itertools
import re
import struct
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path

from riskbook.errors import ReadError
from riskbook.source import package

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LAST_SECTOR_ID = 0xFFFFFFFA  # ids from here up are markers (end of chain, free, FAT, DIFAT)
_DIFSECT = 0xFFFFFFFC
_ENDOFCHAIN = 0xFFFFFFFE
_MINI_CUTOFF = 4096
_MINI_SECTOR = 64
_DIR_ENTRY = 128
# calamine reserves this many 4-byte entries for the DIFAT from a header field; anything
# real is far below it.
_MAX_DIFAT_RESERVE = 1 << 26
_WORKBOOK_NAMES = ("Workbook", "Book", "WORKBOOK", "BOOK")  # in the order calamine looks

# BIFF record types
_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS, _ROW = 0x0809, 0x000A, 0x0085, 0x0200, 0x0208
_SST, _CONTINUE, _LABELSST = 0x00FC, 0x003C, 0x00FD
_MULRK, _MULBLANK = 0x00BD, 0x00BE
# Records that name one cell by row and column in their first four bytes: NUMBER, LABEL,
# RSTRING, BOOLERR, RK, LABELSST, FORMULA, BLANK (and the BIFF2-4 forms of a few of them).
_CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201, 0x0406, 0x0206})
# Rows are 16-bit, so a cell whose column is at most 255 lies within IV65536. Runs of the
# commonest fixed-size records with such a column (LABELSST, NUMBER, RK, BLANK, BOOLERR, and
# ROW ending by column 255) are passed over by one match rather than a Python step each: a
# register of 65,000 rows is walked in a tenth of the time calamine takes to read it.
_FORMAT_ROWS, _NARROW_COLUMNS = 65_536, 256
_NARROW_RUN = re.compile(
    rb"(?:\xfd\x00\x0a\x00...\x00.{6}"
    rb"|\x03\x02\x0e\x00...\x00.{10}"
    rb"|\x7e\x02\x0a\x00...\x00.{6}"
    rb"|\x01\x02\x06\x00...\x00.{2}"
    rb"|\x05\x02\x08\x00...\x00.{4}"
    rb"|\x08\x02\x10\x00.{4}.\x00.{10}"
    rb"){1,4096}+",  # bounded, so that the matcher's memory stays small
    re.DOTALL,
)


def check_xls(path: Path, display: str, max_bytes: int) -> None:
    """Refuse an .xls whose container is damaged or whose sheets cost more to read than its budget (package.read_budget).

    Raises ReadError with a one-line reason; returns quietly for a file calamine can read in
    bounded memory (or will refuse itself with an ordinary error).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(
            f"{display}: the workbook is larger than {max_bytes / 1024**2:,.0f} MB; "
            "refusing it (raise --max-size to allow it)"
        )
    with path.open("rb") as fh:
        data = fh.read(min(size, max_bytes) + 1)
    stream = _CompoundFile(data, display).workbook_stream()
    del data
    if stream is not None:
        _check_sheets(stream, display, package.read_budget(size))


def _damaged(display: str, reason: str) -> ReadError:
    return ReadError(f"{display}: the workbook is damaged or not a spreadsheet ({reason})")


class _CompoundFile:
    """The parts of an OLE compound file that calamine reads, read the way calamine reads them, but bounded."""

    def __init__(self, data: bytes, display: str):
        self.data = data
        self.display = display
        if len(data) < 512 or not data.startswith(_MAGIC):
            raise _damaged(display, "too short for an OLE compound file")
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        self.fat: array | None = None
        if shift not in (9, 12) or mini_shift != 6:
            return  # calamine refuses these headers itself, with an ordinary error
        self.sector = 1 << shift
        # Sector n starts after the header, which fills sector "-1".
        self.sector_count = max(0, (len(data) - 1) // self.sector)  # the last may be cut short
        self.whole_sectors = max(0, len(data) // self.sector - 1)
        fat_len, self.dir_start = struct.unpack_from("<II", data, 44)
        self.mini_fat_start, self.mini_fat_len, difat_start, difat_len = struct.unpack_from("<IIII", data, 60)
        (difat_reserve,) = struct.unpack_from("<I", data, 62)  # calamine reads this (mis-aligned) field
        if max(fat_len, self.mini_fat_len, difat_len) > self.sector_count + 1:
            raise _damaged(display, "its header declares more sectors than the file holds")
        if difat_reserve > _MAX_DIFAT_RESERVE:
            raise _damaged(display, "its header declares an impossible number of mini-FAT sectors")
        self.fat = self._read_fat(difat_start)

    def _sector(self, sector_id: int) -> bytes:
        """A whole sector of the FAT or DIFAT."""
        if sector_id >= self.whole_sectors:
            raise _damaged(self.display, f"sector {sector_id:,} is past the end of the file")
        start = (sector_id + 1) * self.sector
        return self.data[start : start + self.sector]

    def _read_fat(self, difat_start: int) -> array:
        difat = _u32s(self.data[76:512])
        seen: set[int] = set()
        sector_id = difat_start
        while sector_id < _LAST_SECTOR_ID:
            if sector_id in seen:
                raise _damaged(self.display, "its sector table loops")
            seen.add(sector_id)
            difat.extend(_u32s(self._sector(sector_id)))
            sector_id = difat.pop()
        fat = array("I")
        listed: set[int] = set()
        for sector_id in difat:
            if sector_id >= _DIFSECT:
                continue
            if sector_id in listed:
                raise _damaged(self.display, "its sector table lists one sector twice")
            listed.add(sector_id)
            fat.extend(_u32s(self._sector(sector_id)))
        return fat

    def _chain(self, start: int, table: array, length: int, space: _Space) -> bytes | memoryview:
        """A chain's bytes, followed as calamine follows it (to the end marker, or until length bytes
        are read), refusing a loop, a sector past the end, or one the table does not cover."""
        unit = space.unit
        if length < sys.maxsize and (contiguous := self._contiguous(start, table, length, space)) is not None:
            return contiguous
        visited = bytearray(space.count)
        ids: list[int] = []
        sector_id = start
        while sector_id != _ENDOFCHAIN:
            if sector_id >= space.count:
                raise _damaged(self.display, f"{space.name} {sector_id:,} is past the end of the {space.within}")
            if visited[sector_id]:
                raise _damaged(self.display, "a chain of sectors loops")
            visited[sector_id] = 1
            ids.append(sector_id)
            if len(ids) * unit >= length:
                break
            if sector_id >= len(table):
                raise _damaged(self.display, f"{space.name} {sector_id:,} is missing from the sector table")
            sector_id = table[sector_id]
        return b"".join(space.data[space.base + a * unit : space.base + (b + 1) * unit] for a, b in _runs(ids))[:length]

    @staticmethod
    def _contiguous(start: int, table: array, length: int, space: _Space) -> memoryview | None:
        """A chain stored in order (as writers store streams), checked and copied without a step per sector."""
        count = -(-length // space.unit)
        if count < 2 or start + count > min(space.count, len(table) + 1):
            return None
        if table[start : start + count - 1] != array("I", range(start + 1, start + count)):
            return None
        first = space.base + start * space.unit
        return memoryview(space.data)[first : first + length]  # no copy: it may be most of the file

    def workbook_stream(self) -> bytes | memoryview | None:
        if self.fat is None:
            return None
        fat = self.fat
        sectors = _Space("sector", "file", self.data, self.sector, self.sector, self.sector_count)
        directory = self._chain(self.dir_start, fat, sys.maxsize, sectors.whole(self.whole_sectors))
        entries = [directory[i : i + _DIR_ENTRY] for i in range(0, len(directory), _DIR_ENTRY)]
        if not entries:
            raise _damaged(self.display, "the compound file has no directory")
        root_start, root_len = _entry_location(entries[0], self.sector)
        mini_stream = b""
        mini_fat = array("I")
        if self.mini_fat_len > 0:
            mini_stream = self._chain(root_start, fat, root_len, sectors)
            mini_fat = _u32s(self._chain(self.mini_fat_start, fat, self.mini_fat_len * self.sector, sectors))
        found = _find_entry(entries, _WORKBOOK_NAMES)
        if found is None:
            raise _damaged(self.display, "the compound file has no Workbook stream")
        start, length = _entry_location(found, self.sector)
        if length < _MINI_CUTOFF:
            minis = _Space("mini sector", "mini stream", mini_stream, 0, _MINI_SECTOR, len(mini_stream) // _MINI_SECTOR)
            return self._chain(start, mini_fat, length, minis)
        return self._chain(start, fat, length, sectors)


@dataclass(frozen=True)
class _Space:
    """Where a chain's sectors live: the file's sectors, or the mini stream's 64-byte ones."""

    name: str
    within: str
    data: bytes
    base: int
    unit: int
    count: int

    def whole(self, count: int) -> _Space:
        return _Space(self.name, self.within, self.data, self.base, self.unit, count)


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Consecutive ids as (first, last) runs, so that a stream stored in order is copied in one piece."""
    runs: list[tuple[int, int]] = []
    first = last = ids[0] if ids else 0
    for sector_id in ids[1:]:
        if sector_id == last + 1:
            last = sector_id
            continue
        runs.append((first, last))
        first = last = sector_id
    if ids:
        runs.append((first, last))
    return runs


def _u32s(chunk: bytes) -> array:
    values = array("I")
    values.frombytes(chunk[: len(chunk) // 4 * 4])
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _entry_location(entry: bytes, sector: int) -> tuple[int, int]:
    start, length = struct.unpack_from("<IQ", entry, 116)
    return start, (length & 0xFFFFFFFF if sector == 512 else length)


def _find_entry(entries: list[bytes], names: tuple[str, ...]) -> bytes | None:
    decoded = [entry[:64].decode("utf-16-le", "replace").split("\0", 1)[0] for entry in entries]
    for name in names:
        for entry, entry_name in zip(entries, decoded, strict=True):
            if entry_name == name:
                return entry
    return None


# -- BIFF records ----------------------------------------------------------------------------


def _check_sheets(stream: bytes | memoryview, display: str, budget: int) -> None:
    """calamine reads every sheet when it opens the file: each sheet's rectangle, and all of them with the
    shared strings their cells copy, must fit the budget."""
    skip_narrow = package.read_cost(_FORMAT_ROWS, _NARROW_COLUMNS, "xls") <= budget
    sheets = _bound_sheets(stream)
    total = 0
    for offset, name in sheets:
        if offset > len(stream):
            raise _damaged(display, f"sheet {name!r} starts past the end of the workbook stream")
        rows, cols, declared = _sheet_extent(stream, offset, skip_narrow)
        if declared is not None and package.read_cost(declared[0], declared[1], "xls") > budget:
            raise ReadError(
                f"{display}: sheet {name!r} declares {declared[0]:,} rows by {declared[1]:,} columns "
                f"({declared[0] * declared[1]:,} cells); {package.budget_words(budget)}"
            )
        if skip_narrow and cols > _NARROW_COLUMNS:  # a wide cell: the narrow ones count after all
            rows, cols, _ = _sheet_extent(stream, offset, skip_narrow=False)
        package.check_read_cost(display, name, rows, cols, "xls", budget=budget)
        total += package.read_cost(rows, cols, "xls")
    copied = _shared_text_copies(stream, [offset for offset, _ in sheets], budget - total)
    if total + 2 * copied > budget:
        raise ReadError(
            f"{display}: the workbook's sheets and the {2 * copied / 1e6:,.0f} MB of shared text their cells repeat "
            f"would take about {(total + 2 * copied) / 1e6:,.0f} MB of memory to read; {package.budget_words(budget, 'workbooks')}"
        )


def _shared_text_copies(stream: bytes | memoryview, sheet_offsets: list[int], room: int) -> int:
    """Bytes of shared strings copied beyond their first use: calamine gives every LABELSST cell its own copy.

    Each cell record takes 14 bytes, so the stream bounds how many there are: when even that many
    copies of the longest string fit in room, the sheets are not walked again.
    """
    lengths = _shared_string_lengths(stream)
    if not lengths or (len(stream) // 14) * max(lengths) * 2 <= room:
        return 0
    cells: dict[int, int] = {}
    for offset in sheet_offsets:
        depth = 0  # an embedded chart's BOF … EOF is passed through, as _sheet_extent does
        for kind, start, end in _records(stream, offset):
            depth += kind == _BOF
            if kind == _EOF:
                depth -= 1
                if depth <= 0:
                    break
            elif kind == _LABELSST and end - start >= 10:
                (index,) = struct.unpack_from("<I", stream, start + 6)
                cells[index] = cells.get(index, 0) + 1
    return sum((n - 1) * lengths[index] for index, n in cells.items() if n > 1 and index < len(lengths))


def _shared_string_lengths(stream: bytes | memoryview) -> list[int]:
    """Bytes of each string of the SST record (and its CONTINUE records), as stored: one or two a character.

    A string cut by a CONTINUE record resumes there with a byte of its own saying how wide its
    characters are; formatting runs and phonetic data after a string are passed over.
    """
    pieces: list[bytes] = []
    for kind, start, end in _records(stream, 0):
        if kind == _SST:
            pieces = [bytes(stream[start:end])]
        elif kind == _CONTINUE and pieces:
            pieces.append(bytes(stream[start:end]))
        elif pieces or kind == _EOF:
            break
    if not pieces or len(pieces[0]) < 8:
        return []
    return _sst_lengths(b"".join(pieces), list(itertools.accumulate(len(piece) for piece in pieces)))


def _sst_lengths(data: bytes, ends: list[int]) -> list[int]:
    """The stored bytes of each XLUnicodeRichExtendedString in data (the SST's pieces joined, each ending at ends)."""
    lengths: list[int] = []
    piece, pos, size = 0, 8, len(data)  # after cstTotal and cstUnique
    while pos + 3 <= size:
        while pos >= ends[piece]:
            piece += 1
        chars, flags = data[pos] | data[pos + 1] << 8, data[pos + 2]
        pos += 3
        runs = extra = 0
        if flags & 0x08:
            runs = int.from_bytes(data[pos : pos + 2], "little")
            pos += 2
        if flags & 0x04:
            extra = int.from_bytes(data[pos : pos + 4], "little")
            pos += 4
        width = 2 if flags & 0x01 else 1
        if pos + chars * width <= ends[piece]:  # the string lies in one piece, as nearly all do
            stored = chars * width
            pos += stored
        else:
            stored, pos, piece = _cut_string(data, ends, piece, pos, chars, width)
        lengths.append(stored)
        pos += 4 * runs + extra
    return lengths


def _cut_string(data: bytes, ends: list[int], piece: int, pos: int, chars: int, width: int) -> tuple[int, int, int]:
    """A string's characters that run on into further pieces, each of which starts with their width."""
    stored = 0
    while chars > 0 and piece < len(ends):
        fit = min(chars, max(ends[piece] - pos, 0) // width)
        pos += fit * width
        stored += fit * width
        chars -= fit
        if chars > 0:
            pos = ends[piece]
            piece += 1
            if piece >= len(ends) or pos >= len(data):
                break
            width = 2 if data[pos] & 0x01 else 1
            pos += 1
    return stored, pos, min(piece, len(ends) - 1)


def _bound_sheets(stream: bytes | memoryview) -> list[tuple[int, str]]:
    """Every sheet's (offset, name) from the workbook globals, which calamine parses, whatever the sheet type."""
    sheets = []
    for kind, start, end in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and end - start >= 6:
            (offset,) = struct.unpack_from("<I", stream, start)
            sheets.append((offset, _sheet_name(bytes(stream[start + 6 : end]))))
    return sheets


def _sheet_name(data: bytes) -> str:
    if not data:
        return ""
    count = data[0]
    if len(data) >= 2 and data[1] in (0, 1) and len(data) >= 2 + count * (1 + data[1]):  # BIFF8
        raw = data[2 : 2 + count * (1 + data[1])]
        return raw.decode("utf-16-le" if data[1] else "latin-1", "replace")
    return data[1 : 1 + count].decode("latin-1", "replace")  # BIFF5 and earlier


def _records(stream: bytes | memoryview, pos: int):
    """(type, data start, data end) of each record from pos, stopping at a record that runs past the end."""
    end_of_stream = len(stream)
    unpack = struct.Struct("<HH").unpack_from
    while pos + 4 <= end_of_stream:
        kind, length = unpack(stream, pos)
        start = pos + 4
        pos = start + length
        if pos > end_of_stream:
            return
        yield kind, start, pos


def _sheet_extent(
    stream: bytes | memoryview, offset: int, skip_narrow: bool
) -> tuple[int, int, tuple[int, int] | None]:
    """The rows and columns from A1 that a sheet's cell and row records reach, and what DIMENSIONS claims.

    With skip_narrow, runs of records that cannot reach beyond column IV are passed over
    uncounted. Nested substreams (embedded charts) are skipped, as calamine skips them.
    """
    max_row = max_col = -1
    declared = None
    depth = 0
    seen_bof = False
    two = struct.Struct("<HH").unpack_from
    narrow_run = _NARROW_RUN.match if skip_narrow else None
    size = len(stream)
    pos = offset
    while pos + 4 <= size:
        if narrow_run is not None and (run := narrow_run(stream, pos)) is not None:
            pos = run.end()
            continue
        kind, length = two(stream, pos)
        start = pos + 4
        pos = end = start + length
        if end > size:
            break
        if depth:
            if kind == _BOF:
                depth += 1
            elif kind == _EOF:
                depth -= 1
            continue
        if kind in _CELL_RECORDS:
            if length >= 4:
                row, col = two(stream, start)
                max_row = max(max_row, row)
                max_col = max(max_col, col)
        elif kind == _MULRK or kind == _MULBLANK:
            if length >= 6:
                row, first = two(stream, start)
                (last,) = struct.unpack_from("<H", stream, end - 2)
                max_row = max(max_row, row)
                max_col = max(max_col, last, first)
        elif kind == _ROW:
            if length >= 6:
                row, first, last = struct.unpack_from("<HHH", stream, start)
                max_row = max(max_row, row)
                if last > first:
                    max_col = max(max_col, last - 1)
        elif kind == _DIMENSIONS:
            declared = _declared_size(bytes(stream[start:end]))
        elif kind == _BOF:
            if seen_bof:
                depth += 1
            seen_bof = True
        elif kind == _EOF:
            break
    return max_row + 1, max_col + 1, declared


def _declared_size(data: bytes) -> tuple[int, int] | None:
    """Rows and columns as calamine works them out from DIMENSIONS (wrapping as it does), to reserve memory."""
    if len(data) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
    else:
        return None
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    rows = ((last_row - 1 - first_row) & 0xFFFFFFFF) + 1
    cols = ((last_col - 1 - first_col) & 0xFFFFFFFF) + 1
    return rows, cols
