"""The Findings sheet added to the owner's package: one row per finding, each linked to its cell."""

from __future__ import annotations

import re

from riskbook.limits import EXCEL_CELL_LIMIT, column_letters
from riskbook.outputs.annotate_palette import FINDINGS, Palette
from riskbook.report import Report
from riskbook.xlsx.package_edit import (
    MAIN_NS,
    REL_NS,
    Unsupported,
    end_of_tag,
    find_element,
    get_attribute,
    ns_prefix,
    prefix_of,
    set_attribute,
    xml_text,
)


def findings_sheet_name(existing: list[str]) -> str:
    taken = {name.casefold() for name in existing}
    name, n = FINDINGS, 2
    while name.casefold() in taken:
        name, n = f"{FINDINGS} {n}", n + 1
    return name


def findings_sheet(report: Report, sheet_title: str, palette: Palette) -> bytes:
    quoted = sheet_title.replace("'", "''")  # an apostrophe in a sheet name is doubled in a reference
    header, text, link = palette.named("header"), palette.named("text"), palette.named("link")
    severity_style = {"error": palette.named("error"), "warning": palette.named("warning")}
    rows = [_row(1, ["Severity", "Code", "Reference", "Cell", "Message"], [header] * 5)]
    links = []
    for n, finding in enumerate(report.findings, start=2):
        if finding.sheet != report.register.sheet:  # a cell of an earlier period's file: named, not linked
            message = finding.message
            if len(message) > EXCEL_CELL_LIMIT:  # no note to hold it whole: the terminal and JSON do
                tail = f" … ({len(message):,} characters: riskbook validate prints it whole)"
                message = message[: EXCEL_CELL_LIMIT - len(tail)] + tail
            values = [finding.severity, finding.code, finding.reference, finding.location(), message]
            rows.append(_row(n, values, [severity_style[finding.severity], text, text, text, text]))
            continue
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


def workbook_with_findings(xml: bytes, name: str, rid: str) -> bytes:
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
