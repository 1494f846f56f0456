"""Any grid of cell values either validates or gives a clear error: never an uncaught exception."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskbook import CATALOGUE, build_workbook, read_register, validate
from riskbook.errors import ReadError
from riskbook.read.values import clean_text
from tests.helpers import HEADER, write_xlsx

pytestmark = pytest.mark.slow  # hypothesis: many generated registers

cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        ["Low", "Medium", "High", "Very High", "Controls Tasked", "Jan 2024", "16/05/23", "STR0001", "=1+1", "<p>x</p>"]
    ),
    st.integers(min_value=-5, max_value=30),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.booleans(),
)
row = st.lists(cell, min_size=0, max_size=len(HEADER) + 2)
header = st.one_of(st.just(HEADER), st.lists(st.one_of(st.sampled_from(HEADER), st.text(max_size=12)), max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=header, rows=st.lists(row, max_size=6))
def test_any_grid_validates_or_gives_a_clear_error(tmp_path_factory, header, rows):
    path = write_xlsx(tmp_path_factory.mktemp("grid") / "grid.xlsx", [header, *rows])
    try:
        register = read_register(path)
    except ReadError as exc:
        assert str(exc).startswith(str(path))
        return
    report = validate(register, as_of=dt.date(2024, 1, 16))
    for finding in report.findings:
        assert finding.severity == CATALOGUE[finding.code].severity  # a catalogued code, at its severity
        assert finding.message and finding.cell
    if report.ok:
        out = path.with_name("panel.xlsx")
        result = build_workbook(report, out)
        assert out.exists() and len(result.period.current) == len(register.risks)


titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(
    lambda t: clean_text(t) == t and "<" not in t and not t.startswith("'")
)


@st.composite
def valid_risk(draw, number: int):
    impact = draw(st.integers(1, 4))
    likelihood = draw(st.integers(1, 4))
    last = dt.date(2024, 1, 16) - dt.timedelta(days=draw(st.integers(0, 80)))
    first = last - dt.timedelta(days=draw(st.integers(0, 4000)))
    labels = ["Low", "Medium", "High", "Very High"]
    return [
        f"STR{number:04d}",
        draw(titles),
        draw(titles),
        draw(st.sampled_from([impact, str(impact), labels[impact - 1], labels[impact - 1].upper()])),
        labels[likelihood - 1],
        draw(st.sampled_from(["Controls Tasked", "Overdue Control", "Managed", "Controlled", "Awaiting Review"])),
        first,
        last,
        impact * likelihood,
        draw(st.sampled_from([None, impact * likelihood, 1, 16])),
        draw(st.sampled_from(["", "Archive", "New"])),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), count=st.integers(1, 20))  # a register of no risks is no-risks (tests/test_edge_cases.py)
def test_any_valid_register_builds_and_every_count_matches_its_rows(tmp_path_factory, data, count):
    import openpyxl

    rows = [data.draw(valid_risk(n + 1)) for n in range(count)]
    folder = tmp_path_factory.mktemp("valid")
    path = write_xlsx(folder / "register.xlsx", [[*HEADER, "Proposal"], *rows])
    register = read_register(path)
    report = validate(register, as_of=dt.date(2024, 1, 16))
    assert report.errors == [], report.errors
    out = folder / "panel.xlsx"
    build_workbook(report, out)
    summary = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(out, data_only=True)["Summary"].iter_rows(
            min_row=5, max_row=12, values_only=True
        )
    }
    scores = [r[8] for r in rows]
    assert summary["Current risks on the register"] == count
    assert summary["High risks (scores 9–16)"] == sum(s >= 9 for s in scores)
    assert summary["Medium risks (scores 5–8)"] == sum(5 <= s <= 8 for s in scores)
    assert summary["Low risks (scores 1–4)"] == sum(s <= 4 for s in scores)
    assert summary["Proposed for archive"] == sum(r[10] == "Archive" for r in rows)
    assert summary["New risks"] == sum(r[10] == "New" for r in rows)
    assert summary["Changes in risk score"] == sum(r[9] is not None and r[9] != r[8] for r in rows)
