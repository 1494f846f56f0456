import datetime as dt
from pathlib import Path

import pytest

from riskbook import load_scheme, read_register, validate
from riskbook.errors import SchemeError
from tests.helpers import contrast

FIVE = Path(__file__).resolve().parent.parent / "workbook_templates" / "scheme-5x5.toml"


def test_shipped_scheme_is_the_papers():
    scheme = load_scheme()
    assert scheme.labels == {1: "Low", 2: "Medium", 3: "High", 4: "Very High"}
    assert [(b.name, b.min, b.max, b.review_months) for b in scheme.bands] == [
        ("High", 9, 16, 3),
        ("Medium", 5, 8, 3),
        ("Low", 1, 4, 3),
    ]
    assert [s.name for s in scheme.statuses] == [
        "Controls Tasked",
        "Overdue Control",
        "Managed",
        "Controlled",
        "Awaiting Review",
    ]
    assert "Pending Control" in scheme.status("Controls Tasked").aliases


@pytest.mark.parametrize("path", [None, FIVE])
def test_every_band_colour_has_readable_text(path):
    for band in load_scheme(path).bands:
        assert contrast(band.fill, band.font) >= 4.5, band


def test_five_by_five_scheme_end_to_end(make_register):
    scheme = load_scheme(FIVE)
    rows = [
        ["RSK-001", "Owner", "Title", "Very High", "Very High", "Managed", "Jan 2024", "10/01/2024", 25, 20],
        ["RSK-002", "Owner", "Title", 5, 4, "Managed", "Jan 2023", "10/12/2023", 16, 16],  # 20, monthly review
        ["RSK-003", "Owner", "Title", "Very Low", 3, "Managed", "Jan 2024", "10/01/2024", 3, 3],
        ["RSK-04", "Owner", "Title", 6, 1, "Managed", "Jan 2024", "10/01/2024", 6, 6],
    ]
    report = validate(read_register(make_register(rows), scheme=scheme), as_of=dt.date(2024, 1, 16))
    assert [(f.reference, f.code) for f in report.findings] == [
        ("RSK-002", "review-overdue"),
        ("RSK-002", "score-mismatch"),
        ("RSK-04", "bad-reference"),
        ("RSK-04", "bad-scale-value"),
    ]
    overdue = next(f for f in report.findings if f.code == "review-overdue")
    assert "Very High risks are reviewed every 1 month," in overdue.message
    assert "did you mean RSK-004?" in report.findings[2].message


def test_a_broken_scheme_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[[scale]]\nvalue = 1\n")
    with pytest.raises(SchemeError, match="incomplete or malformed"):
        load_scheme(bad)
    bad.write_text("not toml [")
    with pytest.raises(SchemeError, match="not valid TOML"):
        load_scheme(bad)
    with pytest.raises(SchemeError, match="cannot read scheme"):
        load_scheme(tmp_path / "missing.toml")


def test_a_scheme_whose_bands_leave_a_gap_is_refused(tmp_path):
    text = Path(FIVE).read_text().replace("min = 5\nmax = 9", "min = 6\nmax = 9")
    path = tmp_path / "gap.toml"
    path.write_text(text)
    with pytest.raises(SchemeError, match=r"no band covers the scores \[5\]"):
        load_scheme(path)
