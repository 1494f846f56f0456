"""Where reading and checking a register spend their time, phase by phase, in one process.

    python benchmarks/phases.py benchmarks/out/inline-100000.xlsx [more registers …]
    python benchmarks/phases.py --repeat 5 benchmarks/out/narrow-100000.xlsx   # row loop and checks: best of 5

Each phase runs alone, one after another (riskbook itself overlaps the scan with calamine's open
on a second thread): the inflate of the sheet XML alone, riskbook's streamed scan of it
(riskbook/source/scan.py, which inflates too), calamine opening the workbook, calamine reading
the sheet to Python values, riskbook's row loop (reading.py), and the checks. It reaches into
riskbook's internals, so it may need a touch when they change; the times are for finding where
to look, not for the README's table.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEME = HERE / "scheme.toml"


def seconds(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def inflate(path: Path, member: str) -> int:
    with zipfile.ZipFile(path) as zf, zf.open(member) as stream:
        total = 0
        while chunk := stream.read(4 * 1024 * 1024):
            total += len(chunk)
        return total


def phases(path: Path, repeat: int = 1) -> dict[str, float]:
    import python_calamine

    from riskbook import load_scheme, validate
    from riskbook.read.header import find_header as _find_header
    from riskbook.read.rows import _build_register, _header_lookup, _Source
    from riskbook.source import package, scan

    scheme = load_scheme(SCHEME)
    times: dict[str, float] = {}
    formula_gaps, hidden = set(), (set(), set())
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            info = package.inspect_archive(zf, str(path))
        part = next(p for p in info.sheets if p.name == "Register")
        times["inflate sheet XML"], size = seconds(lambda: inflate(path, part.path))
        times["sheet XML MB"] = size / 1024**2
        with zipfile.ZipFile(path) as zf:
            times["scan.py (inflate + scan)"], found = seconds(lambda: scan.scan_sheet(zf, part, str(path)))
        formula_gaps, hidden = found.formula_gaps(info.trust_formula_values), (found.hidden_rows, found.hidden_cols)
        times["calamine open"], workbook = seconds(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
        times["calamine to_python"], rows = seconds(lambda: workbook.get_sheet_by_name("Register").to_python())
    else:
        from riskbook.source.grid import open_grid

        times["csv read"], rows = seconds(lambda: open_grid(path).rows(path.stem)[0])
    header, _ = _find_header(rows, _header_lookup(scheme, {}))
    source = _Source(str(path), "Register", rows, 0, 0, None, keep_cells=False, package=None)
    for _ in range(repeat):  # on a busy machine the best of several runs says most about the code
        took, register = seconds(lambda: _build_register(source, header, formula_gaps, hidden, scheme))
        times["reading.py rows"] = min(took, times.get("reading.py rows", took))
        took, _ = seconds(lambda read=register: validate(read, as_of=dt.date(2024, 1, 16)))
        times["checks"] = min(took, times.get("checks", took))
    return times


def main() -> None:
    import gc

    gc.disable()  # as riskbook reads and checks
    arguments = sys.argv[1:]
    repeat = 1
    if arguments[:1] == ["--repeat"]:
        repeat, arguments = int(arguments[1]), arguments[2:]
    for name in arguments:
        times = phases(Path(name), repeat)
        print(Path(name).name + ": " + ", ".join(f"{k} {v:.3f}" for k, v in times.items()))


if __name__ == "__main__":
    main()
