"""The owner's own workbook back, with each finding marked on its cell and listed on a Findings sheet.

The copy is made by changing the owner's .xlsx package, not by re-saving it: only the register
sheet (the marked cells' styles, a conditional format that keeps the marks visible, the link to
the notes), the stylesheet (styles appended), the notes, the new Findings sheet, the workbook's
sheet list and the parts that point at them change; every other part (stored formula results,
pictures, charts, threaded comments, pivot caches, custom XML) is copied byte for byte. Other
sheets lose only their "selected" flag, so that Excel does not open them grouped with Findings.
.xls, .ods and .csv inputs are first written as a plain .xlsx of the register sheet's values.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskbook.check.findings import Finding
from riskbook.errors import OutputError
from riskbook.limits import EXCEL_CELL_LIMIT, column_letters
from riskbook.outputs.annotate_notes import add_notes
from riskbook.outputs.annotate_palette import AUTHOR, ERROR, WARNING, Mark, Palette, mark_cells
from riskbook.outputs.annotate_sheet import findings_sheet, findings_sheet_name, workbook_with_findings
from riskbook.report import Report
from riskbook.source.files import check_output
from riskbook.xlsx import marks as marks_style
from riskbook.xlsx.package_edit import (
    MACRO_MAIN_CT,
    MAIN_NS,
    PLAIN_MAIN_CT,
    REL_NS,
    WORKSHEET_CT,
    WORKSHEET_REL,
    Package,
    Unsupported,
    prefix_of,
)
from riskbook.xlsx.sheet_edit import (
    Styles,
    merged_ranges,
    split_cell,
    without_tab_selected,
)
from riskbook.xlsx.text import CELL, safe_text
from riskbook.xlsx.writer import atomic_path


def annotate_workbook(report: Report, output: str | os.PathLike[str]) -> Path:
    """Write a copy of the register's workbook with every finding marked. The input is never written.

    An .xlsx package is opened again under the size limit the register was read under; any other
    source is written from the cells the register kept, never read again.
    """
    output = Path(output)
    register = report.register
    source = Path(register.path)
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the annotated copy must end .xlsx")
    check_output(output, [source, report.previous.path if report.previous else None])
    if register.package is None and register.sheet_cells is None:
        raise OutputError(
            f"{source}: read with keep_package=False, so riskbook no longer holds the workbook to mark; "
            "read it again with keep_package=True"
        )
    with atomic_path(output) as temp:
        if register.package is not None:
            _annotate_package(register.package, str(source), register.sheet, report, temp, register.max_bytes)
        else:
            with tempfile.TemporaryDirectory(prefix="plain-", dir=temp.parent) as folder:
                plain = Path(folder) / "register.xlsx"
                sheet = _plain_copy(report, register.sheet_cells, plain)
                _annotate_package(plain.read_bytes(), str(source), sheet, report, temp)
    return output


def _plain_copy(report: Report, cells: tuple[list[list[Any]], int, int], target: Path) -> str:
    """.xls, .ods and .csv inputs: their register sheet's values, cell for cell, in a new .xlsx
    written by riskbook's own writer (text stays text, as everywhere)."""
    from riskbook.xlsx.writer import Book

    rows, row0, col0 = cells
    book = Book(target)
    sheet = book.add_sheet(report.register.sheet)  # a CSV's sheet is named after its file
    continued = _Continued(book, sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in ("", None):
                continue
            if isinstance(value, str):
                continued.write(row0 + r, col0 + c, value)
            else:
                sheet.value(row0 + r, col0 + c, value)
    book.close()
    return sheet.name


class _Continued:
    """A cell longer than Excel's 32,767 characters (a CSV, .xls or .ods cell can be): the cell
    holds its first part and says where the rest is; a "Long text" sheet holds the rest, part by
    part along the cell's row, so the copy keeps every character (a note is limited as a cell is)."""

    NOTE = " … (continued on the Long text sheet, row {row})"

    def __init__(self, book, sheet):
        self.book = book
        self.sheet = sheet
        self.long_text = None
        self.rows = 1  # the Long text sheet's header row

    def write(self, row: int, col: int, text: str) -> None:
        from riskbook.model import cell_name
        from riskbook.xlsx.writer import split_long_text

        text = safe_text(text, CELL)
        if len(text) <= EXCEL_CELL_LIMIT:
            self.sheet.text(row, col, text)
            return
        if self.long_text is None:
            self.long_text = self.book.add_sheet("Long text")
            for number, header in enumerate(("Cell", "Characters", "Continued text, part 2 onwards")):
                self.long_text.text(0, number, header)
        self.rows += 1
        pieces = split_long_text(text, 1, EXCEL_CELL_LIMIT - 100)
        self.sheet.text(row, col, pieces[0] + self.NOTE.format(row=self.rows))
        self.long_text.text(self.rows - 1, 0, f"{self.sheet.name}!{cell_name(row, col)}")
        self.long_text.number(self.rows - 1, 1, len(text))
        for number, piece in enumerate(pieces[1:], start=2):
            self.long_text.text(self.rows - 1, number, piece)


# What is marked where.


def _marks(report: Report, merged: list[tuple[int, int, int, int]]) -> dict[str, Mark]:
    """Each marked cell's note and colour: its own findings, and on a reference cell the risk's findings."""
    by_cell: dict[str, list[Finding]] = defaultdict(list)
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.sheet != report.register.sheet:  # a cell of last period's (or an earlier period's) file
            continue
        if finding.cell and ":" not in finding.cell and not finding.cell.isdigit():
            by_cell[_anchor(finding.cell, merged)].append(finding)
        if finding.row >= 0:
            by_row[finding.row].append(finding)
    reference_cells: dict[str, list[Finding]] = defaultdict(list)
    if report.register.has("reference"):
        for risk in report.register.risks:
            if by_row.get(risk.row):
                reference_cells[_anchor(report.register.cell(risk.row, "reference"), merged)].extend(by_row[risk.row])
    marks = {}
    for coordinate in sorted(set(by_cell) | set(reference_cells), key=split_cell):
        own = by_cell.get(coordinate, [])
        lines = [f"{f.severity.upper()} [{f.code}]: {f.message}" for f in own]
        row_findings = reference_cells.get(coordinate)
        if row_findings:
            lines.append(
                f"This risk has {len(row_findings)} finding{'s' if len(row_findings) != 1 else ''}: "
                + ", ".join(f"{f.cell} {f.code}" for f in row_findings)
            )
        worst = own + (row_findings or [])
        marks[coordinate] = Mark(ERROR if any(f.severity == "error" for f in worst) else WARNING, lines)
    return marks


def _anchor(cell: str, merged: list[tuple[int, int, int, int]]) -> str:
    """Findings on a merged cell belong to the range's top-left cell, the only one that holds anything."""
    row, col = split_cell(cell)
    for r1, c1, r2, c2 in merged:
        if r1 <= row <= r2 and c1 <= col <= c2:
            return f"{column_letters(c1)}{r1}"
    return cell


# The package.


def _annotate_package(
    data: bytes, display: str, sheet_name: str, report: Report, target: Path, max_bytes: int | None = None
) -> None:
    """Edit the package (data: its bytes, as read and checked; display: the file they came from) into target."""
    from riskbook.source.package import MAX_UNCOMPRESSED_BYTES, check_archive, check_no_dtd

    try:
        package = Package.open(io.BytesIO(data))
    except Unsupported as exc:
        raise OutputError(f"{display}: cannot make the annotated copy: {exc}") from exc
    try:
        check_archive(package.zf, display, max_bytes=max_bytes or MAX_UNCOMPRESSED_BYTES)
        check_no_dtd(package.zf, display)
        _edit(package, sheet_name, report)
        package.save(target)
    except Unsupported as exc:
        raise OutputError(f"{display}: cannot make the annotated copy: {exc}") from exc
    finally:
        package.close()


@dataclass
class _Workbook:
    part: str  # xl/workbook.xml, from the package's root relationships
    sheets: list[tuple[str, str]]  # (name, part) in tab order


def _workbook(package: Package) -> _Workbook:
    from defusedxml import ElementTree

    main = next(
        (target for _, kind, target, _ in package.relationships("") if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    targets = {rid: target for rid, _, target, _ in package.relationships(main)}
    try:
        root = ElementTree.fromstring(package.read(main))
    except Unsupported:
        raise
    except Exception as exc:
        raise Unsupported(f"{main} is unreadable ({type(exc).__name__})") from exc
    sheets = [
        (element.get("name", ""), targets.get(element.get(f"{{{REL_NS}}}id", ""), ""))
        for element in root.iter(f"{{{MAIN_NS}}}sheet")
    ]
    if not sheets:
        raise Unsupported(f"{main} lists no sheets (or is not in the transitional namespace)")
    return _Workbook(main, sheets)


def _edit(package: Package, sheet_name: str, report: Report) -> None:
    book = _workbook(package)
    part = next((p for name, p in book.sheets if name == sheet_name), None)
    if part is None:
        raise Unsupported(f"the workbook has no sheet {sheet_name!r}")
    _drop_macros(package, book.part)
    styles_part = next(
        (t for _, kind, t, _ in package.relationships(book.part) if kind.endswith("/styles")), "xl/styles.xml"
    )
    styles = Styles.parse(package.read(styles_part))
    xml = package.read(part)
    prefix = prefix_of(xml, b"worksheet")
    marks = _marks(report, merged_ranges(xml, prefix))
    palette = Palette(styles)
    if marks:
        xml = mark_cells(xml, prefix, marks, palette)
        xml = add_notes(package, part, xml, prefix, marks)
        texts = {cell: "\n".join(mark.lines) for cell, mark in marks.items()}
        marks_style.reply_in_threads(package, part, book.part, texts, AUTHOR)
    for _, other in book.sheets:
        if other and other != part and package.has(other):
            _unselect(package, other)
    xml = without_tab_selected(xml, prefix)
    package.write(part, xml)
    findings_part = package.unique_name("xl/worksheets/findings", ".xml")
    findings_name = findings_sheet_name([name for name, _ in book.sheets])
    package.write(findings_part, findings_sheet(report, sheet_name, palette))
    package.add_content_type(findings_part, WORKSHEET_CT)
    rid = package.add_relationship(book.part, WORKSHEET_REL, findings_part)
    package.write(book.part, workbook_with_findings(package.read(book.part), findings_name, rid))
    palette.write_formats()
    package.write(styles_part, styles.xml)


def _drop_macros(package: Package, workbook_part: str) -> None:
    """An .xlsm's copy is a plain .xlsx: its VBA project is left out."""
    for _, kind, target, _ in package.relationships(workbook_part):
        if kind.endswith("/vbaProject"):
            package.drop(target)
            rels = package.rels_name(target)
            if package.has(rels):
                for _, _, signed, _ in package.relationships(target):
                    package.drop(signed)
                package.drop(rels)
    package.remove_relationships(workbook_part, "/vbaProject")
    types = package.read("[Content_Types].xml")
    if MACRO_MAIN_CT.encode() in types:
        types = types.replace(MACRO_MAIN_CT.encode(), PLAIN_MAIN_CT.encode())
        types = re.sub(rb'<Override\s[^>]*PartName="[^"]*vba[^"]*"[^>]*/>', b"", types, flags=re.I)
        package.write("[Content_Types].xml", types)


def _unselect(package: Package, part: str) -> None:
    head = package.zf.open(part).read(65536) if part not in package.changed else package.read(part)[:65536]
    if b"tabSelected" not in head:
        return
    xml = package.read(part)
    root = re.search(rb"<(\w+:)?(worksheet|chartsheet|dialogsheet)[\s>]", xml)
    prefix = (root.group(1) or b"") if root else b""
    package.write(part, without_tab_selected(xml, prefix))
