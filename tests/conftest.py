"""Fixtures shared by the tests; the helpers they use are in tests/helpers.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import HEADER, write_xlsx

# The property tests draw the same examples on every run, so CI passes or fails on the code, not on the
# draw; HYPOTHESIS_EXPLORE=1 draws afresh, to look for new failing cases.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("HYPOTHESIS_EXPLORE") else "repeatable")


@pytest.fixture
def make_register(tmp_path):
    """make_register(rows, **kw) -> path of an .xlsx with HEADER then the given rows."""
    counter = iter(range(10_000))

    def make(rows, header=HEADER, name=None, **kwargs) -> Path:
        return write_xlsx(tmp_path / (name or f"register-{next(counter)}.xlsx"), [header, *rows], **kwargs)

    return make


@pytest.fixture(scope="session")
def recalc_profile(tmp_path_factory) -> Path:
    """A LibreOffice profile that recalculates every formula on load (OOXMLRecalcMode = 0)."""
    from riskbook.outputs.panel.pdf import make_recalc_profile

    return make_recalc_profile(tmp_path_factory.mktemp("lo-recalc"))
