"""The files the page offers for download, each made by the riskbook command a risk unit would run.

Running the command line in a bounded child process means the page refuses exactly what the
command refuses, in the same words, and a hostile file costs only its own slot.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from riskbook.serve.jobs import Job, Limits, WorkFailed, refusal_line, run_child


@dataclass(frozen=True)
class Output:
    kind: str
    title: str
    filename: str  # the file's name in the job folder (and the download's suffix)
    mimetype: str
    needs_libreoffice: bool = False


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTPUTS = {
    output.kind: output
    for output in (
        Output("annotated", "Your register with each finding marked on its cell", "annotated.xlsx", XLSX),
        Output("panel", "The panel workbook", "panel.xlsx", XLSX),
        Output("pdf", "The panel paper as PDF", "panel.pdf", "application/pdf", needs_libreoffice=True),
        Output("template", "The owners' template, filled from this register", "template.xlsx", XLSX),
        Output(
            "scheme", "A scheme drafted from this register's words", "scheme.toml", "text/plain"
        ),  # Flask adds the charset
    )
}


class OutputRefused(Exception):
    """riskbook would not make this output (its one line says why)."""


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def make(job: Job, kind: str, limits: Limits) -> Path:
    """Make one output in the job's folder and return its path; OutputRefused with riskbook's line if it can't."""
    output = OUTPUTS[kind]
    target = job.folder / output.filename
    target.unlink(missing_ok=True)
    result = run_child(["-m", "riskbook", *_command(job, kind, target)], limits, job.folder)
    if result.returncode < 0 or result.returncode >= 128:
        raise WorkFailed("making the file was stopped by its memory or time limit")
    if not target.is_file():
        raise OutputRefused(public_line(_reason(result.stdout, result.stderr), job))
    return target


FILE_ROLES = {
    "register": "your register",
    "scheme": "your scheme",
    "previous": "last period's register",
    "paper": "your paper file",
}


def public_line(line: str, job: Job) -> str:
    """riskbook's line with the job's private folder left out: each file named as the person sent it."""
    names = {"register": job.settings.get("input_name") or FILE_ROLES["register"]}
    for role, words in FILE_ROLES.items():
        path = job.input(role)
        if path is not None:
            line = line.replace(str(path), names.get(role, words))
    folder = str(job.folder)
    return line.replace(folder + "/", "").replace(folder, "the page's working folder")


def _reason(stdout: str, stderr: str) -> str:
    if stderr.strip():
        return refusal_line(stderr)
    lines = [line for line in stdout.splitlines() if line.strip()]
    return lines[-1] if lines else "riskbook wrote nothing"


def _command(job: Job, kind: str, target: Path) -> list[str]:
    settings = job.settings
    register = str(job.input("register"))
    scheme = job.input("scheme")
    previous = job.input("previous")
    paper = job.input("paper")
    common = ["--scheme", str(scheme)] if scheme else []
    sheet = ["--sheet", settings["sheet"]] if settings.get("sheet") else []
    as_of = ["--as-of", settings["as_of"]] if settings.get("as_of") else []
    if kind == "annotated":
        return ["validate", register, "--annotate", str(target), *as_of, *common, *sheet]
    if kind in ("panel", "pdf"):
        extra = ["--previous", str(previous)] if previous else []
        extra += ["--paper", str(paper)] if paper else []
        workbook = target.with_suffix(".xlsx") if kind == "pdf" else target
        pdf = ["--pdf", str(target)] if kind == "pdf" else []
        return ["build", register, "-o", str(workbook), *pdf, *as_of, *common, *sheet, *extra]
    if kind == "template":
        return ["template", "--from", register, "-o", str(target), *common, *sheet]
    if kind == "scheme":
        return ["scheme", "--from", register, "-o", str(target), *sheet]
    raise KeyError(kind)
