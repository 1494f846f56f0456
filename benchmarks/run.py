"""Time riskbook against the bare libraries, as whole processes, per register shape, in one run.

    python benchmarks/run.py                                   # every shape; 30, 10,000 and 100,000 risks (~20 min)
    python benchmarks/run.py --shapes shared,inline --sizes 30,10000 --runs 3
    python benchmarks/run.py --shapes inline --sizes 10000 --runs 5 --one-core

Shapes (benchmarks/generate.py): shared, inline, light, narrow, wide, csv, html. For each shape and
size the commands run paired, in turn — riskbook validate, the bare read, riskbook build, the
bare write (and, at the smallest size, `python -c "import pandas"`) — once to warm up and then
--runs times (from 50,000 risks: --large-runs times, without a warm-up), so a burst of load on
a shared machine falls on both sides of a ratio. Each ratio is the median of the per-run
ratios; times are medians; peak resident memory is the largest seen. --one-core runs riskbook
and the baselines alike under `taskset -c 0`. Results go to --out as results.json and
results.md (the tables for README; results-one-core.* with --one-core). Registers are
generated once into --out (deterministic).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import marshal
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SHAPES, register_path  # noqa: E402

AS_OF = "2024-01-16"
SCHEME = str(HERE / "scheme.toml")
FLAG_FROM = 100_000  # risks: the size the targets are set at (below it, fixed start-up costs weigh more)
START_UP_SIZE = 1_000  # risks; the "import pandas" comparison is of start-up, at sizes up to this
WARM_UP_BELOW = 50_000  # risks; a warm-up run of a larger register costs minutes and the page cache is warm anyway
ONE_CORE_VALIDATE = 1.7  # validate / read with one core: the scan can then overlap nothing
TARGETS = {"validate / read": 1.5, "build / (read + write)": 1.5, "peak MB": 1536, "per risk": 1.3, "help s": 0.15}


def riskbook_command() -> list[str]:
    exe = shutil.which("riskbook", path=str(Path(sys.executable).parent)) or shutil.which("riskbook")
    return [exe] if exe else [sys.executable, "-m", "riskbook"]


def compile_riskbook() -> str:
    """Compile riskbook's modules to bytecode, as `pip install` leaves an installed package, and say where.

    An editable install run with PYTHONDONTWRITEBYTECODE set (as on shared build machines) would
    otherwise compile every module from source at each start (0.07 s), a cost no installed copy has
    and the baselines (installed packages) do not pay."""
    where = subprocess.run(
        [sys.executable, "-c", "import pathlib, riskbook; print(pathlib.Path(riskbook.__file__).parent)"],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",  # as the riskbook command finds it: python -c would take a riskbook folder in the directory run from
    ).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)
    return where


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return elapsed, usage.ru_maxrss / 1024


def measure_paired(commands: dict[str, list[str]], runs: int, warm_up: bool) -> dict[str, list[list[float]]]:
    """Each command's (seconds, peak MB) per run; within a run the commands alternate."""
    samples: dict[str, list[list[float]]] = {name: [] for name in commands}
    for attempt in range(runs + int(warm_up)):
        for name, command in commands.items():
            seconds, peak = run_once(command)
            if attempt >= int(warm_up):
                samples[name].append([round(seconds, 4), round(peak, 1)])
    return samples


def summary(samples: list[list[float]]) -> dict[str, float]:
    return {"seconds": statistics.median(s for s, _ in samples), "peak_mb": max(p for _, p in samples)}


def paired_ratio(samples: dict[str, list[list[float]]], top: str, bottom: tuple[str, ...]) -> float:
    ratios = [samples[top][i][0] / sum(samples[name][i][0] for name in bottom) for i in range(len(samples[top]))]
    return statistics.median(ratios)


def prepare(shape: str, size: int, out: Path) -> tuple[Path, Path]:
    """The register (generated once) and its cells as a marshal file for the write baseline.

    Both are made in child processes: a child inherits its parent's peak memory on Linux (the
    high-water mark survives fork and exec), so this process must stay small for the peak
    memory measured of riskbook and the baselines to be their own."""
    register = register_path(out, shape, size)
    cells = register.with_suffix(".cells")
    if not register.exists():
        print(f"generating {register.name} …", file=sys.stderr)
        partial = register.with_name(register.name + ".partial")
        generator = [sys.executable, str(HERE / "generate.py"), str(size), str(partial), "--shape", shape]
        subprocess.run(generator, check=True)
        partial.replace(register)
    if not cells.exists():
        dump = f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; run.dump_cells({str(register)!r}, {str(cells)!r})"
        subprocess.run([sys.executable, "-c", dump], check=True)
    return register, cells


def dump_cells(register: str, cells: str) -> None:
    """Every cell of the register sheet, as plain values, to a marshal file."""
    if register.endswith(".csv"):
        import csv

        with open(register, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    else:
        import python_calamine

        sheet = python_calamine.CalamineWorkbook.from_path(register).get_sheet_by_name("Register")
        rows = [[v if isinstance(v, str | int | float) else str(v) for v in row] for row in sheet.to_python()]
    Path(cells).write_bytes(marshal.dumps(rows))


def sheet_xml_mb(register: Path) -> float | None:
    if register.suffix != ".xlsx":
        return None
    with zipfile.ZipFile(register) as zf:
        return zf.getinfo("xl/worksheets/sheet1.xml").file_size / 1024**2


def run(shapes: list[str], sizes: list[int], runs: int, large_runs: int, out: Path, one_core: bool) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    pin = ["taskset", "-c", "0"] if one_core else []
    rb = [*pin, *riskbook_command()]
    py = [*pin, sys.executable]
    pandas = [*py, "-c", "import pandas"]
    started = time.time()
    package = compile_riskbook()
    startup = measure_paired({"help": [*rb, "--help"], "import_pandas": pandas}, max(runs, 5), warm_up=True)
    results: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "one_core": one_core,
        "runs": runs,
        "large_runs": large_runs,
        "load_average_at_start": os.getloadavg()[0],
        "riskbook": f"{package} (bytecode compiled first, as pip install leaves it)",
        "help": summary(startup["help"]),
        "import_pandas": summary(startup["import_pandas"]),
        "shapes": {},
    }
    for shape in shapes:
        results["shapes"][shape] = by_size = {}
        for size in sorted(sizes):
            register, cells = prepare(shape, size, out)
            panel, plain = out / f"panel-{shape}-{size}.xlsx", out / f"plain-{shape}-{size}.xlsx"
            print(f"measuring {shape}, {size:,} risks …", file=sys.stderr)
            commands = {
                "validate": [*rb, "validate", str(register), "--as-of", AS_OF, "--scheme", SCHEME],
                "read": [*py, str(HERE / "baseline_read.py"), str(register)],
                "build": [*rb, "build", str(register), "-o", str(panel), "--as-of", AS_OF, "--scheme", SCHEME],
                "write": [*py, str(HERE / "baseline_write.py"), str(cells), str(plain)],
            }
            if size == min(sizes):
                commands["import_pandas"] = pandas
            load = os.getloadavg()[0]
            large = size >= WARM_UP_BELOW
            samples = measure_paired(commands, large_runs if large else runs, warm_up=not large)
            entry = {name: {**summary(s), "samples": s} for name, s in samples.items()}
            entry["ratios"] = {
                "validate / read": paired_ratio(samples, "validate", ("read",)),
                "build / (read + write)": paired_ratio(samples, "build", ("read", "write")),
            }
            if "import_pandas" in samples:
                entry["ratios"]["validate / import pandas"] = paired_ratio(samples, "validate", ("import_pandas",))
                entry["ratios"]["build / import pandas"] = paired_ratio(samples, "build", ("import_pandas",))
            entry["file_mb"] = register.stat().st_size / 1024**2
            entry["sheet_xml_mb"] = sheet_xml_mb(register)
            entry["load_average"] = [load, os.getloadavg()[0]]
            by_size[size] = entry
            for name in ("validate", "build"):
                small, large = by_size.get(10_000), by_size.get(100_000)
                if small and large:
                    per_risk = (large[name]["seconds"] / 100_000) / (small[name]["seconds"] / 10_000)
                    large["ratios"][f"per risk, {name}, 100,000 vs 10,000"] = per_risk
    results["minutes"] = (time.time() - started) / 60
    results["runner_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def report(results: dict) -> str:
    runs, large_runs = results["runs"], results.get("large_runs", results["runs"])
    validate_target = ONE_CORE_VALIDATE if results["one_core"] else TARGETS["validate / read"]
    pinned = " under `taskset -c 0` (one core)" if results["one_core"] else ""
    lines = [
        f"Machine: {results['machine']}{pinned}; {results['date']}; whole processes, paired runs "
        f"(riskbook and baseline alternating); median of {runs} run{'s' if runs != 1 else ''} after a warm-up "
        f"below {WARM_UP_BELOW:,} risks, {large_runs} run{'s' if large_runs != 1 else ''} from there; load average {results['load_average_at_start']:.1f} at the start"
        + (f"; riskbook from {results['riskbook']}." if "riskbook" in results else "."),
        "",
        f"`riskbook --help`: {results['help']['seconds']:.3f} s (target ≤ {TARGETS['help s']} s); "
        f'`python -c "import pandas"`: {results["import_pandas"]["seconds"]:.3f} s',
        "",
        "| shape | risks | sheet XML MB | validate s | bare read s | validate / read | build s | bare write s "
        "| build / (read + write) | peak RSS MB: validate / build / bare read |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for shape, by_size in results["shapes"].items():
        for size, r in by_size.items():
            ratios = r["ratios"]
            xml = f"{r['sheet_xml_mb']:.1f}" if r["sheet_xml_mb"] is not None else f"({r['file_mb']:.1f} csv)"
            flag = _flag if int(size) >= FLAG_FROM else _plain
            lines.append(
                f"| {shape} | {int(size):,} | {xml} | {r['validate']['seconds']:.2f} | {r['read']['seconds']:.2f} "
                f"| {flag(ratios['validate / read'], validate_target)} | {r['build']['seconds']:.2f} "
                f"| {r['write']['seconds']:.2f} "
                f"| {flag(ratios['build / (read + write)'], TARGETS['build / (read + write)'])} "
                f"| {_peak(r['validate'])} / {_peak(r['build'])} / {r['read']['peak_mb']:.0f} |"
            )
    smallest = min((int(size) for by_size in results["shapes"].values() for size in by_size), default=0)
    lines += [
        "",
        f"| shape | {smallest:,} risks: validate / import pandas | build / import pandas "
        "| time per risk 100,000 vs 10,000: validate | build |",
        "|---|---:|---:|---:|---:|",
    ]
    for shape, by_size in results["shapes"].items():
        ratios: dict[str, float] = {}
        for r in by_size.values():
            ratios.update(r["ratios"])
        cells = [
            f"{ratios[k]:.2f}" if k in ratios and smallest <= START_UP_SIZE else "–"
            for k in ("validate / import pandas", "build / import pandas")
        ]
        cells += [
            _flag(ratios[k], TARGETS["per risk"]) if k in ratios else "–"
            for k in ("per risk, validate, 100,000 vs 10,000", "per risk, build, 100,000 vs 10,000")
        ]
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Targets: validate ≤ {validate_target} × the bare read{' (one core)' if results['one_core'] else ''}; build ≤ "
        f"{TARGETS['build / (read + write)']} × (bare read + bare write); peak memory ≤ 1.5 GB; time per risk at "
        f"100,000 within {TARGETS['per risk']} × that at 10,000; `riskbook --help` ≤ {TARGETS['help s']} s. "
        f"A ratio over its target is marked ✗ at {FLAG_FROM:,} risks, the size the targets are set at (at 10,000, "
        "riskbook's fixed start-up, such as numpy for the scan, is a larger share of a shorter run).",
    ]
    return "\n".join(lines)


def _peak(measured: dict) -> str:
    return f"{measured['peak_mb']:.0f}" + (" ✗" if measured["peak_mb"] > TARGETS["peak MB"] else "")


def _plain(value: float, target: float) -> str:
    return f"{value:.2f}"


def _flag(value: float, target: float) -> str:
    return f"{value:.2f}" + (" ✗" if value > target else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of: {', '.join(SHAPES)}")
    parser.add_argument("--sizes", default="30,10000,100000", help="comma-separated numbers of risks")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per command (after any warm-up)")
    parser.add_argument(
        "--large-runs", type=int, default=1, help=f"measured runs from {WARM_UP_BELOW:,} risks (no warm-up there)"
    )
    parser.add_argument("--one-core", action="store_true", help="run everything under taskset -c 0")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only print the tables of a saved results file")
    args = parser.parse_args()
    if args.render:
        print(report(json.loads(args.render.read_text())))
        return
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape {', '.join(unknown)} (shapes: {', '.join(SHAPES)})")
    if args.one_core and not shutil.which("taskset"):
        parser.error("--one-core needs taskset (util-linux)")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = run(shapes, sizes, max(1, args.runs), max(1, args.large_runs), args.out, args.one_core)
    name = "results-one-core" if args.one_core else "results"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2))
    table = report(results)
    (args.out / f"{name}.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
