"""Rendering a validation report as text for people or JSON for scripts."""

from __future__ import annotations

import json
from itertools import groupby

from riskbook.model import Register, Report


def summary_line(report: Report) -> str:
    risks = len(report.register.risks)
    errors, warnings = len(report.errors), len(report.warnings)
    return (
        f"{risks} risk{'s' if risks != 1 else ''} · {errors} error{'s' if errors != 1 else ''}"
        f" · {warnings} warning{'s' if warnings != 1 else ''}"
    )


def render_text(report: Report, colour: bool = False) -> str:
    """Findings grouped by risk, in sheet order, then the summary line."""
    lines: list[str] = []
    titles = {risk.row: risk.title for risk in report.register.risks}
    register = report.register
    if not register.risks:
        lines.append(f"{register.path}: sheet {register.sheet!r} has a header row but no risks")
    for row, group in groupby(report.findings, key=lambda f: f.row):
        group = list(group)
        reference = group[0].reference or "(no reference)"
        heading = f"{register.sheet} row {row + 1}: {reference}" if row >= 0 else f"{register.sheet}"
        if row >= 0 and titles.get(row):
            heading += f" — {titles[row]}"
        lines.append(_style(heading, bold=True, on=colour))
        for f in group:
            tag = _style(f"{f.severity:<7}", fg="red" if f.severity == "error" else "yellow", on=colour)
            lines.append(f"  {tag} {f}  [{f.code}]")
    lines.append(summary_line(report))
    return "\n".join(lines)


def render_json(report: Report) -> str:
    data = report.as_dict()
    data["columns"] = dict(report.register.column_headers)  # field -> the header it was read from
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_columns(register: Register) -> str:
    """Which header became which field, and which columns travel as extras."""
    from riskbook.model import FIELD_LABELS, column_letter

    lines = [f"Columns of {register.sheet!r} (header row {register.header_row + 1}):"]
    for name, col in sorted(register.columns.items(), key=lambda item: item[1]):
        lines.append(
            f"  {column_letter(col)} {register.column_headers.get(name, '')!r} → {name} ({FIELD_LABELS[name]})"
        )
    for col, text in register.extra_columns:
        lines.append(f"  {column_letter(col)} {text!r} → extra (kept with each risk, not checked)")
    return "\n".join(lines)


def _style(text: str, on: bool, fg: str | None = None, bold: bool = False) -> str:
    if not on:
        return text
    import click

    return click.style(text, fg=fg, bold=bold)
