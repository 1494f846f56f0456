"""Baseline: python-calamine reading every cell of the register sheet, nothing more."""

import sys

import python_calamine

workbook = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = workbook.get_sheet_by_name("Register").to_python()
print(sum(len(row) for row in rows), "cells")
