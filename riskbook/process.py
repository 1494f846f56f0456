"""What the command line does to its own process, and the library never does.

A notebook or a server that calls riskbook keeps its garbage collector, its allocator and its
stderr as they were. A `riskbook` command owns its process for a few seconds, so `cli.main`
(and only it) calls what is here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import tempfile
from typing import IO

LARGE_REGISTER = 10_000  # below this the reader's memory is not worth handing back


def tune_for_one_command() -> None:
    """The cyclic collector off and the allocator keeping freed blocks, for the whole command.

    A command makes hundreds of thousands of small objects and no reference cycles worth
    collecting: each collection walked them all (0.06 s a time at 100,000 risks).
    """
    gc.disable()
    _reuse_freed_blocks()


def _reuse_freed_blocks() -> None:
    """Have glibc's allocator keep freed blocks of a few MB for reuse, instead of returning each.

    glibc's malloc maps every block over 128 KB afresh and unmaps it when it is freed, so each
    chunk the sheet scanner inflates would arrive as new pages, faulted in and zeroed (a third of
    the scan's time). It raises that threshold to the size of the largest mapped block freed (up
    to 32 MB): one 16 MB block, mapped and freed here, raises it for the process. Elsewhere this
    is a short allocation.
    """
    bytes(16 << 20)  # calloc'd, so its pages are never touched


def give_back_freed_memory(risks: int) -> None:
    """After reading a large register, return the heap pages freed since to the operating system.

    calamine's copy of a large workbook is many small allocations; freed, they stay in the
    process's heap, so what is written next (the panel) would add to the reading's peak instead of
    reusing it. glibc's malloc_trim hands them back; elsewhere this does nothing.
    """
    if risks < LARGE_REGISTER or not sys.platform.startswith("linux"):
        return
    import ctypes  # here: `riskbook --help` need not load it

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class NativeStderr:
    """File descriptor 2 held in a temporary file for the command, Python's own stderr kept on
    the real one.

    A Rust panic in calamine (a damaged file) writes its report and backtrace straight to file
    descriptor 2 before riskbook turns it into one line and exit 2. Held, that report is dropped
    when the command ends with its one line; anything native code wrote in a command that
    succeeded is passed on then.
    """

    def __init__(self) -> None:
        self.held: IO[bytes] | None = None
        self.real = -1
        self.python_stderr = sys.stderr

    def hold(self) -> None:
        try:
            sys.stderr.flush()
            self.real = os.dup(2)
            self.held = tempfile.TemporaryFile()
        except (OSError, ValueError, AttributeError):
            return
        sys.stderr = open(os.dup(self.real), "w", encoding=sys.stderr.encoding, errors=sys.stderr.errors, buffering=1)
        os.dup2(self.held.fileno(), 2)

    def release(self, pass_on: bool) -> None:
        """Give file descriptor 2 back, with what native code wrote to it if pass_on."""
        if self.held is None:
            return
        held, self.held = self.held, None
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
            sys.stderr.close()
        sys.stderr = self.python_stderr
        os.dup2(self.real, 2)
        os.close(self.real)
        with held, contextlib.suppress(OSError):
            size = os.lseek(held.fileno(), 0, os.SEEK_END)
            if pass_on and size:
                _write_all(2, os.pread(held.fileno(), size, 0))


def _write_all(fd: int, data: bytes) -> None:
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(fd, data) :]


# The command's own, held by cli.main.
native_stderr = NativeStderr()
