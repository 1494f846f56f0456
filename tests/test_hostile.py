"""Hostile and broken files: one clear line and exit 2, within bounded time and memory; odd but valid files read right.

Every file here is made by the test itself: nothing large is committed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from riskbook import read_register, validate
from riskbook.errors import OutputError
from riskbook.source import package
from tests.helpers import AS_OF, CLEAN_EXAMPLE, HEADER, risk_row, sha256, write_xlsx
from tests.helpers import run_cli as run
from tests.helpers import run_cli_process as run_process

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def one_line_exit_2(result, message):
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    lines = output.strip().splitlines()
    assert code == 2, output
    assert len(lines) == 1 and message in lines[0], output
    assert "Traceback" not in output


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_parts(path: Path, parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def base(tmp_path) -> Path:
    return write_xlsx(tmp_path / "base.xlsx", [HEADER, risk_row()])


def with_doctype(xml: bytes, prolog: str, entity: str) -> bytes:
    text = xml.decode("utf-8")
    body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
    return (prolog + body.replace("STR0001", entity, 1)).encode("utf-8")


# -- Inputs refused with one line -------------------------------------------------------------


def test_no_read_permission(base, monkeypatch):
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == base:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    one_line_exit_2(run("validate", base), f"{base}: permission denied")


@pytest.mark.slow
def test_zip_bomb_by_ratio_is_refused_before_inflating(base, tmp_path):
    parts = parts_of(base)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<sheetData>", "<sheetData>" + " " * 200_000_000).encode()
    bomb = write_parts(tmp_path / "bomb.xlsx", parts)
    assert bomb.stat().st_size < 1_000_000
    result = run_process("validate", bomb)
    one_line_exit_2(result, "part xl/worksheets/sheet1.xml is compressed")
    assert "refusing it as a possible zip bomb" in result.stderr


def _patch_entry(path: Path, name: str, method: int | None = None, size: int | None = None, crc: int | None = None):
    """Overwrite an entry's compression method, uncompressed size or CRC-32 in both its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    central = next(
        at
        for at in range(data.index(b"PK\x01\x02"), len(data))
        if data[at : at + 4] == b"PK\x01\x02" and data[at + 46 : at + 46 + len(name)] == name.encode()
    )
    for header, method_at in ((info.header_offset, 8), (central, 10)):
        if method is not None:
            data[header + method_at : header + method_at + 2] = method.to_bytes(2, "little")
        if crc is not None:
            data[header + method_at + 6 : header + method_at + 10] = crc.to_bytes(4, "little")
        if size is not None:
            data[header + method_at + 14 : header + method_at + 18] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


@pytest.fixture
def long_sheet(tmp_path) -> tuple[dict[str, bytes], bytes]:
    """A register whose sheet XML runs well past the 4 KB the DTD check reads, so only the scan inflates the rest."""
    path = write_xlsx(tmp_path / "long.xlsx", [HEADER] + [risk_row(f"STR{i:04d}") for i in range(300)])
    parts = parts_of(path)
    assert len(parts["xl/worksheets/sheet1.xml"]) > 40_000
    return parts, parts["xl/worksheets/sheet1.xml"]


@pytest.mark.slow
def test_a_deflate_stream_that_cannot_be_inflated_is_one_line(long_sheet, tmp_path):
    parts, sheet = long_sheet
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    # A good start, then a block of the reserved type: inflating fails 30 KB in, past the DTD check.
    broken = deflate.compress(sheet[:30_000]) + deflate.flush(zlib.Z_FULL_FLUSH) + b"\x07"
    path = write_parts(tmp_path / "inflate.xlsx", {**parts, "xl/worksheets/sheet1.xml": broken}, zipfile.ZIP_STORED)
    _patch_entry(path, "xl/worksheets/sheet1.xml", method=zipfile.ZIP_DEFLATED, size=len(sheet), crc=zlib.crc32(sheet))
    with zipfile.ZipFile(path) as zf:
        stream = package.open_part(zf, zf.getinfo("xl/worksheets/sheet1.xml"))
        assert not isinstance(stream, zipfile.ZipExtFile)  # the zlib-ng reader the scan uses
        with pytest.raises(package.INFLATE_ERRORS):
            stream.read()
    for result in (run_process("validate", path), run_process("build", path, "-o", tmp_path / "out.xlsx")):
        one_line_exit_2(result, "inflate.xlsx: the file is damaged (a part cannot be decompressed)")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.slow
def test_a_part_failing_its_checksum_is_one_line(long_sheet, tmp_path):
    parts, sheet = long_sheet
    path = write_parts(tmp_path / "crc.xlsx", parts)
    _patch_entry(path, "xl/worksheets/sheet1.xml", crc=zlib.crc32(sheet) ^ 1)
    with zipfile.ZipFile(path) as zf:
        stream = package.open_part(zf, zf.getinfo("xl/worksheets/sheet1.xml"))
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            stream.read()
    one_line_exit_2(run_process("validate", path), "crc.xlsx: the file is damaged (a part fails its checksum)")


@pytest.mark.slow
def test_the_inflating_reader_gives_zipfiles_bytes_in_any_piece_size(long_sheet, tmp_path):
    parts, sheet = long_sheet
    path = write_parts(tmp_path / "pieces.xlsx", parts)
    with zipfile.ZipFile(path) as zf:
        for size in (1, 4095, 65536, -1):
            with package.open_part(zf, zf.getinfo("xl/worksheets/sheet1.xml")) as stream:
                pieces = list(iter(lambda size=size: stream.read(size), b""))
            assert b"".join(pieces) == sheet
            assert all(len(piece) <= size for piece in pieces) if size > 0 else len(pieces) == 1


@pytest.mark.slow
def test_reading_ahead_gives_the_parts_bytes_and_stops_when_the_reader_does(tmp_path):
    import os

    data = os.urandom(3_000_000).hex().encode()  # 6 MB that deflate cannot shrink much: many pieces
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("part.xml", data)
    with zipfile.ZipFile(path) as zf:
        with package.ReadAhead(zf, "part.xml", 65536) as stream:
            pieces = list(iter(lambda: stream.read(65536), b""))
        assert b"".join(pieces) == data and len(pieces) > 50
        stream = package.ReadAhead(zf, "part.xml", 65536)
        assert stream.read(65536) == data[:65536]
        stream.close()  # the thread inflating ahead is waiting for room: it must see the stop
        assert stream._thread is None or not stream._thread.is_alive()


@pytest.mark.slow
def test_total_size_limit_is_an_option(tmp_path):
    noise = random.Random(1).randbytes(1_500_000).hex()  # incompressible: passes the ratio check
    path = write_xlsx(
        tmp_path / "big.xlsx",
        [[*HEADER, "Notes"], [*risk_row(), noise[:32_000]]]
        + [["", "", "", "", "", "", "", "", "", "", noise[i : i + 32_000]] for i in range(32_000, 2_900_000, 32_000)],
    )
    one_line_exit_2(run("validate", path, "--max-size", "1"), "would inflate to more than 1 MB")
    assert run("validate", path, "--as-of", "2024-01-16").exit_code in (0, 1)


@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "[Content_Types].xml"]
)
@pytest.mark.parametrize(("name", "prolog", "entity"), [("laughs", LAUGHS, "&lol9;"), ("xxe", XXE, "&xxe;")])
@pytest.mark.slow
def test_xml_entity_attacks_are_refused(base, tmp_path, part, name, prolog, entity):
    parts = parts_of(base)
    parts[part] = with_doctype(parts[part], prolog, entity)
    path = write_parts(tmp_path / f"{name}.xlsx", parts)
    one_line_exit_2(run_process("validate", path), f"part {part} declares XML entities (<!DOCTYPE>)")


@pytest.mark.parametrize(("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")])
def test_calamine_itself_never_expands_entities(base, tmp_path, prolog, entity):
    import python_calamine as pc

    parts = parts_of(base)
    parts["xl/sharedStrings.xml"] = with_doctype(parts["xl/sharedStrings.xml"], prolog, entity)
    path = write_parts(tmp_path / "attack.xlsx", parts)
    with pytest.raises(pc.CalamineError, match="unrecognized entity"):
        pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Register").to_python()


@pytest.mark.parametrize(("prolog", "entity"), [(LAUGHS, "&lol9;"), (XXE, "&xxe;")])
def test_openpyxl_with_defusedxml_never_expands_entities(base, tmp_path, prolog, entity):
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml must be installed so that openpyxl uses it"
    parts = parts_of(base)
    parts["xl/sharedStrings.xml"] = with_doctype(parts["xl/sharedStrings.xml"], prolog, entity)
    path = write_parts(tmp_path / "attack.xlsx", parts)
    with pytest.raises(ValueError, match="could not read strings") as caught:
        openpyxl.load_workbook(path)
    assert "Forbidden" in type(caught.value.__context__).__name__


@pytest.mark.slow
def test_sheet_reaching_xfd1048576_is_refused_before_any_reader_sees_it(tmp_path):
    import xlsxwriter

    path = tmp_path / "corner.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Register")
    sheet.write_string(0, 0, "Reference")
    sheet.write_string(1_048_575, 16_383, "far away")
    workbook.close()
    assert path.stat().st_size < 10_000
    result = run_process("validate", path)  # calamine would abort the whole process (SIGABRT)
    one_line_exit_2(
        result,
        "sheet 'Register' reaches XFD1048576 (17,179,869,184 cells, about 687,270 MB of memory to read); "
        "refusing sheets that need more than",
    )


@pytest.mark.slow
def test_a_lying_dimension_does_not_hide_the_extent(base, tmp_path):
    parts = parts_of(base)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    path = write_parts(tmp_path / "lying.xlsx", parts)
    one_line_exit_2(run_process("validate", path), "reaches XFD1048576")


def test_a_million_rows_in_one_column_from_a_small_file_is_refused_for_its_size(tmp_path):
    import xlsxwriter

    path = tmp_path / "tall.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Register")
    for col, header in enumerate(HEADER):
        sheet.write_string(0, col, header)
    for col, value in enumerate(risk_row()):
        sheet.write(1, col, value)
    sheet.write_string(1_048_575, 0, "")
    sheet.write_number(1_048_575, 1, 1)
    workbook.close()
    result = run_process("validate", path, "--as-of", "2024-01-16")
    # Issue 25: a file of a few kilobytes may not cost half a gigabyte; the stray far cell is named.
    one_line_exit_2(result, "reaches J1048576 (10,485,760 cells")
    assert "from a file of this size" in result.stderr


def test_workbook_with_only_empty_sheets(tmp_path):
    path = write_xlsx(tmp_path / "e.xlsx", [], extra_sheets={"One": [], "Two": [[None]]})
    one_line_exit_2(run("validate", path), "the workbook's sheets are empty")


@pytest.mark.slow
def test_ods_and_xls_that_are_damaged(tmp_path):
    ods = tmp_path / "broken.ods"
    write_parts(ods, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<not-closed"})
    one_line_exit_2(run_process("validate", ods), "broken.ods: the workbook is damaged or not a spreadsheet")
    xls = tmp_path / "broken.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    one_line_exit_2(run_process("validate", xls), "broken.xls: the workbook is damaged or not a spreadsheet")


# -- Odd but valid ----------------------------------------------------------------------------


def test_merged_title_hidden_rows_and_columns_and_unicode(tmp_path):
    import xlsxwriter

    path = tmp_path / "odd.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Register")
    sheet.merge_range("A1:J2", "Cofrestr Risg — Heddlu 🚓", workbook.add_format({"bold": True}))
    header = [*HEADER, "Nodiadau"]
    for col, value in enumerate(header):
        sheet.write_string(3, col, value)
    rows = [
        risk_row("STR0001", title="Diogelwch – café naïve 🚓", owner="Prif Swyddog"),
        risk_row("STR0002", impact="4", likelihood="3", score="12", previous="12"),
        risk_row("STR0003", title="   "),
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate([*row, "ŵ ŷ"]):
            sheet.write_string(r, c, str(value)) if isinstance(value, str) else sheet.write_number(r, c, value)
    sheet.set_row(5, None, None, {"hidden": True})
    sheet.set_column("K:K", None, None, {"hidden": True})
    workbook.close()
    report = validate(read_register(path), as_of=AS_OF)
    register = report.register
    assert register.header_row == 3
    assert register.risks[0].title == "Diogelwch – café naïve 🚓"
    risk = register.risks[1]
    assert register.scheme.score_for(risk.impact, risk.likelihood) == 12 and risk.get("score") == 12
    assert register.risks[0].extras == {"Nodiadau": "ŵ ŷ"}
    assert [(f.code, f.cell) for f in report.findings] == [
        ("hidden-column", "K4"),
        ("hidden-row", "A6"),
        ("missing-value", "C7"),
    ]
    assert "row 6 is hidden; riskbook reads it" in report.findings[1].message


def test_csv_with_leading_apostrophes_numbers_as_text_and_spaces(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        ",".join(HEADER) + "\n"
        "'STR0001,Owner,Title,'4,'3,Controls Tasked,'16/05/23,Jan 2024,'12,12\n"
        "   ,  ,   ,  ,  ,  ,  ,  ,  ,  \n",
        encoding="utf-8",
    )
    register = read_register(path)
    assert len(register.risks) == 1
    risk = register.risks[0]
    assert (risk.reference, risk.impact, risk.likelihood, risk.get("score")) == ("STR0001", 4, 3, 12)
    assert risk.get("first_recorded").earliest == dt.date(2023, 5, 16)
    assert validate(register, as_of=AS_OF).findings == []


def test_cp1252_csv_is_read(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes(
        (",".join(HEADER) + "\n" + ",".join(str(v) for v in risk_row(title="Café – £3.9m"))).encode("cp1252")
    )
    assert read_register(path).risks[0].title == "Café – £3.9m"


# -- Outputs ----------------------------------------------------------------------------------


def test_writer_checks_every_return_code(tmp_path):
    from riskbook.scheme.load import load_scheme
    from riskbook.xlsx.writer import Book, PageSetup

    book = Book(tmp_path / "x.xlsx", PageSetup("t", "d", "OFFICIAL"), load_scheme())
    sheet = book.add_sheet("S")
    with pytest.raises(OutputError, match="failed"):
        sheet.text(1_048_576, 0, "past the last row")
    with pytest.raises(OutputError, match="exceed 32,767 characters"):
        sheet.text(0, 0, "x" * 32_768)
    book.close()


@pytest.mark.slow
def test_a_crash_inside_the_writer_leaves_the_earlier_file(tmp_path, monkeypatch):
    from riskbook.xlsx import writer

    first = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "panel.xlsx", "--as-of", "2024-01-16")
    assert first.exit_code == 0
    before = sha256(tmp_path / "panel.xlsx")

    def broken_close(self):
        raise OutputError("cannot write the workbook: disk full")

    monkeypatch.setattr(writer.Book, "close", broken_close)
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "panel.xlsx", "--as-of", "2024-01-16")
    one_line_exit_2(result, "cannot write the workbook: disk full")
    assert sha256(tmp_path / "panel.xlsx") == before
    assert [p.name for p in tmp_path.iterdir()] == ["panel.xlsx"]


@pytest.mark.slow
def test_ctrl_c_mid_write_leaves_no_partial_file(tmp_path):
    """A real interrupt, in a real process, while xlsxwriter is writing."""
    script = (
        "import signal, os, sys\n"
        "from riskbook.xlsx import writer\n"
        "real = writer.SheetWriter.text\n"
        "calls = [0]\n"
        "def text(self, *a, **k):\n"
        "    calls[0] += 1\n"
        "    if calls[0] == 200:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(self, *a, **k)\n"
        "writer.SheetWriter.text = text\n"
        "from riskbook.cli import main\n"
        f"sys.argv = ['riskbook', 'build', {str(CLEAN_EXAMPLE)!r}, '-o', {str(tmp_path / 'panel.xlsx')!r}, '--as-of', '2024-01-16']\n"
        "main()\n"
    )
    (tmp_path / "panel.xlsx").write_bytes(b"earlier panel")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert (tmp_path / "panel.xlsx").read_bytes() == b"earlier panel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["panel.xlsx"]


@pytest.mark.slow
def test_no_command_modifies_its_input(tmp_path):
    source = tmp_path / "register.xlsx"
    source.write_bytes(CLEAN_EXAMPLE.read_bytes())
    before = sha256(source)
    commands = [
        ["validate", source, "--as-of", "2024-01-16"],
        ["validate", source, "--format", "json"],
        ["validate", source, "--annotate", tmp_path / "a.xlsx"],
        ["build", source, "-o", tmp_path / "p.xlsx", "--as-of", "2024-01-16", "--previous", source],
        ["template", "-o", tmp_path / "t.xlsx", "--from", source],
    ]
    for command in commands:
        result = run(*command)
        assert result.exit_code in (0, 1), result.output
        assert sha256(source) == before, command


# -- Fuzzing ----------------------------------------------------------------------------------

FUZZ_RUNNER = """
import json, sys, traceback
from pathlib import Path
from riskbook import read_register, validate, build_workbook, load_scheme
from riskbook.errors import RiskbookError
import datetime as dt
scheme = load_scheme()
for name in sys.argv[2:]:
    path = Path(sys.argv[1]) / name
    print(json.dumps({"file": name, "start": True}), flush=True)
    try:
        register = read_register(path, scheme=scheme)
        report = validate(register, as_of=dt.date(2024, 1, 16))
        if report.ok:
            build_workbook(report, path.with_suffix(".out.xlsx"))
        outcome = "report"
    except RiskbookError as exc:
        outcome = "error: " + str(exc)
    except BaseException as exc:
        outcome = "CRASH " + type(exc).__name__ + ": " + str(exc)[:300] + " " + traceback.format_exc()[-800:]
    print(json.dumps({"file": name, "outcome": outcome}), flush=True)
"""


def _mutations(seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    source = CLEAN_EXAMPLE.read_bytes()
    parts = parts_of(CLEAN_EXAMPLE)
    xml_names = [n for n in parts if n.endswith(".xml")]
    out = []
    for i in range(count):
        kind = i % 4
        if kind == 0:  # flip bytes of the archive
            data = bytearray(source)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # truncate the archive
            data = source[: rng.randrange(len(source))]
        else:  # damage an XML part, then zip it again properly
            changed = dict(parts)
            name = rng.choice(xml_names)
            xml = bytearray(changed[name])
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(len(xml))
                if kind == 2:
                    xml[at] = rng.choice(b'<>&"= /x0\\xff')
                else:
                    del xml[at : at + rng.randint(1, 40)]
            changed[name] = bytes(xml)
            data = _zip_bytes(changed)
        out.append((f"mutant-{seed}-{i}.xlsx", bytes(data)))
    return out


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.slow
def test_byte_level_mutations_give_a_report_or_a_clear_error(tmp_path):
    mutants = _mutations(seed=2024, count=160)
    for name, data in mutants:
        (tmp_path / name).write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-c", FUZZ_RUNNER, str(tmp_path), *[n for n, _ in mutants]],
        capture_output=True,
        text=True,
        timeout=600,
    )
    outcomes = [json.loads(line) for line in result.stdout.splitlines() if '"outcome"' in line]
    started = [json.loads(line)["file"] for line in result.stdout.splitlines() if '"start"' in line]
    assert result.returncode == 0, f"runner died on {started[-1] if started else '?'}: {result.stderr[-2000:]}"
    assert len(outcomes) == len(mutants)
    crashes = [o for o in outcomes if o["outcome"].startswith("CRASH")]
    assert crashes == []
    errors = [o["outcome"] for o in outcomes if o["outcome"].startswith("error")]
    assert all("\n" not in e and len(e) < 400 for e in errors)
    assert any(o["outcome"] == "report" for o in outcomes)
