"""The limits of the xlsx format that every part of riskbook respects, named once, and its column names."""

import functools

EXCEL_CELL_LIMIT = 32_767  # characters in one cell
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_HEADER_FOOTER_LIMIT = 255  # characters in a page header or footer, codes included


# Column numbers are read up to this: past it a sheet is refused whatever the number, and
# Python will not turn text of thousands of digits into an int (nor print such a number).
FAR_BEYOND_EXCEL = 10**15


@functools.lru_cache(maxsize=EXCEL_MAX_COLUMNS)
def column_letters(number: int) -> str:
    """The letters of a 1-based column number, as Excel names it: 1 is A, 16,384 is XFD.

    The one A1 column arithmetic in riskbook (with column_number); each name is worked out once.
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    """The 1-based number of a column's letters, either case ("XFD" is 16,384), no greater than
    FAR_BEYOND_EXCEL; 0 for no letters."""
    codes = letters.upper().encode("ascii", "replace") if isinstance(letters, str) else letters.upper()
    number = 0
    for code in codes:
        number = number * 26 + code - 64
        if number > FAR_BEYOND_EXCEL:
            return FAR_BEYOND_EXCEL
    return number
