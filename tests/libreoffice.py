"""LibreOffice as the real client: recalculate a workbook and compare with its stored values."""

from pathlib import Path

import openpyxl

from tests.conftest import convert_with_libreoffice


def formula_cells(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> stored value, for every formula cell of a workbook."""
    with_formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    cells = {}
    for ws in with_formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cells[(ws.title, cell.coordinate)] = stored[ws.title][cell.coordinate].value
    return cells


def recalculation_mismatches(path: Path, outdir: Path, profile: Path) -> list[str]:
    """Formula cells whose stored value differs from LibreOffice's recalculated one."""
    recalculated = convert_with_libreoffice(path, "xlsx:Calc MS Excel 2007 XML", outdir, profile)
    again = openpyxl.load_workbook(recalculated, data_only=True)
    mismatches = []
    for (sheet, coordinate), value in formula_cells(path).items():
        fresh = again[sheet][coordinate].value
        if (fresh if fresh is not None else "") != (value if value is not None else ""):
            mismatches.append(f"{sheet}!{coordinate}: stored {value!r}, LibreOffice {fresh!r}")
    return mismatches
