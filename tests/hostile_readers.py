"""Byte-for-byte .xls files for the tests: a BIFF8 workbook stream in an OLE compound file.

Nothing binary is committed: each test builds the file it needs, legitimate or hostile.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, DIFSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC

# BIFF8 record types
BOF, EOF, BOUNDSHEET, SST, CODEPAGE = 0x0809, 0x000A, 0x0085, 0x00FC, 0x0042
DIMENSIONS, ROW, NUMBER, LABELSST, BLANK, MULRK = 0x0200, 0x0208, 0x0203, 0x00FD, 0x0201, 0x00BD


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def bof(sheet: bool) -> bytes:
    return record(BOF, struct.pack("<HHHHII", 0x0600, 0x0010 if sheet else 0x0005, 0x0DBB, 0x07CC, 0, 0x06))


def dimensions(first_row: int, last_row_plus_1: int, first_col: int, last_col_plus_1: int) -> bytes:
    return record(DIMENSIONS, struct.pack("<IIHHH", first_row, last_row_plus_1, first_col, last_col_plus_1, 0))


def number(row: int, col: int, value: float) -> bytes:
    return record(NUMBER, struct.pack("<HHHd", row, col, 0, value))


def label_sst(row: int, col: int, index: int) -> bytes:
    return record(LABELSST, struct.pack("<HHHI", row, col, 0, index))


def blank(row: int, col: int) -> bytes:
    return record(BLANK, struct.pack("<HHH", row, col, 0))


def row_record(row: int, first_col: int, last_col_plus_1: int) -> bytes:
    return record(ROW, struct.pack("<HHHHHHI", row, first_col, last_col_plus_1, 0x00FF, 0, 0, 0x00000100))


def _unicode(text: str) -> bytes:
    """An XLUnicodeString: 16-bit length, flags, UTF-16 characters (never compressed, for simplicity)."""
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


CONTINUE = 0x003C
_MAX_RECORD = 8224


def sst(strings: list[str]) -> bytes:
    """The shared strings, split over CONTINUE records as Excel splits them (a string cut in two
    resumes with its flags byte)."""
    records: list[bytearray] = [bytearray(struct.pack("<II", len(strings), len(strings)))]
    for text in strings:
        head, chars = struct.pack("<HB", len(text), 1), text.encode("utf-16-le")
        if len(records[-1]) + len(head) + 2 > _MAX_RECORD:
            records.append(bytearray())
        records[-1] += head
        while chars:
            room = (_MAX_RECORD - len(records[-1])) // 2 * 2
            records[-1] += chars[:room]
            chars = chars[room:]
            if chars:
                records.append(bytearray(b"\x01"))
    return record(SST, bytes(records[0])) + b"".join(record(CONTINUE, bytes(r)) for r in records[1:])


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    dims: tuple[int, int, int, int] | None = None  # as written: first row, last row + 1, first col, last col + 1
    extra: bytes = b""  # records added after the cells


def biff_workbook(sheets: Iterable[Sheet]) -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, CODEPAGE, BOUNDSHEETs, SST, EOF), then each sheet."""
    sheets = list(sheets)
    strings: list[str] = []
    index: dict[str, int] = {}
    bodies = []
    for sheet in sheets:
        cells = []
        for (row, col), value in sorted(sheet.cells.items()):
            if value is None:
                cells.append(blank(row, col))
            elif isinstance(value, int | float):
                cells.append(number(row, col, float(value)))
            else:
                text = str(value)
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                cells.append(label_sst(row, col, index[text]))
        if sheet.dims is not None:
            dims = dimensions(*sheet.dims)
        elif sheet.cells:
            rows = [r for r, _ in sheet.cells]
            cols = [c for _, c in sheet.cells]
            dims = dimensions(min(rows), max(rows) + 1, min(cols), min(max(cols) + 1, 0xFFFF))
        else:
            dims = dimensions(0, 0, 0, 0)
        bodies.append(bof(True) + dims + b"".join(cells) + sheet.extra + record(EOF))

    def boundsheet(offset: int, name: str) -> bytes:
        return record(BOUNDSHEET, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))

    head_len = len(bof(False)) + len(record(CODEPAGE, b"\xb0\x04"))
    head_len += sum(len(boundsheet(0, s.name)) for s in sheets) + len(sst(strings)) + len(record(EOF))
    offsets, at = [], head_len
    for body in bodies:
        offsets.append(at)
        at += len(body)
    globals_ = bof(False) + record(CODEPAGE, struct.pack("<H", 1200))
    globals_ += b"".join(boundsheet(offset, s.name) for offset, s in zip(offsets, sheets, strict=True))
    globals_ += sst(strings) + record(EOF)
    return globals_ + b"".join(bodies)


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = FREESECT) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", FREESECT, FREESECT, child)
        + b"\0" * 16
        + b"\0" * 4
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file (512-byte sectors) holding the given streams under the root.

    Streams under 4,096 bytes go in the mini stream, as in real files. The streams are siblings
    in a degenerate (right-leaning) tree, which readers that search by name accept.
    """
    sectors: list[bytes] = []
    fat: list[int] = []

    def add_chain(data: bytes, size: int) -> int:
        if not data:
            return ENDOFCHAIN
        start = len(sectors)
        count = -(-len(data) // size)
        for i in range(count):
            sectors.append(data[i * size : (i + 1) * size].ljust(size, b"\0"))
            fat.append(start + i + 1 if i < count - 1 else ENDOFCHAIN)
        return start

    mini_stream = b""
    mini_fat: list[int] = []
    starts: dict[str, int] = {}
    for name, data in streams.items():
        if len(data) < MINI_CUTOFF:
            first = len(mini_stream) // MINI_SECTOR
            count = -(-len(data) // MINI_SECTOR)
            mini_stream += data.ljust(count * MINI_SECTOR, b"\0")
            mini_fat.extend(first + i + 1 if i < count - 1 else ENDOFCHAIN for i in range(count))
            starts[name] = first if data else ENDOFCHAIN
        else:
            starts[name] = add_chain(data, SECTOR)
    mini_stream_start = add_chain(mini_stream, SECTOR)
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_start = add_chain(mini_fat_bytes, SECTOR)
    mini_fat_sectors = -(-len(mini_fat_bytes) // SECTOR)

    names = list(streams)
    entries = [_dir_entry("Root Entry", 5, mini_stream_start, len(mini_stream), child=1 if names else FREESECT)]
    for i, name in enumerate(names):
        entry = bytearray(_dir_entry(name, 2, starts[name], len(streams[name])))
        struct.pack_into("<I", entry, 72, i + 2 if i + 1 < len(names) else FREESECT)  # right sibling
        entries.append(bytes(entry))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, 0))
    dir_start = add_chain(b"".join(entries), SECTOR)

    # The FAT covers every sector, its own and the DIFAT's included; the header lists the
    # first 109 FAT sectors, DIFAT sectors (127 entries and a link each) the rest.
    fat_sectors = difat_sectors = 0
    while len(fat) + fat_sectors + difat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
        difat_sectors = max(0, -(-(fat_sectors - 109) // 127))
    fat_start = len(sectors)
    difat_start = fat_start + fat_sectors
    fat.extend([FATSECT] * fat_sectors)
    fat.extend([DIFSECT] * difat_sectors)
    fat.extend([FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i * SECTOR : (i + 1) * SECTOR] for i in range(fat_sectors))
    fat_ids = [fat_start + i for i in range(fat_sectors)]
    rest = fat_ids[109:]
    for n in range(difat_sectors):
        chunk = rest[n * 127 : (n + 1) * 127]
        link = difat_start + n + 1 if n + 1 < difat_sectors else ENDOFCHAIN
        sectors.append(struct.pack("<128I", *chunk, *[FREESECT] * (127 - len(chunk)), link))

    difat = fat_ids[:109] + [FREESECT] * (109 - len(fat_ids[:109]))
    first_difat = difat_start if difat_sectors else ENDOFCHAIN
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_sectors,
            dir_start,
            0,
            MINI_CUTOFF,
            mini_fat_start,
            mini_fat_sectors,
            first_difat,
            difat_sectors,
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def xls_bytes(sheets: Iterable[Sheet]) -> bytes:
    return compound_file({"Workbook": biff_workbook(sheets)})


def register_sheet(rows: list[list[object]], name: str = "Register", first_row: int = 0) -> Sheet:
    """A sheet holding rows (header first) from first_row down, column A onwards."""
    sheet = Sheet(name)
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.cells[(r, c)] = value
    return sheet
