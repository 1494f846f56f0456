"""The check behind the web page, run as a child process: `python -m riskbook.serve.worker JOBFOLDER`.

It reads the job's register through riskbook's own guarded readers, validates it as
`riskbook validate` does, and writes result.json: the report, the register sheet as the page
shows it (each cell named as in Excel, each finding's cell marked), the matrix and the scheme
in words. A file riskbook refuses ends it with the CLI's one line on stderr and exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from riskbook.errors import RiskbookError
from riskbook.model import cell_name, column_letter
from riskbook.report import Report
from riskbook.scheme.types import Scheme

MAX_ROWS_SHOWN = 500  # rows of the sheet drawn on the page; rows holding a finding are drawn whatever their number
MAX_COLUMNS_SHOWN = 60
MAX_FINDINGS_SHOWN = 2_000  # listed on the page; the annotated copy and the JSON of `validate` hold them all
SHOWN_CHARACTERS = 120  # of a long cell, before the rest is folded under "more"


def main(folder: Path) -> int:
    settings = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    files = settings.get("files", {})
    try:
        report = _check(folder, settings, files)
        result = describe(report, _sheet_rows(report, folder / files["register"]))
    except RiskbookError as exc:
        from riskbook.xlsx.text import TERMINAL, safe_text

        print(safe_text(f"riskbook: {exc}", TERMINAL), file=sys.stderr)
        return 2
    result["input_name"] = settings.get("input_name", "")
    (folder / "result.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


def _check(folder: Path, settings: dict, files: dict[str, str]) -> Report:
    """What `riskbook validate` does: the one pipeline, last period's file read the same way."""
    from riskbook.pipeline import check_register

    return check_register(
        folder / files["register"],
        sheet=settings.get("sheet") or None,
        scheme=folder / files["scheme"] if "scheme" in files else None,  # none: a template's own, or the default
        previous=folder / files["previous"] if "previous" in files else None,
        as_of=dt.date.fromisoformat(settings["as_of"]) if settings.get("as_of") else None,
    )


def _sheet_rows(report: Report, path: Path) -> tuple[list[list[Any]], int, int]:
    """The sheet's first rows as read: the cells the register kept, or (an .xlsx, its bytes as read, which
    passed riskbook's guards) no more rows than the page draws, so a large register costs little."""
    register = report.register
    if register.sheet_cells is not None:
        return register.sheet_cells
    import io

    import python_calamine

    wanted = register.header_row + 1 + MAX_ROWS_SHOWN
    package = register.package
    workbook = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package))
        if package is not None
        else python_calamine.CalamineWorkbook.from_path(str(path))
    )
    sheet = workbook.get_sheet_by_name(register.sheet)
    return sheet.to_python(skip_empty_area=False, nrows=wanted), 0, 0


def describe(report: Report, sheet: tuple[list[list[Any]], int, int]) -> dict[str, Any]:
    """Everything the page shows, as plain data (at most MAX_FINDINGS_SHOWN findings listed; all counted)."""
    register = report.register
    summary = report.as_dict()
    summary["findings_listed"] = min(len(summary["findings"]), MAX_FINDINGS_SHOWN)
    summary["findings"] = summary["findings"][:MAX_FINDINGS_SHOWN]
    return {
        "report": summary,
        "columns": dict(register.column_headers),
        "extra_columns": [header for _, header in register.extra_columns],
        "bands": _band_counts(report),
        "sheet": _sheet_view(report, sheet),
        "matrix": _matrix(report),
        "scheme": scheme_in_words(register.scheme),
    }


def _band_counts(report: Report) -> list[dict[str, Any]]:
    counts = {band.name: 0 for band in report.scheme.bands}
    unscored = 0
    for assessed in report.assessed:
        if assessed.band is None:
            unscored += 1
        else:
            counts[assessed.band.name] += 1
    rows = [{"band": name, "count": n} for name, n in counts.items()]
    if unscored:
        rows.append({"band": "No score", "count": unscored})
    return rows


def _sheet_view(report: Report, sheet: tuple[list[list[Any]], int, int]) -> dict[str, Any]:
    """The register sheet from its header row down, its first MAX_ROWS_SHOWN filled rows: each cell with
    its A1 name and the findings marked on it."""
    rows, first_row, first_col = sheet
    register = report.register
    header_index = register.header_row - first_row
    shown = []
    for index in range(header_index + 1, len(rows)):
        if len(shown) == MAX_ROWS_SHOWN:
            break
        if any(_text(v) for v in rows[index]):
            shown.append(index)
    drawn_cells = set()
    width = min(MAX_COLUMNS_SHOWN, max((len(r) for r in rows), default=0) + first_col)
    for index in shown:
        drawn_cells.update(cell_name(first_row + index, c) for c in range(width))
    marks: dict[str, list[dict[str, str]]] = {}
    for finding in report.findings:
        if finding.sheet == register.sheet and finding.cell in drawn_cells:
            marks.setdefault(finding.cell, []).append(
                {"severity": finding.severity, "code": finding.code, "message": finding.message}
            )
    header = rows[header_index] if 0 <= header_index < len(rows) else []
    return {
        "name": register.sheet,
        "header_row": register.header_row + 1,
        "columns": [
            {
                "letter": column_letter(c),
                "header": _text(header[c - first_col]) if 0 <= c - first_col < len(header) else "",
            }
            for c in range(width)
        ],
        "rows": [
            {
                "number": first_row + index + 1,
                "cells": [_cell(first_row + index, c, rows[index], first_col, marks) for c in range(width)],
            }
            for index in shown
        ],
        "sheet_marks": [
            {"severity": f.severity, "code": f.code, "message": f.message} for f in report.findings if not f.cell
        ],
    }


def _cell(row: int, col: int, values: list[Any], first_col: int, marks: dict) -> dict[str, Any]:
    name = cell_name(row, col)
    index = col - first_col
    value = values[index] if 0 <= index < len(values) else None
    text = _text(value)
    head, rest = _split_long(text)
    return {"name": name, "text": head, "more": rest, "marks": marks.get(name, [])}


def _split_long(text: str, keep: int = SHOWN_CHARACTERS) -> tuple[str, str]:
    """A long narrative cell as its first words and the rest (the page folds the rest away; nothing is cut)."""
    if len(text) <= keep + 40:
        return text, ""
    cut = text.rfind(" ", 0, keep)
    cut = cut if cut > keep // 2 else keep
    return text[:cut], text[cut:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "".join(ch for ch in str(value) if ch in "\n\t" or ch.isprintable())


def _matrix(report: Report) -> dict[str, Any]:
    """Impact (rows, highest first) × likelihood (columns) counts, each cell with its band and colour."""
    scheme = report.scheme
    counts: dict[tuple[int, int], int] = {}
    for assessed in report.assessed:
        impact, likelihood = assessed.risk.impact, assessed.risk.likelihood
        if impact is not None and likelihood is not None:
            counts[impact, likelihood] = counts.get((impact, likelihood), 0) + 1
    impacts = sorted(scheme.impact_labels, reverse=True)
    likelihoods = sorted(scheme.likelihood_labels)
    grid = []
    band_index = {band.name: index for index, band in enumerate(scheme.bands, 1)}
    for impact in impacts:
        cells = []
        for likelihood in likelihoods:
            band = scheme.band(scheme.score_for(impact, likelihood))
            cells.append(
                {
                    "count": counts.get((impact, likelihood), 0),
                    "band": band.name if band else "",
                    "band_index": band_index[band.name] if band else 0,
                }
            )
        grid.append({"label": scheme.impact_label(impact), "cells": cells})
    return {
        "impact_axis": scheme.impact_scale.axis if scheme.impact_scale else "Impact",
        "likelihood_axis": scheme.likelihood_scale.axis if scheme.likelihood_scale else "Likelihood",
        "likelihoods": [scheme.likelihood_label(v) for v in likelihoods],
        "rows": grid,
    }


def _colour(value: str) -> str:
    value = value.strip().lstrip("#")
    return f"#{value[-6:]}" if len(value) >= 6 and all(c in "0123456789abcdefABCDEF" for c in value[-6:]) else "#ffffff"


def scheme_in_words(scheme: Scheme) -> dict[str, Any]:
    """The scheme as the Help part of the page says it."""
    return {
        "name": scheme.name,
        "score_rule": scheme.score_rule,
        "impact": [{"value": v, "label": label} for v, label in sorted(scheme.impact_labels.items())],
        "likelihood": [{"value": v, "label": label} for v, label in sorted(scheme.likelihood_labels.items())],
        "bands": [
            {
                "name": band.name,
                "scores": str(band.min) if band.min == band.max else f"{band.min}–{band.max}",
                "review_months": band.review_months,
                "fill": _colour(band.fill),
                "font": _colour(band.font),
            }
            for band in scheme.bands
        ],
        "statuses": [{"name": status.name, "meaning": status.meaning} for status in scheme.statuses],
        "reference_example": scheme.reference_example,
    }


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
