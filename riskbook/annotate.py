"""The owner's own workbook back, with each finding marked on its cell and listed on a Findings sheet."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from pathlib import Path

from riskbook.errors import OutputError
from riskbook.findings import Finding
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.report import Report
from riskbook.xlsx.text import CELL, SHEET_NAME, safe_text
from riskbook.xlsx.writer import atomic_path, os_error_in, refuse_inputs_as_output

ERROR_FILL = "FFC7CE"  # Excel's own "bad" fill: black text on it has a contrast of 14:1
WARNING_FILL = "FFEB9C"
AUTHOR = "riskbook"


def annotate_workbook(report: Report, output: str | os.PathLike[str]) -> Path:
    """Write a copy of the register's workbook with every finding marked. The input is never written."""
    output = Path(output)
    source = Path(report.register.path)
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the annotated copy must end .xlsx")
    refuse_inputs_as_output(output, [source])
    workbook, sheet_title = _open_copy(report)
    sheet = workbook[sheet_title]
    _mark_cells(sheet, report)
    _add_findings_sheet(workbook, report, sheet_title)
    from riskbook.xlsx.tidy import tidy_package

    with atomic_path(output) as temp:
        try:
            workbook.save(temp)
        except Exception as exc:
            if os_error_in(exc) is not None:
                raise  # atomic_path says it in words about the output's folder
            raise OutputError(f"cannot write {output}: {exc}") from exc
        tidy_package(temp)
    return output


def _open_copy(report: Report):
    import openpyxl

    path = Path(report.register.path)
    with path.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if is_zip and path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            # keep_vba=False: macros are dropped, and the copy is a plain .xlsx.
            workbook = openpyxl.load_workbook(path, keep_vba=False, keep_links=False, rich_text=True)
            return workbook, report.register.sheet
        except Exception as exc:
            raise OutputError(f"{path}: cannot be copied for annotation ({_why_not_copied(exc, report)})") from exc
    return _workbook_from_grid(report)


def _why_not_copied(exc: Exception, report: Report) -> str:
    sheet = report.register.sheet
    if safe_text(sheet, SHEET_NAME) != sheet.strip():
        return f"its sheet name {sheet!r} is not one Excel allows; rename the sheet in Excel and save again"
    lines = str(exc).strip().splitlines() or [""]
    return f"{type(exc).__name__}: {lines[0]}"


def _workbook_from_grid(report: Report):
    """.xls, .ods and .csv inputs: their register sheet's values, cell for cell, in a new workbook."""
    import openpyxl

    from riskbook.source.grid import load_grid

    rows, row0, col0 = load_grid(report.register.path, report.register.sheet)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # A CSV's sheet is named after its file: make that a name Excel accepts.
    sheet.title = safe_text(report.register.sheet, SHEET_NAME)
    continued = _Continued(workbook)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in ("", None):
                continue
            cell = sheet.cell(row0 + r + 1, col0 + c + 1)
            if isinstance(value, str):
                continued.write(cell, value)
            else:
                cell.value = value
                if isinstance(value, dt.datetime | dt.date):
                    cell.number_format = "dd/mm/yyyy"
    return workbook, sheet.title


class _Continued:
    """A cell longer than Excel's 32,767 characters (a CSV, .xls or .ods cell can be): the cell
    holds its first part and says where the rest is; a "Long text" sheet holds the rest, part by
    part along the cell's row, so the copy keeps every character."""

    NOTE = " … (continued on the Long text sheet, row {row})"

    def __init__(self, workbook):
        self.workbook = workbook
        self.sheet = None

    def write(self, cell, value: str) -> None:
        from riskbook.xlsx.writer import split_long_text

        text = safe_text(value, CELL)
        if len(text) <= EXCEL_CELL_LIMIT:
            _text(cell, text)
            return
        if self.sheet is None:
            self.sheet = self.workbook.create_sheet("Long text")
            for col, header in enumerate(("Cell", "Characters", "Continued text, part 2 onwards"), start=1):
                _text(self.sheet.cell(1, col), header)
        row = self.sheet.max_row + 1
        pieces = split_long_text(text, 1, EXCEL_CELL_LIMIT - 100)
        _text(cell, pieces[0] + self.NOTE.format(row=row))
        _text(self.sheet.cell(row, 1), f"{cell.parent.title}!{cell.coordinate}")
        self.sheet.cell(row, 2).value = len(text)
        for col, piece in enumerate(pieces[1:], start=3):
            _text(self.sheet.cell(row, col), piece)


def _mark_cells(sheet, report: Report) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[str, list[Finding]] = defaultdict(list)
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.cell and ":" not in finding.cell:
            by_cell[finding.cell].append(finding)
        if finding.row >= 0:
            by_row[finding.row].append(finding)
    reference_cells = {
        report.register.cell(risk.row, "reference"): by_row[risk.row]
        for risk in report.register.risks
        if by_row.get(risk.row) and report.register.has("reference")
    }
    by_cell = _group_by_anchor(sheet, by_cell)
    reference_cells = _group_by_anchor(sheet, reference_cells)
    for coordinate in set(by_cell) | set(reference_cells):
        own = by_cell.get(coordinate, [])
        lines = [f"{f.severity.upper()} [{f.code}]: {f.message}" for f in own]
        row_findings = reference_cells.get(coordinate)
        if row_findings:
            lines.append(
                f"This risk has {len(row_findings)} finding{'s' if len(row_findings) != 1 else ''}: "
                + ", ".join(f"{f.cell} {f.code}" for f in row_findings)
            )
        worst = own + (row_findings or [])
        fill = ERROR_FILL if any(f.severity == "error" for f in worst) else WARNING_FILL
        cell = sheet[coordinate]
        cell.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
        text = safe_text("\n".join(lines), CELL)
        if cell.comment is not None:
            text = f"{cell.comment.text}\n---\n{text}"
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 360, min(400, 40 + 18 * text.count("\n") + len(text) // 3)
        cell.comment = comment


def _group_by_anchor(sheet, groups: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    """Findings on a merged cell belong to the range's top-left cell, the only one that holds anything."""
    merged = list(sheet.merged_cells.ranges)
    if not merged:
        return groups
    anchored: dict[str, list[Finding]] = defaultdict(list)
    for coordinate, findings in groups.items():
        cell = sheet[coordinate]
        anchor = next((r.start_cell.coordinate for r in merged if cell.coordinate in r), coordinate)
        anchored[anchor].extend(findings)
    return anchored


def _add_findings_sheet(workbook, report: Report, sheet_title: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    name = "Findings"
    n = 2
    while name in workbook.sheetnames:
        name, n = f"Findings {n}", n + 1
    sheet = workbook.create_sheet(name, 0)
    headers = ["Severity", "Code", "Reference", "Cell", "Message"]
    header_fill = PatternFill(fill_type="solid", start_color="1F3864", end_color="1F3864")
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(1, col)
        _text(cell, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    wrap = Alignment(wrap_text=True, vertical="top")
    quoted = sheet_title.replace("'", "''")  # an apostrophe in a sheet name is doubled in a reference
    for row, finding in enumerate(report.findings, start=2):
        values = [finding.severity, finding.code, finding.reference, f"{sheet_title}!{finding.cell}", finding.message]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col)
            _text(cell, value)
            cell.alignment = wrap
        target = sheet.cell(row, 4)
        first_cell = finding.cell.split(":")[0] if finding.cell else "A1"
        if first_cell.isdigit():  # a whole row, such as the header row
            first_cell = f"A{first_cell}"
        target.hyperlink = Hyperlink(ref=target.coordinate, location=f"'{quoted}'!{first_cell}", display=target.value)
        target.font = Font(color="0B4F9C", underline="single")
        fill = ERROR_FILL if finding.severity == "error" else WARNING_FILL
        sheet.cell(row, 1).fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
    if not report.findings:
        _text(sheet.cell(2, 5), "No findings: the register is clean.")
    for letter, width in zip("ABCDE", (10, 22, 12, 16, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:E{max(2, len(report.findings) + 1)}"
    workbook.active = 0


def _text(cell, value: str) -> None:
    cell.value = safe_text(value, CELL)
    cell.data_type = "s"  # never a formula, whatever the text starts with
