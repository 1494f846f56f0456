"""A look inside an .xlsx/.xlsm/.ods archive before any reader parses it.

Checks the archive's declared sizes (zip bombs), finds each sheet's XML part, its
declared extent, and the formula cells that carry no saved result. Reads only what
it needs, with defusedxml for the small workbook parts.
"""

from __future__ import annotations

import os
import posixpath
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
# each repeated text cell as its own string and formula. A sheet whose rectangle would cost more
# than MAX_READ_BYTES is refused, which keeps any such file under the 1.5 GB memory target;
# 26 columns by Excel's 1,048,576 rows (about 1.16 GB) still passes, and so does a real
# register of 100,000 risks by 25 columns (about 0.11 GB).
MAX_READ_BYTES = 1_200_000_000
BYTES_PER_CELL = {"xlsx": 40, "ods": 280}
BYTES_PER_ROW = 72

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


def check_read_cost(display: str, sheet: str, max_row: int, max_col: int, kind: str, copied_text: int = 0) -> None:
    """Refuse a sheet whose cells, as a reader lays them out, would cost more memory than riskbook allows.

    copied_text: bytes of shared strings that cells repeat; calamine and Python each hold a copy per cell.
    """
    cost = read_cost(max_row, max_col, kind) + 2 * copied_text
    if cost > MAX_READ_BYTES:
        text = f" and {2 * copied_text / 1e6:,.0f} MB of repeated shared text" if copied_text else ""
        raise ReadError(
            f"{display}: sheet {sheet!r} reaches {column_letters(max_col)}{max_row} ({max_row * max_col:,} cells{text}, "
            f"about {cost / 1e6:,.0f} MB of memory to read); refusing sheets that need more than "
            f"{MAX_READ_BYTES / 1e6:,.0f} MB"
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


_TABLE_REL = "/table"
_LAST_ROW = re.compile(r":\$?[A-Za-z]{1,3}\$?([0-9]{1,7})$")


def table_total_rows(zf: zipfile.ZipFile, sheet_path: str) -> set[int]:
    """The 0-based rows of a sheet that are its tables' Total Rows (totalsRowCount in each table part).

    Only a hint for telling risks from other rows: a table part that cannot be read gives none.
    """
    from defusedxml import ElementTree

    folder, _, name = sheet_path.rpartition("/")
    found = entries(zf)
    rows: set[int] = set()
    try:
        for rels in found.get(f"{folder}/_rels/{name}.rels".lower(), []):
            for rel in ElementTree.fromstring(zf.read(rels)):
                if not rel.get("Type", "").endswith(_TABLE_REL):
                    continue
                target = rel.get("Target", "")
                path = target[1:] if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
                for part in found.get(path.lower(), []):
                    table = ElementTree.fromstring(zf.read(part))
                    count = int(table.get("totalsRowCount", "0") or 0)
                    last = _LAST_ROW.search(table.get("ref", ""))
                    if last and 0 < count <= 10:
                        rows.update(range(int(last[1]) - count, int(last[1])))
    except Exception:  # defusedxml raises its own classes; a damaged table part is no reason to refuse the sheet
        return set()
    return rows


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
