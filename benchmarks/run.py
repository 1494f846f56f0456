"""Time riskbook against the bare libraries, as whole processes, in one run.

    python benchmarks/run.py                      # sizes 30, 1,000, 10,000, 100,000; 5 runs each
    python benchmarks/run.py --sizes 30,1000 --runs 7

Each command runs once to warm up, then --runs times; the table gives the median wall time
and the peak resident memory (of the process and its children), and the ratios the targets
are about. Registers are generated once into benchmarks/out/ (deterministic, see generate.py).
"""

from __future__ import annotations

import argparse
import json
import marshal
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

AS_OF = "2024-01-16"
SCHEME = str(HERE / "scheme.toml")


def riskbook_command() -> list[str]:
    exe = shutil.which("riskbook")
    return [exe] if exe else [sys.executable, "-m", "riskbook"]


def measure(command: list[str], runs: int) -> dict[str, float]:
    """Median wall seconds and peak RSS (MB) over runs, after one warm-up run."""
    times, peaks = [], []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
        if attempt:
            times.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
    return {"seconds": statistics.median(times), "peak_mb": max(peaks), "runs": runs}


def prepare(size: int, out: Path) -> tuple[Path, Path]:
    register = out / f"register-{size}.xlsx"
    cells = out / f"register-{size}.cells"
    if not register.exists():
        print(f"generating {register.name} …", file=sys.stderr)
        generate(size, register)
    if not cells.exists():
        import python_calamine

        rows = python_calamine.CalamineWorkbook.from_path(str(register)).get_sheet_by_name("Register").to_python()
        plain = [[v if isinstance(v, str | int | float) else str(v) for v in row] for row in rows]
        cells.write_bytes(marshal.dumps(plain))
    return register, cells


def run(sizes: list[int], runs: int, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    rb = riskbook_command()
    results: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": runs,
        "help": measure([*rb, "--help"], runs),
        "import_pandas": measure([sys.executable, "-c", "import pandas"], runs),
        "sizes": {},
    }
    for size in sizes:
        register, cells = prepare(size, out)
        panel = out / f"panel-{size}.xlsx"
        plain = out / f"plain-{size}.xlsx"
        print(f"measuring {size:,} risks …", file=sys.stderr)
        results["sizes"][size] = {
            "validate": measure([*rb, "validate", str(register), "--as-of", AS_OF, "--scheme", SCHEME], runs),
            "build": measure(
                [*rb, "build", str(register), "-o", str(panel), "--as-of", AS_OF, "--scheme", SCHEME], runs
            ),
            "calamine_read": measure([sys.executable, str(HERE / "baseline_read.py"), str(register)], runs),
            "xlsxwriter_write": measure(
                [sys.executable, str(HERE / "baseline_write.py"), str(cells), str(plain)], runs
            ),
        }
    return results


def report(results: dict) -> str:
    pandas = results["import_pandas"]["seconds"]
    lines = [
        f"Machine: {results['machine']}; median of {results['runs']} runs after a warm-up, whole processes.",
        "",
        f"`riskbook --help`: {results['help']['seconds']:.3f} s (target ≤ 0.15 s); "
        f'`python -c "import pandas"`: {pandas:.3f} s',
        "",
        "| risks | validate s | build s | calamine read s | xlsxwriter write s | validate / read | build / (read + write) | validate / import pandas | build / import pandas | peak RSS validate / build MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sizes = results["sizes"]
    for size, r in sizes.items():
        v, b = r["validate"]["seconds"], r["build"]["seconds"]
        read, write = r["calamine_read"]["seconds"], r["xlsxwriter_write"]["seconds"]
        lines.append(
            f"| {int(size):,} | {v:.3f} | {b:.3f} | {read:.3f} | {write:.3f} | {v / read:.2f} | {b / (read + write):.2f} "
            f"| {v / pandas:.2f} | {b / pandas:.2f} | {r['validate']['peak_mb']:.0f} / {r['build']['peak_mb']:.0f} |"
        )
    keys = sorted(int(s) for s in sizes)
    if 10_000 in keys and 100_000 in keys:
        small, large = (
            sizes[10_000] if 10_000 in sizes else sizes["10000"],
            sizes[100_000] if 100_000 in sizes else sizes["100000"],
        )
        for command in ("validate", "build"):
            ratio = (large[command]["seconds"] / 100_000) / (small[command]["seconds"] / 10_000)
            lines.append(f"\nTime per risk, {command}, 100,000 vs 10,000: {ratio:.2f} × (target ≤ 1.3)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="30,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    results = run([int(s) for s in args.sizes.split(",")], args.runs, args.out)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print(report(results))


if __name__ == "__main__":
    main()
