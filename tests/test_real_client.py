"""The real-client tests: LibreOffice recalculates the workbook, and an OOXML schema check."""

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from riskbook import build_workbook, load_scheme, read_register
from tests.conftest import AS_OF, CLEAN_EXAMPLE, EXAMPLES, convert_with_libreoffice

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="module")
def recalc_profile(tmp_path_factory) -> Path:
    """A LibreOffice profile that recalculates every formula on load (OOXMLRecalcMode = 0)."""
    profile = tmp_path_factory.mktemp("lo-recalc")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    return profile


def formula_cells(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> stored value, for every formula cell of a workbook."""
    with_formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    cells = {}
    for ws in with_formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cells[(ws.title, cell.coordinate)] = stored[ws.title][cell.coordinate].value
    return cells


def recalculation_mismatches(path: Path, outdir: Path, profile: Path) -> list[str]:
    """Formula cells whose stored value differs from LibreOffice's recalculated one."""
    recalculated = convert_with_libreoffice(path, "xlsx:Calc MS Excel 2007 XML", outdir, profile)
    again = openpyxl.load_workbook(recalculated, data_only=True)
    mismatches = []
    for (sheet, coordinate), value in formula_cells(path).items():
        fresh = again[sheet][coordinate].value
        if (fresh if fresh is not None else "") != (value if value is not None else ""):
            mismatches.append(f"{sheet}!{coordinate}: stored {value!r}, LibreOffice {fresh!r}")
    return mismatches


def build_to(path: Path, source: Path = CLEAN_EXAMPLE, previous: Path | None = None, as_of=AS_OF) -> Path:
    scheme = load_scheme()
    last = read_register(previous) if previous else None
    build_workbook(read_register(source), path, scheme=scheme, as_of=as_of, previous=last)
    return path


@pytest.mark.parametrize("example", ["jan", "apr"])
def test_libreoffice_recalculates_to_the_stored_values(tmp_path, recalc_profile, example):
    import datetime as dt

    if example == "jan":
        panel = build_to(tmp_path / "panel.xlsx")
    else:
        panel = build_to(
            tmp_path / "panel.xlsx", EXAMPLES / "force-risk-register-apr-2024.xlsx", CLEAN_EXAMPLE, dt.date(2024, 4, 30)
        )
    assert len(formula_cells(panel)) > 50
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(panel, outdir, recalc_profile) == []


def test_the_recalculation_check_catches_a_wrong_stored_value(tmp_path, recalc_profile, monkeypatch):
    from riskbook.build import sheets

    honest = sheets.summary_counts

    def off_by_one(period):
        rows = honest(period)
        measure, formula, value, where = rows[0]
        return [(measure, formula, value + 1, where), *rows[1:]]

    monkeypatch.setattr(sheets, "summary_counts", off_by_one)
    panel = build_to(tmp_path / "wrong.xlsx")
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(panel, outdir, recalc_profile) == ["Summary!B5: stored 31, LibreOffice 30"]


def test_libreoffice_converts_the_workbook_to_pdf(tmp_path, recalc_profile):
    panel = build_to(tmp_path / "panel.xlsx")
    pdf = convert_with_libreoffice(panel, "pdf", tmp_path, recalc_profile)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


def test_panel_workbook_passes_the_ooxml_schema_check(tmp_path):
    panel = build_to(tmp_path / "panel.xlsx")
    result = subprocess.run(
        [sys.executable, "-m", "openxml_audit.cli", "-o", "json", str(panel)], capture_output=True, text=True
    )
    if result.returncode != 0 and not result.stdout.strip().startswith("["):
        result = subprocess.run(["openxml-audit", "-o", "json", str(panel)], capture_output=True, text=True)
    report = json.loads(result.stdout)[0]
    assert report["valid"] and report["error_count"] == 0, report["errors"][:5]
    assert report["verdict"]["prediction"] == "opens-clean"


def test_panel_workbook_is_small_enough_to_email(tmp_path):
    panel = build_to(tmp_path / "panel.xlsx")
    assert panel.stat().st_size < 200_000
