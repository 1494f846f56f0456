"""The owner's workbook back with findings marked on their cells."""

import json
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from riskbook.cli import cli
from tests.helpers import HEADER, PUBLISHED_EXAMPLE, convert_with_libreoffice, risk_row, sha256, write_xlsx

ERROR, WARNING = "FFD9F2", "FFF4CC"  # the marks' backgrounds, under stripes: no owner's rule uses them


def annotate(source, out, *args):
    return CliRunner().invoke(cli, ["validate", str(source), "--as-of", "2024-01-16", "--annotate", str(out), *args])


def fill_of(cell):
    """A mark's background (a striped fill), or a solid fill's colour."""
    if cell.fill and cell.fill.fill_type == "lightUp":
        return cell.fill.bgColor.rgb[-6:]
    return cell.fill.fgColor.rgb[-6:] if cell.fill and cell.fill.fill_type == "solid" else None


def test_findings_are_marked_on_the_owners_cells(tmp_path):
    before = sha256(PUBLISHED_EXAMPLE)
    out = tmp_path / "annotated.xlsx"
    result = annotate(PUBLISHED_EXAMPLE, out)
    assert result.exit_code == 1  # the findings still decide the exit code
    assert f"Wrote {out}" in result.output
    assert sha256(PUBLISHED_EXAMPLE) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "Register"]
    register = wb["Register"]
    assert fill_of(register["I19"]) == ERROR
    assert "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)" in register["I19"].comment.text
    assert register["I19"].comment.author == "riskbook"
    assert fill_of(register["F7"]) == WARNING and "read as 'Controls Tasked'" in register["F7"].comment.text
    assert fill_of(register["A19"]) == ERROR
    assert "This risk has 1 finding: I19 score-mismatch" in register["A19"].comment.text
    assert fill_of(register["A7"]) == WARNING
    assert fill_of(register["A5"]) != ERROR and register["A5"].comment is None


def test_findings_sheet_lists_and_links_every_finding(tmp_path):
    out = tmp_path / "annotated.xlsx"
    annotate(PUBLISHED_EXAMPLE, out)
    findings = openpyxl.load_workbook(out)["Findings"]
    rows = list(findings.iter_rows(min_row=1, values_only=True))
    assert rows[0] == ("Severity", "Code", "Reference", "Cell", "Message")
    assert rows[2] == (
        "error", "score-mismatch", "STR0292", "Register!I19", "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)",
    )  # fmt: skip
    assert len(rows) == 7
    assert findings["D3"].hyperlink.location == "'Register'!I19"
    assert findings.freeze_panes == "A2"


def test_every_original_sheet_and_value_is_kept(tmp_path):
    source = write_xlsx(
        tmp_path / "owner.xlsx",
        [HEADER, risk_row(score=9), risk_row("STR0002")],
        title_rows=["Force Risk Register", "Q4"],
        extra_sheets={"Cover": [["Owner's cover note", 42]]},
    )
    out = tmp_path / "annotated.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    original, copy = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    assert copy.sheetnames == ["Findings", *original.sheetnames]
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert copy[ws.title][cell.coordinate].value == cell.value
    assert fill_of(copy["Register"]["I4"]) == ERROR


def test_text_stays_text_in_the_annotated_copy(make_register, tmp_path):
    source = make_register([risk_row(ref="=STR1", title='=HYPERLINK("http://x")', score=9)])
    out = tmp_path / "a.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    assert wb["Register"]["C2"].data_type == "s" and wb["Register"]["C2"].value == '=HYPERLINK("http://x")'
    references = [c.value for c in wb["Findings"]["C"]]
    assert "=STR1" in references
    assert all(c.data_type == "s" for c in wb["Findings"]["C"] if c.value)


def test_csv_input_gets_an_annotated_xlsx(tmp_path):
    source = tmp_path / "register.csv"
    source.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in risk_row(score=9)) + "\n", encoding="utf-8")
    out = tmp_path / "register-annotated.xlsx"
    result = annotate(source, out)
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "register"]
    assert wb["register"]["A2"].value == "STR0001" and fill_of(wb["register"]["I2"]) == ERROR


def test_xlsm_input_becomes_a_plain_xlsx(tmp_path):
    source = write_xlsx(tmp_path / "r.xlsx", [HEADER, risk_row(score=9)])
    xlsm = tmp_path / "r.xlsm"
    xlsm.write_bytes(source.read_bytes())
    out = tmp_path / "r-annotated.xlsx"
    assert annotate(xlsm, out).exit_code == 1
    with zipfile.ZipFile(out) as zf:
        assert not any("vba" in n.lower() for n in zf.namelist())
        assert "macroEnabled" not in zf.read("[Content_Types].xml").decode()


def test_output_must_differ_from_input(tmp_path):
    copy = tmp_path / "r.xlsx"
    copy.write_bytes(PUBLISHED_EXAMPLE.read_bytes())
    before = sha256(copy)
    result = annotate(copy, copy)
    assert result.exit_code == 2 and "is the input file" in result.output
    assert sha256(copy) == before


@pytest.mark.libreoffice
def test_annotated_copy_passes_the_ooxml_schema_check(tmp_path):
    out = tmp_path / "annotated.xlsx"
    annotate(PUBLISHED_EXAMPLE, out)
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True, text=True
    )
    report = json.loads(result.stdout)[0]
    assert report["error_count"] == 0 and report["warning_count"] == 0, report["errors"][:5]
    assert report["verdict"]["prediction"] == "opens-clean"


def test_json_output_stays_pure_with_annotate(tmp_path):
    out = tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(
        cli, ["validate", str(PUBLISHED_EXAMPLE), "--as-of", "2024-01-16", "--format", "json", "--annotate", str(out)]
    )
    assert json.loads(result.stdout)["errors"] == 3


def _png() -> bytes:
    """A 2 × 2 red PNG, written without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


THREADED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><threadedComment ref="B3" '
    'dT="2024-01-10T09:00:00.00" personId="{6A3A1F5B-0000-4000-8000-000000000001}" '
    'id="{6A3A1F5B-0000-4000-8000-000000000002}"><text>Owner: please confirm the title</text>'
    "</threadedComment></ThreadedComments>"
)
PERSONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="Risk Owner" '
    'id="{6A3A1F5B-0000-4000-8000-000000000001}" userId="owner@example.org" providerId="AD"/></personList>'
)


def _owners_workbook(path):
    """An owner's register as Excel leaves it: a stored formula result, a picture, a chart, a colour scale on
    Score, data validation, a note, a cover sheet selected with the register, and a threaded comment."""
    import xlsxwriter

    image = path.parent / "logo.png"
    image.write_bytes(_png())
    wb = xlsxwriter.Workbook(path)
    cover = wb.add_worksheet("Cover")
    cover.write_string(0, 0, "Force Risk Register")
    cover.insert_image("B3", str(image))
    ws = wb.add_worksheet("Register")
    for col, header in enumerate(HEADER):
        ws.write_string(0, col, header)
    rows = [risk_row(score=9), risk_row("STR0002", score=12), risk_row("STR0003", status="Controls tasked")]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if c == 8:
                ws.write_formula(r, c, f"=J{r + 1}*1", None, value)  # a stated score kept as a formula result
            elif isinstance(value, int):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    ws.conditional_format("I2:I4", {"type": "3_color_scale"})
    ws.data_validation("D2:E4", {"validate": "list", "source": ["Low", "Medium", "High", "Very High"]})
    ws.write_comment("I2", "Agreed at the December panel")
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Register!$I$2:$I$4", "categories": "=Register!$A$2:$A$4"})
    ws.insert_chart("L2", chart)
    wb.define_name("Register!Scores", "=Register!$I$2:$I$4")
    cover.select()
    ws.activate()
    wb.close()
    _add_threaded_comment(path)
    return path


def _add_threaded_comment(path):
    """Excel's threaded comment on Register!B3 and its person list, added part by part, and Excel's calcPr."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/threadedComments/threadedComment1.xml"] = THREADED.encode()
    parts["xl/persons/person.xml"] = PERSONS.encode()
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/threadedComments/threadedComment1.xml" '
        'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
        '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode()
    # Excel saves its results and does not ask for a recalculation on opening (xlsxwriter does).
    parts["xl/workbook.xml"] = re.sub(rb"<calcPr[^>]*/>", b'<calcPr calcId="191029"/>', parts["xl/workbook.xml"])
    sheet_rels = "xl/worksheets/_rels/sheet2.xml.rels"
    parts[sheet_rels] = parts[sheet_rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdTc1" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
        b'Target="../threadedComments/threadedComment1.xml"/></Relationships>',
    )
    book_rels = "xl/_rels/workbook.xml.rels"
    parts[book_rels] = parts[book_rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdP1" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" '
        b'Target="persons/person.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


# The parts annotate may change, and how; every other part must come back byte for byte.
MAY_CHANGE = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet2.xml",  # the register
    "xl/worksheets/_rels/sheet2.xml.rels",
    "xl/comments1.xml",  # the register's notes, merged
    "xl/drawings/vmlDrawing1.vml",
}


def test_annotated_copy_changes_only_the_parts_it_must(tmp_path):
    source = _owners_workbook(tmp_path / "owner.xlsx")
    out = tmp_path / "annotated.xlsx"
    result = annotate(source, out, "--sheet", "Register")
    assert result.exit_code == 1, result.output
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        old = {name: before.read(name) for name in before.namelist()}
        new = {name: after.read(name) for name in after.namelist()}
    assert set(old) <= set(new)
    added = set(new) - set(old)
    assert added == {"xl/worksheets/findings1.xml"}
    for name, data in old.items():
        if name in MAY_CHANGE:
            continue
        if name == "xl/worksheets/sheet1.xml":  # the cover was selected with the register: only that flag goes
            assert new[name] == data.replace(b' tabSelected="1"', b""), name
            assert data != new[name]
            continue
        assert new[name] == data, f"{name} changed"
    for kept in ("xl/media/image1.png", "xl/charts/chart1.xml", "xl/threadedComments/threadedComment1.xml"):
        assert new[kept] == old[kept]
    register = new["xl/worksheets/sheet2.xml"].decode()
    assert "<v>9</v>" in register and "<v>12</v>" in register  # the stored formula results are kept
    assert 'tabSelected="1"' not in register
    assert '<dataValidations count="1">' in register and "colorScale" in register
    assert b'<definedName name="Scores" localSheetId="2">Register!$I$2:$I$4</definedName>' in new["xl/workbook.xml"]
    assert b'activeTab="0"' in new["xl/workbook.xml"]


def test_a_mark_stays_visible_over_the_owners_conditional_formats(tmp_path):
    source = _owners_workbook(tmp_path / "owner.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(source, out, "--sheet", "Register")
    ws = openpyxl.load_workbook(out)["Register"]
    rules = sorted((rule.priority, str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules)
    first_priority, first_range, first_rule = rules[0]
    assert first_priority == 1 and first_rule.stopIfTrue and first_rule.formula == ["TRUE"]
    assert "I2" in first_range.split() and first_rule.dxf.fill.bgColor.rgb[-6:] == ERROR
    owner = [rule for _, sqref, rule in rules if rule.type == "colorScale"]
    assert owner and owner[0].priority > 2
    assert fill_of(ws["I2"]) == ERROR and fill_of(ws["I3"]) is None
    assert ws["I2"].comment.text.startswith("Agreed at the December panel")  # the owner's note, with the finding
    assert "score 9 is not impact × likelihood" in ws["I2"].comment.text


def test_only_the_findings_sheet_is_selected(tmp_path):
    source = _owners_workbook(tmp_path / "owner.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(source, out, "--sheet", "Register")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Findings", "Cover", "Register"]
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Findings"]
    assert wb.active.title == "Findings"


@pytest.mark.slow
def test_validating_the_annotated_copy_gives_the_same_findings(tmp_path):
    source = _owners_workbook(tmp_path / "owner.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(source, out, "--sheet", "Register")
    for path in (PUBLISHED_EXAMPLE,):
        copy = tmp_path / "published-annotated.xlsx"
        annotate(path, copy)
        pairs = [(path, copy), (source, out)]
    for original, annotated in pairs:
        args = ["--as-of", "2024-01-16", "--sheet", "Register", "--format", "json"]
        first = json.loads(CliRunner().invoke(cli, ["validate", str(original), *args]).stdout)
        second = json.loads(CliRunner().invoke(cli, ["validate", str(annotated), *args]).stdout)
        assert second["findings"] == first["findings"] and first["findings"]
        assert "formula-without-value" not in json.dumps(second)


@pytest.mark.libreoffice
def test_owners_workbook_annotated_copy_opens_clean(tmp_path):
    source = _owners_workbook(tmp_path / "owner.xlsx")
    out = tmp_path / "annotated.xlsx"
    annotate(source, out, "--sheet", "Register")
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True, text=True
    )
    report = json.loads(result.stdout)[0]
    assert report["error_count"] == 0, report["errors"][:5]
    assert report["verdict"]["prediction"] == "opens-clean"


@pytest.mark.libreoffice
def test_control_characters_are_shown_and_long_text_is_kept_whole(tmp_path):
    source = tmp_path / "register.csv"
    long_status = "Controls " + "x" * 40_000
    row = risk_row(title="Budget\x0bgap\x01", status=long_status, score=12)
    source.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in row) + "\n", encoding="utf-8")
    out = tmp_path / "register-annotated.xlsx"
    result = annotate(source, out)
    assert result.exit_code == 1, result.output
    wb = openpyxl.load_workbook(out)
    register = wb["register"]
    assert register["C2"].value == "Budget\u240bgap\u2401"  # shown as control pictures: XML cannot hold them
    first = register["F2"].value
    assert len(first) <= 32_767 and first.endswith("(continued on the Long text sheet, row 2)")
    long_text = wb["Long text"]
    assert long_text["A2"].value == "register!F2" and long_text["B2"].value == len(long_status)
    assert first.split(" … (continued")[0] + "".join(c.value for c in long_text[2][2:] if c.value) == long_status
    assert "unknown-status" in register["F2"].comment.text
    message = next(row for row in wb["Findings"].iter_rows(values_only=True) if row[1] == "unknown-status")[4]
    assert len(message) <= 32_767 and "the whole message is in the note on register!F2" in message
    audit = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True, text=True
    )
    assert json.loads(audit.stdout)[0]["error_count"] == 0


@pytest.mark.parametrize("ext", ["ods", "xls"])
@pytest.mark.libreoffice
def test_ods_and_xls_inputs_get_an_annotated_xlsx(tmp_path, recalc_profile, ext):
    converted = convert_with_libreoffice(PUBLISHED_EXAMPLE, ext, tmp_path, recalc_profile)
    out = tmp_path / f"annotated-{ext}.xlsx"
    result = annotate(converted, out)
    assert result.exit_code == 1 and f"Wrote {out}" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Findings"
    register = wb[wb.sheetnames[1]]
    assert fill_of(register["I19"]) == ERROR and "score 12 is not impact × likelihood" in register["I19"].comment.text
    args = ["--as-of", "2024-01-16", "--format", "json", "--sheet", wb.sheetnames[1]]
    before = json.loads(CliRunner().invoke(cli, ["validate", str(converted), *args[:-2]]).stdout)["findings"]
    after = json.loads(CliRunner().invoke(cli, ["validate", str(out), *args]).stdout)["findings"]
    assert [(f["code"], f["cell"]) for f in after] == [(f["code"], f["cell"]) for f in before]


@pytest.mark.libreoffice
def test_a_sheet_written_with_prefixed_names_is_marked(tmp_path):
    """Some writers spell every element of the sheet with a prefix (<x:c>); the marks land all the same."""
    import dataclasses
    import datetime as dt

    from riskbook import read_register, validate
    from riskbook.outputs.annotate import annotate_workbook

    with zipfile.ZipFile(PUBLISHED_EXAMPLE) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r"<(/?)([A-Za-z]+)([\s>/])", r"<\1x:\2\3", sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(' xmlns="http://', ' xmlns:x="http://', 1).encode()
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(prefixed, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    register = read_register(PUBLISHED_EXAMPLE)
    report = validate(register, as_of=dt.date(2024, 1, 16))
    report.register = dataclasses.replace(register, path=str(prefixed))
    out = annotate_workbook(report, tmp_path / "annotated.xlsx")
    ws = openpyxl.load_workbook(out)["Register"]
    assert fill_of(ws["I19"]) == ERROR and ws["I19"].value == 12
    assert "score 12 is not impact × likelihood" in ws["I19"].comment.text
    audit = subprocess.run([sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(out)], capture_output=True)
    assert json.loads(audit.stdout)[0]["error_count"] == 0


@pytest.mark.slow
def test_a_returned_template_is_annotated_with_its_table_kept(tmp_path):
    template = tmp_path / "template.xlsx"
    CliRunner().invoke(cli, ["template", "-o", str(template), "--from", str(PUBLISHED_EXAMPLE), "--rescore"])
    out = tmp_path / "annotated.xlsx"
    args = ["--as-of", "2024-06-16", "--format", "json"]
    result = CliRunner().invoke(cli, ["validate", str(template), *args, "--annotate", str(out)])
    assert result.exit_code == 1
    with zipfile.ZipFile(template) as before, zipfile.ZipFile(out) as after:
        table = next(name for name in before.namelist() if name.startswith("xl/tables/"))
        assert after.read(table) == before.read(table)
    again = CliRunner().invoke(cli, ["validate", str(out), *args, "--sheet", "Register"])
    assert json.loads(again.stdout)["findings"] == json.loads(result.stdout)["findings"]
    ws = openpyxl.load_workbook(out)["Register"]
    assert fill_of(ws["H2"]) == ERROR and "review-overdue" in ws["H2"].comment.text


def test_the_copy_of_a_csv_reads_back_as_typed_times_durations_and_escape_lookalikes_too(tmp_path):
    """The copy of a .csv/.xls/.ods is written by riskbook's own writer: text that looks like Excel's
    _xHHHH_ escape stays as typed (Excel, and calamine, read "_x0041_" written raw as "A")."""
    from riskbook import read_register

    source = tmp_path / "register.csv"
    row = risk_row(title="Code _x0041_ review", owner="Ops_x000D_ desk", score=9)
    source.write_text(",".join(HEADER) + "\n" + ",".join(str(v) for v in row) + "\n", encoding="utf-8")
    out = tmp_path / "register-annotated.xlsx"
    assert annotate(source, out).exit_code == 1
    risk = read_register(out, sheet="register").risks[0]
    assert (risk.title, risk.get("owner")) == ("Code _x0041_ review", "Ops_x000D_ desk")
    with zipfile.ZipFile(out) as package:
        assert "xl/sharedStrings.xml" in package.namelist()  # strings shared, as Excel keeps them
