"""Time the pre-parse sheet scan (scan_sheet, shared-string copies included) on each file: median of N runs.

    python benchmarks/scanprof.py benchmarks/out/register-100000.xlsx [more files] [--runs 3] [--against REF]

--against REF also times riskbook/source/scan.py as it was at git commit REF, in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from riskbook.source import package, scan

ROOT = Path(__file__).resolve().parent.parent


def scan_module_at(ref: str):
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:riskbook/source/scan.py"], capture_output=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "scan_at_ref.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location(f"scan_at_{ref}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def time_scan(module, path: str, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        with zipfile.ZipFile(path) as zf:
            info = package.inspect_archive(zf, path)
            start = time.perf_counter()
            for part in info.sheets:
                module.scan_sheet(zf, part, path)
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against")
    args = parser.parse_args()
    old = scan_module_at(args.against) if args.against else None
    for path in args.files:
        line = f"{Path(path).name:28s} scan_sheet {time_scan(scan, path, args.runs):6.3f} s"
        if old is not None:
            line += f"   at {args.against}: {time_scan(old, path, args.runs):6.3f} s"
        print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
