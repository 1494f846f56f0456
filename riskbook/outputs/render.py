"""Rendering a validation report as text for people or JSON for scripts."""

from __future__ import annotations

import json
from itertools import groupby
from operator import attrgetter

from riskbook.check.findings import Finding
from riskbook.model import Register
from riskbook.read.row_kinds import passed_over_line
from riskbook.report import Report
from riskbook.xlsx.text import TERMINAL, safe_text


def summary_line(report: Report) -> str:
    risks = len(report.register.risks)
    errors, warnings = len(report.errors), len(report.warnings)
    return (
        f"{risks} risk{'s' if risks != 1 else ''} · {errors} error{'s' if errors != 1 else ''}"
        f" · {warnings} warning{'s' if warnings != 1 else ''}"
    )


# A code that fires on this many risks, and this share of them, is folded into one line.
FOLD_AT, FOLD_SHARE = 5, 0.8

# When nearly every row has the same finding, the scheme, not the data, is the likely cause.
SCHEME_HINTS = {
    "bad-reference": "the scheme's [reference] pattern is likely not this register's: change it, or leave it out",
    "unknown-status": "this register's statuses are likely not the scheme's: list them in [[statuses]], or leave them out",
    "bad-scale-value": "this register's scale is likely not the scheme's: try another --scheme, or draft one from "
    "the register with riskbook scheme --from",
    "rag-mismatch": "the register's ratings likely follow other bands: check the scheme's [[bands]] and their words",
    "score-mismatch": "the register's scores likely come from a lookup: give the scheme a [matrix]",
}


def _titles_by_row(report: Report) -> dict[int, str]:
    """Each risk's title by its sheet row (the later risk's where two share a row, as a dict keeps it)."""
    risks = report.register.risks
    by_row = dict(zip(map(attrgetter("row"), risks), risks, strict=True))
    rows = {f.row for f in report.findings}
    return {row: risk.title for row, risk in by_row.items() if row in rows}


def render_text(report: Report, colour: bool = False) -> str:
    """Findings grouped by risk, in sheet order, then the summary line. A finding that repeats on
    nearly every risk is one line, not one per row."""
    lines: list[str] = []
    titles = _titles_by_row(report) if report.findings else {}
    register = report.register
    folded = _repeating_codes(report)
    for code, found in folded.items():
        lines.append(_folded_line(register.sheet, code, found, len(register.risks), colour))
    findings = [f for f in report.findings if f.code not in folded or f.row < 0] if folded else report.findings
    for (sheet, row), group in groupby(findings, key=lambda f: (f.sheet, f.row)):
        group = list(group)
        reference = group[0].reference or "(no reference)"
        heading = f"{sheet} row {row + 1}: {reference}" if row >= 0 else sheet
        if row >= 0 and sheet == register.sheet and titles.get(row):  # last period's rows have their own titles
            heading += f" — {titles[row]}"
        lines.append(_style(_plain(heading), bold=True, on=colour))
        for f in group:
            tag = _style(f"{f.severity:<7}", fg="red" if f.severity == "error" else "yellow", on=colour)
            lines.append(f"  {tag} {_plain(str(f))}  [{_plain(f.code)}]")
    passed = passed_over_line(register.passed_over)
    if passed:
        lines.append(_plain(passed))
    lines.append(summary_line(report))
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Text from the register, printed so a terminal shows its control characters rather than obeys them."""
    return safe_text(text, TERMINAL)


def _repeating_codes(report: Report) -> dict[str, list[Finding]]:
    risks = len(report.register.risks)
    by_code: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.row >= 0:
            by_code.setdefault(f.code, []).append(f)
    folded = {}
    for code, found in by_code.items():
        rows = len({f.row for f in found})
        if rows >= FOLD_AT and rows >= FOLD_SHARE * risks:
            folded[code] = found
    return folded


def _folded_line(sheet: str, code: str, found: list[Finding], risks: int, colour: bool) -> str:
    rows = sorted({f.row for f in found})
    first_of_each: dict[str, Finding] = {}
    for f in found:
        first_of_each.setdefault(f.message, f)
    if len(first_of_each) == 1:  # one message on every row: said once
        examples = f"each: {found[0].message}"
    else:
        examples = "e.g. " + "; ".join(f"{f.cell}: {message}" for message, f in list(first_of_each.items())[:3])
    severity = "error" if any(f.severity == "error" for f in found) else "warning"
    tag = _style(f"{severity:<7}", fg="red" if severity == "error" else "yellow", on=colour)
    hint = f" — {SCHEME_HINTS[code]}" if code in SCHEME_HINTS else ""
    return (
        f"  {tag} {sheet}: {len(found)} × [{code}] on {len(rows)} of {risks} risks (rows {rows[0] + 1}–{rows[-1] + 1}),"
        f" {examples}{hint}"
    )


def render_json(report: Report) -> str:
    data = report.as_dict()
    # field -> the header it was read from; a column read by its content says so, and why
    data["columns"] = {
        name: {"header": header, "by": "content", "why": report.register.by_content[name]}
        if name in report.register.by_content
        else header
        for name, header in report.register.column_headers.items()
    }
    if report.register.passed_over:  # rows under the header that are not risks (1-based, as the sheet shows)
        data["passed_over"] = [{"row": p.row + 1, "reason": p.reason} for p in report.register.passed_over]
    if report.register.sheets:  # more than one sheet has a register header: which were weighed
        data["sheets"] = [
            {"sheet": s.sheet, "rows": s.rows, "columns": s.columns, "read": s.sheet == report.register.sheet}
            for s in report.register.sheets
        ]
    register = report.register
    data["scheme"] = {"name": register.scheme.name, "from": register.scheme_origin or register.scheme.source}
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_columns(register: Register) -> str:
    """Which header became which field, and which columns travel as extras."""
    from riskbook.fields import FIELD_LABELS
    from riskbook.model import column_letter

    lines = [f"Columns of {register.sheet!r} (header row {register.header_row + 1}):"]
    for name, col in sorted(register.columns.items(), key=lambda item: item[1]):
        how = f" by content: {register.by_content[name]}" if name in register.by_content else ""
        lines.append(
            f"  {column_letter(col)} {register.column_headers.get(name, '')!r} → {name} ({FIELD_LABELS[name]}){how}"
        )
    if "reference" not in register.columns:
        lines.append(f"  (no column) → reference: each risk is named by its row ({register.row_names()})")
    for col, text in register.extra_columns:
        lines.append(f"  {column_letter(col)} {text!r} → extra (kept with each risk, not checked)")
    return "\n".join(lines)


def _style(text: str, on: bool, fg: str | None = None, bold: bool = False) -> str:
    if not on:
        return text
    import click

    return click.style(text, fg=fg, bold=bold)
