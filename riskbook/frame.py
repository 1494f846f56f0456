"""The register as a pandas DataFrame, for analysts working in a notebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskbook.model import FIELDS, Register
from riskbook.values import PartialDate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def to_dataframe(register: Register) -> pd.DataFrame:
    """One row per risk: canonical fields, then the register's own extra columns.

    Dates known only to the month are given as the first of that month; the
    computed score (impact × likelihood) stands beside the stated one.
    """
    import pandas as pd

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
        record["computed_score"] = risk.score
        record["canonical_status"] = risk.status_name
        record.update(risk.extras)
        records.append(record)
    return pd.DataFrame.from_records(records)
