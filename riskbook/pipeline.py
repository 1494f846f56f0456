"""The one way through: read the register (and earlier periods', the same way), check them, return the Report.

Every output takes the Report this returns; the command line calls it and adds nothing of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from riskbook.check.history import MAX_PERIODS, HistoryError, order_history, stated_date
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
    history: Sequence[PathLike] | None = None,
) -> Report:
    """Read a register file and, if given, last period's file with the same sheet, scheme, columns and
    size limit; check them at as_of (default today) and return the Report every output takes.

    Raises ReadError with a one-line reason for a file that cannot be read. progress, if given, is
    called now and then with (risks checked since the last call, total); a display with a
    reading(path, label) method is also told, around each read, which file is being read.
    keep_package=False lets an .xlsx register's bytes go once read (the annotated copy needs them).

    history, in place of previous: earlier periods' registers (files, or a folder whose registers are
    taken), each read the same way, ordered by date (riskbook.check.history.order_history); the nearest
    plays previous's role, and the Report's history holds them all. At most MAX_PERIODS.
    """
    if history is not None and previous is not None:
        raise TypeError("check_register takes previous or history, not both: the nearest of history is previous")
    if scheme is not None and not isinstance(scheme, Scheme):
        scheme = load_scheme(Path(scheme))
    options: dict[str, Any] = {"sheet": sheet, "max_bytes": max_bytes, "columns": columns}
    with _reading(progress, path, str(path)):
        # no scheme given: the one a template records, or the default
        register = read_register(path, scheme=scheme, keep_package=keep_package, **options)
    if history is not None:
        paths = history_paths(history, exclude=path)
        earlier = []
        for past in paths:
            with _reading(progress, past, f"earlier period's {past}"):
                earlier.append(read_register(past, scheme=register.scheme, keep_package=False, **options))
        current = stated_date(register.heading) or as_of
        ordered = order_history(earlier, [_modified(past) for past in paths], current)
        return validate(register, as_of=as_of, since=since, progress=progress, history=ordered)
    last = None
    if previous is not None:
        with _reading(progress, previous, f"last period's {previous}"):
            last = read_register(previous, scheme=register.scheme, keep_package=False, **options)
    return validate(register, as_of=as_of, previous=last, since=since, progress=progress)


def _reading(progress: Progress | None, path: PathLike, label: str) -> contextlib.AbstractContextManager[Any]:
    told = getattr(progress, "reading", None)
    return told(path, label) if told is not None else contextlib.nullcontext()


REGISTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def history_paths(given: Sequence[PathLike], exclude: PathLike | None = None) -> list[Path]:
    """The earlier periods' files: each file given, and each register file in a folder given (by name,
    leaving out hidden files, Excel's ~$ lock files and the current register itself)."""
    skip = Path(exclude).resolve() if exclude is not None else None
    paths: list[Path] = []
    for item in map(Path, given):
        if not item.is_dir() and item.resolve() == skip:
            raise HistoryError(f"{item}: is the register being checked; an earlier period must be another file")
        if item.is_dir():
            found = sorted(
                p
                for p in item.iterdir()
                if p.suffix.lower() in REGISTER_SUFFIXES and not p.name.startswith((".", "~$")) and p.is_file()
            )
            if not found:
                raise HistoryError(f"{item}: the history folder holds no register ({', '.join(REGISTER_SUFFIXES)})")
            paths.extend(p for p in found if p.resolve() != skip)
        else:
            paths.append(item)
    seen: set[Path] = set()
    for item in paths:
        if item.resolve() in seen:
            raise HistoryError(f"{item}: given twice as an earlier period (a folder and a file may both name it)")
        seen.add(item.resolve())
    if len(paths) > MAX_PERIODS:
        raise HistoryError(
            f"{len(paths)} earlier periods given; riskbook compares at most {MAX_PERIODS} "
            "(three years of quarters): leave out the oldest"
        )
    if not paths:
        raise HistoryError("no earlier period given: the history folder holds only the current register")
    return paths


def _modified(path: Path) -> dt.date | None:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return None  # reading it said nothing; the order given stands
