"""validate's quick look at each risk (checks.quick_look, a column at a time, then the guards in
checks.check_risk) must never hide a finding the full checks make: every check run on every risk, each
with no more than what it needs to run at all."""

from __future__ import annotations

import csv
import datetime as dt
import random

import pytest

from riskbook import read_register, validate
from riskbook.check import rules as checks
from riskbook.check.assessed import Assessed
from riskbook.check.context import CheckContext
from riskbook.fields import FIELD_LABELS

FIELDS = [
    "reference",
    "owner",
    "title",
    "impact",
    "likelihood",
    "status",
    "first_recorded",
    "last_review",
    "score",
    "rag",
    "proposal",
    "inherent_impact",
    "inherent_likelihood",
    "inherent_score",
    "inherent_rating",
    "target_impact",
    "target_likelihood",
    "target_score",
    "target_rating",
]
LEVELS = ["1", "2", "3", "4", "", "9", "Very High", "High", "Low", "x"]
POOLS = {
    "reference": ["STR0001", "STR0002", "STR0001", "str 7", "BAD", "", "STR0003", "STR0004"],
    "owner": ["Chief Constable", "", "Finance"],
    "title": ["Budget", "", "Fleet"],
    "impact": LEVELS,
    "likelihood": LEVELS,
    "status": ["Controls Tasked", "controls  tasked", "Tolerated", "Wibble", "", "Treated"],
    "first_recorded": ["01/01/2020", "Jan 2026", "31/12/2023", "", "not a date", "Feb 2024", "16/01/2024"],
    "last_review": ["Jan 2024", "01/06/2020", "15/01/2024", "", "Mar 2025", "soon"],
    "score": ["12", "16", "6", "", "9", "1", "x"],
    "rag": ["Red", "Amber", "Green", "High", "Medium", "", "Purple"],
    "proposal": ["", "Archive", "New", "Maybe", "propose archive"],
    "inherent_impact": LEVELS,
    "inherent_likelihood": LEVELS,
    "inherent_score": ["16", "4", "", "25", "x"],
    "inherent_rating": ["Red", "Green", "", "Amber", "Nope"],
    "target_impact": LEVELS,
    "target_likelihood": LEVELS,
    "target_score": ["1", "4", "", "16"],
    "target_rating": ["Green", "", "Red", "Odd"],
}


# A risk with nothing wrong (under the shipped scheme, as of 16/01/2024).
CLEAN = {
    "owner": "Chief Constable",
    "title": "Budget",
    "impact": "3",
    "likelihood": "4",
    "status": "Controls Tasked",
    "first_recorded": "01/01/2020",
    "last_review": "15/01/2024",
    "score": "12",
    "rag": "Red",
    "proposal": "",
    "inherent_impact": "4",
    "inherent_likelihood": "4",
    "inherent_score": "16",
    "inherent_rating": "Red",
    "target_impact": "1",
    "target_likelihood": "2",
    "target_score": "2",
    "target_rating": "Green",
}


# Whole score sets, each consistent in itself, that stand in the wrong order to the current score (12).
SET_SCENARIOS = [
    {"target_impact": "4", "target_likelihood": "4", "target_score": "16", "target_rating": "Red"},
    {"inherent_impact": "1", "inherent_likelihood": "1", "inherent_score": "1", "inherent_rating": "Green"},
]


def _register_file(path, seed: int, fields: list[str]):
    """Mostly clean risks, each with one or two cells drawn from the pools (which hold faults of every kind):
    a fault alone on its row is the one the quick look must not pass over."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([FIELD_LABELS[name] for name in fields])
        for number in range(400):
            row = {**CLEAN, "reference": f"STR{number:04d}"}
            for name in rng.sample(fields, rng.choice([0, 1, 1, 1, 2])):
                row[name] = rng.choice(POOLS[name])
            if rng.random() < 0.05:
                row.update(rng.choice(SET_SCENARIOS))
            writer.writerow([row[name] for name in fields])
    return path


def _every_check(ctx, item):
    risk = item.risk
    found = [
        *checks.check_unreadable(ctx, item),
        *checks.check_missing(ctx, risk),
        *checks.check_reference(ctx, risk),
        *checks.check_score(ctx, item),
        *checks.check_rag(ctx, item),
        *checks.check_status(ctx, risk),
        *checks.check_dates(ctx, risk),
        *checks.check_status_stale(ctx, risk),
        *checks.check_text_length(ctx, risk),
        *checks.check_score_sets(ctx, item),
    ]
    if item.review_due is not None and item.review_due < ctx.as_of:  # check_review needs a due date
        found.extend(checks.check_review(ctx, item))
    if risk.get("proposal") is not None:
        found.extend(checks.check_proposal(ctx, risk))
    return found


def _everything(report):
    return [(f.code, f.cell, f.message) for f in report.findings]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "fields",
    [
        FIELDS,
        FIELDS[:10],
        [name for name in FIELDS if name != "last_review"],
        [name for name in FIELDS if name not in ("impact", "likelihood")],
        FIELDS[:11],
        [name for name in FIELDS[:11] if name not in ("impact", "likelihood")],
        [name for name in FIELDS[:11] if name not in ("last_review", "rag")],
    ],
    ids=[
        "score-sets",
        "plain",
        "no-review-column",
        "no-impact-or-likelihood",
        "proposal",
        "proposal-no-impact-or-likelihood",
        "no-review-or-rating",
    ],
)
def test_the_quick_look_finds_what_checking_every_risk_in_full_finds(tmp_path, monkeypatch, seed, fields):
    register = read_register(_register_file(tmp_path / "register.csv", seed, fields))
    as_of = dt.date(2024, 1, 16)
    quick = _everything(validate(register, as_of=as_of))
    monkeypatch.setattr(checks, "check_risk", _every_check)
    monkeypatch.setattr(checks, "quick_look", lambda ctx, assessed: range(len(assessed)))
    full = _everything(validate(register, as_of=as_of))
    assert quick == full
    assert len({code for code, *_ in full}) >= 8  # the registers are faulty enough to mean something


@pytest.mark.parametrize("seed", range(3))
def test_assessing_a_column_at_a_time_gives_each_risk_its_own_assessment(tmp_path, seed):
    register = read_register(_register_file(tmp_path / "register.csv", seed, FIELDS[:11]))
    context = CheckContext(register, register.scheme, dt.date(2024, 1, 16))
    by_column = context.assess_all(register.risks)
    assert by_column == [checks.assess(risk, register.scheme) for risk in register.risks]
    assert len({item.review_due for item in by_column}) >= 4 and len({item.score for item in by_column}) >= 4


def _inherent_register_file(path, seed: int):
    """Impact and Likelihood as the inherent assessment (the inherent score is their product, the current
    score a stated one, some 12.0 beside 12, set below): validate takes each risk's stated score as it stands."""
    rng = random.Random(seed)
    fields = ["reference", "title", "owner", "impact", "likelihood", "status", "last_review", "score", "inherent_score"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([FIELD_LABELS[name] for name in fields])
        for number in range(300):
            impact, likelihood = rng.randint(1, 4), rng.randint(1, 4)
            stated = rng.choice([1, 2, 4, 6, 9, 12, 16, "12.0", "", "x"])
            last = rng.choice(["Jan 2024", "01/06/2020", "15/01/2024", "", "Mar 2023"])
            row = [f"STR{number:04d}", "Budget", "Finance", impact, likelihood, "Treated", last, stated]
            writer.writerow([*row, impact * likelihood])
    return path


@pytest.mark.parametrize("seed", range(3))
def test_assessing_stated_scores_a_column_at_a_time_gives_each_risk_its_own(tmp_path, seed):
    register = read_register(_inherent_register_file(tmp_path / "register.csv", seed))
    twelves = [risk for risk in register.risks if risk.values.get("score") == 12]
    for risk in twelves[1::2]:  # a score read from a number cell of another file may come as 12.0
        risk.values["score"] = 12.0
    context = CheckContext(register, register.scheme, dt.date(2024, 1, 16))
    assert context.stated_stands
    by_column = context.assess_all(register.risks)
    one_by_one = []
    for risk in register.risks:
        stated = risk.values.get("score")
        band = register.scheme.band(stated)
        one_by_one.append(Assessed(risk, stated, band, checks.review_due(risk, band)))
    assert by_column == one_by_one
    assert [type(item.score) for item in by_column] == [type(item.score) for item in one_by_one]
    assert len({item.review_due for item in by_column}) >= 4 and len({item.band for item in by_column}) >= 3
