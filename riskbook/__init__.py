"""riskbook: check a public body's risk register and build the panel workbook.

    >>> import riskbook
    >>> register = riskbook.read_register("examples/force-risk-register-jan-2024.xlsx")
    >>> report = riskbook.validate(register, as_of=datetime.date(2024, 1, 16))

Names are imported on first use so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "read_register": "riskbook.reading",
    "validate": "riskbook.checks",
    "load_scheme": "riskbook.scheme",
    "Register": "riskbook.model",
    "Risk": "riskbook.model",
    "Finding": "riskbook.model",
    "Report": "riskbook.model",
    "Scheme": "riskbook.scheme",
    "RiskbookError": "riskbook.errors",
    "ReadError": "riskbook.errors",
    "to_dataframe": "riskbook.frame",
    "build_workbook": "riskbook.panel",
}

__all__ = [  # noqa: RUF022 - grouped as the _LAZY table
    "read_register",
    "validate",
    "load_scheme",
    "Register",
    "Risk",
    "Finding",
    "Report",
    "Scheme",
    "RiskbookError",
    "ReadError",
    "to_dataframe",
    "build_workbook",
]

if TYPE_CHECKING:  # pragma: no cover
    from riskbook.checks import validate
    from riskbook.errors import ReadError, RiskbookError
    from riskbook.model import Finding, Register, Report, Risk
    from riskbook.reading import read_register
    from riskbook.scheme import Scheme, load_scheme


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'riskbook' has no attribute {name!r}")
