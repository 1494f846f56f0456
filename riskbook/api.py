"""The library API in one place: read, validate, build."""

from riskbook.build import build_workbook
from riskbook.checks import validate
from riskbook.reading import read_register
from riskbook.scheme import load_scheme

__all__ = ["build_workbook", "load_scheme", "read_register", "validate"]
