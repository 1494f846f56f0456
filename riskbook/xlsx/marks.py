"""How the annotated copy marks a cell, so that no owner's colouring can be taken for it, and
the finding added to an Excel 365 comment thread.

A mark is a striped fill in colours no common rule uses (Excel's preset "light red fill",
#FFC7CE, is the owner's most common rule), a medium border, and a glyph the cell's own number
format shows before its value, so it prints in black and white too.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from riskbook.xlsx.package_edit import Package, xml_text

# severity index -> (background, stripes and border, glyph)
ERROR_MARK = ("FFD9F2", "B0207A", "\u2716")  # pale magenta under magenta stripes; ✖
WARNING_MARK = ("FFF4CC", "9C6500", "\u25b2")  # pale amber under brown stripes; ▲
MARKS = (ERROR_MARK, WARNING_MARK)
PATTERN = "lightUp"  # thin diagonal stripes: text on them stays readable

# Excel's built-in number formats a glyph can be put before (the rest are locale-dependent dates).
_BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "dd/mm/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "dd/mm/yyyy h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}  # fmt: skip


def pattern_fill(p: bytes, severity: int) -> bytes:
    background, stripes, _ = MARKS[severity]
    return (
        b"<" + p + b'fill><' + p + b'patternFill patternType="' + PATTERN.encode() + b'"><' + p + b'fgColor rgb="FF'
        + stripes.encode() + b'"/><' + p + b'bgColor rgb="FF' + background.encode() + b'"/></' + p
        + b"patternFill></" + p + b"fill>"
    )  # fmt: skip


def border(p: bytes, severity: int) -> bytes:
    colour = b"<" + p + b'color rgb="FF' + MARKS[severity][1].encode() + b'"/>'
    sides = b"".join(
        b"<" + p + side + b' style="medium">' + colour + b"</" + p + side + b">"
        for side in (b"left", b"right", b"top", b"bottom")
    )
    return b"<" + p + b"border>" + sides + b"<" + p + b"diagonal/></" + p + b"border>"


def dxf(p: bytes, severity: int) -> bytes:
    """The conditional format that shows the mark over the owner's own rules (first, stopping there)."""
    font = b"<" + p + b"font><" + p + b'color rgb="FF000000"/></' + p + b"font>"
    return b"<" + p + b"dxf>" + font + pattern_fill(p, severity) + border(p, severity) + b"</" + p + b"dxf>"


def format_code(num_fmt_id: int, custom: dict[int, str]) -> str:
    """The format code of a cell format's numFmtId: the workbook's own, or Excel's built-in one."""
    return custom.get(num_fmt_id) or _BUILTIN_FORMATS.get(num_fmt_id, "General")


def with_glyph(code: str, severity: int) -> str:
    """A number format that shows the mark's glyph before whatever the original showed, text included."""
    glyph = f'"{MARKS[severity][2]} "'
    sections = _sections(code)
    if len(sections) < 4 and "@" in _unquoted(sections[-1]):  # the text format (id 49) or a text-only section
        sections = ["General", "-General", "General", sections[-1]]
    if len(sections) == 1:
        sections = [sections[0], _prefixed(sections[0], "-"), sections[0]]
    elif len(sections) == 2:
        sections = [sections[0], sections[1], sections[0]]
    if len(sections) == 3:
        sections.append("@")
    return ";".join(_prefixed(section, glyph) for section in sections[:4])


def _sections(code: str) -> list[str]:
    """A format code split at its semicolons, ignoring those inside quotes or escaped."""
    sections, current, quoted, escaped = [], [], False, False
    for ch in code:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
    sections.append("".join(current))
    return sections


def _unquoted(section: str) -> str:
    return re.sub(r'"[^"]*"|\\.', "", section)


def _prefixed(section: str, glyph: str) -> str:
    """The glyph after a section's leading [Red] or [>100] codes, which must stay first."""
    lead = re.match(r"(\[[^\]]*\])*", section)
    at = lead.end() if lead else 0
    return section[:at] + glyph + (section[at:] or "General")


# Excel 365 threaded comments: a reply in the thread, by a person added to the workbook's list.

THREADED_REL = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
PERSON_REL = "http://schemas.microsoft.com/office/2017/10/relationships/person"
PERSON_CT = "application/vnd.ms-excel.person+xml"
THREADED_NS = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
_ROOT = re.compile(rb'<(?:\w+:)?threadedComment\s[^>]*?ref="([A-Z]+\d+)"[^>]*>')
_ID = re.compile(rb'\sid="(\{[0-9A-Fa-f-]+\})"')
_PARENT = re.compile(rb'\sparentId="')


def thread_roots(xml: bytes) -> dict[str, str]:
    """The id of the first comment of each cell's thread, by cell."""
    roots: dict[str, str] = {}
    for match in _ROOT.finditer(xml):
        tag = match.group(0)
        found = _ID.search(tag)
        if found and not _PARENT.search(tag):
            roots.setdefault(match.group(1).decode(), found.group(1).decode())
    return roots


def with_replies(xml: bytes, replies: dict[str, str], roots: dict[str, str], person: str, now: dt.datetime) -> bytes:
    """The threaded comments part with a reply (text escaped by the caller) after each thread's comments."""
    prefix = re.match(rb"(?:<\?[^>]*>\s*)?<(\w+:)?ThreadedComments\b", xml)
    p = prefix.group(1) if prefix and prefix.group(1) else b""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.00")
    added = b"".join(
        b"<" + p + b'threadedComment ref="' + cell.encode() + b'" dT="' + stamp.encode() + b'" personId="'
        + person.encode() + b'" id="' + new_id().encode() + b'" parentId="' + roots[cell].encode() + b'"><'
        + p + b"text>" + text.encode() + b"</" + p + b"text></" + p + b"threadedComment>"
        for cell, text in replies.items()
    )  # fmt: skip
    close = xml.rfind(b"</" + p + b"ThreadedComments>")
    return xml[:close] + added + xml[close:]


def with_person(xml: bytes | None, name: str) -> tuple[bytes, str]:
    """The person list with riskbook in it (added once), and riskbook's person id."""
    if xml is not None:
        for match in re.finditer(rb"<(?:\w+:)?person\s[^>]*>", xml):
            tag = match.group(0)
            if b'displayName="' + name.encode() + b'"' in tag:
                found = _ID.search(tag)
                if found:
                    return xml, found.group(1).decode()
    person = new_id()
    element = f'<person displayName="{name}" id="{person}" userId="{name}" providerId="None"/>'.encode()
    if xml is None:
        xml = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<personList xmlns="'
            + THREADED_NS.encode()
            + b'" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></personList>'
        )
    prefix = re.search(rb"<(\w+:)?personList\b", xml)
    p = prefix.group(1) if prefix and prefix.group(1) else b""
    if p:
        element = element.replace(b"<person ", b"<" + p + b"person ")
    close = xml.rfind(b"</" + p + b"personList>")
    if close < 0:  # <personList .../>
        head = xml.rfind(b"/>")
        return xml[:head] + b">" + element + b"</" + p + b"personList>" + xml[head + 2 :], person
    return xml[:close] + element + xml[close:], person


def new_id() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def reply_in_threads(package: Package, part: str, workbook_part: str, texts: dict[str, str], author: str) -> None:
    """On a cell with an Excel 365 threaded comment, its text added as a reply in the thread (Excel 365 shows
    the thread, not the legacy note, which carries the text too)."""
    threads = [t for _, kind, t, _ in package.relationships(part) if kind == THREADED_REL]
    for thread in threads:
        if not package.has(thread):
            continue
        xml = package.read(thread)
        roots = thread_roots(xml)
        replies = {cell: xml_text(text) for cell, text in texts.items() if cell in roots}
        if replies:
            person = _person(package, workbook_part, author)
            package.write(thread, with_replies(xml, replies, roots, person, dt.datetime.now()))


def _person(package: Package, workbook_part: str, author: str) -> str:
    """The author's id in the workbook's person list (the list made if the workbook has none)."""
    persons = next((t for _, kind, t, _ in package.relationships(workbook_part) if kind == PERSON_REL), None)
    if persons is not None and package.has(persons):
        xml, person = with_person(package.read(persons), author)
        package.write(persons, xml)
        return person
    persons = package.unique_name("xl/persons/person", ".xml")
    xml, person = with_person(None, author)
    package.write(persons, xml)
    package.add_content_type(persons, PERSON_CT)
    package.add_relationship(workbook_part, PERSON_REL, persons)
    return person
