"""The panel workbook's sheets, one function each. Every number comes from the Period.

Each sheet is designed for the page it prints on (A4 landscape, see layout.py): its column
widths sum to what fits at its print scale, so the type prints at 9 pt or more.
"""

from __future__ import annotations

import textwrap

from riskbook.errors import OutputError
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import column_letter
from riskbook.panel import layout as L
from riskbook.panel.counts import criterion as _criterion
from riskbook.panel.counts import headline_counts
from riskbook.panel.counts import quoted as _q
from riskbook.period import ARCHIVED, NEW, PROPOSED_ARCHIVE, PanelRisk, Period
from riskbook.values import PartialDate
from riskbook.xlsx.text import table_columns
from riskbook.xlsx.writer import Book, SheetWriter, split_long_text, text_height

CARD_FIELD_WIDTH = 22
CARD_VALUE_WIDTH = 87  # the two columns fill A4 landscape at 100 %
TITLE_ROWS_POINTS = 22 + 16 + 10  # A1, A2 and the spacer row, as set_title_rows sets them


def chars_per_line(width: float) -> int:
    """Characters of 10 pt text a wrapped column of this width holds on a line, conservatively."""
    return max(1, int(width * 1.05))


def _table(
    sheet: SheetWriter,
    name: str,
    first_row: int,
    first_col: int,
    last_row: int,
    headers: list[str],
    header_row: bool = True,
) -> None:
    """Mark a block as an Excel table: header row, filters, no banded rows (a stripe would look like a highlight).

    Without header_row, first_row is the table's first data row: its columns are named, not shown."""
    book = sheet.book
    last_col = first_col + len(headers) - 1
    headers = table_columns(headers)
    if not header_row:
        if not sheet.streamed:
            _headless_table(sheet, name, first_row, first_col, max(last_row, first_row), headers)
        return
    if sheet.streamed:  # no Excel tables in a streamed sheet: a header row with filters instead
        for offset, header in enumerate(headers):
            sheet.text(first_row, first_col + offset, header, book.fmt("header"))
        if not getattr(sheet, "filtered", False):  # one filter per sheet
            sheet.sheet.autofilter(first_row, first_col, max(last_row, first_row + 1), last_col)
            sheet.filtered = True
        return
    code = sheet.sheet.add_table(
        first_row,
        first_col,
        max(last_row, first_row + 1),
        last_col,
        {
            "name": name,
            "style": "Table Style Light 15",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": book.fmt("header")} for h in headers],
            "autofilter": True,
        },
    )
    if code not in (0, None):
        raise OutputError(f"internal: table {name} on {sheet.name} could not be added (xlsxwriter code {code})")


def _headless_table(sheet: SheetWriter, name: str, first_row: int, first_col: int, last_row: int, headers) -> None:
    code = sheet.sheet.add_table(
        first_row,
        first_col,
        last_row,
        first_col + len(headers) - 1,
        {
            "name": name,
            "style": "Table Style Light 15",
            "banded_rows": False,
            "header_row": False,
            "autofilter": False,
            "columns": [{"header": h} for h in headers],
        },
    )
    if code not in (0, None):
        raise OutputError(f"internal: table {name} on {sheet.name} could not be added (xlsxwriter code {code})")


def set_title_rows(sheet: SheetWriter) -> None:
    """Fixed heights for the title, description and spacer rows, so page breaks can be worked out."""
    sheet.sheet.set_row(0, 22)
    sheet.sheet.set_row(1, 16)
    sheet.sheet.set_row(2, 10)


def print_designed(sheet: SheetWriter, widths: list[float], header_rows: tuple[int, int] | None) -> int:
    """Set the columns' widths and print the sheet at the scale they were designed for; returns the scale."""
    for index, width in enumerate(widths):
        sheet.sheet.set_column(index, index, width)
    scale = L.print_scale(widths)
    sheet.setup_print(
        header_rows, scale=scale, margins=(L.MARGIN_SIDE_INCHES, L.MARGIN_TOP_INCHES, L.MARGIN_BOTTOM_INCHES)
    )
    return scale


# -- Contents ---------------------------------------------------------------------------------


def write_contents(book: Book, entries: list[tuple[str, str, str]], source: str) -> None:
    """entries: (name shown, sheet it links to, what it holds)."""
    sheet = book.add_sheet(L.CONTENTS)
    page = book.page
    sheet.title(
        f"{page.title}: contents",
        f"The sheets of this workbook, as at {page.date_text}. Select a sheet name to go to it.",
    )
    set_title_rows(sheet)
    _table(sheet, "Contents", L.TABLE_HEADER_ROW, 0, L.TABLE_HEADER_ROW + len(entries), ["Sheet", "What it holds"])
    link = book.add_format(
        "link-cell", {"font_color": "#0B4F9C", "underline": 1, "valign": "top", "border": 1, "text_wrap": True}
    )
    for offset, (name, target, text) in enumerate(entries, start=L.FIRST_DATA_ROW):
        sheet.url(offset, 0, f"internal:'{target}'!A1", name, link)
        sheet.text(offset, 1, text, book.fmt("cell"))
        sheet.sheet.set_row(offset, text_height(text, chars_per_line(90)))
    notes_row = L.FIRST_DATA_ROW + len(entries) + 1
    sheet.text(notes_row, 0, f"Source register: {source}")
    sheet.text(notes_row + 1, 0, f"Protective marking: {page.marking}")
    sheet.text(
        notes_row + 2, 0, "Every count, matrix cell and appendix is computed from the register's rows by riskbook."
    )
    print_designed(sheet, [16, 90], (L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


# -- Appendix A -------------------------------------------------------------------------------


def _date_cell(sheet: SheetWriter, row: int, col: int, value) -> None:
    book = sheet.book
    if isinstance(value, PartialDate):
        fmt = book.fmt("month") if value.day is None else book.fmt("date")
        sheet.date(row, col, value.earliest, fmt)
    else:
        sheet.text(row, col, L.NOT_RECORDED if value in (None, "") else value, book.fmt("centre"))


def band_words(band) -> str:
    """A band's scores in words: "score 3" for a band of one score, else "scores 9–16"."""
    return f"score {band.min}" if band.min == band.max else f"scores {band.min}–{band.max}"


def band_formula(score_cell: str, book: Book) -> str:
    return score_cell.join(band_formula_pieces(book))


def band_formula_pieces(book: Book) -> list[str]:
    """The band formula's text around each use of the score cell (one per band but the lowest):
    joined by a cell, =IF(K7>=12,"High",IF(K7>=6,"Medium","Low"))."""
    bands = book.scheme.bands
    pieces = [_q(bands[-1].name)]
    for band in reversed(bands[:-1]):
        pieces = ["IF(", f">={band.min},{_q(band.name)},{pieces[0]}", *pieces[1:]]
        pieces[-1] += ")"
    return ["=" + pieces[0], *pieces[1:]]


STREAM_ABOVE = 5_000  # rows; a larger sheet is written row by row to keep memory flat
HIGHLIGHT_WORDS = {"archive": f"{PROPOSED_ARCHIVE} / {ARCHIVED}", "change": "Change: Up / Down", "new": NEW}


def write_appendix_a(book: Book, period: Period, compared: bool) -> None:
    """The current risks in one table; with last period's register, those archived since in a table below."""
    current = period.current
    archived = [r for r in period.risks if r.proposal == ARCHIVED]
    sheet = book.add_sheet(L.APPENDIX_A, stream=len(period.risks) > STREAM_ABOVE)
    tail = f"; below, the {len(archived)} archived since the last period" if compared and archived else ""
    sheet.title(
        "Appendix A: summary of the risk register",
        f"The {len(current):,} current risks, highest score first, as at {book.page.date_text}{tail}. "
        "Row highlights: see the key below.",
    )
    set_title_rows(sheet)
    _highlight_key(sheet, book, 2)
    headers = [book.scheme.impact_name if c.key == "impact" else c.header for c in L.APPENDIX_A_COLUMNS]
    last_row = L.FIRST_DATA_ROW + max(len(current), 1) - 1
    _table(sheet, "AppendixA", L.TABLE_HEADER_ROW, 0, last_row, headers)
    sheet.sheet.set_row(L.TABLE_HEADER_ROW, APPENDIX_A_HEADER_POINTS)
    end = L.archived_header_row(len(current)) + max(len(archived), 1) if compared else last_row
    closed = period.closed
    closed_row = L.closed_heading_row(len(current), len(archived) if compared else None)
    if closed:
        end = closed_row + len(closed)
    continued = _Continuation(end + 2)
    heights = _risk_rows(sheet, book, current, L.FIRST_DATA_ROW, continued)
    ranges = [(L.FIRST_DATA_ROW, last_row)]
    if compared:
        # The archived rows share the current table's columns, so the header repeated at the top of
        # each printed page describes them too: their table has no header row of its own (a second
        # header under the repeated one read as a table that had ended), only a heading.
        header_row = L.archived_header_row(len(current))
        if not sheet.streamed and _starts_new_page(heights, archived_points(book, archived)):
            sheet.sheet.set_h_pagebreaks([header_row])
        sheet.text(
            header_row,
            0,
            f"Archived since the last period: {len(archived)} risk{'s' if len(archived) != 1 else ''} on last "
            "period's register that this register no longer holds, with their last details",
            book.fmt("bold"),
        )
        archived_last = header_row + max(len(archived), 1)
        _table(sheet, "ArchivedRisks", header_row + 1, 0, archived_last, headers, header_row=False)
        _risk_rows(sheet, book, archived, header_row + 1, continued)
        ranges.append((header_row + 1, archived_last))
    if closed:
        count = f"{len(closed)} risk{'s' if len(closed) != 1 else ''}"
        sheet.text(
            closed_row,
            0,
            f"Closed: {count} whose status the scheme marks closed, listed apart: not counted as current",
            book.fmt("bold"),
        )
        _table(sheet, "ClosedRisks", closed_row + 1, 0, closed_row + len(closed), headers, header_row=False)
        _risk_rows(sheet, book, closed, closed_row + 1, continued)
        ranges.append((closed_row + 1, closed_row + len(closed)))
    continued.write(sheet)
    _appendix_a_formatting(sheet, book, ranges)
    sheet.sheet.freeze_panes(L.FIRST_DATA_ROW, 1)
    print_designed(sheet, appendix_a_widths(book.scheme), (L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


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


def legend_format(book: Book, key: str):
    """The swatch of one highlight, as the Summary's legend and Appendix A's key show it."""
    name = f"legend:{key}"
    if name not in book._formats:
        fill = dict((k, f) for k, _m, f in L.HIGHLIGHTS)[key]
        book.add_format(
            name, {"bg_color": fill, "font_color": "#000000", "border": 1, "text_wrap": True, "valign": "top"}
        )
    return book.fmt(name)


def _highlight_key(sheet: SheetWriter, book: Book, row: int) -> None:
    """The highlight legend in the row above the table, in the words of the Proposal and Change columns:
    one line, each word in a column wide enough for it (the archive words in the Title column)."""
    sheet.sheet.set_row(row, KEY_ROW_POINTS)
    sheet.text(row, 0, "Key:", book.fmt("bold"))
    columns = {"archive": L.a_col("title"), "change": L.a_col("owner"), "new": L.a_col("impact")}
    for key, _meaning, _fill in L.HIGHLIGHTS:
        col = columns[key]
        sheet.text(row, col, HIGHLIGHT_WORDS[key], legend_format(book, key))


KEY_ROW_POINTS = 15.75
APPENDIX_A_HEADER_POINTS = 37  # three lines: "Current/ Proposed Score"
APPENDIX_A_SCALE = L.print_scale([c.width for c in L.APPENDIX_A_COLUMNS])


def _starts_new_page(heights: list[float], section: float) -> bool:
    """Whether the archived section, which would not fit below the current risks' last page, fits a page of its own."""
    capacity = L.page_capacity(APPENDIX_A_SCALE)
    used = TITLE_ROWS_POINTS + KEY_ROW_POINTS + APPENDIX_A_HEADER_POINTS  # the key row and the header on the first page
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


A_LINE_POINTS = 11.25  # 10 pt Arial prints 11.2 points a line in LibreOffice


def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped cell of this column width takes, wrapping between words as LibreOffice does
    (about 1.45 characters of prose per unit of width; 1.35 allowed for capitals and rounding)."""
    chars = max(1, int(width * 1.4))
    if len(text) <= chars and "\n" not in text:
        return 1
    return sum(len(textwrap.wrap(line, chars, break_on_hyphens=False)) or 1 for line in str(text).split("\n"))


def cell_points(text: str, width: float) -> float:
    """Height of a row whose tallest cell is this text in a column of this width, at least the default row's."""
    return max(DEFAULT_ROW_POINTS, min(409, wrapped_lines(text, width) * A_LINE_POINTS + 4))


def a_row_points(*cells: tuple[str, str], widths: list[float] | None = None) -> float:
    """Height of an Appendix A row: as tall as its tallest cell's text (cells: text, column key)."""
    widths = widths or [c.width for c in L.APPENDIX_A_COLUMNS]
    lines = max(wrapped_lines(text, widths[L.a_col(key)]) for text, key in cells)
    return min(409, lines * A_LINE_POINTS + 2.5)


def appendix_a_widths(scheme) -> list[float]:
    """Appendix A's column widths: the Impact column as wide as the scheme's word for it needs
    ("Consequence"), taken from the Title column, so no header word breaks."""
    widths = [c.width for c in L.APPENDIX_A_COLUMNS]
    impact, title = L.a_col("impact"), L.a_col("title")
    extra = max(0.0, len(scheme.impact_name) * 0.85 - widths[impact])
    widths[impact] += extra
    widths[title] -= extra
    return widths


def _risk_rows(
    sheet: SheetWriter, book: Book, risks: list[PanelRisk], first_row: int, continued: _Continuation
) -> list[float]:
    """Write the risks' rows from first_row; returns their heights (only for sheets that are not streamed).
    Text longer than a cell continues below the tables (continued)."""
    heights: list[float] = []
    streamed = sheet.streamed
    scheme = book.scheme
    widths = appendix_a_widths(scheme)
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
        _date_cell(sheet, row, first_col, risk.get("first_recorded"))
        _date_cell(sheet, row, review_col, risk.get("last_review"))
        sheet.number(row, score_col, item.score, number)
        sheet.formula(row, band_col, score_ref.join(band_pieces), item.band.name, centre)
        if item.previous_score is None:
            sheet.text(row, previous_col, L.NOT_RECORDED, centre)
        else:
            sheet.number(row, previous_col, item.previous_score, number)
        sheet.formula(
            row,
            change_col,
            f'=IF(ISNUMBER({prev_ref}),IF({score_ref}>{prev_ref},"Up",IF({score_ref}<{prev_ref},"Down",'
            f'"{L.NO_CHANGE}")),IF({proposal_ref}="{NEW}","{NEW}","{L.NOT_RECORDED}"))',
            change_word(item),
            centre,
        )
        continued.text(sheet, row, "proposal", item.proposal or L.NONE, reference)
        height = a_row_points(
            (risk.title, "title"),
            (owner, "owner"),
            (status, "status"),
            (item.proposal or L.NONE, "proposal"),
            widths=widths,
        )
        sheet.sheet.set_row(row, height)
        if not streamed:
            heights.append(height)
        book.ticker.tick()
    if not risks:  # in the Title column: the Reference column, which the Summary counts, stays empty
        sheet.text(first_row, col("title"), L.NONE, cell)
    return heights


def change_word(item: PanelRisk) -> str:
    """Appendix A's Change: Up, Down, No change; New for a new risk and Not recorded when the previous score is unknown."""
    if item.previous_score is None:
        return NEW if item.proposal == NEW else L.NOT_RECORDED
    return item.direction or L.NO_CHANGE


def _appendix_a_formatting(sheet: SheetWriter, book: Book, ranges: list[tuple[int, int]]) -> None:
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
    highlight_ranges = [span("reference", "last_review"), span("previous_score", "proposal")]
    criteria = {
        "archive": f'=OR({proposal}="{PROPOSED_ARCHIVE}",{proposal}="{ARCHIVED}")',
        "change": f'=OR({change}="Up",{change}="Down")',
        "new": f'={proposal}="{NEW}"',
    }
    for key, _meaning, fill in L.HIGHLIGHTS:
        fmt = book.workbook.add_format({"bg_color": fill, "font_color": "#000000"})
        for cell_range in highlight_ranges:
            sheet.sheet.conditional_format(
                cell_range.split(" ")[0],
                {"type": "formula", "criteria": criteria[key], "format": fmt, "multi_range": cell_range},
            )


# -- Summary ----------------------------------------------------------------------------------


def summary_counts(period: Period, compared: bool = False) -> list[tuple[str, str, int, str]]:
    """(measure, formula over Appendix A, value, where) for each count a covering paper states."""
    counts = headline_counts(period, compared)
    top = period.scheme.top_band.name
    measures = [("current", "Current risks on the register", "Appendix A")]
    measures += [
        (f"band:{b.name}", f"{b.name} risks ({band_words(b)})", "Appendix A, Matrix") for b in period.scheme.bands
    ]
    measures.append(("proposed", "Proposed for archive", "Appendix B"))
    if compared:
        measures.append(("archived", "Archived since the last period", "Appendix A (archived), Appendix B"))
    if "closed" in counts:
        measures.append(("closed", "Closed risks (listed apart, not counted as current)", "Appendix A (closed)"))
    measures += [
        ("changes", "Changes in risk score", "Appendix C"),
        ("new", "New risks", "Appendix D"),
        ("top_outside", f"{top} risks not in Appendices B–D", "Appendix E"),
    ]
    return [(measure, f"={counts[key].formula}", counts[key].value, where) for key, measure, where in measures]


def narrative_count(card_sheets: list[str], value: int) -> tuple[str, str, int, str]:
    """The Summary's count of cards saying no narrative was recorded this period, over the card sheets."""
    terms = [f"COUNTIF('{name}'!$B:$B,{_q(L.NO_NARRATIVE)})" for name in card_sheets]
    formula = "=" + ("+".join(terms) if terms else "0")
    where = ", ".join(card_sheets) or "Appendices B–E"
    return ("Risks with no narrative recorded this period", formula, value, where)


def write_summary(
    book: Book, period: Period, compared: bool, no_narrative: tuple[list[str], int] | None = None
) -> None:
    """no_narrative: the card sheets and how many of their cards say no narrative was recorded."""
    sheet = book.add_sheet(L.SUMMARY)
    sheet.title(
        f"{book.page.title}: summary",
        f"The counts the covering paper states, as at {book.page.date_text}, computed from Appendix A; "
        "the highlighting legend; the risk statuses.",
    )
    set_title_rows(sheet)
    cell, number = book.fmt("cell"), book.fmt("number")
    counts = summary_counts(period, compared)
    if no_narrative is not None:
        counts.append(narrative_count(*no_narrative))
    row = L.TABLE_HEADER_ROW
    _table(sheet, "Counts", row, 0, row + len(counts), ["Measure", "Count", "Detail in"])
    for offset, (measure, formula, value, where) in enumerate(counts, start=row + 1):
        sheet.text(offset, 0, measure, cell)
        sheet.formula(offset, 1, formula, value, number)
        sheet.text(offset, 2, where, cell)
    row += len(counts) + 2
    sheet.text(row, 0, "Highlighting legend (Appendix A)", book.fmt("bold"))
    _table(
        sheet, "Legend", row + 1, 0, row + 1 + len(L.HIGHLIGHTS), ["Highlight", "Meaning", "Proposal or Change column"]
    )
    for offset, (key, meaning, _fill) in enumerate(L.HIGHLIGHTS, start=row + 2):
        sheet.text(offset, 0, HIGHLIGHT_WORDS[key], legend_format(book, key))
        sheet.text(offset, 1, meaning, cell)
        sheet.text(offset, 2, HIGHLIGHT_WORDS[key].removeprefix("Change: "), cell)
    row += len(L.HIGHLIGHTS) + 3
    status_heading = row
    statuses = book.scheme.statuses
    if not statuses:  # a scheme that takes any status: no table without rows
        print_designed(sheet, [30, 60, 22], None)
        return
    sheet.text(row, 0, "Risk status", book.fmt("bold"))
    _table(sheet, "Statuses", row + 1, 0, row + 1 + len(statuses), ["Status", "Meaning", "Also written as"])
    for offset, status in enumerate(statuses, start=row + 2):
        sheet.text(offset, 0, status.name, cell)
        sheet.text(offset, 1, status.meaning or L.NOT_RECORDED, cell)
        sheet.text(offset, 2, ", ".join(status.aliases) or L.NONE, cell)
        sheet.sheet.set_row(offset, cell_points(status.meaning, 60))
    widths = [30, 60, 22]
    scale = print_designed(sheet, widths, None)
    above = _summary_points(counts, widths)
    table = DEFAULT_ROW_POINTS * 2 + sum(cell_points(s.meaning, 60) for s in statuses)
    if above + table > L.page_capacity(scale) and table <= L.page_capacity(scale):
        # The status table would be split across pages (a compared paper's extra count is enough
        # to print its last status alone): it starts a page of its own instead, whole.
        sheet.sheet.set_h_pagebreaks([status_heading])


def _summary_points(counts: list[tuple[str, str, int, str]], widths: list[float]) -> float:
    """Points the Summary takes above its status table: title rows, the counts and the legend, each
    row at least the default height (15 points) it prints at."""

    def row(*cells: tuple[str, float]) -> float:
        return max(DEFAULT_ROW_POINTS, *(text_height(text, chars_per_line(width)) for text, width in cells))

    count_rows = sum(row((measure, widths[0]), (where, widths[2])) for measure, _, _, where in counts)
    legend_rows = len(L.HIGHLIGHTS) * DEFAULT_ROW_POINTS
    others = 4 * DEFAULT_ROW_POINTS  # the counts' header, a blank row, the legend's heading and header
    return 22 + 16 + 10 + others + count_rows + legend_rows + DEFAULT_ROW_POINTS  # and the blank row after


DEFAULT_ROW_POINTS = 15  # xlsxwriter's default row height


# -- Matrix -----------------------------------------------------------------------------------


def matrix_counts(period: Period) -> dict[tuple[int, int], list[str]]:
    """(likelihood, impact) -> references of the current risks in that cell."""
    cells: dict[tuple[int, int], list[str]] = {}
    for item in period.current:
        cells.setdefault((item.risk.likelihood, item.risk.impact), []).append(item.reference)
    return cells


def _references_text(refs: list[str], impact: str, likelihood: str, axis: str = "Impact") -> str:
    """The references in a matrix cell; past what a cell holds, the rest are counted, never dropped unsaid."""
    text = ", ".join(refs)
    if len(text) <= EXCEL_CELL_LIMIT - 100:
        return text
    kept: list[str] = []
    size = 0
    for ref in refs:
        if size + len(ref) + 2 > EXCEL_CELL_LIMIT - 300:
            break
        kept.append(ref)
        size += len(ref) + 2
    rest = len(refs) - len(kept)
    return (
        ", ".join(kept) + f" … and {rest:,} more, which this cell cannot hold: "
        f"filter Appendix A by {axis} {impact} and Likelihood {likelihood} for all {len(refs):,}."
    )


MATRIX_LABEL_WIDTH = 14
MATRIX_TOTAL_WIDTH = 8
MATRIX_HEADER_POINTS = 22
MATRIX_TOTAL_POINTS = 26


MIN_SHARED_ROW_POINTS = 40  # count rows no shorter than this when the reference grid shares their page


def _matrix_row_points(size: int, references: float) -> float:
    """Count rows as tall as fills the page below the title, header and total rows; shorter, when
    that lets the reference grid (references: its rows' points) print below them on the same page."""
    room = L.page_capacity(100) - TITLE_ROWS_POINTS - MATRIX_HEADER_POINTS - MATRIX_TOTAL_POINTS - 8
    shared = (room - DEFAULT_ROW_POINTS - 20 - 20 - references) / size
    if shared >= MIN_SHARED_ROW_POINTS:
        return min(100, shared)
    return min(100, room / size)


def _matrix_widths(size: int) -> list[float]:
    """Label, one column per impact value, total: as wide as fits A4 landscape at 100 %."""
    budget = (L.PRINTABLE_WIDTH - 5 * (size + 2)) / 7 - MATRIX_LABEL_WIDTH - MATRIX_TOTAL_WIDTH
    return [MATRIX_LABEL_WIDTH, *[int(budget / size * 2) / 2] * size, MATRIX_TOTAL_WIDTH]


def write_matrix(book: Book, period: Period) -> None:
    sheet = book.add_sheet(L.MATRIX)
    scheme = book.scheme
    values, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    size, height = len(values), len(likelihoods)
    cells = matrix_counts(period)
    n = len(period.current)
    impact_range, likelihood_range = (L.a_range(k, n) for k in ("impact", "likelihood"))
    sheet.title(
        f"Risk matrix: {scheme.impact_name.lower()} × likelihood",
        "The number of current risks in each cell, named and coloured by its band, with totals; below, the "
        f"references in each cell. Likelihood runs down, {scheme.impact_name.lower()} across.",
    )
    set_title_rows(sheet)
    widths = _matrix_widths(size)
    headers = [f"Likelihood \\ {scheme.impact_name}", *[scheme.impact_label(v) for v in values], "Total"]
    top = L.TABLE_HEADER_ROW
    _table(sheet, "MatrixCounts", top, 0, top + height + 1, headers)
    sheet.sheet.set_row(top, MATRIX_HEADER_POINTS)
    row_points = _matrix_row_points(height, sum(_reference_grid(book, cells, widths)[1]))
    total_fmt = book.add_format(
        "matrix-total", {"bold": True, "font_size": 12, "align": "center", "valign": "vcenter", "border": 1}
    )
    count_fmt = {
        b.name: book.add_format(
            f"count:{b.name}",
            {
                "bg_color": b.fill,
                "font_color": b.font,
                "bold": True,
                "font_size": 16,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "num_format": '0" · '
                + b.name.replace('"', '"\\""')
                + '"',  # a quote in the name: \" between two literals
            },
        )
        for b in scheme.bands
    }
    big_label = book.add_format(
        "matrix-label", {"bold": True, "font_size": 12, "valign": "vcenter", "border": 1, "bg_color": "#F2F2F2"}
    )
    for i, likelihood in enumerate(reversed(likelihoods)):
        row = top + 1 + i
        sheet.sheet.set_row(row, row_points)
        likelihood_text = scheme.likelihood_label(likelihood)
        sheet.text(row, 0, likelihood_text, big_label)
        for j, impact in enumerate(values, start=1):
            band = scheme.band(scheme.score_for(impact, likelihood))
            impact_text = scheme.impact_label(impact)
            formula = (
                f"=COUNTIFS({impact_range},{_criterion(impact_text)},{likelihood_range},{_criterion(likelihood_text)})"
            )
            sheet.formula(row, j, formula, len(cells.get((likelihood, impact), [])), count_fmt[band.name])
        sheet.formula(
            row,
            size + 1,
            f"=SUM({column_letter(1)}{row + 1}:{column_letter(size)}{row + 1})",
            sum(len(cells.get((likelihood, v), [])) for v in values),
            total_fmt,
        )
    total_row = top + 1 + height
    sheet.sheet.set_row(total_row, MATRIX_TOTAL_POINTS)
    sheet.text(total_row, 0, "Total", big_label)
    for j, impact in enumerate(values, start=1):
        letter = column_letter(j)
        value = sum(len(cells.get((lk, impact), [])) for lk in likelihoods)
        sheet.formula(total_row, j, f"=SUM({letter}{top + 2}:{letter}{total_row})", value, total_fmt)
    letter = column_letter(size + 1)
    sheet.formula(total_row, size + 1, f"=SUM({letter}{top + 2}:{letter}{total_row})", len(period.current), total_fmt)
    used = TITLE_ROWS_POINTS + MATRIX_HEADER_POINTS + height * row_points + MATRIX_TOTAL_POINTS
    _matrix_references(sheet, book, period, cells, total_row + 2, widths, used)
    print_designed(sheet, widths, None)


def _matrix_references(sheet, book, period, cells, row: int, widths: list[float], used: float) -> None:
    """The references in each cell, in the same grid below the counts (on a page of its own if it must)."""
    scheme = book.scheme
    values, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    height = len(likelihoods)
    ref_fmt = {
        b.name: book.add_format(
            f"refs:{b.name}",
            {"bg_color": b.fill, "font_color": b.font, "text_wrap": True, "valign": "top", "border": 1},
        )
        for b in scheme.bands
    }
    texts, heights = _reference_grid(book, cells, widths)
    capacity = L.page_capacity(100)
    breaks: list[int] = []
    if used + 20 + 20 + sum(heights) > capacity:  # a page of its own, which the grid fills
        breaks.append(row)
        room = (capacity - 20 - 20 - 8) / height
        if max(heights) <= room:
            heights = [room] * height
    headers = [f"Likelihood \\ {scheme.impact_name}", *[scheme.impact_label(v) for v in values]]
    for number, chunk in enumerate(_page_chunks(heights, capacity - 40 - (0 if breaks else used))):
        if number:
            breaks.append(row)
        sheet.sheet.set_row(row, 20)
        heading = "References in each cell (the band's word, then the risks)"
        sheet.text(row, 0, heading + (" (continued)" if number else ""), book.fmt("bold"))
        header = row + 1
        name = "MatrixReferences" + (str(number + 1) if number else "")
        _table(sheet, name, header, 0, header + len(chunk), headers)
        for offset, i in enumerate(chunk, start=header + 1):
            likelihood = list(reversed(likelihoods))[i]
            sheet.text(offset, 0, scheme.likelihood_label(likelihood), book.fmt("label"))
            for j, (text, band_name) in enumerate(texts[i], start=1):
                sheet.text(offset, j, text, ref_fmt[band_name])
            sheet.sheet.set_row(offset, heights[i])
        row = header + len(chunk) + 1
    if breaks:
        sheet.sheet.set_h_pagebreaks(breaks)


def _reference_grid(book: Book, cells, widths: list[float]) -> tuple[list[list[tuple[str, str]]], list[float]]:
    """The reference grid's cell texts (with their band's name) row by row, and each row's height."""
    scheme = book.scheme
    texts: list[list[tuple[str, str]]] = []
    heights = []
    for likelihood in reversed(scheme.likelihood_scale.values):
        line = []
        for impact in scheme.impact_scale.values:
            band = scheme.band(scheme.score_for(impact, likelihood))
            refs = cells.get((likelihood, impact), [])
            impact_text, likelihood_text = scheme.impact_label(impact), scheme.likelihood_label(likelihood)
            body = _references_text(refs, impact_text, likelihood_text, scheme.impact_name) if refs else "no risks"
            line.append((f"{band.name}: {body}", band.name))
        texts.append(line)
        heights.append(max(30, max(text_height(t, chars_per_line(widths[1])) for t, _ in line)))
    return texts, heights


def _page_chunks(heights: list[float], first_room: float) -> list[list[int]]:
    """The grid's rows (indexes) in runs that each fit a page under a heading and header; the first
    run fits first_room (what the page already holding the counts has left, or a whole page)."""
    room = L.page_capacity(100) - 40
    chunks: list[list[int]] = [[]]
    left = first_room
    for index, points in enumerate(heights):
        if points > left and chunks[-1]:
            chunks.append([])
            left = room
        chunks[-1].append(index)
        left -= points
    return chunks


def write_empty_appendices(book: Book, sheet_name: str, statements: list[tuple[str, str]]) -> None:
    """One page for the appendices with nothing in them this period, a line each."""
    sheet = book.add_sheet(sheet_name)
    names = " and ".join(name for name, _ in statements)
    sheet.title(
        f"{names}: none this period",
        "Appendices with no risk in them this period share this page, a line each.",
    )
    set_title_rows(sheet)
    _table(
        sheet,
        "EmptyAppendices",
        L.TABLE_HEADER_ROW,
        0,
        L.TABLE_HEADER_ROW + len(statements),
        ["Appendix", "This period"],
    )
    for offset, (name, text) in enumerate(statements, start=L.FIRST_DATA_ROW):
        sheet.text(offset, 0, name, book.fmt("label"))
        sheet.text(offset, 1, text, book.fmt("cell"))
    print_designed(sheet, [CARD_FIELD_WIDTH, CARD_VALUE_WIDTH], None)


# -- Appendix F -------------------------------------------------------------------------------

CRITERIA_LABEL_WIDTH = 14


def _criteria_widths(areas) -> list[float]:
    """The label column and one per impact area, filling A4 landscape at 90 % at most: each area
    at least as wide as its longest word (so no word breaks across lines), the rest shared out."""
    count = max(len(areas), 2)
    budget = (L.PRINTABLE_WIDTH * 100 / L.MIN_PRINT_SCALE - 5 * (count + 1)) / 7 - CRITERIA_LABEL_WIDTH - 1.5
    needs = [_longest_word_width(area) for area in areas] + [0.0] * (count - len(areas))
    spare = budget - sum(needs)
    if spare <= 0:  # words too long for any sharing: as wide as they need, the print scale follows
        return [CRITERIA_LABEL_WIDTH, *needs]
    even = budget / count
    widths = [max(need, even) for need in needs]
    over = sum(widths) - budget
    flexible = [i for i, (w, need) in enumerate(zip(widths, needs, strict=True)) if w > need]
    for i in flexible:  # take the excess back from the columns wider than they need
        give = min(widths[i] - needs[i], over / max(len(flexible), 1))
        widths[i] -= give
    return [CRITERIA_LABEL_WIDTH, *[min(40, int(w * 2) / 2) for w in widths]]


def _longest_word_width(area) -> float:
    """Column width the area's longest word needs on one line (Arial 10 prints about 1.2 characters a unit)."""
    words = [w for text in (area.name, *area.descriptors.values()) for w in str(text).split()]
    return max((len(w) for w in words), default=1) / 1.15 + 1.5


def write_criteria(book: Book) -> None:
    sheet = book.add_sheet(L.APPENDIX_F)
    sheet.title(
        "Appendix F: risk scoring criteria",
        f"How {book.scheme.impact_name.lower()} and likelihood are scored ({book.scheme.name}); "
        f"score = {book.scheme.score_rule}, "
        "and the score's band.",
    )
    set_title_rows(sheet)
    widths = _criteria_widths(book.scheme.impact_areas)
    write_criteria_tables(sheet, book, L.TABLE_HEADER_ROW, chars_per_line(widths[1]), widths)
    print_designed(sheet, widths, None)


def write_criteria_tables(
    sheet: SheetWriter, book: Book, row: int, area_chars: int = 31, widths: list[float] | None = None
) -> int:
    """The impact, likelihood and band tables of the scheme from row on (and its score matrix, when
    it scores by one); returns the next free row. widths: the columns', for rows as tall as their text."""
    scheme = book.scheme
    cell, number, label = book.fmt("cell"), book.fmt("number"), book.fmt("label")
    values = sorted(scheme.impact_scale.values, reverse=True)
    areas = scheme.impact_areas
    sheet.text(row - 1, 0, scheme.impact_name, book.fmt("bold"))
    _table(sheet, "ImpactCriteria", row, 0, row + len(values), [scheme.impact_name, *[a.name for a in areas]])
    header_height = max((text_height(a.name, area_chars) for a in areas), default=13)
    sheet.sheet.set_row(row, header_height + 4)
    used = TITLE_ROWS_POINTS + DEFAULT_ROW_POINTS + header_height + 4  # the title rows, "Impact", the header
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, f"{value} {scheme.impact_label(value)}", label)
        for col, area in enumerate(areas, start=1):
            sheet.text(offset, col, area.descriptors.get(value, "") or L.NOT_RECORDED, cell)
        if widths is None:
            height = max((text_height(a.descriptors.get(value, ""), area_chars) for a in areas), default=15)
        else:
            pairs = zip(areas, widths[1 : len(areas) + 1], strict=True)
            height = max((cell_points(a.descriptors.get(value, ""), w) for a, w in pairs), default=15)
        sheet.sheet.set_row(offset, height)
        used += height
    row += len(values) + 3
    rest = _criteria_rest_points(book, area_chars)
    capacity = L.page_capacity(L.print_scale(widths)) if widths is not None else 0
    if sheet.name == L.APPENDIX_F and used + rest > capacity:
        # the likelihood and band tables print together, on the next page, rather than split
        sheet.sheet.set_h_pagebreaks([row - 1])
    values = sorted(scheme.likelihood_scale.values, reverse=True)
    sheet.text(row - 1, 0, "Likelihood", book.fmt("bold"))
    _table(sheet, "LikelihoodCriteria", row, 0, row + len(values), ["Likelihood", "Score", scheme.likelihood_heading])
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, scheme.likelihood_label(value), label)
        sheet.number(offset, 1, value, number)
        sheet.text(offset, 2, scheme.likelihood_descriptors.get(value, "") or L.NOT_RECORDED, cell)
        sheet.sheet.set_row(offset, text_height(scheme.likelihood_descriptors.get(value, ""), area_chars))
    row += len(values) + 3
    sheet.text(row - 1, 0, f"Overall risk rating: {scheme.score_rule}", book.fmt("bold"))
    _table(sheet, "ScoreBands", row, 0, row + len(scheme.bands), ["Risk score", "Rating", "Review"])
    for offset, band in enumerate(scheme.bands, start=row + 1):
        sheet.text(offset, 0, band_words(band).removeprefix("scores ").removeprefix("score "), label)
        sheet.text(offset, 1, band.name, book.fmt(f"band:{band.name}"))
        months = band.review_months
        sheet.text(offset, 2, "Monthly" if months == 1 else f"{months} monthly", cell)
    row += len(scheme.bands) + 1
    if scheme.matrix is not None:
        row = _score_matrix(sheet, book, row + 2)
    return row


def _criteria_rest_points(book: Book, area_chars: int) -> float:
    """Points the likelihood, band and score-matrix tables take, with their headings and spacers."""
    scheme = book.scheme
    likelihood = sum(
        text_height(scheme.likelihood_descriptors.get(v, ""), area_chars) for v in scheme.likelihood_scale.values
    )
    tables = 3 * (2 * DEFAULT_ROW_POINTS) + likelihood + len(scheme.bands) * DEFAULT_ROW_POINTS
    if scheme.matrix is not None:
        tables += (len(scheme.impact_scale.values) + 3) * DEFAULT_ROW_POINTS
    return tables + 2 * DEFAULT_ROW_POINTS


def _score_matrix(sheet: SheetWriter, book: Book, row: int) -> int:
    """The scheme's lookup matrix: the score of each impact (down) and likelihood (across), in its band's colour."""
    scheme = book.scheme
    impacts = sorted(scheme.impact_scale.values, reverse=True)
    likelihoods = scheme.likelihood_scale.values
    sheet.text(
        row - 1, 0, f"Score matrix: the score of each {scheme.impact_name.lower()} and likelihood", book.fmt("bold")
    )
    headers = [f"{scheme.impact_name} \\ Likelihood", *[scheme.likelihood_label(v) for v in likelihoods]]
    _table(sheet, "ScoreMatrix", row, 0, row + len(impacts), headers)
    for offset, impact in enumerate(impacts, start=row + 1):
        sheet.text(offset, 0, scheme.impact_label(impact), book.fmt("label"))
        for col, likelihood in enumerate(likelihoods, start=1):
            score = scheme.score_for(impact, likelihood)
            band = scheme.band(score)
            sheet.number(offset, col, score, book.fmt(f"band:{band.name}") if band else book.fmt("number"))
    return row + len(impacts) + 1
