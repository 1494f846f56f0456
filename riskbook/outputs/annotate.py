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
from riskbook.report import Report
from riskbook.source.files import check_output
from riskbook.xlsx import marks as marks_style
from riskbook.xlsx.package_edit import (
    COMMENTS_CT,
    COMMENTS_REL,
    MACRO_MAIN_CT,
    MAIN_NS,
    PLAIN_MAIN_CT,
    REL_NS,
    VML_CT,
    VML_REL,
    WORKSHEET_CT,
    WORKSHEET_REL,
    Package,
    Unsupported,
    end_of_tag,
    find_element,
    get_attribute,
    ns_prefix,
    prefix_of,
    set_attribute,
    xml_text,
)
from riskbook.xlsx.sheet_edit import (
    Styles,
    add_first_conditional_formats,
    add_legacy_drawing,
    cloned_xf,
    merged_ranges,
    restyle_cells,
    split_cell,
    without_tab_selected,
)
from riskbook.xlsx.text import CELL, safe_text
from riskbook.xlsx.writer import atomic_path

HEADER_FILL = "1F3864"
LINK_COLOUR = "0B4F9C"
AUTHOR = "riskbook"
FINDINGS = "Findings"
ERROR, WARNING = 0, 1  # severity indexes of the marks


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
    with atomic_path(output) as temp:
        if register.sheet_cells is None:
            _annotate_package(source, register.sheet, report, temp, register.max_bytes)
        else:
            with tempfile.TemporaryDirectory(prefix="plain-", dir=temp.parent) as folder:
                plain = Path(folder) / "register.xlsx"
                sheet = _plain_copy(report, register.sheet_cells, plain)
                _annotate_package(plain, sheet, report, temp)
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


@dataclass
class Mark:
    severity: int  # ERROR or WARNING
    lines: list[str]


def _marks(report: Report, merged: list[tuple[int, int, int, int]]) -> dict[str, Mark]:
    """Each marked cell's note and colour: its own findings, and on a reference cell the risk's findings."""
    by_cell: dict[str, list[Finding]] = defaultdict(list)
    by_row: dict[int, list[Finding]] = defaultdict(list)
    for finding in report.findings:
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
    source: Path, sheet_name: str, report: Report, target: Path, max_bytes: int | None = None
) -> None:
    from riskbook.source.package import MAX_UNCOMPRESSED_BYTES, check_archive, check_no_dtd

    try:
        package = Package.open(source)
    except Unsupported as exc:
        raise OutputError(f"{source}: cannot make the annotated copy: {exc}") from exc
    try:
        check_archive(package.zf, str(source), max_bytes=max_bytes or MAX_UNCOMPRESSED_BYTES)
        check_no_dtd(package.zf, str(source))
        _edit(package, sheet_name, report)
        package.save(target)
    except Unsupported as exc:
        raise OutputError(f"{source}: cannot make the annotated copy: {exc}") from exc
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
    palette = _Palette(styles)
    if marks:
        xml = _mark_cells(xml, prefix, marks, palette)
        xml = _add_notes(package, part, xml, prefix, marks)
        texts = {cell: "\n".join(mark.lines) for cell, mark in marks.items()}
        marks_style.reply_in_threads(package, part, book.part, texts, AUTHOR)
    for _, other in book.sheets:
        if other and other != part and package.has(other):
            _unselect(package, other)
    xml = without_tab_selected(xml, prefix)
    package.write(part, xml)
    findings_part = package.unique_name("xl/worksheets/findings", ".xml")
    findings_name = _findings_name([name for name, _ in book.sheets])
    package.write(findings_part, _findings_sheet(report, sheet_name, palette))
    package.add_content_type(findings_part, WORKSHEET_CT)
    rid = package.add_relationship(book.part, WORKSHEET_REL, findings_part)
    package.write(book.part, _workbook_with_findings(package.read(book.part), findings_name, rid))
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


class _Palette:
    """The styles the marks and the Findings sheet use, appended to the owner's stylesheet once each."""

    def __init__(self, styles: Styles):
        self.styles = styles
        p = styles.prefix
        later = ("borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
        self.xfs = styles.children(b"cellXfs", b"xf")
        if not self.xfs:
            raise Unsupported("styles.xml has no cell formats")
        fills = [marks_style.pattern_fill(p, ERROR), marks_style.pattern_fill(p, WARNING), _solid_fill(p, HEADER_FILL)]
        first_fill = styles.append(b"fills", fills, later[1:])
        self.fill = {ERROR: first_fill, WARNING: first_fill + 1, "header": first_fill + 2}
        first_border = styles.append(
            b"borders", [marks_style.border(p, ERROR), marks_style.border(p, WARNING)], later[2:]
        )
        self.border = {ERROR: first_border, WARNING: first_border + 1}
        fonts = [_font(p, styles, b"b", "FFFFFF"), _font(p, styles, b"u", LINK_COLOUR)]
        first_font = styles.append(b"fonts", fonts, ("fills", *later))
        self.font = {"header": first_font, "link": first_font + 1}
        dxfs = [marks_style.dxf(p, ERROR), marks_style.dxf(p, WARNING)]
        first_dxf = styles.append(b"dxfs", dxfs, ("tableStyles", "colors", "extLst"))
        self.dxf = {ERROR: first_dxf, WARNING: first_dxf + 1}
        self._formats = _number_formats(styles)
        self._glyph_formats: dict[tuple[int, int], int] = {}
        self._cloned: dict[tuple[int, int], int] = {}
        # New cell formats are numbered as they are made and appended together by write_formats: appending
        # each on its own rewrote the stylesheet once per format, quadratic in the formats a sheet uses.
        self._new_xfs: list[bytes] = []
        self._new_numfmts: list[bytes] = []  # likewise the glyph number formats, appended together
        self._next_numfmt = max([163, *self._formats]) + 1
        self._named: dict[str, int] = {}

    def marked(self, style: int, severity: int) -> int:
        """The cell format like `style` with the severity's mark: striped fill, border and the glyph before
        the value (one per pair, made on first use)."""
        key = (style, severity)
        if key not in self._cloned:
            original = self.xfs[style] if style < len(self.xfs) else self.xfs[0]
            xf = cloned_xf(original, self.fill[severity])
            head_end = end_of_tag(xf, 0)
            head = set_attribute(xf[:head_end], b"borderId", str(self.border[severity]).encode())
            head = set_attribute(head, b"applyBorder", b"1")
            number = get_attribute(head, b"numFmtId")
            glyph = self._glyph_format(int(number) if number and number.isdigit() else 0, severity)
            head = set_attribute(head, b"numFmtId", str(glyph).encode())
            head = set_attribute(head, b"applyNumberFormat", b"1")
            self._cloned[key] = self._add_xf(head + xf[head_end:])
        return self._cloned[key]

    def _glyph_format(self, number_format: int, severity: int) -> int:
        """A number format showing the severity's glyph before what number_format shows (made once each)."""
        key = (number_format, severity)
        if key not in self._glyph_formats:
            code = marks_style.with_glyph(marks_style.format_code(number_format, self._formats), severity)
            new_id, self._next_numfmt = self._next_numfmt, self._next_numfmt + 1
            p = self.styles.prefix
            element = b"<" + p + b'numFmt numFmtId="' + str(new_id).encode() + b'" formatCode="'
            element += xml_text(code).encode() + b'"/>'
            self._new_numfmts.append(element)
            self._glyph_formats[key] = new_id
        return self._glyph_formats[key]

    def named(self, name: str) -> int:
        """The Findings sheet's formats: header, text, link, error and warning."""
        if name not in self._named:
            p = self.styles.prefix
            wrap = b"<" + p + b'alignment vertical="top" wrapText="1"/>'
            font, fill = {
                "header": (self.font["header"], self.fill["header"]),
                "link": (self.font["link"], 0),
                "error": (0, self.fill[ERROR]),
                "warning": (0, self.fill[WARNING]),
            }.get(name, (0, 0))
            xf = (
                b"<" + p + b'xf numFmtId="0" fontId="' + str(font).encode() + b'" fillId="' + str(fill).encode()
                + b'" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">' + wrap + b"</" + p
                + b"xf>"
            )  # fmt: skip
            self._named[name] = self._add_xf(xf)
        return self._named[name]

    def _add_xf(self, xf: bytes) -> int:
        self._new_xfs.append(xf)
        return len(self.xfs) + len(self._new_xfs) - 1

    def write_formats(self) -> None:
        """Append the number and cell formats made so far to the stylesheet, in the order they were numbered."""
        if self._new_numfmts:
            self.styles.append(b"numFmts", self._new_numfmts, ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs"))
            self._new_numfmts = []
        first = self.styles.append(b"cellXfs", self._new_xfs, ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"))
        if self._new_xfs and first != len(self.xfs):
            raise Unsupported("styles.xml: its cell formats could not be counted")
        self._new_xfs = []


def _number_formats(styles: Styles) -> dict[int, str]:
    """The workbook's own number formats, by id."""
    from html import unescape

    found = {}
    for element in styles.children(b"numFmts", b"numFmt"):
        number, code = get_attribute(element, b"numFmtId"), get_attribute(element, b"formatCode")
        if number and number.isdigit() and code is not None:
            found[int(number)] = unescape(code.decode("utf-8", "replace"))
    return found


def _font(p: bytes, styles: Styles, flag: bytes, colour: str) -> bytes:
    """The workbook's default font (its size and name) made bold or underlined, in a colour."""
    fonts = styles.children(b"fonts", b"font")
    base = fonts[0] if fonts else b""
    keep = b"".join(
        re.findall(rb"<(?:\w+:)?(?:sz|name|family|charset|scheme)\s[^>]*/>", base)
    )  # in the schema's order after colour, except sz, which comes before it
    size = re.search(rb"<(?:\w+:)?sz\s[^>]*/>", keep)
    rest = keep.replace(size.group(0), b"") if size else keep
    colour_tag = b"<" + p + b'color rgb="FF' + colour.encode() + b'"/>'
    return (
        b"<"
        + p
        + b"font><"
        + p
        + flag
        + b"/>"
        + (size.group(0) if size else b"")
        + colour_tag
        + rest
        + b"</"
        + p
        + b"font>"
    )


def _solid_fill(p: bytes, colour: str) -> bytes:
    rgb = b"FF" + colour.encode()
    return (
        b"<" + p + b'fill><' + p + b'patternFill patternType="solid"><' + p + b'fgColor rgb="' + rgb + b'"/><' + p
        + b'bgColor indexed="64"/></' + p + b"patternFill></" + p + b"fill>"
    )  # fmt: skip


def _mark_cells(xml: bytes, prefix: bytes, marks: dict[str, Mark], palette: _Palette) -> bytes:
    targets: dict[int, dict[int, int]] = defaultdict(dict)
    by_severity: dict[int, list[str]] = defaultdict(list)
    for coordinate, mark in marks.items():
        row, col = split_cell(coordinate)
        targets[row][col] = mark.severity
        by_severity[mark.severity].append(coordinate)
    xml = restyle_cells(xml, prefix, targets, palette.marked)
    rules = [(" ".join(cells), palette.dxf[severity]) for severity, cells in sorted(by_severity.items())]
    return add_first_conditional_formats(xml, prefix, rules)


# Notes: a comments part and its VML drawing, new or merged into the sheet's own.

_VML_HEAD = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
)
_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;'
    'width:270pt;height:{height}pt;z-index:{id};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:Anchor>{c1}, 15, {r0}, 2, {c2}, 15, {r1}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
    "<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
)


def _add_notes(package: Package, part: str, xml: bytes, prefix: bytes, marks: dict[str, Mark]) -> bytes:
    rels = package.relationships(part)
    comments = next((t for _, kind, t, _ in rels if kind == COMMENTS_REL), None)
    vml = _notes_drawing(xml, prefix, rels)
    texts = {cell: "\n".join(mark.lines) for cell, mark in marks.items()}
    if comments is None:
        comments = package.unique_name("xl/comments", ".xml")
        package.write(comments, _new_comments(texts))
        package.add_content_type(comments, COMMENTS_CT)
        package.add_relationship(part, COMMENTS_REL, comments)
        already: set[str] = set()
    else:
        merged, already = _merged_comments(package.read(comments), texts)
        package.write(comments, merged)
    shapes = {cell: text for cell, text in texts.items() if cell not in already}
    if vml is None:
        vml = package.unique_name("xl/drawings/vmlDrawing", ".vml")
        block = _free_idmap_block(package)
        body = _VML_HEAD.format(block=block) + _SHAPETYPE + _shapes(shapes, block) + "</xml>"
        package.write(vml, body.encode("utf-8"))
        if not package.has_default_type("vml"):
            package.add_default_type("vml", VML_CT)
        rid = package.add_relationship(part, VML_REL, vml)
        xml = add_legacy_drawing(xml, prefix, ns_prefix(xml, REL_NS), rid)
    elif shapes:
        package.write(vml, _merged_vml(package, package.read(vml), shapes))
    return xml


def _notes_drawing(xml: bytes, prefix: bytes, rels) -> str | None:
    """The VML part the sheet's <legacyDrawing> names (not the header and footer's <legacyDrawingHF>), if any."""
    start = find_element(xml, prefix, b"legacyDrawing", max(xml.rfind(b"sheetData>"), 0))
    if start < 0:
        return None
    tag = xml[start : end_of_tag(xml, start)]
    match = re.search(rb'\s[\w]+:id="([^"]*)"', tag)
    rid = match.group(1).decode() if match else ""
    found = next((target for found, kind, target, _ in rels if found == rid and kind == VML_REL), None)
    if found is None:
        raise Unsupported("the sheet's <legacyDrawing> names no VML drawing")
    return found


def _note_height(text: str) -> int:
    return min(400, 30 + 12 * (text.count("\n") + 1 + len(text) // 60))


def _shapes(texts: dict[str, str], block: int) -> str:
    shapes = []
    for n, (cell, text) in enumerate(texts.items()):
        row, col = split_cell(cell)
        shape_id = block * 1024 + 1 + n
        rows = max(4, _note_height(text) // 15)
        shapes.append(
            _SHAPE.format(
                id=shape_id,
                height=_note_height(text),
                c1=col,
                c2=col + 4,
                r0=max(row - 2, 0),
                r1=row + rows,
                row=row - 1,
                col=col - 1,
            )
        )
    return "".join(shapes)


def _free_idmap_block(package: Package) -> int:
    """A block of VML shape ids no other drawing in the workbook uses."""
    used = {0}
    for name in package.names:
        if name.lower().endswith(".vml"):
            head = package.read(name)[:4096]
            match = re.search(rb'idmap\s[^>]*data="([\d,\s]+)"', head)
            if match:
                used |= {int(n) for n in re.findall(rb"\d+", match.group(1))}
    return max(used) + 1


def _merged_vml(package: Package, vml: bytes, shapes: dict[str, str]) -> bytes:
    block = _free_idmap_block(package)
    match = re.search(rb'(idmap\s[^>]*data=")([\d,\s]*)(")', vml)
    if match:
        vml = vml[: match.start(2)] + match.group(2) + b"," + str(block).encode() + vml[match.end(2) :]
    extra = _shapes(shapes, block)
    if b"_x0000_t202" not in vml:
        extra = _SHAPETYPE + extra
    close = vml.rfind(b"</xml>")
    if close < 0:
        raise Unsupported("the sheet's VML drawing has no </xml>")
    return _with_vml_prefixes(vml[:close]) + extra.encode("utf-8") + vml[close:]


_VML_PREFIXES = {
    b"v": b"urn:schemas-microsoft-com:vml",
    b"o": b"urn:schemas-microsoft-com:office:office",
    b"x": b"urn:schemas-microsoft-com:office:excel",
}


def _with_vml_prefixes(vml: bytes) -> bytes:
    """The drawing's root declares the v:, o: and x: prefixes the added shapes use (a drawing written
    by another library, such as openpyxl's with ns0: prefixes, may not)."""
    root = vml.find(b"<xml")
    end = vml.find(b">", root)
    if root < 0 or end < 0:
        raise Unsupported("the sheet's VML drawing has no <xml> root")
    tag = vml[root:end]
    missing = b"".join(
        b' xmlns:%s="%s"' % (prefix, uri)
        for prefix, uri in _VML_PREFIXES.items()
        if b"xmlns:" + prefix + b"=" not in tag
    )
    return vml[:end] + missing + vml[end:]


def _comment_text(text: str) -> str:
    return (
        '<text><r><rPr><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
        f'<t xml:space="preserve">{xml_text(text)}</t></r></text>'
    )


def _new_comments(texts: dict[str, str]) -> bytes:
    comments = "".join(
        f'<comment ref="{cell}" authorId="0">{_comment_text(text)}</comment>' for cell, text in texts.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
        f"<commentList>{comments}</commentList></comments>"
    ).encode()


def _merged_comments(xml: bytes, texts: dict[str, str]) -> tuple[bytes, set[str]]:
    """The sheet's own comments with riskbook's added: a cell that has one gets the finding appended to it."""
    p = prefix_of(xml, b"comments")
    authors_close = xml.find(b"</" + p + b"authors>")
    if authors_close < 0:
        raise Unsupported("the sheet's comments have no author list")
    author_id = xml[:authors_close].count(b"<" + p + b"author>") + xml[:authors_close].count(b"<" + p + b"author ")
    xml = xml[:authors_close] + b"<" + p + b"author>" + AUTHOR.encode() + b"</" + p + b"author>" + xml[authors_close:]
    # The end of each existing comment's text, by cell, found in one pass; runs are added from the last back.
    ends = {}
    for match in re.finditer(rb"<" + re.escape(p) + rb"""comment\s[^>]*?ref\s*=\s*["']([A-Za-z]+\d+)["']""", xml):
        cell = match.group(1).decode().upper()
        if cell in texts:
            ends[cell] = xml.find(b"</" + p + b"text>", match.end())
    for cell, close in sorted(ends.items(), key=lambda item: -item[1]):
        run = (
            b"<" + p + b"r><" + p + b'rPr><' + p + b'b/><' + p + b'sz val="9"/></' + p + b"rPr><" + p
            + b't xml:space="preserve">' + ("\n---\n" + xml_text(texts[cell])).encode() + b"</" + p + b"t></" + p
            + b"r>"
        )  # fmt: skip
        xml = xml[:close] + run + xml[close:]
    already = set(ends)
    new = "".join(
        f'<comment ref="{cell}" authorId="{author_id}">{_comment_text(text)}</comment>'
        for cell, text in texts.items()
        if cell not in already
    )
    if p:
        new = re.sub(r"<(/?)(?!/)", lambda m: "<" + m.group(1) + p.decode(), new)
    close = xml.rfind(b"</" + p + b"commentList>")
    if close < 0:
        raise Unsupported("the sheet's comments have no comment list")
    return xml[:close] + new.encode("utf-8") + xml[close:], already


# The Findings sheet and the workbook's sheet list.


def _findings_name(existing: list[str]) -> str:
    taken = {name.casefold() for name in existing}
    name, n = FINDINGS, 2
    while name.casefold() in taken:
        name, n = f"{FINDINGS} {n}", n + 1
    return name


def _findings_sheet(report: Report, sheet_title: str, palette: _Palette) -> bytes:
    quoted = sheet_title.replace("'", "''")  # an apostrophe in a sheet name is doubled in a reference
    header, text, link = palette.named("header"), palette.named("text"), palette.named("link")
    severity_style = {"error": palette.named("error"), "warning": palette.named("warning")}
    rows = [_row(1, ["Severity", "Code", "Reference", "Cell", "Message"], [header] * 5)]
    links = []
    for n, finding in enumerate(report.findings, start=2):
        location = f"{sheet_title}!{finding.cell}" if finding.cell else sheet_title
        message = _fitted(finding.message, f"{sheet_title}!{finding.cell}")
        values = [finding.severity, finding.code, finding.reference, location, message]
        rows.append(_row(n, values, [severity_style[finding.severity], text, text, link, text]))
        first_cell = finding.cell.split(":")[0] if finding.cell else "A1"
        if first_cell.isdigit():  # a whole row, such as the header row
            first_cell = f"A{first_cell}"
        target = xml_text(f"'{quoted}'!{first_cell}")
        links.append(f'<hyperlink ref="D{n}" location="{target}" display="{xml_text(location)}"/>')
    if not report.findings:
        rows.append(_row(2, ["", "", "", "", "No findings: the register is clean."], [text] * 5))
    last = max(2, len(report.findings) + 1)
    widths = (10, 22, 12, 16, 100)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:E{last}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{''.join(rows)}</sheetData>"
        f'<autoFilter ref="A1:E{last}"/>'
        + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
        + '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToHeight="0"/>'
        "</worksheet>"
    )
    return body.encode("utf-8")


def _fitted(message: str, cell: str) -> str:
    """A message for a Findings cell; one longer than a cell holds is kept whole in the note, and said so."""
    if len(message) <= EXCEL_CELL_LIMIT:
        return message
    note = f" … ({len(message):,} characters: the whole message is in the note on {cell})"
    return message[: EXCEL_CELL_LIMIT - len(note)] + note


def _row(n: int, values: list[str], styles: list[int]) -> str:
    cells = "".join(
        f'<c r="{column_letters(col)}{n}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}'
        "</t></is></c>"
        if value != ""
        else f'<c r="{column_letters(col)}{n}" s="{style}"/>'
        for col, (value, style) in enumerate(zip(values, styles, strict=True), start=1)
    )
    return f'<row r="{n}">{cells}</row>'


def _workbook_with_findings(xml: bytes, name: str, rid: str) -> bytes:
    """The workbook with the Findings sheet first, selected and shown; sheet-scoped names keep their sheets."""
    p = prefix_of(xml, b"workbook")
    r = ns_prefix(xml, REL_NS)
    ids = [int(n) for n in re.findall(rb'<(?:\w+:)?sheet\s[^>]*?sheetId="(\d+)"', xml)]
    sheet_id = max(ids, default=0) + 1
    if r is None:
        element = f'<{p.decode()}sheet xmlns:rb="{REL_NS}" name="{xml_text(name)}" sheetId="{sheet_id}" rb:id="{rid}"/>'
    else:
        element = f'<{p.decode()}sheet name="{xml_text(name)}" sheetId="{sheet_id}" {r.decode()}id="{rid}"/>'
    start = find_element(xml, p, b"sheets")
    if start < 0:
        raise Unsupported("workbook.xml has no sheet list")
    head_end = end_of_tag(xml, start)
    xml = xml[:head_end] + element.encode("utf-8") + xml[head_end:]
    # Names scoped to a sheet count sheets by position: every existing sheet moves one along.
    xml = re.sub(
        rb'(\slocalSheetId=")(\d+)(")', lambda m: m.group(1) + str(int(m.group(2)) + 1).encode() + m.group(3), xml
    )
    at = 0
    while True:
        view = find_element(xml, p, b"workbookView", at)
        if view < 0:
            break
        end = end_of_tag(xml, view)
        tag = set_attribute(xml[view:end], b"activeTab", b"0")
        if get_attribute(tag, b"firstSheet") is not None:
            tag = set_attribute(tag, b"firstSheet", b"0")
        xml = xml[:view] + tag + xml[end:]
        at = view + len(tag)
    return xml
