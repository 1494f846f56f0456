"""The register template risk owners fill in: dropdowns, computed score, review due, instructions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from riskbook.checks import assess
from riskbook.errors import OutputError
from riskbook.model import Register, Risk, column_letter
from riskbook.perf import Progress, Ticker
from riskbook.report import Report
from riskbook.scheme import Scheme
from riskbook.source.package import CACHED_VALUES_PROPERTY
from riskbook.values import MONTHS, PartialDate, fold_header
from riskbook.xlsx.text import CELL, safe_text
from riskbook.xlsx.writer import Book, PageSetup, atomic_path, refuse_inputs_as_output, text_height

REGISTER = "Register"
INSTRUCTIONS = "Instructions"
LISTS = "Lists"
PROPOSALS = ("Archive", "New")
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class TemplateColumn:
    key: str  # canonical field, or "next_review"
    header: str
    width: float
    help: str  # the header's input message (Excel allows 255 characters)
    kind: str = "text"  # text, scale, status, category, proposal, date, score, previous, next_review, dates


COLUMNS = (
    TemplateColumn("reference", "Reference", 11, "The risk's reference, e.g. {example}. Each risk has its own."),
    TemplateColumn("owner", "Owner", 24, "The chief officer or head of department who owns the risk."),
    TemplateColumn("title", "Title", 40, "A short title saying what the risk is."),
    TemplateColumn(
        "impact", "Impact", 12, "How bad it would be: choose {labels}. See Instructions for the criteria.", "scale"
    ),
    TemplateColumn("likelihood", "Likelihood", 12, "How likely it is: choose {labels}. See Instructions.", "scale"),
    TemplateColumn("status", "Status", 17, "Choose one of: {statuses}.", "status"),
    TemplateColumn(
        "first_recorded", "First Recorded", 13, "The date the risk was first recorded (DD/MM/YYYY).", "date"
    ),
    TemplateColumn("last_review", "Last Review", 13, "The date of the latest review (DD/MM/YYYY).", "date"),
    TemplateColumn(
        "score", "Score", 9, "Computed: impact × likelihood. Coloured by its band. Do not type here.", "score"
    ),
    TemplateColumn("previous_score", "Previous Score", 10, "The score reported to the last panel.", "previous"),
    TemplateColumn(
        "next_review",
        "Next Review",
        13,
        "Computed: last review plus the band's review interval. Red once past.",
        "next_review",
    ),
    TemplateColumn(
        "responsible_officer", "Responsible Officer", 20, "The officer responsible for managing the risk day to day."
    ),
    TemplateColumn("category", "Category", 22, "Choose the risk's category.", "category"),
    TemplateColumn("information", "Information", 50, "Background: what the risk is about."),
    TemplateColumn("rationale", "Risk Rationale", 50, "Why this is a risk, and why it is scored as it is."),
    TemplateColumn("consequence", "Risk Consequence", 45, "What happens if the risk is not managed."),
    TemplateColumn("existing_controls", "Existing Controls", 45, "Controls already in place, one per line."),
    TemplateColumn(
        "additional_controls", "Additional Controls", 45, "Further controls planned, one per line, each with an owner."
    ),
    TemplateColumn("control_due", "Control Due", 13, "When the additional controls are due (DD/MM/YYYY).", "dates"),
    TemplateColumn("update", "Update", 50, "This quarter's update for the panel."),
    TemplateColumn("current_status", "Current Status", 24, "One line for the panel, e.g. 'No change to risk score'."),
    TemplateColumn(
        "proposal",
        "Proposal",
        11,
        "Archive to propose archiving the risk; New for a new risk; else leave empty.",
        "proposal",
    ),
)


def carry_over(report: Report, scheme: Scheme, rescore: bool = False) -> tuple[Register, list[str]]:
    """The checked register (validate's Report) made ready for a template under `scheme`, and a line
    for each score that changes.

    Nothing changes silently: a stated score that is not the source scheme's impact × likelihood
    raises StatedScoresDiffer unless rescore is given; levels move to another scheme by their
    label, and a level the other scheme has no label for raises OutputError.
    """
    source = report.register
    changes = []
    mismatches = [f for f in report.findings if f.code == "score-mismatch"]
    if mismatches and not rescore:
        raise StatedScoresDiffer(report, mismatches)
    for item in report.assessed:
        stated = item.risk.get("score")
        if stated is not None and item.score is not None and stated != item.score:
            changes.append(
                f"{item.risk.reference or _row_name(source, item.risk)}: stated {stated}, computed {item.score}"
            )
    for finding in report.findings:
        if finding.code == "status-variant":
            risk = next(r for r in source.risks if r.row == finding.row)
            changes.append(f"{finding.reference}: status {risk.get('status')!r} written as {risk.status_name!r}")
    if scheme != source.scheme:
        source, moved = _map_levels(source, scheme)
        changes.extend(moved)
    return source, changes


class StatedScoresDiffer(Exception):
    """The source states scores that impact × likelihood does not give; the template would replace them."""

    def __init__(self, report, mismatches):
        super().__init__(f"{len(mismatches)} stated score{'s' if len(mismatches) != 1 else ''} differ")
        self.report = report
        self.mismatches = mismatches


def _row_name(register: Register, risk: Risk) -> str:
    return f"{register.sheet} row {risk.row + 1}"


def _map_levels(source: Register, scheme: Scheme) -> tuple[Register, list[str]]:
    """Impact and likelihood moved to another scheme by their labels; each changed score said."""
    old = source.scheme
    used = {risk.values[name] for risk in source.risks for name in ("impact", "likelihood") if name in risk.values}
    mapping = {value: scheme.value_for_label(old.label(value)) for value in sorted(used)}
    unmapped = [old.label(value) for value, new in mapping.items() if new is None]
    if unmapped:
        raise OutputError(
            f"cannot move the register to {scheme.name}: it has no level labelled "
            + ", ".join(repr(label) for label in unmapped)
            + f" (its levels: {', '.join(scheme.label(v) for v in scheme.values)}); edit the levels first"
        )
    risks, changes = [], []
    for risk in source.risks:
        values = dict(risk.values)
        for name in ("impact", "likelihood"):
            if name in values:
                values[name] = mapping[values[name]]
        moved = dataclasses.replace(risk, values=values)
        before = old.score_for(risk.impact, risk.likelihood)
        after = scheme.score_for(moved.impact, moved.likelihood)
        if before is not None and after != before:
            name = risk.reference or _row_name(source, risk)
            changes.append(
                f"{name}: score {before} under {old.name} is {after} under {scheme.name} "
                f"({scheme.impact_label(values['impact'])} × {scheme.likelihood_label(values['likelihood'])})"
            )
        risks.append(moved)
    return dataclasses.replace(source, risks=risks, scheme=scheme), changes


def _col(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


def _letter(key: str) -> str:
    return column_letter(_col(key))


def write_template(
    output: str | os.PathLike[str],
    scheme: Scheme,
    existing: Register | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the register template, pre-filled with an existing register's risks if given.

    progress, if given, is told each sheet's name as it is written ("Writing Register") and
    called with the rows written every thousand risks.
    """
    output = Path(output)
    refuse_inputs_as_output(output, [existing.path if existing is not None else None])
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the template must end .xlsx")
    today = today or dt.date.today()
    risks = existing.risks if existing else []
    extras = [name for _, name in existing.extra_columns if fold_header(name) != "nextreview"] if existing else []
    with atomic_path(output) as temp:
        page = PageSetup(title="Risk register", date_text=f"{today:%d/%m/%Y}", marking="OFFICIAL")
        book = Book(temp, page, scheme, Ticker(progress, len(risks)))
        book.workbook.set_custom_property(CACHED_VALUES_PROPERTY, True)
        book.properties(title="Risk register", subject="Risk register template", company="Risk unit", created=today)
        register = book.add_sheet(REGISTER)
        instructions = book.add_sheet(INSTRUCTIONS)
        lists = book.add_sheet(LISTS)
        list_ranges = _write_lists(lists, scheme)
        _write_register(register, book, scheme, risks, extras, list_ranges)
        _write_instructions(instructions, book, scheme)
        lists.sheet.hide()
        register.sheet.activate()
        book.close()
    return output


def _write_lists(sheet, scheme: Scheme) -> dict[str, str]:
    columns = {
        "impact": ("Impact", [scheme.impact_label(v) for v in scheme.impact_scale.values]),
        "likelihood": ("Likelihood", [scheme.likelihood_label(v) for v in scheme.likelihood_scale.values]),
        "status": ("Status", [s.name for s in scheme.statuses]),
        "category": ("Category", list(scheme.categories)),
        "proposal": ("Proposal", list(PROPOSALS)),
    }
    ranges = {}
    for col, (kind, (header, items)) in enumerate(columns.items()):
        if not items:  # a scheme without statuses or categories takes any: no dropdown
            continue
        sheet.text(0, col, header)
        for row, item in enumerate(items, start=1):
            sheet.text(row, col, item)
        letter = column_letter(col)
        ranges[kind] = f"={LISTS}!${letter}$2:${letter}${max(len(items), 1) + 1}"
    if scheme.matrix is not None:  # rows: impact levels; columns: likelihood levels
        first = len(columns) + 1
        sheet.text(0, first, "Matrix")
        for row, scores in enumerate(scheme.matrix, start=1):
            for offset, score in enumerate(scores):
                sheet.number(row, first + offset, score)
        last = column_letter(first + len(scheme.matrix[0]) - 1)
        ranges["matrix"] = f"={LISTS}!${column_letter(first)}$2:${last}${len(scheme.matrix) + 1}"
    return ranges


TABLE = "Risks"  # the register's Excel table: its rows carry the formulas, lists and formats
CHECK_DATE = "Check date"  # Next Review when Last Review holds text the formula cannot read as a date
CHECK_FILL = "#FFEB9C"  # the warning colour of the annotated copy; dark text on it has a contrast over 12:1
CHECK_FONT = "#3F3000"


def _this_row(header: str) -> str:
    """A structured reference to this row's cell in a table column, in the form stored in the file."""
    escaped = "".join(f"'{ch}" if ch in "[]#'" else ch for ch in header)
    return f"{TABLE}[[#This Row],[{escaped}]]"


def _level_formula(cell: str, lookup: str, top: int) -> str:
    """A level as the checks read it: a label on the list (any case), or a whole number on the scale."""
    number = f"VALUE({cell})"
    on_scale = f"IF(AND(MOD({number},1)=0,{number}>=1,{number}<={top}),{number},NA())"
    return f"IFERROR(MATCH(TRIM({cell}),{lookup},0),{on_scale})"


def _score_formula(list_ranges: dict[str, str], scheme: Scheme) -> str:
    impact, likelihood = _this_row("Impact"), _this_row("Likelihood")
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
    formula = str(bands[-1].review_months)
    for band in reversed(bands[:-1]):
        formula = f"IF({score_cell}>={band.min},{band.review_months},{formula})"
    return formula


_MONTH_NAMES = [(name, number) for name, number in MONTHS.items()]
_MONTH_WORDS = "{" + ",".join(f'"{name}"' for name, _ in _MONTH_NAMES) + "}"
_MONTH_NUMBERS = "{" + ",".join(str(number) for _, number in _MONTH_NAMES) + "}"


def _month_end_formula(last: str) -> str:
    """The last day of a month-only date kept as text ("May 2023", "May 23", "Sept 2023", "Jan-24").

    A month-only review counts as made on the month's last day, as the checks count it. Any
    other text is an error here, which the caller shows as "Check date".
    """
    spaced = f'TRIM(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({last},"-"," "),"/"," "),","," "),"."," "))'
    month_word = f'LEFT({spaced},FIND(" ",{spaced})-1)'
    year_text = f'MID({spaced},FIND(" ",{spaced})+1,5)'
    month = f"INDEX({_MONTH_NUMBERS},MATCH({month_word},{_MONTH_WORDS},0))"
    # Two-digit years as the checks read them: below 70 is this century.
    year = (
        f"IF(LEN({year_text})=4,VALUE({year_text}),"
        f"IF(LEN({year_text})=2,VALUE({year_text})+IF(VALUE({year_text})<70,2000,1900),NA()))"
    )
    return f"DATE({year},{month}+1,1)-1"


def _next_review_formula(scheme: Scheme) -> str:
    last, score = _this_row("Last Review"), _this_row("Score")
    months = _months_formula(score, scheme)
    read = f"IF(ISNUMBER({last}),{last},IF(ISTEXT({last}),{_month_end_formula(last)},NA()))"
    return f'=IF(OR({last}="",{score}=""),"",IFERROR(EDATE({read},{months}),"{CHECK_DATE}"))'


def _table_headers(extras: list[str]) -> list[str]:
    """The table's column names: Excel needs them unique (ignoring case) and not empty."""
    headers = [c.header for c in COLUMNS]
    seen = {h.casefold() for h in headers}
    for n, name in enumerate(extras, start=len(headers) + 1):
        name = name.strip() or f"Column {n}"
        unique, k = name, 2
        while unique.casefold() in seen:
            unique, k = f"{name} ({k})", k + 1
        seen.add(unique.casefold())
        headers.append(unique)
    return headers


def _write_register(sheet, book: Book, scheme: Scheme, risks: list[Risk], extras: list[str], list_ranges) -> None:
    header_fmt, cell = book.fmt("header"), book.fmt("cell")
    date_fmt, number = book.fmt("date"), book.fmt("number")
    headers = _table_headers(extras)
    last_row = len(risks) + 1  # the risks, then one empty row to type the next risk in
    formats = [_column_format(book, column) for column in COLUMNS] + [cell] * len(extras)
    score, next_review = _score_formula(list_ranges, scheme), _next_review_formula(scheme)
    columns = [{"header": h, "header_format": header_fmt, "format": f} for h, f in zip(headers, formats, strict=True)]
    columns[_col("score")]["formula"] = score
    columns[_col("next_review")]["formula"] = next_review
    sheet.sheet.add_table(
        0, 0, last_row, len(headers) - 1, {"name": TABLE, "style": "Table Style Light 1", "columns": columns}
    )
    for offset, risk in enumerate(risks, start=1):
        _write_risk(sheet, book, scheme, offset, risk, extras, (score, next_review))
        book.ticker.tick()
    sheet.formula(last_row, _col("score"), score, "", number)
    sheet.formula(last_row, _col("next_review"), next_review, "", date_fmt)
    for col, column in enumerate(COLUMNS):
        sheet.sheet.set_column(col, col, column.width, formats[col])
        _validate_column(sheet, book, scheme, col, column, last_row, list_ranges)
    for col in range(len(COLUMNS), len(headers)):
        sheet.sheet.set_column(col, col, 30, cell)
    _register_formatting(sheet, book, scheme, last_row)
    sheet.sheet.set_row(0, 30)
    sheet.sheet.freeze_panes(1, 1)
    # No print area: Excel prints the used range, which is the table however far it grows
    # (a fixed print area would leave out rows typed below it).
    sheet.setup_print((0, 0))


def _column_format(book: Book, column: TemplateColumn):
    if column.kind in ("date", "next_review"):
        return book.fmt("date")
    if column.kind in ("score", "previous"):
        return book.fmt("number")
    return book.fmt("cell")


def _write_risk(sheet, book: Book, scheme: Scheme, row: int, risk: Risk, extras: list[str], formulas) -> None:
    cell, date_fmt, number = book.fmt("cell"), book.fmt("date"), book.fmt("number")
    assessed = assess(risk, scheme)
    for col, column in enumerate(COLUMNS):
        value = risk.get(column.key)
        invalid = risk.invalid.get(column.key)
        if column.kind == "score":
            sheet.formula(row, col, formulas[0], assessed.score if assessed.score is not None else "", number)
        elif column.kind == "next_review":
            due = assessed.review_due
            sheet.formula(row, col, formulas[1], _excel_serial(due) if due else _unread_due(risk), date_fmt)
        elif invalid is not None or value is None:
            sheet.text(row, col, _text(invalid.raw if invalid else None), cell)  # kept as typed: nothing is lost
        elif column.kind == "scale":
            label = scheme.impact_label if column.key == "impact" else scheme.likelihood_label
            sheet.text(row, col, label(value), cell)
        elif column.kind == "status":
            sheet.text(row, col, risk.status_name or value, cell)
        elif column.kind == "date":
            _write_partial_date(sheet, row, col, value, date_fmt, cell)
        elif column.kind == "dates":
            if len(value) == 1:
                _write_partial_date(sheet, row, col, value[0], date_fmt, cell)
            else:
                sheet.text(row, col, "\n".join(str(d) for d in value), cell)
        elif column.kind == "previous":
            sheet.number(row, col, value, number)
        else:
            _check_length(risk, column.header, value)
            sheet.text(row, col, value, cell)
    for col, name in enumerate(extras, start=len(COLUMNS)):
        value = risk.extras.get(name, "")
        _check_length(risk, name, value)
        sheet.text(row, col, value, cell)
    tallest = max(text_height(str(risk.get(c.key) or ""), int(c.width * 1.1)) for c in COLUMNS if c.kind == "text")
    sheet.sheet.set_row(row, min(tallest, 120))


def _unread_due(risk: Risk) -> str:
    """Next Review's stored value with no due date: "Check date" for a last review kept as unreadable text."""
    # Such text is written back as typed, so the formula cannot read it either; it is blank without a score.
    unreadable = "last_review" in risk.invalid
    return CHECK_DATE if unreadable and risk.impact is not None and risk.likelihood is not None else ""


def _write_partial_date(sheet, row: int, col: int, value: PartialDate, date_fmt, text_fmt) -> None:
    """An exact date as a real date; a month-only one as its text ("Jan 2024"), keeping its precision."""
    if value.day is None:
        sheet.text(row, col, str(value), text_fmt)
    else:
        sheet.date(row, col, value.earliest, date_fmt)


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


def _help_text(column: TemplateColumn, scheme: Scheme) -> str:
    """What goes in a column, in the scheme's own words: the header's input message and the Instructions."""
    return column.help.format(
        example=scheme.reference_example,
        labels=", ".join(
            (scheme.likelihood_scale if column.key == "likelihood" else scheme.impact_scale).labels.values()
        ),
        statuses=", ".join(s.name for s in scheme.statuses),
    )


def _message(text: str, limit: int) -> str:
    """A data-validation message or title: safe for the XML, shortened with an ellipsis to Excel's limit."""
    text = safe_text(text, CELL)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _validate_column(
    sheet, book: Book, scheme: Scheme, col: int, column: TemplateColumn, last_row: int, list_ranges
) -> None:
    # Excel's limits for a validation message (255) and title (32); the whole text is on the Instructions sheet.
    help_text = _message(_help_text(column, scheme), 255)
    title = _message(column.header, 32)
    sheet.sheet.data_validation(0, col, 0, col, {"validate": "any", "input_title": title, "input_message": help_text})
    rule: dict | None = None
    kind = column.key if column.kind == "scale" else column.kind
    if kind in list_ranges:
        rule = {
            "validate": "list",
            "source": list_ranges[kind],
            "error_title": f"{title}: not on the list",
            "error_message": _message(f"Choose a value from the list. {help_text}", 255),
        }
    elif column.kind in ("date", "dates"):
        rule = {
            "validate": "date",
            "criteria": "between",
            "minimum": EARLIEST_DATE,
            "maximum": LATEST_DATE,
            "error_title": f"{title}: not a date",
            "error_message": "Type a date as DD/MM/YYYY.",
        }
    elif column.kind == "previous":
        top = max(scheme.scores())
        rule = {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": top,
            "error_title": "Previous Score: not a score",
            "error_message": f"Type a whole-number score from 1 to {top}.",
        }
    if rule is not None:
        rule.update({"input_title": title, "input_message": help_text, "error_type": "stop"})
        sheet.sheet.data_validation(1, col, last_row, col, rule)


def _register_formatting(sheet, book: Book, scheme: Scheme, last_row: int) -> None:
    score = _letter("score")
    for band in scheme.bands:
        sheet.sheet.conditional_format(
            f"{score}2:{score}{last_row + 1}",
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER(${score}2),${score}2>={band.min},${score}2<={band.max})",
                "format": book.fmt(f"cf:{band.name}"),
            },
        )
    due = _letter("next_review")
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


def _write_statuses(sheet, book: Book, scheme: Scheme, row: int) -> int:
    cell, label = book.fmt("cell"), book.fmt("label")
    sheet.text(row - 1, 0, "Statuses", book.fmt("bold"))
    sheet.sheet.add_table(
        row, 0, row + len(scheme.statuses), 1,
        {"name": "StatusMeanings", "style": "Table Style Light 15", "columns": [{"header": "Status", "header_format": book.fmt("header")}, {"header": "Meaning", "header_format": book.fmt("header")}]},
    )  # fmt: skip
    for offset, status in enumerate(scheme.statuses, start=row + 1):
        sheet.text(offset, 0, status.name, label)
        sheet.text(offset, 1, status.meaning, cell)
        sheet.sheet.set_row(offset, text_height(status.meaning, 30))
    return row + len(scheme.statuses) + 3


def _write_instructions(sheet, book: Book, scheme: Scheme) -> None:
    from riskbook.panel.sheets import write_criteria_tables

    cell, label = book.fmt("cell"), book.fmt("label")
    sheet.title(
        "How to fill in the risk register",
        "One row per risk on the Register sheet. Choose impact, likelihood, status and category from the dropdowns; "
        "the Score and Next Review columns fill themselves. Everything below comes from the scoring scheme.",
    )
    row = 3
    sheet.text(row - 1, 0, "The columns", book.fmt("bold"))
    sheet.sheet.add_table(
        row, 0, row + len(COLUMNS), 1,
        {"name": "Columns", "style": "Table Style Light 15", "columns": [{"header": "Column", "header_format": book.fmt("header")}, {"header": "What goes there", "header_format": book.fmt("header")}]},
    )  # fmt: skip
    for offset, column in enumerate(COLUMNS, start=row + 1):
        sheet.text(offset, 0, column.header, label)
        sheet.text(offset, 1, _help_text(column, scheme), cell)
        sheet.sheet.set_row(offset, text_height(column.help, 33))
    row += len(COLUMNS) + 3
    if scheme.statuses:  # a scheme without statuses takes the register's own
        row = _write_statuses(sheet, book, scheme, row)
    cycle = "; ".join(
        f"{b.name} ({b.min}–{b.max}): every {b.review_months} month{'s' if b.review_months != 1 else ''}"
        for b in scheme.bands
    )
    sheet.text(row - 1, 0, "Review cycle", book.fmt("bold"))
    sheet.text(row, 0, f"Score = {scheme.score_rule}. Each risk is reviewed within its band's interval: {cycle}.")
    write_criteria_tables(sheet, book, row + 3)
    sheet.sheet.set_column(0, 0, 22)
    sheet.sheet.set_column(1, 6, 30)
    sheet.setup_print(None)
