"""The register as a pandas DataFrame, for analysts working in a notebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskbook.model import FIELDS, Register
from riskbook.values import PartialDate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from riskbook.scheme import Scheme


def to_dataframe(register: Register, scheme: Scheme | None = None) -> pd.DataFrame:
    """One row per risk: canonical fields, then the register's own extra columns.

    Dates known only to the month are given as the first of that month; the computed
    score (the scheme's: impact × likelihood, or its matrix) stands beside the stated one.
    """
    import pandas as pd

    from riskbook.scheme import load_scheme

    scheme = scheme or load_scheme()

    records = []
    for risk in register.risks:
        record = {"row": risk.row + 1}
        for name in FIELDS:
            value = risk.get(name)
            if isinstance(value, PartialDate):
                value = value.earliest
            elif isinstance(value, list):
                value = "; ".join(str(d) for d in value)
            record[name] = value
        record["computed_score"] = scheme.score_for(risk.impact, risk.likelihood)
        record["canonical_status"] = risk.status_name
        record.update(risk.extras)
        records.append(record)
    return pd.DataFrame.from_records(records)
