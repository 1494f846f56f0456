"""Library calls leave the process as they found it: a notebook or a server calling riskbook keeps
its garbage collector, its xlsxwriter and its stderr."""

from __future__ import annotations

import gc
import os
import sys
import zipfile

import pytest
import xlsxwriter.workbook

from riskbook import build_workbook, read_register, validate
from tests.helpers import AS_OF, HEADER, risk_row, write_xlsx

RISKS = 1_200  # over one progress step (1,000), so checking reports progress from inside its loop


def process_state() -> dict[str, object]:
    stderr = os.fstat(2)
    return {
        "gc enabled": gc.isenabled(),
        "xlsxwriter's ZipFile": xlsxwriter.workbook.ZipFile,
        "fd 2": (stderr.st_dev, stderr.st_ino),
    }


@pytest.mark.slow
def test_reading_checking_and_building_leave_the_process_as_they_found_it(tmp_path, monkeypatch):
    import python_calamine as pc
    from xlsxwriter.packager import Packager

    rows = [risk_row(ref=f"STR{n:04d}") for n in range(1, RISKS + 1)]
    path = write_xlsx(tmp_path / "register.xlsx", [HEADER, *rows])
    before = process_state()
    seen: dict[str, dict[str, object]] = {}

    def look(moment: str) -> None:
        seen.setdefault(moment, process_state())

    # What another thread of the process would see while riskbook reads, checks and writes.
    real_open, real_package = pc.CalamineWorkbook.from_path, Packager._create_package

    class Watched:
        def __init__(self, path):
            self.inner = real_open(path)
            self.sheets_metadata = self.inner.sheets_metadata

        def get_sheet_by_name(self, name):
            look("while calamine reads a sheet")
            return self.inner.get_sheet_by_name(name)

    def package(packager):
        look("while xlsxwriter packages the workbook")
        return real_package(packager)

    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", Watched)
    monkeypatch.setattr(Packager, "_create_package", package)

    register = read_register(path)
    assert len(register.risks) == RISKS
    report = validate(register, as_of=AS_OF, progress=lambda *_: look("while checking"))
    assert report.ok, report.errors[:3]
    build_workbook(report, tmp_path / "panel.xlsx", progress=lambda *_: look("while building"))
    look("afterwards")

    assert set(seen) == {
        "while calamine reads a sheet",
        "while checking",
        "while building",
        "while xlsxwriter packages the workbook",
        "afterwards",
    }
    assert {moment: state for moment, state in seen.items() if state != before} == {}
    assert before["xlsxwriter's ZipFile"] is zipfile.ZipFile


def test_the_command_holds_native_stderr_and_passes_it_on_unless_told_to_drop_it(capfd):
    """cli.main holds file descriptor 2 (where a Rust panic reports) and keeps Python's stderr on the real one."""
    from riskbook.process import NativeStderr

    held = NativeStderr()
    held.hold()
    os.write(2, b"a warning from native code\n")
    print("a line from Python", file=sys.stderr)
    assert capfd.readouterr().err == "a line from Python\n"
    held.release(pass_on=True)
    assert capfd.readouterr().err == "a warning from native code\n"

    held.hold()
    os.write(2, b"thread '<unnamed>' panicked at calamine\n")
    held.release(pass_on=False)
    assert capfd.readouterr().err == ""
    assert sys.stderr is sys.__stderr__ or not sys.stderr.closed
