"""Jobs of the web page: a private folder per upload, and bounded child processes that do the work.

Every check and every output runs in a child process under an address-space limit and a
time limit, so a hostile upload costs its own slot and nothing more. The number of children
running at once is bounded (one per core by default); so is the number waiting for a slot, and a
request past that is told the queue is full rather than left to wait without end.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Limits:
    """What one request may cost, and how many may run or wait at once."""

    workers: int = max(1, os.cpu_count() or 1)
    queue: int = 32  # requests waiting for a worker; one more is refused with a message
    memory_bytes: int = 2 * 1024**3  # address space of one child
    seconds: float = 300.0  # wall time of one child
    upload_bytes: int = 256 * 1024**2  # the whole request (a 100,000-risk .xlsx is about 75 MB)
    keep_seconds: float = 30 * 60  # a job's folder is removed this long after it was made


class QueueFull(Exception):
    """Every worker is busy and the queue is at its limit."""


class WorkFailed(Exception):
    """A child gave no usable answer: killed by its limits, or stopped in a way riskbook does not report."""


@dataclass
class Slots:
    """A bounded number of running children, with a bounded queue in front of them."""

    limits: Limits
    _running: threading.Semaphore = field(init=False)
    _waiting: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._running = threading.Semaphore(self.limits.workers)

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._waiting >= self.limits.queue + self.limits.workers:
                raise QueueFull(f"{self._waiting} checks are running or queued")
            self._waiting += 1
        try:
            with self._running:
                yield
        finally:
            with self._lock:
                self._waiting -= 1


@dataclass
class Job:
    """One upload's private folder, named by an id nobody can guess."""

    id: str
    folder: Path

    @property
    def settings(self) -> dict:
        return json.loads((self.folder / "job.json").read_text(encoding="utf-8"))

    def input(self, role: str) -> Path | None:
        name = self.settings.get("files", {}).get(role)
        return self.folder / name if name else None


class JobStore:
    """The folders of live jobs under one private temporary root, swept when they are older than keep_seconds."""

    def __init__(self, limits: Limits, root: Path | None = None):
        self.limits = limits
        self.root = root or Path(tempfile.mkdtemp(prefix="riskbook-serve-"))
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)

    def create(self, settings: dict, uploads: dict[str, tuple[str, BinaryIO]]) -> Job:
        """A new job holding each upload under a name riskbook chose (role + the suffix, from a fixed list).

        Uploads are copied to disk in pieces, so a large register costs the server no more memory than a small one.
        """
        job_id = secrets.token_urlsafe(24)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        files = {}
        for role, (suffix, stream) in uploads.items():
            name = f"{role}{suffix}"
            with (folder / name).open("xb") as target:
                shutil.copyfileobj(stream, target, 1024 * 1024)
            files[role] = name
        (folder / "job.json").write_text(json.dumps({**settings, "files": files}), encoding="utf-8")
        return Job(job_id, folder)

    def get(self, job_id: str) -> Job | None:
        if not _JOB_ID.fullmatch(job_id):
            return None
        folder = self.root / job_id
        return Job(job_id, folder) if (folder / "job.json").is_file() else None

    def sweep(self, now: float | None = None) -> int:
        """Remove the jobs older than keep_seconds; the number removed."""
        now = time.time() if now is None else now
        removed = 0
        for folder in self.root.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if now - folder.stat().st_mtime > self.limits.keep_seconds:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
        return removed

    def remove_all(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def run_child(args: list[str], limits: Limits, cwd: Path) -> subprocess.CompletedProcess:
    """Python running riskbook (args after the interpreter) under the memory and time limits."""

    def limit() -> None:  # in the child, before it starts
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        os.setsid()

    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    try:
        return subprocess.run(
            [sys.executable, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=limits.seconds,
            preexec_fn=limit,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise WorkFailed(f"the work took longer than the limit of {limits.seconds:.0f} seconds") from None


def refusal_line(stderr: str) -> str:
    """The one line riskbook says when it refuses a file, without the command's name before it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    line = lines[-1] if lines else "riskbook stopped without saying why"
    return line.removeprefix("riskbook: ")


def check(job: Job, limits: Limits) -> dict:
    """Check the job's register in a child: the result the page shows, or {"refused": one line}."""
    result = run_child(["-m", "riskbook.serve.worker", str(job.folder)], limits, job.folder)
    answer = job.folder / "result.json"
    if result.returncode == 0 and answer.is_file():
        return json.loads(answer.read_text(encoding="utf-8"))
    if result.returncode < 0 or result.returncode >= 128:
        raise WorkFailed("the check was stopped by its memory or time limit")
    if result.returncode != 2:
        raise WorkFailed("riskbook stopped unexpectedly while checking this file: please report it")
    return {"refused": refusal_line(result.stderr)}
