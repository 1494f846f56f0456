"""riskbook/xlsx/streamed.py writes a streamed sheet's rows in place of xlsxwriter's private row writer.

These tests hold its XML byte-identical to xlsxwriter's own for every kind of cell and text riskbook
writes: a new xlsxwriter that writes cells differently, or renames what the writer relies on, fails here.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
import xlsxwriter

from riskbook.xlsx.streamed import stream_rows_fast

TEXTS = [
    "plain",
    " leading space",
    "trailing space ",
    "ends with a line\n",
    "\nstarts with a line",
    "windows\r\nline ends",
    "carriage\rreturn",
    "\ttab first",
    "tab last\t",
    "inner\ttab",
    "inner\nline",
    "snake_case_name",
    "_x0041_ looks like an escape",
    "_X00a1_ and _x12G4_ and _x123_",
    "ampersand & angle <brackets> \"quotes\" 'apostrophes'",
    "non-ASCII: é · → – ✓ 😀",
    "\u00a0no-break space first",
    "no-break space last\u00a0",
    "line separator\u2028",
    "\x85next line first",
    "U+FFFE \ufffe and U+FFFF \uffff",
    "controls \x01 \x08 \x0b \x0c \x1b \x1f",
    "x",
    " ",
    "long " * 2_000,
]


FORMULAS = [
    ('=IF(K{row}>=12,"High",IF(K{row}>=6,"Medium","Low"))', "High"),
    ("=SUM(A1:A{row})", 10),
    ("=FILTER(A1:A{row},B1:B{row}>2)", 0),  # Excel 365: xlsxwriter writes it as a dynamic array
    ("=_xlfn.XLOOKUP(1,A1:A{row},B1:B{row})", "x"),
    ("{=SUM(A1:A{row}*B1:B{row})}", 4),  # an array formula
    ("=LEN(A{row})&SORT(B1:B2)", ""),
    ('=COUNTIF(B1:B{row},"<r>")', 0),
]


DATES = [
    dt.datetime(2024, 1, 16),
    dt.datetime(2024, 1, 16),  # again: the short cut's remembered serial
    dt.datetime(1900, 2, 28, 13, 30),
    dt.datetime(1900, 3, 1),
    dt.date(2023, 12, 31),
    dt.time(9, 30),
    dt.timedelta(days=3, hours=2),
]


def _sheet_xml(path, fast: bool, fill) -> bytes:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Streamed")
    if fast:
        assert stream_rows_fast(sheet) is True
    fill(workbook, sheet)
    workbook.close()
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml")


def _assert_same_as_xlsxwriter(tmp_path, fill, their_fill=None) -> None:
    theirs = _sheet_xml(tmp_path / "theirs.xlsx", False, their_fill or fill)
    ours = _sheet_xml(tmp_path / "ours.xlsx", True, fill)
    assert ours == theirs


def test_streamed_strings_are_written_byte_for_byte_as_xlsxwriter_writes_them(tmp_path):
    def fill(workbook, sheet):
        wrapped = workbook.add_format({"text_wrap": True, "border": 1})
        for row, text in enumerate(TEXTS):
            sheet.write_string(row, 0, text, wrapped)
            sheet.write_string(row, 2, text)  # no format
            sheet.set_row(row, 30)

    _assert_same_as_xlsxwriter(tmp_path, fill)


def test_streamed_numbers_dates_formulas_and_blanks_are_written_as_xlsxwriter_writes_them(tmp_path):
    numbers = [0, 1, -7, 12, 0.1, 1 / 3, 1e20, 123456789012345678, -0.0, 2.5e-9]
    results = [12, 1.5, "High", "", "#N/A", "#DIV/0!", True, False, "a & <b>", None]

    def fill(workbook, sheet):
        centre = workbook.add_format({"align": "center"})
        date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for row, (number, result) in enumerate(zip(numbers, results, strict=True)):
            assert sheet.write_number(row, 0, number, centre) == 0  # a streamed sheet refuses rows already written
            assert sheet.write_number(row, 1, number) == 0
            assert sheet.write_datetime(row, 2, dt.datetime(1900 + row * 20, 2, 28, 13, 30), date) == 0
            assert sheet.write_formula(row, 3, '=IF(A1>=12,"High & <top>","Low")', centre, result) == 0
        row = len(numbers)
        sheet.write_formula(row, 4, "=SUM(A1:A2)")  # no format, default result
        sheet.write_blank(row, 5, None, centre)
        sheet.write_blank(row, 6, None)  # not written at all
        sheet.write_boolean(row, 7, True, centre)  # not a kind riskbook writes: xlsxwriter's own code, in place
        sheet.write_rich_string(row, 8, "plain ", workbook.add_format({"bold": True}), "bold", centre)
        sheet.write_url(row, 9, "internal:'Sheet 1'!A1", centre, "a link")
        sheet.write_string(row, 10, "after them", centre)

    _assert_same_as_xlsxwriter(tmp_path, fill)


def test_streamed_rows_keep_xlsxwriter_row_and_column_formats_heights_and_gaps(tmp_path):
    def fill(workbook, sheet):
        grey = workbook.add_format({"bg_color": "#F2F2F2"})
        bold = workbook.add_format({"bold": True})
        sheet.set_column(1, 1, 20, grey)
        sheet.set_row(0, 22)
        sheet.write_string(0, 0, "title", bold)
        sheet.write_string(1, 1, "in a column with a format")
        sheet.write_number(1, 3, 5)
        sheet.set_row(3, 40, bold)  # a row with a format and no cells
        sheet.set_row(5, 12, bold)
        sheet.write_string(5, 0, "in a row with a format")
        sheet.write_string(5, 1, "row format wins over the column's")
        assert sheet.write_string(9, 2, "after a gap") == 0
        assert sheet.write_string(9, 0, "columns written out of order", bold) == 0
        sheet.set_row(9, 50)
        sheet.write_string(12, 0, "a row after a gap")
        sheet.set_default_row(24)  # rows after this one take the new default height
        sheet.write_string(13, 0, "after a new default height")
        sheet.set_row(14, 30)
        sheet.write_string(14, 0, "a set height after a new default")
        sheet.write_string(15, 0, "the last row, at the default, written at close")

    _assert_same_as_xlsxwriter(tmp_path, fill)


@pytest.mark.slow
def test_leading_or_trailing_whitespace_is_judged_as_xlsxwriter_judges_it():
    """xlsxwriter asks its regular expressions ^\\s and \\s$; the fast writer asks str.isspace of the ends."""
    from xlsxwriter.utility import RE_LEADING_WHITESPACE, RE_TRAILING_WHITESPACE

    differ = [
        code
        for code in range(0x110000)
        if bool(RE_LEADING_WHITESPACE.search(chr(code))) != chr(code).isspace()
        or bool(RE_TRAILING_WHITESPACE.search(chr(code))) != chr(code).isspace()
    ]
    assert differ == []


@pytest.mark.parametrize("text", ["<r>x</r>", "<r><t>not bold</t></r>", "<r>_x0041_ and _x005F_</r>"])
@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "shared-strings"])
def test_text_that_looks_like_rich_text_xml_stays_text(tmp_path, text, stream):
    """xlsxwriter pastes a string that starts "<r>" and ends "</r>" into the file as XML (the streamed
    sheet's inline strings and the shared-string table alike): Excel would show "" or "not bold" for
    the register's text, or call the file corrupt."""
    from python_calamine import CalamineWorkbook

    from riskbook.xlsx.writer import Book, PageSetup

    class Scheme:
        bands = ()

    book = Book(tmp_path / "out.xlsx", PageSetup("Title", "16 January 2024", "OFFICIAL"), Scheme())
    sheet = book.add_sheet("Appendix A", stream=stream)
    sheet.text(0, 0, text, book.fmt("cell"))
    sheet.text(1, 0, text)
    book.close()
    read = CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name("Appendix A").to_python()
    assert [row[0] for row in read] == [text, text]
    if "_x" not in text:  # openpyxl leaves "_x0041_" escapes as written (LibreOffice reads them as calamine does)
        cells = openpyxl.load_workbook(tmp_path / "out.xlsx")["Appendix A"]
        assert (cells["A1"].value, cells["A2"].value) == (text, text)


def test_a_sheet_that_is_not_streamed_keeps_xlsxwriter_own_writer(tmp_path):
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    sheet = workbook.add_worksheet()
    assert stream_rows_fast(sheet) is False
    assert "_write_single_row" not in vars(sheet)
    workbook.close()


def test_riskbook_calls_xlsxwriter_undecorated_cell_writers_that_still_do_the_public_ones_work():
    """SheetWriter calls _write_string and the others directly (the public ones only add "A1" parsing):
    a new xlsxwriter that renames them or stops delegating to them fails here."""
    import inspect

    from xlsxwriter.worksheet import Worksheet

    for public, private, arguments in (
        ("write_string", "_write_string", "row, col, string, cell_format"),
        ("write_number", "_write_number", "row, col, number, cell_format"),
        ("write_blank", "_write_blank", "row, col, blank, cell_format"),
        ("write_formula", "_write_formula", "row, col, formula, cell_format, value"),
        ("write_datetime", "_write_datetime", "row, col, date, cell_format"),
    ):
        assert f"return self.{private}({arguments})" in inspect.getsource(getattr(Worksheet, public))
        assert list(inspect.signature(getattr(Worksheet, private)).parameters)[:3] == ["self", "row", "col"]


def test_the_workbook_parts_are_compressed_at_riskbook_zip_level(tmp_path):
    """Book.close has xlsxwriter compress at ZIP_LEVEL (fast); a new xlsxwriter that builds its zip file
    another way fails here rather than quietly going back to the slower default."""
    import zlib

    from riskbook.xlsx.writer import ZIP_LEVEL, Book, PageSetup

    class Scheme:
        bands = ()

    book = Book(tmp_path / "out.xlsx", PageSetup("Title", "16 January 2024", "OFFICIAL"), Scheme())
    sheet = book.add_sheet("Appendix A", stream=True)
    for row in range(2_000):
        sheet.text(row, 0, f"Risk {row}: supplier failure in the {row % 7}th quarter", book.fmt("cell"))
    book.close()
    with zipfile.ZipFile(tmp_path / "out.xlsx") as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
        data = package.read(info)
    squeeze = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    assert info.compress_size == len(squeeze.compress(data) + squeeze.flush())
    default = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # what xlsxwriter would use
    assert info.compress_size != len(default.compress(data) + default.flush())  # so the sheet tells them apart


def test_the_row_properties_the_fast_writer_tells_rows_apart_by_are_all_xlsxwriter_has():
    """Rows with the same properties share one row tag (after r="n"); a property xlsxwriter adds would be missed."""
    import dataclasses

    from xlsxwriter.worksheet import RowInfo

    assert [f.name for f in dataclasses.fields(RowInfo)] == ["height", "row_format", "hidden", "level", "collapsed"]
