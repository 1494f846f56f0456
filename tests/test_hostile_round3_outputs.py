"""Issue 25, hostile files round three: what riskbook writes (templates, the Matrix, the annotated
copy, the terminal, the PDF). Each file is built byte for byte by
tests/hostile/round3.py and run in a child process under a 2 GB address-space limit and a time limit
(tests/hostile/measured.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile import round3
from tests.hostile.measured import SMALL_FILE, assert_well_behaved, refused, run_measured, validate

# -- High 3: template --from-scheme moves each axis by its own labels -------------------------------


def test_template_from_scheme_moves_likelihood_by_likelihood_labels(tmp_path, make_register):
    import openpyxl

    words = round3.SCHEMES / "scheme-5x5-words.toml"
    six = round3.six_likelihood_levels(words, tmp_path / "six.toml")
    rows = [
        round3.words_row("R-001", "Major", "Likely", 16),
        round3.words_row("R-002", "Minor", "Almost certain", 10),
        round3.words_row("R-003", "Moderate", "Rare", 3),
    ]
    source = make_register(rows)
    out = tmp_path / "moved.xlsx"
    run = run_measured("template", "-o", out, "--from", source, "--scheme", six, "--from-scheme", words)
    assert_well_behaved(run, source)
    assert run.returncode == 0, run.stderr
    sheet = openpyxl.load_workbook(out)["Register"]
    moved = {sheet[f"A{n}"].value: (sheet[f"D{n}"].value, sheet[f"E{n}"].value) for n in (2, 3, 4)}
    assert moved == {"R-001": ("Major", "Likely"), "R-002": ("Minor", "Almost certain"), "R-003": ("Moderate", "Rare")}
    assert "R-001: score 16 under" in run.stdout and "is 20 under" in run.stdout  # Major (4) × Likely (5)


def test_template_from_scheme_refuses_a_likelihood_word_the_target_lacks(tmp_path, make_register):
    words = round3.SCHEMES / "scheme-5x5-words.toml"
    renamed = tmp_path / "renamed.toml"
    renamed.write_text(words.read_text(encoding="utf-8").replace('label = "Likely"', 'label = "Probable"'))
    source = make_register([round3.words_row("R-001", "Major", "Likely", 16)])
    out = tmp_path / "moved.xlsx"
    run = run_measured("template", "-o", out, "--from", source, "--scheme", renamed, "--from-scheme", words)
    refused(run, source, "no likelihood level labelled 'Likely'")
    assert not out.exists()


# -- High 5: scale labels that look like criteria are matched literally by COUNTIFS -------------------


def _build_with_comparison_labels(tmp_path, make_register) -> Path:
    scheme = round3.comparison_labels_scheme(tmp_path / "percent.toml")
    source = make_register(round3.comparison_labels_rows(), name="percent.xlsx")
    out = tmp_path / "panel.xlsx"
    run = run_measured("build", source, "-o", out, "--scheme", scheme, "--as-of", "2024-01-16")
    assert_well_behaved(run, source)
    assert run.returncode == 0, run.stderr
    return out


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_matrix_criteria_match_labels_literally(tmp_path, make_register):
    import openpyxl

    out = _build_with_comparison_labels(tmp_path, make_register)
    sheet = openpyxl.load_workbook(out)["Matrix"]
    formulas = [c.value for row in sheet.iter_rows() for c in row if str(c.value).startswith("=COUNTIFS")]
    assert len(formulas) == 25
    # "=" first makes the rest a value to equal, not an operator; ~ escapes Excel's wildcards and itself.
    assert any('"=<5%"' in f and '"=~*"' in f for f in formulas)
    assert any('"=>90%"' in f and '"=Moderate~?"' in f for f in formulas)
    assert any('"==21-60%"' in f and '"=~~Major"' in f for f in formulas)


@pytest.mark.libreoffice
def test_matrix_counts_survive_recalculation_with_comparison_labels(tmp_path, make_register, recalc_profile):
    from tests.helpers import recalculation_mismatches

    out = _build_with_comparison_labels(tmp_path, make_register)
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(out, outdir, recalc_profile) == []


# -- High 6: template --from's further column headers pass the text gate ------------------------------


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_template_from_writes_further_headers_through_the_text_gate(tmp_path):
    import zipfile

    import openpyxl
    from defusedxml import ElementTree

    source = round3.extra_headers_register(tmp_path / "extras.xlsx", ["Bell\x07here", "Two\nlines", "Two lines"])
    out = tmp_path / "template.xlsx"
    run = run_measured("template", "-o", out, "--from", source)
    assert_well_behaved(run, source)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(out) as zf:
        table = ElementTree.fromstring(zf.read("xl/tables/table1.xml"))  # well-formed XML
    names = [c.get("name") for c in table.iter() if c.tag.endswith("}tableColumn")]
    assert names[-3:] == ["Bell\u2407here", "Two lines", "Two lines (2)"]
    sheet = openpyxl.load_workbook(out)["Register"]
    assert [c.value for c in sheet[1]][-3:] == names[-3:]  # each header cell is its column's name


def test_template_from_refuses_a_header_longer_than_a_table_column_name(tmp_path):
    source = round3.extra_headers_register(tmp_path / "long.xlsx", ["Notes " + "x" * 300])
    out = tmp_path / "template.xlsx"
    refused(run_measured("template", "-o", out, "--from", source), source, "is 306 characters long", "at most 255")
    assert not out.exists()


# -- High 7: --annotate is linear in the distinct cell formats it marks --------------------------------


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_annotate_marks_two_thousand_distinct_formats_in_seconds(tmp_path):
    import openpyxl

    source = round3.many_formats_register(tmp_path / "formats.xlsx")  # 92 KB; it took 63 s
    assert source.stat().st_size < SMALL_FILE
    out = tmp_path / "annotated.xlsx"
    run = validate(source, "--annotate", out)
    assert_well_behaved(run, source)  # under 10 s
    assert run.returncode == 1 and "2000 errors" in run.stdout
    sheet = openpyxl.load_workbook(out)["Register"]
    for ref, number_format in (("I2", '0."#0"'), ("I2001", '0.0"#1999"')):
        assert sheet[ref].number_format.startswith(f'"✖ "{number_format};')  # the owner's format kept, marked
        assert sheet[ref].fill.fgColor.rgb == "FFB0207A"  # with the error mark's stripes


# -- Medium 8: annotate edits what the readers read, or refuses in one line -----------------------------


def test_a_lower_case_cell_reference_is_marked_itself_not_doubled(tmp_path):
    import re
    import zipfile

    source = round3.lower_case_reference_register(tmp_path / "lower.xlsx")
    out = tmp_path / "annotated.xlsx"
    run = validate(source, "--annotate", out)
    assert_well_behaved(run, source)
    assert run.returncode == 1 and "I2" in run.stdout
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r'<c r="[iI]2"[^>]*>', sheet)
    assert len(cells) == 1 and 's="' in cells[0], cells  # the owner's cell, marked; no second, empty I2


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (round3.repeated_row_register, "row 2 is stored after row 3"),
        (round3.comment_in_cells_register, "hold an XML comment"),
        (round3.part_twice_register, "holds part xl/worksheets/sheet1.xml twice"),
    ],
    ids=["row-twice", "comment-in-sheetdata", "part-twice"],
)
def test_shapes_annotate_cannot_edit_as_readers_read_them_are_refused_in_one_line(tmp_path, make, words):
    source = make(tmp_path / "odd.xlsx")
    out = tmp_path / "annotated.xlsx"
    run = validate(source, "--annotate", out)
    refused(run, source, "cannot make the annotated copy", words)
    assert not out.exists()


def test_an_owners_note_with_a_single_quoted_ref_gets_the_finding_not_a_second_note(tmp_path):
    import re
    import zipfile

    source = round3.single_quoted_note_register(tmp_path / "noted.xlsx")
    out = tmp_path / "annotated.xlsx"
    run = validate(source, "--annotate", out)
    assert_well_behaved(run, source)
    assert run.returncode == 1
    with zipfile.ZipFile(out) as zf:
        comments = zf.read("xl/comments1.xml").decode()
    notes = re.findall(r"<comment ref=[\"']I2[\"'].*?</comment>", comments, re.S)
    assert len(notes) == 1, comments
    assert "Checked by the owner" in notes[0] and "score 99" in notes[0]


# -- Low: text from a scheme or a register reaches the terminal through the text gate -------------------


def test_a_control_character_in_a_band_name_is_shown_not_sent_to_the_terminal(tmp_path):
    from tests.helpers import CLEAN_EXAMPLE

    scheme = round3.four_by_four(
        tmp_path / "bell.toml", 'name = "High"\nwords', 'name = "High\\u0007\\u001b[2J"\nwords'
    )
    out = tmp_path / "panel.xlsx"
    run = run_measured("build", CLEAN_EXAMPLE, "-o", out, "--scheme", scheme, "--as-of", "2024-01-16")
    assert_well_behaved(run, scheme)
    assert run.returncode == 0, run.stderr
    assert "\x07" not in run.stdout and "\x1b" not in run.stdout
    assert "15 High\\x07\\x1b[2J" in run.stdout


def test_a_long_csv_name_is_shortened_with_an_ellipsis_in_the_annotated_copy(tmp_path):
    import openpyxl

    from tests.helpers import HEADER, risk_row

    source = tmp_path / "strategic risk register for the January 2024 panel.csv"
    source.write_text("\n".join(",".join(str(v) for v in row) for row in [HEADER, risk_row(score=99)]) + "\n")
    out = tmp_path / "annotated.xlsx"
    run = validate(source, "--annotate", out)
    assert_well_behaved(run, source)
    assert run.returncode == 1
    names = openpyxl.load_workbook(out).sheetnames
    assert "strategic risk register for th…" in names, names


def test_annotate_refuses_an_encrypted_part_in_one_line(tmp_path):
    source = round3.encrypted_flag_register(tmp_path / "flagged.xlsx")
    out = tmp_path / "annotated.xlsx"
    refused(validate(source, "--annotate", out), source, "part docProps/app.xml is encrypted")  # read or annotated
    assert not out.exists()


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_template_refuses_a_register_too_wide_for_its_columns_in_one_line(tmp_path):
    source = round3.wide_register(tmp_path / "wide.xlsx")
    out = tmp_path / "template.xlsx"
    run = run_measured("template", "-o", out, "--from", source)
    if run.returncode == 0:  # the template's columns follow the register's: a register Excel holds fits
        assert_well_behaved(run, source)
        assert out.exists()
    else:
        refused(run, source, "Excel holds 16,384")
        assert not out.exists()


# -- Item 10: --pdf with a LibreOffice that hangs, is interrupted, or has no room -----------------------


def _gone(pid: int) -> bool:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_hung_libreoffice_is_stopped_whole_after_its_time_and_not_run_again(tmp_path, monkeypatch):
    import tempfile as tempfiles

    from click.testing import CliRunner

    from riskbook.cli import cli
    from tests.helpers import CLEAN_EXAMPLE

    fake = round3.hung_libreoffice(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfiles, "tempdir", str(tmp_path / "tmp"))
    out = tmp_path / "panel.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            *("build", str(CLEAN_EXAMPLE), "-o", str(out), "--pdf", str(tmp_path / "p.pdf")),
            "--pdf-timeout",
            "2",
            "--as-of",
            "2024-01-16",
        ],
    )
    assert result.exit_code == 2, result.output
    assert f"LibreOffice took more than 2 s to print {out} to {tmp_path / 'p.pdf'}; nothing written" in result.output
    started = (fake / "started").read_text().split()
    assert len(started) == 1  # no second, untagged try
    assert _gone(int(started[0]))  # soffice's own child stopped with it
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_ctrl_c_while_printing_says_the_workbook_was_written_and_leaves_nothing(tmp_path):
    import signal

    from tests.helpers import CLEAN_EXAMPLE

    fake = round3.hung_libreoffice(tmp_path / "bin")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(scratch)}
    out = tmp_path / "panel.xlsx"
    child = subprocess.Popen(
        [sys.executable, "-m", "riskbook", "build", CLEAN_EXAMPLE, "-o", out, "--pdf", tmp_path / "p.pdf",
         "--as-of", "2024-01-16"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (fake / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    lines = err.strip().splitlines()
    assert lines[-1] == f"riskbook: stopped by Ctrl-C; wrote {out} before it, nothing else", err
    assert out.exists() and not (tmp_path / "p.pdf").exists()
    assert _gone(int((fake / "started").read_text().split()[0]))
    assert list(scratch.iterdir()) == []


def test_a_full_temporary_folder_is_said_in_one_line(tmp_path, monkeypatch):
    import errno
    import tempfile as tempfiles

    from click.testing import CliRunner

    from riskbook.cli import cli
    from tests.helpers import CLEAN_EXAMPLE

    fake = round3.hung_libreoffice(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    real = tempfiles.mkdtemp

    def full(*args, **kwargs):
        if kwargs.get("prefix") == "riskbook-pdf-":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfiles, "mkdtemp", full)
    out = tmp_path / "panel.xlsx"
    result = CliRunner().invoke(
        cli, ["build", str(CLEAN_EXAMPLE), "-o", str(out), "--pdf", str(tmp_path / "p.pdf"), "--as-of", "2024-01-16"]
    )
    assert result.exit_code == 2, result.output
    last = result.output.strip().splitlines()[-1]
    assert "cannot print the PDF: no room for LibreOffice's files in the temporary folder" in last
    assert "No space left on device" in last and "unexpected" not in result.output
