"""The one A1 column arithmetic, held to what Excel (and openpyxl, and xlsxwriter) call each column."""

from openpyxl.utils import get_column_letter
from xlsxwriter.utility import xl_col_to_name

from riskbook.limits import EXCEL_MAX_COLUMNS, FAR_BEYOND_EXCEL, column_letters, column_number
from riskbook.model import cell_name
from riskbook.xlsx.sheet_edit import split_cell


def test_every_excel_column_has_the_letters_other_writers_give_it_and_reads_back():
    for number in range(1, EXCEL_MAX_COLUMNS + 1):
        letters = get_column_letter(number)
        assert column_letters(number) == letters == xl_col_to_name(number - 1)
        assert column_number(letters) == column_number(letters.lower()) == column_number(letters.encode()) == number


def test_named_columns_and_cells():
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16_384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert cell_name(13, 8) == "I14"
    assert split_cell("XFD1048576") == (1_048_576, 16_384)


def test_column_letters_far_past_excel_are_bounded_not_read_in_full():
    assert column_number(b"A" * 5_000) == FAR_BEYOND_EXCEL
    assert column_number("") == 0
