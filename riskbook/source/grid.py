"""Opening a register file: what kind it is, whether it is safe, and its sheets as grids of cells.

Nothing here knows about risks: `open_grid` gives the sheets of .xlsx, .xlsm, .xls, .ods
or .csv files as rows of Python values, after the safety checks each kind needs.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from riskbook.errors import ReadError
from riskbook.source.files import check_input

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def open_grid(
    path: str | os.PathLike[str], sheet: str | None = None, max_bytes: int | None = None, keep_package: bool = True
) -> Grid:
    """The sheets of a register file, checked and ready to load. Raises ReadError with a one-line reason.

    sheet, if given, limits the pre-parse scan to that sheet; max_bytes bounds what a workbook
    may inflate to (default 2 GiB), against zip bombs. keep_package: keep an .xlsx package's bytes
    in the grid (for the annotated copy); else they go once the guards have read them.
    """
    path = Path(path)
    display = str(path)
    head = _check_file(path, display)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return _read_zip_workbook(path, display, sheet, max_bytes, keep_package)
    if head.startswith(_OLE_MAGIC):
        return _read_ole_workbook(path, display, max_bytes)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, display, max_bytes)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        kind = "text" if _looks_like_text(head) else "not a spreadsheet"
        raise ReadError(
            f"{display}: not a {suffix} workbook ({kind}); "
            + ("if it is CSV, save it with a .csv name" if kind == "text" else "it may be damaged")
        )
    raise ReadError(f"{display}: unknown file type {suffix or '(none)'}; use .xlsx, .xlsm, .xls, .ods or .csv")


def _check_file(path: Path, display: str) -> bytes:
    check_input(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except PermissionError:
        raise ReadError(f"{display}: permission denied") from None
    except OSError as exc:
        raise ReadError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise ReadError(f"{display}: the file is empty")
    return head


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


class Grid:
    """The sheets of a workbook, loaded one at a time on demand."""

    def __init__(
        self,
        names: list[str],
        load: Callable[[str], tuple[list[list[Any]], int, int]],
        formula_gaps: Callable[[str], dict[tuple[int, int], str | None]] | None = None,
        hidden: Callable[[str], tuple[set[int], set[int]]] | None = None,
        tables: Callable[[str], Any] | None = None,
        package: bytes | None = None,
        xlsx_package: bool = False,
    ):
        self.names = names
        # An .xlsx/.xlsm package's bytes as read and checked: annotate edits these, never the file again.
        self.package = package
        self.xlsx_package = xlsx_package  # an .xlsx/.xlsm package, which annotate edits (not a plain copy)
        self._load = load
        self._formula_gaps = formula_gaps
        self._hidden = hidden
        self._tables = tables

    def tables(self, name: str):
        """What the sheet's Excel tables say: its totals rows and calculated columns (a TableFacts)."""
        from riskbook.source.package import TableFacts

        found = self._tables(name) if self._tables else None
        return found if found is not None else TableFacts()  # a sheet with no tables: nothing to say

    def total_rows(self, name: str) -> frozenset[int]:
        """The 0-based rows of a sheet that are an Excel table's Total Row."""
        return self.tables(name).totals_rows

    def hidden(self, name: str) -> tuple[set[int], set[int]]:
        """The 0-based hidden rows and columns of a sheet."""
        return self._hidden(name) if self._hidden else (set(), set())

    def rows(self, name: str) -> tuple[list[list[Any]], int, int]:
        """Rows of a sheet with the 0-based (row, col) of its first cell."""
        return self._load(name)

    def formula_gaps(self, name: str) -> dict[tuple[int, int], str | None]:
        """Cells whose value cannot be taken as read: None for a formula with no (trusted) saved result,
        else the error Excel shows ("#REF!")."""
        return self._formula_gaps(name) if self._formula_gaps else {}


@contextlib.contextmanager
def _damaged_archive(display: str) -> Iterator[None]:
    """Zip and inflate errors as one line saying the file is damaged."""
    from riskbook.source.package import INFLATE_ERRORS

    try:
        yield
    except zipfile.BadZipFile as exc:
        reason = "a part fails its checksum" if "CRC" in str(exc) else "not a complete zip archive"
        raise ReadError(f"{display}: the file is damaged ({reason})") from None
    except INFLATE_ERRORS:
        raise ReadError(f"{display}: the file is damaged (a part cannot be decompressed)") from None
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ReadError(f"{display}: the file is damaged ({exc})") from None


def _read_zip_workbook(
    path: Path, display: str, wanted: str | None, max_bytes: int | None = None, keep_package: bool = True
) -> Grid:
    from riskbook.source import ods, package, scan

    budget = package.read_budget(path.stat().st_size)
    with _damaged_archive(display), zipfile.ZipFile(path) as zf:  # the directory alone, before the whole file
        package.check_archive(zf, display, max_bytes=max_bytes or package.MAX_UNCOMPRESSED_BYTES)
    data, identity = _whole_file(path, display)  # read once: the guards below, and annotate, use these bytes
    with _damaged_archive(display), zipfile.ZipFile(io.BytesIO(data)) as zf:
        package.check_archive(zf, display, max_bytes=max_bytes or package.MAX_UNCOMPRESSED_BYTES)
        package.check_no_dtd(zf, display)
        info = package.inspect_archive(zf, display)
        # calamine expands an OpenDocument file's every table as it opens it: scanned first, whole.
        for content in info.ods_content:
            ods.scan_ods(zf, content, display, budget)
    if info.kind == "xlsx" and not info.sheets:
        raise ReadError(f"{display}: the workbook has no sheets")
    from riskbook.xlsx.scheme_sheet import SCHEME_SHEET

    parts = [p for p in info.sheets if wanted is None or p.name in (wanted, SCHEME_SHEET)]
    with _damaged_archive(display), zipfile.ZipFile(io.BytesIO(data)) as zf:
        found = package.entries(zf)
        facts = {p.name: package.table_facts(zf, p, found) for p in parts} if info.kind == "xlsx" else {}

    # The sheets are scanned (extent, formulas, hidden rows) on a second thread while calamine
    # opens the workbook, which parses only the shared strings and releases the GIL; no sheet
    # is parsed until the scan has finished and passed.
    scans: dict[str, scan.SheetScan] = {}
    failure: list[BaseException] = []

    def scan_sheets() -> None:
        try:
            with _damaged_archive(display), zipfile.ZipFile(io.BytesIO(data)) as zf:
                for part in parts:
                    scans[part.name] = scan.scan_sheet(zf, part, display, budget)
        except BaseException as exc:  # handed to the reading thread below
            failure.append(exc)

    def gaps(name: str) -> dict[tuple[int, int], str | None]:  # asked only once the scan has finished
        scan = scans.get(name)
        return scan.formula_gaps(info.trust_formula_values) if scan and info.kind == "xlsx" else {}

    def hidden(name: str) -> tuple[set[int], set[int]]:
        scan = scans.get(name)
        return (scan.hidden_rows, scan.hidden_cols) if scan and info.kind == "xlsx" else (set(), set())

    scanner = threading.Thread(target=scan_sheets, name="riskbook-scan", daemon=True)
    scanner.start()
    try:
        # calamine reads the file itself (from the bytes it would hold a second copy of them): the
        # file is the one the bytes came from, or the read is refused.
        grid = _calamine_grid(
            path,
            display,
            gaps,
            hidden,
            facts.get,
            package=data if info.kind == "xlsx" and keep_package else None,
            xlsx_package=info.kind == "xlsx",
        )
        _same_file(path, display, identity)
    except ReadError as exc:
        scanner.join()
        raise (failure[0] if failure else exc) from None
    scanner.join()
    if failure:
        raise failure[0]
    return grid


def _whole_file(path: Path, display: str) -> tuple[bytes, tuple[int, ...]]:
    """The file's bytes, and what identifies the file they were read from."""
    try:
        with path.open("rb") as fh:
            status = os.fstat(fh.fileno())
            return fh.read(), _identity(status)
    except OSError as exc:
        raise ReadError(f"{display}: cannot be read ({exc.strerror or exc})") from None


def _identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _same_file(path: Path, display: str, identity: tuple[int, ...]) -> None:
    """Refuse a file saved again (or replaced) while it was being read: its cells are not the ones checked."""
    try:
        now = _identity(path.stat())
    except OSError:
        now = ()
    if now != identity:
        raise ReadError(f"{display}: the file changed while riskbook was reading it; check it again")


def _read_ole_workbook(path: Path, display: str, max_bytes: int | None) -> Grid:
    from riskbook.source import package, xls

    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in data:
        raise ReadError(f"{display}: the workbook is encrypted (password-protected); save a copy without a password")
    del data
    xls.check_xls(path, display, max_bytes or package.MAX_UNCOMPRESSED_BYTES)
    return _calamine_grid(path, display, None)


def _calamine_grid(
    path: Path,
    display: str,
    gaps,
    hidden=None,
    tables=None,
    package: bytes | None = None,
    xlsx_package: bool = False,
) -> Grid:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ReadError(
            f"{display}: the workbook is encrypted (password-protected); save a copy without a password"
        ) from None
    except Exception as exc:  # calamine raises several unrelated classes for damaged files
        raise ReadError(f"{display}: the workbook is damaged or not a spreadsheet ({_short(exc)})") from None
    except BaseException as exc:
        if not _is_rust_panic(exc):
            raise
        raise ReadError(
            f"{display}: the workbook is damaged or not a spreadsheet (the reader failed: {_short(exc)})"
        ) from None
    names = [m.name for m in workbook.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
    if not names:
        raise ReadError(f"{display}: the workbook has no sheets")

    def load(name: str) -> tuple[list[list[Any]], int, int]:
        try:
            sheet = workbook.get_sheet_by_name(name)
            start = sheet.start or (0, 0)
            return sheet.to_python(), start[0], start[1]
        except Exception as exc:
            raise ReadError(f"{display}: sheet {name!r} is damaged ({_short(exc)})") from None
        except BaseException as exc:
            if not _is_rust_panic(exc):
                raise
            raise ReadError(f"{display}: sheet {name!r} is damaged (the reader failed: {_short(exc)})") from None

    return Grid(
        names,
        load,
        gaps,
        hidden,
        tables,
        package=package,
        xlsx_package=xlsx_package,
    )


def _is_rust_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic into pyo3_runtime.PanicException, which derives from BaseException
    so that `except Exception` lets it through; the class cannot be imported, so it is known by name."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _read_csv(path: Path, display: str, max_bytes: int | None) -> Grid:
    from riskbook.source import csvfile, package

    rows = csvfile.read_csv_rows(path, display, max_bytes or package.MAX_UNCOMPRESSED_BYTES)
    return Grid([path.stem], lambda _name: (rows, 0, 0))
