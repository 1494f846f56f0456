"""Any grid of cell values either validates or gives a clear error: never an uncaught exception."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskbook import read_register, validate
from riskbook.errors import ReadError
from tests.conftest import HEADER, write_xlsx

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
    assert len(report.errors) + len(report.warnings) == len(report.findings)
    for finding in report.findings:
        assert finding.code and finding.message and finding.cell
