"""Which sheet of a workbook holds the register, when more than one has a register header."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

from riskbook.read import values as v


@dataclass
class Candidate:
    """A sheet with a register header: its rows and how much of a register lies under the header."""

    name: str
    rows: list[list[Any]]
    row0: int
    col0: int
    header: Any  # reading's header row, handed back when the sheet is chosen
    first: int  # index in rows of the header row
    fields: dict[str, int]  # field -> offset, as the header maps them

    @functools.cached_property
    def filled_rows(self) -> int:
        """Rows under the header with something in at least half the columns read as fields: a register's
        risks, not an instructions sheet's one row of explanations or a cover's lines."""
        offsets = sorted(set(self.fields.values()))
        enough = max(2, (len(offsets) + 1) // 2)
        count = 0
        for row in itertools.islice(self.rows, self.first + 1, None):
            width = len(row)
            if sum(1 for offset in offsets if offset < width and not v.is_blank(row[offset])) >= enough:
                count += 1
        return count


_SCALE_FIELDS = frozenset({"impact", "likelihood"})
_MORE_COLUMNS = 2  # known columns a sheet needs beyond the longest's to win (a register over its key sheet)
MIN_RISK_ROWS = 3  # filled rows a sheet needs before its known columns count for more than its rows


def best_register(found: list[Candidate]) -> Candidate:
    """The sheet that holds the register: one named Register with rows under its header, else, of the sheets
    with a few rows filled and, where some have, both an impact and a likelihood: the one with the most rows
    filled, unless another names two known columns more (a register's Ref, Threat, Impact, Likelihood, Score,
    Rating… over its key sheet's Likelihood, Impact and their descriptions), then the first."""
    if len(found) == 1:
        return found[0]
    for candidate in found:
        if candidate.name.strip().casefold() == "register" and candidate.filled_rows:
            return candidate
    filled = [c for c in found if c.filled_rows >= MIN_RISK_ROWS] or found
    scored = [c for c in filled if _SCALE_FIELDS <= c.fields.keys()] or filled
    most_rows = max(scored, key=lambda c: (c.filled_rows, len(c.fields), -found.index(c)))
    widest = max(scored, key=lambda c: (len(c.fields), c.filled_rows, -found.index(c)))
    return widest if len(widest.fields) >= len(most_rows.fields) + _MORE_COLUMNS else most_rows
