"""The panel workbook: `build_workbook` writes every sheet from a register and its period."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from riskbook.check.period import ARCHIVED, PanelRisk, Period
from riskbook.errors import OutputError, RiskbookError
from riskbook.model import Register
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.claims import check_paper
from riskbook.outputs.panel.paper import Paper, check_length
from riskbook.perf import Progress, Ticker
from riskbook.report import Report

DEFAULT_TITLE = "Strategic Risk Register"
DEFAULT_MARKING = "OFFICIAL"


@dataclass
class BuildResult:
    path: Path
    period: Period = field(repr=False)  # a register's worth of risks: the summary line says it
    notes: tuple[str, ...] = ()  # what the build had to do that the user should know

    def __repr__(self) -> str:
        return f"BuildResult(path={str(self.path)!r}, summary={self.summary_line()!r})"

    def summary_line(self) -> str:
        period = self.period
        top = period.scheme.top_band.name
        n = len(period.current)
        archived = any(r.proposal == ARCHIVED for r in period.archive)
        archive_words = "archived or proposed for archive" if archived else "proposed for archive"
        closed = f" · {len(period.closed)} closed, listed apart" if period.closed else ""
        return (
            f"{n} risk{'s' if n != 1 else ''} · {period.band_count(top)} {top} · "
            f"{len(period.archive)} {archive_words} · {len(period.changes)} score "
            f"change{'s' if len(period.changes) != 1 else ''} · {len(period.new)} new{closed}"
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
    paper: Paper | None = None,
    cards: str = "unseen",
) -> BuildResult:
    """Write the panel workbook from a validation report without errors. The output lands atomically.

    Everything written comes from the report: each risk's score and band, and the period
    comparison `validate` made (with its previous register and since date). paper holds the
    covering report's details (meeting, author, purpose, …) for the Cover sheet: a count its purpose or
    recommendation states that the rows contradict raises PaperContradicts, and nothing is written. progress, if
    given, is called now and then with (rows written since the last call, total). cards: "unseen"
    (with a previous register, a risk archived as last period proposed, whose card that paper
    printed, is one row in Appendix B) or "all" (every risk a full card).
    """
    from riskbook.outputs.panel import appendix_a, contents, cover, criteria, empty_appendices, matrix, summary
    from riskbook.outputs.panel import cards as card_sheets
    from riskbook.xlsx.writer import Book, PageSetup, atomic_path, xlsxwriter_warnings_as_errors

    if not isinstance(report, Report):
        raise TypeError(
            f"build_workbook takes the Report that validate returns, not {type(report).__name__}: "
            "call riskbook.validate(register) (or riskbook.check_register(path)) first"
        )
    if not report.ok:
        count = len(report.errors)
        raise RiskbookError(
            f"{report.register.path}: the register has {count} error{'s' if count != 1 else ''}; "
            "the panel workbook is built only from a register without errors"
        )
    register, scheme, as_of = report.register, report.scheme, report.as_of
    output = Path(output)
    _refuse_overwriting_input(output, register, report.previous)
    if report.history is not None:
        for past in report.history.periods:
            _refuse_overwriting_input(output, register, past.register)
    paper = (paper or Paper()).merged(organisation=organisation or None)
    check_length("title", "title", title)  # a notebook's title too: one line, not a cell's internal limit
    period = report.period
    compared = report.previous is not None
    page = PageSetup(title=title, date_text=long_date(as_of), marking=marking)
    counts = check_paper(
        {"purpose": paper.purpose, "recommendation": paper.recommendation}, paper.source or "paper", period
    )
    appendices = _appendices(period, scheme.top_band.name)
    empty = [name for name, (_h, _d, items, _n) in appendices.items() if not items]
    empty_sheet = L.empty_appendices_sheet(empty) if empty else ""
    fields_of = _fields_of(register, report.previous)
    listed_of = {
        name: seen_last_period(items) if compared and cards != "all" and name == L.APPENDIX_B else []
        for name, (_h, _d, items, _n) in appendices.items()
    }
    with atomic_path(output) as temp, xlsxwriter_warnings_as_errors():
        card_count = len(period.archive) + len(period.changes) + len(period.new) + len(period.top_band_not_elsewhere)
        book = Book(temp, page, scheme, Ticker(progress, len(period.risks) + card_count))
        book.properties(
            title=title,
            subject=_subject(paper, page.date_text),
            company=paper.organisation or "Risk unit",
            created=as_of,
            author=paper.author or paper.organisation or "riskbook",
            keywords=marking,
        )
        source = Path(register.path).name
        cover.write_cover(book, period, paper, period_text(report, paper), compared, source, counts)
        entries = _contents(appendices, empty_sheet, compared, scheme.impact_name.lower(), report.history is not None)
        contents.write_contents(book, entries, source)
        card_items = {
            name: [item for item in items if item not in listed_of[name]]
            for name, (_h, _d, items, _n) in appendices.items()
            if items
        }
        no_narrative = sum(
            card_sheets.has_no_narrative(item, fields_of(item)) for items in card_items.values() for item in items
        )
        summary.write_summary(book, period, compared, ([n for n, i in card_items.items() if i], no_narrative))
        appendix_a.write_appendix_a(book, period, compared)
        matrix.write_matrix(book, period)
        if report.history is not None:
            from riskbook.outputs.panel.trend import write_trend

            write_trend(book, period, report.history, as_of)
        used: set[str] = set()
        for name, (heading, description, items, _none) in appendices.items():
            if items:
                card_sheets.write_cards(
                    book, name, heading, description, card_items[name], used, fields_of, listed_of[name]
                )
            elif name == empty[0]:
                statements = [(n, appendices[n][3]) for n in empty]
                empty_appendices.write_empty_appendices(book, empty_sheet, statements)
        criteria.write_criteria(book)
        book.workbook.worksheets()[0].activate()
        book.ticker.finish()
        book.close()
    notes = (
        (
            f"The title is {len(title):,} characters: the page headers and the sheets' headings hold its start, "
            "ending '…', so each prints on its line; the Cover's table holds it whole.",
        )
        if page.title_shortened
        else ()
    )
    return BuildResult(output, period, notes)


def seen_last_period(items: list[PanelRisk]) -> list[PanelRisk]:
    """Risks archived since last period as that period's paper proposed: their cards were in it, and
    their details are last period's, unchanged since."""
    from riskbook.check.period import PROPOSED_ARCHIVE, classify_proposal

    return [
        item
        for item in items
        if item.proposal == ARCHIVED and classify_proposal(item.risk.get("proposal") or "") == PROPOSED_ARCHIVE
    ]


def _appendices(period: Period, top: str) -> dict[str, tuple[str, str, list[PanelRisk], str]]:
    """Appendix B–E: sheet name -> (heading, what it holds, its risks, what to say when it has none)."""
    return {
        L.APPENDIX_B: (
            "Appendix B: risks archived or proposed for archive",
            "Each risk proposed for archive (or archived since the last period), as a detail card.",
            period.archive,
            "No risk is archived or proposed for archive this period.",
        ),
        L.APPENDIX_C: (
            "Appendix C: changes in risk score",
            "Each risk whose score changed: previous → current, up or down.",
            period.changes,
            "No risk has changed score this period.",
        ),
        L.APPENDIX_D: (
            "Appendix D: new risks",
            "Each risk new since the last panel.",
            period.new,
            "No risk is new this period.",
        ),
        L.APPENDIX_E: (
            f"Appendix E: {top} priority risks",
            f"{top} risks not already in Appendices B–D.",
            period.top_band_not_elsewhere,
            f"No {top} risk is outside Appendices B–D this period.",
        ),
    }


def _contents(
    appendices, empty_sheet: str, compared: bool, axis: str = "impact", trend: bool = False
) -> list[tuple[str, str, str]]:
    """(name shown, sheet linked to, what it holds) for the Contents sheet."""
    entries = [
        (L.COVER, L.COVER, "The covering report: the meeting, who the paper is from, its purpose and the headlines."),
        (L.CONTENTS, L.CONTENTS, "This list of sheets."),
        (L.SUMMARY, L.SUMMARY, "The counts the covering paper states, the highlighting legend and the risk statuses."),
        (
            L.APPENDIX_A,
            L.APPENDIX_A,
            "Every current risk with its scores, highest first, RAG-coloured"
            + ("; below them, the risks archived since the last period." if compared else "."),
        ),
        (L.MATRIX, L.MATRIX, f"The {axis} × likelihood matrix: counts and references per cell."),
    ]
    if trend:
        from riskbook.outputs.panel.trend import TREND, TREND_CONTENTS

        entries.append((TREND, TREND, TREND_CONTENTS))
    for name, (_heading, description, items, none_text) in appendices.items():
        if items:
            entries.append((name, name, description))
        else:
            entries.append((name, empty_sheet, f"None this period: {none_text[0].lower()}{none_text[1:]}"))
    entries.append((L.APPENDIX_F, L.APPENDIX_F, "The risk scoring criteria."))
    return entries


def _fields_of(register: Register, previous: Register | None):
    """The fields a card shows: those of the register the risk came from (last period's, for an archived one)."""
    current = frozenset(register.columns)
    last = frozenset(previous.columns) if previous is not None else current

    def fields_of(item: PanelRisk) -> frozenset[str]:
        return last if item.proposal == ARCHIVED else current

    return fields_of


def period_text(report: Report, paper: Paper) -> str:
    """The period the paper covers, in words."""
    if paper.period:
        return paper.period
    if report.since is not None:
        return f"Since {long_date(report.since)}: risks first recorded after that date are new."
    if report.history is not None and len(report.history.periods) > 1:
        earlier = len(report.history.periods) - 1
        return (
            f"Since the last panel: this register compared with last period's ({report.history.nearest.name}); "
            f"the {earlier} period{'s' if earlier != 1 else ''} before it in the trails and the Trend sheet."
        )
    if report.previous is not None:
        return f"Since the last panel: this register compared with last period's ({Path(report.previous.path).name})."
    return "Since the last panel, as the register's Previous Score and Proposal columns record."


def _subject(paper: Paper, date_text: str) -> str:
    """The document's subject: the meeting it is for, and the register's date."""
    register = f"risk register as at {date_text}"
    return f"{paper.meeting}: {register}" if paper.meeting else register[0].upper() + register[1:]


def _refuse_overwriting_input(output: Path, register: Register, previous: Register | None) -> None:
    from riskbook.source.files import check_output

    check_output(output, [register.path, previous.path if previous else None])
    if output.is_dir():
        raise OutputError(f"{output}: is a folder; give a file name ending .xlsx")
    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"{output}: the panel workbook must end .xlsx")
