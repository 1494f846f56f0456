"""Small helpers that keep large registers quick."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Callable, Iterator

# Called with (units done since the last call, total units). A progress display may also have a
# step(name, total) method, told when a named step begins ("Writing Appendix A").
Progress = Callable[[int, int], None]

PROGRESS_STEP = 1_000


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    Reading, checking and writing a register make hundreds of thousands of small objects and
    no reference cycles; meanwhile the collector would walk the whole grid again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Ticker:
    """Counts units of work and reports them to a progress callback every PROGRESS_STEP."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = total
        self.pending = 0

    def tick(self, units: int = 1) -> None:
        if self.progress is None:
            return
        self.pending += units
        if self.pending >= PROGRESS_STEP:
            self.progress(self.pending, self.total)
            self.pending = 0

    def step(self, name: str) -> None:
        """A named step begins: report the work done so far, then tell a display that names steps."""
        if self.progress is None:
            return
        self.finish()
        named = getattr(self.progress, "step", None)
        if named is not None:
            named(name, self.total)

    def finish(self) -> None:
        if self.progress is not None and self.pending:
            self.progress(self.pending, self.total)
            self.pending = 0


def give_back_freed_memory() -> None:
    """Return the heap pages freed since reading to the operating system.

    calamine's copy of a large workbook (its shared strings and the sheet it parsed) is many small
    allocations; freed, they stay in the process's heap, so what is written next (the panel) would
    add to the reading's peak instead of reusing it. glibc's malloc_trim hands them back; elsewhere
    this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
