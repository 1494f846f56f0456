"""Where things sit in the panel workbook: sheet names, the Appendix A columns, highlight colours."""

from __future__ import annotations

from dataclasses import dataclass

from riskbook.model import column_letter

TABLE_HEADER_ROW = 3  # 0-based: row 4, below the title (A1), description (A2) and a spacer
FIRST_DATA_ROW = TABLE_HEADER_ROW + 1

CONTENTS = "Contents"
SUMMARY = "Summary"
APPENDIX_A = "Appendix A"
MATRIX = "Matrix"
APPENDIX_B = "Appendix B"
APPENDIX_C = "Appendix C"
APPENDIX_D = "Appendix D"
APPENDIX_E = "Appendix E"
APPENDIX_F = "Appendix F"
SHEET_ORDER = (CONTENTS, SUMMARY, APPENDIX_A, MATRIX, APPENDIX_B, APPENDIX_C, APPENDIX_D, APPENDIX_E, APPENDIX_F)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float


APPENDIX_A_COLUMNS = (
    Column("reference", "Reference", 11),
    Column("owner", "Owner", 24),
    Column("title", "Title", 42),
    Column("impact", "Impact", 11),
    Column("likelihood", "Likelihood", 11),
    Column("status", "Status", 16),
    Column("first_recorded", "First Recorded", 11),
    Column("last_review", "Last Review", 11),
    Column("score", "Current/Proposed Score", 11),
    Column("band", "Rating", 10),
    Column("previous_score", "Previous Score", 10),
    Column("change", "Change", 9),
    Column("proposal", "Proposal", 17),
)
_INDEX = {c.key: i for i, c in enumerate(APPENDIX_A_COLUMNS)}


def a_col(key: str) -> int:
    return _INDEX[key]


def a_letter(key: str) -> str:
    return column_letter(_INDEX[key])


def a_range(key: str, rows: int) -> str:
    """Absolute range of one Appendix A column's data, as other sheets refer to it."""
    letter = a_letter(key)
    last = FIRST_DATA_ROW + max(rows, 1)
    return f"'{APPENDIX_A}'!${letter}${FIRST_DATA_ROW + 1}:${letter}${last}"


# Row highlighting of the paper's legend. Black text on each fill has contrast above 4.5:1.
HIGHLIGHTS = (
    ("archive", "Archived or proposed for archive since the last panel", "#D9D9D9"),
    ("change", "Proposed change to risk score", "#BDD7EE"),
    ("new", "Proposed new risk since the last panel", "#C6EFCE"),
)
