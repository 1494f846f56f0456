"""Making risks from a grid: find the header, map its columns to fields, parse each row."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from riskbook.check.findings import Finding, make
from riskbook.errors import ReadError
from riskbook.fields import (
    DATE_FIELDS,
    FIELDS,
    LAZY_FIELDS,
    LENIENT_SCALE_FIELDS,
    LENIENT_SCORE_FIELDS,
    SCALE_FIELDS,
    SCORE_FIELDS,
)
from riskbook.limits import EXCEL_CELL_LIMIT, EXCEL_MAX_COLUMNS
from riskbook.model import EMPTY_COLUMN_RISKS, Register, Risk, SheetChoice, cell_name
from riskbook.read import values as v
from riskbook.read.by_content import by_content_notices, columns_by_content, third_factor_notices
from riskbook.read.columns import SKIP, UNSEEN, Long, RowShape, parsed_outcome, read_plain_rows, text_outcome
from riskbook.read.grid_matrix import grid_matrix
from riskbook.read.header import (
    Header,
    check_overrides,
    closest_text,
    find_header,
    hidden_notices,
    near_spelling_notices,
    sheet_is_empty,
    unique_name,
)
from riskbook.read.header_groups import group_notices
from riskbook.read.row_kinds import pass_over
from riskbook.read.sheet_choice import Candidate, best_register
from riskbook.read.values import Invalid
from riskbook.scheme.load import header_key, load_scheme
from riskbook.scheme.types import Scheme
from riskbook.source.grid import Grid, open_grid
from riskbook.source.package import TableFacts
from riskbook.xlsx.scheme_sheet import SCHEME_SHEET, recorded_computed, recorded_scheme


def read_register(
    path: str | os.PathLike[str],
    sheet: str | None = None,
    scheme: Scheme | str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    columns: dict[str, str] | None = None,
    keep_package: bool = True,
) -> Register:
    """Read the register sheet of a file under a scheme (a Scheme, a TOML path, or None: the scheme a
    riskbook template records on its hidden sheet, said in the register's scheme_origin, else the
    shipped default).

    The register carries its scheme, so validating it needs nothing more. columns maps a field to
    the header to read it from, for this read only (the CLI's --column). Raises ReadError with a
    one-line reason; max_bytes bounds what a workbook may inflate to (default 2 GiB). An .xlsx
    register keeps the bytes read (register.package), which the annotated copy edits, unless keep_package
    is False.
    """
    grid = open_grid(path, sheet, max_bytes, keep_package)
    recorded = grid.rows(SCHEME_SHEET)[0] if SCHEME_SHEET in grid.names else []
    origin = ""
    if scheme is None:
        scheme, origin = recorded_scheme(recorded, str(Path(path)))
    elif not isinstance(scheme, Scheme):
        scheme = load_scheme(Path(scheme))
    assert isinstance(scheme, Scheme)
    lookup = _header_lookup(scheme, columns or {})
    register = _parse_register(str(Path(path)), grid, sheet, scheme, lookup, columns or {}, max_bytes)
    computed = register.computed | recorded_computed(register.column_headers, recorded)
    if origin or computed != register.computed:
        register = dataclasses.replace(register, scheme_origin=origin, computed=computed)
    return register


def _header_lookup(scheme: Scheme, columns: dict[str, str]) -> dict[str, str]:
    """Folded header -> field: the scheme's table, with each --column taking its field's place."""
    unknown = [name for name in columns if name not in FIELDS]
    if unknown:
        raise ReadError(f"--column {unknown[0]}: riskbook knows no such field (fields: {', '.join(FIELDS)})")
    lookup = {alias: name for alias, name in scheme.header_lookup.items() if name not in columns}
    lookup.update({header_key(header): name for name, header in columns.items()})
    return lookup


def _parse_register(
    display: str,
    grid: Grid,
    wanted: str | None,
    scheme: Scheme,
    lookup: dict[str, str],
    overrides: dict[str, str],
    max_bytes: int | None,
) -> Register:
    if wanted is not None and wanted not in grid.names:
        raise ReadError(f"{display}: no sheet named {wanted!r} (sheets: {', '.join(grid.names)})")
    names = [wanted] if wanted is not None else [n for n in grid.names if n != SCHEME_SHEET]
    found: list[Candidate] = []
    closest: tuple[int, str, Header, list[list[Any]]] | None = None
    for name in names:
        rows, row0, col0 = grid.rows(name)
        header, best = find_header(rows, lookup)
        if header is not None:
            found.append(Candidate(name, rows, row0, col0, header, header.index, header.fields))
        elif best is not None and (closest is None or len(best.fields) > len(closest[2].fields)):
            closest = (row0, name, best, rows)
    if found:
        chosen = best_register(found)
        check_overrides(display, chosen.name, chosen.row0, chosen.header, overrides)
        source = _Source(
            display,
            chosen.name,
            chosen.rows,
            chosen.row0,
            chosen.col0,
            max_bytes,
            keep_cells=not grid.xlsx_package,
            package=grid.package,
        )
        return _build_register(
            source,
            chosen.header,
            grid.formula_gaps(chosen.name),
            grid.hidden(chosen.name),
            scheme,
            grid.tables(chosen.name),
            tuple(SheetChoice(c.name, c.filled_rows, len(c.fields)) for c in found) if len(found) > 1 else (),
        )
    if all(sheet_is_empty(grid.rows(n)[0]) for n in names):
        raise ReadError(f"{display}: the workbook's sheets are empty")
    for name in names:
        matrix = grid_matrix(*grid.rows(name))
        if matrix is not None:  # and what came closest to a register elsewhere, if anything did
            elsewhere = f"; no sheet has a register header: {closest_text(closest)}" if closest else ""
            raise ReadError(f"{display}: {matrix.describe(name)}{elsewhere}")
    where = f"sheet {wanted!r}" if wanted else "any sheet"
    raise ReadError(f"{display}: no register header found in {where}; {closest_text(closest)}")


def _parser_for(field_name: str, scheme: Scheme) -> Callable[[Any], Any]:
    if field_name in SCALE_FIELDS or field_name in LENIENT_SCALE_FIELDS:
        scale = scheme.impact_scale if field_name.endswith("impact") else scheme.likelihood_scale
        if field_name in SCALE_FIELDS:
            return lambda raw: v.parse_scale(raw, scale)
        return lambda raw: _or_text(v.parse_scale(raw, scale), raw)
    if field_name in LENIENT_SCORE_FIELDS:
        return lambda raw: _or_text(v.parse_score(raw), raw)
    if field_name in SCORE_FIELDS:
        return v.parse_score
    if field_name in DATE_FIELDS:
        return v.parse_date
    if field_name == "control_due":
        return v.parse_dates_in
    return v.clean_text


def _or_text(parsed: Any, raw: Any) -> Any:
    """Inherent and target values are read, not yet checked: one that is not on the scale stays as typed."""
    return v.clean_text(raw) if parsed.__class__ is Invalid else parsed


_TEXT, _PARSED = 0, 1
_NO_SAVED_RESULT = "is a formula with no saved result"


def _kind(name: str) -> int:
    return (
        _PARSED
        if name in SCALE_FIELDS
        or name in SCORE_FIELDS
        or name in DATE_FIELDS
        or name == "control_due"
        or name in LENIENT_SCALE_FIELDS
        or name in LENIENT_SCORE_FIELDS
        else _TEXT
    )


def _read_row(row, sheet_row: int, col0: int, plan, extra_columns, formula_gaps, header_width: int, lazy, lazy_offsets):
    """One data row of a sheet with formula gaps as a Risk, or None for a blank row (_read_plain_row reads
    the rows of other sheets)."""
    row = row[:header_width]  # cells beyond the header's columns belong to no risk
    width = len(row)
    if row.count("") == width:  # an empty row is no risk, whatever formulas Excel left in it
        return None
    if not _has_content(row) and not any((sheet_row, col0 + offset) in formula_gaps for offset, *_ in plan):
        return None
    risk = _new_risk(row, sheet_row, lazy, extra_columns)
    for offset, name, kind, parse, _cache in plan:
        if offset >= width:
            continue
        cell = row[offset]
        if formula_gaps and (sheet_row, col0 + offset) in formula_gaps:
            error = formula_gaps[sheet_row, col0 + offset]
            risk.invalid[name] = (
                Invalid(error, f"is a formula that gives {error} in Excel", "formula-error")
                if error
                else Invalid(cell, _NO_SAVED_RESULT, "formula-without-value")
            )
            continue
        if cell == "":
            continue
        _store(risk, name, text_outcome(cell) if kind == _TEXT else parsed_outcome(cell, parse))
    return None if _numbered_blank_line(row, risk, lazy_offsets) else risk


def _read_plain_row(row, sheet_row: int, text_plan, parsed_plan, extra_columns, header_width: int, lazy, lazy_offsets):
    """_read_row for a sheet without formula gaps (most): the narrative fields are read lazily, and the
    common text cell (no mark, no markup, within a cell's limit: values.clean_text only trims it) is
    taken in a few C calls. tests/test_row_readers.py holds the two readers equal, field by field."""
    if len(row) > header_width:  # cells beyond the header's columns belong to no risk
        row = row[:header_width]
    if not _has_content(row):
        return None
    width = len(row)
    risk = _new_risk(row, sheet_row, lazy, extra_columns)
    values = risk.values
    for offset, name in text_plan:
        if offset >= width:
            continue
        cell = row[offset]
        if cell.__class__ is str:
            if not cell:
                continue
            if cell[0] != "'" and "<" not in cell and "&" not in cell and len(cell) <= EXCEL_CELL_LIMIT:
                cell = cell.strip(v.SPACE)
                if cell:
                    values[name] = cell
                continue
        _store(risk, name, text_outcome(cell))
    for offset, name, outcome, cache in parsed_plan:
        if offset >= width:
            continue
        cell = row[offset]
        if cell == "":
            continue
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        result = cache.get(key, UNSEEN)
        if result is UNSEEN:
            result = cache[key] = outcome(cell)
        if result.__class__ is Invalid:
            risk.invalid[name] = result
        elif result is not SKIP:
            values[name] = result
    return None if _numbered_blank_line(row, risk, lazy_offsets) else risk


def _has_content(row: list[Any]) -> bool:
    """Whether a row holds anything but empty and blank cells."""
    if row.count("") == len(row):
        return False
    for cell in row:
        if cell != "" and (cell.__class__ is not str or cell.strip(v.SPACE)):
            return True
    return False


def _new_risk(row: list[Any], sheet_row: int, lazy, extra_columns) -> Risk:
    return Risk(
        row=sheet_row,
        values={},
        cells=row if lazy or extra_columns else None,
        lazy=lazy,
        extra_columns=extra_columns,
    )


def _store(risk: Risk, name: str, outcome: Any) -> None:
    """Keep what a cell gave its field: a value, an unreadable cell, or text too long for a cell."""
    if outcome.__class__ is Invalid:
        risk.invalid[name] = outcome
    elif outcome.__class__ is Long:
        risk.values[name] = str(outcome)
        risk.long_fields = [*(risk.long_fields or ()), name]
    elif outcome is not SKIP:
        risk.values[name] = outcome


def _numbered_blank_line(row: list[Any], risk: Risk, lazy_offsets: tuple[int, ...]) -> bool:
    """A row with nothing but a reference (a numbered blank line) is not a risk."""
    values = risk.values
    if len(values) >= 2 or risk.invalid or not values.keys() <= {"reference"}:
        return False
    if any(value for value in risk.extras.values()):
        return False
    width = len(row)
    return not any(offset < width and not v.is_blank(row[offset]) for offset in lazy_offsets)


def _risks(rows: list[list[Any]], first: int, row0: int, read: Callable[[list[Any], int], Risk | None]) -> list[Risk]:
    """The risks of the data rows from first on, each read by read(row, sheet row)."""
    return [risk for index in range(first, len(rows)) if (risk := read(rows[index], row0 + index)) is not None]


def _note_long_lazy_fields(risks: list[Risk], lazy: dict[str, int]) -> None:
    """Note the lazily read fields too long for an Excel cell. Few registers have one: the longest of all
    their cells is found in one pass in C, and only if it is too long are the fields looked at one by one."""
    rows = [risk.cells or () for risk in risks]
    offsets = sorted(set(lazy.values()))
    if offsets and min(map(len, rows), default=0) > offsets[-1]:
        every_cell = itertools.chain.from_iterable(map(itemgetter(*offsets, offsets[0]), rows))  # always a tuple
        try:
            if max(map(len, every_cell), default=0) <= EXCEL_CELL_LIMIT:
                return
        except TypeError:  # a number or date among the texts
            pass
    for name, offset in lazy.items():
        for risk, cells in zip(risks, rows, strict=True):
            cell = cells[offset] if offset < len(cells) else ""
            if cell.__class__ is str and len(cell) > EXCEL_CELL_LIMIT and len(risk.get(name)) > EXCEL_CELL_LIMIT:
                risk.long_fields = [*(risk.long_fields or ()), name]


def _free_columns(header: Header) -> list[int]:
    """The offsets of the columns no header names (an unknown header, or none)."""
    return [offset for offset in range(header.width) if header.keys[offset] is None]


def _has_field(risk: Risk, name: str) -> bool:
    return name in risk.values or name in risk.invalid


def _name_by_row(risks: list[Risk]) -> None:
    """A register without references (no column, or an empty one) names each risk by its sheet row
    ("Row 12"); the checks say so once (column-absent, column-empty)."""
    for risk in risks:
        risk.values["reference"] = f"Row {risk.row + 1}"


def _resolve_statuses(risks: list[Risk], scheme: Scheme) -> None:
    from riskbook.scheme.load import resolve_status

    statuses = list(map(dict.get, map(attrgetter("values"), risks), repeat("status")))
    names = {
        status: None if status is None else resolve_status(status, scheme)[0] for status in dict.fromkeys(statuses)
    }
    deque(map(setattr, risks, repeat("status_name"), map(names.__getitem__, statuses)), maxlen=0)  # in C


def _check_header_width(display: str, sheet: str, header_cells: list[Any], header_row: int) -> None:
    """Refuse a header wider than an Excel sheet: no register has one, and each risk would carry every column."""
    if len(header_cells) <= EXCEL_MAX_COLUMNS:
        return
    width = len(header_cells)
    while width > EXCEL_MAX_COLUMNS and v.is_blank(header_cells[width - 1]):
        width -= 1
    if width > EXCEL_MAX_COLUMNS:
        raise ReadError(
            f"{display}: the header in row {header_row + 1} of sheet {sheet!r} has {width:,} columns; "
            f"refusing more than Excel's {EXCEL_MAX_COLUMNS:,}"
        )


@dataclass(slots=True)
class _Source:
    """The sheet a register is read from, as read, and what the register keeps of how it was read."""

    display: str
    sheet: str
    rows: list[list[Any]]
    row0: int
    col0: int
    max_bytes: int | None
    keep_cells: bool  # not an .xlsx package: the annotated copy is written from the cells
    package: bytes | None  # an .xlsx package's bytes as read (unless let go), which the annotated copy edits


def _rating_beside_score(keys: list[str | None]) -> int | None:
    """Of two rating columns, the one that follows the score (the nearest after it) is the score's
    rating: a register that keeps an inherent rating before a residual score (Risk Rating, then Residual
    Risk Score and Residual Risk Rating) rates the current score in the later one. None with one rating."""
    ratings = [offset for offset, key in enumerate(keys) if key == "rag"]
    if len(ratings) < 2 or "score" not in keys:
        return None
    score = keys.index("score")
    after = [offset for offset in ratings if offset > score]
    return after[0] if after else None


def _build_register(
    source: _Source,
    header: Header,
    formula_gaps: dict[tuple[int, int], str | None],
    hidden: tuple[set[int], set[int]],
    scheme: Scheme,
    tables: TableFacts | None = None,
    sheets: tuple[SheetChoice, ...] = (),
) -> Register:
    display, sheet, rows, row0, col0 = source.display, source.sheet, source.rows, source.row0, source.col0
    header_index = header.index
    _check_header_width(display, sheet, rows[header_index], row0 + header_index)
    headers = header.texts
    # a field the scheme names no header for ([columns.score] aliases = []: "not read") is not read by content
    unread = {name for name, spec in (scheme.columns or {}).items() if spec.aliases == ()}
    inferred = [
        found
        for found in (
            *header.by_content,
            *columns_by_content(rows, header.index + 1, _free_columns(header), header.fields, scheme, header.texts),
        )
        if found.field not in unread
    ]
    inferred_at = {found.offset: found.field for found in inferred}
    columns: dict[str, int] = {}
    extra_columns: list[tuple[int, str]] = []  # made a tuple, shared by every risk, once complete
    extra_names: set[str] = set()
    next_number: dict[str, int] = {}
    notices: list[Finding] = []
    by_content_at = {found.offset for found in header.by_content}
    keys = [
        None
        if offset in by_content_at and header.keys[offset] in unread
        else header.keys[offset] or inferred_at.get(offset)
        for offset in range(len(headers))
    ]
    rating = _rating_beside_score(keys)
    for offset, text in enumerate(headers):
        field_name = keys[offset]
        if field_name == "rag" and rating is not None and offset != rating:
            columns.setdefault("rag", rating)  # named first, so the other is said as the duplicate of it
        elif field_name and keys[chosen := header.fields.get(field_name, offset)] == field_name:
            columns.setdefault(field_name, chosen)  # the header's choice of two
        if field_name and field_name not in columns:
            columns[field_name] = offset
        elif field_name and columns[field_name] == offset:
            continue
        elif text:
            if field_name:
                notices.append(
                    make(
                        "duplicate-column",
                        sheet,
                        cell_name(row0 + header_index, col0 + offset),
                        header=text,
                        first=headers[columns[field_name]],
                    )
                )
            extra_columns.append((offset, unique_name(text, extra_names, next_number)))
    if "title" not in columns and "description" in columns:  # the description is all it has to name a risk
        columns["title"] = columns["description"]
    lazy = {name: offset for name, offset in columns.items() if name in LAZY_FIELDS}
    lazy_offsets = tuple(lazy.values())
    header_width = header.width
    if formula_gaps:  # a formula without its value is an eager finding, whatever the column
        lazy = {}
    plan: list[tuple[int, str, int, Callable[[Any], Any], dict[Any, Any]]] = [
        (offset, name, _kind(name), _parser_for(name, scheme), {})
        for name, offset in columns.items()
        if name not in lazy
    ]
    extra_plan = tuple(extra_columns)
    if not formula_gaps:
        text_plan = [(offset, name) for offset, name, kind, *_ in plan if kind == _TEXT]
        parsed_plan = [
            (offset, name, functools.partial(parsed_outcome, parse=parse), cache)
            for offset, name, kind, parse, cache in plan
            if kind == _PARSED
        ]
        read = functools.partial(
            _read_plain_row,
            text_plan=text_plan,
            parsed_plan=parsed_plan,
            extra_columns=extra_plan,
            header_width=header_width,
            lazy=lazy or None,
            lazy_offsets=lazy_offsets,
        )
        shape = RowShape(lazy or None, extra_plan, header_width)
        risks = read_plain_rows(rows, header_index + 1, row0, text_plan, parsed_plan, shape, read)
    else:
        read = functools.partial(
            _read_row,
            col0=col0,
            plan=plan,
            extra_columns=extra_plan,
            formula_gaps=formula_gaps,
            header_width=header_width,
            lazy=None,
            lazy_offsets=lazy_offsets,
        )
        risks = _risks(rows, header_index + 1, row0, read)
    tables = tables or TableFacts()
    header_words = frozenset(scheme.header_lookup) | {header_key(text) for text in headers if text}
    risks, passed_over = pass_over(
        risks, rows, row0, header_index + 1, header_width, columns, header_words, scheme, tables.totals_rows
    )
    named_by_row = "reference" not in columns or (
        len(risks) >= EMPTY_COLUMN_RISKS and not any(_has_field(risk, "reference") for risk in risks)
    )
    if named_by_row:
        _name_by_row(risks)
    if lazy:
        _note_long_lazy_fields(risks, lazy)
    _resolve_statuses(risks, scheme)
    sheet_columns = {name: col0 + offset for name, offset in columns.items()}
    sheet_extras = [(col0 + offset, text) for offset, text in extra_columns]
    header_row = row0 + header_index
    extra_cols = {col for col, _ in sheet_extras}
    reference_by_row = {risk.row: risk.reference for risk in risks} if formula_gaps else {}
    for r, c in sorted(formula_gaps):
        if c in extra_cols and r in reference_by_row and formula_gaps[r, c] is None:
            field = headers[c - col0] or "the cell"
            row = rows[r - row0]
            value = v.shown_value(row[c - col0] if c - col0 < len(row) else "")
            notices.append(
                make(
                    "formula-without-value",
                    sheet,
                    cell_name(r, c),
                    reference_by_row[r],
                    r,
                    field=field,
                    value=value,
                    reason=_NO_SAVED_RESULT,
                )
            )
    notices.extend(by_content_notices(inferred, sheet, header_row, col0, headers))
    notices.extend(near_spelling_notices(header, sheet, header_row, col0))
    free = [offset for offset in _free_columns(header) if offset not in columns.values()]
    notices.extend(third_factor_notices(rows, header.index + 1, header.texts, free, columns, (sheet, header_row, col0)))
    notices.extend(group_notices(header.by_group, columns, sheet, header_row, col0))
    named = {col: name for name, col in sheet_columns.items()} | dict(sheet_extras)
    notices.extend(hidden_notices(sheet, header_row, named, risks, sheet_columns.get("reference", 0), hidden))
    return Register(
        path=display,
        sheet=sheet,
        header_row=header_row,
        columns=sheet_columns,
        headers=headers,
        extra_columns=sheet_extras,
        risks=risks,
        scheme=scheme,
        notices=tuple(notices),
        column_headers={name: headers[offset] for name, offset in columns.items()},
        max_bytes=source.max_bytes,
        sheet_cells=(rows, row0, col0) if source.keep_cells else None,
        package=source.package,
        named_by_row=named_by_row,
        sheets=sheets,
        passed_over=passed_over,
        by_content={found.field: found.why for found in inferred if found.field},
        computed=frozenset(name for name, col in sheet_columns.items() if col in tables.computed_cols),
        first_col=col0,
        heading=_heading(rows[:header_index]),
    )


HEADING_CELLS = 40  # enough for a title block; a register's date line is among its first cells


def _heading(rows: list[list[Any]]) -> tuple[Any, ...]:
    """The non-empty cells above the header row, in reading order: where a register states its date."""
    cells = [value for row in rows for value in row if not v.is_blank(value)]
    return tuple(cells[:HEADING_CELLS])
