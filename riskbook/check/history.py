"""A register's history: the earlier periods' registers in date order, and what follows from them.

The nearest earlier period plays `--previous`'s role (riskbook.check.period); this module orders the
periods, works out each risk's trail of scores, the band counts per period for the Trend sheet, and
the findings only several periods can show: a risk that vanished, a reference reused, a score that
changed with no word of why, a gap in reviews longer than the band's cycle.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskbook.check.findings import Finding, make
from riskbook.check.proposals import PROPOSED_ARCHIVE, classify_proposal, previous_sheet, stated_or_computed
from riskbook.check.references import reference_key
from riskbook.errors import RiskbookError
from riskbook.model import Register, Risk
from riskbook.read.score_sets import impact_is_inherent
from riskbook.read.values import MONTHS, PartialDate, add_months

if TYPE_CHECKING:
    from riskbook.check.assessed import Assessed
    from riskbook.scheme.load import Band, Scheme

MAX_PERIODS = 12  # earlier periods: three years of quarters
# A title edit is light when the two titles, compared as lower-case words without punctuation, have a
# difflib similarity ratio (2 × matching characters / both lengths) of at least this: "Cyber attack" →
# "Cyber attack on systems" is light (0.69); "Fleet replacement" → "Cyber security" is not.
LIGHT_EDIT_SIMILARITY = 0.6
NARRATIVE_FIELDS = ("update", "current_status")  # the text that says why a score moved

STATED, MODIFIED, GIVEN = "stated in the file", "the file's modified date", "the order given"

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_STATED_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})\b|\b(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})\b",
    re.IGNORECASE,
)


class HistoryError(RiskbookError):
    """The earlier periods cannot be used as given (too many, none in the folder)."""


@dataclass(frozen=True)
class PastPeriod:
    """One earlier period's register, with the date it is ordered by and where that date came from."""

    register: Register
    date: dt.date | None
    dated_by: str  # STATED, MODIFIED or GIVEN

    @property
    def name(self) -> str:
        return Path(self.register.path).name

    @property
    def label(self) -> str:
        """How the Trend sheet and the findings name the period: its date, else its file's name."""
        return f"{self.date.day} {self.date:%b %Y}" if self.date is not None else self.name

    @cached_property
    def risks(self) -> dict[str, Risk]:
        """The period's risks by reference (the first of a reference used twice; a risk without one left out)."""
        found: dict[str, Risk] = {}
        for risk in self.register.risks:
            if risk.reference:
                found.setdefault(reference_key(risk.reference), risk)
        return found

    @cached_property
    def scores(self) -> dict[str, int | None]:
        """Each risk's score that period: its own stated score where its Impact and Likelihood are the inherent
        assessment, else impact × likelihood (its stated score when those are unreadable)."""
        scheme = self.register.scheme
        stated = bool(impact_is_inherent(self.register))
        return {key: stated_or_computed(risk, scheme, stated) for key, risk in self.risks.items()}


@dataclass(frozen=True)
class History:
    """The earlier periods, oldest first."""

    periods: tuple[PastPeriod, ...]

    @property
    def nearest(self) -> PastPeriod:
        return self.periods[-1]

    def order_line(self, current: str, as_of: dt.date) -> str:
        """The order used, in one line: each file with its date and where the date came from."""
        shown = [f"{p.name} ({_dated(p)})" for p in self.periods]
        return "Periods, oldest first: " + " → ".join([*shown, f"{Path(current).name} (as at {as_of:%d/%m/%Y})"])

    def as_dict(self) -> list[dict[str, Any]]:
        """The order used, for JSON: oldest first."""
        return [
            {
                "input": p.register.path,
                "sheet": p.register.sheet,
                "date": p.date.isoformat() if p.date else None,
                "dated_by": p.dated_by,
                "risks": len(p.register.risks),
            }
            for p in self.periods
        ]

    def trail(self, reference: str) -> tuple[int | None, ...]:
        """The risk's score in each earlier period, oldest first; None where that period did not hold it."""
        key = reference_key(reference)
        return tuple(p.scores.get(key) for p in self.periods)


def _dated(period: PastPeriod) -> str:
    if period.date is None:
        return GIVEN
    return f"{period.date:%d/%m/%Y}, {period.dated_by}"


def order_history(
    registers: Sequence[Register], modified: Sequence[dt.date | None], current: dt.date | None = None
) -> History:
    """The earlier periods oldest first: by the date a register states above its header, else its file's
    modified date; registers with neither keep the order given, after those dated (ties keep it too).
    current: the date the current register states (else its as-of date); a period stating a later one
    is refused, for it would be compared as an earlier one."""
    if len(registers) > MAX_PERIODS:
        raise HistoryError(
            f"{len(registers)} earlier periods given; riskbook compares at most {MAX_PERIODS} "
            "(three years of quarters): leave out the oldest"
        )
    periods = []
    for register, changed in zip(registers, modified, strict=True):
        stated = stated_date(register.heading)
        if stated is not None and current is not None and stated > current:
            raise HistoryError(
                f"{register.path}: states {stated:%d %b %Y}, after the register being checked ({current:%d %b %Y}); "
                "an earlier period must be earlier: leave it out, or check the later register"
            )
        if stated is not None:
            periods.append(PastPeriod(register, stated, STATED))
        else:
            periods.append(PastPeriod(register, changed, MODIFIED if changed is not None else GIVEN))
    order = sorted(range(len(periods)), key=lambda i: (periods[i].date is None, periods[i].date or dt.date.min, i))
    return History(tuple(periods[i] for i in order))


def stated_date(heading: Sequence[Any]) -> dt.date | None:
    """The date a register's title block states ("as at 31st January 2024", "30/04/2024", a date cell)."""
    for value in heading:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and (found := _date_in(value)) is not None:
            return found
    return None


def _date_in(text: str) -> dt.date | None:
    match = _STATED_DATE.search(text)
    if match is None:
        return None
    try:
        if match[1]:
            return dt.date(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
        return dt.date(int(match[6]), int(match[5]), int(match[4]))
    except ValueError:
        return None


# -- Findings across periods ------------------------------------------------------------------------------


def history_findings(register: Register, assessed: list[Assessed], history: History) -> list[Finding]:
    """Every finding only the earlier periods can show, for this register."""
    findings = list(vanished_risks(register, history))
    findings.extend(reused_references(register, history))
    findings.extend(unexplained_changes(register, assessed, history))
    findings.extend(review_gaps(register, assessed, history))
    return findings


def vanished_risks(register: Register, history: History) -> list[Finding]:
    """A risk on an earlier register, on none since and not on this one, that its last period neither proposed
    for archive nor closed: said at its cell in the last period's file."""
    now = {reference_key(risk.reference) for risk in register.risks if risk.reference}
    last_held: dict[str, PastPeriod] = {}
    for period in history.periods:
        for key in period.risks:
            last_held[key] = period
    closed = {s.name for s in register.scheme.statuses if s.closed}
    findings = []
    for key, period in last_held.items():
        if key in now:
            continue
        risk = period.risks[key]
        if classify_proposal(risk.get("proposal") or "") == PROPOSED_ARCHIVE or risk.status_name in closed:
            continue  # proposed for archive, or closed: an ending, said
        findings.append(
            make(
                "vanished-risk",
                previous_sheet(period.register),
                period.register.risk_cell(risk, "reference"),
                risk.reference,
                risk.row,  # the row of that period's sheet, which the finding names
                title=risk.title,
                period=period.label,
                last_file=period.name,
            )
        )
    return findings


def light_edit(before: str, after: str) -> bool:
    """Whether a title changed only lightly (see LIGHT_EDIT_SIMILARITY)."""
    a, b = _words(before), _words(after)
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= LIGHT_EDIT_SIMILARITY


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def reused_references(register: Register, history: History) -> list[Finding]:
    """A reference whose title changed beyond a light edit from one period to the next: said at the later
    register's title cell."""
    stages: list[tuple[str, Register, dict[str, Risk]]] = [(p.label, p.register, p.risks) for p in history.periods]
    current = {reference_key(r.reference): r for r in register.risks if r.reference}
    stages.append(("this register", register, current))
    findings = []
    for (label, _reg, earlier), (_label, later_register, later) in itertools.pairwise(stages):
        for key, risk in later.items():
            before = earlier.get(key)
            if before is None or not before.title or not risk.title or light_edit(before.title, risk.title):
                continue
            similarity = difflib.SequenceMatcher(None, _words(before.title), _words(risk.title), autojunk=False)
            sheet = register.sheet if later_register is register else previous_sheet(later_register)
            findings.append(
                make(
                    "reference-reused",
                    sheet,
                    later_register.risk_cell(risk, "title"),
                    risk.reference,
                    risk.row,
                    reference=risk.reference,
                    before=before.title,
                    period=label,
                    title=risk.title,
                    similarity=round(similarity.ratio(), 2),
                    threshold=LIGHT_EDIT_SIMILARITY,
                )
            )
    return findings


def unexplained_changes(register: Register, assessed: list[Assessed], history: History) -> list[Finding]:
    """A score that moved since the nearest period while every narrative column the two registers share
    (Update, Current Status) reads as it did: said at the score's cell."""
    nearest = history.nearest
    shared = [name for name in NARRATIVE_FIELDS if register.has(name) and nearest.register.has(name)]
    if not shared:
        return []
    findings = []
    for item in assessed:
        key = reference_key(item.risk.reference) if item.risk.reference else ""
        before, previous = nearest.risks.get(key), nearest.scores.get(key)
        if before is None or previous is None or item.score is None or previous == item.score:
            continue
        if any(_narrative(item.risk, name) != _narrative(before, name) for name in shared):
            continue
        findings.append(
            make(
                "unexplained-change",
                register.sheet,
                register.risk_cell(item.risk, "score" if register.has("score") else "impact"),
                item.risk.reference,
                item.risk.row,
                previous=previous,
                score=item.score,
                period=nearest.label,
                columns=" and ".join(register.column_headers.get(name, name) for name in shared),
            )
        )
    return findings


def _narrative(risk: Risk, name: str) -> str:
    return " ".join(str(risk.get(name) or "").split())


def review_gaps(register: Register, assessed: list[Assessed], history: History) -> list[Finding]:
    """The longest stretch between one recorded review and the next, across the periods and this register,
    when it is longer than the review cycle of the band the risk was in when the stretch began (the
    register that recorded that review): said at this register's Last Review cell. A review known only to
    the month counts from the month's first day, so quarterly reviews a cycle apart are not a gap.
    (From the last review to today is review-overdue's.)"""
    if not register.has("last_review"):
        return []
    scheme = register.scheme
    findings = []
    for item in assessed:
        risk = item.risk
        if item.band is None or not risk.reference:
            continue
        gap = _longest_gap(_review_dates(risk, item.band, history, scheme))
        if gap is None:
            continue
        (start, band), (end, _) = gap
        findings.append(
            make(
                "review-gap",
                register.sheet,
                register.risk_cell(risk, "last_review"),
                risk.reference,
                risk.row,
                start=start,
                end=end,
                band=band.name,
                interval=f"{band.review_months} month{'s' if band.review_months != 1 else ''}",
                gap_days=(end.earliest - start.earliest).days,
            )
        )
    return findings


def _review_dates(risk: Risk, band: Band, history: History, scheme: Scheme) -> list[tuple[PartialDate, Band]]:
    """Each recorded review, oldest first, with the band the risk was in on the register that recorded it."""
    key = reference_key(risk.reference)
    recorded: list[tuple[object, Band | None]] = []
    for period in history.periods:
        if key in period.risks:
            past = period.risks[key]
            recorded.append((past.get("last_review"), scheme.band(scheme.score_for(past.impact, past.likelihood))))
    recorded.append((risk.get("last_review"), band))
    known: dict = {}
    for day, held in recorded:
        if isinstance(day, PartialDate):
            known.setdefault(day.earliest, (day, held or band))
    return [known[day] for day in sorted(known)]


def _longest_gap(dates: list[tuple[PartialDate, Band]]):
    gaps = [
        (a, b) for a, b in itertools.pairwise(dates) if b[0].earliest > add_months(a[0].earliest, a[1].review_months)
    ]
    return max(gaps, key=lambda gap: gap[1][0].earliest - gap[0][0].earliest) if gaps else None


# -- The Trend sheet's numbers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodCounts:
    """One earlier period's row of the Trend table."""

    label: str
    bands: dict[str, int]  # band name -> risks in it
    total: int
    new: int | None  # None for the oldest period: nothing before it to compare with
    archived: int | None


def past_counts(history: History, scheme: Scheme) -> list[PeriodCounts]:
    """Band counts, total, new and archived for each earlier period, oldest first (closed risks not counted,
    as the current period's counts leave them out)."""
    closed = {s.name for s in scheme.statuses if s.closed}
    rows = []
    before: set[str] | None = None
    for period in history.periods:
        bands = {band.name: 0 for band in scheme.bands}
        held = set()
        for key, risk in period.risks.items():
            if risk.status_name in closed:
                continue
            held.add(key)
            band = scheme.band(period.scores[key])
            if band is not None:
                bands[band.name] += 1
        new = len(held - before) if before is not None else None
        archived = len(before - held) if before is not None else None
        rows.append(PeriodCounts(period.label, bands, sum(bands.values()), new, archived))
        before = held
    return rows
