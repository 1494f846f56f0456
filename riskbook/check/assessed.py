"""One risk as the scheme assesses it: its score, the score's band, and when it is next due for review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskbook.model import Risk
    from riskbook.scheme.types import Band


@dataclass(slots=True)  # not frozen: validate makes one per risk, and a frozen one costs 2.5 times as much
class Assessed:
    """One risk with what the scheme says of it: its score, the score's band, and when it is next due for review."""

    risk: Risk
    score: int | None  # from impact and likelihood; None when either is unreadable
    band: Band | None
    review_due: dt.date | None
