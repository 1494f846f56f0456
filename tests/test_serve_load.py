"""`riskbook serve` under load on this machine: 16 checks of 1,000-risk registers and 2 of 100,000 at once.

Every request goes to 127.0.0.1 only; the count is fixed and every request has a time limit.
"""

from __future__ import annotations

import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.serve_helpers import check_file, running_server

pytest.importorskip("flask", reason="the serve extra is part of the test extra")
pytestmark = pytest.mark.slow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def test_eighteen_checks_at_once_are_all_answered_with_bounded_memory(tmp_path):
    small = generate(1_000, tmp_path / "small.xlsx")
    large = generate(100_000, tmp_path / "large.xlsx")
    jobs = [small] * 16 + [large] * 2
    started = time.monotonic()
    with running_server("--workers", "2", "--queue", "32") as (base, server):
        with ThreadPoolExecutor(len(jobs)) as pool:
            answers = list(pool.map(lambda path: check_file(base, path, timeout=600), jobs))
        server_peak = peak_memory_mb(server.pid)
    elapsed = time.monotonic() - started
    for path, (status, page) in zip(jobs, answers, strict=True):
        assert status == 200, page[-500:]
        risks = 1_000 if path == small else 100_000
        assert f"{risks} risks on sheet" in page
    assert server_peak < 400, f"the server itself peaked at {server_peak:.0f} MB (each check is a bounded child)"
    assert elapsed < 600
    print(f"18 checks at once: {elapsed:.1f} s, server peak {server_peak:.0f} MB")
