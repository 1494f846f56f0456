"""A look inside an .xlsx/.xlsm/.ods archive before any reader parses it.

Checks the archive's declared sizes (zip bombs), finds each sheet's XML part, its
declared extent, and the formula cells that carry no saved result. Reads only what
it needs, with defusedxml for the small workbook parts.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from riskbook.errors import ReadError
from riskbook.limits import column_letters

try:
    from zlib_ng import zlib_ng
except ImportError:  # a dependency; the standard zlib reads the same bytes, five times slower
    zlib_ng = None  # type: ignore[assignment]

# What a damaged deflate stream raises: zlib_ng.error is not a zlib.error.
INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error,) if zlib_ng is None else (zlib.error, zlib_ng.error)  # type: ignore[assignment]

# Limits on what an archive may declare before anything is decompressed. A register
# of 100,000 risks with long narrative is about 0.5 GB of XML; nothing real comes near
# a compression ratio of 200 (zip bombs run to thousands).
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 200
MAX_ENTRIES = 10_000
# calamine fills the whole rectangle from the first cell to the furthest, and python-calamine
# gives it to Python as one list per row, so a 5 KB file naming A1 and C6666666 costs gigabytes.
# Measured peak RSS of `riskbook validate` on sparse sheets (python-calamine 0.9.1, 64-bit):
# about 38 bytes a cell and 69 a row for .xlsx; about 270 a cell for .ods, whose reader keeps
# each repeated text cell as its own string and formula; about 72 a cell for .xls, whose reader
# keeps every cell twice (as read, then in the rectangle).
#
# What a file may cost to read grows with its size (read_budget): READ_BUDGET_FLOOR, which every
# real register fits (a value in Z200,000 still passes), plus READ_BUDGET_PER_BYTE for each byte of
# the file, up to MAX_READ_BYTES. So no file under 100 KB may cost more than about 450 MB whatever it
# holds, while a register of 100,000 risks by 25 columns (about 0.11 GB, from a file of megabytes) passes.
# The most, 1,300 MB, keeps any file under the 1.5 GB memory target and holds every cell an .xls can
# name (IV65536), so that a large .xls need not be walked record by record.
MAX_READ_BYTES = 1_300_000_000
READ_BUDGET_FLOOR = 240_000_000
READ_BUDGET_PER_BYTE = 2_000
BYTES_PER_CELL = {"xlsx": 40, "ods": 280, "xls": 75}
BYTES_PER_ROW = 72


def read_budget(file_size: int) -> int:
    """Bytes of memory that reading a file of file_size bytes may cost (see READ_BUDGET_FLOOR)."""
    return min(MAX_READ_BYTES, READ_BUDGET_FLOOR + READ_BUDGET_PER_BYTE * max(file_size, 0))


def budget_words(budget: int, what: str = "sheets") -> str:
    """The budget as a refusal states it."""
    words = f"refusing {what} that need more than {budget / 1e6:,.0f} MB"
    if budget >= MAX_READ_BYTES:
        return words
    return (
        f"{words} from a file of this size ({READ_BUDGET_FLOOR / 1e6:,.0f} MB and "
        f"{READ_BUDGET_PER_BYTE:,} bytes for each byte of the file, up to {MAX_READ_BYTES / 1e6:,.0f} MB)"
    )


CACHED_VALUES_PROPERTY = "riskbook-formula-values-cached"

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetPart:
    name: str
    path: str
    # Every archive entry a reader may take for path: OPC part names match whatever their case,
    # and calamine takes the first entry that does, so all of them are scanned.
    paths: list[zipfile.ZipInfo] = field(default_factory=list)


@dataclass
class ArchiveInfo:
    kind: str  # "xlsx" or "ods", from [Content_Types].xml (or the ODF mimetype), not from which files exist
    sheets: list[SheetPart] = field(default_factory=list)
    # content.xml entries: scanned whatever the kind, since calamine picks its reader by the file's suffix
    ods_content: list[zipfile.ZipInfo] = field(default_factory=list)
    full_calc_on_load: bool = False
    # riskbook's own files are written with every formula's value computed; they carry a
    # custom property saying so, since xlsxwriter always asks for a full recalculation.
    values_cached_by_riskbook: bool = False

    @property
    def trust_formula_values(self) -> bool:
        return self.values_cached_by_riskbook or not self.full_calc_on_load


def check_archive(
    zf: zipfile.ZipFile,
    display: str,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
) -> None:
    """Refuse an archive whose declared sizes are those of a zip bomb."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"{display}: the archive holds {len(infos):,} parts; refusing more than {MAX_ENTRIES:,}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # zipfile cannot read it; calamine fails on it too
            raise ReadError(f"{display}: part {info.filename} is encrypted; save a copy without a password")
        total += info.file_size
        if total > max_bytes:
            raise ReadError(
                f"{display}: the workbook would inflate to more than {max_bytes / 1024**2:,.0f} MB; "
                "refusing it as a possible zip bomb (raise --max-size to allow it)"
            )
        if info.file_size > 1024**2 and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ReadError(
                f"{display}: part {info.filename} is compressed {ratio:,.0f} to 1 (limit {max_ratio}); "
                "refusing it as a possible zip bomb"
            )


def read_cost(max_row: int, max_col: int, kind: str) -> int:
    """Bytes of memory that reading a rectangle of max_row by max_col cells costs (see MAX_READ_BYTES)."""
    return max_row * max_col * BYTES_PER_CELL[kind] + max_row * BYTES_PER_ROW


def check_read_cost(
    display: str,
    sheet: str,
    max_row: int,
    max_col: int,
    kind: str,
    copied_text: int = 0,
    budget: int = MAX_READ_BYTES,
) -> None:
    """Refuse a sheet whose cells, as a reader lays them out, would cost more memory than the budget allows.

    copied_text: bytes of shared strings that cells repeat; calamine and Python each hold a copy per cell.
    """
    cost = read_cost(max_row, max_col, kind) + 2 * copied_text
    if cost > budget:
        text = f" and {2 * copied_text / 1e6:,.0f} MB of repeated shared text" if copied_text else ""
        raise ReadError(
            f"{display}: sheet {sheet!r} reaches {column_letters(max_col)}{max_row} ({max_row * max_col:,} cells{text}, "
            f"about {cost / 1e6:,.0f} MB of memory to read); {budget_words(budget)}"
        )


_SPREADSHEETML_MAIN = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    b"application/vnd.ms-excel.template.macroEnabled.main+xml",
)
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def entries(zf: zipfile.ZipFile) -> dict[str, list[zipfile.ZipInfo]]:
    """Archive entries by the lower case of their names: OPC part names are case-insensitive, and an
    archive may even hold one name twice, so every entry a reader might take for a name is kept."""
    found: dict[str, list[zipfile.ZipInfo]] = {}
    for info in zf.infolist():
        found.setdefault(info.filename.lower(), []).append(info)
    return found


def inspect_archive(zf: zipfile.ZipFile, display: str) -> ArchiveInfo:
    """What kind of workbook the archive is, the parts of its sheets, and its calculation flag."""
    found = entries(zf)
    info = ArchiveInfo(kind=_kind(zf, found, display), ods_content=found.get("content.xml", []))
    # calamine reads the workbook from xl/workbook.xml whatever [Content_Types].xml names, and picks
    # its reader by the file's suffix, so whatever is there is inspected (and later scanned).
    if "xl/workbook.xml" in found:
        _inspect_workbook(zf, found, info, display)
    elif info.kind == "xlsx":
        raise ReadError(f"{display}: not an Excel workbook (the archive has no xl/workbook.xml)")
    return info


def _kind(zf: zipfile.ZipFile, found: dict[str, list[zipfile.ZipInfo]], display: str) -> str:
    if any(kind in zf.read(e) for e in found.get("[content_types].xml", []) for kind in _SPREADSHEETML_MAIN):
        return "xlsx"
    if any(zf.read(e)[:200].strip() == _ODS_MIMETYPE for e in found.get("mimetype", [])):
        return "ods"
    if "xl/workbook.xml" in found:
        return "xlsx"
    if "content.xml" in found:
        return "ods"
    raise ReadError(
        f"{display}: not a spreadsheet (a zip archive holding neither an Excel nor an OpenDocument workbook)"
    )


def _inspect_workbook(
    zf: zipfile.ZipFile, found: dict[str, list[zipfile.ZipInfo]], info: ArchiveInfo, display: str
) -> None:
    from defusedxml import ElementTree

    try:
        workbooks = [ElementTree.fromstring(zf.read(e)) for e in found["xl/workbook.xml"]]
        rels = [ElementTree.fromstring(zf.read(e)) for e in found.get("xl/_rels/workbook.xml.rels", [])]
    except Exception as exc:  # defusedxml raises its own classes for entity attacks
        raise ReadError(f"{display}: the workbook's structure is unreadable or unsafe ({type(exc).__name__})") from exc
    targets: dict[str | None, list[str]] = {}
    for relationships in rels:
        for rel in relationships:
            targets.setdefault(rel.get("Id"), []).append(_sheet_path(rel.get("Target", "")))
    for custom in found.get("docprops/custom.xml", []):
        info.values_cached_by_riskbook |= CACHED_VALUES_PROPERTY.encode() in zf.read(custom)[:65536]
    for workbook in workbooks:
        for element in workbook.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "sheet":
                # calamine takes the relationship from r:id by its prefix, not its namespace: any "id" may be it.
                ids = [value for key, value in element.attrib.items() if key.rsplit("}", 1)[-1] == "id"]
                paths = [path for i in ids for path in targets.get(i, [])]
                parts = [e for path in dict.fromkeys(paths) for e in found.get(path.lower(), [])]
                info.sheets.append(SheetPart(element.get("name", ""), paths[0] if paths else "", parts))
            elif tag == "calcPr":
                info.full_calc_on_load = element.get("fullCalcOnLoad") in ("1", "true")


def _sheet_path(target: str) -> str:
    """A relationship target as calamine resolves it: "/xl/…" and "xl/…" as they are, anything else under xl/."""
    if target.startswith("/xl/"):
        return target[1:]
    if target.startswith("xl/"):
        return target
    return "xl/" + target


def check_no_dtd(zf: zipfile.ZipFile, display: str) -> None:
    """Refuse XML parts that declare a DTD: no spreadsheet program writes one, and entity attacks need it."""
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as part:
            head = part.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ReadError(
                f"{display}: part {info.filename} declares XML entities (<!DOCTYPE>), which no spreadsheet "
                "program writes; refusing it as a possible XML attack"
            )


_RAW_PIECE = 256 * 1024  # compressed bytes inflated at a time
# Bytes inflated by one call: zlib-ng is twice as slow when a call's output falls short of this.
_OUT_PIECE = 1024 * 1024


def open_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo | str) -> IO[bytes] | _Inflating:
    """An archive entry to stream. A deflated entry is inflated by zlib-ng, about five times as fast as
    the standard zlib, and checked as zipfile checks it: cut at its declared size, its CRC-32 compared."""
    if isinstance(info, str):
        info = zf.getinfo(info)
    stream = zf.open(info)  # reads and checks the entry's local header
    reads_raw = hasattr(stream, "_read2") and hasattr(stream, "_compress_left")  # zipfile's own, since 3.x
    if zlib_ng is None or info.compress_type != zipfile.ZIP_DEFLATED or not reads_raw:
        return stream
    return _Inflating(stream, info)


class _Inflating:
    """zipfile.ZipExtFile's reading of a deflated entry (ZipExtFile._read1), with zlib-ng inflating.

    The compressed bytes still come through the ZipExtFile (_read2), which raises EOFError where
    the archive is cut short. zipfile reads as many compressed bytes as output asked for, and copies
    what it could not inflate yet on every read; this reads them a little at a time.
    """

    def __init__(self, stream, info: zipfile.ZipInfo) -> None:
        self._stream = stream
        self._inflate = zlib_ng.decompressobj(-15)
        self._name = info.filename
        self._left = info.file_size
        self._expected_crc = info.CRC
        self._crc = 0
        self._eof = False

    def read(self, n: int = -1) -> bytes:
        wanted = self._left if n is None or n < 0 else n
        pieces = []
        while wanted > 0 and not self._eof:
            piece = self._inflate_some(wanted)
            pieces.append(piece)
            wanted -= len(piece)
        return b"".join(pieces)

    def _inflate_some(self, most: int) -> bytes:
        data = self._inflate.unconsumed_tail
        if len(data) < _RAW_PIECE:  # enough input to fill the output: a call that falls short is slow
            data += self._stream._read2(_RAW_PIECE)
        out = self._inflate.decompress(data, min(most, _OUT_PIECE))
        self._eof = self._inflate.eof or (self._stream._compress_left <= 0 and not self._inflate.unconsumed_tail)
        if self._eof:
            out += self._inflate.flush()
        out = out[: self._left]
        self._left -= len(out)
        if self._left <= 0:
            self._eof = True
        self._crc = zlib_ng.crc32(out, self._crc)
        if self._eof and self._crc != self._expected_crc:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self._name!r}")
        return out

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _Inflating:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ReadAhead:
    """A part's bytes in pieces, inflated on a thread of its own while the caller works on the piece before
    (zlib-ng and zlib let other threads run while they inflate); on one core, inflated when asked for.
    Errors reading the part come out of read."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo | str, piece: int) -> None:
        self._stream = open_part(zf, info)
        self._piece = piece
        self._ready: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._ended = False
        self._thread: threading.Thread | None = None
        if _cores() > 1:
            self._thread = threading.Thread(target=self._fill, args=(piece,), name="riskbook-inflate", daemon=True)
            self._thread.start()

    def _fill(self, piece: int) -> None:
        try:
            while not self._stop.is_set():
                data = self._stream.read(piece)
                self._ready.put(data)
                if not data:
                    return
        except BaseException as exc:  # handed to the reading thread
            self._ready.put(exc)

    def read(self, _size: int = -1) -> bytes:
        """The next piece (of the size given when opened), or b"" at the end."""
        if self._thread is None:
            return self._stream.read(self._piece)
        if self._ended:
            return b""
        item = self._ready.get()
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        self._ended = not item
        return item

    def close(self) -> None:
        self._stop.set()
        # A piece waiting for room is taken, so that the thread sees the stop.
        while self._thread is not None and self._thread.is_alive():
            try:
                self._ready.get(timeout=0.01)
            except queue.Empty:
                pass
        self._stream.close()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class TableFacts:
    """What a sheet's Excel tables say about its cells: rows that are totals, columns that are computed."""

    totals_rows: frozenset[int] = frozenset()  # 0-based
    computed_cols: frozenset[int] = frozenset()  # 0-based: a table column with a calculated column formula


MAX_TABLE_PART_BYTES = 4 * 1024**2


def table_facts(zf: zipfile.ZipFile, part: SheetPart, found: dict[str, list[zipfile.ZipInfo]]) -> TableFacts:
    """The totals rows (totalsRowCount) and calculated columns of the tables on a sheet.

    A table's totals row (Table Design → Total Row: "Total" and SUBTOTAL(109,…)) is not a risk; a
    calculated column (a riskbook template's Score and Next Review) shows what other cells hold.
    found: the archive's entries by lower-case name (package.entries).
    """
    from defusedxml import ElementTree

    totals: set[int] = set()
    computed: set[int] = set()
    for table in _table_parts(zf, part.path, found):
        try:
            root = ElementTree.fromstring(table)
        except Exception:  # an unreadable table part says nothing; the cells are read as they are
            continue
        area = _cell_range(root.get("ref", ""))
        if area is None:
            continue
        (_top, left), (bottom, _right) = area
        count = _small_int(root.get("totalsRowCount"))
        totals.update(range(bottom - count + 1, bottom + 1))
        columns = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "tableColumn"]
        for offset, column in enumerate(columns):
            if any(child.tag.rsplit("}", 1)[-1] == "calculatedColumnFormula" for child in column):
                computed.add(left + offset)
    return TableFacts(frozenset(totals), frozenset(computed))


def _table_parts(zf: zipfile.ZipFile, sheet_path: str, found: dict[str, list[zipfile.ZipInfo]]) -> list[bytes]:
    """The table parts a sheet's relationships name (found: the archive's entries by lower-case name)."""
    from defusedxml import ElementTree

    folder, _, name = sheet_path.rpartition("/")
    rels = found.get(f"{folder}/_rels/{name}.rels".lower(), [])
    parts = []
    for entry in rels[:1]:
        if entry.file_size > MAX_TABLE_PART_BYTES:
            continue
        try:
            root = ElementTree.fromstring(zf.read(entry))
        except Exception:
            continue
        for rel in root:
            if not rel.get("Type", "").endswith("/table"):
                continue
            target = _resolve(folder, rel.get("Target", ""))
            for table in found.get(target.lower(), [])[:1]:
                if table.file_size <= MAX_TABLE_PART_BYTES:
                    parts.append(zf.read(table))
    return parts


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts = folder.split("/") if folder else []
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _small_int(text: str | None) -> int:
    return int(text) if text and text.isdecimal() and len(text) < 3 else 0


def _cell_range(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(row, col) of the first and last cells of "A1:V32", 0-based; None if it is not one."""

    found = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})", ref.upper())
    if found is None:
        return None

    def col(letters: str) -> int:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n - 1

    a, r1, b, r2 = found.groups()
    return (int(r1) - 1, col(a)), (int(r2) - 1, col(b))
