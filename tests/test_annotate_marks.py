"""Marks that cannot be taken for the owner's own colouring, and findings in Excel 365 comment threads."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from riskbook import read_register, validate
from riskbook.cli import cli
from tests.helpers import HEADER, convert_with_libreoffice, risk_row

ROOT_ID = "{6F1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}"
OWNER_ID = "{2A0A2E4B-1C3D-4E5F-8A9B-0C1D2E3F4A5B}"
OWNER_TEXT = "Score agreed at the January board."
# What Excel 365 writes in the legacy note of a threaded comment, for older versions.
PLACEHOLDER = (
    "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any edits to it "
    "will get removed if the file is opened in a newer version of Excel. Learn more: "
    f"https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    {OWNER_TEXT}"
)


def annotate(source: Path, out: Path):
    return CliRunner().invoke(cli, ["validate", str(source), "--as-of", "2024-06-30", "--annotate", str(out)])


def _register(path: Path, comment_on: str | None = None) -> Path:
    """A register with a score that is not impact × likelihood (I2) and an overdue real-date review (H3)."""
    workbook = xlsxwriter.Workbook(path)
    ws = workbook.add_worksheet("Register")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    ws.set_column(0, len(HEADER) - 1, 16)  # as owners widen them, so the values print
    for r, row in enumerate([HEADER, risk_row(score=9), risk_row("STR0002", last=dt.datetime(2023, 1, 10))]):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, dates)
            elif isinstance(value, int):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    if comment_on:
        ws.write_comment(comment_on, PLACEHOLDER, {"author": f"tc={ROOT_ID}"})
    workbook.close()
    return path


def _with_threaded_comment(path: Path, cell: str) -> Path:
    """The parts Excel 365 adds for a threaded comment: the thread, the people, their relationships."""
    with zipfile.ZipFile(path) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    ns = (
        'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    parts["xl/threadedComments/threadedComment1.xml"] = (
        f'{head}<ThreadedComments {ns}><threadedComment ref="{cell}" dT="2024-01-10T09:12:44.37" '
        f'personId="{OWNER_ID}" id="{ROOT_ID}"><text>{OWNER_TEXT}</text></threadedComment></ThreadedComments>'
    ).encode()
    parts["xl/persons/person.xml"] = (
        f'{head}<personList {ns}><person displayName="Jo Owner" id="{OWNER_ID}" userId="jo.owner@example.org" '
        'providerId="AD"/></personList>'
    ).encode()
    types = (
        parts["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/threadedComments/threadedComment1.xml" '
            'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
            '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>',
        )
    )
    parts["[Content_Types].xml"] = types.encode()
    sheet_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts[sheet_rels] = (
        parts[sheet_rels]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
            'Target="../threadedComments/threadedComment1.xml"/></Relationships>',
        )
        .encode()
    )
    book_rels = "xl/_rels/workbook.xml.rels"
    parts[book_rels] = (
        parts[book_rels]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" '
            'Target="persons/person.xml"/></Relationships>',
        )
        .encode()
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_a_mark_is_striped_bordered_and_carries_a_glyph_no_owner_rule_gives(tmp_path):
    source = _register(tmp_path / "register.xlsx")
    out = tmp_path / "annotated.xlsx"
    assert annotate(source, out).exit_code == 1
    ws = openpyxl.load_workbook(out)["Register"]
    score, review = ws["I2"], ws["H3"]
    for cell in (score, review):
        assert cell.fill.fill_type == "lightUp"  # stripes: no preset rule fills with a pattern
        assert cell.fill.bgColor.rgb[-6:] not in ("FFC7CE", "FFEB9C", "C6EFCE")  # Excel's preset rule fills
        assert cell.border.left.style == cell.border.top.style == "medium"
    assert score.number_format.startswith('"✖ "')  # error glyph, before the number
    assert review.number_format == '"✖ "dd/mm/yyyy;"✖ "-dd/mm/yyyy;"✖ "dd/mm/yyyy;"✖ "@'  # the date stays a date
    assert review.value == dt.datetime(2023, 1, 10) and score.value == 9  # values untouched
    rule = next(cf for cf in ws.conditional_formatting).rules[0]
    assert rule.stopIfTrue and rule.dxf.fill.fill_type == "lightUp" and rule.dxf.border.left.style == "medium"
    again = validate(read_register(out), as_of=dt.date(2024, 6, 30)).findings
    assert [(f.code, f.cell) for f in again] == [
        (f.code, f.cell) for f in validate(read_register(source), as_of=dt.date(2024, 6, 30)).findings
    ]


@pytest.mark.libreoffice
def test_the_glyph_prints(tmp_path, recalc_profile):
    source = _register(tmp_path / "register.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(source, out)
    outdir = tmp_path / "pdf"
    outdir.mkdir()
    pdf = convert_with_libreoffice(out, "pdf", outdir, recalc_profile)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"✖ ?9\b", text) and re.search(r"✖ ?10/01/2023", text), text


def test_a_finding_on_a_threaded_comment_is_a_reply_in_its_thread_and_in_the_legacy_note(tmp_path):
    source = _with_threaded_comment(_register(tmp_path / "register.xlsx", comment_on="I2"), "I2")
    out = tmp_path / "annotated.xlsx"
    assert annotate(source, out).exit_code == 1
    with zipfile.ZipFile(out) as z:
        thread = z.read("xl/threadedComments/threadedComment1.xml").decode()
        people = z.read("xl/persons/person.xml").decode()
    comments = re.findall(r"<threadedComment ([^>]*)><text>([^<]*)</text>", thread)
    assert len(comments) == 2 and comments[0][1] == OWNER_TEXT  # the owner's comment first, as it was
    reply_attributes, reply_text = comments[1]
    assert f'parentId="{ROOT_ID}"' in reply_attributes and 'ref="I2"' in reply_attributes
    assert "ERROR [score-mismatch]: score 9 is not impact × likelihood" in reply_text
    riskbook_id = re.search(r'<person displayName="riskbook" id="(\{[^}]+\})"', people).group(1)
    assert f'personId="{riskbook_id}"' in reply_attributes
    assert 'displayName="Jo Owner"' in people  # the owner stays in the list
    note = openpyxl.load_workbook(out)["Register"]["I2"].comment.text
    assert note.startswith("[Threaded comment]") and "score 9 is not impact × likelihood" in note
    assert [(f.code, f.cell) for f in validate(read_register(out), as_of=dt.date(2024, 6, 30)).findings] == [
        (f.code, f.cell) for f in validate(read_register(source), as_of=dt.date(2024, 6, 30)).findings
    ]


@pytest.mark.parametrize(
    ("code", "marked"),
    [
        ("General", '"✖ "General;"✖ "-General;"✖ "General;"✖ "@'),
        ("@", '"✖ "General;"✖ "-General;"✖ "General;"✖ "@'),  # Text: numbers General, text after the glyph
        ("[$-809]dd/mm/yyyy", '[$-809]"✖ "dd/mm/yyyy;[$-809]"✖ "-dd/mm/yyyy;[$-809]"✖ "dd/mm/yyyy;"✖ "@'),
        ("[Red]0;[Blue]-0", '[Red]"✖ "0;[Blue]"✖ "-0;[Red]"✖ "0;"✖ "@'),
        ('0.0;"a;b"0', '"✖ "0.0;"✖ ""a;b"0;"✖ "0.0;"✖ "@'),  # a quoted semicolon is no section break
    ],
)
def test_the_glyph_goes_before_what_each_section_shows(code, marked):
    from riskbook.xlsx.marks import with_glyph

    assert with_glyph(code, 0) == marked  # 0: an error
