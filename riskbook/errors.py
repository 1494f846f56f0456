"""Exceptions that the CLI turns into one clear line and exit code 2."""


class RiskbookError(Exception):
    """An input or setting riskbook cannot use; the message says why."""


class ReadError(RiskbookError):
    """The register file cannot be read."""


class SchemeError(RiskbookError):
    """The scoring scheme file cannot be used."""


class OutputError(RiskbookError):
    """The output cannot be written."""
