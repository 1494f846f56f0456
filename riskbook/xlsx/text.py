"""The one gate for text leaving riskbook: every string written to a workbook or a terminal passes here.

`safe_text(text, place)` makes text safe for the place it is going, without cutting it:

- in a workbook (cells, notes, table columns, sheet names, headers and footers, document
  properties) a character XML 1.0 forbids (C0 controls other than tab, newline and carriage
  return; U+FFFE, U+FFFF; lone surrogates) would make the part not well-formed, so it is shown
  visibly: a C0 control as its Unicode control picture (BEL, U+0007, becomes ␇, U+2407), the
  others as U+FFFD. Nothing is dropped and the length is unchanged.
- on a terminal every control character (C0 but tab, DEL, C1) and the bidirectional overrides
  are printed as visible escapes (`\\x1b`, `\\x9b`, `\\u202e`), so text from a register cannot
  move the cursor, erase lines, set the window title or reorder what is shown.

Text is always written as text by the writer (xlsxwriter with strings_to_formulas off); this gate only guards the characters and Excel's limits.
"""

from __future__ import annotations

import re

from riskbook.errors import OutputError

CELL = "cell"  # a cell's value, a note (comment), a data-validation message
TABLE_COLUMN = "table-column"  # an Excel table's column name (its header cell holds the same text)
SHEET_NAME = "sheet-name"
HEADER_FOOTER = "header-footer"  # one section of a page header or footer; '&' starts a code there
PROPERTY = "property"  # a document property (title, subject, company)
TERMINAL = "terminal"  # text printed for a person
PLACES = (CELL, TABLE_COLUMN, SHEET_NAME, HEADER_FOOTER, PROPERTY, TERMINAL)

EXCEL_SHEET_NAME_LIMIT = 31
EXCEL_TABLE_COLUMN_LIMIT = 255
ELLIPSIS = "…"

# Characters XML 1.0 does not allow in a document, even escaped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_PICTURES = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
_XML_PICTURES.update({0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})
_XML_PICTURES.update({c: "\ufffd" for c in range(0xD800, 0xE000)})

# What a terminal would act on: C0 but tab, DEL, C1, and the bidirectional controls.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_text(text: object, place: str = CELL) -> str:
    """text made safe for place (one of PLACES), never cut: see the module's docstring."""
    text = "" if text is None else str(text)
    if place == TERMINAL:
        return _TERMINAL_CONTROL.sub(_terminal_escape, text) if _TERMINAL_CONTROL.search(text) else text
    if _XML_FORBIDDEN.search(text):
        text = text.translate(_XML_PICTURES)
    if place == CELL or place == PROPERTY:
        return text
    if place == TABLE_COLUMN:
        return _table_column(text)
    if place == SHEET_NAME:
        return _sheet_name(text)
    if place == HEADER_FOOTER:
        return text.replace("&", "&&")  # '&' starts a control code in a header or footer
    raise ValueError(f"unknown place {place!r}")


def _terminal_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _table_column(text: str) -> str:
    """A table column's name is an XML attribute: a line break there would be read back as a
    space and no longer match its header cell, so whitespace runs become one space."""
    text = " ".join(text.split())
    if not text:
        raise OutputError("internal: an Excel table column needs a name")
    if len(text) > EXCEL_TABLE_COLUMN_LIMIT:
        raise OutputError(f"internal: a table column name is longer than Excel's {EXCEL_TABLE_COLUMN_LIMIT} characters")
    return text


def table_columns(headers: list[str]) -> list[str]:
    """Column names for one Excel table: each made safe, and no two the same ignoring case (Excel's rule)."""
    names = [safe_text(h, TABLE_COLUMN) for h in headers]
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise OutputError(f"internal: two columns of one Excel table are both named {name!r}")
        seen.add(name.casefold())
    return names


def _sheet_name(text: str) -> str:
    """Excel's rules for a sheet name: 1–31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe. A longer name is shortened with an ellipsis (a sheet name is
    a label, not data; the data itself is never cut)."""
    text = _SHEET_NAME_FORBIDDEN.sub("_", " ".join(text.split())).strip("'")
    if len(text) > EXCEL_SHEET_NAME_LIMIT:
        text = text[: EXCEL_SHEET_NAME_LIMIT - 1].rstrip("'") + ELLIPSIS
    return text or "Sheet"


def header_length(text: str) -> int:
    """Length as Excel counts a header or footer: UTF-16 code units, codes included."""
    return len(text.encode("utf-16-le")) // 2
