"""Tidy an .xlsx written by openpyxl so that Excel opens it without repairing or rewriting it.

openpyxl writes font properties out of the order the schema sets, and every string as an
inline string with no shared-string table; Excel repairs the first and silently rewrites the
second. This rewrites both in place, leaving every other part untouched.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_FONT_ORDER = (
    "b",
    "i",
    "strike",
    "condense",
    "extend",
    "outline",
    "shadow",
    "u",
    "vertAlign",
    "sz",
    "color",
    "name",
    "family",
    "charset",
    "scheme",
)
_FONT = re.compile(r"<font>(.*?)</font>", re.S)
_CHILD = re.compile(r"<(\w+)\b[^>]*?/>|<(\w+)\b[^>]*?>.*?</\2>", re.S)
_INLINE = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is>(.*?)</is></c>', re.S)
_SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _order_font(match: re.Match[str]) -> str:
    children = [m.group(0) for m in _CHILD.finditer(match.group(1))]
    rank = {name: i for i, name in enumerate(_FONT_ORDER)}
    children.sort(key=lambda xml: rank.get(re.match(r"<(\w+)", xml).group(1), len(rank)))
    return "<font>" + "".join(children) + "</font>"


def tidy_styles(xml: str) -> str:
    return _FONT.sub(_order_font, xml)


def tidy_package(path: Path) -> None:
    """Rewrite the package at path with fonts in schema order and strings shared."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    if "xl/styles.xml" in parts:
        parts["xl/styles.xml"] = tidy_styles(parts["xl/styles.xml"].decode("utf-8")).encode("utf-8")
    if "xl/sharedStrings.xml" not in parts:
        _share_strings(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in _part_order(parts):
            zf.writestr(name, parts[name])


def _part_order(parts: dict[str, bytes]) -> list[str]:
    first = ["[Content_Types].xml", "_rels/.rels"]
    return [n for n in first if n in parts] + [n for n in parts if n not in first]


def _share_strings(parts: dict[str, bytes]) -> None:
    table: dict[str, int] = {}
    count = 0

    def share(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        index = table.setdefault(match.group(3), len(table))
        return f'<c {match.group(1)}t="s"{match.group(2)}><v>{index}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")]:
        xml = parts[name].decode("utf-8")
        if 'inlineStr"' in xml:
            parts[name] = _INLINE.sub(share, xml).encode("utf-8")
    if not table:
        return
    items = "".join(f"<si>{inner}</si>" for inner in table)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_MAIN_NS}" count="{count}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode()
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = types.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_CT}"/></Types>')
    parts["[Content_Types].xml"] = types.encode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rel_id = "rIdSharedStrings"
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="{rel_id}" Type="{_SST_REL}" Target="sharedStrings.xml"/></Relationships>',
    )
    parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
