"""The cover sheet: the covering report the panel reads first.

Who the paper is from, the meeting, the period it covers, its purpose and recommendation,
and the headline counts as sentences: formulas over Appendix A, as on the Summary, with
their values stored for viewers that do not recalculate.
"""

from __future__ import annotations

from riskbook.panel import layout as L
from riskbook.panel.counts import headline_counts
from riskbook.panel.paper import Paper
from riskbook.panel.sheets import _q, _table, chars_per_line, print_designed, set_title_rows
from riskbook.period import Period
from riskbook.xlsx.writer import Book, text_height

COVER_WIDTHS = [22, 87]


def _phrase(count: str, value: int, none: str, one: str, many: str) -> tuple[str, str]:
    """(formula, text) saying a count in words: none, one, or "<n> <many>"."""
    formula = f"IF({count}=0,{_q(none)},IF({count}=1,{_q(one)},{count}&{_q(' ' + many)}))"
    text = none if value == 0 else one if value == 1 else f"{value} {many}"
    return formula, text


def _sentence(parts: list[tuple[str, str]]) -> tuple[str, str]:
    return "=" + "&".join(f for f, _ in parts), "".join(t for _, t in parts)


def _literal(text: str) -> tuple[str, str]:
    return _q(text), text


def headlines(period: Period, compared: bool) -> list[tuple[str, str, str]]:
    """(detail in, formula, text) for each headline sentence of the cover."""
    n = len(period.current)
    counts = headline_counts(period, compared)
    top = period.scheme.top_band.name
    count = counts["current"].operand
    top_count = counts[f"band:{top}"].operand
    high = counts[f"band:{top}"].value
    holds_formula, holds_text = _phrase(count, n, "no risks", "1 risk", "risks")
    tail_formula, tail_text = _phrase(top_count, high, f"none of them {top}", f"1 of them {top}", f"of them {top}")
    register = (
        f'="The register holds "&{holds_formula}&IF({count}=0,".",", "&{tail_formula}&".")',
        "The register holds " + holds_text + ("." if n == 0 else f", {tail_text}."),
    )
    rows = [
        ("Appendix A", *register),
        (
            "Appendix B",
            *_sentence(
                [
                    _phrase(
                        counts["proposed"].operand,
                        counts["proposed"].value,
                        "No risk is proposed for archive",
                        "1 risk is proposed for archive",
                        "risks are proposed for archive",
                    ),
                    _literal("."),
                ]
            ),
        ),
    ]
    if compared:
        rows.append(
            (
                "Appendix A (archived), Appendix B",
                *_sentence(
                    [
                        _phrase(
                            counts["archived"].operand,
                            counts["archived"].value,
                            "No risk has been archived since the last period",
                            "1 risk has been archived since the last period",
                            "risks have been archived since the last period",
                        ),
                        _literal("."),
                    ]
                ),
            )
        )
    rows += [
        (
            "Appendix C",
            *_sentence(
                [
                    _phrase(
                        counts["changes"].operand,
                        counts["changes"].value,
                        "No score has changed",
                        "1 score has changed",
                        "scores have changed",
                    ),
                    _literal("."),
                ]
            ),
        ),
        (
            "Appendix D",
            *_sentence(
                [
                    _phrase(
                        counts["new"].operand,
                        counts["new"].value,
                        "No risk is new",
                        "1 risk is new",
                        "risks are new",
                    ),
                    _literal("."),
                ]
            ),
        ),
        (
            "Appendix E",
            *_sentence(
                [
                    _phrase(
                        counts["top_outside"].operand,
                        counts["top_outside"].value,
                        f"No {top} risk is outside Appendices B–D",
                        f"1 {top} risk is outside Appendices B–D",
                        f"{top} risks are outside Appendices B–D",
                    ),
                    _literal("."),
                ]
            ),
        ),
    ]
    return rows


def cover_details(paper: Paper, title: str, date_text: str, marking: str, period_text: str) -> list[tuple[str, str]]:
    """(item, detail) rows of the covering report; details not given are left off, never shown blank."""
    purpose = paper.purpose or (
        f"To present the {title} as at {date_text}: every risk with its score, and the changes proposed "
        "since the last panel."
    )
    recommendation = paper.recommendation or (
        "The panel is asked to note the register and to consider the proposals in Appendices B–D."
    )
    rows = [
        ("Organisation", paper.organisation),
        ("Report title", title),
        ("Meeting", paper.meeting),
        ("Report of", paper.report_of),
        ("Author", paper.author),
        ("Contact", paper.contact),
        ("Register as at", date_text),
        ("Period covered", period_text),
        ("Protective marking", marking),
        ("Purpose", purpose),
        ("Recommendation", recommendation),
    ]
    return [(item, detail) for item, detail in rows if detail]


def write_cover(book: Book, period: Period, paper: Paper, period_text: str, compared: bool, source: str) -> None:
    sheet = book.add_sheet(L.COVER)
    page = book.page
    meeting = f"to {paper.meeting}" if paper.meeting else "to the audit and risk panel"
    heading = f"{paper.organisation}: {page.title}" if paper.organisation else page.title
    sheet.title(heading, f"Covering report {meeting}: the risk register as at {page.date_text}.")
    set_title_rows(sheet)
    cell, label = book.fmt("cell"), book.fmt("label")
    details = cover_details(paper, page.title, page.date_text, page.marking, period_text)
    row = L.TABLE_HEADER_ROW
    value_chars = chars_per_line(COVER_WIDTHS[1])
    _table(sheet, "CoverDetails", row, 0, row + len(details), ["Item", "Detail"])
    for offset, (item, detail) in enumerate(details, start=row + 1):
        sheet.text(offset, 0, item, label)
        sheet.text(offset, 1, detail, cell)
        sheet.sheet.set_row(offset, text_height(detail, value_chars))
    row += len(details) + 2
    sheet.text(row, 0, "Headline counts", book.fmt("bold"))
    lines = headlines(period, compared)
    _table(sheet, "Headlines", row + 1, 0, row + 1 + len(lines), ["Detail in", "Headline"])
    for offset, (where, formula, text) in enumerate(lines, start=row + 2):
        sheet.text(offset, 0, where, cell)
        sheet.formula(offset, 1, formula, text, cell)
        sheet.sheet.set_row(offset, max(text_height(text, value_chars), text_height(where, 20)))
    row += len(lines) + 3
    sheet.text(row, 0, f"Source register: {source}. The counts are worked out from the register's rows by riskbook.")
    if period.scheme.guessed_scales:  # never a ranking from an unconfirmed guess without saying so
        guessed = period.scheme.guessed_scales
        axes = " and ".join(s.axis for s in guessed) + (" scales" if len(guessed) > 1 else " scale")
        caution = f"Caution: the order of the {axes} in the scheme is a guess, not yet confirmed: "
        sheet.text(row + 1, 0, caution + "the scores and the ranking rest on it.", book.fmt("bold"))
    print_designed(sheet, COVER_WIDTHS, None)
