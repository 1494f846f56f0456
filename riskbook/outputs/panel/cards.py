"""Appendices B–E: a detail card per risk, cards flowing several to a page.

A card is a heading (reference, title) over a Field/Value table. Its first row holds the score
and rating (the only band-coloured cell) beside the impact, likelihood and previous rating;
short fields go two to a row; the narrative follows a field a row. Page breaks are worked
out from the rows' heights and fall only between cards or between whole fields (a field longer
than a page continues as "part 2 of 3"); a card never starts with fewer than three of its rows
at the foot of a page, and a card that runs onto the next page repeats its heading there,
"(continued)".
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

from riskbook.check.period import ARCHIVED, NEW, PanelRisk
from riskbook.fields import FIELD_LABELS, FIELDS
from riskbook.outputs.panel import layout as L
from riskbook.outputs.panel.page import (
    CARD_FIELD_WIDTH,
    CARD_VALUE_WIDTH,
    TITLE_ROWS_POINTS,
    add_table,
    chars_per_line,
    print_designed,
    set_title_rows,
    wrap_count,
)
from riskbook.outputs.panel.travel import change_word, trail_text
from riskbook.xlsx.text import CELL, safe_text
from riskbook.xlsx.writer import Book, SheetWriter, split_long_text, text_height

CARD_VALUE_CHARS = 130  # characters a line of the value column holds, wrapped between words (LibreOffice: 135–140)
CARD_MAX_LINES = 30  # lines that fit one row of at most 409 points
CARD_LINE_POINTS = 11.5  # 10 pt Arial prints 11.2 points a line in LibreOffice
# Above this many cards an appendix is one field/value table (each row carrying its risk's
# reference) rather than a table per card: Excel slows to a crawl with thousands of tables.
MAX_CARD_TABLES = 200
MAX_PAGE_BREAKS = 1023  # Excel's own limit on horizontal page breaks in a sheet
DEFAULT_ROW_POINTS = 15  # a row whose height is not set: one line of 10 pt text
NARRATIVE_FIELDS = FIELDS[FIELDS.index("information") : FIELDS.index("current_status") + 1]
PAIRED_CHARS = 38  # a short field's value goes beside others when it is at most this long
LINE_CHARS = 115  # and they share a row while the row's text stays within a line
MIN_CARD_ROWS = 3  # rows of a card a page must hold below its heading, unless the card ends there
MIN_PIECE_LINES = 5  # a part of a split field shorter than this starts the next page instead
MAX_ROW_POINTS = CARD_MAX_LINES * CARD_LINE_POINTS + 4


@dataclass(frozen=True)
class Row:
    """One row of a card: a label and a value, then any short fields beside it (more)."""

    label: str
    value: str
    fmt: str = "cell"
    label_fmt: str = "label"
    more: tuple[tuple[str, str], ...] = ()  # (label, value) of fields printed after the value, in the same cell

    @property
    def text(self) -> str:
        return "".join([self.value, *(f"    {label}: {value}" for label, value in self.more)])

    def points(self) -> float:
        return max(card_text_points(self.text, CARD_VALUE_CHARS), card_text_points(self.label, LABEL_CHARS))


LABEL_CHARS = chars_per_line(CARD_FIELD_WIDTH)


def first_row(item: PanelRisk, book: Book, appendix: str) -> Row:
    """Score and rating (band-coloured) beside impact, likelihood and the previous rating."""
    scheme, risk = book.scheme, item.risk
    band = item.band
    parts = [
        f"{scheme.impact_name}: {scheme.impact_label(risk.impact)} ({risk.impact})",
        f"Likelihood: {scheme.likelihood_label(risk.likelihood)} ({risk.likelihood})",
    ]
    if item.proposal == ARCHIVED:
        parts.insert(0, "Rating when archived")
    parts.append(f"Previous: {previous_text(item, book)}")
    if appendix == L.APPENDIX_C and item.changed:
        parts.append(f"Change: {item.previous_score} → {item.score} ({item.direction.lower()})")
    if item.trail:  # with a history: the direction of travel, and every period's score
        parts.append(f"Direction of travel: {change_word(item, arrows=True)}")
        parts.append(f"Trail, oldest first: {trail_text(item, last=None)}")
    if item.proposal:
        parts.append(f"Proposal: {item.proposal}")
    chip = f"{item.score} · {band.name}" if band is not None else str(item.score)
    return Row(chip, "; ".join(parts), "cell", f"band:{band.name}" if band is not None else "label")


def previous_text(item: PanelRisk, book: Book) -> str:
    if item.proposal == NEW:
        return NEW
    if item.previous_score is None:
        return L.NOT_RECORDED
    band = book.scheme.band(item.previous_score)
    return f"{item.previous_score} · {band.name}" if band is not None else str(item.previous_score)


def card_rows(item: PanelRisk, book: Book, appendix: str, fields: Collection[str] = FIELDS) -> list[Row]:
    """The rows of one risk's card, as the paper lays it out.

    fields: the columns the risk's register has; a field it has but the risk leaves blank says
    "Not recorded", and one it lacks is left off. A risk with no narrative at all says so once.
    """
    risk, scheme = item.risk, book.scheme

    def shown(name: str) -> str:
        value = risk.get(name)
        return L.NOT_RECORDED if value in (None, "") else str(value)

    short: list[tuple[str, str]] = []
    if "responsible_officer" in fields:
        short.append(("Responsible Officer", shown("responsible_officer")))
    short.append(("Owner", shown("owner")))
    if "first_recorded" in fields:
        short.append(("Date Recorded", shown("first_recorded")))
    short.append(("Last Review", shown("last_review")))
    short.append(("Status", risk.status_name or shown("status")))
    if "category" in fields:
        short.append(("Category", shown("category")))
    short += _score_sets(risk, scheme, fields)
    rows = _paired(short, first_row(item, book, appendix))
    narrative = [name for name in NARRATIVE_FIELDS if name in fields]
    if narrative and all(risk.get(name) in (None, "") for name in narrative):
        rows.append(Row("Narrative", L.NO_NARRATIVE))
    else:
        rows += _paired_in_order([(FIELD_LABELS[name], shown(name)) for name in narrative])
    extras = [(header, value or L.NOT_RECORDED) for header, value in risk.extras.items()]
    rows += _paired(extras)
    return rows


def has_no_narrative(item: PanelRisk, fields: Collection[str]) -> bool:
    narrative = [name for name in NARRATIVE_FIELDS if name in fields]
    return bool(narrative) and all(item.risk.get(name) in (None, "") for name in narrative)


def _paired_in_order(fields: list[tuple[str, str]]) -> list[Row]:
    """Narrative fields a row each, but two short ones next to each other share a row ("None", "Not recorded")."""
    rows: list[Row] = []
    for label, value in fields:
        short = len(value) <= PAIRED_CHARS and "\n" not in value
        last = rows[-1] if rows else None
        if short and last is not None and not last.more and _is_short(last.value) and last.label_fmt == "label":
            rows[-1] = dataclasses.replace(last, more=((label, value),))  # keeps its formats
        else:
            rows.append(Row(label, value))
    return rows


def _is_short(value: str) -> bool:
    return len(value) <= PAIRED_CHARS and "\n" not in value


def _paired(fields: list[tuple[str, str]], first: Row | None = None) -> list[Row]:
    """Short fields side by side, as many to a row as fit one line (after first, if given); a long
    one has its row to itself."""
    rows: list[Row] = [first] if first is not None else []
    for label, value in fields:
        if not _is_short(value):
            rows.append(Row(label, value))
            continue
        last = rows[-1] if rows else None
        if last is not None and "\n" not in last.text and len(last.text) + len(label) + len(value) + 6 <= LINE_CHARS:
            rows[-1] = dataclasses.replace(last, more=(*last.more, (label, value)))  # keeps its formats
        else:
            rows.append(Row(label, value))
    return rows


# -- Laying cards out on pages ------------------------------------------------------------------


@dataclass
class Segment:
    """A card's rows on one page, under its heading (continued when it is not the card's first)."""

    item: PanelRisk
    rows: list[tuple[Row, float]]
    continued: bool
    page_break: bool  # whether a page starts at this segment's heading


def heading_points(item: PanelRisk) -> float:
    reference, title = heading_text(item)
    return as_printed(
        max(
            text_height(title, chars_per_line(CARD_VALUE_WIDTH * 0.8)),
            text_height(reference, chars_per_line(CARD_FIELD_WIDTH * 0.8)),
            16,
        )
        + 4
    )


HEADING_CHARS = 300  # a card's heading names the risk; a longer title is given whole in its Title row


def heading_text(item: PanelRisk) -> tuple[str, str]:
    reference = item.reference or "(no reference)"
    title = item.risk.title or "(no title)"
    if len(title) > HEADING_CHARS:
        title = title[:HEADING_CHARS].rstrip() + "… (the whole title is in the Title row)"
    if len(reference) > HEADING_CHARS:
        reference = reference[:HEADING_CHARS].rstrip() + "…"
    return reference, title


def layout(cards: list[tuple[PanelRisk, list[Row]]], capacity: float, first_used: float) -> list[Segment]:
    """Cards flowed onto pages of capacity points, the first page already holding first_used.

    A card starts a new page only when the page cannot hold its heading and first three rows. A
    short field that does not fit moves whole to the next page; a long one (a third of a page or
    more) fills what is left of this page, at least five lines, and continues as "part 2 of n".
    """
    segments: list[Segment] = []
    used = first_used
    for item, rows in cards:
        head = heading_points(item)  # the card's table has no header row: the heading names the risk
        lines = [(row, row.points()) for row in rows]
        opening = head + sum(points for _, points in lines[:MIN_CARD_ROWS])
        whole = head + sum(points for _, points in lines)
        segment = Segment(item, [], False, bool(segments) and used + min(opening, whole) > capacity)
        if segment.page_break:
            used = 0
        segments.append(segment)
        used += head
        for row, points in lines:
            if used + points <= capacity and points <= MAX_ROW_POINTS:
                segment.rows.append((row, points))
                used += points
                continue
            if points < capacity / 6:
                segment = _next_page(segments, item)
                used = head + points
                segment.rows.append((row, points))
                continue
            pieces: list[tuple[str, bool]] = []  # (text, whether a page starts before it)
            text, new_page = row.value, False
            while text:
                room = capacity - (head if new_page else used)
                lines_fit = min(CARD_MAX_LINES, int((room - 4) // CARD_LINE_POINTS))
                if lines_fit < MIN_PIECE_LINES:
                    new_page, used = True, head
                    continue
                piece, text = _take_lines(text, lines_fit)
                pieces.append((piece, new_page))
                widest_label = f"{row.label} (part 10 of 10)"
                used = (head if new_page else used) + Row(widest_label, piece).points()
                new_page = False
            for part, (piece, page_before) in enumerate(pieces, start=1):
                if page_before:
                    segment = _next_page(segments, item)
                label = row.label if len(pieces) == 1 else f"{row.label} (part {part} of {len(pieces)})"
                piece_row = Row(label, piece, row.fmt, row.label_fmt)
                segment.rows.append((piece_row, piece_row.points()))
    return segments


def _take_lines(text: str, lines: int) -> tuple[str, str]:
    """The first piece of text that fills at most this many wrapped lines, and the rest; a cut falls
    at a line end or between words (the line end or space cut on is dropped)."""
    paragraphs = text.split("\n")
    taken: list[str] = []
    used = 0
    for index, paragraph in enumerate(paragraphs):
        needed = wrapped_lines(paragraph)
        if used + needed <= lines:
            taken.append(paragraph)
            used += needed
            continue
        head, rest = _split_paragraph(paragraph, lines - used) if lines > used else ("", paragraph)
        if head:
            taken.append(head)
        elif not taken:  # not even a word fits: cut the paragraph where the lines end
            head, rest = paragraph[: lines * CARD_VALUE_CHARS], paragraph[lines * CARD_VALUE_CHARS :]
            return head, "\n".join([rest, *paragraphs[index + 1 :]])
        return "\n".join(taken), "\n".join([rest, *paragraphs[index + 1 :]])
    return text, ""


def _split_paragraph(paragraph: str, lines: int) -> tuple[str, str]:
    """The longest start of the paragraph, cut at a space, that wraps to at most this many lines."""
    spaces = [i for i, ch in enumerate(paragraph) if ch == " "]
    low, high, best = 0, len(spaces) - 1, -1
    while low <= high:
        middle = (low + high) // 2
        if wrapped_lines(paragraph[: spaces[middle]]) <= lines:
            best, low = middle, middle + 1
        else:
            high = middle - 1
    if best < 0:
        return "", paragraph
    cut = spaces[best]
    return paragraph[:cut], paragraph[cut + 1 :]


def wrapped_lines(paragraph: str) -> int:
    """Lines one paragraph takes in the value column, wrapped between words."""
    if len(paragraph) <= CARD_VALUE_CHARS:
        return 1
    return wrap_count(paragraph, CARD_VALUE_CHARS) or 1


def _next_page(segments: list[Segment], item: PanelRisk) -> Segment:
    segment = Segment(item, [], True, True)
    segments.append(segment)
    return segment


# -- Writing ----------------------------------------------------------------------------------


def write_cards(
    book: Book,
    sheet_name: str,
    heading: str,
    description: str,
    items: list[PanelRisk],
    used: set[str],
    fields_of: Callable[[PanelRisk], Collection[str]] = lambda item: FIELDS,
    listed: list[PanelRisk] | None = None,
) -> None:
    """An appendix's cards; listed: risks shown as one row each (their cards were printed last period)."""
    listed = listed or []
    many = len(items) > MAX_CARD_TABLES
    sheet = book.add_sheet(sheet_name, stream=many)
    if many:
        description += " Each row names its risk."
    sheet.title(heading, description)
    set_title_rows(sheet)
    if many:
        _write_card_list(sheet, book, sheet_name, items, fields_of)
        return
    row = L.TABLE_HEADER_ROW
    first_used = TITLE_ROWS_POINTS
    if listed:
        row, first_used = _write_listed(sheet, book, sheet_name, listed, row, first_used)
    cards = []
    for item in items:
        rows = card_rows(item, book, sheet_name, fields_of(item))
        whole = []
        if len(item.reference) > HEADING_CHARS:
            whole.append(Row("Reference", item.reference))
        if len(item.risk.title or "") > HEADING_CHARS:
            whole.append(Row("Title", item.risk.title))
        cards.append((item, [*whole, *rows]))
    segments = layout(cards, L.page_capacity(100), first_used)
    _write_segments(sheet, book, sheet_name, segments, row, used)
    print_designed(sheet, [CARD_FIELD_WIDTH, CARD_VALUE_WIDTH], None)


def _write_segments(
    sheet: SheetWriter, book: Book, sheet_name: str, segments: list[Segment], row: int, used: set[str]
) -> None:
    heading_fmt = book.add_format(
        "card-heading", {"bold": True, "font_size": 11, "text_wrap": True, "valign": "top", "bottom": 2}
    )
    bold = book.add_format("card-bold", {"bold": True})
    plain = book.add_format("card-plain", {})
    breaks: list[int] = []
    previous = None
    for segment in segments:
        if segment.page_break:
            breaks.append(row)
        item = segment.item
        reference, title = heading_text(item)
        sheet.text(row, 0, reference, heading_fmt)
        sheet.text(row, 1, f"{title} (continued)" if segment.continued else title, heading_fmt)
        sheet.sheet.set_row(row, heading_points(item))
        _card_table(sheet, _table_name(sheet_name.replace(" ", ""), item.reference, used), row + 1, len(segment.rows))
        for offset, (card_row, points) in enumerate(segment.rows, start=row + 1):
            sheet.text(offset, 0, card_row.label, book.fmt(card_row.label_fmt))
            if not card_row.more:
                sheet.text(offset, 1, card_row.value, book.fmt(card_row.fmt))
            else:
                _pair(sheet, offset, card_row, book.fmt(card_row.fmt), bold, plain)
            sheet.sheet.set_row(offset, points)
        row += len(segment.rows) + 1
        if item is not previous:
            book.ticker.tick()
            previous = item
    sheet.sheet.set_h_pagebreaks(breaks[:MAX_PAGE_BREAKS])


def _card_table(sheet: SheetWriter, name: str, first_row: int, rows: int) -> None:
    """A card's rows as an Excel table (Field, Value) without a header row: the heading above names the risk."""
    add_table(sheet, name, first_row, 0, first_row + max(rows, 1) - 1, ["Field", "Value"], header_row=False)


def _pair(sheet: SheetWriter, row: int, card_row: Row, fmt, bold, plain) -> None:
    """Short fields in one cell: the first's value, then each other's label in bold and its value."""
    pieces = [plain, safe_text(card_row.value, CELL)]
    for label, value in card_row.more:
        pieces += [bold, "    " + safe_text(label, CELL) + ": ", plain, safe_text(value, CELL)]
    code = sheet.sheet.write_rich_string(row, 1, *pieces, fmt)
    if code:
        sheet.text(row, 1, card_row.text, fmt)


def _write_listed(
    sheet: SheetWriter, book: Book, sheet_name: str, listed: list[PanelRisk], row: int, used_points: float
) -> tuple[int, float]:
    """Risks whose cards the last panel saw, unchanged since: one row each, above the cards."""
    sheet.text(
        row,
        0,
        f"Archived as proposed at the last panel, unchanged since; their cards were in last period's paper "
        f"({len(listed)})",
        book.fmt("bold"),
    )
    header = row + 1
    add_table(sheet, sheet_name.replace(" ", "") + "Listed", header, 0, header + len(listed), ["Reference", "Risk"])
    title_chars = chars_per_line(CARD_VALUE_WIDTH)
    points = 15.0 + 15.75  # the heading and the table's header
    for offset, item in enumerate(listed, start=header + 1):
        band = item.band.name if item.band is not None else ""
        owner = item.risk.get("owner") or L.NOT_RECORDED
        text = f"{item.risk.title} · rating when archived {item.score} · {band} · owner {owner}"
        sheet.text(offset, 0, item.reference, book.fmt("label"))
        sheet.text(offset, 1, text, book.fmt("cell"))
        height = text_height(text, title_chars)
        sheet.sheet.set_row(offset, height)
        points += height
        book.ticker.tick()
    return header + len(listed) + 2, used_points + points + 15


def card_text_points(text: str, chars: int = CARD_VALUE_CHARS) -> float:
    """Points a wrapped card cell needs, its lines wrapped between words as LibreOffice wraps them."""
    lines = sum(1 if len(line) <= chars else wrap_count(line, chars) or 1 for line in text.split("\n"))
    return as_printed(min(409, lines * CARD_LINE_POINTS + 4))


def as_printed(points: float) -> float:
    """A row height as the workbook stores it: whole pixels, 0.75 points each (xlsxwriter rounds up)."""
    return math.ceil(points / 0.75 - 1e-9) * 0.75


def _score_sets(risk, scheme, fields: Collection[str]) -> list[tuple[str, str]]:
    """The inherent and target assessments a register carries: level × level · score · band."""
    rows = []
    for name in ("inherent", "target"):
        parts = [f"{name}_{part}" for part in ("impact", "likelihood", "score", "rating")]
        if not any(part in fields for part in parts):
            continue
        impact, likelihood, score, rating = (risk.get(part) for part in parts)
        if isinstance(impact, int) and isinstance(likelihood, int):
            impact, likelihood = scheme.impact_label(impact), scheme.likelihood_label(likelihood)
        band = scheme.band(score) if isinstance(score, int) else None
        words = [f"{impact} × {likelihood}" if impact and likelihood else "", str(score or ""), str(rating or "")]
        if band is not None and not rating:
            words[2] = band.name
        rows.append((f"{name.capitalize()} Rating", " · ".join(w for w in words if w) or L.NOT_RECORDED))
    return rows


def _table_name(prefix: str, reference: str, used: set[str]) -> str:
    base = prefix + "".join(ch if ch.isalnum() else "_" for ch in reference[:100])
    name, n = base, 2
    while name.upper() in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name.upper())
    return name


def _parts(label: str, value: str) -> list[tuple[str, str]]:
    """One row of the card list, or its parts when the text is longer than a row (or a cell) holds."""
    pieces = split_long_text(value, CARD_VALUE_CHARS, CARD_MAX_LINES)
    if len(pieces) == 1:
        return [(label, pieces[0])]
    return [(f"{label} (part {part} of {len(pieces)})", piece) for part, piece in enumerate(pieces, start=1)]


def _write_card_list(
    sheet: SheetWriter,
    book: Book,
    sheet_name: str,
    items: list[PanelRisk],
    fields_of: Callable[[PanelRisk], Collection[str]],
) -> None:
    """Every card in one table, for an appendix of more cards than Excel handles tables: Reference, Field, Value.
    The same rows as a card's, a field a row."""
    cell, label_fmt = book.fmt("cell"), book.fmt("label")
    last = L.TABLE_HEADER_ROW
    cards = []
    for item in items:
        lines = [("Reference", item.reference, "cell")] if len(item.reference) > HEADING_CHARS else []
        lines += [(label, piece, "cell") for label, piece in _parts("Title", item.risk.title or "")]
        for card_row in card_rows(item, book, sheet_name, fields_of(item)):
            fmt = card_row.label_fmt if card_row.label_fmt.startswith("band:") else card_row.fmt
            label = "Rating" if fmt.startswith("band:") else card_row.label
            value = f"{card_row.label}; {card_row.value}" if fmt.startswith("band:") else card_row.text
            lines += [(name, piece, fmt) for name, piece in _parts(label, value)]
        cards.append((item, lines))
        last += len(lines)
    add_table(sheet, sheet_name.replace(" ", ""), L.TABLE_HEADER_ROW, 0, last, ["Reference", "Field", "Value"])
    row = L.FIRST_DATA_ROW
    widths = [10, CARD_FIELD_WIDTH - 2, CARD_VALUE_WIDTH - 10]
    value_chars = chars_per_line(widths[2])
    heights = []
    for item, lines in cards:
        card_heights = []
        for label, value, fmt in lines:
            sheet.text(row, 0, item.reference, cell)
            sheet.text(row, 1, label, label_fmt)
            sheet.text(row, 2, value, cell if fmt == "cell" else book.fmt(fmt))
            height = DEFAULT_ROW_POINTS
            if len(value) > value_chars or "\n" in value:
                height = text_height(value, value_chars)
                sheet.sheet.set_row(row, height)
            card_heights.append(height)
            row += 1
        heights.append(card_heights)
        book.ticker.tick()
    capacity = L.page_capacity(L.print_scale(widths))
    sheet.sheet.set_h_pagebreaks([L.FIRST_DATA_ROW + offset for offset in list_breaks(heights, capacity)])
    sheet.sheet.freeze_panes(L.FIRST_DATA_ROW, 0)
    print_designed(sheet, widths, (L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


def list_breaks(cards: list[list[float]], capacity: float) -> list[int]:
    """Where the card list's pages must break (rows counted from its first card): before a card only when
    the foot of the page cannot hold its title and next three rows; the pages between, LibreOffice and
    Excel break themselves where they fill. The first page opens with the title rows; every page repeats the
    table's header."""
    top = DEFAULT_ROW_POINTS
    breaks: list[int] = []
    used, row = TITLE_ROWS_POINTS + top, 0
    for heights in cards:
        opening = sum(heights[: MIN_CARD_ROWS + 1])
        if row and used + opening > capacity and len(breaks) < MAX_PAGE_BREAKS:
            breaks.append(row)
            used = top
        for height in heights:
            if used + height > capacity:  # the page fills here and the next begins
                used = top
            used += height
        row += len(heights)
    return breaks
