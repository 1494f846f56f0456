"""A risk matrix drawn as a grid (scale words across one row and down one column, the risks written in
the cells between) is not a register: riskbook refuses it, and says what it found, so the user knows to
list the risks one per row rather than look for a header that is not there.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from riskbook.model import cell_name, column_letter
from riskbook.scheme.known_words import known_scales
from riskbook.scheme.scale_types import fold

_SEARCH_ROWS = 60
_AT_LEAST = 3  # scale words along each axis


@dataclass(frozen=True, slots=True)
class GridMatrix:
    """Where a sheet's grid matrix lies: its scale row and column, and how many cells hold something."""

    across: str  # "C3:G3"
    down: str  # "B4:B8"
    filled: int

    def describe(self, sheet: str) -> str:
        return (
            f"sheet {sheet!r} holds a risk matrix drawn as a grid (one scale across {self.across}, one down "
            f"{self.down}, {self.filled} filled cells between them), not a register: riskbook reads one risk "
            "per row, with its impact and likelihood in columns; list the risks that way (a title, an impact "
            "and a likelihood on each row)"
        )


@functools.cache
def _scale_words() -> frozenset[str]:
    return frozenset(word for scale in known_scales() for word in scale.lookup)


def _is_scale_word(cell: Any) -> bool:
    return isinstance(cell, str) and fold(cell) in _scale_words()


def grid_matrix(rows: list[list[Any]], row0: int = 0, col0: int = 0) -> GridMatrix | None:
    """The grid matrix of a sheet's rows, or None: a row with three or more scale words, and left of them a
    column with three or more scale words below that row."""
    for r, row in enumerate(rows[:_SEARCH_ROWS]):
        across = [c for c, cell in enumerate(row) if _is_scale_word(cell)]
        if len(across) < _AT_LEAST:
            continue
        for c in range(across[0]):
            down = [i for i in range(r + 1, len(rows)) if c < len(rows[i]) and _is_scale_word(rows[i][c])]
            if len(down) < _AT_LEAST:
                continue
            filled = sum(1 for i in down for j in across if j < len(rows[i]) and str(rows[i][j]).strip())
            return GridMatrix(
                f"{cell_name(row0 + r, col0 + across[0])}:{cell_name(row0 + r, col0 + across[-1])}",
                f"{column_letter(col0 + c)}{row0 + down[0] + 1}:{column_letter(col0 + c)}{row0 + down[-1] + 1}",
                filled,
            )
    return None
