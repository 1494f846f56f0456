"""The checked register: what `validate` returns and every output takes.

A Report holds the findings and the facts the outputs need, each worked out once: every
risk's score, band and review due date (`Assessed`), and the comparison with last period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from riskbook.check.assessed import Assessed
from riskbook.check.findings import Finding
from riskbook.model import Register

if TYPE_CHECKING:
    from riskbook.check.history import History
    from riskbook.check.period import Period
    from riskbook.scheme.types import Scheme


@dataclass
class Report:
    """The outcome of validating a register, with everything the outputs need."""

    register: Register
    as_of: dt.date
    findings: list[Finding]
    assessed: list[Assessed]
    previous: Register | None = None
    since: dt.date | None = None
    _period: Period | None = field(default=None, repr=False)  # worked out by validate when it has findings
    history: History | None = None  # the earlier periods, oldest first (previous is the nearest)

    @property
    def scheme(self) -> Scheme:
        return self.register.scheme

    @cached_property
    def period(self) -> Period:
        """This period beside the last: archive, new and changed risks (worked out once, on first use)."""
        if self._period is not None:
            return self._period
        from riskbook.check.period import compare_periods

        return compare_periods(
            self.register, self.assessed, previous=self.previous, since=self.since, history=self.history
        )

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def as_dict(self) -> dict[str, Any]:
        return {
            "input": self.register.path,
            "sheet": self.register.sheet,
            "as_of": self.as_of.isoformat(),
            "risks": len(self.register.risks),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
        } | ({"history": self.history.as_dict()} if self.history is not None else {})
