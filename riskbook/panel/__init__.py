"""The panel workbook: `build_workbook` writes every sheet from a register and its period."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from riskbook.errors import OutputError, RiskbookError
from riskbook.model import Register
from riskbook.panel import layout as L
from riskbook.perf import Progress, Ticker, no_cyclic_gc
from riskbook.period import ARCHIVED, Period
from riskbook.report import Report

DEFAULT_TITLE = "Strategic Risk Register"
DEFAULT_MARKING = "OFFICIAL"


@dataclass
class BuildResult:
    path: Path
    period: Period

    def summary_line(self) -> str:
        period = self.period
        top = period.scheme.top_band.name
        n = len(period.current)
        archived = any(r.proposal == ARCHIVED for r in period.archive)
        archive_words = "archived or proposed for archive" if archived else "proposed for archive"
        return (
            f"{n} risk{'s' if n != 1 else ''} · {period.band_count(top)} {top} · "
            f"{len(period.archive)} {archive_words} · {len(period.changes)} score "
            f"change{'s' if len(period.changes) != 1 else ''} · {len(period.new)} new"
        )


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def build_workbook(
    report: Report,
    output: str | os.PathLike[str],
    *,
    title: str = DEFAULT_TITLE,
    marking: str = DEFAULT_MARKING,
    organisation: str = "",
    progress: Progress | None = None,
) -> BuildResult:
    """Write the panel workbook from a validation report without errors. The output lands atomically.

    Everything written comes from the report: each risk's score and band, and the period
    comparison `validate` made (with its previous register and since date). progress, if
    given, is called now and then with (rows written since the last call, total).
    """
    from riskbook.panel import sheets
    from riskbook.xlsx.writer import Book, PageSetup, atomic_path

    if not report.ok:
        count = len(report.errors)
        raise RiskbookError(
            f"{report.register.path}: the register has {count} error{'s' if count != 1 else ''}; "
            "the panel workbook is built only from a register without errors"
        )
    register, scheme, as_of = report.register, report.scheme, report.as_of
    output = Path(output)
    _refuse_overwriting_input(output, register, report.previous)
    period = report.period
    page = PageSetup(title=title, date_text=long_date(as_of), marking=marking)
    top = scheme.top_band.name
    descriptions = {
        L.CONTENTS: "This list of sheets.",
        L.SUMMARY: "The counts the covering paper states, the highlighting legend and the risk statuses.",
        L.APPENDIX_A: "Every risk with its scores, highest first, RAG-coloured.",
        L.MATRIX: "The impact × likelihood matrix: counts and references per cell.",
        L.APPENDIX_B: "Risks archived or proposed for archive.",
        L.APPENDIX_C: "Changes in risk score since the last panel.",
        L.APPENDIX_D: "New risks.",
        L.APPENDIX_E: f"{top} risks not included in Appendices B–D.",
        L.APPENDIX_F: "The risk scoring criteria.",
    }
    with atomic_path(output) as temp, no_cyclic_gc():
        cards = len(period.archive) + len(period.changes) + len(period.new) + len(period.top_band_not_elsewhere)
        book = Book(temp, page, scheme, Ticker(progress, len(period.risks) + cards))
        book.properties(
            title=title,
            subject=f"Risk register as at {page.date_text}",
            company=organisation or "Risk unit",
            created=as_of,
        )
        sheets.write_contents(book, descriptions, Path(register.path).name)
        sheets.write_summary(book, period)
        sheets.write_appendix_a(book, period)
        sheets.write_matrix(book, period)
        used: set[str] = set()
        sheets.write_cards(
            book,
            L.APPENDIX_B,
            "Appendix B: risks archived or proposed for archive",
            "Each risk proposed for archive (or archived since the last period), as a detail card.",
            period.archive,
            used,
        )
        sheets.write_cards(
            book,
            L.APPENDIX_C,
            "Appendix C: changes in risk score",
            "Each risk whose score changed: previous → current, up or down.",
            period.changes,
            used,
        )
        sheets.write_cards(
            book, L.APPENDIX_D, "Appendix D: new risks", "Each risk new since the last panel.", period.new, used
        )
        sheets.write_cards(
            book,
            L.APPENDIX_E,
            f"Appendix E: {top} priority risks",
            f"{top} risks not already in Appendices B–D.",
            period.top_band_not_elsewhere,
            used,
        )
        sheets.write_criteria(book)
        book.workbook.worksheets()[0].activate()
        book.ticker.finish()
        book.close()
    return BuildResult(output, period)


def _refuse_overwriting_input(output: Path, register: Register, previous: Register | None) -> None:
    from riskbook.xlsx.writer import refuse_inputs_as_output

    refuse_inputs_as_output(output, [register.path, previous.path if previous else None])
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending .xlsx")
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the panel workbook must end .xlsx")
