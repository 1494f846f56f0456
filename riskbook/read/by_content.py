"""Columns read by what they hold where the header does not say: a column of unique short codes as the
reference, the product of the impact and likelihood columns as the score, date columns as the dates.

Each is a guess, and said: the register keeps which fields were read this way (Register.by_content),
`--show-columns` and JSON mark them, and validate gives one column-by-content warning for each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskbook.check.findings import Finding, make
from riskbook.fields import FIELD_LABELS
from riskbook.model import cell_name, column_letter
from riskbook.read import values as v

if TYPE_CHECKING:
    from riskbook.scheme.types import Scheme

SAMPLE_ROWS = 200  # data rows looked at: enough to tell a column's kind, few enough to cost nothing
_AT_LEAST = 3  # filled rows a column needs before its content says anything
_SHARE = 0.9  # of the rows that must be filled, and of the filled cells that must be dates
_PRODUCT_SHARE = 0.8  # of the scores that must be impact × likelihood (a register's errors are the rest)
_CODE_LENGTH = 16
_DATE_FIELDS = ("first_recorded", "last_review")
_ANY_DATE_FIELD = frozenset({"first_recorded", "last_review", "next_review", "control_due"})


@dataclass(frozen=True, slots=True)
class ByContent:
    """A field read from a column by its content, and why."""

    field: str
    offset: int
    why: str


def columns_by_content(
    rows: list[list[Any]], first: int, free: list[int], columns: dict[str, int], scheme: Scheme
) -> list[ByContent]:
    """The fields the free columns (offsets no header names) are read as, by the data rows from first on."""
    scales = {"impact": scheme.impact_scale, "likelihood": scheme.likelihood_scale}

    def scale_value(name: str, cell: Any) -> int | None:
        if v.is_blank(cell):
            return None
        parsed = v.parse_scale(cell.strip(v.SPACE) if isinstance(cell, str) else cell, scales[name])
        return parsed if isinstance(parsed, int) else None

    score_for = scheme.score_for
    sample = [row for row in rows[first : first + SAMPLE_ROWS] if any(not v.is_blank(c) for c in row)]
    if len(sample) < _AT_LEAST or not free:
        return []
    found: list[ByContent] = []
    left = list(free)
    if "reference" not in columns:
        offset = next((o for o in left if _unique_codes(_cells(sample, o))), None)
        if offset is not None:
            found.append(ByContent("reference", offset, "a unique short code on every row"))
            left.remove(offset)
    if "score" not in columns and "impact" in columns and "likelihood" in columns:
        products = [
            score_for(
                scale_value("impact", row[columns["impact"]]), scale_value("likelihood", row[columns["likelihood"]])
            )
            if columns["impact"] < len(row) and columns["likelihood"] < len(row)
            else None
            for row in sample
        ]
        offset = next((o for o in left if _is_product(_column(sample, o), products)), None)
        if offset is not None:
            found.append(ByContent("score", offset, "impact × likelihood on every row"))
            left.remove(offset)
    if not columns.keys() & _ANY_DATE_FIELD:
        dated = [o for o in left if _dates(_cells(sample, o))]
        for name, offset, place in zip(_DATE_FIELDS, dated, ("first", "second"), strict=False):
            found.append(ByContent(name, offset, f"dates, the {place} date column" if len(dated) > 1 else "dates"))
    return found


def by_content_notices(
    found: list[ByContent], sheet: str, header_row: int, col0: int, headers: list[str]
) -> list[Finding]:
    """One column-by-content warning for each column read by its content, on its header cell."""
    return [
        make(
            "column-by-content",
            sheet,
            cell_name(header_row, col0 + item.offset),
            column=column_letter(col0 + item.offset),
            header=repr(headers[item.offset]) if headers[item.offset] else "no header",
            field=FIELD_LABELS[item.field].lower(),
            why=item.why,
            name=item.field,
        )
        for item in found
    ]


def _column(sample: list[list[Any]], offset: int) -> list[Any]:
    return [row[offset] if offset < len(row) else "" for row in sample]


def _cells(sample: list[list[Any]], offset: int) -> list[Any] | None:
    """The column's filled cells, or None when too few rows fill it."""
    cells = [cell for cell in _column(sample, offset) if not v.is_blank(cell)]
    return cells if len(cells) >= max(_AT_LEAST, _SHARE * len(sample)) else None


def _unique_codes(cells: list[Any] | None) -> bool:
    """Codes such as R-01, STR0042 or 7.3a: short, one word, letters and digits, none twice; or 1, 2, 3…"""
    if cells is None:
        return False
    if all(isinstance(c, int | float) and not isinstance(c, bool) and float(c).is_integer() for c in cells):
        numbers = [int(c) for c in cells]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    texts = [c.strip() for c in cells if isinstance(c, str)]
    if len(texts) != len(cells) or len(set(texts)) != len(texts):
        return False
    return all(
        len(t) <= _CODE_LENGTH
        and not any(ch.isspace() for ch in t)
        and any(ch.isdigit() for ch in t)
        and any(ch.isalpha() for ch in t)
        for t in texts
    )


def _is_product(cells: list[Any], products: list[int | None]) -> bool:
    """Whether the column holds the score of the row's impact and likelihood on (nearly) every row."""
    pairs = [(cell, product) for cell, product in zip(cells, products, strict=True) if product is not None]
    numbers = [(v.parse_number(cell), product) for cell, product in pairs if not v.is_blank(cell)]
    if len(numbers) < _AT_LEAST:
        return False
    agree = sum(1 for number, product in numbers if number is not None and number == product)
    return agree >= _PRODUCT_SHARE * len(numbers) and len({product for _, product in numbers}) > 1


def _dates(cells: list[Any] | None) -> bool:
    """Dates on (nearly) every filled row: the sheet's own dates, or text that reads as one."""
    if cells is None:
        return False
    readable = sum(
        1
        for cell in cells
        if isinstance(cell, dt.date) or (isinstance(cell, str) and not isinstance(v.parse_date(cell), v.Invalid))
    )
    return readable >= _SHARE * len(cells)
