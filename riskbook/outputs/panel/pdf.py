"""The panel paper as PDF: LibreOffice (headless) prints the workbook just written.

LibreOffice runs with a profile folder of its own, set to recalculate every formula on load,
so the PDF shows what the formulas compute (they match the stored values; the tests hold
that). The PDF lands atomically, as the workbook does.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from riskbook.errors import OutputError

INSTALL_HINT = (
    "--pdf needs LibreOffice, which is not installed here: install it (Debian/Ubuntu: "
    "apt-get install libreoffice-calc-nogui; macOS: brew install --cask libreoffice; Windows: libreoffice.org), "
    "or build without --pdf"
)
TIMEOUT_SECONDS = 600
TAGGED_PDF = 'pdf:calc_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'

# OOXMLRecalcMode/ODFRecalcMode 0: always recalculate on load.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The LibreOffice program, or an OutputError saying how to install it."""
    exe = soffice()
    if exe is None:
        raise OutputError(INSTALL_HINT)
    return exe


DEFAULT_LANGUAGE = "en-GB"
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def make_recalc_profile(folder: Path, language: str | None = None) -> Path:
    """A LibreOffice profile in folder that recalculates every formula on load; with language (a
    tag such as en-GB), documents are in that language, which a PDF it prints declares."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    settings = RECALC_ALWAYS
    if language is not None:
        items = "".join(
            f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{language}</value></prop></item>\n'
            for path, name in (
                ("/org.openoffice.Setup/L10N", "ooSetupSystemLocale"),
                ("/org.openoffice.Setup/L10N", "ooLocale"),
                ("/org.openoffice.Office.Linguistic/General", "DefaultLocale"),
            )
        )
        settings = settings.replace("</oor:items>", items + "</oor:items>")
    (folder / "user" / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
    return folder


def language_tag(text: str) -> str:
    """The paper's language as a tag LibreOffice takes (en-GB by default); one clear line if it is not one."""
    text = text.strip() or DEFAULT_LANGUAGE
    if not LANGUAGE_TAG.fullmatch(text):
        raise OutputError(f"language {text!r} is not a language tag such as en-GB or cy-GB")
    return text


def convert(
    source: Path,
    target: str,
    outdir: Path,
    profile: Path,
    timeout: float = TIMEOUT_SECONDS,
    named: tuple[str, str] | None = None,
) -> Path:
    """Convert source with LibreOffice headless into outdir; target is --convert-to's argument ("pdf", "xlsx:…").
    named is (the user's workbook, the user's output) for messages, when source is a scratch copy.
    """
    shown_source, shown_target = named or (Path(source).name, f"{Path(source).stem}.{target.split(':')[0]}")
    exe = require_soffice()
    command = [
        exe,
        f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    try:
        # A session of its own, so that LibreOffice and the soffice.bin it starts stop together, whatever ends
        # the wait: the time limit, Ctrl-C, SIGTERM. Left running, it would write into the folder being removed.
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True
        )
    except OSError as exc:
        raise OutputError(f"cannot run LibreOffice ({exe}): {exc.strerror}") from None
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LibreOfficeTimedOut(
            f"LibreOffice took more than {timeout:g} s to print {shown_source} to {shown_target}; nothing written "
            "(--pdf-timeout SECONDS allows longer)"
        ) from None
    finally:
        _stop(child)
    produced = Path(outdir) / (Path(source).stem + "." + target.split(":")[0])
    if child.returncode != 0 or not produced.exists():
        said = (err or out).decode("utf-8", "replace").strip().splitlines()
        reason = said[-1] if said else f"exit code {child.returncode}"
        raise OutputError(f"LibreOffice could not print {shown_source} to {shown_target}: {reason}")
    return produced


class LibreOfficeTimedOut(OutputError):
    """LibreOffice ran past its time."""


def _stop(child: subprocess.Popen) -> None:
    """End LibreOffice's whole session (soffice and the soffice.bin it starts) and wait for it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # nothing left of it after a normal end: ProcessLookupError
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=10)


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    try:
        folder = Path(tempfile.mkdtemp(prefix="riskbook-pdf-"))
    except OSError as exc:
        raise OutputError(_no_room(exc)) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _no_room(exc: OSError) -> str:
    return (
        f"cannot print the PDF: no room for LibreOffice's files in the temporary folder "
        f"{tempfile.gettempdir()} ({exc.strerror or exc})"
    )


def write_pdf(
    workbook: Path,
    output: Path,
    timeout: float = TIMEOUT_SECONDS,
    workbook_name: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Path:
    """Print workbook to output as a tagged PDF, atomically, in one LibreOffice run of at most timeout seconds.

    The PDF's title, subject, author and keywords are the workbook's document properties; its
    language is the paper's (a tag such as en-GB). workbook_name is how messages name the
    workbook, when it is not where the user will find it.
    """
    from riskbook.xlsx.writer import atomic_path

    output = Path(output)
    if output.suffix.lower() != ".pdf":
        raise OutputError(f"{output}: the paper's PDF must end .pdf")
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending .pdf")
    language = language_tag(language)
    require_soffice()
    with _scratch() as scratch:
        try:
            profile = make_recalc_profile(scratch / "profile", language)
            source = scratch / "paper.xlsx"  # a plain name: LibreOffice names its output after it
            shutil.copyfile(workbook, source)
        except OSError as exc:
            raise OutputError(_no_room(exc)) from None
        printed = convert(
            source, TAGGED_PDF, scratch, profile, timeout, named=(workbook_name or str(workbook), str(output))
        )
        with atomic_path(output) as temp:
            shutil.copyfile(printed, temp)
    return output


def pdf_fits_beside(output: Path) -> None:
    """Refuse a PDF path that cannot be written, before anything is built."""
    if output.suffix.lower() != ".pdf":
        raise OutputError(f"{output}: the paper's PDF must end .pdf")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{output}: folder {folder} does not exist")
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending .pdf")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{output}: cannot write in folder {folder}")
