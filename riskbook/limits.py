"""The limits of the xlsx format that every part of riskbook respects, named once."""

EXCEL_CELL_LIMIT = 32_767  # characters in one cell
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_HEADER_FOOTER_LIMIT = 255  # characters in a page header or footer, codes included


def column_letters(number: int) -> str:
    """The letters of a 1-based column number, as Excel names it: 1 is A, 16,384 is XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
