"""The owner's notes (legacy comments and their VML shapes) with riskbook's findings added, merged with any notes already there."""

from __future__ import annotations

import re

from riskbook.outputs.annotate_palette import AUTHOR, Mark
from riskbook.xlsx.package_edit import (
    COMMENTS_CT,
    COMMENTS_REL,
    MAIN_NS,
    REL_NS,
    VML_CT,
    VML_REL,
    Package,
    Unsupported,
    end_of_tag,
    find_element,
    ns_prefix,
    prefix_of,
    xml_text,
)
from riskbook.xlsx.sheet_edit import (
    add_legacy_drawing,
    split_cell,
)

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


def add_notes(package: Package, part: str, xml: bytes, prefix: bytes, marks: dict[str, Mark]) -> bytes:
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
