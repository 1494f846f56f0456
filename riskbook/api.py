"""The library API in one place: read, validate, build."""

from riskbook.checks import validate
from riskbook.panel import build_workbook
from riskbook.reading import read_register
from riskbook.scheme import load_scheme

__all__ = ["build_workbook", "load_scheme", "read_register", "validate"]
