"""Direction of travel and each risk's trail, as the paper shows them when earlier periods were given.

Without a history the paper's Change column says Up, Down or No change as it always has; with one, each
word follows its arrow (↑ Up, ↓ Down, → No change), so the arrow is seen and the word read aloud and printed.
"""

from __future__ import annotations

from riskbook.check.period import ARCHIVED, NEW, PanelRisk, Period
from riskbook.outputs.panel import layout as L

ARROWS = {"Up": "↑", "Down": "↓", L.NO_CHANGE: "→"}
TRAIL_PERIODS = 4  # Appendix A's trail: the current score and up to three before it
GAP = "–"  # a period whose register did not hold the risk


def with_arrows(period: Period) -> bool:
    """Whether the paper shows direction of travel and trails: when earlier periods were given as a history."""
    return period.history is not None


def direction_words(arrows: bool) -> tuple[str, str, str]:
    """The Change column's words for up, down and no change."""
    words = ("Up", "Down", L.NO_CHANGE)
    return tuple(f"{ARROWS[w]} {w}" for w in words) if arrows else words  # type: ignore[return-value]


def change_word(item: PanelRisk, arrows: bool = False) -> str:
    """Appendix A's Change: up, down or no change (after their arrows, with a history); New for a new risk,
    Not recorded when the previous score is unknown."""
    if item.previous_score is None:
        return NEW if item.proposal == NEW else L.NOT_RECORDED
    word = item.direction or L.NO_CHANGE
    return f"{ARROWS[word]} {word}" if arrows else word


def trail_scores(item: PanelRisk) -> list[int | None]:
    """The risk's scores from the first period that held it to now (an archived risk's to its last period)."""
    scores = [*item.trail, *(() if item.proposal == ARCHIVED else (item.score,))]
    while scores and scores[0] is None:
        scores.pop(0)
    return scores


def trail_text(item: PanelRisk, last: int | None = TRAIL_PERIODS) -> str:
    """ "9 → 12 → 12 → 16": the last periods' scores, oldest first (all of them when last is None)."""
    scores = trail_scores(item)
    shown = scores[-last:] if last else scores
    return " → ".join(GAP if score is None else str(score) for score in shown)


def reference_with_travel(item: PanelRisk) -> str:
    """A reference as the Matrix lists it with a history: "STR0292 ↑ Up", "STR0470 New"."""
    return f"{item.reference} {change_word(item, arrows=True)}"
