"""Text leaving riskbook: well-formed workbooks whatever the register holds, terminals that show
rather than obey, headers that keep the marking, and no temporary file left on any way out."""

from __future__ import annotations

import csv
import os
import re
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.dom import minidom

import openpyxl
import pytest

from tests.helpers import AS_OF, CLEAN_EXAMPLE, HEADER, PUBLISHED_EXAMPLE, risk_row, write_xlsx
from tests.helpers import run_cli as run

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "Fraud \x07 bell \x1b[2J\x1b]0;owned\x07 end"


def one_line(result, code: int, *words: str) -> str:
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    returncode = result.exit_code if hasattr(result, "exit_code") else result.returncode
    lines = output.strip().splitlines()
    assert returncode == code, output
    assert len(lines) == 1, output
    assert all(w in lines[0] for w in words), output
    assert "Traceback" not in output
    return lines[0]


def assert_every_part_well_formed(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                minidom.parseString(zf.read(name))  # raises on a part that is not well-formed


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# -- item 7: control characters and Excel's limits ---------------------------------------------


@pytest.mark.slow
def test_a_control_character_in_a_title_gives_a_well_formed_workbook_that_shows_it(tmp_path):
    register = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row(title=HOSTILE_TITLE)])
    out = tmp_path / "panel.xlsx"
    result = run("build", register, "-o", out, "--as-of", AS_OF, "--title", "Risks \x07 Q1", "--organisation", "A\x01B")
    assert result.exit_code == 0, result.output
    assert_every_part_well_formed(out)
    book = openpyxl.load_workbook(out)
    shown = "Fraud ␇ bell ␛[2J␛]0;owned␇ end"
    appendix_a = book["Appendix A"]
    assert appendix_a.cell(5, 3).value == shown
    card = book["Appendix E"]
    (table,) = card.tables.values()
    assert [c.name for c in table.tableColumns] == ["Field", "Value"]
    texts = [c.value for row in card.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(shown in text for text in texts)  # the card's heading names the risk, its bell shown
    assert book["Contents"]["A1"].value == "Risks ␇ Q1: contents"
    assert book.properties.title == "Risks ␇ Q1"


@pytest.mark.slow
def test_a_long_title_is_whole_on_the_cover_and_shortened_where_a_line_holds_it_the_marking_kept(tmp_path):
    title = "Strategic risk register of the force and its partners " * 6  # 330 characters
    out = tmp_path / "panel.xlsx"
    result = run(
        "build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF, "--title", title, "--marking", "OFFICIAL-SENSITIVE"
    )
    assert result.exit_code == 0, result.output
    assert "the Cover's table holds it whole" in result.output
    book = openpyxl.load_workbook(out)
    cover = book["Cover"]
    details = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, 20)}
    assert details["Report title"] == title  # whole, wrapped in its cell
    # A1 and A2 of every sheet are one line each (spilling past the page, they printed pages of their own).
    contents = book["Contents"]["A1"].value
    assert contents.endswith("…") and len(contents) <= 90 and title.startswith(contents[:-1])
    for sheet in book.worksheets:
        assert len(sheet["A1"].value) <= 90 and len(sheet["A2"].value) <= 160, sheet.title
        header = sheet.oddHeader
        assert header.center.text == "OFFICIAL-SENSITIVE", sheet.title
        left = header.left.text
        assert left.endswith("…") and len(left) <= 60 and title.startswith(left[:-1].rstrip())
        with zipfile.ZipFile(out) as zf:
            xml = zf.read(f"xl/worksheets/sheet{book.worksheets.index(sheet) + 1}.xml").decode()
        (raw,) = re.findall(r"<oddHeader>(.*?)</oddHeader>", xml)
        assert len(raw.replace("&amp;", "&").replace("&quot;", '"')) <= 255


@pytest.mark.parametrize(
    ("marking", "words"),
    [("", "--marking is empty"), ("   ", "--marking is empty"), ("SECRET " * 40, "--marking is 280 characters")],
)
def test_a_missing_or_overlong_marking_is_refused(tmp_path, marking, words):
    out = tmp_path / "panel.xlsx"
    result = run("build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF, "--marking", marking)
    one_line(result, 2, words)
    assert not out.exists()


# -- item 9: terminals --------------------------------------------------------------------------


@pytest.mark.slow
def test_control_sequences_from_a_register_are_printed_visibly(tmp_path):
    register = write_xlsx(
        tmp_path / "register.xlsx", [HEADER, risk_row(ref="STR\x1b[1A0001", title=HOSTILE_TITLE, score=99)]
    )
    result = subprocess.run(
        [sys.executable, "-m", "riskbook", "validate", str(register), "--as-of", str(AS_OF)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Fraud \\x07 bell \\x1b[2J\\x1b]0;owned\\x07 end" in result.stdout
    assert "STR\\x1b[1A0001" in result.stdout


# -- item 11: annotate ----------------------------------------------------------------------------


def test_annotate_keeps_control_characters_and_cells_longer_than_excel_allows(tmp_path):
    long_text = ("word " * 8_000).strip() + " last"  # 40,004 characters
    source = tmp_path / "register.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [HEADER, risk_row(title="Bell \x07 title"), risk_row(ref="STR0002", title=long_text, score=99)]
        )
    out = tmp_path / "checked.xlsx"
    result = run("validate", source, "--as-of", AS_OF, "--annotate", out)
    assert result.exit_code == 1, result.output
    assert_every_part_well_formed(out)
    book = openpyxl.load_workbook(out)
    register = book["register"]
    assert register["C2"].value == "Bell ␇ title"
    first = register["C3"].value
    match = re.search(r" … \(continued on the Long text sheet, row (\d+)\)$", first)
    assert match and len(first) <= 32_767
    rest = [c.value for c in book["Long text"][int(match.group(1))][2:] if c.value]
    assert book["Long text"].cell(int(match.group(1)), 2).value == len(long_text)
    assert first[: match.start()] + " " + " ".join(rest) == long_text


def test_annotate_marks_a_sheet_whose_name_excel_forbids_without_reopening_it(tmp_path):
    register = write_xlsx(tmp_path / "plain.xlsx", [HEADER, risk_row(score=99)])
    hostile = tmp_path / "register.xlsx"
    with zipfile.ZipFile(register) as zin, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'name="Register"', b'name="Reg [Q1]*"')
            zout.writestr(info, data)
    out = tmp_path / "out.xlsx"
    result = run("validate", hostile, "--as-of", AS_OF, "--format", "json", "--annotate", out)
    # The copy is made by editing the package, so the name is carried over as the owner has it.
    assert result.exit_code == 1, result.output
    assert_every_part_well_formed(out)
    with zipfile.ZipFile(out) as copy:
        assert b'name="Reg [Q1]*"' in copy.read("xl/workbook.xml")


@pytest.mark.slow
def test_a_title_longer_than_a_cell_is_built_and_kept_whole(tmp_path):
    title = ("A long title. " * 2_900).strip()  # 40,599 characters: a CSV cell can hold them
    register = tmp_path / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, risk_row(title=title)])
    out = tmp_path / "panel.xlsx"
    result = run("build", register, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "[text-too-long]" in result.output
    sheet = openpyxl.load_workbook(out)["Appendix A"]
    first = sheet.cell(5, 3).value
    match = re.search(r" … \(continued below the table, row (\d+)\)$", first)
    assert match, first[-80:]
    row = int(match.group(1))
    assert sheet.cell(row, 1).value == "STR0001" and sheet.cell(row, 2).value == "Title (part 2 of 2)"
    assert first[: match.start()] + " " + sheet.cell(row, 3).value == title


# -- item 19 and 20: paths --------------------------------------------------------------------------


def test_a_long_output_name_that_the_system_allows_is_written(tmp_path):
    out = tmp_path / ("p" * 240 + ".xlsx")  # 245 bytes
    result = run("build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert leftovers(tmp_path, {out.name}) == []


def test_a_folder_that_is_not_writable_is_named_with_the_output(tmp_path, monkeypatch):
    import tempfile

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(dir or ".", ".hidden-temporary-name"))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    out = tmp_path / "panel.xlsx"
    line = one_line(run("build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF), 2, str(out), "is not writable")
    assert "hidden-temporary-name" not in line and "PermissionError" not in line


@pytest.mark.parametrize("command", ["build", "template", "annotate"])
def test_a_hard_link_of_the_input_is_refused_by_every_command(tmp_path, command):
    source = tmp_path / "register.xlsx"
    source.write_bytes(CLEAN_EXAMPLE.read_bytes())
    link = tmp_path / "link.xlsx"
    os.link(source, link)
    before = source.read_bytes()
    args = {
        "build": ["build", source, "-o", link, "--as-of", AS_OF],
        "template": ["template", "-o", link, "--from", source],
        "annotate": ["validate", source, "--as-of", AS_OF, "--annotate", link, "--format", "json"],
    }[command]
    result = run(*args)
    assert result.exit_code == 2
    assert f"riskbook: {link}: is the input file {source}" in result.output
    assert source.read_bytes() == before


# -- item 10: interrupts and full disks leave nothing behind -----------------------------------


@pytest.fixture(scope="module")
def large_register(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    return generate(12_000, tmp_path_factory.mktemp("large") / "register-12000.xlsx")


def _build_process(register: Path, out: Path, temp: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONDONTWRITEBYTECODE": "1"}
    args = ["build", str(register), "-o", str(out), "--as-of", str(AS_OF)]
    args += ["--scheme", str(ROOT / "benchmarks" / "scheme.toml")]
    return subprocess.Popen(
        [sys.executable, "-m", "riskbook", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize(
    ("signum", "code", "words"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
@pytest.mark.slow
def test_a_signal_mid_build_leaves_no_temporary_file(tmp_path, large_register, signum, code, words):
    out_dir, temp = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir()
    temp.mkdir()
    out = out_dir / "panel.xlsx"
    out.write_bytes(b"earlier panel")
    process = _build_process(large_register, out, temp)
    deadline = time.monotonic() + 120
    # Wait until the workbook is being written (xlsxwriter's row files exist), then interrupt.
    while time.monotonic() < deadline and process.poll() is None:
        private = [p for p in out_dir.iterdir() if p.name.startswith(".riskbook-")]
        if private and any(len(list(p.iterdir())) > 1 for p in private):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be interrupted"
    time.sleep(0.3)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.strip().splitlines() == [f"riskbook: stopped by {words}; no output written"], stderr
    assert "Traceback" not in stderr
    assert out.read_bytes() == b"earlier panel"
    assert leftovers(out_dir, {"panel.xlsx"}) == []
    assert leftovers(temp, set()) == []


def _small_file_limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


@pytest.mark.parametrize("command", ["build", "annotate"])
@pytest.mark.slow
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, command):
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "panel.xlsx"
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONDONTWRITEBYTECODE": "1"}
    args = {
        "build": ["build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF],
        "annotate": ["validate", CLEAN_EXAMPLE, "--as-of", AS_OF, "--format", "json", "--annotate", out],
    }[command]
    result = subprocess.run(
        [sys.executable, "-m", "riskbook", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_small_file_limit,
    )
    if command == "annotate":  # the report comes first on stdout
        result.stdout = ""
    line = one_line(result, 2, f"cannot write {out}: the disk holding {tmp_path} is full")
    assert "Exception ignored" not in result.stderr and "OSError" not in line
    assert leftovers(tmp_path, {"tmp"}) == []
    assert leftovers(temp, set()) == []


def test_a_control_character_in_a_scheme_gives_a_well_formed_template(tmp_path):
    from riskbook.scheme.load import shipped_scheme_path

    scheme = tmp_path / "scheme.toml"
    text = shipped_scheme_path("scheme-4x4.toml").read_text(encoding="utf-8")
    scheme.write_text(text.replace('name = "Managed"', 'name = "Man\\u0007aged"'), encoding="utf-8")
    out = tmp_path / "template.xlsx"
    result = run("template", "-o", out, "--scheme", scheme)
    assert result.exit_code == 0, result.output
    assert_every_part_well_formed(out)
    sheet = openpyxl.load_workbook(out)["Register"]
    status = next(v for v in sheet.data_validations.dataValidation if v.promptTitle == "Status")
    assert "Man␇aged" in status.prompt


@pytest.mark.slow
def test_control_characters_in_a_schemes_labels_give_a_well_formed_panel(tmp_path):
    from riskbook.scheme.load import shipped_scheme_path

    scheme = tmp_path / "scheme.toml"
    text = shipped_scheme_path("scheme-4x4.toml").read_text(encoding="utf-8")
    text = text.replace('name = "High"', 'name = "Hi\\u0007gh"').replace('label = "Low"', 'label = "L\\u0007ow"')
    scheme.write_text(text, encoding="utf-8")
    register = tmp_path / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, risk_row(), risk_row(ref="STR0002", impact="L\x07ow", likelihood=1, score=1)])
    out = tmp_path / "panel.xlsx"
    result = run("build", register, "-o", out, "--as-of", AS_OF, "--scheme", scheme)
    assert result.exit_code == 0, result.output
    assert_every_part_well_formed(out)
    book = openpyxl.load_workbook(out)
    assert '"Hi␇gh"' in book["Appendix A"]["J5"].value  # the band formula's literal matches the cells
    assert book["Appendix A"]["E6"].value == "L␇ow"
    matrix = book["Matrix"]
    assert [c.value for c in matrix[4]][:2] == ["Likelihood \\ Impact", "L␇ow"]


@pytest.mark.slow
def test_a_really_full_disk_a_small_tmpfs_is_one_line_and_leaves_nothing(tmp_path):
    """A 16 KB tmpfs mounted in a private mount namespace: the system's own ENOSPC."""
    import shutil

    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", str(mount)], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this system does not allow a private tmpfs")
    script = (
        f"mount -t tmpfs -o size=16k tmpfs {mount} && mkdir {mount}/tmp && "
        f"TMPDIR={mount}/tmp {sys.executable} -m riskbook build {CLEAN_EXAMPLE} -o {mount}/panel.xlsx "
        f"--as-of {AS_OF} 2>{tmp_path}/stderr.txt; echo $?; ls -A {mount} {mount}/tmp"
    )
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    stderr = (tmp_path / "stderr.txt").read_text()
    assert stderr.splitlines() == [
        f"riskbook: cannot write {mount}/panel.xlsx: the disk holding {mount} is full (or the file is larger "
        "than allowed); nothing was written"
    ]
    code, *listing = result.stdout.split("\n")
    assert code == "2"
    assert [line for line in listing if line and not line.endswith(":")] == ["tmp"]  # tmp itself is empty


@pytest.mark.slow
def test_a_shortened_header_title_is_said_on_the_terminal(tmp_path):
    title = "Strategic risk register of the force and its partners " * 6
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", AS_OF, "--title", title)
    assert result.exit_code == 0, result.output
    assert (
        f"Note: The title is {len(title):,} characters: the page headers and the sheets' headings hold its start"
        in result.output
    )
    quiet = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "q.xlsx", "--as-of", AS_OF)
    assert "Note:" not in quiet.output


def test_an_xlsxwriter_warning_is_an_error_of_riskbooks(tmp_path):
    import xlsxwriter

    from riskbook.errors import OutputError
    from riskbook.xlsx.writer import xlsxwriter_warnings_as_errors

    workbook = xlsxwriter.Workbook(tmp_path / "w.xlsx")
    sheet = workbook.add_worksheet()
    with pytest.raises(OutputError, match="xlsxwriter refused part of the workbook: Header string cannot be longer"):
        with xlsxwriter_warnings_as_errors():
            sheet.set_header("x" * 300)  # xlsxwriter drops it with only a warning
    workbook.close()


def test_the_xlsxwriter_guard_leaves_every_other_warning_to_the_callers_own_handling():
    """A library call changes no process-wide warning handling: while a panel is written, a warning
    from any other code reaches the caller's own hook at once and meets the caller's own filters
    (not recorded, forced to "always" and replayed when the panel is done)."""
    import warnings

    from riskbook.xlsx.writer import xlsxwriter_warnings_as_errors

    shown: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.showwarning = lambda message, *_args, **_kwargs: shown.append(str(message))
        with xlsxwriter_warnings_as_errors():
            warnings.warn("the caller's own warning", UserWarning, stacklevel=1)
            assert shown == ["the caller's own warning"]
            warnings.warn("a warning the caller ignores", DeprecationWarning, stacklevel=1)
            assert shown == ["the caller's own warning"]
        assert shown == ["the caller's own warning"]


@pytest.mark.slow
def test_text_shaped_like_rich_text_xml_is_kept_as_typed_in_the_panel_and_the_template(tmp_path):
    """xlsxwriter writes a string that starts "<r>" and ends "</r>" into the file as XML; riskbook writes
    such text as plain runs, so the panel (and the owners' template) show exactly what the owner typed."""
    title, owner = "<r>x</r>", "<r><t>not bold</t></r>"
    register = tmp_path / "register.csv"  # (xlsxwriter, which writes the test registers, has the same fault)
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, risk_row(title=title, owner=owner)])
    panel, template = tmp_path / "panel.xlsx", tmp_path / "template.xlsx"
    assert run("build", register, "-o", panel, "--as-of", AS_OF).exit_code == 0
    assert run("template", "-o", template, "--from", register).exit_code == 0
    shown = {cell.value for row in openpyxl.load_workbook(panel)["Appendix A"].iter_rows() for cell in row}
    assert {title, owner} <= shown
    kept = {cell.value for sheet in openpyxl.load_workbook(template) for row in sheet.iter_rows() for cell in row}
    assert {title, owner} <= kept


def test_the_annotated_copy_of_a_csv_shows_characters_xml_cannot_hold_as_the_panel_does(tmp_path):
    """U+FFFE becomes U+FFFD and a vertical tab its control picture, one character for one, in the
    annotated copy as in every workbook riskbook writes (it once wrote U+FFFE as six characters)."""
    from python_calamine import CalamineWorkbook

    register = tmp_path / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, risk_row(title="a\ufffeb", owner="x\x0by")])
    out = tmp_path / "annotated.xlsx"
    result = run("validate", register, "--as-of", AS_OF, "--annotate", out)
    assert result.exit_code in (0, 1), result.output
    cells = {
        value
        for sheet in CalamineWorkbook.from_path(str(out)).sheet_names
        for row in CalamineWorkbook.from_path(str(out)).get_sheet_by_name(sheet).to_python()
        for value in row
    }
    assert {"a\ufffdb", "x\u240by"} <= cells
    assert not any(isinstance(value, str) and "\\u" in value for value in cells)


def test_an_empty_marking_is_refused_before_the_register_is_read(tmp_path):
    """An unusable option is exit 2 whatever the register holds: the published example has errors (exit 1)."""
    result = run("build", PUBLISHED_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", AS_OF, "--marking", "")
    one_line(result, 2, "--marking is empty")


def test_a_paper_key_given_in_both_spellings_is_refused(tmp_path):
    paper = tmp_path / "paper.toml"
    paper.write_text('report_of = "Chief Finance Officer"\nreport-of = "Chief Constable"\n', encoding="utf-8")
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", "--as-of", AS_OF, "--paper", paper)
    one_line(result, 2, "report-of is given twice")
