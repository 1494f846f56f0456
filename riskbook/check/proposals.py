"""The words of a period's comparison: proposals (archive, new), how a risk's score is taken, and how a
sheet of another period's file is named. Shared by the comparison with last period and the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskbook.model import Register, Risk
    from riskbook.scheme.types import Scheme

PROPOSED_ARCHIVE = "Proposed archive"
ARCHIVED = "Archived"
NEW = "New"


_ARCHIVE_WORDS = frozenset(
    {"archive", "archived", "propose archive", "proposed archive", "proposed for archive", "propose for archive",
     "consider for archive", "for archive", "to archive", "archive proposed", "recommended for archive"}
)  # fmt: skip
_NEW_WORDS = frozenset({"new", "new risk", "proposed new", "proposed new risk", "propose new risk"})


def classify_proposal(text: str) -> str | None:
    """PROPOSED_ARCHIVE, NEW or "" (no proposal) for a Proposal cell; None when it is not recognised."""
    folded = " ".join(text.casefold().replace("-", " ").split()).strip(" .")
    if not folded:
        return ""
    if folded in _ARCHIVE_WORDS:
        return PROPOSED_ARCHIVE
    if folded in _NEW_WORDS:
        return NEW
    return None


def stated_or_computed(risk: Risk, scheme: Scheme, stated_first: bool = False) -> int | None:
    if stated_first and risk.get("score") is not None:
        return risk.get("score")
    score = scheme.score_for(risk.impact, risk.likelihood)
    return score if score is not None else risk.get("score")


def previous_sheet(previous: Register) -> str:
    """Excel's way of naming a sheet in another workbook: [file.xlsx]Sheet."""
    name = previous.path.replace("\\", "/").rsplit("/", 1)[-1]
    return f"[{name}]{previous.sheet}"
