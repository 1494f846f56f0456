"""Running the CLI on a hostile file in a child process: an address-space limit, a time limit, and its own
peak memory (wait4's rusage), with the assertions every such run must pass.

Under 100 KB, a file may cost no more than about 500 MB and 10 s, whatever construct it uses: it is
read, or refused with one line (exit 2); never a signal, a traceback, an "unexpected" or "internal"
line, or a temporary file left behind.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ADDRESS_SPACE

SMALL_FILE = 100 * 1024
SMALL_FILE_MEMORY_MB = 500
SMALL_FILE_SECONDS = 10


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


def run_measured(*args, cwd: Path | None = None, timeout: float = 60) -> Run:
    """The CLI in a child limited to ADDRESS_SPACE, with its own peak resident memory (wait4's rusage)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "riskbook", *map(str, args)], stdout=out, stderr=err, preexec_fn=limit, cwd=cwd
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                pytest.fail(f"riskbook {' '.join(map(str, args))} ran past {timeout} s")
            time.sleep(0.02)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(child.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss / 1024, seconds)


def assert_well_behaved(run: Run, path: Path) -> None:
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr[-2000:])  # negative: killed by a signal
    for word in ("Traceback", "unexpected", "internal", "panicked", "MemoryError"):
        assert word not in run.stderr, run.stderr[-2000:]
    if not path.is_file() or path.stat().st_size < SMALL_FILE:
        assert run.peak_mb < SMALL_FILE_MEMORY_MB, f"{path.name}: {run.peak_mb:.0f} MB"
        assert run.seconds < SMALL_FILE_SECONDS, f"{path.name}: {run.seconds:.1f} s"
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith((".riskbook-", "riskbook-"))]
    assert not leftovers, leftovers


def refused(run: Run, path: Path, *words: str) -> None:
    assert_well_behaved(run, path)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2, (run.returncode, run.stderr[-2000:])
    assert len(lines) == 1, run.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]


def read(run: Run, path: Path) -> dict:
    assert_well_behaved(run, path)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    return json.loads(run.stdout)


def validate(path: Path, *extra: str) -> Run:
    return run_measured("validate", path, "--as-of", "2024-01-16", *extra)
