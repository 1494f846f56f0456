"""The scheme a template was written under, carried inside it on a very hidden sheet.

The sheet holds the scheme file's text, a line a row in column A, under a first row that says
what it is; column B names the Register's computed columns (LibreOffice drops a table's
calculated-column formulas on save, so the table alone cannot say which they are). Excel and LibreOffice keep a hidden sheet through a save (a custom property would
be cut at 255 characters, and custom XML parts are dropped by LibreOffice).
"""

from __future__ import annotations

from typing import Any

from riskbook.errors import ReadError, SchemeError

SCHEME_SHEET = "riskbook scheme"
_MARK = "riskbook scheme file (TOML), one line a row; riskbook reads the register under it when no --scheme is given"
MAX_SCHEME_LINES = 20_000


_COMPUTED = "Computed columns of the Register"


def write_scheme_sheet(book, scheme, computed: list[str]) -> None:
    """Add the very hidden sheet holding scheme's TOML text and the headers of the computed columns."""
    sheet = book.add_sheet(SCHEME_SHEET)
    sheet.text(0, 0, _MARK)
    for row, line in enumerate(scheme.toml.splitlines(), start=1):
        if line:
            sheet.text(row, 0, line)
    sheet.text(0, 1, _COMPUTED)
    for row, header in enumerate(computed, start=1):
        sheet.text(row, 1, header)
    sheet.sheet.very_hidden()


def computed_headers(rows: list[list[Any]]) -> frozenset[str]:
    """The headers of the Register's computed columns, as a scheme sheet records them."""
    if not rows or len(rows[0]) < 2 or rows[0][1] != _COMPUTED:
        return frozenset()
    return frozenset(str(row[1]) for row in rows[1:MAX_SCHEME_LINES] if len(row) > 1 and row[1] != "")


def scheme_text(rows: list[list[Any]]) -> str | None:
    """The TOML text on a scheme sheet's rows, or None when they are not riskbook's scheme sheet."""
    if not rows or not rows[0] or rows[0][0] != _MARK:
        return None
    if len(rows) > MAX_SCHEME_LINES:
        raise ReadError(f"the {SCHEME_SHEET!r} sheet has {len(rows):,} rows; a scheme file is far shorter")
    text = "\n".join(str(row[0]) if row and row[0] != "" else "" for row in rows[1:]).rstrip("\n") + "\n"
    return text if text.strip() else None


def embedded_scheme(rows: list[list[Any]], display: str):
    """The scheme recorded in a workbook (rows of its scheme sheet), or None; refused in one line if broken."""
    from riskbook.scheme.load import scheme_from_text

    text = scheme_text(rows)
    if text is None:
        return None
    try:
        return scheme_from_text(text, f"recorded in {display}")
    except SchemeError as exc:
        raise ReadError(f"{exc}; pass --scheme to read the register under a scheme file") from None


def recorded_scheme(rows: list[list[Any]], display: str):
    """The scheme a template records on its hidden sheet (rows), and "the workbook"; else the default and ""."""
    from riskbook.scheme.load import load_scheme

    found = embedded_scheme(rows, display) if rows else None
    return (found, "the workbook") if found is not None else (load_scheme(None), "")


def recorded_computed(column_headers: dict[str, str], rows: list[list[Any]]) -> frozenset[str]:
    """The fields whose header the hidden sheet names as computed (LibreOffice drops the table's own mark)."""
    headers = computed_headers(rows) if rows else frozenset()
    return frozenset(name for name, header in column_headers.items() if header in headers)
