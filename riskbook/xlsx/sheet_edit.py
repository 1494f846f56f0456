"""Edits of a worksheet's and the stylesheet's XML as bytes: cell styles, new styles, conditional formats.

One pass over the sheet finds each row by its start tag (`bytes.find`), and only the rows
holding a marked cell are looked into; everything else is copied as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riskbook.limits import column_letters, column_number
from riskbook.xlsx.package_edit import (
    Unsupported,
    end_of_tag,
    find_element,
    get_attribute,
    insert_before_first,
    set_attribute,
)

_CELL_NAME = re.compile(r"^([A-Z]{1,3})(\d+)$")

# CT_Worksheet's elements after sheetData, in schema order: new elements go before the first later one present.
AFTER_SHEET_DATA = (
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
    "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "picture",
    "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)  # fmt: skip


def split_cell(name: str) -> tuple[int, int]:
    """(1-based row, 1-based column) of an A1 cell name."""
    match = _CELL_NAME.match(name)
    if match is None:
        raise Unsupported(f"not a cell name: {name}")
    letters, row = match.groups()
    return int(row), column_number(letters)


@dataclass
class Styles:
    """The stylesheet as bytes, with new fonts, fills, cell formats and differential formats appended."""

    xml: bytes
    prefix: bytes

    @classmethod
    def parse(cls, xml: bytes) -> Styles:
        from riskbook.xlsx.package_edit import prefix_of

        return cls(xml, prefix_of(xml, b"styleSheet"))

    def _section(self, name: bytes) -> tuple[int, int, int] | None:
        """(start of the start tag, end of the start tag, start of the closing tag) of a section, or None."""
        start = find_element(self.xml, self.prefix, name)
        if start < 0:
            return None
        head_end = end_of_tag(self.xml, start)
        if self.xml[head_end - 2 : head_end] == b"/>":
            return start, head_end, -1
        close = self.xml.find(b"</" + self.prefix + name + b">", head_end)
        if close < 0:
            raise Unsupported(f"styles.xml: <{name.decode()}> is not closed")
        return start, head_end, close

    def children(self, name: bytes, child: bytes) -> list[bytes]:
        """The raw child elements of a section (each a self-closing tag or a whole element)."""
        section = self._section(name)
        if section is None or section[2] < 0:
            return []
        _, head_end, close = section
        found, at = [], head_end
        while True:
            start = find_element(self.xml, self.prefix, child, at)
            if start < 0 or start >= close:
                return found
            tag_end = end_of_tag(self.xml, start)
            if self.xml[tag_end - 2 : tag_end] == b"/>":
                end = tag_end
            else:
                closing = b"</" + self.prefix + child + b">"
                end = self.xml.find(closing, tag_end) + len(closing)
            found.append(self.xml[start:end])
            at = end

    def append(self, name: bytes, elements: list[bytes], before: tuple[str, ...]) -> int:
        """Append elements to a section (creating it before the named later sections) and return the first's index."""
        if not elements:
            return 0
        p = self.prefix
        section = self._section(name)
        if section is None:
            count = 0
            block = b"<" + p + name + b' count="' + str(len(elements)).encode() + b'">' + b"".join(elements)
            block += b"</" + p + name + b">"
            self.xml = insert_before_first(self.xml, p, before, block, b"</" + p + b"styleSheet>")
            return 0
        start, head_end, close = section
        count = len(self.children(name, name[:-1] if name != b"cellXfs" else b"xf")) if close >= 0 else 0
        head = self.xml[start:head_end]
        total = str(count + len(elements)).encode()
        if close < 0:  # <dxfs count="0"/>
            new_head = set_attribute(head[:-2] + b">", b"count", total)
            block = new_head + b"".join(elements) + b"</" + p + name + b">"
            self.xml = self.xml[:start] + block + self.xml[head_end:]
        else:
            new_head = set_attribute(head, b"count", total)
            self.xml = self.xml[:start] + new_head + self.xml[head_end:close] + b"".join(elements) + self.xml[close:]
        return count

    def count(self, name: bytes, child: bytes) -> int:
        return len(self.children(name, child))


def cloned_xf(xf: bytes, fill_id: int) -> bytes:
    """A cell format like the original but with another fill."""
    end = end_of_tag(xf, 0)
    head = set_attribute(xf[:end], b"fillId", str(fill_id).encode())
    head = set_attribute(head, b"applyFill", b"1")
    return head + xf[end:]


def restyle_cells(xml: bytes, prefix: bytes, targets: dict[int, dict[int, int]], style_for) -> bytes:
    """The sheet XML with each target cell's style changed to style_for(old style index).

    targets maps 1-based row -> {1-based column: severity index passed to style_for}. Cells and rows
    that do not exist yet are written, empty, in their place.
    """
    p = prefix
    data_start = find_element(xml, p, b"sheetData")
    if data_start < 0:
        raise Unsupported("the sheet has no sheetData")
    data_head_end = end_of_tag(xml, data_start)
    if xml[data_head_end - 2 : data_head_end] == b"/>":  # <sheetData/>: no rows at all
        rows = b"".join(_new_row(p, row, cols, style_for) for row, cols in sorted(targets.items()))
        return xml[:data_start] + b"<" + p + b"sheetData>" + rows + b"</" + p + b"sheetData>" + xml[data_head_end:]
    data_end = xml.find(b"</" + p + b"sheetData>", data_head_end)
    if data_end < 0:
        raise Unsupported("sheetData is not closed")
    pending = sorted(targets.items())
    out: list[bytes] = [xml[:data_head_end]]
    at = data_head_end
    row_number = 0
    index = 0
    row_close = b"</" + p + b"row>"
    while index < len(pending):
        start = find_element(xml, p, b"row", at)
        if start < 0 or start >= data_end:
            break
        head_end = end_of_tag(xml, start)
        head = xml[start:head_end]
        number = get_attribute(head, b"r")
        row_number = int(number) if number is not None else row_number + 1
        self_closing = head.endswith(b"/>")
        end = head_end if self_closing else xml.find(row_close, head_end) + len(row_close)
        if end < len(row_close):
            raise Unsupported(f"row {row_number} is not closed")
        while index < len(pending) and pending[index][0] < row_number:  # rows that are not in the file
            out.append(xml[at:start])
            out.append(_new_row(p, *pending[index], style_for))
            at = start
            index += 1
        if index < len(pending) and pending[index][0] == row_number:
            out.append(xml[at:start])
            out.append(_restyle_row(xml[start:end], head_end - start, self_closing, p, row_number, pending[index][1],
                                    style_for))  # fmt: skip
            at = end
            index += 1
            continue
        out.append(xml[at:end])
        at = end
    out.append(xml[at:data_end])
    for row, cols in pending[index:]:
        out.append(_new_row(p, row, cols, style_for))
    out.append(xml[data_end:])
    return b"".join(out)


def _new_row(p: bytes, row: int, cols: dict[int, int], style_for) -> bytes:
    cells = b"".join(_new_cell(p, row, col, style_for(0, severity)) for col, severity in sorted(cols.items()))
    return b"<" + p + b'row r="' + str(row).encode() + b'">' + cells + b"</" + p + b"row>"


def _new_cell(p: bytes, row: int, col: int, style: int) -> bytes:
    return b"<" + p + b'c r="' + f"{column_letters(col)}{row}".encode() + b'" s="' + str(style).encode() + b'"/>'


def _restyle_row(row_xml: bytes, head_len: int, self_closing: bool, p: bytes, row: int, cols, style_for) -> bytes:
    head = row_xml[:head_len]
    row_style = get_attribute(head, b"s") if get_attribute(head, b"customFormat") in (b"1", b"true") else None
    base_for_new = int(row_style) if row_style else 0
    if self_closing:
        cells = b"".join(_new_cell(p, row, col, style_for(base_for_new, sev)) for col, sev in sorted(cols.items()))
        return head[:-2] + b">" + cells + b"</" + p + b"row>"
    body_end = len(row_xml) - len(b"</" + p + b"row>")
    pending = sorted(cols.items())
    out: list[bytes] = [head]
    at = search = head_len  # copied up to `at`; the next cell is looked for from `search`
    col_number = 0
    index = 0
    while index < len(pending):
        start = find_element(row_xml, p, b"c", search)
        if start < 0 or start >= body_end:
            break
        tag_end = end_of_tag(row_xml, start)
        search = tag_end
        tag = row_xml[start:tag_end]
        ref = get_attribute(tag, b"r")
        col_number = column_number(ref.rstrip(b"0123456789")) if ref is not None else col_number + 1
        while index < len(pending) and pending[index][0] < col_number:
            out.append(row_xml[at:start])
            out.append(_new_cell(p, row, pending[index][0], style_for(base_for_new, pending[index][1])))
            at = start
            index += 1
        if index < len(pending) and pending[index][0] == col_number:
            old = get_attribute(tag, b"s")
            new_tag = set_attribute(tag, b"s", str(style_for(int(old) if old else 0, pending[index][1])).encode())
            out.append(row_xml[at:start])
            out.append(new_tag)
            at = tag_end
            index += 1
    out.append(row_xml[at:body_end])
    for col, severity in pending[index:]:
        out.append(_new_cell(p, row, col, style_for(base_for_new, severity)))
    out.append(row_xml[body_end:])
    return b"".join(out)


_PRIORITY = re.compile(rb'(<(?:\w+:)?cfRule\b[^>]*?\bpriority=")(\d+)(")')


def add_first_conditional_formats(xml: bytes, prefix: bytes, rules: list[tuple[str, int]]) -> bytes:
    """Put conditional-format rules (sqref, dxf id) before all of the sheet's own, first in priority and
    stopping there, so that a marked cell shows its mark over the owner's colour scales and rules."""
    if not rules:
        return xml
    p = prefix
    data_end = xml.find(b"</" + p + b"sheetData>")
    if data_end < 0:
        data_end = find_element(xml, p, b"sheetData")
    head, tail = xml[:data_end], xml[data_end:]
    shift = len(rules)
    tail = _PRIORITY.sub(lambda m: m.group(1) + str(int(m.group(2)) + shift).encode() + m.group(3), tail)
    blocks = b"".join(
        b"<" + p + b'conditionalFormatting sqref="' + sqref.encode() + b'"><' + p + b'cfRule type="expression" dxfId="'
        + str(dxf).encode() + b'" priority="' + str(n).encode() + b'" stopIfTrue="1"><' + p + b"formula>TRUE</"
        + p + b"formula></" + p + b"cfRule></" + p + b"conditionalFormatting>"
        for n, (sqref, dxf) in enumerate(rules, start=1)
    )  # fmt: skip
    later = AFTER_SHEET_DATA[AFTER_SHEET_DATA.index("conditionalFormatting") :]
    tail = insert_before_first(tail, p, later, blocks, b"</" + p + b"worksheet>")
    return head + tail


def add_legacy_drawing(xml: bytes, prefix: bytes, r_prefix: bytes | None, rid: str) -> bytes:
    p = prefix
    if r_prefix is None:
        from riskbook.xlsx.package_edit import REL_NS

        element = b"<" + p + b'legacyDrawing xmlns:rb="' + REL_NS.encode() + b'" rb:id="' + rid.encode() + b'"/>'
    else:
        element = b"<" + p + b"legacyDrawing " + r_prefix + b'id="' + rid.encode() + b'"/>'
    later = AFTER_SHEET_DATA[AFTER_SHEET_DATA.index("legacyDrawingHF") :]
    data_end = xml.find(b"</" + p + b"sheetData>")
    head, tail = xml[:data_end], xml[data_end:]
    return head + insert_before_first(tail, p, later, element, b"</" + p + b"worksheet>")


def merged_ranges(xml: bytes, prefix: bytes) -> list[tuple[int, int, int, int]]:
    """(first row, first col, last row, last col), 1-based, of every merged range."""
    data_end = xml.find(b"</" + prefix + b"sheetData>")
    found = []
    for match in re.finditer(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+\d+):([A-Z]+\d+)"', xml[max(data_end, 0) :]):
        r1, c1 = split_cell(match.group(1).decode())
        r2, c2 = split_cell(match.group(2).decode())
        found.append((r1, c1, r2, c2))
    return found


def without_tab_selected(xml: bytes, prefix: bytes) -> bytes:
    """The sheet with its sheetView no longer selected (only the head of the part is touched)."""
    start = find_element(xml, prefix, b"sheetView")
    if start < 0:
        return xml
    end = end_of_tag(xml, start)
    tag = xml[start:end]
    value = get_attribute(tag, b"tabSelected")
    if value not in (b"1", b"true"):
        return xml
    from riskbook.xlsx.package_edit import remove_attribute

    return xml[:start] + remove_attribute(tag, b"tabSelected") + xml[end:]
