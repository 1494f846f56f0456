"""Comparing this period's register with the last: archive, new risks and score changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from riskbook.check.findings import Finding, make
from riskbook.check.proposals import (
    ARCHIVED,
    NEW,
    PROPOSED_ARCHIVE,
    classify_proposal,
    previous_sheet,
    stated_or_computed,
)
from riskbook.check.references import reference_key
from riskbook.model import Register, Risk
from riskbook.read.score_sets import impact_is_inherent
from riskbook.scheme.types import Band, Scheme

if TYPE_CHECKING:
    from riskbook.check.assessed import Assessed
    from riskbook.check.history import History


@dataclass(slots=True)
class PanelRisk:
    """A risk as the panel sees it this period."""

    risk: Risk
    score: int | None
    previous_score: int | None
    proposal: str = ""  # PROPOSED_ARCHIVE, ARCHIVED, NEW or ""
    band: Band | None = None
    trail: tuple[int | None, ...] = ()  # with a history: its score in each earlier period, oldest first

    @property
    def reference(self) -> str:
        return self.risk.reference

    @property
    def changed(self) -> bool:
        return self.previous_score is not None and self.previous_score != self.score

    @property
    def direction(self) -> str:
        if not self.changed:
            return ""
        return "Up" if self.score > self.previous_score else "Down"

    @property
    def archiving(self) -> bool:
        return self.proposal in (PROPOSED_ARCHIVE, ARCHIVED)


@dataclass
class Period:
    """Every risk of the period in panel order, with the appendices' memberships (worked out once)."""

    risks: list[PanelRisk]  # current risks, then risks archived since last period
    scheme: Scheme
    findings: list[Finding] = field(default_factory=list)
    history: History | None = None  # the earlier periods, when more than last period's register was given

    @cached_property
    def closed(self) -> list[PanelRisk]:
        """Risks whose status the scheme marks closed: listed apart, in no count and no appendix."""
        names = {s.name for s in self.scheme.statuses if s.closed}
        return [r for r in self.risks if r.proposal != ARCHIVED and r.risk.status_name in names] if names else []

    @cached_property
    def _open(self) -> list[PanelRisk]:
        closed = {id(r) for r in self.closed}
        return [r for r in self.risks if id(r) not in closed]

    @cached_property
    def current(self) -> list[PanelRisk]:
        return [r for r in self._open if r.proposal != ARCHIVED]

    @cached_property
    def archive(self) -> list[PanelRisk]:
        return [r for r in self._open if r.archiving]

    @cached_property
    def changes(self) -> list[PanelRisk]:
        return [r for r in self._open if r.changed]

    @cached_property
    def new(self) -> list[PanelRisk]:
        return [r for r in self._open if r.proposal == NEW]

    @cached_property
    def top_band_not_elsewhere(self) -> list[PanelRisk]:
        elsewhere = {id(r) for r in (*self.archive, *self.changes, *self.new)}
        top = self.scheme.top_band
        return [r for r in self.current if r.band is top and id(r) not in elsewhere]

    def band_count(self, band_name: str) -> int:
        return sum(1 for r in self.current if r.band is not None and r.band.name == band_name)


def panel_order(risks: list[PanelRisk]) -> list[PanelRisk]:
    """By score, then impact (highest first), then reference."""
    return sorted(risks, key=lambda r: (-(r.score or 0), -(r.risk.impact or 0), r.reference))


def _proposal_from_column(risk: Risk) -> str:
    return classify_proposal(risk.get("proposal") or "") or ""


def compare_periods(
    register: Register,
    assessed: list[Assessed],
    previous: Register | None = None,
    since: dt.date | None = None,
    history: History | None = None,
) -> Period:
    """Work out archive, new and changed risks from the register's risks (and last period's, if given).

    history, if given, holds the earlier periods (previous is its nearest): each risk gets its trail."""
    scheme = register.scheme

    def trail(risk: Risk) -> tuple[int | None, ...]:
        return history.trail(risk.reference) if history is not None and risk.reference else ()

    findings: list[Finding] = []
    last = _last_period(previous, scheme, findings) if previous else {}
    # Last period's file in the same shape: where its Impact and Likelihood are the inherent assessment,
    # its current score is the one stated, as validate reads this period's.
    last_stated = previous is not None and bool(impact_is_inherent(previous))
    panel: list[PanelRisk] = []
    for item in assessed:
        risk = item.risk
        proposal = _proposal_from_column(risk)
        stated_previous = risk.previous_score
        previous_score = stated_previous
        if previous is not None:
            before = last.get(reference_key(risk.reference))
            previous_score = stated_or_computed(before, scheme, last_stated) if before is not None else None
            if before is not None and previous_score is None:
                previous_score = stated_previous  # last period's file has no score for it: the register's own
            if before is None and proposal != PROPOSED_ARCHIVE:
                proposal = NEW
            if before is not None and stated_previous is not None:
                findings.extend(_previous_score_mismatch(register, risk, previous, before, previous_score))
        first = risk.get("first_recorded")
        if since is not None and first is not None and first.earliest > since and not proposal:
            proposal = NEW
        panel.append(PanelRisk(risk, item.score, previous_score, proposal, item.band, trail(risk)))
    archived: list[PanelRisk] = []
    if previous is not None:
        now = {reference_key(item.risk.reference) for item in assessed}
        if last and now and not now & last.keys():
            findings.append(
                make("previous-unrelated", previous_sheet(previous), "", "", here=len(now), there=len(last))
            )
        for ref, risk in last.items():
            if ref in now:
                continue
            score = scheme.score_for(risk.impact, risk.likelihood)
            if score is None:  # Appendix A and the matrix need its impact and likelihood
                findings.append(
                    _previous_finding(
                        previous, risk, "has no readable impact and likelihood, so it cannot be listed as archived"
                    )
                )
                continue
            archived.append(PanelRisk(risk, score, score, ARCHIVED, scheme.band(score), trail(risk)))
    return Period(panel_order(panel) + panel_order(archived), scheme, findings, history)


def _previous_score_mismatch(
    register: Register, risk: Risk, previous: Register, before: Risk, used: int | None
) -> list[Finding]:
    """The register's Previous Score against what last period's file states for the risk (its stated
    score, else its impact × likelihood); the comparison itself uses `used`."""
    said = before.get("score")
    states = said if said is not None else used
    if states is None or risk.previous_score == states:
        return []
    column = "score" if said is not None else "impact"
    return [
        make(
            "previous-score-mismatch",
            register.sheet,
            register.risk_cell(risk, "previous_score"),
            risk.reference,
            risk.row,
            stated=risk.previous_score,
            previous=states,
            where=f"{previous_sheet(previous)}!{previous.risk_cell(before, column)}",
            used=used if used is not None else states,
        )
    ]


def _self_contradiction(previous: Register, risk: Risk, scheme: Scheme) -> Finding | None:
    """Last period's file states a score its own impact and likelihood do not give."""
    stated, computed = risk.get("score"), scheme.score_for(risk.impact, risk.likelihood)
    if stated is None or computed is None or stated == computed:
        return None
    assert risk.impact is not None and risk.likelihood is not None  # computed is known
    impact = f"{scheme.impact_label(risk.impact)} {risk.impact}"
    likelihood = f"{scheme.likelihood_label(risk.likelihood)} {risk.likelihood}"
    return make(
        "previous-score-contradiction",
        previous_sheet(previous),
        previous.risk_cell(risk, "score"),
        risk.reference,
        risk.row,  # the row of last period's sheet, which the finding names
        stated=stated,
        computed=computed,
        working=f"{impact} × {likelihood}" if scheme.matrix is None else f"impact {impact}, likelihood {likelihood}",
    )


def _previous_finding(previous: Register, risk: Risk, problem: str, left_out: bool = True) -> Finding:
    return make(
        "previous-risk-unreadable",
        previous_sheet(previous),
        previous.risk_cell(risk, "reference"),
        risk.reference,
        row=risk.row + 1,
        problem=problem + ("; it is left out of the comparison" if left_out else ""),
    )


def _last_period(previous: Register, scheme: Scheme, findings: list[Finding]) -> dict[str, Risk]:
    """Last period's risks by reference; a risk without a reference or a score is reported, not guessed at."""
    last: dict[str, Risk] = {}
    for risk in previous.risks:
        if not risk.reference:
            findings.append(_previous_finding(previous, risk, "has no reference"))
            continue
        key = reference_key(risk.reference)
        if key in last:
            findings.append(
                make(
                    "previous-duplicate-reference",
                    previous_sheet(previous),
                    previous.risk_cell(risk, "reference"),
                    risk.reference,
                    reference=risk.reference,
                    first=previous.risk_cell(last[key], "reference"),
                )
            )
            continue
        contradiction = _self_contradiction(previous, risk, scheme)
        if contradiction is not None:
            findings.append(contradiction)
        if stated_or_computed(risk, scheme) is None:
            findings.append(
                _previous_finding(
                    previous,
                    risk,
                    "has no readable score; its change in score is taken from this register's Previous Score",
                    left_out=False,
                )
            )
        last[key] = risk
    return last
