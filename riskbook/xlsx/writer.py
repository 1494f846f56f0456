"""Safe writing with xlsxwriter: text stays text, nothing is cut, output lands atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import os
import re
import shutil
import signal
import sys
import tempfile
import traceback
import types
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskbook.errors import OutputError
from riskbook.limits import EXCEL_CELL_LIMIT, EXCEL_HEADER_FOOTER_LIMIT
from riskbook.perf import Ticker
from riskbook.source.files import check_output
from riskbook.source.settings_toml import prints_as_nothing
from riskbook.xlsx.text import CELL, HEADER_FOOTER, PROPERTY, SHEET_NAME, header_length, safe_text

# Excel's tallest row is 409 points; text taller than that is continued in the next row.
MAX_ROW_POINTS = 409
LINE_POINTS = 13


# The fixed parts of the page header and footer (setup_print), with the longest sheet name
# Excel allows: what is left of 255 characters is the room for the marking, then the title.
# Arial throughout, as the cells: one typeface on the printed page.
_HEADER = '&L&"Arial,Regular"{title}&C&"Arial,Bold"{marking}&R&"Arial,Regular"{date}'
_FOOTER = '&L&"Arial,Regular"{name}&C&"Arial,Bold"{marking}&R&"Arial,Regular"Page &P of &N'
_LONGEST_SHEET_NAME = "x" * 31


@dataclass(frozen=True)
class PageSetup:
    """What every sheet carries when printed. The protective marking must be there, whole."""

    title: str
    date_text: str
    marking: str

    def __post_init__(self) -> None:
        if prints_as_nothing(self.marking):
            raise OutputError("--marking is empty: a paper for the panel needs its protective marking (e.g. OFFICIAL)")
        room = self.marking_room()
        if header_length(safe_text(self.marking, HEADER_FOOTER)) > room:
            raise OutputError(
                f"--marking is {len(self.marking):,} characters: a page header or footer holds "
                f"{EXCEL_HEADER_FOOTER_LIMIT} including its codes, leaving {room} for the marking"
            )

    def marking_room(self) -> int:
        fixed = max(
            header_length(_HEADER.format(title="", marking="", date=safe_text(self.date_text, HEADER_FOOTER))),
            header_length(_FOOTER.format(name=_LONGEST_SHEET_NAME, marking="")),
        )
        return EXCEL_HEADER_FOOTER_LIMIT - fixed

    def header(self) -> str:
        """The page header: title (shortened with an ellipsis here only if it must be), marking, date."""
        marking = safe_text(self.marking, HEADER_FOOTER)
        date = safe_text(self.date_text, HEADER_FOOTER)
        return _HEADER.format(title=self._header_title(), marking=marking, date=date)

    def _header_title(self) -> str:
        marking = safe_text(self.marking, HEADER_FOOTER)
        date = safe_text(self.date_text, HEADER_FOOTER)
        room = EXCEL_HEADER_FOOTER_LIMIT - header_length(_HEADER.format(title="", marking=marking, date=date))
        return _fit_header_text(fitted_line(self.title, HEADER_TITLE_CHARS), room)

    @property
    def title_shortened(self) -> bool:
        """Whether the page header holds only the start of the title (the Cover's table holds it whole)."""
        return self._header_title() != safe_text(self.title, HEADER_FOOTER)

    def footer(self, sheet_name: str) -> str:
        return _FOOTER.format(name=safe_text(sheet_name, HEADER_FOOTER), marking=safe_text(self.marking, HEADER_FOOTER))


# Characters A4 landscape holds on one line at 100 %: A1's 14 pt bold title, A2's 10 pt description.
TITLE_LINE_CHARS = 90
DESCRIPTION_LINE_CHARS = 160
# The page header's left third (the title) before it reaches the marking in the centre, at 9 pt.
HEADER_TITLE_CHARS = 60


def fitted_line(text: str, chars: int) -> str:
    """text, or its words up to chars characters, ending "…"."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > chars // 2 else cut).rstrip(" ,;:–-") + "…"


def _fit_header_text(text: str, room: int) -> str:
    """text escaped for a header section, shortened with an ellipsis to fit room characters."""
    escaped = safe_text(text, HEADER_FOOTER)
    if header_length(escaped) <= room:
        return escaped
    keep = min(len(text), room)  # room is under 255: a short walk down
    while keep > 0 and header_length(safe_text(text[:keep].rstrip() + "…", HEADER_FOOTER)) > room:
        keep -= 1
    return safe_text(text[:keep].rstrip() + "…", HEADER_FOOTER) if keep > 0 else ""


@contextlib.contextmanager
def xlsxwriter_warnings_as_errors() -> Iterator[None]:
    """xlsxwriter says some failures only as a Python warning (a header over 255 characters is
    dropped, a table that overlaps is skipped): each one is an error of riskbook's, never a line
    on stderr and a workbook quietly missing a part.

    Only xlsxwriter's own warnings are turned into errors (one filter, for its modules, in a scoped
    copy of the filters): every other warning raised meanwhile meets the caller's filters and hook,
    at once, as if riskbook were not there."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", module=_XLSXWRITER_MODULES)
        try:
            yield
        except Warning as exc:
            if not _from_xlsxwriter(exc):
                raise
            raise OutputError(f"internal: xlsxwriter refused part of the workbook: {exc}") from None


_XLSXWRITER_MODULES = r"xlsxwriter(\.|$)"


def _from_xlsxwriter(exc: BaseException) -> bool:
    """Whether a warning raised as an error came from xlsxwriter's code (the innermost frame)."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and str(trace.tb_frame.f_globals.get("__name__", "")).startswith("xlsxwriter")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path in a private folder beside target, renamed over target only when the block
    succeeds. The folder (holding any other temporary files, such as xlsxwriter's) is removed on
    every way out: success, error, Ctrl-C, SIGTERM."""
    target = Path(target)
    check_output(target)  # a device, a pipe or a folder is never replaced by a file
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        private = Path(tempfile.mkdtemp(prefix=".riskbook-", dir=folder))
    except OSError as exc:
        raise OutputError(f"{target}: {_os_reason(exc, folder)}") from None
    temp = private / ("out" + target.suffix)  # short: a long output name still fits the system's limit
    try:
        yield temp
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except OutputError:
        raise
    except Exception as exc:
        os_error = os_error_in(exc)
        if os_error is None:
            raise
        _discard_half_written_zips(exc)
        raise OutputError(f"cannot write {target}: {_os_reason(os_error, folder)}") from None
    finally:
        _remove_uninterrupted(private)


def _remove_uninterrupted(folder: Path) -> None:
    """Remove the private folder with Ctrl-C and SIGTERM held back until it is gone."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # not the main thread, or no POSIX signals
        previous = None
    try:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _os_reason(exc: OSError, folder: Path) -> str:
    """Why writing failed, in words about the user's folder rather than riskbook's temporary file."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write in folder {folder} (it is not writable)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"the disk holding {folder} is full (or the file is larger than allowed); nothing was written"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    return f"cannot write in folder {folder}: {exc.strerror or exc}"


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones, not the private folder's."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@functools.lru_cache(maxsize=4096)
def _midnight(day: dt.date) -> dt.datetime:
    """The date as xlsxwriter takes it; registers repeat a few thousand dates over many rows."""
    return dt.datetime.combine(day, dt.time())


def _formula_body(formula: str, expand_future_functions: bool = False) -> str:
    return formula[1:] if formula.startswith("=") else formula


class SheetWriter:
    """Writes to one xlsxwriter worksheet, checking every return code."""

    def __init__(self, book: Book, sheet):
        from riskbook.xlsx.streamed import stream_rows_fast  # imports xlsxwriter

        self.book = book
        self.sheet = sheet
        self.name = sheet.get_name()
        self.streamed = bool(sheet.constant_memory)
        # xlsxwriter runs some 30 regular expressions over every formula to rewrite Excel 365's
        # dynamic-array functions; riskbook writes none of them (a test holds it to a fixed list
        # of classic functions), and for 100,000 rows those passes were a third of the write time.
        sheet._prepare_formula = _formula_body
        if self.streamed:
            stream_rows_fast(sheet)
        # The undecorated writers behind write_string and the others: the decorator only converts
        # "A1" references, which riskbook never passes (a test holds them to these names).
        self._write_string, self._write_number = sheet._write_string, sheet._write_number
        self._write_formula, self._write_datetime = sheet._write_formula, sheet._write_datetime
        self._write_blank = sheet._write_blank

    def text(self, row: int, col: int, value: Any, fmt=None) -> None:
        fmt = fmt if fmt is not None else self.book.plain  # Arial, as every other cell: one typeface
        text = safe_text(value, CELL)
        if len(text) > EXCEL_CELL_LIMIT:
            raise OutputError(f"internal: a cell of {self.name} would exceed {EXCEL_CELL_LIMIT:,} characters")
        if not text:
            code = self._write_blank(row, col, None, fmt)
        elif text.startswith("<r>") and text.endswith("</r>") and not self.streamed:
            code = self._write_as_runs(row, col, text, fmt)
        else:
            code = self._write_string(row, col, text, fmt)
        if code:
            self._fail(code, row, col)

    def _write_as_runs(self, row: int, col: int, text: str, fmt) -> int:
        """xlsxwriter's shared-string table writes a string that starts with <r> and ends with </r> as
        raw rich-text XML ("<r>x</r>" would read back empty). Written as runs of plain text in the
        cell's own font instead, each escaped, the cell reads back exactly as typed."""
        # xlsxwriter wants three pieces or more, and escapes "_x0041_"-like text both in a piece and
        # again in the whole rich string: a piece starts at each "_", so none holds such a sequence.
        pieces = [text[0], text[1], *(piece for piece in re.split("(?=_)", text[2:]) if piece)]
        if fmt is None:
            return self.sheet.write_rich_string(row, col, *pieces)
        return self.sheet.write_rich_string(row, col, *(part for piece in pieces for part in (fmt, piece)), fmt)

    def number(self, row: int, col: int, value: float | None, fmt=None) -> None:
        if value is None:
            code = self._write_blank(row, col, None, fmt)
        else:
            code = self._write_number(row, col, value, fmt)
        if code:
            self._fail(code, row, col)

    def formula(self, row: int, col: int, formula: str, value: Any, fmt=None) -> None:
        """A formula with its computed value stored, for viewers that do not recalculate.

        Its text literals (the scheme's labels) pass the same gate as the cells they are compared with."""
        if isinstance(value, str):
            value = safe_text(value, CELL)
        self._check(self._write_formula(row, col, safe_text(formula, CELL), fmt, value), row, col)

    def date(self, row: int, col: int, value: dt.date, fmt) -> None:
        self._check(self._write_datetime(row, col, _midnight(value), fmt), row, col)

    def value(self, row: int, col: int, value: Any) -> None:
        """A value read from a register, as its own kind: text, a number, a true/false, a date (with
        any time of day), a time or a duration; a date shown as dd/mm/yyyy, as the register would."""
        if isinstance(value, str):
            self.text(row, col, value)
        elif isinstance(value, bool):
            self._check(self.sheet.write_boolean(row, col, value), row, col)
        elif isinstance(value, int | float):
            self.number(row, col, value)
        elif isinstance(value, dt.date | dt.time | dt.timedelta):
            fmt = None if isinstance(value, dt.date) else self.book.fmt(type(value).__name__)
            self._check(self._write_datetime(row, col, value, fmt), row, col)
        else:
            raise OutputError(f"internal: {self.name} row {row + 1} column {col + 1} holds a {type(value).__name__}")

    def url(self, row: int, col: int, target: str, text: str, fmt=None) -> None:
        self._check(self.sheet.write_url(row, col, target, fmt, safe_text(text, CELL)), row, col)

    def title(self, title: str, description: str) -> None:
        """A1 holds the sheet's title, A2 says what the sheet holds, each on the one line the page has
        for it: a longer one (a long report title or meeting) ends "…" here, and is whole on the Cover's
        table; spilling past the page's edge, it would print a page of its own."""
        self.text(0, 0, fitted_line(title, TITLE_LINE_CHARS), self.book.fmt("title"))
        self.text(1, 0, fitted_line(description, DESCRIPTION_LINE_CHARS), self.book.fmt("description"))

    def _check(self, code: int, row: int, col: int) -> None:
        if code:
            self._fail(code, row, col)

    def _fail(self, code: int, row: int, col: int) -> None:
        raise OutputError(
            f"internal: writing {self.name} row {row + 1} column {col + 1} failed (xlsxwriter code {code})"
        )

    def setup_print(
        self,
        header_rows: tuple[int, int] | None,
        landscape: bool = True,
        scale: int | None = None,
        margins: tuple[float, float, float] = (0.5, 0.9, 0.8),
    ) -> None:
        """A4, the marking in header and footer. With scale, print at that scale (a sheet designed
        for the page); without, fit to one page wide. margins: side, top and bottom, in inches."""
        page = self.book.page
        if page is None:
            raise OutputError(f"internal: {self.name} is set up for print in a book without a page setup")
        sheet = self.sheet
        sheet.set_paper(9)  # A4
        if landscape:
            sheet.set_landscape()
        if scale is None:
            sheet.fit_to_pages(1, 0)
        else:
            sheet.set_print_scale(scale)
        side, top, bottom = margins
        sheet.set_margins(left=side, right=side, top=top, bottom=bottom)
        if header_rows is not None:
            sheet.repeat_rows(*header_rows)
        for text, setter in ((page.header(), sheet.set_header), (page.footer(self.name), sheet.set_footer)):
            if header_length(text) > EXCEL_HEADER_FOOTER_LIMIT:  # xlsxwriter would drop it with a warning
                raise OutputError(f"internal: the page header or footer of {self.name} is too long")
            setter(text, {"margin": 0.3})


class Book:
    """An xlsxwriter workbook with the panel's formats."""

    def __init__(self, path: Path, page: PageSetup | None = None, scheme=None, ticker: Ticker | None = None):
        """path should be atomic_path's: xlsxwriter's own temporary files go in the same private folder.

        Without page and scheme (a plain copy of a register's values) the book has no band formats
        and its sheets cannot be set up for print."""
        self.path = Path(path)
        self.page = page
        self.scheme = scheme
        self.workbook = _workbook_class()(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "dd/mm/yyyy",
                "tmpdir": str(self.path.parent),
            },
        )
        self._formats: dict[str, Any] = {}
        self._define_formats()
        self.plain = self.fmt("plain")
        self.ticker = ticker or Ticker(None, 0)  # rows and cards written, for a progress bar

    def add_sheet(self, name: str, stream: bool = False) -> SheetWriter:
        """A new sheet. A streamed sheet goes to disk row by row, keeping memory flat for very
        large registers; its strings are stored inline, and it can carry filters but no Excel
        table (xlsxwriter's constant-memory mode, chosen per sheet)."""
        self.ticker.step(f"Writing {name}")
        self.workbook.constant_memory = stream
        try:
            return SheetWriter(self, self.workbook.add_worksheet(safe_text(name, SHEET_NAME)))
        finally:
            self.workbook.constant_memory = False

    def fmt(self, name: str):
        return self._formats[name]

    def add_format(self, name: str, props: dict[str, Any]):
        if isinstance(props.get("num_format"), str):  # a number format can quote a band's name
            props = {**props, "num_format": safe_text(props["num_format"], CELL)}
        self._formats[name] = self.workbook.add_format({"font_name": "Arial", "font_size": 10, **props})
        return self._formats[name]

    def _define_formats(self) -> None:
        self.add_format("plain", {})
        self.add_format("title", {"bold": True, "font_size": 14})
        self.add_format("description", {"italic": False, "font_color": "#404040"})
        self.add_format(
            "header",
            {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "bg_color": "#1F3864",
                "font_color": "#FFFFFF",
                "border": 1,
            },
        )
        self.add_format("cell", {"text_wrap": True, "valign": "top", "border": 1})
        self.add_format("centre", {"text_wrap": True, "valign": "top", "align": "center", "border": 1})
        self.add_format("number", {"valign": "top", "align": "center", "border": 1})
        self.add_format("date", {"valign": "top", "align": "center", "border": 1, "num_format": "dd/mm/yyyy"})
        self.add_format("month", {"valign": "top", "align": "center", "border": 1, "num_format": "mmm yyyy"})
        self.add_format("label", {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#F2F2F2"})
        self.add_format("link", {"font_color": "#0B4F9C", "underline": 1})
        self.add_format("bold", {"bold": True})
        self._formats["time"] = self.workbook.add_format({"num_format": "hh:mm:ss"})
        self._formats["timedelta"] = self.workbook.add_format({"num_format": "[h]:mm:ss"})
        for band in self.scheme.bands if self.scheme is not None else ():
            self.add_format(
                f"band:{band.name}",
                {
                    "bg_color": band.fill,
                    "font_color": band.font,
                    "bold": True,
                    "align": "center",
                    "valign": "top",
                    "border": 1,
                },
            )
            # Conditional formats take only fill and font properties.
            self._formats[f"cf:{band.name}"] = self.workbook.add_format(
                {"bg_color": band.fill, "font_color": band.font}
            )

    def properties(
        self, title: str, subject: str, company: str, created, author: str = "riskbook", keywords: str = ""
    ) -> None:
        """The document properties (a PDF printed from the workbook carries title, subject, author, keywords)."""
        import datetime as dt

        self.workbook.set_properties(
            {
                "title": safe_text(title, PROPERTY),
                "subject": safe_text(subject, PROPERTY),
                "company": safe_text(company, PROPERTY),
                "author": safe_text(author, PROPERTY),
                "keywords": safe_text(keywords, PROPERTY),
                "created": dt.datetime.combine(created, dt.time(9, 0)),
                "comments": "Written by riskbook; every count is derived from the register's rows.",
            }
        )

    def close(self) -> None:
        self.ticker.step("Saving the workbook")  # xlsxwriter assembles and compresses every part now
        try:
            self.workbook.close()
        except BaseException as exc:
            _discard_half_written_zips(exc)
            if os_error_in(exc) is not None or not isinstance(exc, Exception):
                raise  # atomic_path says it in words about the output's folder
            raise OutputError(f"cannot write the workbook: {exc}") from exc


# zlib's level 2 compresses the parts about three times faster than xlsxwriter's default level 6,
# for a file about 15 % larger (level 1 is hardly faster and 4 % larger again): a panel goes by email.
ZIP_LEVEL = 2


@functools.cache
def _workbook_class() -> type:
    """xlsxwriter's Workbook, packaging its zip file at ZIP_LEVEL.

    xlsxwriter has no option for the level: its _store_workbook makes the zip file with the ZipFile
    its module imports. The subclass runs that same code with its own ZipFile, so nothing of
    xlsxwriter's changes for anyone else in the process. If xlsxwriter stops naming ZipFile there,
    it is xlsxwriter's own (level 6), and test_the_workbook_parts_are_compressed_at_riskbook_zip_level fails.
    """
    import xlsxwriter.workbook

    store = xlsxwriter.workbook.Workbook._store_workbook
    if "ZipFile" not in store.__code__.co_names:
        return xlsxwriter.workbook.Workbook
    names = {**store.__globals__, "ZipFile": functools.partial(zipfile.ZipFile, compresslevel=ZIP_LEVEL)}
    at_our_level = types.FunctionType(store.__code__, names, store.__name__, store.__defaults__, store.__closure__)
    return type("Workbook", (xlsxwriter.workbook.Workbook,), {"_store_workbook": at_our_level})


def os_error_in(exc: BaseException) -> OSError | None:
    """The system's error behind a failed write: xlsxwriter wraps it in its FileCreateError, and
    lxml (under openpyxl) names it in a SerialisationError such as "IO_EFBIG"."""
    for candidate in (exc, *exc.args, exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError):
            return candidate
        text = str(candidate) if type(candidate).__name__ == "SerialisationError" else ""
        code = getattr(errno, text[3:], None) if text.startswith("IO_E") else None
        if isinstance(code, int):
            return OSError(code, os.strerror(code))
    return None


def _discard_half_written_zips(exc: BaseException) -> None:
    """A zip file or XML stream left open by a failed write would try to finish itself when
    collected, fail again on the full disk and print 'Exception ignored in: ZipFile.__del__'.
    Close zip files without finishing them, then let the rest be collected now, quietly: the
    temporary folder they write in is removed anyway, and the one line says what happened."""
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                with contextlib.suppress(OSError):
                    value.fp.close()
                value.fp = None
        tb = tb.tb_next
    traceback.clear_frames(exc.__traceback__)
    previous, sys.unraisablehook = sys.unraisablehook, lambda unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = previous


def split_long_text(text: str, chars_per_line: int, max_lines: int) -> list[str]:
    """Text cut into pieces that each fit a row (and a cell), breaking at line ends or spaces."""
    limit = min(EXCEL_CELL_LIMIT, chars_per_line * max_lines)
    if len(text) <= limit and "\n" not in text:  # one line that fits: most of a register's cells
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    lines_used = 0
    for line in _fit_lines(text, limit):
        cost = max(1, -(-len(line) // chars_per_line))
        size = sum(len(p) + 1 for p in current) + len(line)
        if current and (lines_used + cost > max_lines or size > limit):
            pieces.append("\n".join(current))
            current, lines_used = [], 0
        current.append(line)
        lines_used += cost
    if current or not pieces:
        pieces.append("\n".join(current))
    return pieces


def _fit_lines(text: str, limit: int) -> Iterator[str]:
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            yield line[:cut]
            line = line[cut:].lstrip(" ")
        yield line


def text_height(text: str, chars_per_line: int) -> float:
    """Points a wrapped cell needs to show all its text."""
    if "\n" in text:
        lines = sum(max(1, -(-len(line) // chars_per_line)) for line in text.split("\n"))
    else:
        lines = max(1, -(-len(text) // chars_per_line))
    return min(MAX_ROW_POINTS, max(LINE_POINTS, lines * LINE_POINTS))


LONGEST_DATE_TEXT = "30 September 2024"  # the headers' date at its longest: a marking beside it fits beside any


def check_marking(marking: str) -> None:
    """The marking's checks (prints as something, fits a header), before any work is done."""
    PageSetup(title="", date_text=LONGEST_DATE_TEXT, marking=marking)
