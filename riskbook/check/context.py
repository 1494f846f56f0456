"""What checking a register needs, worked out once, and the quick look that keeps a large register quick.

CheckContext holds what the checks share (each score, band and due date worked out once, date bounds,
ratings, proposals, score sets); assess_all assesses every risk a column at a time, and quick_look names
the risks riskbook.check.rules.check_risk must look at, asking each of its guards a column at a time.
tests/test_quick_checks.py holds the two, with check_risk's own guards, to every check run on every risk.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import attrgetter
from typing import Any

from riskbook.check.assessed import Assessed
from riskbook.check.findings import Finding, make
from riskbook.check.own_words import own_references, own_statuses
from riskbook.model import EMPTY_COLUMN_RISKS, Register, Risk
from riskbook.read.score_sets import (
    SCORE_SETS,
    SET_PARTS,
    SetFacts,
    impact_is_inherent,
    rating_band,
    set_facts,
    whole_number,
)
from riskbook.read.values import PartialDate, add_months
from riskbook.scheme.types import Band, Scheme

REQUIRED_FIELDS = ("reference", "title", "owner", "impact", "likelihood", "status", "last_review")
# What a register without the column cannot have checked; one warning says so (column-absent).
ABSENT_MEANS = {
    "reference": "each risk is named by its row (Row 2, Row 3, …), a name that changes when rows move",
    "owner": "no risk can be checked for an owner",
    "status": "no status can be checked",
    "last_review": "no review can be checked",
}
# What an empty column (a template's never-filled Status) cannot have checked; one warning says so (column-empty).
EMPTY_MEANS = ABSENT_MEANS


def any_reference(_text: str) -> bool:
    return True


@functools.lru_cache(maxsize=65_536)
def day_bounds(day: PartialDate) -> tuple[dt.date, dt.date]:
    # Dates repeat across a register (and reading shares equal ones), so each is worked out once.
    return day.earliest, day.latest


class CheckContext:
    """What checking a register needs, and what its risks share worked out once: scores and bands by
    impact and likelihood, review dates, date bounds, ratings, proposals and score sets."""

    def __init__(self, register: Register, scheme: Scheme, as_of: dt.date):
        self.register = register
        self.scheme = scheme
        self.as_of = as_of
        self.empty = _empty_columns(register)
        self.required = frozenset(name for name in REQUIRED_FIELDS if register.has(name) and name not in self.empty)
        self.has_control_due = register.has("control_due")
        self.score_sets = [name for name in SCORE_SETS if any(register.has(f"{name}_{part}") for part in SET_PARTS)]
        self.inherent_evidence = impact_is_inherent(register)
        self.stated_stands = bool(self.inherent_evidence)
        # A set's (impact, likelihood, score, rating) fields: where the Impact and Likelihood columns are the
        # inherent assessment, the inherent set is read from them and the current score stands as stated.
        self.set_fields = {name: tuple(f"{name}_{part}" for part in SET_PARTS) for name in self.score_sets}
        if self.inherent_evidence:
            self.set_fields["inherent"] = ("impact", "likelihood", "inherent_score", "inherent_rating")
        self.has_reference = register.has("reference") and not register.named_by_row
        # Risks named by their row (no reference column) have no reference form to check.
        self.reference_ok = scheme.reference_regex.match if self.has_reference else any_reference
        # A column wholly in the register's own words is said once (own_words), not on every row.
        self.own_references = own_references(register, self.reference_ok) if self.has_reference else None
        if self.own_references is not None:
            self.reference_ok = any_reference
        self.own_statuses = own_statuses(register, scheme)
        self._scores: dict[tuple[int | None, int | None], tuple[int | None, Band | None]] = {}
        self._dues: dict[tuple[int, int], dt.date] = {}
        self._bounds: dict[int, tuple[dt.date, dt.date]] = {}
        self._sets: dict[tuple, SetFacts] = {}
        self._proposals: dict[str, bool] = {}
        self._ratings: dict[tuple, Band | None] = {}
        scores = scheme.scores()
        self.lowest_score, self.highest_score = (min(scores), max(scores)) if scores else (0, 0)

    def finding(self, code: str, risk: Risk, field_name: str, **fields) -> Finding:
        """A finding on the risk's cell in the field's column."""
        register = self.register
        return make(code, register.sheet, register.risk_cell(risk, field_name), risk.reference, risk.row, **fields)

    def assess_all(self, risks: list[Risk]) -> list[Assessed]:
        """rules.assess(risk, scheme) of each risk, a column at a time: each score, band and due date worked out
        once per distinct (impact, likelihood, last review), or (stated score, last review) where it stands."""
        if not risks:
            return []
        values = list(map(_VALUES, risks))
        lasts = list(map(dict.get, values, repeat("last_review")))
        if self.stated_stands:  # each risk keeps its own stated score; its band and due date by distinct value
            scores = list(map(dict.get, values, repeat("score")))
            keys = list(zip(scores, map(id, lasts), strict=True))
            table = {
                key: self._band_and_due(self.scheme.band(key[0]), last)
                for key, last in dict(zip(keys, lasts, strict=True)).items()
            }
            bands, dues = zip(*map(table.__getitem__, keys), strict=True)
        else:  # by id: reading shares equal dates, and hashing one is slow
            impacts = map(dict.get, values, repeat("impact"))
            keys = list(zip(impacts, map(dict.get, values, repeat("likelihood")), map(id, lasts), strict=True))
            table = {
                key: self._assessed_by(key[0], key[1], last)
                for key, last in dict(zip(keys, lasts, strict=True)).items()
            }
            scores, bands, dues = zip(*map(table.__getitem__, keys), strict=True)
        return list(map(Assessed, risks, scores, bands, dues))

    def _assessed_by(self, impact: Any, likelihood: Any, last: PartialDate | None) -> tuple:
        key = (impact, likelihood)
        if key not in self._scores:
            score = self.scheme.score_for(impact, likelihood)
            self._scores[key] = (score, self.scheme.band(score))
        score, band = self._scores[key]
        return (score, *self._band_and_due(band, last))

    def _band_and_due(self, band: Band | None, last: PartialDate | None) -> tuple[Band | None, dt.date | None]:
        return band, None if last is None or band is None else self.due(last, band)

    def due(self, last: PartialDate, band: Band) -> dt.date:
        due_key = (id(last), band.review_months)
        due = self._dues.get(due_key)
        if due is None:
            due = self._dues[due_key] = add_months(day_bounds(last)[1], band.review_months)
        return due

    def bounds(self, day: PartialDate) -> tuple[dt.date, dt.date]:
        found = self._bounds.get(id(day))  # by id: reading shares equal dates, and hashing one is slow
        if found is None:
            found = self._bounds[id(day)] = day_bounds(day)
        return found

    def dates_may_find(self, first: PartialDate | None, last: PartialDate | None) -> bool:
        as_of = self.as_of
        first_bounds = self.bounds(first) if first is not None else None
        last_bounds = self.bounds(last) if last is not None else None
        if first_bounds is not None and first_bounds[0] > as_of:
            return True
        if last_bounds is None:
            return False
        return last_bounds[0] > as_of or (first_bounds is not None and first_bounds[0] > last_bounds[1])

    def unknown_proposal(self, text: str) -> bool:
        found = self._proposals.get(text)
        if found is None:
            from riskbook.check.period import classify_proposal

            found = self._proposals[text] = classify_proposal(text) is None
        return found

    def rating_differs(self, item: Assessed, rating: str) -> bool:
        """Whether a rating is not the band of the score (or of the stated score when impact or
        likelihood cannot give one, as check_rag reads it)."""
        score: int | None
        if item.score is not None:
            score, band = item.score, item.band
        else:
            stated = item.risk.values.get("score")
            score, band = whole_number(stated), self.scheme.band(stated)
        key = (rating, score)
        if key not in self._ratings:
            self._ratings[key] = rating_band(self.scheme, rating, score, band)
        return self._ratings[key] is not band

    def sets_may_find(self, item: Assessed) -> bool:
        risk = item.risk
        current = item.score if item.score is not None else whole_number(risk.values.get("score"))
        scores = {}
        values = risk.values
        for name in self.score_sets:
            key = (name, *map(values.get, self.set_fields[name]))
            facts = self._sets.get(key)
            if facts is None:
                facts = self._sets[key] = set_facts(self.scheme, *key[1:])
            if facts.score_mismatch or facts.rating_mismatch:
                return True
            scores[name] = facts.score
        inherent, target = scores.get("inherent"), scores.get("target")
        if current is not None and inherent is not None and current > inherent:
            return True
        return target is not None and current is not None and target > current


def _empty_columns(register: Register) -> list[str]:
    """The columns (of those a check needs and the scheme does not require) that no risk fills, in a
    register of EMPTY_COLUMN_RISKS risks or more."""
    if len(register.risks) < EMPTY_COLUMN_RISKS:
        return []
    required = register.scheme.required_fields
    empty = []
    for name in EMPTY_MEANS:
        if not register.has(name) or name in required:
            continue
        if name == "reference":
            if register.named_by_row:
                empty.append(name)
        elif not any(name in risk.values or name in risk.invalid for risk in register.risks):
            empty.append(name)
    return empty


_VALUES, _INVALID, _LONG = attrgetter("values"), attrgetter("invalid"), attrgetter("long_fields")
_RISK, _SCORE, _DUE, _STATUS_NAME = (
    attrgetter("risk"),
    attrgetter("score"),
    attrgetter("review_due"),
    attrgetter("status_name"),
)


def quick_look(ctx: CheckContext, assessed: list[Assessed]) -> list[int]:
    """The indices of the risks check_risk must look at, in order: those its guards may let through, each
    guard asked a column at a time (per distinct value, or in C). A risk left out would have no finding;
    tests/test_quick_checks.py holds this, with check_risk's guards, to every check run on every risk."""
    count = len(assessed)
    if ctx.has_control_due:  # check_status_stale looks at every risk
        return list(range(count))
    risks = list(map(_RISK, assessed))
    values = list(map(_VALUES, risks))
    flagged: set[int] = set()

    def flag(flags: Iterable[object]) -> None:
        flagged.update(compress(range(count), flags))

    def column(name: str) -> list[Any]:
        return list(map(dict.get, values, repeat(name)))

    def by_distinct(cells: list[Any], may_find: Callable[[Any], bool]) -> None:
        table = {cell: may_find(cell) for cell in dict.fromkeys(cells)}
        if any(table.values()):
            flag(map(table.__getitem__, cells))

    flag(map(_INVALID, risks))
    flag(map(_LONG, risks))
    flag(map(operator.not_, map(operator.le, repeat(ctx.required), map(dict.keys, values))))
    flag(map(operator.ne, map(_STATUS_NAME, risks), column("status")))
    if ctx.reference_ok is not any_reference:  # the scheme's pattern (reference_ok is its match)
        references = column("reference")
        present: Sequence[int] = range(count)
        if None in references:
            present = [index for index, ref in enumerate(references) if ref is not None]
            references = list(map(references.__getitem__, present))
        flagged.update(compress(present, map(operator.not_, ctx.scheme.reference_regex.match_each(references))))
    stated, scores = column("score"), list(map(_SCORE, assessed))
    if stated != scores:  # else no stated score differs from its computed one
        pairs = list(zip(stated, scores, strict=True))
        by_distinct(pairs, lambda pair: pair[0] is not None and pair[1] is not None and pair[0] != pair[1])
    for name in ("score", "previous_score"):
        by_distinct(
            column(name), lambda value: value is not None and not ctx.lowest_score <= value <= ctx.highest_score
        )
    if ctx.register.has("rag"):
        keys = list(zip(column("rag"), scores, stated, strict=True))
        items = dict(zip(keys, assessed, strict=True))  # the distinct keys, each with a risk that has it
        table = {key: key[0] is not None and ctx.rating_differs(item, key[0]) for key, item in items.items()}
        if any(table.values()):
            flag(map(table.__getitem__, keys))
    flagged.update(_dates_may_find(ctx, column("first_recorded"), column("last_review")))
    by_distinct(list(map(_DUE, assessed)), lambda due: due is not None and due < ctx.as_of)
    if ctx.register.has("proposal"):
        by_distinct(column("proposal"), lambda text: text is not None and ctx.unknown_proposal(text))
    if ctx.score_sets:  # sets_may_find reads the current score, the stated one and the sets' fields
        fields = sorted({name for names in ctx.set_fields.values() for name in names})
        keys = list(zip(scores, stated, *map(column, fields), strict=True))
        items = dict(zip(keys, assessed, strict=True))
        by_distinct(keys, lambda key: ctx.sets_may_find(items[key]))
    return sorted(flagged)


def _dates_may_find(ctx: CheckContext, firsts: list[Any], lasts: list[Any]) -> set[int]:
    """The indices of the risks dates_may_find would let through, a column at a time: dates are shared by
    reading, so each is bounded once, and only risks whose dates could be out of order are compared."""
    as_of, count = ctx.as_of, len(firsts)
    first_by_id = dict(zip(map(id, firsts), firsts, strict=True))
    last_by_id = dict(zip(map(id, lasts), lasts, strict=True))
    first_by_id.pop(id(None), None)
    last_by_id.pop(id(None), None)
    found: set[int] = set()
    late = {key for key, day in (first_by_id | last_by_id).items() if ctx.bounds(day)[0] > as_of}
    if late:
        found.update(compress(range(count), map(late.__contains__, map(id, firsts))))
        found.update(compress(range(count), map(late.__contains__, map(id, lasts))))
    if not last_by_id:
        return found
    latest = {key: ctx.bounds(day)[1] for key, day in last_by_id.items()}
    soonest = min(latest.values())
    earliest = {key: ctx.bounds(day)[0] for key, day in first_by_id.items()}
    after_a_review = {key for key, day in earliest.items() if day > soonest}  # may follow some risk's review
    if after_a_review:
        for index in compress(range(count), map(after_a_review.__contains__, map(id, firsts))):
            last = lasts[index]
            if last is not None and earliest[id(firsts[index])] > latest[id(last)]:
                found.add(index)
    return found
