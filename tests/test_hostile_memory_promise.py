"""Issue 25 item 16, the memory promise: no input under 100 KB costs more than about 500 MB or 10 s,
whatever far cell it names or whatever sheet size it claims (read, or refused in one line)."""

from __future__ import annotations

import pytest

from tests.hostile import round3
from tests.hostile.measured import SMALL_FILE, assert_well_behaved, refused, validate

FAR_CELLS = ["XFD1", "Z600000", "A1048576", "XFD1048576"]


@pytest.mark.parametrize("ref", FAR_CELLS)
def test_a_small_xlsx_naming_a_far_cell_is_read_or_refused_within_the_promise(tmp_path, ref):
    path = round3.xlsx_far_cell(tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < SMALL_FILE
    run = validate(path)
    if run.returncode == 2:
        refused(run, path, ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))  # the far corner's row
    else:
        assert_well_behaved(run, path)


def test_a_small_xlsx_claiming_the_whole_sheet_is_read_by_its_cells(tmp_path):
    path = round3.xlsx_claimed_dimension(tmp_path / "claims.xlsx")
    run = validate(path)
    assert_well_behaved(run, path)
    assert run.returncode in (0, 1), run.stderr
