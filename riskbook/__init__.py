"""riskbook: check a public body's risk register and build the panel workbook.

    >>> import datetime, riskbook
    >>> report = riskbook.check_register("examples/force-risk-register-jan-2024.xlsx", as_of=datetime.date(2024, 1, 16))
    >>> riskbook.build_workbook(report, "panel.xlsx", title="Strategic Risk Register")

`check_register` reads a register file (and, with previous=, last period's, the same way) and
returns the `Report` every output takes, as the command line does; it is `read_register` (a
register under a scheme, which it carries) then `validate` (the checks, on registers only).
`build_workbook` writes the panel workbook from a report without errors. Names are imported on
first use so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "check_register": "riskbook.pipeline",
    "read_register": "riskbook.reading",
    "validate": "riskbook.checks",
    "build_workbook": "riskbook.panel",
    "write_template": "riskbook.template",
    "annotate_workbook": "riskbook.annotate",
    "load_scheme": "riskbook.scheme",
    "to_dataframe": "riskbook.frame",
    "Register": "riskbook.model",
    "Risk": "riskbook.model",
    "Finding": "riskbook.findings",
    "CATALOGUE": "riskbook.findings",
    "Report": "riskbook.report",
    "Assessed": "riskbook.report",
    "Scheme": "riskbook.scheme",
    "RiskbookError": "riskbook.errors",
    "ReadError": "riskbook.errors",
}

__all__ = [  # noqa: RUF022 - grouped as the _LAZY table
    "check_register",
    "read_register",
    "validate",
    "build_workbook",
    "write_template",
    "annotate_workbook",
    "load_scheme",
    "to_dataframe",
    "Register",
    "Risk",
    "Finding",
    "CATALOGUE",
    "Report",
    "Assessed",
    "Scheme",
    "RiskbookError",
    "ReadError",
]

if TYPE_CHECKING:  # pragma: no cover
    from riskbook.annotate import annotate_workbook
    from riskbook.checks import validate
    from riskbook.errors import ReadError, RiskbookError
    from riskbook.findings import CATALOGUE, Finding
    from riskbook.frame import to_dataframe
    from riskbook.model import Register, Risk
    from riskbook.panel import build_workbook
    from riskbook.pipeline import check_register
    from riskbook.reading import read_register
    from riskbook.report import Assessed, Report
    from riskbook.scheme import Scheme, load_scheme
    from riskbook.template import write_template


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'riskbook' has no attribute {name!r}")
