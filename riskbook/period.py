"""Comparing this period's register with the last: archive, new risks and score changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from riskbook.model import Finding, Register, Risk
from riskbook.scheme import Scheme

PROPOSED_ARCHIVE = "Proposed archive"
ARCHIVED = "Archived"
NEW = "New"


@dataclass(slots=True)
class PanelRisk:
    """A risk as the panel sees it this period."""

    risk: Risk
    score: int
    previous_score: int | None
    proposal: str = ""  # PROPOSED_ARCHIVE, ARCHIVED, NEW or ""

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
    """Every risk of the period in panel order, with the appendices' memberships."""

    risks: list[PanelRisk]  # current risks, then risks archived since last period
    scheme: Scheme
    findings: list[Finding] = field(default_factory=list)

    @property
    def current(self) -> list[PanelRisk]:
        return [r for r in self.risks if r.proposal != ARCHIVED]

    @property
    def archive(self) -> list[PanelRisk]:
        return [r for r in self.risks if r.archiving]

    @property
    def changes(self) -> list[PanelRisk]:
        return [r for r in self.risks if r.changed]

    @property
    def new(self) -> list[PanelRisk]:
        return [r for r in self.risks if r.proposal == NEW]

    @property
    def top_band_not_elsewhere(self) -> list[PanelRisk]:
        elsewhere = {id(r) for r in (*self.archive, *self.changes, *self.new)}
        top = self.scheme.bands[0]
        return [r for r in self.current if self.scheme.band(r.score) is top and id(r) not in elsewhere]

    def band_count(self, band_name: str) -> int:
        return sum(1 for r in self.current if self.scheme.band(r.score).name == band_name)


def panel_order(risks: list[PanelRisk]) -> list[PanelRisk]:
    """By score, then impact (highest first), then reference."""
    return sorted(risks, key=lambda r: (-r.score, -(r.risk.impact or 0), r.reference))


def _proposal_from_column(risk: Risk) -> str:
    text = (risk.get("proposal") or "").casefold()
    if "archiv" in text:
        return PROPOSED_ARCHIVE
    if "new" in text:
        return NEW
    return ""


def compare_periods(
    register: Register,
    scheme: Scheme,
    previous: Register | None = None,
    since: dt.date | None = None,
) -> Period:
    """Work out archive, new and changed risks from the register (and last period's, if given)."""
    findings: list[Finding] = []
    last = {r.reference.upper(): r for r in previous.risks} if previous else {}
    panel: list[PanelRisk] = []
    for risk in register.risks:
        proposal = _proposal_from_column(risk)
        stated_previous = risk.previous_score
        previous_score = stated_previous
        if previous is not None:
            before = last.get(risk.reference.upper())
            previous_score = before.score if before is not None else None
            if before is None and proposal != PROPOSED_ARCHIVE:
                proposal = NEW
            if before is not None and stated_previous is not None and stated_previous != previous_score:
                findings.append(
                    Finding(
                        "warning",
                        "previous-score-mismatch",
                        register.sheet,
                        register.risk_cell(risk, "previous_score"),
                        risk.reference,
                        f"previous score {stated_previous} contradicts last period's file, which scored it "
                        f"{previous_score}; the panel workbook uses {previous_score}",
                        row=risk.row,
                    )
                )
        first = risk.get("first_recorded")
        if since is not None and first is not None and first.earliest > since and not proposal:
            proposal = NEW
        panel.append(PanelRisk(risk, risk.score, previous_score, proposal))
    archived: list[PanelRisk] = []
    if previous is not None:
        now = {r.reference.upper() for r in register.risks}
        for ref, risk in last.items():
            if ref not in now and risk.score is not None:
                archived.append(PanelRisk(risk, risk.score, risk.score, ARCHIVED))
    return Period(panel_order(panel) + panel_order(archived), scheme, findings)
