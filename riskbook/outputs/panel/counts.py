"""The headline counts of the panel paper, written once: the Summary lists them and the Cover says them
in sentences, each as a formula over Appendix A with its value (stored for viewers that do not
recalculate)."""

from __future__ import annotations

from typing import NamedTuple

from riskbook.check.period import NEW, PROPOSED_ARCHIVE, Period
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.travel import direction_words, with_arrows


class Count(NamedTuple):
    formula: str  # an expression over Appendix A, without the leading "="
    value: int

    @property
    def operand(self) -> str:
        """The expression as one operand of a larger formula (a sum in parentheses)."""
        return f"({self.formula})" if "+" in self.formula else self.formula


def quoted(text: str) -> str:
    """A string literal for a formula."""
    return '"' + text.replace('"', '""') + '"'


def criterion(text: str) -> str:
    """A COUNTIF(S) criterion that matches text literally: "=" first, so that a leading <, > or = is part of
    the value rather than an operator; ~ before Excel's wildcards * and ? and before ~ itself."""
    escaped = text.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return quoted("=" + escaped)


def headline_counts(period: Period, compared: bool) -> dict[str, Count]:
    """The counts by name: current, band:<name> for each band, proposed, archived (when compared with
    last period), closed (when the scheme closes some risks), changes, new, top_outside (top-band risks
    in none of Appendices B–D); with a history, up and down (risks whose score rose, fell)."""
    n = len(period.current)
    ref, band, proposal, change = (L.a_range(k, n) for k in ("reference", "band", "proposal", "change"))
    top = period.scheme.top_band.name
    proposed = sum(1 for r in period.archive if r.proposal == PROPOSED_ARCHIVE)
    counts = {"current": Count(f"COUNTA({ref})", n)}
    for b in period.scheme.bands:
        counts[f"band:{b.name}"] = Count(f"COUNTIF({band},{criterion(b.name)})", period.band_count(b.name))
    counts["proposed"] = Count(f'COUNTIF({proposal},"{PROPOSED_ARCHIVE}")', proposed)
    archived = len(period.archive) - proposed
    if compared:
        counts["archived"] = Count(f"COUNTA({L.archived_range('reference', n, archived)})", archived)
    if period.closed:
        closed_range = L.closed_range("reference", n, archived if compared else None, len(period.closed))
        counts["closed"] = Count(f"COUNTA({closed_range})", len(period.closed))
    arrows = with_arrows(period)
    up, down, _same = direction_words(arrows)
    counts["changes"] = Count(f'COUNTIF({change},"{up}")+COUNTIF({change},"{down}")', len(period.changes))
    counts["new"] = Count(f'COUNTIF({proposal},"{NEW}")', len(period.new))
    counts["top_outside"] = Count(
        f'COUNTIFS({band},{criterion(top)},{proposal},"{L.NONE}",{change},"<>{up}",{change},"<>{down}")',
        len(period.top_band_not_elsewhere),
    )
    if arrows:
        current = period.current
        counts["up"] = Count(f'COUNTIF({change},"{up}")', sum(r.direction == "Up" for r in current))
        counts["down"] = Count(f'COUNTIF({change},"{down}")', sum(r.direction == "Down" for r in current))
    return counts
