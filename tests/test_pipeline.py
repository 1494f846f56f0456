"""One way through: check_register reads both periods alike, validate takes registers only, and the
outputs take the Report and never read the input otherwise than it was read."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

import riskbook
from riskbook.check.period import ARCHIVED
from tests.helpers import AS_OF, HEADER, PUBLISHED_EXAMPLE, risk_row, write_xlsx

# A register in its own sheet behind a cover sheet, with its likelihood under a header only --column names.
OWN_HEADER = [*HEADER[:4], "Threat Probability", *HEADER[5:]]
COLUMNS = {"likelihood": "Threat Probability"}


def _register(path, rows):
    return write_xlsx(path, [OWN_HEADER, *rows], sheet="Risks 2024", extra_sheets={"Cover": [["Risk register"]]})


def test_check_register_reads_last_periods_file_with_the_same_sheet_and_columns(tmp_path):
    last = _register(tmp_path / "last.xlsx", [risk_row("STR0001"), risk_row("STR0002", title="Fuel costs")])
    now = _register(tmp_path / "now.xlsx", [risk_row("STR0001", likelihood="Very High", score=16, previous=12)])
    report = riskbook.check_register(
        now, sheet="Risks 2024", columns=COLUMNS, max_bytes=10 * 1024**2, previous=last, as_of=AS_OF
    )
    assert report.previous is not None
    assert (report.previous.sheet, report.previous.column_headers["likelihood"]) == ("Risks 2024", "Threat Probability")
    assert report.previous.max_bytes == report.register.max_bytes == 10 * 1024**2
    assert [(r.reference, r.proposal, r.previous_score, r.score) for r in report.period.risks] == [
        ("STR0001", "", 12, 16),
        ("STR0002", ARCHIVED, 12, 12),
    ]
    assert report.findings == []


def test_check_register_is_read_register_then_validate(tmp_path):
    path = _register(tmp_path / "now.xlsx", [risk_row("STR1", score=9)])
    by_hand = riskbook.validate(riskbook.read_register(path, columns=COLUMNS), as_of=AS_OF)
    assert [str(f) for f in riskbook.check_register(path, columns=COLUMNS, as_of=AS_OF).findings] == [
        str(f) for f in by_hand.findings
    ]


def test_validate_takes_registers_not_paths(tmp_path):
    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row()])
    register = riskbook.read_register(path)
    with pytest.raises(TypeError, match=r"validate takes previous as a Register .*check_register"):
        riskbook.validate(register, previous=str(path))
    with pytest.raises(TypeError, match="validate takes register as a Register"):
        riskbook.validate(path)


def test_build_workbook_given_a_register_names_validate(tmp_path):
    register = riskbook.read_register(write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row()]))
    with pytest.raises(TypeError, match=r"build_workbook takes the Report that validate returns, not Register"):
        riskbook.build_workbook(register, tmp_path / "panel.xlsx")
    assert not (tmp_path / "panel.xlsx").exists()


def test_annotating_a_csv_writes_the_cells_as_read_without_reading_the_file_again(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(map(str, risk_row(score=9))) + "\n", encoding="utf-8")
    report = riskbook.check_register(path, as_of=AS_OF)
    path.write_text("Something else entirely\n", encoding="utf-8")  # replaced after reading
    out = riskbook.annotate_workbook(report, tmp_path / "annotated.xlsx")
    sheet = openpyxl.load_workbook(out)["register"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["I2"].value == "9" and sheet["C2"].value == "The financial challenge"


def test_the_annotated_copy_is_made_from_the_bytes_checked_never_from_the_file_again(tmp_path):
    """An output never reopens an input: the owner's file saved again (or removed) after the check
    changes nothing in the marked copy, which is the workbook that was checked, marked."""
    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row(score=9)])
    report = riskbook.check_register(path, as_of=AS_OF, max_bytes=1_000_000)
    assert report.codes() == ["score-mismatch"]
    workbook = xlsxwriter.Workbook(path)  # the file saved again, with other text, after the check
    workbook.add_worksheet("Register").write_row(0, 0, ["Something else entirely"])
    workbook.close()
    path.unlink()
    out = riskbook.annotate_workbook(report, tmp_path / "annotated.xlsx")
    marked = openpyxl.load_workbook(out)
    assert sorted(marked.sheetnames) == ["Findings", "Register"]
    assert [c.value for c in marked["Register"][1]][:3] == HEADER[:3]
    assert marked["Findings"].max_row == 2  # the header and the one finding


def test_a_register_read_without_its_package_says_so_when_asked_to_mark(tmp_path):
    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row(score=9)])
    report = riskbook.check_register(path, as_of=AS_OF, keep_package=False)
    assert report.register.package is None
    with pytest.raises(riskbook.RiskbookError, match="keep_package=False"):
        riskbook.annotate_workbook(report, tmp_path / "annotated.xlsx")
    assert not (tmp_path / "annotated.xlsx").exists()


def test_a_file_saved_again_while_it_is_read_is_refused_not_read_as_two_files(tmp_path, monkeypatch):
    """The guards read the bytes once; calamine opens the file itself: if the file changed in between,
    the cells it would read are not the ones the guards passed."""
    import python_calamine as pc

    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row(score=9)])
    real = pc.CalamineWorkbook.from_path

    def saved_meanwhile(name):
        write_xlsx(path, [HEADER, risk_row(score=9), risk_row(ref="STR0002", score=9)])
        return real(name)

    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", saved_meanwhile)
    with pytest.raises(riskbook.ReadError, match="the file changed while riskbook was reading it"):
        riskbook.check_register(path, as_of=AS_OF)


def test_help_on_the_package_lists_its_functions():
    import pydoc

    text = pydoc.render_doc(riskbook, renderer=pydoc.plaintext)
    for name in ("check_register(", "read_register(", "validate(", "build_workbook(", "annotate_workbook("):
        assert name in text


def test_a_workbook_over_the_size_limit_is_refused_from_its_directory_before_the_file_is_read(tmp_path, monkeypatch):
    """The zip's directory says how far it inflates: a file past the limit is not read whole into memory first."""
    import os
    import zipfile

    from riskbook.source import grid

    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(PUBLISHED_EXAMPLE) as source, zipfile.ZipFile(big, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/media/junk.bin", os.urandom(3 * 1024 * 1024))  # stored: the file is as large as it says

    def read_whole(*_args):
        raise AssertionError("the whole file was read before its directory was checked")

    monkeypatch.setattr(grid, "_whole_file", read_whole)
    with pytest.raises(riskbook.ReadError, match="would inflate to more than 1 MB"):
        riskbook.check_register(big, as_of=AS_OF, max_bytes=1024 * 1024)
