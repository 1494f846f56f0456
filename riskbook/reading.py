"""Making risks from a grid: find the header, map its columns to fields, parse each row."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from riskbook import values as v
from riskbook.errors import ReadError
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import (
    DATE_FIELDS,
    LAZY_FIELDS,
    NARRATIVE_FIELDS,
    SCALE_FIELDS,
    SCORE_FIELDS,
    Finding,
    Register,
    Risk,
    cell_name,
    column_letter,
)
from riskbook.perf import no_cyclic_gc
from riskbook.scheme import Scheme, load_scheme
from riskbook.source.grid import Grid, open_grid
from riskbook.values import Invalid

HEADER_SEARCH_ROWS = 20

# Header aliases, compared after folding: lower case, letters and digits only.
ALIASES: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "riskid", "riskreference", "riskref", "riskno", "risknumber", "id"),
    "title": ("title", "risktitle", "risk", "riskname"),
    "owner": ("owner", "riskowner"),
    "responsible_officer": ("responsibleofficer",),
    "impact": ("impact", "impactscore"),
    "likelihood": ("likelihood", "likelihoodscore", "probability"),
    "status": ("status", "riskstatus"),
    "first_recorded": ("firstrecorded", "daterecorded", "dateraised", "dateidentified"),
    "last_review": ("lastreview", "lastreviewed", "lastreviewdate", "datelastreviewed", "reviewdate"),
    "score": (
        "score",
        "currentscore",
        "currentproposedriskscore",
        "currentproposedscore",
        "currentrating",
        "riskscore",
        "currentriskscore",
    ),
    "previous_score": ("previousscore", "previousrating", "previousriskscore"),
    "rag": ("rag", "ragrating", "ragstatus", "band", "risklevel", "rating"),
    "category": ("category", "riskcategory"),
    "information": ("information", "info", "background"),
    "rationale": ("riskrationale", "rationale"),
    "consequence": ("riskconsequence", "consequence", "consequences"),
    "existing_controls": ("existingcontrols", "existingcontrol"),
    "additional_controls": ("additionalcontrols", "additionalcontrol"),
    "update": ("update", "latestupdate", "progressupdate"),
    "current_status": ("currentstatus",),
    "proposal": ("proposal", "proposalarchivenew", "proposed", "archivenew"),
    "control_due": ("controldue", "controlduedate", "targetdate", "completiondate"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_MIN_HEADER_FIELDS = 3


def field_for_header(text: Any) -> str | None:
    return _ALIAS_TO_FIELD.get(v.fold_header(text)) if isinstance(text, str) else None


def read_register(
    path: str | os.PathLike[str],
    sheet: str | None = None,
    scheme: Scheme | str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
) -> Register:
    """Read the register sheet of a file under a scheme (a Scheme, a TOML path, or the shipped default).

    The register carries its scheme, so validating it needs nothing more. Raises ReadError with
    a one-line reason; max_bytes bounds what a workbook may inflate to (default 2 GiB).
    """
    if not isinstance(scheme, Scheme):
        scheme = load_scheme(scheme)
    grid = open_grid(path, sheet, max_bytes)
    with no_cyclic_gc():
        return _parse_register(str(Path(path)), grid, sheet, scheme)


def _parse_register(display: str, grid: Grid, wanted: str | None, scheme: Scheme) -> Register:
    if wanted is not None:
        if wanted not in grid.names:
            raise ReadError(f"{display}: no sheet named {wanted!r} (sheets: {', '.join(grid.names)})")
        candidates = [wanted]
    else:
        register_like = [n for n in grid.names if n.strip().casefold() == "register"]
        candidates = register_like + [n for n in grid.names if n not in register_like]
    for name in candidates:
        rows, row0, col0 = grid.rows(name)
        header = _find_header(rows)
        if header is not None:
            register = _build_register(display, name, rows, row0, col0, header, grid.formula_gaps(name), scheme)
            register.notices.extend(_hidden_notices(register, *grid.hidden(name)))
            return register
        if wanted is not None:
            break
    if all(_sheet_is_empty(grid.rows(n)[0]) for n in candidates):
        raise ReadError(f"{display}: the workbook's sheets are empty")
    where = f"sheet {wanted!r}" if wanted else "any sheet"
    raise ReadError(
        f"{display}: no register header found in {where} "
        f"(looked in the first {HEADER_SEARCH_ROWS} rows for columns such as Reference, Title, Impact, Likelihood)"
    )


def _hidden_notices(register: Register, rows: set[int], cols: set[int]) -> list[Finding]:
    """Warnings for hidden risk rows and hidden register columns: read, but the owner may not see them."""
    notices = []
    by_row = {risk.row: risk for risk in register.risks}
    for row in sorted(rows & set(by_row)):
        risk = by_row[row]
        notices.append(
            Finding(
                "warning",
                "hidden-row",
                register.sheet,
                register.risk_cell(risk, "reference"),
                risk.reference,
                f"row {row + 1} is hidden; riskbook reads it, but unhide it so that owners and the panel see it",
                row=row,
            )
        )
    named = {col: name for name, col in register.columns.items()} | dict(register.extra_columns)
    for col in sorted(cols & set(named)):
        header = cell_name(register.header_row, col)
        notices.append(
            Finding(
                "warning",
                "hidden-column",
                register.sheet,
                header,
                "",
                f"column {column_letter(col)} is hidden; riskbook reads it, but unhide it so that owners see it",
            )
        )
    return notices


def _sheet_is_empty(rows: list[list[Any]]) -> bool:
    return all(v.is_blank(cell) for row in rows for cell in row)


def _unique_name(text: str, taken: set[str]) -> str:
    """Two columns with one header keep both values: the second is named "Notes (2)"."""
    name, n = text, 2
    while name in taken:
        name, n = f"{text} ({n})", n + 1
    return name


def _find_header(rows: list[list[Any]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {field_for_header(cell) for cell in row} - {None}
        if "reference" in fields and len(fields) >= _MIN_HEADER_FIELDS:
            return index
    return None


def _parser_for(field_name: str, scheme: Scheme) -> Callable[[Any], Any]:
    if field_name in SCALE_FIELDS:
        return lambda raw: v.parse_scale(raw, scheme)
    if field_name in SCORE_FIELDS:
        return v.parse_score
    if field_name in DATE_FIELDS:
        return v.parse_date
    if field_name == "control_due":
        return v.parse_dates_in
    return v.clean_text


_TEXT, _PARSED, _NARRATIVE = 0, 1, 2
_UNSEEN = object()


def _kind(name: str) -> int:
    if name in NARRATIVE_FIELDS:
        return _NARRATIVE
    return (
        _PARSED
        if name in SCALE_FIELDS or name in SCORE_FIELDS or name in DATE_FIELDS or name == "control_due"
        else _TEXT
    )


def _read_row(row, sheet_row: int, col0: int, plan, extra_columns, formula_gaps) -> Risk | None:
    """One data row as a Risk, or None for a blank row. The hot loop of reading: kept lean."""
    width = len(row)
    if row.count("") == width:
        return None
    for cell in row:
        if cell != "" and (cell.__class__ is not str or cell.strip(v.SPACE)):
            break
    else:
        if not formula_gaps or not any((sheet_row, col0 + offset) in formula_gaps for offset, *_ in plan):
            return None
    values: dict[str, Any] = {}
    risk = Risk(row=sheet_row, values=values)
    for offset, name, kind, parse, cache in plan:
        if offset >= width:
            continue
        cell = row[offset]
        if formula_gaps and (sheet_row, col0 + offset) in formula_gaps:
            error = formula_gaps[sheet_row, col0 + offset]
            risk.invalid[name] = (
                Invalid(error, f"is a formula that gives {error} in Excel", "formula-error")
                if error
                else Invalid(cell, "is a formula with no saved result", "formula-without-value")
            )
            continue
        if cell == "":
            continue
        if kind == _NARRATIVE:
            # Kept as typed; Risk.get makes it plain (trimmed, HTML to text) when it is read.
            values[name] = cell
            if cell.__class__ is str and len(cell) > EXCEL_CELL_LIMIT:
                risk.long_fields = [*(risk.long_fields or ()), name]
            continue
        if cell.__class__ is str:
            if cell[0] == "'":  # Excel's "keep as text" mark, spelt out by some exports
                cell = cell[1:]
            cell = cell.strip(v.SPACE)
            if not cell:
                continue
            if kind == _TEXT:
                if "<" in cell or "&" in cell:
                    cell = v.html_to_text(cell).strip(v.SPACE)
                    if not cell:
                        continue
                if len(cell) > EXCEL_CELL_LIMIT:
                    risk.long_fields = [*(risk.long_fields or ()), name]
                values[name] = cell
                continue
        elif kind == _TEXT:
            values[name] = v.clean_text(cell)
            continue
        # Registers repeat their values (four labels, five statuses, a few hundred dates):
        # each distinct value is parsed once per column.
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        result = cache.get(key, _UNSEEN)
        if result is _UNSEEN:
            result = cache[key] = parse(cell)
        if result.__class__ is Invalid:
            risk.invalid[name] = result
        else:
            values[name] = result
    if extra_columns:
        risk.extras = {
            text: v.clean_text(v.drop_text_mark(row[offset])) if offset < width else ""
            for offset, text in extra_columns
        }
    return risk


def _attach_lazy_fields(risks: list[Risk], lazy: dict[str, int], rows, row0: int) -> None:
    """Let each risk read its narrative from its own row when asked; note any too long for a cell."""
    for risk in risks:
        risk.cells = rows[risk.row - row0]
        risk.lazy = lazy
    for name, offset in lazy.items():
        for risk in risks:
            cell = risk.cells[offset] if offset < len(risk.cells) else ""
            if cell.__class__ is str and len(cell) > EXCEL_CELL_LIMIT and len(risk.get(name)) > EXCEL_CELL_LIMIT:
                risk.long_fields = [*(risk.long_fields or ()), name]


def _resolve_statuses(risks: list[Risk], scheme: Scheme) -> None:
    from riskbook.scheme import resolve_status

    for risk in risks:
        status = risk.values.get("status")
        if status is not None:
            risk.status_name = resolve_status(status, scheme)[0]


def _build_register(
    display: str,
    sheet: str,
    rows: list[list[Any]],
    row0: int,
    col0: int,
    header_index: int,
    formula_gaps: dict[tuple[int, int], str | None],
    scheme: Scheme,
) -> Register:
    header_cells = rows[header_index]
    headers = [v.clean_text(cell) for cell in header_cells]
    columns: dict[str, int] = {}
    extra_columns: list[tuple[int, str]] = []
    notices: list[Finding] = []
    for offset, text in enumerate(headers):
        field_name = field_for_header(text)
        if field_name and field_name not in columns:
            columns[field_name] = offset
        elif text:
            if field_name:
                notices.append(
                    Finding(
                        "warning",
                        "duplicate-column",
                        sheet,
                        cell_name(row0 + header_index, col0 + offset),
                        "",
                        f"column {text!r} repeats {headers[columns[field_name]]!r}; "
                        "riskbook reads the first and keeps this one as an extra column",
                    )
                )
            extra_columns.append((offset, _unique_name(text, {name for _, name in extra_columns})))
    lazy = {name: offset for name, offset in columns.items() if name in LAZY_FIELDS}
    if formula_gaps:  # a formula without its value is an eager finding, whatever the column
        lazy = {}
    plan = [
        (offset, name, _kind(name), _parser_for(name, scheme), {})
        for name, offset in columns.items()
        if name not in lazy
    ]
    risks = [
        risk
        for index in range(header_index + 1, len(rows))
        if (risk := _read_row(rows[index], row0 + index, col0, plan, extra_columns, formula_gaps)) is not None
    ]
    if lazy:
        _attach_lazy_fields(risks, lazy, rows, row0)
    _resolve_statuses(risks, scheme)
    register = Register(
        path=display,
        sheet=sheet,
        header_row=row0 + header_index,
        columns={name: col0 + offset for name, offset in columns.items()},
        headers=headers,
        extra_columns=[(col0 + offset, text) for offset, text in extra_columns],
        risks=risks,
        notices=notices,
    )
    extra_cols = {col for col, _ in register.extra_columns}
    reference_by_row = {risk.row: risk.reference for risk in risks}
    for r, c in sorted(formula_gaps):
        if c in extra_cols and r in reference_by_row and formula_gaps[r, c] is None:
            notices.append(
                Finding(
                    "error",
                    "formula-without-value",
                    sheet,
                    cell_name(r, c),
                    reference_by_row.get(r, ""),
                    f"{register.headers[c - col0] or 'the cell'} is a formula with no saved result; "
                    "open and save the file in Excel (or LibreOffice) so its value is stored",
                    row=r,
                )
            )
    return register
