"""Minimal .xlsx and .ods packages written part by part, so that each test controls every byte a reader sees."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

HEADER = ["Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "First Recorded", "Last Review", "Score"]
ROW = ["STR0001", "Paul Dawkins", "The financial challenge", "4", "3", "Controls Tasked", "Sept 2021", "Jan 2024"]


def content_types(sheet_target: str = "/xl/worksheets/sheet1.xml", shared_strings: bool = False) -> str:
    strings = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{WORKBOOK_TYPE}"/>'
        f'<Override PartName="{sheet_target}" ContentType="{SHEET_TYPE}"/>{strings}</Types>'
    )


ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>'
)


def workbook(sheet: str = "Register", prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<{p}workbook {ns}="{MAIN_NS}" xmlns:r="{REL_NS}"><{p}sheets>'
        f'<{p}sheet name="{sheet}" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
    )


def workbook_rels(target: str = "worksheets/sheet1.xml") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        f' Target="{target}"/></Relationships>'
    )


def worksheet(sheet_data: str, prefix: str = "", before: str = "") -> str:
    """A worksheet part around the given <sheetData> content; with a prefix, written as the Open XML SDK writes."""
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<{p}worksheet {ns}="{MAIN_NS}" xmlns:r="{REL_NS}">{before}<{p}sheetData>{sheet_data}</{p}sheetData>'
        f"</{p}worksheet>"
    )


def col_name(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def inline(ref: str, text: str, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{text}</{p}t></{p}is></{p}c>'


def text_row(row: int, values: list[str], prefix: str = "", attrs: str = "") -> str:
    """Row `row` (1-based) of inline strings from column A."""
    p = f"{prefix}:" if prefix else ""
    cells = "".join(inline(f"{col_name(c)}{row}", v, prefix) for c, v in enumerate(values))
    return f'<{p}row r="{row}"{attrs}>{cells}</{p}row>'


def register_rows(score_cell: str, prefix: str = "", row_attrs: str = "") -> str:
    """A header and one risk whose Score (column I) is the given raw <c> element."""
    p = f"{prefix}:" if prefix else ""
    risk = text_row(2, ROW, prefix, row_attrs)
    risk = risk.replace(f"</{p}row>", score_cell + f"</{p}row>")
    return text_row(1, HEADER, prefix) + risk


def write_xlsx_parts(
    path: Path,
    sheet_xml: str | bytes,
    *,
    sheet_part: str = "xl/worksheets/sheet1.xml",
    rels_target: str = "worksheets/sheet1.xml",
    workbook_xml: str | None = None,
    shared_strings: str | None = None,
    extra: dict[str, str | bytes] | None = None,
    types: str | None = None,
) -> Path:
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": types if types is not None else content_types(shared_strings=bool(shared_strings)),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook_xml or workbook(),
        "xl/_rels/workbook.xml.rels": workbook_rels(rels_target),
        sheet_part: sheet_xml,
    }
    if shared_strings:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{rep} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods_content(rows: str, name: str = "Register") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def write_ods_parts(path: Path, content: str | bytes, extra: dict[str, str | bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", ODS_TYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_TYPE}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        zf.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path
