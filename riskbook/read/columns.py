"""A sheet's rows read column by column: what each cell gives its field, and the plain rows' risks made in C.

Most rows of a large register are plain: every known cell is ordinary text or a value met before. Those
are read a column at a time (each text column trimmed in one C call, each parsed column parsed once per
distinct value) and their risks made without a Python loop per row. Any other row (a cell to clean, an
unreadable value, a row with fewer than two values) is read by the exact row reader, rows._read_plain_row;
tests/test_row_readers.py holds the two ways equal on every row.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any, NamedTuple

from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import Risk
from riskbook.read import values as v
from riskbook.read.values import Invalid

SKIP = object()  # a cell that gives its field no value: blank once trimmed
UNSEEN = object()


class Long(str):
    """Text too long for an Excel cell: the risk notes the field."""


def text_outcome(cell: Any) -> Any:
    """A non-empty text field's cell as both readers keep it: the text, SKIP, or a Long text."""
    text = v.clean_text(cell)
    if not text:
        return SKIP
    return Long(text) if len(text) > EXCEL_CELL_LIMIT else text


def parsed_outcome(cell: Any, parse: Callable[[Any], Any]) -> Any:
    """A non-empty parsed field's cell as the row readers read it: the value, an Invalid, or SKIP."""
    if cell.__class__ is str:
        if cell[0] == "'":
            cell = cell[1:]
        cell = cell.strip(v.SPACE)
        if not cell:
            return SKIP
    return parse(cell)


_GAP = object()  # no value for the field in this row
_EXACT = object()  # a cell the row reader must read (an Invalid, a Long text)
_NUMBERS = frozenset({int, float, bool})  # equal across their types (1 == 1.0 == True): a parse cache keys them apart


def read_plain_rows(
    rows: list[list[Any]],
    first: int,
    row0: int,
    text_plan: Sequence[tuple[int, str]],
    parsed_plan: Sequence[tuple[int, str, Callable[[Any], Any], dict[Any, Any]]],
    shape: RowShape,
    read_row: Callable[[list[Any], int], Risk | None],
) -> list[Risk]:
    """The risks of rows[first:] (sheet row row0 + index), each as read_row (rows._read_plain_row with these
    plans and this shape) reads it; the plain rows are read column by column."""
    data = rows[first:]
    offsets = [offset for offset, _ in text_plan] + [offset for offset, *_ in parsed_plan]
    if len(offsets) < 2 or not data or min(map(len, data)) <= max(offsets):
        # a ragged grid (a CSV) or one known column: row by row
        return [risk for index, row in enumerate(data) if (risk := read_row(row, row0 + first + index)) is not None]
    names = [name for _, name in text_plan] + [name for _, name, *_ in parsed_plan]
    outcomes = [_text_column(list(map(itemgetter(offset), data))) for offset, _ in text_plan]
    outcomes += [
        _parsed_column(list(map(itemgetter(offset), data)), outcome, cache) for offset, _, outcome, cache in parsed_plan
    ]
    count = len(data)
    to_exact: set[int] = set()
    gaps: list[tuple[str, list[int]]] = []  # (field, the rows it has no value in)
    for name, (column, markers) in zip(names, outcomes, strict=True):
        if _EXACT in markers:
            to_exact.update(compress(range(count), map(is_, column, repeat(_EXACT))))
        if _GAP in markers:
            gaps.append((name, list(compress(range(count), map(is_, column, repeat(_GAP))))))
    values = list(map(dict_of(tuple(names)), *(column for column, _ in outcomes)))
    if gaps:
        for (
            name,
            rows_without,
        ) in gaps:  # a field with no value is left out of the row's dict, as the row reader leaves it
            deque(map(dict.__delitem__, map(values.__getitem__, rows_without), repeat(name)), maxlen=0)
        if len(names) - len(gaps) < 2:  # a row may have fewer than two values: maybe no risk (a numbered blank
            # line, a blank row), which the row reader decides
            to_exact.update(index for index, found in enumerate(values) if len(found) < 2)
    first_row = row0 + first
    numbers = range(first_row, first_row + len(data))
    risks: list[Risk | None]
    if shape.lazy or shape.extra_columns:
        width = shape.header_width
        cells = data if max(map(len, data)) <= width else [row[:width] for row in data]
        risks = list(
            map(
                Risk,
                numbers,
                values,
                iter(dict, None),  # a dict of its own for each risk's invalid cells
                repeat(None),
                repeat(None),
                cells,
                repeat(shape.lazy),
                repeat(shape.extra_columns),
            )
        )
    else:  # nothing read later from the row: the other fields as Risk makes them by default
        risks = list(map(Risk, numbers, values))
    if not to_exact:
        return risks  # type: ignore[return-value]  # every row a risk
    for index in to_exact:
        risks[index] = read_row(data[index], first_row + index)
    return [risk for risk in risks if risk is not None]


@functools.lru_cache(maxsize=64)
def dict_of(names: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function of len(names) values giving the dict of names to those values, in order, as
    dict(zip(names, values)) does: a dict display compiled for these keys (as dataclasses compile their
    __init__) makes 100,000 dicts in about 60 % of the time dict(zip()) takes. The names are only ever
    string constants in the code made (their repr), never code."""
    parameters = ", ".join(f"v{index}" for index in range(len(names)))
    display = ", ".join(f"{name!r}: v{index}" for index, name in enumerate(names))
    namespace: dict[str, Any] = {}
    exec(f"def dict_of_values({parameters}):\n    return {{{display}}}\n", namespace)
    return namespace["dict_of_values"]


class RowShape(NamedTuple):
    """What every risk of a sheet shares: its lazily read fields, its unknown columns, its header's width."""

    lazy: dict[str, int] | None
    extra_columns: tuple[tuple[int, str], ...]
    header_width: int


def _text_column(column: list[Any]) -> tuple[list[Any], frozenset[object]]:
    """Each cell of a text column as its field keeps it (the text, _GAP, or _EXACT: too long), and which of
    _GAP and _EXACT it holds."""
    kinds = set(map(type, column))
    if kinds == {str} and max(map(len, column)) <= EXCEL_CELL_LIMIT:
        joined = "".join(column)
        if (  # values.clean_text would only trim each
            "<" not in joined
            and "&" not in joined
            and ("'" not in joined or not any(map(str.startswith, column, repeat("'"))))
        ):
            trimmed = list(map(str.strip, column, repeat(v.SPACE)))
            if "" in trimmed:
                return [text or _GAP for text in trimmed], frozenset({_GAP})
            return trimmed, frozenset()
    return _by_distinct_cell(column, kinds, _text_cell)


def _text_cell(cell: Any) -> Any:
    if cell.__class__ is str:
        if not cell:
            return _GAP
        if cell[0] != "'" and "<" not in cell and "&" not in cell and len(cell) <= EXCEL_CELL_LIMIT:
            return cell.strip(v.SPACE) or _GAP
    outcome = text_outcome(cell)
    if outcome is SKIP:
        return _GAP
    return _EXACT if outcome.__class__ is Long else outcome


def _parsed_column(
    column: list[Any], outcome: Callable[[Any], Any], cache: dict[Any, Any]
) -> tuple[list[Any], frozenset[object]]:
    """Each cell of a parsed column (its value, parsed once per distinct cell through the row reader's own
    cache, so that equal cells share one value as the row reader has them; _GAP; or _EXACT: unreadable),
    and which of _GAP and _EXACT it holds."""

    def parsed(cell: Any) -> Any:
        if cell == "":
            return _GAP
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        result = cache.get(key, UNSEEN)
        if result is UNSEEN:
            result = cache[key] = outcome(cell)
        return _EXACT if result.__class__ is Invalid else _GAP if result is SKIP else result

    return _by_distinct_cell(column, set(map(type, column)), parsed)


def _by_distinct_cell(
    column: list[Any], kinds: set[type], read: Callable[[Any], Any]
) -> tuple[list[Any], frozenset[object]]:
    """read(cell) for each cell, called once per distinct cell."""
    if len(kinds & _NUMBERS) > 1:  # 1 and 1.0 in one column are equal: cells keyed by their type too
        keys = [cell if cell.__class__ is str else (cell.__class__, cell) for cell in column]
        table = {key: read(cell) for key, cell in dict(zip(keys, column, strict=True)).items()}
        return list(map(table.__getitem__, keys)), _markers(table)
    table = {cell: read(cell) for cell in dict.fromkeys(column)}
    return list(map(table.__getitem__, column)), _markers(table)


def _markers(table: dict[Any, Any]) -> frozenset[object]:
    return frozenset(value for value in table.values() if value is _GAP or value is _EXACT)
