"""A look inside an .xlsx/.xlsm/.ods archive before any reader parses it.

Checks the archive's declared sizes (zip bombs), finds each sheet's XML part, its
declared extent, and the formula cells that carry no saved result. Reads only what
it needs, with defusedxml for the small workbook parts.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from riskbook.errors import ReadError

# Limits on what an archive may declare before anything is decompressed. A register
# of 100,000 risks with long narrative is about 0.5 GB of XML; nothing real comes near
# a compression ratio of 200 (zip bombs run to thousands).
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 200
MAX_ENTRIES = 10_000
# A sheet whose declared or actual extent exceeds this many cells is refused: no
# register needs it, and some readers allocate the whole rectangle at once.
MAX_SHEET_CELLS = 20_000_000

CACHED_VALUES_PROPERTY = "riskbook-formula-values-cached"

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetPart:
    name: str
    path: str


@dataclass
class ArchiveInfo:
    kind: str  # "xlsx" or "ods"
    sheets: list[SheetPart] = field(default_factory=list)
    full_calc_on_load: bool = False
    # riskbook's own files are written with every formula's value computed; they carry a
    # custom property saying so, since xlsxwriter always asks for a full recalculation.
    values_cached_by_riskbook: bool = False

    @property
    def trust_formula_values(self) -> bool:
        return self.values_cached_by_riskbook or not self.full_calc_on_load


def check_archive(
    zf: zipfile.ZipFile,
    display: str,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
) -> None:
    """Refuse an archive whose declared sizes are those of a zip bomb."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"{display}: the archive holds {len(infos):,} parts; refusing more than {MAX_ENTRIES:,}")
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_bytes:
            raise ReadError(
                f"{display}: the workbook would inflate to more than {max_bytes / 1024**2:,.0f} MB; "
                "refusing it as a possible zip bomb (raise --max-size to allow it)"
            )
        if info.file_size > 1024**2 and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ReadError(
                f"{display}: part {info.filename} is compressed {ratio:,.0f} to 1 (limit {max_ratio}); "
                "refusing it as a possible zip bomb"
            )


def inspect_xlsx(zf: zipfile.ZipFile, display: str) -> ArchiveInfo:
    """Sheet names, their XML parts, and the workbook's calculation flag."""
    from defusedxml import ElementTree

    names = set(zf.namelist())
    if "mimetype" in names and "content.xml" in names:
        return ArchiveInfo(kind="ods")
    if "xl/workbook.xml" not in names:
        raise ReadError(f"{display}: not an Excel workbook (the archive has no xl/workbook.xml)")
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = (
            ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            if "xl/_rels/workbook.xml.rels" in names
            else None
        )
    except Exception as exc:  # defusedxml raises its own classes for entity attacks
        raise ReadError(f"{display}: the workbook's structure is unreadable or unsafe ({type(exc).__name__})") from exc
    targets = {}
    if rels is not None:
        for rel in rels:
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = target
    info = ArchiveInfo(kind="xlsx")
    if "docProps/custom.xml" in names:
        info.values_cached_by_riskbook = CACHED_VALUES_PROPERTY.encode() in zf.read("docProps/custom.xml")[:65536]
    for element in workbook.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "sheet":
            rid = element.get(f"{{{_REL_NS}}}id")
            info.sheets.append(SheetPart(element.get("name", ""), targets.get(rid, "")))
        elif tag == "calcPr":
            info.full_calc_on_load = element.get("fullCalcOnLoad") in ("1", "true")
    return info


def check_no_dtd(zf: zipfile.ZipFile, display: str) -> None:
    """Refuse XML parts that declare a DTD: no spreadsheet program writes one, and entity attacks need it."""
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as part:
            head = part.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ReadError(
                f"{display}: part {info.filename} declares XML entities (<!DOCTYPE>), which no spreadsheet "
                "program writes; refusing it as a possible XML attack"
            )
