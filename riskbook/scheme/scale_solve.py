"""Scale order from the register's own scores and ratings: the order of each axis's words that makes its
stated scores impact × likelihood, or its ratings rise with the score, on most rows (draft_axes' last resort
before a guess)."""

from __future__ import annotations

import itertools
from collections import Counter

from riskbook.scheme.known_words import rating_rank
from riskbook.scheme.scale_types import DraftedScale, Row, tidy, unique_labels

MAX_TRIALS = 20_000  # orders tried against the register's scores or ratings (5 × 5 words: 14,400)
MIN_FIT = 0.8  # the share of rows with a stated score a solved order must explain


def order_by_scores(
    impact: DraftedScale, likelihood: DraftedScale, rows: list[Row]
) -> tuple[DraftedScale, DraftedScale]:
    """Reorder guessed axes by the register's stated scores, else its ratings; still a guess if neither settles it."""
    solved = _solve_by_products(impact, likelihood, rows)
    how = "solved from the register's stated scores (score = impact × likelihood)"
    if solved is None:
        solved = _solve_by_ratings(impact, likelihood, rows)
        how = "ordered by the ratings of the risks using each word"
    if solved is None:
        return impact, likelihood
    out = []
    for axis, order in zip((impact, likelihood), solved, strict=True):
        if not axis.guessed:
            out.append(axis)
            continue
        levels = [axis.levels[i] for i in order]
        unique_labels(levels)
        note = f"the register's {axis.axis} words, {how}"
        out.append(DraftedScale(axis.axis, levels, note))
    return out[0], out[1]


def _level_index(axis: DraftedScale) -> dict[str, int]:
    """Folded cell text -> 0-based level in the axis as drafted."""
    scale = axis.as_scale()
    found = {}
    for value in scale.values:
        for word in (scale.labels[value], *scale.aliases.get(value, ()), scale.descriptions.get(value, "")):
            if word:
                found[" ".join(word.split()).casefold()] = value - 1
    return found


def _observations(impact: DraftedScale, likelihood: DraftedScale, rows: list[Row], what: str) -> Counter:
    impacts, likelihoods = _level_index(impact), _level_index(likelihood)
    stated = Counter((row.impact, row.likelihood, row.score if what == "score" else row.rating) for row in rows)
    seen: Counter = Counter()
    for (impact_cell, likelihood_cell, said), count in stated.items():
        i = impacts.get(tidy(impact_cell).casefold()) if impact_cell is not None else None
        j = likelihoods.get(tidy(likelihood_cell).casefold()) if likelihood_cell is not None else None
        value = said if what == "score" else rating_rank(str(said) if said is not None else None)
        if i is not None and j is not None and value is not None:
            seen[(i, j, value)] += count
    return seen


def _orders(axis: DraftedScale) -> list[tuple[int, ...]]:
    n = len(axis.levels)
    if not axis.guessed:
        return [tuple(range(n))]
    return list(itertools.permutations(range(n))) if n <= 6 else []


def _trials(impact: DraftedScale, likelihood: DraftedScale) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """Each axis's orders to try; none when there are too many to try them all."""
    impact_orders, likelihood_orders = _orders(impact), _orders(likelihood)
    if len(impact_orders) * len(likelihood_orders) > MAX_TRIALS:
        return [], []
    return impact_orders, likelihood_orders


def _solve_by_products(impact: DraftedScale, likelihood: DraftedScale, rows: list[Row]):
    """The orders (level index lowest first, per axis) under which stated score = impact × likelihood holds
    on most rows; None unless one order does better than every other and explains MIN_FIT of the rows."""
    seen = _observations(impact, likelihood, rows, "score")
    total = sum(seen.values())
    impact_orders, likelihood_orders = _trials(impact, likelihood)
    if not total or not impact_orders:
        return None
    results: Counter = Counter()
    best: tuple[int, tuple, tuple] | None = None
    for a in impact_orders:
        rank_i = {old: new + 1 for new, old in enumerate(a)}
        for b in likelihood_orders:
            rank_j = {old: new + 1 for new, old in enumerate(b)}
            fit = sum(n for (i, j, s), n in seen.items() if rank_i[i] * rank_j[j] == s)
            results[fit] += 1
            if best is None or fit > best[0]:
                best = (fit, a, b)
    if best is None or best[0] < MIN_FIT * total or results[best[0]] != 1:
        return None
    return best[1], best[2]


def _solve_by_ratings(impact: DraftedScale, likelihood: DraftedScale, rows: list[Row]):
    """The order under which a higher impact × likelihood never has a lower rating, if exactly one does."""
    seen = _observations(impact, likelihood, rows, "rating")
    if len({r for (_, _, r) in seen}) < 2:
        return None
    found = []
    impact_orders, likelihood_orders = _trials(impact, likelihood)
    for a in impact_orders:
        rank_i = {old: new + 1 for new, old in enumerate(a)}
        for b in likelihood_orders:
            rank_j = {old: new + 1 for new, old in enumerate(b)}
            points = [(rank_i[i] * rank_j[j], r) for (i, j, r) in seen]
            if all(not (p < q and r > s) for p, r in points for q, s in points):
                found.append((a, b))
                if len(found) > 1:
                    return None
    return found[0] if found else None
