"""Safe writing with xlsxwriter: text stays text, nothing is cut, output lands atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskbook.errors import OutputError
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.perf import Ticker

# Excel's tallest row is 409 points; text taller than that is continued in the next row.
MAX_ROW_POINTS = 409
LINE_POINTS = 13


@dataclass(frozen=True)
class PageSetup:
    """What every sheet carries when printed."""

    title: str
    date_text: str
    marking: str


def _header_text(text: str) -> str:
    # '&' starts a control code in Excel headers and footers.
    return text.replace("&", "&&")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside target, renamed over it only when the block succeeds."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _formula_body(formula: str, expand_future_functions: bool = False) -> str:
    return formula[1:] if formula.startswith("=") else formula


class SheetWriter:
    """Writes to one xlsxwriter worksheet, checking every return code."""

    def __init__(self, book: Book, sheet):
        self.book = book
        self.sheet = sheet
        self.name = sheet.get_name()
        self.streamed = bool(sheet.constant_memory)
        # xlsxwriter runs some 30 regular expressions over every formula to rewrite Excel 365's
        # dynamic-array functions; riskbook writes none of them (a test holds it to a fixed list
        # of classic functions), and for 100,000 rows those passes were a third of the write time.
        sheet._prepare_formula = _formula_body

    def text(self, row: int, col: int, value: Any, fmt=None) -> None:
        text = "" if value is None else str(value)
        if len(text) > EXCEL_CELL_LIMIT:
            raise OutputError(f"internal: a cell of {self.name} would exceed {EXCEL_CELL_LIMIT:,} characters")
        if text == "":
            self._check(self.sheet.write_blank(row, col, None, fmt), row, col)
        else:
            self._check(self.sheet.write_string(row, col, text, fmt), row, col)

    def number(self, row: int, col: int, value: float | None, fmt=None) -> None:
        if value is None:
            self._check(self.sheet.write_blank(row, col, None, fmt), row, col)
        else:
            self._check(self.sheet.write_number(row, col, value, fmt), row, col)

    def formula(self, row: int, col: int, formula: str, value: Any, fmt=None) -> None:
        """A formula with its computed value stored, for viewers that do not recalculate."""
        self._check(self.sheet.write_formula(row, col, formula, fmt, value), row, col)

    def date(self, row: int, col: int, value, fmt) -> None:
        import datetime as dt

        self._check(self.sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt), row, col)

    def url(self, row: int, col: int, target: str, text: str, fmt=None) -> None:
        self._check(self.sheet.write_url(row, col, target, fmt, text), row, col)

    def title(self, title: str, description: str) -> None:
        """A1 holds the sheet's title, A2 says what the sheet holds."""
        self.text(0, 0, title, self.book.fmt("title"))
        self.text(1, 0, description, self.book.fmt("description"))

    def _check(self, code: int, row: int, col: int) -> None:
        if code not in (0, None):
            raise OutputError(
                f"internal: writing {self.name} row {row + 1} column {col + 1} failed (xlsxwriter code {code})"
            )

    def setup_print(self, header_rows: tuple[int, int] | None, landscape: bool = True) -> None:
        page = self.book.page
        sheet = self.sheet
        sheet.set_paper(9)  # A4
        if landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.5, right=0.5, top=0.9, bottom=0.8)
        if header_rows is not None:
            sheet.repeat_rows(*header_rows)
        marking = _header_text(page.marking)
        sheet.set_header(
            f'&L{_header_text(page.title)}&C&"-,Bold"{marking}&R{_header_text(page.date_text)}', {"margin": 0.3}
        )
        sheet.set_footer(f'&L{_header_text(self.name)}&C&"-,Bold"{marking}&RPage &P of &N', {"margin": 0.3})


class Book:
    """An xlsxwriter workbook with the panel's formats."""

    def __init__(self, path: Path, page: PageSetup, scheme, ticker: Ticker | None = None):
        import xlsxwriter

        self.page = page
        self.scheme = scheme
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "dd/mm/yyyy",
            },
        )
        self._formats: dict[str, Any] = {}
        self._define_formats()
        self.ticker = ticker or Ticker(None, 0)  # rows and cards written, for a progress bar

    def add_sheet(self, name: str, stream: bool = False) -> SheetWriter:
        """A new sheet. A streamed sheet goes to disk row by row, keeping memory flat for very
        large registers; its strings are stored inline, and it can carry filters but no Excel
        table (xlsxwriter's constant-memory mode, chosen per sheet)."""
        self.ticker.step(f"Writing {name}")
        self.workbook.constant_memory = stream
        try:
            return SheetWriter(self, self.workbook.add_worksheet(name))
        finally:
            self.workbook.constant_memory = False

    def fmt(self, name: str):
        return self._formats[name]

    def add_format(self, name: str, props: dict[str, Any]):
        self._formats[name] = self.workbook.add_format({"font_name": "Arial", "font_size": 10, **props})
        return self._formats[name]

    def _define_formats(self) -> None:
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
        for band in self.scheme.bands:
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

    def properties(self, title: str, subject: str, company: str, created) -> None:
        import datetime as dt

        self.workbook.set_properties(
            {
                "title": title,
                "subject": subject,
                "company": company,
                "author": "riskbook",
                "created": dt.datetime.combine(created, dt.time(9, 0)),
                "comments": "Written by riskbook; every count is derived from the register's rows.",
            }
        )

    def close(self) -> None:
        self.ticker.step("Saving the workbook")  # xlsxwriter assembles and compresses every part now
        try:
            self.workbook.close()
        except Exception as exc:  # xlsxwriter raises its own classes for file errors
            raise OutputError(f"cannot write the workbook: {exc}") from exc


def split_long_text(text: str, chars_per_line: int, max_lines: int) -> list[str]:
    """Text cut into pieces that each fit a row (and a cell), breaking at line ends or spaces."""
    pieces: list[str] = []
    current: list[str] = []
    lines_used = 0
    limit = min(EXCEL_CELL_LIMIT, chars_per_line * max_lines)
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
    lines = sum(max(1, -(-len(line) // chars_per_line)) for line in text.split("\n"))
    return min(MAX_ROW_POINTS, max(LINE_POINTS, lines * LINE_POINTS))
