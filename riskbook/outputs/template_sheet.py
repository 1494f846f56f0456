"""The template's Register sheet: one Excel table whose calculated columns hold the Score and Next Review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from riskbook.check.rules import assess
from riskbook.errors import OutputError
from riskbook.fields import CHECK_DATE
from riskbook.limits import EXCEL_MAX_COLUMNS
from riskbook.model import Risk, column_letter
from riskbook.outputs.template_columns import TemplateColumn
from riskbook.read.values import PartialDate
from riskbook.scheme.types import Scheme
from riskbook.xlsx.text import CELL, EXCEL_TABLE_COLUMN_LIMIT, TABLE_COLUMN, TERMINAL, safe_text
from riskbook.xlsx.writer import Book, text_height

TABLE = "Risks"  # the register's Excel table: its rows carry the formulas, lists and formats
CHECK_FILL = "#FFEB9C"  # the warning colour of the annotated copy; dark text on it has a contrast over 12:1
CHECK_FONT = "#3F3000"
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
PRINT_SCALE = 90  # Arial 10 prints at 9 pt
# Dropdowns, date checks and colours reach this many rows below the table, for spreadsheet programs
# that do not grow a table as Excel does (LibreOffice). They hold no cell, so nothing blank prints.
ROWS_BELOW = 500
# A4 landscape less 0.5 in side margins, in pixels at 96 dpi, as seen at PRINT_SCALE.
_PAGE_WIDTH_PX = (11.69 - 1.0) * 96 * 100 / PRINT_SCALE


@dataclass(frozen=True)
class Layout:
    """The columns with their table headers, and the formulas of the computed ones."""

    columns: list[TemplateColumn]
    headers: list[str]  # unique ignoring case, as an Excel table needs
    formulas: dict[int, str]  # column index -> calculated column formula

    def index(self, key: str, kind: str | None = None) -> int | None:
        return next(
            (i for i, c in enumerate(self.columns) if c.key == key and c.kind != "extra" and kind in (None, c.kind)),
            None,
        )


def layout(columns: list[TemplateColumn], scheme: Scheme, list_ranges: dict[str, str]) -> Layout:
    headers = _table_headers([c.header for c in columns])
    by_key = {c.key: h for c, h in zip(columns, headers, strict=True) if c.kind not in ("extra", "next_review")}
    formulas = {}
    for i, column in enumerate(columns):
        if column.kind == "score":
            prefix = column.score_set
            formulas[i] = _score_formula(by_key[f"{prefix}impact"], by_key[f"{prefix}likelihood"], list_ranges, scheme)
        elif column.kind == "next_review":
            formulas[i] = _next_review_formula(by_key["last_review"], by_key["score"], scheme)
    return Layout(columns, headers, formulas)


def _table_headers(names: list[str]) -> list[str]:
    """The table's column names, through the text gate: Excel needs them unique (ignoring case), not empty,
    and no longer than EXCEL_TABLE_COLUMN_LIMIT; a longer header of the owner's is refused, not cut."""
    if len(names) > EXCEL_MAX_COLUMNS:
        raise OutputError(
            f"the register has {len(names):,} columns for the template; Excel holds {EXCEL_MAX_COLUMNS:,}"
        )
    seen: set[str] = set()
    headers = []
    for n, name in enumerate(names, start=1):
        name = " ".join(safe_text(name, CELL).split()) or f"Column {n}"  # control characters made visible
        unique, k = name, 2
        while unique.casefold() in seen:
            unique, k = f"{name} ({k})", k + 1
        if len(unique) > EXCEL_TABLE_COLUMN_LIMIT:
            raise OutputError(
                f"the register's column header {safe_text(name[:40], TERMINAL)!r}… is {len(name):,} characters long; "
                f"a column of an Excel table is named in at most {EXCEL_TABLE_COLUMN_LIMIT}: shorten the header"
            )
        seen.add(unique.casefold())
        headers.append(safe_text(unique, TABLE_COLUMN))
    return headers


def _this_row(header: str) -> str:
    """A structured reference to this row's cell in a table column, in the form stored in the file."""
    escaped = "".join(f"'{ch}" if ch in "[]#'" else ch for ch in header)
    return f"{TABLE}[[#This Row],[{escaped}]]"


def _level_formula(cell: str, lookup: str, top: int) -> str:
    """A level as the checks read it: a label on the list (any case), or a whole number on the scale."""
    number = f"VALUE({cell})"
    on_scale = f"IF(AND(MOD({number},1)=0,{number}>=1,{number}<={top}),{number},NA())"
    return f"IFERROR(MATCH(TRIM({cell}),{lookup},0),{on_scale})"


def _score_formula(impact_header: str, likelihood_header: str, list_ranges: dict[str, str], scheme: Scheme) -> str:
    impact, likelihood = _this_row(impact_header), _this_row(likelihood_header)
    impact_level = _level_formula(impact, list_ranges["impact"].lstrip("="), len(scheme.impact_scale.labels))
    likelihood_level = _level_formula(
        likelihood, list_ranges["likelihood"].lstrip("="), len(scheme.likelihood_scale.labels)
    )
    score = (
        f"{impact_level}*{likelihood_level}"
        if "matrix" not in list_ranges
        else f"INDEX({list_ranges['matrix'].lstrip('=')},{impact_level},{likelihood_level})"
    )
    # IFERROR: an impact or likelihood off the scale leaves Score empty (validate names the cell).
    return f'=IFERROR(IF(OR({impact}="",{likelihood}=""),"",{score}),"")'


def _months_formula(score_cell: str, scheme: Scheme) -> str:
    bands = scheme.bands
    formula, months = str(bands[-1].review_months), bands[-1].review_months  # bands run from the top down
    for band in reversed(bands[:-1]):
        if band.review_months != months:  # a band with the interval of the one below needs no test of its own
            formula, months = f"IF({score_cell}>={band.min},{band.review_months},{formula})", band.review_months
    return formula


def _next_review_formula(last_header: str, score_header: str, scheme: Scheme) -> str:
    """Last review plus the band's interval. Last Review holds real dates only (month-only ones are written
    as the month's last day), so anything else there shows Check date."""
    last, score = _this_row(last_header), _this_row(score_header)
    months = _months_formula(score, scheme)
    return f'=IF(OR({last}="",{score}=""),"",IF(ISNUMBER({last}),EDATE({last},{months}),"{CHECK_DATE}"))'


def write_register(sheet, book: Book, scheme: Scheme, risks: list[Risk], plan: Layout, list_ranges) -> None:
    header_fmt = book.fmt("header")
    last_row = len(risks) + 1  # the risks, then one empty row to type the next risk in
    formats = [_column_format(book, column) for column in plan.columns]
    columns = [
        {"header": h, "header_format": header_fmt, "format": f} for h, f in zip(plan.headers, formats, strict=True)
    ]
    for i, formula in plan.formulas.items():
        columns[i]["formula"] = formula
    sheet.sheet.add_table(
        0, 0, last_row, len(plan.headers) - 1, {"name": TABLE, "style": "Table Style Light 1", "columns": columns}
    )
    for offset, risk in enumerate(risks, start=1):
        _write_risk(sheet, book, scheme, offset, risk, plan)
        book.ticker.tick()
    for i, formula in plan.formulas.items():
        sheet.formula(last_row, i, formula, "", formats[i])
    for col, column in enumerate(plan.columns):
        sheet.sheet.set_column(col, col, column.width, formats[col])
        _validate_column(sheet, scheme, col, column, last_row + ROWS_BELOW, list_ranges)
    _register_formatting(sheet, book, scheme, plan, last_row + ROWS_BELOW)
    sheet.sheet.set_row(
        0, max(30, *(text_height(h, int(c.width)) for h, c in zip(plan.headers, plan.columns, strict=True)))
    )
    titles = _print_title_columns(plan)
    sheet.sheet.freeze_panes(1, titles + 1 if titles is not None else 1)
    _setup_print(sheet, titles)


def _print_title_columns(plan: Layout) -> int | None:
    """The last column repeated at the left of every page: up to the reference and title, if they leave room."""
    wanted = [i for i in (plan.index("reference"), plan.index("title"), plan.index("description")) if i is not None]
    for last in sorted(wanted, reverse=True):
        if sum(_column_px(c.width) for c in plan.columns[: last + 1]) <= _PAGE_WIDTH_PX / 2:
            return last
    return None


def _column_px(width: float) -> float:
    return width * 9 + 5  # as LibreOffice prints a column of Arial 10 (Excel's are a little narrower)


def _setup_print(sheet, titles: int | None) -> None:
    """A4 landscape at 90 %, never fitted to the page: columns run on to following pages, each page
    repeating the header row and the reference and title columns; pages go across, then down, so a
    risk's narrative follows the page holding the columns owners fill."""
    # No print area: Excel prints the used range, which is the table however far it grows
    # (a fixed print area would leave out rows typed below it).
    sheet.setup_print((0, 0), scale=PRINT_SCALE)
    if titles is not None:
        sheet.sheet.repeat_columns(0, titles)
    sheet.sheet.print_across()


def _column_format(book: Book, column: TemplateColumn):
    if column.kind in ("date", "next_review"):
        return book.fmt("date")
    if column.kind in ("score", "previous", "number"):
        return book.fmt("number")
    return book.fmt("cell")


def _write_risk(sheet, book: Book, scheme: Scheme, row: int, risk: Risk, plan: Layout) -> None:
    cell, date_fmt, number = book.fmt("cell"), book.fmt("date"), book.fmt("number")
    assessed = assess(risk, scheme)
    for col, column in enumerate(plan.columns):
        key, kind = column.key, column.kind
        if kind == "extra":
            value = risk.extras.get(column.header, "")
            _check_length(risk, column.header, value)
            sheet.text(row, col, value, cell)
            continue
        value = risk.get(key)
        invalid = risk.invalid.get(key)
        if kind == "score":
            score = assessed.score if key == "score" else scheme.score_for(*_set_levels(risk, column.score_set))
            sheet.formula(row, col, plan.formulas[col], score if score is not None else "", number)
        elif kind == "next_review":
            due = assessed.review_due
            sheet.formula(row, col, plan.formulas[col], _excel_serial(due) if due else _unread_due(risk), date_fmt)
        elif invalid is not None or value is None:
            sheet.text(row, col, _text(invalid.raw if invalid else None), cell)  # kept as typed: nothing is lost
        elif kind == "scale":
            label = scheme.impact_label if key.endswith("impact") else scheme.likelihood_label
            sheet.text(row, col, label(value) if isinstance(value, int) else value, cell)
        elif kind == "status":
            sheet.text(row, col, risk.status_name or value, cell)
        elif kind == "date":
            _write_date(sheet, row, col, value, key, date_fmt)
        elif kind == "dates":
            if len(value) == 1:
                _write_date(sheet, row, col, value[0], key, date_fmt)
            else:
                sheet.text(row, col, "\n".join(str(d) for d in value), cell)
        elif kind in ("previous", "number") and isinstance(value, int | float):
            sheet.number(row, col, value, number)
        else:
            _check_length(risk, column.header, value)
            sheet.text(row, col, value, cell)
    texts = [str(risk.get(c.key) or "") for c in plan.columns if c.kind == "text"]
    widths = [int(c.width * 1.3) for c in plan.columns if c.kind == "text"]  # Arial 10 in default-font widths
    tallest = max((text_height(t, w) for t, w in zip(texts, widths, strict=True)), default=15)
    sheet.sheet.set_row(row, tallest)  # the whole narrative shows in print (up to Excel's 409 points)


def _set_levels(risk: Risk, prefix: str) -> tuple[int | None, int | None]:
    impact, likelihood = risk.get(f"{prefix}impact"), risk.get(f"{prefix}likelihood")
    return (impact if isinstance(impact, int) else None, likelihood if isinstance(likelihood, int) else None)


def _unread_due(risk: Risk) -> str:
    """Next Review's stored value with no due date: "Check date" for a last review kept as unreadable text."""
    unreadable = "last_review" in risk.invalid
    return CHECK_DATE if unreadable and risk.impact is not None and risk.likelihood is not None else ""


def month_date(value: PartialDate, key: str) -> dt.date:
    """The real date a month-only date is written as: a review counts as made by the month's last day, a
    risk as recorded from its first (as the checks count them)."""
    return value.earliest if key == "first_recorded" else value.latest


def _write_date(sheet, row: int, col: int, value: PartialDate, key: str, date_fmt) -> None:
    """An exact date as a real date; a month-only one as a real date too, its text kept in the cell's note."""
    if value.day is not None:
        sheet.date(row, col, value.earliest, date_fmt)
        return
    day = month_date(value, key)
    sheet.date(row, col, day, date_fmt)
    which = "first" if day == value.earliest else "last"
    note = f"The register said {value}: written as the month's {which} day, {day:%d/%m/%Y}."
    sheet.sheet.write_comment(row, col, safe_text(note, CELL), {"author": "riskbook"})


def _check_length(risk: Risk, header: str, value) -> None:
    from riskbook.limits import EXCEL_CELL_LIMIT

    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        raise OutputError(
            f"{risk.reference} {header} has {len(value):,} characters, more than the {EXCEL_CELL_LIMIT:,} an Excel "
            "cell holds; shorten it in the source register (riskbook will not cut it)"
        )


def _text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.date | dt.datetime | PartialDate):
        return f"{raw:%d/%m/%Y}" if not isinstance(raw, PartialDate) else str(raw)
    return "" if raw is None else str(raw)


def help_text(column: TemplateColumn, scheme: Scheme) -> str:
    """What goes in a column, in the scheme's own words: the header's input message and the Instructions."""
    axis = scheme.likelihood_scale if column.key.endswith("likelihood") else scheme.impact_scale
    return column.help.format(
        example=scheme.reference_example,
        labels=", ".join(axis.labels.values()),
        statuses=", ".join(s.name for s in scheme.statuses),
        rule=scheme.score_rule,
        bands=", ".join(b.name for b in scheme.bands),
        header=column.header,
    )


def _message(text: str, limit: int) -> str:
    """A data-validation message or title: safe for the XML, shortened with an ellipsis to Excel's limit."""
    text = safe_text(text, CELL)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _validate_column(sheet, scheme: Scheme, col: int, column: TemplateColumn, last_row: int, list_ranges) -> None:
    # Excel's limits for a validation message (255) and title (32); the whole text is on the Instructions sheet.
    help_msg = _message(help_text(column, scheme), 255)
    title = _message(column.header, 32)
    sheet.sheet.data_validation(0, col, 0, col, {"validate": "any", "input_title": title, "input_message": help_msg})
    rule: dict | None = None
    kind = ("likelihood" if column.key.endswith("likelihood") else "impact") if column.kind == "scale" else column.kind
    if kind in list_ranges:
        rule = {
            "validate": "list",
            "source": list_ranges[kind],
            "error_title": _message(f"{column.header}: not on the list", 32),
            "error_message": _message(f"Choose a value from the list. {help_msg}", 255),
        }
    elif column.kind in ("date", "dates"):
        rule = {
            "validate": "date",
            "criteria": "between",
            "minimum": EARLIEST_DATE,
            "maximum": LATEST_DATE,
            "error_title": _message(f"{column.header}: not a date", 32),
            "error_message": "Type a date as DD/MM/YYYY.",
        }
    elif column.kind in ("previous", "number"):
        top = max(scheme.scores())
        rule = {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": top,
            "error_title": _message(f"{column.header}: not a score", 32),
            "error_message": f"Type a whole-number score from 1 to {top}.",
        }
    if rule is not None:
        rule.update({"input_title": title, "input_message": help_msg, "error_type": "stop"})
        sheet.sheet.data_validation(1, col, last_row, col, rule)


def _register_formatting(sheet, book: Book, scheme: Scheme, plan: Layout, last_row: int) -> None:
    for i, column in enumerate(plan.columns):
        if column.kind != "score":
            continue
        score = column_letter(i)
        for band in scheme.bands:
            sheet.sheet.conditional_format(
                f"{score}2:{score}{last_row + 1}",
                {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER(${score}2),${score}2>={band.min},${score}2<={band.max})",
                    "format": book.fmt(f"cf:{band.name}"),
                },
            )
    due_col = plan.index("next_review", "next_review")
    assert due_col is not None
    due = column_letter(due_col)
    overdue = book.workbook.add_format({"bg_color": "#C00000", "font_color": "#FFFFFF", "bold": True})
    sheet.sheet.conditional_format(
        f"{due}2:{due}{last_row + 1}",
        {"type": "formula", "criteria": f"=AND(ISNUMBER(${due}2),${due}2<TODAY())", "format": overdue},
    )
    check = book.workbook.add_format({"bg_color": CHECK_FILL, "font_color": CHECK_FONT, "bold": True})
    sheet.sheet.conditional_format(
        f"{due}2:{due}{last_row + 1}",
        {"type": "formula", "criteria": f'=${due}2="{CHECK_DATE}"', "format": check},
    )
