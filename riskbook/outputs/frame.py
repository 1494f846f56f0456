"""The register as a pandas DataFrame, for analysts working in a notebook.

pandas is an optional extra (`pip install "riskbook[pandas]"`): nothing else in riskbook imports
it, and this module imports it only when a frame is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from riskbook.errors import RiskbookError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PANDAS_HINT = 'a DataFrame needs pandas, which is not installed: pip install "riskbook[pandas]"'


def dataframe_of(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame of the records, or a RiskbookError saying how to install pandas."""
    try:
        import pandas as pd
    except ImportError:
        raise RiskbookError(PANDAS_HINT) from None
    return pd.DataFrame.from_records(records)
