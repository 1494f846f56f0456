"""Output paths, checked before any work is done: a wrong name costs the user a second, not a whole run.

Every command checks each of its outputs (the panel workbook, its PDF, the template, the
annotated copy, a drafted scheme) here first; the writers check again when they write.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from riskbook.errors import OutputError
from riskbook.source.files import check_output

STDOUT = "-"  # an output named "-" is standard output, where the output is one that can go there


def check_output_path(
    output: str | os.PathLike[str],
    what: str,
    suffix: str | None,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
) -> None:
    """Refuse an output that cannot be written: a wrong suffix, a folder, a missing or read-only
    folder, or one of the inputs. `what` names it in the message ("the annotated copy")."""
    path = Path(output)
    check_output(path, inputs)  # not an input (said first: that is the mistake), nor a device, a pipe or a socket
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name" + (f" ending {suffix}" if suffix else ""))
    if suffix is not None and path.suffix.lower() != suffix:
        raise OutputError(f"{path}: {what} must end {suffix}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write in folder {folder} (it is not writable)")
