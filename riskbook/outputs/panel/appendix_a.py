"""Appendix A: every current risk in one table, RAG-coloured; archived and closed risks below it."""

from __future__ import annotations

from riskbook.check.period import ARCHIVED, NEW, PROPOSED_ARCHIVE, PanelRisk, Period
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.page import (
    A_LINE_POINTS,
    HIGHLIGHT_WORDS,
    HIGHLIGHT_WORDS_WITH_ARROWS,
    TITLE_ROWS_POINTS,
    add_table,
    band_formula_pieces,
    date_cell,
    legend_format,
    print_designed,
    set_title_rows,
    wrapped_lines,
)
from riskbook.outputs.panel.travel import change_word, direction_words, trail_text, with_arrows
from riskbook.xlsx.writer import Book, SheetWriter, split_long_text, text_height

STREAM_ABOVE = 5_000  # rows; a larger sheet is written row by row to keep memory flat


def write_appendix_a(book: Book, period: Period, compared: bool) -> None:
    """The current risks in one table; with last period's register, those archived since in a table below."""
    current = period.current
    archived = [r for r in period.risks if r.proposal == ARCHIVED]
    sheet = book.add_sheet(L.APPENDIX_A, stream=len(period.risks) > STREAM_ABOVE)
    tail = f"; below, the {len(archived)} archived since the last period" if compared and archived else ""
    sheet.title(
        "Appendix A: summary of the risk register",
        f"The {len(current):,} current risks, highest score first, as at {book.page.date_text}{tail}. "
        + "Row highlights: see the key below.",
    )
    set_title_rows(sheet)
    arrows = with_arrows(period)
    key_points = _highlight_key(sheet, book, 2, arrows)
    columns = (*L.APPENDIX_A_COLUMNS, L.TRAIL_COLUMN) if arrows else L.APPENDIX_A_COLUMNS
    headers = [book.scheme.impact_name if c.key == "impact" else c.header for c in columns]
    last_row = L.FIRST_DATA_ROW + max(len(current), 1) - 1
    add_table(sheet, "AppendixA", L.TABLE_HEADER_ROW, 0, last_row, headers)
    sheet.sheet.set_row(L.TABLE_HEADER_ROW, APPENDIX_A_HEADER_POINTS)
    end = L.archived_header_row(len(current)) + max(len(archived), 1) if compared else last_row
    closed = period.closed
    closed_row = L.closed_heading_row(len(current), len(archived) if compared else None)
    if closed:
        end = closed_row + len(closed)
    continued = _Continuation(end + 2)
    heights = _risk_rows(sheet, book, current, L.FIRST_DATA_ROW, continued, arrows)
    ranges = [(L.FIRST_DATA_ROW, last_row)]
    if compared:
        # The archived rows share the current table's columns, so the header repeated at the top of
        # each printed page describes them too: their table has no header row of its own (a second
        # header under the repeated one read as a table that had ended), only a heading.
        header_row = L.archived_header_row(len(current))
        if not sheet.streamed and _starts_new_page(heights, archived_points(book, archived), key_points):
            sheet.sheet.set_h_pagebreaks([header_row])
        sheet.text(
            header_row,
            0,
            f"Archived since the last period: {len(archived)} risk{'s' if len(archived) != 1 else ''} on last "
            "period's register that this register no longer holds, with their last details",
            book.fmt("bold"),
        )
        archived_last = header_row + max(len(archived), 1)
        add_table(sheet, "ArchivedRisks", header_row + 1, 0, archived_last, headers, header_row=False)
        _risk_rows(sheet, book, archived, header_row + 1, continued, arrows)
        ranges.append((header_row + 1, archived_last))
    if closed:
        count = f"{len(closed)} risk{'s' if len(closed) != 1 else ''}"
        sheet.text(
            closed_row,
            0,
            f"Closed: {count} whose status the scheme marks closed, listed apart: not counted as current",
            book.fmt("bold"),
        )
        add_table(sheet, "ClosedRisks", closed_row + 1, 0, closed_row + len(closed), headers, header_row=False)
        _risk_rows(sheet, book, closed, closed_row + 1, continued, arrows)
        ranges.append((closed_row + 1, closed_row + len(closed)))
    continued.write(sheet)
    _appendix_a_formatting(sheet, book, ranges, arrows)
    sheet.sheet.freeze_panes(L.FIRST_DATA_ROW, 1)
    print_designed(sheet, appendix_a_widths(book.scheme, arrows), (L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


def _label(reference: str) -> str:
    return reference if len(reference) <= 100 else reference[:99] + "…"


class _Continuation:
    """Text longer than a cell holds, in Appendix A's one row per risk: the cell holds the first
    part and says where the rest is; the rest follows below the table, part by part, each part
    within a cell, so nothing is cut and the table's rows (which the Summary counts) stay one per risk."""

    def __init__(self, heading_row: int):
        self.heading_row = heading_row
        self.rows: list[tuple[str, str, str]] = []  # reference, field (part k of n), text

    def text(self, sheet: SheetWriter, row: int, key: str, value, reference: str) -> None:
        fmt = sheet.book.fmt("cell")
        text = "" if value is None else str(value)
        if len(text) <= EXCEL_CELL_LIMIT:
            sheet.text(row, L.a_col(key), text, fmt)
            return
        pieces = split_long_text(text, 1, EXCEL_CELL_LIMIT - 100)
        first = self.heading_row + 1 + len(self.rows)
        sheet.text(row, L.a_col(key), f"{pieces[0]} … (continued below the table, row {first + 1})", fmt)
        header = L.APPENDIX_A_COLUMNS[L.a_col(key)].header
        for part, piece in enumerate(pieces[1:], start=2):
            self.rows.append((_label(reference), f"{header} (part {part} of {len(pieces)})", piece))

    def write(self, sheet: SheetWriter) -> None:
        """The continued parts, below the table (rows written after the table's, as a streamed sheet needs)."""
        if not self.rows:
            return
        book = sheet.book
        sheet.text(self.heading_row, 0, "Text too long for one cell of the table, continued:", book.fmt("bold"))
        for row, (reference, label, piece) in enumerate(self.rows, start=self.heading_row + 1):
            sheet.text(row, 0, reference, book.fmt("cell"))
            sheet.text(row, 1, label, book.fmt("label"))
            sheet.text(row, 2, piece, book.fmt("cell"))
            sheet.sheet.set_row(row, text_height(piece, 46))


def _highlight_key(sheet: SheetWriter, book: Book, row: int, arrows: bool = False) -> float:
    """The highlight legend in the row above the table, in the words of the Proposal and Change columns:
    one line, each word in a column wide enough for it (the archive words in the Title column); two lines
    with a history, whose Trail column narrows the Title and Owner columns. Returns the row's height."""
    points = KEY_ROW_POINTS if not arrows else 2 * A_LINE_POINTS + 4
    sheet.sheet.set_row(row, points)
    sheet.text(row, 0, "Key:", book.fmt("bold"))
    columns = {"archive": L.a_col("title"), "change": L.a_col("owner"), "new": L.a_col("impact")}
    for key, _meaning, _fill in L.HIGHLIGHTS:
        col = columns[key]
        words = HIGHLIGHT_WORDS_WITH_ARROWS if arrows else HIGHLIGHT_WORDS
        sheet.text(row, col, words[key], legend_format(book, key))
    return points


KEY_ROW_POINTS = 15.75
APPENDIX_A_HEADER_POINTS = 37  # three lines: "Current/ Proposed Score"
APPENDIX_A_SCALE = L.print_scale([c.width for c in L.APPENDIX_A_COLUMNS])


def _starts_new_page(heights: list[float], section: float, key_points: float = KEY_ROW_POINTS) -> bool:
    """Whether the archived section, which would not fit below the current risks' last page, fits a page of its own."""
    capacity = L.page_capacity(APPENDIX_A_SCALE)
    used = TITLE_ROWS_POINTS + key_points + APPENDIX_A_HEADER_POINTS  # the key row and the header on the first page
    for height in heights:
        if used + height > capacity:
            used = APPENDIX_A_HEADER_POINTS  # the header repeats on every page
        used += height
    return used + section > capacity and APPENDIX_A_HEADER_POINTS + section <= capacity


def archived_points(book: Book, archived: list[PanelRisk]) -> float:
    """Printed height of the archived section: spacer, heading and rows."""
    widths = appendix_a_widths(book.scheme)
    rows = sum(a_row_points((r.risk.title, "title"), (r.proposal, "proposal"), widths=widths) for r in archived)
    return 15 + 15 + rows


def a_row_points(*cells: tuple[str, str], widths: list[float] | None = None) -> float:
    """Height of an Appendix A row: as tall as its tallest cell's text (cells: text, column key)."""
    widths = widths or [c.width for c in L.APPENDIX_A_COLUMNS]
    lines = max(wrapped_lines(text, widths[L.a_col(key)]) for text, key in cells)
    return min(409, lines * A_LINE_POINTS + 2.5)


def appendix_a_widths(scheme, arrows: bool = False) -> list[float]:
    """Appendix A's column widths: the Impact and Likelihood columns as wide as their longest word
    needs (the scheme's word for impact, "Consequence", or a level, "Insignificant"), taken from the
    Title column, so no word breaks across lines; with a history, the Trail column's from the Title
    and Owner columns."""
    widths = [c.width for c in L.APPENDIX_A_COLUMNS]
    if arrows:
        for key, width in L.TRAIL_TAKES.items():
            widths[L.a_col(key)] -= width
        widths.append(L.TRAIL_COLUMN.width)
    title = L.a_col("title")
    for key, heading, levels in (
        ("impact", scheme.impact_name, scheme.impact_scale.labels.values()),
        ("likelihood", "", scheme.likelihood_scale.labels.values()),
    ):
        column = L.a_col(key)
        longest = max((len(word) for text in levels for word in str(text).split()), default=0)
        extra = max(0.0, len(heading) * 0.85 - widths[column], longest * 0.85 + 1 - widths[column])
        widths[column] += extra
        widths[title] -= extra
    return widths


def _risk_rows(
    sheet: SheetWriter,
    book: Book,
    risks: list[PanelRisk],
    first_row: int,
    continued: _Continuation,
    arrows: bool = False,
) -> list[float]:
    """Write the risks' rows from first_row; returns their heights (only for sheets that are not streamed).
    Text longer than a cell continues below the tables (continued)."""
    heights: list[float] = []
    streamed = sheet.streamed
    scheme = book.scheme
    widths = appendix_a_widths(scheme, arrows)
    up, down, same = direction_words(arrows)
    cell, centre, number = book.fmt("cell"), book.fmt("centre"), book.fmt("number")
    col = L.a_col
    impact_col, likelihood_col, score_col, band_col, previous_col, change_col, first_col, review_col = (
        col(key)
        for key in (
            "impact",
            "likelihood",
            "score",
            "band",
            "previous_score",
            "change",
            "first_recorded",
            "last_review",
        )
    )
    score_letter, previous_letter = L.a_letter("score"), L.a_letter("previous_score")
    proposal_letter = L.a_letter("proposal")
    band_pieces = band_formula_pieces(book)
    for row, item in enumerate(risks, start=first_row):
        risk = item.risk
        reference = item.reference
        excel_row = row + 1
        score_ref = f"{score_letter}{excel_row}"
        prev_ref = f"{previous_letter}{excel_row}"
        proposal_ref = f"{proposal_letter}{excel_row}"
        owner = risk.get("owner") or L.NOT_RECORDED
        status = risk.status_name or risk.get("status") or L.NOT_RECORDED
        for key, value in (("reference", reference), ("owner", owner), ("title", risk.title)):
            continued.text(sheet, row, key, value, reference)
        sheet.text(row, impact_col, scheme.impact_label(risk.impact), centre)
        sheet.text(row, likelihood_col, scheme.likelihood_label(risk.likelihood), centre)
        continued.text(sheet, row, "status", status, reference)
        date_cell(sheet, row, first_col, risk.get("first_recorded"))
        date_cell(sheet, row, review_col, risk.get("last_review"))
        sheet.number(row, score_col, item.score, number)
        sheet.formula(row, band_col, score_ref.join(band_pieces), item.band.name, centre)
        if item.previous_score is None:
            sheet.text(row, previous_col, L.NOT_RECORDED, centre)
        else:
            sheet.number(row, previous_col, item.previous_score, number)
        sheet.formula(
            row,
            change_col,
            f'=IF(ISNUMBER({prev_ref}),IF({score_ref}>{prev_ref},"{up}",IF({score_ref}<{prev_ref},"{down}",'
            f'"{same}")),IF({proposal_ref}="{NEW}","{NEW}","{L.NOT_RECORDED}"))',
            change_word(item, arrows),
            centre,
        )
        continued.text(sheet, row, "proposal", item.proposal or L.NONE, reference)
        cells = [(risk.title, "title"), (owner, "owner"), (status, "status"), (item.proposal or L.NONE, "proposal")]
        if arrows:
            trail = trail_text(item)
            sheet.text(row, col("trail"), trail, centre)
            cells.append((trail, "trail"))
        height = a_row_points(*cells, widths=widths)
        sheet.sheet.set_row(row, height)
        if not streamed:
            heights.append(height)
        book.ticker.tick()
    if not risks:  # in the Title column: the Reference column, which the Summary counts, stays empty
        sheet.text(first_row, col("title"), L.NONE, cell)
    return heights


def _appendix_a_formatting(sheet: SheetWriter, book: Book, ranges: list[tuple[int, int]], arrows: bool) -> None:
    """RAG colour on the score and rating only; row highlights elsewhere (impact and likelihood cells
    included, as the row's other cells). Real Excel rules.

    ranges: (first, last) 0-based data rows of each table; the rules' formulas are relative to the first.
    """
    first = ranges[0][0] + 1
    score = f"${L.a_letter('score')}{first}"
    proposal = f"${L.a_letter('proposal')}{first}"
    change = f"${L.a_letter('change')}{first}"

    def span(start_key: str, end_key: str) -> str:
        return " ".join(f"{L.a_letter(start_key)}{a + 1}:{L.a_letter(end_key)}{b + 1}" for a, b in ranges)

    rag_ranges = [span("score", "band")]  # a band's colour is the score's and the rating's alone
    for band in book.scheme.bands:
        for cell_range in rag_ranges:
            sheet.sheet.conditional_format(
                cell_range.split(" ")[0],
                {
                    "type": "formula",
                    "criteria": f"=AND({score}>={band.min},{score}<={band.max})",
                    "format": book.fmt(f"cf:{band.name}"),
                    "stop_if_true": True,
                    "multi_range": cell_range,
                },
            )
    highlight_ranges = [span("reference", "last_review"), span("previous_score", "trail" if arrows else "proposal")]
    up, down, _same = direction_words(arrows)
    criteria = {
        "archive": f'=OR({proposal}="{PROPOSED_ARCHIVE}",{proposal}="{ARCHIVED}")',
        "change": f'=OR({change}="{up}",{change}="{down}")',
        "new": f'={proposal}="{NEW}"',
    }
    for key, _meaning, fill in L.HIGHLIGHTS:
        fmt = book.workbook.add_format({"bg_color": fill, "font_color": "#000000"})
        for cell_range in highlight_ranges:
            sheet.sheet.conditional_format(
                cell_range.split(" ")[0],
                {"type": "formula", "criteria": criteria[key], "format": fmt, "multi_range": cell_range},
            )
