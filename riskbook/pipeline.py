"""The one way through: read the register (and last period's, the same way), check them, return the Report.

Every output takes the Report this returns; the command line calls it and adds nothing of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

from riskbook.check.rules import validate
from riskbook.perf import Progress
from riskbook.read.rows import read_register
from riskbook.report import Report
from riskbook.scheme.load import load_scheme
from riskbook.scheme.types import Scheme

PathLike = str | os.PathLike[str]


def check_register(
    path: PathLike,
    *,
    sheet: str | None = None,
    scheme: Scheme | PathLike | None = None,
    columns: dict[str, str] | None = None,
    max_bytes: int | None = None,
    previous: PathLike | None = None,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    keep_package: bool = True,
) -> Report:
    """Read a register file and, if given, last period's file with the same sheet, scheme, columns and
    size limit; check them at as_of (default today) and return the Report every output takes.

    Raises ReadError with a one-line reason for a file that cannot be read. progress, if given, is
    called now and then with (risks checked since the last call, total); a display with a
    reading(path, label) method is also told, around each read, which file is being read.
    keep_package=False lets an .xlsx register's bytes go once read (the annotated copy needs them).
    """
    if scheme is not None and not isinstance(scheme, Scheme):
        scheme = load_scheme(Path(scheme))
    options: dict[str, Any] = {"sheet": sheet, "max_bytes": max_bytes, "columns": columns}
    with _reading(progress, path, str(path)):
        # no scheme given: the one a template records, or the default
        register = read_register(path, scheme=scheme, keep_package=keep_package, **options)
    last = None
    if previous is not None:
        with _reading(progress, previous, f"last period's {previous}"):
            last = read_register(previous, scheme=register.scheme, keep_package=False, **options)
    return validate(register, as_of=as_of, previous=last, since=since, progress=progress)


def _reading(progress: Progress | None, path: PathLike, label: str) -> contextlib.AbstractContextManager[Any]:
    told = getattr(progress, "reading", None)
    return told(path, label) if told is not None else contextlib.nullcontext()
