"""Changing an .xlsx package part by part, leaving every part it does not need to change byte for byte as it was.

The annotated copy is the owner's own file: re-saving it through a library would drop what the
library does not model (stored formula results, threaded comments, pictures, charts, pivot
caches). Here the XML is edited as bytes, found by `bytes.find` and small regular expressions on
single tags, never parsed into a tree with the standard library; the few small parts read as
trees (the workbook, relationships) go through defusedxml.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from riskbook.errors import OutputError
from riskbook.xlsx.text import CELL, safe_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
COMMENTS_REL = REL_NS + "/comments"
VML_REL = REL_NS + "/vmlDrawing"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
PLAIN_MAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _fast(info: zipfile.ZipInfo) -> None:
    """Deflate a part at level 1 (the attribute is named compress_level from Python 3.13, _compresslevel before)."""
    name = "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel"
    setattr(info, name, 1)


class Unsupported(OutputError):
    """The package is built in a way this editor does not handle; nothing is written."""


def xml_text(text: str) -> str:
    """Text for an XML element or attribute: escaped, control characters shown visibly, Excel's _xHHHH_ kept literal."""
    text = safe_text(_EXCEL_ESCAPE.sub(r"_x005F_\1", text), CELL)  # Excel would read "_x000D_" as a carriage return
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def prefix_of(xml: bytes, local: bytes) -> bytes:
    """The namespace prefix ("x:" or "") of the first element named `local` (the root, for a root name)."""
    match = re.search(rb"<(\w+:)?" + local + rb"[\s>/]", xml)
    if match is None:
        raise Unsupported(f"part has no <{local.decode()}> element")
    return match.group(1) or b""


def ns_prefix(xml: bytes, namespace: str) -> bytes | None:
    """The prefix ("r:") the part's root element binds to a namespace, or None."""
    match = re.search(rb"<[A-Za-z_]", xml)  # the root: the first tag that is not <?...?> or <!--...-->
    if match is None:
        return None
    root = xml[match.start() : end_of_tag(xml, match.start())]
    found = re.search(rb'xmlns:(\w+)="' + re.escape(namespace.encode()) + rb'"', root)
    return found.group(1) + b":" if found else None


@functools.lru_cache(maxsize=64)
def _attribute_pattern(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(\s" + re.escape(name) + rb'=)(?:"([^"]*)"|\'([^\']*)\')')


def set_attribute(tag: bytes, name: bytes, value: bytes) -> bytes:
    """A start tag with one attribute set (replaced, or added before the tag's end)."""
    pattern = _attribute_pattern(name)
    if pattern.search(tag):
        return pattern.sub(lambda m: m.group(1) + b'"' + value + b'"', tag, count=1)
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end] + b" " + name + b'="' + value + b'"' + tag[end:]


def remove_attribute(tag: bytes, name: bytes) -> bytes:
    return _attribute_pattern(name).sub(b"", tag, count=1)


def get_attribute(tag: bytes, name: bytes) -> bytes | None:
    match = _attribute_pattern(name).search(tag)
    if match is None:
        return None
    return match.group(2) if match.group(2) is not None else match.group(3)


def end_of_tag(xml: bytes, start: int) -> int:
    """Index just past the '>' of the tag starting at `start` (attribute values never hold '>' unescaped in
    what Excel writes, but quotes are honoured anyway)."""
    close = xml.find(b">", start)
    if close >= 0:
        tag = xml[start:close]
        if tag.count(b'"') % 2 == 0 and tag.count(b"'") % 2 == 0:  # no '>' inside a quoted value
            return close + 1
    quote = None
    i = start
    n = len(xml)
    while i < n:
        ch = xml[i]
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in (0x22, 0x27):
            quote = ch
        elif ch == 0x3E:  # '>'
            return i + 1
        i += 1
    raise Unsupported("a tag is not closed")


def find_element(xml: bytes, prefix: bytes, local: bytes, start: int = 0) -> int:
    """Index of the next start tag <prefix:local ...> (not a longer name such as <local2>), or -1."""
    needle = b"<" + prefix + local
    while True:
        i = xml.find(needle, start)
        if i < 0:
            return -1
        after = xml[i + len(needle) : i + len(needle) + 1]
        if after in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            return i
        start = i + 1


def insert_before_first(xml: bytes, prefix: bytes, names: tuple[str, ...], fragment: bytes, closing: bytes) -> bytes:
    """Insert a fragment before the first of the named elements present, else before the closing tag."""
    positions = [find_element(xml, prefix, name.encode()) for name in names]
    found = [p for p in positions if p >= 0]
    at = min(found) if found else xml.rfind(closing)
    if at < 0:
        raise Unsupported(f"no place for {fragment[:30]!r}")
    return xml[:at] + fragment + xml[at:]


@dataclass
class Package:
    """An .xlsx package read for editing: changed and added parts are held; the rest is copied as stored."""

    path: Path
    zf: zipfile.ZipFile
    names: list[str]
    changed: dict[str, bytes] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, path: Path | BinaryIO) -> Package:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
        seen: set[str] = set()
        for info in zf.infolist():
            if info.flag_bits & 0x1:
                zf.close()
                raise Unsupported(f"part {info.filename} is encrypted; save a copy without a password")
        for name in names:
            if name.lower() in seen:  # part names are matched whatever their case
                zf.close()
                raise Unsupported(f"the archive holds part {name} twice; open and save it in Excel first")
            seen.add(name.lower())
        return cls(path, zf, names)

    def close(self) -> None:
        self.zf.close()

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name not in self.names:
            raise Unsupported(f"the package has no part {name}")
        return self.zf.read(name)

    def has(self, name: str) -> bool:
        return name in self.changed or (name in self.names and name not in self.dropped)

    def write(self, name: str, data: bytes) -> None:
        self.changed[name] = data

    def drop(self, name: str) -> None:
        self.dropped.add(name)
        self.changed.pop(name, None)

    def unique_name(self, stem: str, suffix: str) -> str:
        taken = {n.lower() for n in self.names} | {n.lower() for n in self.changed}
        n = 1
        while f"{stem}{n}{suffix}".lower() in taken:
            n += 1
        return f"{stem}{n}{suffix}"

    def save(self, target: Path) -> None:
        """Every part in its original order (unchanged ones copied as they were), then the added ones."""
        # Level 1: the parts are copied, not made smaller; deflating 100 MB of sheet XML at the default
        # level took three seconds, at level 1 under one.
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in self.zf.infolist():
                name = info.filename
                if name in self.dropped:
                    continue
                copy = zipfile.ZipInfo(name, date_time=info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                _fast(copy)
                copy.external_attr = info.external_attr
                if name in self.changed:
                    out.writestr(copy, self.changed[name])
                    continue
                with self.zf.open(info) as src, out.open(copy, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            for name, data in self.changed.items():
                if name not in self.names:
                    out.writestr(name, data)

    # Relationships and content types.

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def relationships(self, part: str) -> list[tuple[str, str, str, str]]:
        """(Id, Type, Target, TargetMode) of a part's relationships; targets resolved to part names."""
        from defusedxml import ElementTree

        name = self.rels_name(part)
        if not self.has(name):
            return []
        try:
            root = ElementTree.fromstring(self.read(name))
        except Exception as exc:
            raise Unsupported(f"{name} is unreadable ({type(exc).__name__})") from exc
        folder = posixpath.dirname(part)
        found = []
        for rel in root:
            target, mode = rel.get("Target", ""), rel.get("TargetMode", "")
            if mode != "External":
                target = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
            found.append((rel.get("Id", ""), rel.get("Type", ""), target, mode))
        return found

    def add_relationship(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from part to target_part and return its Id."""
        name = self.rels_name(part)
        taken = {rid for rid, *_ in self.relationships(part)}
        n = 1
        while f"rIdRb{n}" in taken:
            n += 1
        rid = f"rIdRb{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(part) or ".")
        element = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{xml_text(target)}"/>'.encode()
        if self.has(name):
            xml = self.read(name)
            close = xml.rfind(b"</Relationships>")
            if close < 0:  # an empty <Relationships .../>
                xml = re.sub(rb"<Relationships([^>]*)/>", rb"<Relationships\1>" + element + b"</Relationships>", xml)
            else:
                xml = xml[:close] + element + xml[close:]
        else:
            xml = (
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<Relationships xmlns="' + PKG_REL_NS.encode() + b'">' + element + b"</Relationships>"
            )
        self.write(name, xml)
        return rid

    def remove_relationships(self, part: str, type_suffix: str) -> None:
        name = self.rels_name(part)
        if not self.has(name):
            return
        xml = self.read(name)
        pattern = re.compile(rb'<Relationship\s[^>]*Type="[^"]*' + re.escape(type_suffix.encode()) + rb'"[^>]*/>')
        if pattern.search(xml):
            self.write(name, pattern.sub(b"", xml))

    def add_content_type(self, part: str, content_type: str) -> None:
        xml = self.read("[Content_Types].xml")
        element = f'<Override PartName="/{xml_text(part)}" ContentType="{content_type}"/>'.encode()
        close = xml.rfind(b"</Types>")
        if close < 0:
            raise Unsupported("[Content_Types].xml has no </Types>")
        self.write("[Content_Types].xml", xml[:close] + element + xml[close:])

    def has_default_type(self, extension: str) -> bool:
        xml = self.read("[Content_Types].xml")
        return re.search(rb'<Default\s[^>]*Extension="' + re.escape(extension.encode()) + b'"', xml, re.I) is not None

    def add_default_type(self, extension: str, content_type: str) -> None:
        xml = self.read("[Content_Types].xml")
        element = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
        close = xml.rfind(b"</Types>")
        self.write("[Content_Types].xml", xml[:close] + element + xml[close:])
