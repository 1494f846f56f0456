"""The styles the marks and the Findings sheet use, appended to the owner's stylesheet once each; the marked cells restyled."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from riskbook.xlsx import marks as marks_style
from riskbook.xlsx.package_edit import (
    Unsupported,
    end_of_tag,
    get_attribute,
    set_attribute,
    xml_text,
)
from riskbook.xlsx.sheet_edit import (
    Styles,
    add_first_conditional_formats,
    cloned_xf,
    restyle_cells,
    split_cell,
)

HEADER_FILL = "1F3864"
LINK_COLOUR = "0B4F9C"
AUTHOR = "riskbook"
FINDINGS = "Findings"
ERROR, WARNING = 0, 1  # severity indexes of the marks


@dataclass
class Mark:
    """A finding's mark on one cell: its severity and the note's lines."""

    severity: int  # ERROR or WARNING
    lines: list[str]


class Palette:
    """The styles the marks and the Findings sheet use, appended to the owner's stylesheet once each."""

    def __init__(self, styles: Styles):
        self.styles = styles
        p = styles.prefix
        later = ("borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
        self.xfs = styles.children(b"cellXfs", b"xf")
        if not self.xfs:
            raise Unsupported("styles.xml has no cell formats")
        fills = [marks_style.pattern_fill(p, ERROR), marks_style.pattern_fill(p, WARNING), solid_fill(p, HEADER_FILL)]
        first_fill = styles.append(b"fills", fills, later[1:])
        self.fill = {ERROR: first_fill, WARNING: first_fill + 1, "header": first_fill + 2}
        first_border = styles.append(
            b"borders", [marks_style.border(p, ERROR), marks_style.border(p, WARNING)], later[2:]
        )
        self.border = {ERROR: first_border, WARNING: first_border + 1}
        fonts = [font(p, styles, b"b", "FFFFFF"), font(p, styles, b"u", LINK_COLOUR)]
        first_font = styles.append(b"fonts", fonts, ("fills", *later))
        self.font = {"header": first_font, "link": first_font + 1}
        dxfs = [marks_style.dxf(p, ERROR), marks_style.dxf(p, WARNING)]
        first_dxf = styles.append(b"dxfs", dxfs, ("tableStyles", "colors", "extLst"))
        self.dxf = {ERROR: first_dxf, WARNING: first_dxf + 1}
        self._formats = number_formats(styles)
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


def number_formats(styles: Styles) -> dict[int, str]:
    """The workbook's own number formats, by id."""
    from html import unescape

    found = {}
    for element in styles.children(b"numFmts", b"numFmt"):
        number, code = get_attribute(element, b"numFmtId"), get_attribute(element, b"formatCode")
        if number and number.isdigit() and code is not None:
            found[int(number)] = unescape(code.decode("utf-8", "replace"))
    return found


def font(p: bytes, styles: Styles, flag: bytes, colour: str) -> bytes:
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


def solid_fill(p: bytes, colour: str) -> bytes:
    rgb = b"FF" + colour.encode()
    return (
        b"<" + p + b'fill><' + p + b'patternFill patternType="solid"><' + p + b'fgColor rgb="' + rgb + b'"/><' + p
        + b'bgColor indexed="64"/></' + p + b"patternFill></" + p + b"fill>"
    )  # fmt: skip


def mark_cells(xml: bytes, prefix: bytes, marks: dict[str, Mark], palette: Palette) -> bytes:
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
