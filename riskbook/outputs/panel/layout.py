"""Where things sit in the panel workbook: sheet names, the Appendix A columns, highlight colours,
and the printed page every sheet is designed for."""

from __future__ import annotations

from dataclasses import dataclass

from riskbook.model import column_letter

TABLE_HEADER_ROW = 3  # 0-based: row 4, below the title (A1), description (A2) and a spacer
FIRST_DATA_ROW = TABLE_HEADER_ROW + 1

COVER = "Cover"
CONTENTS = "Contents"
SUMMARY = "Summary"
APPENDIX_A = "Appendix A"
MATRIX = "Matrix"
APPENDIX_B = "Appendix B"
APPENDIX_C = "Appendix C"
APPENDIX_D = "Appendix D"
APPENDIX_E = "Appendix E"
APPENDIX_F = "Appendix F"
CARD_APPENDICES = (APPENDIX_B, APPENDIX_C, APPENDIX_D, APPENDIX_E)
SHEET_ORDER = (COVER, CONTENTS, SUMMARY, APPENDIX_A, MATRIX, *CARD_APPENDICES, APPENDIX_F)


def empty_appendices_sheet(names: list[str]) -> str:
    """The one sheet that says which appendices are empty: "Appendices C, D" (or "Appendix C" alone)."""
    if len(names) == 1:
        return names[0]
    return "Appendices " + ", ".join(name.removeprefix("Appendix ") for name in names)


# -- The printed page ---------------------------------------------------------------------------
# A4 landscape. LibreOffice prints a column of width w (Excel's character units) about 7w + 5
# points wide at 100 %, and Excel narrower, so a sheet designed to fit LibreOffice fits both.
PAGE_WIDTH_POINTS = 841.9
PAGE_HEIGHT_POINTS = 595.3
MARGIN_SIDE_INCHES = 0.25
MARGIN_TOP_INCHES = 0.75
MARGIN_BOTTOM_INCHES = 0.7
PRINTABLE_WIDTH = PAGE_WIDTH_POINTS - 2 * 72 * MARGIN_SIDE_INCHES - 4  # a little spare for rounding
PRINTABLE_HEIGHT = PAGE_HEIGHT_POINTS - 72 * (MARGIN_TOP_INCHES + MARGIN_BOTTOM_INCHES)
MIN_PRINT_SCALE = 90  # per cent: the sheets' 10 pt type prints at 9 pt or more


def column_points(width: float) -> float:
    """Printed width of a column at 100 %, in points."""
    return 7 * width + 5


def print_scale(widths: list[float]) -> int:
    """The print scale at which columns of these widths fill at most one A4 landscape page's width."""
    needed = sum(column_points(w) for w in widths)
    return max(10, min(100, int(100 * PRINTABLE_WIDTH / needed)))


def page_capacity(scale: int) -> float:
    """Row points one printed page holds at this scale, with a margin for rounding."""
    return PRINTABLE_HEIGHT * 100 / scale - 6


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float


# Designed for 90 %: 13 columns of 10 pt text across A4 landscape. Narrow columns wrap
# their headers between words, so no header word is wider than its column.
APPENDIX_A_COLUMNS = (
    Column("reference", "Reference", 8),
    Column("owner", "Owner", 14.5),
    Column("title", "Title", 20.5),
    Column("impact", "Impact", 7),
    Column("likelihood", "Likelihood", 8),
    Column("status", "Status", 8.5),
    Column("first_recorded", "First Recorded", 8),
    Column("last_review", "Last Review", 7.5),
    Column("score", "Current/ Proposed Score", 7),
    Column("band", "Rating", 6.5),
    Column("previous_score", "Previous Score", 7),
    Column("change", "Change", 6.5),
    Column("proposal", "Proposal", 8.5),
)
# With a history, a last column holds each risk's trail; its width comes from the Title and Owner columns,
# so the page keeps its print scale.
TRAIL_COLUMN = Column("trail", "Trail (last 4 periods)", 10)
TRAIL_TAKES = {"title": 6, "owner": 4}
_INDEX = {c.key: i for i, c in enumerate((*APPENDIX_A_COLUMNS, TRAIL_COLUMN))}


def a_col(key: str) -> int:
    return _INDEX[key]


def a_letter(key: str) -> str:
    return column_letter(_INDEX[key])


def a_range(key: str, rows: int) -> str:
    """Absolute range of one column of Appendix A's current risks, as other sheets refer to it."""
    letter = a_letter(key)
    last = FIRST_DATA_ROW + max(rows, 1)
    return f"'{APPENDIX_A}'!${letter}${FIRST_DATA_ROW + 1}:${letter}${last}"


def archived_header_row(current_rows: int) -> int:
    """0-based row of the archived section's heading: below the current risks and a spacer; its rows follow."""
    return FIRST_DATA_ROW + max(current_rows, 1) + 2


def archived_range(key: str, current_rows: int, archived_rows: int) -> str:
    """Absolute range of one column of Appendix A's table of risks archived since the last period."""
    letter = a_letter(key)
    first = archived_header_row(current_rows) + 2  # 1-based first data row
    return f"'{APPENDIX_A}'!${letter}${first}:${letter}${first + max(archived_rows, 1) - 1}"


def closed_heading_row(current_rows: int, archived_rows: int | None) -> int:
    """0-based row of the closed risks' heading: below the current risks (and the archived ones,
    archived_rows, when the paper is compared with last period's) and a spacer."""
    if archived_rows is None:
        return FIRST_DATA_ROW + max(current_rows, 1) + 1
    return archived_header_row(current_rows) + max(archived_rows, 1) + 2


def closed_range(key: str, current_rows: int, archived_rows: int | None, closed_rows: int) -> str:
    """Absolute range of one column of Appendix A's closed risks, listed apart."""
    letter = a_letter(key)
    first = closed_heading_row(current_rows, archived_rows) + 2  # 1-based first data row
    return f"'{APPENDIX_A}'!${letter}${first}:${letter}${first + max(closed_rows, 1) - 1}"


# Row highlighting of the paper's legend. Black text on each fill has contrast above 4.5:1, and
# no fill is near a band's (green, amber, red, yellow): a highlight never reads as a rating.
# No table carries banded rows: a stripe would look like one of these highlights.
HIGHLIGHTS = (
    ("archive", "Archived or proposed for archive since the last panel", "#D9D9D9"),
    ("change", "Proposed change to risk score", "#BDD7EE"),
    ("new", "Proposed new risk since the last panel", "#E4DFEC"),
)

# Words for what a table cell would otherwise leave blank.
NONE = "None"
NOT_RECORDED = "Not recorded"
NO_CHANGE = "No change"
NO_NARRATIVE = "No narrative recorded for this period"  # a card whose every narrative field is blank
