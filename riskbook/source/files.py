"""The one gate every file riskbook opens or writes goes through.

A file read must be a regular file (not a folder, a named pipe, a socket or a device such as a
link to /dev/zero), and no larger than what that kind of file may be. A file written must not be
a file the same command reads (under any name: a link, a hard link), nor anything but a regular
file where it already exists.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from riskbook.errors import OutputError, ReadError

# A scheme or paper file is a few hundred lines of TOML; a megabyte is far more than any needs.
MAX_SETTINGS_BYTES = 1024**2


def check_input(path: str | os.PathLike[str], what: str = "register", max_bytes: int | None = None) -> os.stat_result:
    """The file's status if riskbook may read it; else ReadError, one line naming the path and why.

    what names the file in the advice ("save the scheme to a file"); max_bytes, if given, bounds its size.
    """
    display = str(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ReadError(f"{display}: no such file") from None
    except OSError as exc:
        raise ReadError(f"{display}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(status.st_mode):
        raise ReadError(f"{display}: is a folder, not a file")
    if not stat.S_ISREG(status.st_mode):
        # A pipe would wait for a writer for ever and a device such as /dev/zero never ends.
        raise ReadError(
            f"{display}: is {special_kind(status.st_mode)}, not a file; save the {what} to a file and read that"
        )
    if max_bytes is not None and status.st_size > max_bytes:
        raise ReadError(f"{display}: a {what} file is at most {max_bytes / 1024**2:,.0f} MB; this one is larger")
    return status


def special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def check_output(output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str] | None] = ()) -> None:
    """Refuse an output that is one of the inputs (the same path, a link to it, or a hard link of it), or
    that names a folder, a device, a pipe or a socket: riskbook would replace it by a file."""
    output = Path(output)
    for source in inputs:
        if source is None:
            continue
        source = Path(source)
        same = output.resolve() == source.resolve()
        with contextlib.suppress(OSError):
            same = same or (output.exists() and os.path.samefile(output, source))
        if same:
            raise OutputError(
                f"{output}: is the input file {source}; choose another output name (riskbook never writes over its input)"
            )
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return  # nothing there yet (or a broken link): writing says why it cannot, if it cannot
    if stat.S_ISDIR(mode):
        raise OutputError(f"{output}: is a folder; give a file name")
    if not stat.S_ISREG(mode):
        raise OutputError(f"{output}: is {special_kind(mode)}, not a file; riskbook writes only to files")
