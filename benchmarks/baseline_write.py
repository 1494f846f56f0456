"""Baseline: xlsxwriter (constant_memory) writing the register's cells once, plain.

The cells come from a marshal file the runner prepared (loading it is part of the time).
"""

import marshal
import sys

import xlsxwriter

with open(sys.argv[1], "rb") as fh:
    rows = marshal.load(fh)
workbook = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
sheet = workbook.add_worksheet("Register")
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        if isinstance(value, str):
            sheet.write_string(r, c, value)
        elif isinstance(value, int | float):
            sheet.write_number(r, c, value)
workbook.close()
