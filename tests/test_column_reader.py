"""The plain rows of a sheet are read column by column (riskbook.read.columns); every risk must be the one
the row reader makes of its row, field by field, and every finding the same."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
import xlsxwriter

from riskbook import read_register, validate
from riskbook.fields import FIELD_LABELS
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.read import rows as rows_module
from tests.helpers import AS_OF

FIELDS = [
    "reference",
    "owner",
    "title",
    "impact",
    "likelihood",
    "status",
    "first_recorded",
    "last_review",
    "score",
    "previous_score",
    "rag",
    "proposal",
    "information",
    "category",
    "inherent_impact",
    "inherent_score",
]
DAY = dt.date(2023, 11, 30)
# Cells of every kind the readers treat apart: blank, spaces, Excel's text mark, markup and entities,
# numbers (1, 1.0 and True are equal in Python), dates, values off the scale, words that are no date.
ODD = ["", "   ", "'", "'Marked", "<p>Para</p>", "Tom &amp; Jerry", " x ", "\u00a0nbsp\u00a0", 1, 1.0, True, 0, DAY]
POOLS: dict[str, list] = {
    "reference": ["STR0001", "STR0001", " STR0002", "bad ref", 17.0],
    "owner": ["Finance", "Fleet &amp; Estates", "'Chief", "  ", "<b>HR</b>"],
    "title": ["Budget", "Fleet", "Budget"],
    "impact": ["Very High", "High", "Medium", "Low", 3, 4.0, "9", "Huge", " High "],
    "likelihood": ["High", "Low", 2, 2.0, "x", "'Medium"],
    "status": ["Controls Tasked", "controls  tasked", "Tolerated", "Wibble", "Treated"],
    "first_recorded": [DAY, dt.date(2020, 1, 1), "Jan 2026", "not a date", "01/01/2020", dt.datetime(2021, 5, 1, 9)],
    "last_review": [DAY, dt.date(2024, 1, 15), "Jan 2024", "31/02/2024", "15/01/2024"],
    "score": [12, 12.0, 16, "12", "twelve", "Medium", 99, -1],
    "previous_score": [12, 9.0, "", "x"],
    "rag": ["Red", "Amber", "Green", "Purple", " Red "],
    "proposal": ["Archive", "New", "Maybe"],
    "information": ["Words", "<p>Hello &amp; welcome</p>", "'text"],
    "category": ["Finance", "'Ops", "&lt;none&gt;"],
    "inherent_impact": ["Very High", "Odd", 4],
    "inherent_score": [16, "x", 4.0],
}


def _rows(seed: int, count: int = 300) -> list[list]:
    """Mostly plain risks (the column reader's case), each with a cell or two drawn from the pools or the odd
    cells, and now and then a blank row, a row holding only a reference, or a cell past the header."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        row = {name: rng.choice(POOLS[name][:3]) for name in FIELDS}
        row["reference"] = f"STR{number:04d}"
        for name in rng.sample(FIELDS, rng.choice([0, 0, 1, 1, 2, 3])):
            row[name] = rng.choice(POOLS[name] + ODD)
        kind = rng.random()
        if kind < 0.03:
            row = dict.fromkeys(FIELDS, "")
        elif kind < 0.06:
            row = {**dict.fromkeys(FIELDS, ""), "reference": f"STR9{number:03d}"}
        elif kind < 0.09:
            row = {**dict.fromkeys(FIELDS, ""), "reference": f"STR8{number:03d}", "title": "Only a title"}
        rows.append([row[name] for name in FIELDS] + [rng.choice(["", "note", 5])])
    return rows


def _write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("Register")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, [FIELD_LABELS[name] for name in FIELDS] + ["Notes"])
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, dt.date):
                sheet.write_datetime(r, c, cell, date_format)
            elif isinstance(cell, bool):
                sheet.write_boolean(r, c, cell)
            elif isinstance(cell, int | float):
                sheet.write_number(r, c, cell)
            elif cell != "":
                sheet.write_string(r, c, cell)
    sheet.write_string(len(rows) + 1, 0, "")  # nothing past the last row
    workbook.close()
    return path


def _write_csv(path: Path, rows: list[list], rng: random.Random) -> Path:
    """A CSV with every row as wide as the header (the column reader's case), one text longer than a cell."""
    rows = [[f"{c:%d/%m/%Y}" if isinstance(c, dt.date) else c for c in row] for row in rows]
    rows[rng.randrange(len(rows))][FIELDS.index("owner")] = "o" * (EXCEL_CELL_LIMIT + 5)
    rows[rng.randrange(len(rows))][FIELDS.index("information")] = "i" * (EXCEL_CELL_LIMIT + 5)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([FIELD_LABELS[name] for name in FIELDS] + ["Notes"])
        writer.writerows(rows)
    return path


def _row_by_row(rows, first, row0, text_plan, parsed_plan, shape, read_row):
    return [risk for index, row in enumerate(rows[first:]) if (risk := read_row(row, row0 + first + index)) is not None]


def _everything(risk) -> dict:
    return {
        "row": risk.row,
        "values": list(risk.values.items()),  # in the order read
        "get": {name: risk.get(name) for name in FIELDS},
        "has": {name: risk.has(name) for name in FIELDS},
        "invalid": list(risk.invalid.items()),
        "status_name": risk.status_name,
        "long_fields": risk.long_fields,
        "extras": risk.extras,
        "cells": risk.cells,
        "lazy": risk.lazy,
        "extra_columns": risk.extra_columns,
    }


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_column_reader_makes_every_risk_the_row_reader_makes(tmp_path, monkeypatch, seed, kind):
    rows = _rows(seed)
    if kind == "xlsx":
        path = _write_xlsx(tmp_path / "register.xlsx", rows)
    else:
        path = _write_csv(tmp_path / "register.csv", rows, random.Random(seed))
    by_columns = read_register(path)
    monkeypatch.setattr(rows_module, "read_plain_rows", _row_by_row)
    by_rows = read_register(path)
    assert len(by_columns.risks) == len(by_rows.risks) > 250
    for fast, exact in zip(by_columns.risks, by_rows.risks, strict=True):
        assert _everything(fast) == _everything(exact)
    assert by_columns.passed_over == by_rows.passed_over
    assert by_columns.notices == by_rows.notices
    fast_report, exact_report = validate(by_columns, as_of=AS_OF), validate(by_rows, as_of=AS_OF)
    assert [f.as_dict() for f in fast_report.findings] == [f.as_dict() for f in exact_report.findings]
    assert len(set(fast_report.codes())) >= 8  # faulty enough to mean something
    if kind == "csv":
        assert "text-too-long" in fast_report.codes()
