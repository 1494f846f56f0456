"""The benchmark's registers, in every shape, are clean registers riskbook reads in full."""

import datetime as dt
import sys
import zipfile
from pathlib import Path

import pytest

from riskbook import read_register, validate

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import SHAPES, generate, register_path  # noqa: E402


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_validates_with_no_findings(shape, tmp_path):
    path = generate(40, register_path(tmp_path, shape, 40), SHAPES[shape])
    report = validate(read_register(path, scheme=BENCHMARKS / "scheme.toml"), as_of=dt.date(2024, 1, 16))
    assert len(report.register.risks) == 40
    assert not report.findings, report.findings[:3]
    assert len(report.register.headers) == SHAPES[shape].columns


def test_inline_shape_keeps_its_text_in_the_sheet(tmp_path):
    shared = generate(40, register_path(tmp_path, "shared", 40), SHAPES["shared"])
    inline = generate(40, register_path(tmp_path, "inline", 40), SHAPES["inline"])
    with zipfile.ZipFile(shared) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
    with zipfile.ZipFile(inline) as zf:
        assert "xl/sharedStrings.xml" not in zf.namelist()
        assert b't="inlineStr"' in zf.read("xl/worksheets/sheet1.xml")
    assert [r.values for r in read_register(shared).risks] == [r.values for r in read_register(inline).risks]


def test_html_shape_has_every_detail_field_in_html_and_riskbook_reads_it_as_plain_text(tmp_path):
    import python_calamine

    path = generate(40, register_path(tmp_path, "html", 40), SHAPES["html"])
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Register").to_python()
    details = [cell for row in rows[3:] for cell in row[12:18]]
    assert all(cell.startswith("<p>") and 200 <= len(cell) for cell in details)
    assert any("&amp;" in cell for cell in details)
    risk = read_register(path, scheme=BENCHMARKS / "scheme.toml").risks[0]
    text = risk.get("information")
    assert text and "<" not in text and "&amp;" not in text
