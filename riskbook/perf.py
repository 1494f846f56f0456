"""Small helpers that keep large registers quick."""

from __future__ import annotations

from collections.abc import Callable

# Called with (units done since the last call, total units). A progress display may also have a
# step(name, total) method, told when a named step begins ("Writing Appendix A").
Progress = Callable[[int, int], None]

PROGRESS_STEP = 1_000


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
