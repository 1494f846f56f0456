"""The scheme a template was written under, carried inside it on a very hidden sheet.

The sheet holds the scheme file's text, a line a row in column A, under a first row that says
what it is. Excel and LibreOffice keep a hidden sheet through a save (a custom property would
be cut at 255 characters, and custom XML parts are dropped by LibreOffice).
"""

from __future__ import annotations

from typing import Any

from riskbook.errors import ReadError, SchemeError

SCHEME_SHEET = "riskbook scheme"
_MARK = "riskbook scheme file (TOML), one line a row; riskbook reads the register under it when no --scheme is given"
MAX_SCHEME_LINES = 20_000


def write_scheme_sheet(book, scheme) -> None:
    """Add the very hidden sheet holding scheme's TOML text (nothing when the scheme has no text)."""
    if not scheme.toml:
        return
    sheet = book.add_sheet(SCHEME_SHEET)
    sheet.text(0, 0, _MARK)
    for row, line in enumerate(scheme.toml.splitlines(), start=1):
        if line:
            sheet.text(row, 0, line)
    sheet.sheet.very_hidden()


def scheme_text(rows: list[list[Any]]) -> str | None:
    """The TOML text on a scheme sheet's rows, or None when they are not riskbook's scheme sheet."""
    if not rows or not rows[0] or rows[0][0] != _MARK:
        return None
    if len(rows) > MAX_SCHEME_LINES:
        raise ReadError(f"the {SCHEME_SHEET!r} sheet has {len(rows):,} rows; a scheme file is far shorter")
    return "\n".join(str(row[0]) if row and row[0] != "" else "" for row in rows[1:]) + "\n"


def embedded_scheme(rows: list[list[Any]], display: str):
    """The scheme recorded in a workbook (rows of its scheme sheet), or None; refused in one line if broken."""
    from riskbook.scheme import load_scheme_text

    text = scheme_text(rows)
    if text is None:
        return None
    try:
        return load_scheme_text(text, f"recorded in {display}")
    except SchemeError as exc:
        raise ReadError(f"{exc}; pass --scheme to read the register under a scheme file") from None
