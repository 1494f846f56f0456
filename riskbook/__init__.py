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
    "read_register": "riskbook.read.rows",
    "validate": "riskbook.check.rules",
    "build_workbook": "riskbook.outputs.panel",
    "write_template": "riskbook.outputs.template",
    "annotate_workbook": "riskbook.outputs.annotate",
    "load_scheme": "riskbook.scheme.load",
    "to_dataframe": "riskbook.model",
    "Register": "riskbook.model",
    "Risk": "riskbook.model",
    "Finding": "riskbook.check.findings",
    "CATALOGUE": "riskbook.check.findings",
    "Report": "riskbook.report",
    "Assessed": "riskbook.check.assessed",
    "Scheme": "riskbook.scheme.types",
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
    from riskbook.check.assessed import Assessed
    from riskbook.check.findings import CATALOGUE, Finding
    from riskbook.check.rules import validate
    from riskbook.errors import ReadError, RiskbookError
    from riskbook.model import Register, Risk, to_dataframe
    from riskbook.outputs.annotate import annotate_workbook
    from riskbook.outputs.panel import build_workbook
    from riskbook.outputs.template import write_template
    from riskbook.pipeline import check_register
    from riskbook.read.rows import read_register
    from riskbook.report import Report
    from riskbook.scheme.load import load_scheme
    from riskbook.scheme.types import Scheme


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'riskbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names too, so that help(riskbook) and a notebook's completion list them."""
    return sorted({*globals(), *__all__})
