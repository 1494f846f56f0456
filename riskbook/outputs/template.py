"""The register template risk owners fill in: dropdowns, computed score, review due, instructions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from riskbook.errors import OutputError
from riskbook.model import Register, Risk, column_letter
from riskbook.outputs.template_columns import TemplateColumn, default_columns, register_columns
from riskbook.outputs.template_sheet import help_text, layout, month_date, write_register
from riskbook.perf import Progress, Ticker
from riskbook.report import Report
from riskbook.scheme.types import Scheme
from riskbook.source.files import check_output
from riskbook.source.package import CACHED_VALUES_PROPERTY
from riskbook.xlsx.scheme_sheet import write_scheme_sheet
from riskbook.xlsx.text import CELL, safe_text
from riskbook.xlsx.writer import Book, PageSetup, atomic_path, text_height

REGISTER = "Register"
INSTRUCTIONS = "Instructions"
LISTS = "Lists"
PROPOSALS = ("Archive", "New")
SCALE_KEYS = ("impact", "likelihood", "inherent_impact", "inherent_likelihood", "target_impact", "target_likelihood")
# What the template's dropdowns and formulas cannot hold: refused, with the findings, before anything is written.
_REFUSED = {
    "score-mismatch": "stated scores that are not the scheme's score would be replaced by the Score formula; "
    "correct them, or pass --rescore to replace them",
    "bad-scale-value": "levels off the scheme's scale would be refused by the template's dropdowns; "
    "correct them, or pass the register's own --scheme",
    "unknown-status": "statuses not in the scheme would be refused by the template's Status dropdown; "
    "correct them, or pass the register's own --scheme",
}
_REFUSED["status-own-words"] = _REFUSED["unknown-status"]  # the same statuses, said once for the column


def carry_over(report: Report, scheme: Scheme, rescore: bool = False) -> tuple[Register, list[str]]:
    """The source register made ready for a template under `scheme`, and a line for each value that changes.

    Nothing changes silently: a stated score that is not the source scheme's score raises
    CarryRefused unless rescore is given, and so does a level off the scale or a status the scheme
    does not know; levels move to another scheme by their label, and a level the other scheme has
    no label for raises OutputError. Month-only dates become real dates (each field said once).
    """
    source = report.register
    refused = [f for f in report.findings if f.code in _REFUSED and not (rescore and f.code == "score-mismatch")]
    if refused:
        codes = dict.fromkeys(f.code for f in refused)
        raise StatedScoresDiffer(report, refused, "; ".join(_REFUSED[c] for c in codes))
    changes = []
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
    changes.extend(_scale_words(source))
    changes.extend(_month_only_dates(source))
    changes.extend(_markup_made_plain(source))
    if scheme != source.scheme:
        source, moved = _map_levels(source, scheme)
        changes.extend(moved)
    return source, changes


class StatedScoresDiffer(Exception):
    """The source holds what the template cannot keep as it is: scores its formula would replace, levels
    off the scale, statuses off the list."""

    def __init__(self, report, mismatches, advice: str = _REFUSED["score-mismatch"]):
        self.report = report
        self.mismatches = mismatches
        self.advice = advice
        super().__init__(f"{self.count} value{'s' if self.count != 1 else ''} cannot be carried")

    @property
    def count(self) -> int:
        """The values refused: one per finding, and every status of a column said once (status-own-words)."""
        column = any(f.code == "status-own-words" for f in self.mismatches)
        statuses = sum(1 for risk in self.report.register.risks if risk.values.get("status")) if column else 0
        return sum(1 for f in self.mismatches if f.code != "status-own-words") + statuses


CarryRefused = StatedScoresDiffer


def _row_name(register: Register, risk: Risk) -> str:
    return f"{register.sheet} row {risk.row + 1}"


def _scale_words(source: Register) -> list[str]:
    """A line for each level read through one of the scale's other words: it is written as the label."""
    from riskbook.fields import FIELD_LABELS
    from riskbook.read.values import fold_header

    scheme, lines = source.scheme, []
    keys = [(key, source.columns[key] - source.first_col) for key in SCALE_KEYS if key in source.columns]
    for risk in source.risks:
        cells = risk.cells or ()
        for key, offset in keys:
            value, raw = risk.values.get(key), cells[offset] if 0 <= offset < len(cells) else None
            if not isinstance(value, int) or not isinstance(raw, str) or raw.strip().isdigit():
                continue
            label = scheme.likelihood_label(value) if key.endswith("likelihood") else scheme.impact_label(value)
            if fold_header(raw) != fold_header(label):
                name = risk.reference or _row_name(source, risk)
                lines.append(f"{name}: {FIELD_LABELS[key].lower()} {raw.strip()!r} written as {label!r}")
    return lines


def _markup_made_plain(source: Register) -> list[str]:
    """One line per column whose cells held HTML (a risk system's export): the template holds the plain text."""
    from riskbook.fields import FIELD_LABELS, NARRATIVE_FIELDS

    columns = [
        (source.column_headers.get(key) or FIELD_LABELS[key], source.columns[key] - source.first_col, key)
        for key in sorted(NARRATIVE_FIELDS | {"title", "owner", "responsible_officer", "category"})
        if key in source.columns
    ]
    columns += [(name, col - source.first_col, None) for col, name in source.extra_columns]
    lines = []
    for label, offset, key in sorted(columns, key=lambda item: item[1]):
        names = []
        for risk in source.risks:
            raw = risk.cells[offset] if risk.cells is not None and 0 <= offset < len(risk.cells) else None
            if isinstance(raw, str) and ("<" in raw or "&" in raw):
                written = risk.get(key) if key is not None else risk.extras.get(label)
                if written is not None and written != raw.strip():
                    names.append(risk.reference or _row_name(source, risk))
        if names:
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            count = len(names)
            lines.append(
                f"{label}: {count} cell{'s' if count != 1 else ''} of HTML markup written as the plain text "
                f"riskbook reads ({shown})"
            )
    return lines


def _month_only_dates(source: Register) -> list[str]:
    """One line per date field holding month-only dates: they are written as real dates."""
    from riskbook.fields import FIELD_LABELS

    lines = []
    for key in ("first_recorded", "last_review", "next_review"):
        if key in source.computed:
            continue
        found = [(r, r.values[key]) for r in source.risks if getattr(r.values.get(key), "day", 0) is None]
        if not found:
            continue
        which = "first" if key == "first_recorded" else "last"
        examples = ", ".join(
            f"{r.reference or _row_name(source, r)} {str(d)!r} → {month_date(d, key):%d/%m/%Y}" for r, d in found[:3]
        )
        count = len(found)
        lines.append(
            f"{source.column_headers.get(key) or FIELD_LABELS[key]}: {count} month-only date{'s' if count != 1 else ''} written as the month's "
            f"{which} day, the text kept in the cell's note ({examples}{', …' if count > 3 else ''})"
        )
    return lines


def _map_levels(source: Register, scheme: Scheme) -> tuple[Register, list[str]]:
    """Impact and likelihood (of every score set) moved to another scheme by their labels; each changed
    score said."""
    old = source.scheme

    def label(key: str, value: int) -> str:
        return old.likelihood_label(value) if key.endswith("likelihood") else old.impact_label(value)

    def new_value(key: str, value: int) -> int | None:
        scale = scheme.likelihood_scale if key.endswith("likelihood") else scheme.impact_scale
        return scale.value_for_label(label(key, value))

    used = {
        (key, risk.values[key]) for risk in source.risks for key in SCALE_KEYS if isinstance(risk.values.get(key), int)
    }
    mapping = {item: new_value(*item) for item in sorted(used)}
    unmapped = sorted(
        {
            f"no {_axis(key)} level labelled {label(key, value)!r}"
            for (key, value), new in mapping.items()
            if new is None
        }
    )
    if unmapped:
        raise OutputError(
            f"cannot move the register to {scheme.name}: it has "
            + ", ".join(unmapped)
            + f" (its impact levels: {', '.join(scheme.impact_labels.values())}; its likelihood levels: "
            + f"{', '.join(scheme.likelihood_labels.values())}); edit the levels first"
        )
    risks, changes = [], []
    for risk in source.risks:
        values = dict(risk.values)
        for key in SCALE_KEYS:
            if isinstance(values.get(key), int):
                values[key] = mapping[key, values[key]]
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


def _axis(key: str) -> str:
    return "likelihood" if key.endswith("likelihood") else "impact"


def template_columns(scheme: Scheme, existing: Register | None = None) -> list[TemplateColumn]:
    """The template's columns: the existing register's, under its headers and in its order, else the default."""
    return register_columns(existing, scheme) if existing is not None else default_columns()


def write_template(
    output: str | os.PathLike[str],
    scheme: Scheme,
    existing: Register | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the register template, pre-filled with an existing register's risks if given.

    The template records its scheme on a very hidden sheet, so validate, build and template --from
    read it under that scheme when none is given. progress, if given, is told each sheet's name as it
    is written ("Writing Register") and called with the rows written every thousand risks.
    """
    output = Path(output)
    check_output(output, [existing.path if existing is not None else None])
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the template must end .xlsx")
    today = today or dt.date.today()
    risks = existing.risks if existing else []
    columns = template_columns(scheme, existing)
    with atomic_path(output) as temp:
        page = PageSetup(title="Risk register", date_text=f"{today:%d/%m/%Y}", marking="OFFICIAL")
        book = Book(temp, page, scheme, Ticker(progress, len(risks)))
        book.workbook.set_custom_property(CACHED_VALUES_PROPERTY, True)
        book.properties(title="Risk register", subject="Risk register template", company="Risk unit", created=today)
        register = book.add_sheet(REGISTER)
        instructions = book.add_sheet(INSTRUCTIONS)
        lists = book.add_sheet(LISTS)
        list_ranges = _write_lists(lists, scheme)
        plan = layout(columns, scheme, list_ranges)
        write_register(register, book, scheme, risks, plan, list_ranges)
        _write_instructions(instructions, book, scheme, columns)
        lists.sheet.hide()
        write_scheme_sheet(book, scheme, [h for h, c in zip(plan.headers, plan.columns, strict=True) if c.computed])
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


def _write_instructions(sheet, book: Book, scheme: Scheme, columns: list[TemplateColumn]) -> None:
    from riskbook.outputs.panel.criteria import write_criteria_tables

    cell, label = book.fmt("cell"), book.fmt("label")
    sheet.title("How to fill in the risk register", "")
    about = (
        "One row per risk on the Register sheet. Choose impact, likelihood, status and category from the dropdowns; "
        "the Score and Next Review columns fill themselves. Everything below comes from the scoring scheme."
    )
    # Across the two columns of the table below, wrapped: a line running on past them is cut in print.
    wrapped = book.workbook.add_format({"font_name": "Arial", "font_size": 10, "text_wrap": True, "valign": "top"})
    sheet.sheet.merge_range(1, 0, 1, 1, safe_text(about, CELL), wrapped)
    sheet.sheet.set_row(1, text_height(about, 60))
    row = 3
    sheet.text(row - 1, 0, "The columns", book.fmt("bold"))
    sheet.sheet.add_table(
        row, 0, row + len(columns), 1,
        {"name": "Columns", "style": "Table Style Light 15", "columns": [{"header": "Column", "header_format": book.fmt("header")}, {"header": "What goes there", "header_format": book.fmt("header")}]},
    )  # fmt: skip
    for offset, column in enumerate(columns, start=row + 1):
        sheet.text(offset, 0, column.header, label)
        sheet.text(offset, 1, help_text(column, scheme), cell)
        sheet.sheet.set_row(offset, text_height(help_text(column, scheme), 33))
    row += len(columns) + 3
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
    sheet.setup_print(None, scale=100)
