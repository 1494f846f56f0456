"""Round three's hostile files (issue 25), one generator per item, each built byte for byte here."""

from __future__ import annotations

from pathlib import Path

from tests import hostile_readers as biff
from tests.hostile.packages import HEADER, ROW, ods_cell, ods_content, ods_row, write_ods_parts, write_xlsx_parts

REGISTER = [[*HEADER[:-1]], [*ROW]]
SCHEMES = Path(__file__).resolve().parents[2] / "workbook_templates"


def ods_space_run(path: Path, spaces: int = 4_000_000_000) -> Path:
    """Critical 1: a cell whose text is one <text:s text:c="N"/>, a run of N spaces (under a kilobyte)."""
    header = "".join(ods_cell(h) for h in HEADER[:-1])
    risk = "".join(ods_cell(v) for v in ROW[:2]) + ods_cell(f'The challenge<text:s text:c="{spaces}"/>')
    return write_ods_parts(path, ods_content(ods_row(header) + ods_row(risk)))


def ods_repeated_space_runs(path: Path, spaces: int = 200_000, repeats: int = 2_000) -> Path:
    """Critical 1: a modest run of spaces in a cell repeated across columns and rows (a repeated span)."""
    header = "".join(ods_cell(h) for h in HEADER[:-1])
    risk = "".join(ods_cell(v) for v in ROW[:2]) + ods_cell(f'x<text:s text:c="{spaces}"/>', repeat=repeats)
    return write_ods_parts(path, ods_content(ods_row(header) + ods_row(risk, repeat=repeats)))


def ods_ordinary_spaces(path: Path) -> Path:
    """A real register's text:s: LibreOffice writes runs of two or more spaces so (read, not refused)."""
    header = "".join(ods_cell(h) for h in HEADER[:-1])
    title = ods_cell('The financial<text:s text:c="3"/>challenge')
    risk = "".join(ods_cell(v) for v in ROW[:2]) + title + "".join(ods_cell(v) for v in ROW[3:])
    return write_ods_parts(path, ods_content(ods_row(header) + ods_row(risk)))


def xls_repeated_shared_string(path: Path, cells: int = 7_000, length: int = 32_000) -> Path:
    """Critical 2: one long shared string named by many LABELSST cells (about 100 KB)."""
    sheet = biff.register_sheet(REGISTER)
    long_text = "x" * length
    for n in range(cells):
        sheet.cells[(2 + n // 8, 10 + n % 8)] = long_text
    path.write_bytes(biff.xls_bytes([sheet]))
    return path


def xls_far_narrow_cell(path: Path) -> Path:
    """Item 16: a few kilobytes naming IV65536, the furthest cell of the .xls format."""
    sheet = biff.register_sheet(REGISTER)
    sheet.cells[(65_535, 255)] = 1
    path.write_bytes(biff.xls_bytes([sheet]))
    return path


def xlsx_far_cell(path: Path, ref: str = "Z600000") -> Path:
    """Item 16: a 1.6 KB .xlsx whose one stray value lies far below the register."""
    from tests.hostile.packages import register_rows, worksheet

    row = "".join(ch for ch in ref if ch.isdigit())
    far = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'
    return write_xlsx_parts(path, worksheet(register_rows("") + far))


def six_likelihood_levels(words_scheme: Path, path: Path) -> Path:
    """High 3: the words-per-axis scheme with a sixth likelihood level, "Very rare", below the others, so
    that each likelihood word sits one level higher than under the original while impact stays put."""
    text = words_scheme.read_text(encoding="utf-8")
    head, rest = text.split("[[likelihood.scale]]", 1)
    tail = rest.split("[likelihood.descriptors]", 1)[1]
    levels = ["Very rare", "Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    scale_text = "".join(f'[[likelihood.scale]]\nvalue = {n}\nlabel = "{label}"\n' for n, label in enumerate(levels, 1))
    descriptors = "".join(f'{n} = "level {n}"\n' for n in range(1, 7))
    tail = tail.split("\n\n", 1)[1].replace("max = 25", "max = 30")
    path.write_text(f"{head}{scale_text}\n[likelihood.descriptors]\n{descriptors}\n{tail}", encoding="utf-8")
    return path


def words_row(ref: str, impact: str, likelihood: str, score: int) -> list[object]:
    """A risk scored under the words-per-axis scheme."""
    from tests.helpers import risk_row

    return risk_row(ref, impact=impact, likelihood=likelihood, status="Open", score=score, previous=score)


def fifo(path: Path) -> Path:
    """Items 9 and 15: a named pipe where a file is expected (reading it waits for a writer for ever)."""
    import os

    os.mkfifo(path)
    return path


def zero_link(path: Path) -> Path:
    """Item 9: a link to /dev/zero, which never ends."""
    path.symlink_to("/dev/zero")
    return path


COMPARISON_IMPACTS = ["*", "Minor", "Moderate?", "~Major", "Catastrophic"]
COMPARISON_LIKELIHOODS = ["<5%", "5-20%", "=21-60%", "61-90%", ">90%"]


def comparison_labels_scheme(path: Path) -> Path:
    """High 5: the words-per-axis scheme with labels that COUNTIFS would read as criteria: comparisons
    (<5%, >90%, =21-60%), wildcards (*, ?) and the escape character (~)."""
    text = (SCHEMES / "scheme-5x5-words.toml").read_text(encoding="utf-8")
    old_impacts = ["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"]
    old_likelihoods = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    for old, new in zip(old_impacts + old_likelihoods, COMPARISON_IMPACTS + COMPARISON_LIKELIHOODS, strict=True):
        text = text.replace(f'label = "{old}"\n', f'label = "{new}"\n')
    path.write_text(text, encoding="utf-8")
    return path


def comparison_labels_rows() -> list[list[object]]:
    """Sixteen risks, one for each of sixteen impact × likelihood pairs, in the labels above."""
    rows = []
    for n in range(16):
        impact, likelihood = n % 5, (n // 5 + n) % 5
        score = (impact + 1) * (likelihood + 1)
        rows.append(words_row(f"R-{n + 1:03}", COMPARISON_IMPACTS[impact], COMPARISON_LIKELIHOODS[likelihood], score))
    return rows


def extra_headers_register(path: Path, extras: list[str]) -> Path:
    """High 6: a register with further columns whose headers hold a BEL, a line break, or 300 characters
    (written as Excel writes them: xlsxwriter stores a control character as _x0007_)."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    row = risk_row() + [f"value {n}" for n in range(len(extras))]
    return write_xlsx(path, [HEADER + extras, row])


def _styles(formats: int) -> str:
    """A stylesheet with one number format and one cell format (xf) for each of formats, as Excel writes it."""
    fonts = '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    fills = (
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
    )
    borders = '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    numbers = "".join(
        f'<numFmt numFmtId="{164 + n}" formatCode="0.{"0" * (n % 9)}&quot;#{n}&quot;"/>' for n in range(formats)
    )
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + "".join(
        f'<xf numFmtId="{164 + n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for n in range(formats)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{formats}">{numbers}</numFmts>{fonts}{fills}{borders}'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{formats + 1}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def styled_xlsx(
    path: Path, sheet_data: str, formats: int = 1, twice: str | None = None, parts: dict[str, str] | None = None
) -> Path:
    """An .xlsx of one sheet with a stylesheet (as annotate needs); twice names a part written a second time,
    parts are further parts."""
    import warnings
    import zipfile

    from tests.hostile.packages import content_types, worksheet

    comments = (
        '<Override PartName="/xl/comments1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
        if "xl/comments1.xml" in (parts or {})
        else ""
    )
    types = content_types().replace(
        "</Types>",
        '<Override PartName="/xl/styles.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{comments}</Types>',
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        ' Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
        ' Target="styles.xml"/></Relationships>'
    )
    write_xlsx_parts(
        path,
        worksheet(sheet_data),
        types=types,
        extra={"xl/styles.xml": _styles(formats), "xl/_rels/workbook.xml.rels": rels, **(parts or {})},
    )
    if twice:
        with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as zf:
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name, which is the point
            zf.writestr(twice, zf.read(twice))
    return path


def many_formats_register(path: Path, risks: int = 2_000) -> Path:
    """High 7: a register whose every risk has a wrong stated score in a cell format of its own, so that the
    annotated copy marks as many distinct formats as there are risks."""
    from tests.hostile.packages import text_row

    rows = [text_row(1, HEADER)]
    for n in range(1, risks + 1):
        values = [f"STR{n:04}", *ROW[1:]]
        rows.append(text_row(n + 1, values).replace("</row>", f'<c r="I{n + 1}" s="{n}"><v>99</v></c></row>'))
    return styled_xlsx(path, "".join(rows), formats=risks)


LOOK_ALIKE_REFERENCES = ["STR0001", "STR\u200b0001", "STR0001\u2060", "S\u0422R0001"]  # ZWSP, word joiner, Cyrillic Т


def look_alike_register(path: Path, references: list[str] = LOOK_ALIKE_REFERENCES) -> Path:
    """Medium 13: references that read as STR0001 but are not the same text."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    return write_xlsx(path, [HEADER] + [risk_row(ref, title=f"Risk {n}") for n, ref in enumerate(references)])


def scheme_without_reference_pattern(path: Path) -> Path:
    """The shipped 4 × 4 scheme with no [reference] table: references in any form."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8")
    head, rest = text.split("[reference]", 1)
    path.write_text(head + rest[rest.index("\n[", 1) :], encoding="utf-8")
    return path


def four_by_four(path: Path, old: str, new: str) -> Path:
    """Medium 12: the shipped 4 × 4 scheme with one line changed."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def quoted_band_scheme(path: Path) -> Path:
    """Medium 12: a band named with double quotes, which a number format must escape."""
    return four_by_four(path, 'name = "High"\nwords', 'name = "Very \\"High\\""\nwords')


def hundred_bands_scheme(path: Path) -> Path:
    """Medium 12: a hundred bands, one score each, the Rating formula nesting a hundred IFs."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8")
    head, rest = text.split("[[bands]]", 1)
    tail = rest[rest.index("[[statuses]]") :]
    bands = "".join(
        f'[[bands]]\nname = "Band {n}"\nmin = {n}\nmax = {n}\nfill = "#FFFFFF"\nfont = "#000000"\nreview_months = 3\n\n'
        for n in range(1, 101)
    )
    path.write_text(head + bands + tail, encoding="utf-8")
    return path


def draft_hostile_register(path: Path) -> Path:
    """Medium 11: statuses Managed and managed, one over 100 characters, one holding DEL."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    statuses = ["Managed", "managed", "Managed", "Open\x7fitem", "Waiting " + "for a decision " * 8]
    rows = [risk_row(f"STR{n + 1:04}", status=status) for n, status in enumerate(statuses)]
    return write_xlsx(path, [HEADER, *rows])


ELEVEN_WORDS = ["Trivial", "Minimal", "Slight", "Minor", "Modest", "Moderate", "Notable", "Major", "Severe",
                "Critical", "Catastrophic"]  # fmt: skip


def eleven_impact_words_register(path: Path) -> Path:
    """Medium 11: eleven impact words, one more level than a scheme may have."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    rows = [risk_row(f"STR{n + 1:04}", impact=word) for n, word in enumerate(ELEVEN_WORDS)]
    return write_xlsx(path, [HEADER, *rows])


def far_previous_scores_register(path: Path) -> Path:
    """Item 16: Previous Scores of 1e300 and 17 on the 4 × 4 scheme's 1–16."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    rows = [risk_row("STR0001", previous=1e300), risk_row("STR0002", previous=17), risk_row("STR0003", previous=9)]
    return write_xlsx(path, [HEADER, *rows])


def _one_risk(score_cell: str, after: str = "") -> str:
    """The header and one risk whose Score cell (column I) is given raw; after, anything that follows the rows."""
    from tests.hostile.packages import text_row

    return text_row(1, HEADER) + text_row(2, ROW).replace("</row>", score_cell + "</row>") + after


def lower_case_reference_register(path: Path) -> Path:
    """Medium 8: the wrong score's cell written r="i2", which calamine reads as I2."""
    return styled_xlsx(path, _one_risk('<c r="i2"><v>99</v></c>'))


def repeated_row_register(path: Path) -> Path:
    """Medium 8: row 2 stored twice, the second time after row 3."""
    from tests.hostile.packages import text_row

    again = text_row(3, ["STR0002", *ROW[1:]]) + '<row r="2"><c r="K2" t="inlineStr"><is><t>x</t></is></c></row>'
    return styled_xlsx(path, _one_risk('<c r="I2"><v>99</v></c>', after=again))


def comment_in_cells_register(path: Path) -> Path:
    """Medium 8: an XML comment inside sheetData that looks like the row a mark goes to."""
    return styled_xlsx(path, '<!-- <row r="2"><c r="I2"/></row> -->' + _one_risk('<c r="I2"><v>99</v></c>'))


def part_twice_register(path: Path) -> Path:
    """Medium 8: the sheet's part present twice in the archive."""
    return styled_xlsx(path, _one_risk('<c r="I2"><v>99</v></c>'), twice="xl/worksheets/sheet1.xml")


def single_quoted_note_register(path: Path) -> Path:
    """Medium 8: the owner's note on I2, its ref written in single quotes (as XML allows)."""
    comments = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Owner</author>'
        "</authors><commentList><comment ref='I2' authorId=\"0\"><text><r><t>Checked by the owner</t></r></text>"
        "</comment></commentList></comments>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"'
        ' Target="../comments1.xml"/></Relationships>'
    )
    parts = {"xl/comments1.xml": comments, "xl/worksheets/_rels/sheet1.xml.rels": rels}
    return styled_xlsx(path, _one_risk('<c r="I2"><v>99</v></c>'), parts=parts)


def encrypted_flag_register(path: Path, part: str = "docProps/app.xml") -> Path:
    """Low: a register whose one part carries the zip encryption flag (bit 0), in both of its headers."""
    import struct
    import zipfile

    from tests.helpers import HEADER, risk_row, write_xlsx

    write_xlsx(path, [HEADER, risk_row(score=99)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    local = info.header_offset
    data[local + 6 : local + 8] = struct.pack("<H", info.flag_bits | 1)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        (name_length,) = struct.unpack_from("<H", data, central + 28)
        if data[central + 46 : central + 46 + name_length].decode() == part:
            data[central + 8 : central + 10] = struct.pack("<H", info.flag_bits | 1)
            break
        central = data.find(b"PK\x01\x02", central + 46)
    path.write_bytes(bytes(data))
    return path


def wide_register(path: Path, columns: int = 16_380) -> Path:
    """Low: a register whose header runs to 16,380 columns, most of them further columns (within Excel's
    16,384 as read, past it with the template's own columns)."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    extras = [f"Extra {n}" for n in range(columns - len(HEADER))]
    return write_xlsx(path, [HEADER + extras, risk_row()])


def many_impact_areas_scheme(path: Path, areas: int = 17_000) -> Path:
    """Low: 17,000 impact areas in under 1 MB, each a column of a criteria table."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8")
    path.write_text(text + "\n" + "".join(f'[[impact_areas]]\nname = "A{n}"\n1 = "a"\n' for n in range(areas)))
    return path


def hung_libreoffice(folder: Path) -> Path:
    """Item 10: a "soffice" that never finishes, as a hung LibreOffice does: it starts a second process (as
    soffice starts soffice.bin), notes each start and that process's id in folder, and waits."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "soffice"
    program.write_text(f'#!/bin/sh\nsleep 600 &\necho $! >> "{folder}/started"\nwait\n', encoding="utf-8")
    program.chmod(0o755)
    return folder


def arabic_indic_references_register(path: Path) -> Path:
    """Low: references numbered in Arabic-Indic digits (STR١٢٣٤), which Python's \\d matches and RE2's does not."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    rows = [risk_row(f"STR{n:04}".translate(digits)) for n in (1, 2, 3)]
    return write_xlsx(path, [HEADER, *rows])


def xlsx_claimed_dimension(path: Path, ref: str = "XFD1048576") -> Path:
    """Item 16: a 1.6 KB .xlsx whose <dimension> claims the whole sheet, its cells only the register's."""
    from tests.hostile.packages import register_rows, worksheet

    return write_xlsx_parts(path, worksheet(register_rows(""), before=f'<dimension ref="A1:{ref}"/>'))
