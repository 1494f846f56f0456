"""Baseline: reading every cell of the register, nothing more.

A workbook is read with python-calamine (the register sheet, to Python values); a .csv file as
riskbook reads one (decoded whole, then Python's csv reader).
"""

import csv
import io
import sys

path = sys.argv[1]
if path.lower().endswith(".csv"):
    with open(path, "rb") as fh:
        rows = list(csv.reader(io.StringIO(fh.read().decode("utf-8-sig"), newline="")))
else:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(path)
    rows = workbook.get_sheet_by_name("Register").to_python()
print(sum(len(row) for row in rows), "cells")
