"""The real-client tests: LibreOffice recalculates the workbook, and an OOXML schema check."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from riskbook import build_workbook, read_register, validate
from tests.helpers import (
    AS_OF,
    CLEAN_EXAMPLE,
    EXAMPLES,
    convert_with_libreoffice,
    formula_cells,
    recalculation_mismatches,
)


def build_to(path: Path, source: Path = CLEAN_EXAMPLE, previous: Path | None = None, as_of=AS_OF) -> Path:
    last = read_register(previous) if previous else None
    build_workbook(validate(read_register(source), as_of=as_of, previous=last), path)
    return path


@pytest.mark.parametrize("example", ["jan", "apr"])
@pytest.mark.libreoffice
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


@pytest.mark.libreoffice
def test_the_recalculation_check_catches_a_wrong_stored_value(tmp_path, recalc_profile, monkeypatch):
    from riskbook.outputs.panel import summary as sheets

    honest = sheets.summary_counts

    def off_by_one(period, compared=False):
        rows = honest(period, compared)
        measure, formula, value, where = rows[0]
        return [(measure, formula, value + 1, where), *rows[1:]]

    monkeypatch.setattr(sheets, "summary_counts", off_by_one)
    panel = build_to(tmp_path / "wrong.xlsx")
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(panel, outdir, recalc_profile) == ["Summary!B5: stored 31, LibreOffice 30"]


@pytest.mark.libreoffice
def test_libreoffice_converts_the_workbook_to_pdf(tmp_path, recalc_profile):
    panel = build_to(tmp_path / "panel.xlsx")
    pdf = convert_with_libreoffice(panel, "pdf", tmp_path, recalc_profile)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


@pytest.mark.libreoffice
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
