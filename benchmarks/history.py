"""Time `build --history` of four 10,000-risk registers against four single builds, as whole processes.

    python benchmarks/history.py                       # 10,000 risks, 3 runs
    python benchmarks/history.py --size 2000 --runs 1

The four periods are copies of one generated register (benchmarks/generate.py's shared shape), dated a
quarter apart by their modified dates, so every risk has a trail and every check across periods runs over
every risk. Target (issue 21): the history build within 1.5 times the four single builds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import riskbook_command  # noqa: E402

SCHEME = str(HERE / "scheme.toml")
AS_OF = "2024-01-16"
QUARTERS = (dt.date(2023, 4, 16), dt.date(2023, 7, 16), dt.date(2023, 10, 16), dt.date(2024, 1, 16))
TARGET = 1.5


def registers(size: int, out: Path) -> list[Path]:
    """Four periods of size risks, oldest first, in out/history-SIZE/ (generated once)."""
    folder = out / f"history-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    source = out / f"register-{size}.xlsx"
    if not source.exists():
        generate(size, source)
    paths = []
    for day in QUARTERS:
        path = folder / f"register-{day:%Y-%m}.xlsx"
        if not path.exists():
            shutil.copy(source, path)
        stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return paths


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    paths = registers(args.size, args.out)
    target = args.out / "history-panel.xlsx"
    base = [*riskbook_command(), "build", "--scheme", SCHEME, "--as-of", AS_OF, "-o", str(target), "-q"]
    history_build = [*base, str(paths[-1]), "--history", str(paths[0].parent)]
    singles, histories = [], []
    seconds(history_build)  # warm-up: the page cache and the interpreter's files
    for _ in range(args.runs):  # paired, in turn, so a burst of load falls on both sides
        singles.append(sum(seconds([*base, str(path)]) for path in paths))
        histories.append(seconds(history_build))
    four, history = statistics.median(singles), statistics.median(histories)
    print(f"{args.size:,} risks × 4 periods, {args.runs} runs (medians)")
    print(f"four single builds:  {four:.2f} s  (one: {four / 4:.2f} s)")
    print(f"build --history:     {history:.2f} s")
    ratio = history / four
    print(f"ratio: {ratio:.2f} (target ≤ {TARGET}); {history / (four / 4):.2f} × one single build")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
