"""Rows under a register's header that are not risks: placeholders, labels, guidance, a second header,
a totals row, a legend block below the table. Each is passed over, and said (Register.passed_over).

Nothing here reads cells as values: the rows come read (the risks) and as typed (the sheet's rows).
The words that mark a totals row or a legend (Total, Key, Итого, 合计…) are data: [rows] in
workbook_templates/columns.toml.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, contains
from typing import Any

from riskbook.model import PassedOver, Risk
from riskbook.read import values as v
from riskbook.scheme.load import header_key, shipped_columns_file
from riskbook.scheme.types import Scheme

# Reasons, as JSON gives them, with the words the text output uses.
REASONS = {
    "placeholder": "numbered blank line",
    "label": "label or note alone in its row",
    "group": "numbered heading of a group of risks",
    "guidance": "guidance row under the header",
    "header": "second header row",
    "totals": "totals row",
    "legend": "legend or key line below the table",
    "continuation": "row continuing the risk above (no reference, name or level of its own)",
    "log-entry": "entry of a RAID log that is not a risk (an assumption, issue, dependency or action)",
    "screened-out": "candidate its screening column says is no risk (Risk Y/N: N)",
    "earlier-version": "risk of an earlier version of the table (the header repeats over the same risks; the last is read)",
}
_NAME_FIELDS = ("title", "description")
_GROUP_WORDS = 5  # a group's heading is a few words; a risk's name may be as short, but has levels beside it
_SCALE_FIELDS = ("impact", "likelihood")
GUIDANCE_ROWS = 3  # rows under the header that may be guidance (a template's instructions sit right under it)
KIND_SAMPLE_ROWS = 200  # rows a column is first looked at in, before it is read whole
_PLACEHOLDER_WORDS = 3  # words a cell of an unfilled template line may hold (a category, a default status)
_PLACEHOLDER_MARK = 2  # a priority letter or a short number beside a pre-numbered reference ("H", "1")


@dataclass(frozen=True, slots=True)
class RowWords:
    """Folded words that mark rows: a totals row's label, a legend's heading."""

    totals: frozenset[str]
    legend: frozenset[str]
    log_risk: frozenset[str]  # a RAID log's word for a risk entry
    log_other: frozenset[str]  # and for its other entries
    screen: frozenset[str]  # a column's header asking whether its row is a risk at all ("Riesgo S/N")
    screen_no: frozenset[str]  # and its answer no


@functools.cache
def row_words() -> RowWords:
    """The [rows] table of the shipped columns.toml."""
    table = shipped_columns_file()["rows"]
    names = ("totals", "legend", "log_risk", "log_other", "screen", "screen_no")
    return RowWords(*(frozenset(map(header_key, table[name])) for name in names))


@dataclass(slots=True)
class _Table:
    """What the classifier needs of the register: its rows as typed and where its fields are."""

    rows: list[list[Any]]
    row0: int  # sheet row of rows[0]
    first: int  # index in rows of the first row under the header
    width: int  # the header's: cells beyond it belong to no risk
    columns: dict[str, int]  # field -> offset in a row
    header_words: frozenset[str]  # folded header texts: a row of them is a header again
    header_cells: list[Any]  # the header row as typed: a blank over a column is a merged heading's sub-column
    is_scale_word: Callable[[str], bool]
    words: RowWords
    scale_names: dict[str, str]  # folded header -> field, as the scheme's [columns] name them

    def cells(self, sheet_row: int) -> list[Any]:
        return self.rows[sheet_row - self.row0]

    def filled(self, sheet_row: int) -> list[tuple[int, Any]]:
        cells = self.cells(sheet_row)[: self.width]
        return [(offset, cell) for offset, cell in enumerate(cells) if not v.is_blank(cell)]


def passed_over_line(passed: tuple[PassedOver, ...]) -> str:
    """One line: how many rows were passed over and why ("" for none)."""
    if not passed:
        return ""
    by_reason: dict[str, list[int]] = {}
    for item in passed:
        by_reason.setdefault(item.reason, []).append(item.row + 1)
    parts = [f"{len(rows)} × {REASONS[reason]} ({_row_list(rows)})" for reason, rows in by_reason.items()]
    count = len(passed)
    return f"Passed over {count} row{'s' if count != 1 else ''} that {'are' if count != 1 else 'is'} not risks: " + (
        "; ".join(parts)
    )


def _row_list(rows: list[int]) -> str:
    """Rows 4, 7–9 and 12 (runs joined; past six runs, the rest counted)."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    shown = [f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs[:6]]
    more = f" and {len(runs) - 6} more" if len(runs) > 6 else ""
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(shown) + more


def pass_over(
    risks: list[Risk],
    rows: list[list[Any]],
    row0: int,
    first: int,
    width: int,
    columns: dict[str, int],
    header_words: frozenset[str],
    scheme: Scheme,
    total_rows: AbstractSet[int] = frozenset(),
) -> tuple[list[Risk], tuple[PassedOver, ...]]:
    """The risks that are risks, and the rows passed over (sheet row, reason) in sheet order.

    first is the index in rows of the first row under the header; total_rows are the sheet rows of an
    Excel table's Total Row. The row readers already leave out a row holding only a reference; it is
    counted here as a placeholder.
    """
    header_cells = rows[first - 1] if first > 0 else []
    table = _Table(
        rows, row0, first, width, columns, header_words, header_cells, _scale_words(scheme), row_words(),
        scheme.header_lookup,
    )  # fmt: skip
    entries = {row: "log-entry" for row in _log_entries(risks, table, first)}
    entries |= {row: "screened-out" for row in _screened_out(risks, table, first)}
    if entries:
        risks = [risk for risk in risks if risk.row not in entries]
    elif _all_plain(risks, table, row0 + first, total_rows):
        return risks, ()
    kept: list[Risk] = []
    passed: list[PassedOver] = [PassedOver(row, reason) for row, reason in sorted(entries.items())]
    previous = row0 + first - 1
    gap = False  # a wholly blank row since the last row kept or passed over
    in_legend = False
    seen_risk = False
    for risk in risks:
        row = risk.row
        if row > previous + 1:
            for sheet_row in range(previous + 1, row):  # rows the readers left out: blank, or only an id
                if sheet_row in entries:
                    continue
                reason = _left_out_kind(table, sheet_row, total_rows)
                if reason is None:
                    gap = True
                    continue
                passed.append(PassedOver(sheet_row, reason))
                in_legend, gap = in_legend or reason == "legend", False
        previous = row
        if total_rows and row in total_rows:
            passed.append(PassedOver(row, "totals"))
            gap = False
            continue
        # Most rows, first: a name and a scale value read, nothing unreadable (a totals row has no name;
        # Excel's Total Row is known by the table part, above).
        values = risk.values
        plain = not risk.invalid and "title" in values and ("impact" in values or "likelihood" in values)
        if plain and not in_legend and not (gap and seen_risk):  # below a gap, a key's first line reads as levels
            kept.append(risk)
            seen_risk, gap = True, False
            continue
        reason = _row_kind(risk, table, seen_risk)
        if reason is None and (in_legend or (gap and seen_risk)) and not _risk_like(risk, table, kept):
            reason = "legend"
        if reason == "placeholder" and in_legend:  # a key's line with a 0 in it
            reason = "legend"
        if reason == "label" and _heads_legend(table.filled(risk.row)[0][1], table):
            reason = "legend"
        in_legend = in_legend or reason == "legend"
        if reason is None:
            kept.append(risk)
            seen_risk, in_legend = True, False
        else:
            passed.append(PassedOver(risk.row, reason))
        gap = gap and reason == "header"  # a header again below a gap heads a key as often as more risks
    for sheet_row in range(previous + 1, row0 + len(rows)):
        if sheet_row in entries:
            continue
        reason = _left_out_kind(table, sheet_row, total_rows)
        if reason is not None:
            passed.append(PassedOver(sheet_row, reason))
    if not passed:
        return risks, ()
    if not kept:  # guidance comes before risks: rows that would leave none are the risks, with their findings
        guidance = {p.row for p in passed if p.reason == "guidance"}
        kept = [risk for risk in risks if risk.row in guidance]
        passed = [p for p in passed if p.row not in guidance]
    kept, passed = _latest_version(kept, passed)
    passed.sort(key=lambda p: p.row)
    return kept, tuple(passed)


def _log_entries(risks: list[Risk], table: _Table, first: int) -> set[int]:
    """The sheet rows of a RAID log's entries that are not risks: a column whose every filled cell, in the
    first KIND_SAMPLE_ROWS rows and then in all, is a kind of entry (Risk, Assumption, Issue, Dependency), with
    risks among others, says which rows are risks."""
    words = table.words
    any_kind = words.log_risk | words.log_other
    sample = table.rows[first : first + KIND_SAMPLE_ROWS]
    for offset in range(table.width):
        filled = (row[offset] for row in sample if offset < len(row) and not v.is_blank(row[offset]))
        if _kind(next(filled, None)) not in any_kind:
            continue  # most columns: the first filled cell says it at once
        kinds = _entry_kinds([row[offset] for row in sample if offset < len(row)], words)
        if kinds is None or not kinds & words.log_risk or not kinds & words.log_other:
            continue
        column = [row[offset] if offset < len(row) else None for row in table.rows[first:]]
        if _entry_kinds(column, words) is None:
            continue
        rows = {risk.row for risk in risks}
        start = table.row0 + first
        others = {cell for cell in set(column) if _kind(cell) in words.log_other}
        return {start + at for at, cell in enumerate(column) if cell in others and start + at in rows}
    return set()


def _screened_out(risks: list[Risk], table: _Table, first: int) -> set[int]:
    """The sheet rows a screening column answers no ("Riesgo S/N": N, "Risk Y/N": N): candidates found not
    to be risks. Every filled cell of the column must be a yes or a no."""
    words = table.words
    offset = next((at for at, cell in enumerate(table.header_cells) if _kind(cell) in words.screen), None)
    if offset is None:
        return set()
    column = [row[offset] if offset < len(row) else None for row in table.rows[first:]]
    answers = {_kind(cell) for cell in set(column) if not v.is_blank(cell)}
    if not answers & words.screen_no or len(answers) > 2 or not all(len(answer) <= 3 for answer in answers):
        return set()
    rows = {risk.row for risk in risks}
    start = table.row0 + first
    return {start + at for at, cell in enumerate(column) if _kind(cell) in words.screen_no and start + at in rows}


def _entry_kinds(cells: list[Any], words: RowWords) -> set[str] | None:
    """The kinds of entry a column's filled cells name, or None where one is no kind of entry."""
    kinds = {_kind(cell) for cell in set(cells) if not v.is_blank(cell)}
    return kinds if kinds and kinds <= words.log_risk | words.log_other else None


def _kind(cell: Any) -> str:
    return header_key(cell) if isinstance(cell, str) else ""


def _latest_version(kept: list[Risk], passed: list[PassedOver]) -> tuple[list[Risk], list[PassedOver]]:
    """A sheet that repeats its header over the same risks (V1.0, V1.1 (Revised), V1.2 below each other)
    holds versions of one register: the last is read, the earlier ones passed over and counted."""
    cuts = [p.row for p in passed if p.reason == "header" and kept and p.row > kept[0].row]
    if not cuts:
        return kept, passed
    last = [risk for risk in kept if risk.row > cuts[-1]]
    earlier = [risk for risk in kept if risk.row < cuts[-1]]
    names = {_risk_name(risk) for risk in last} - {""}
    again = names & {_risk_name(risk) for risk in earlier}
    if len(last) < 2 or not names or len(again) * 2 < len(names):
        return kept, passed
    return last, passed + [PassedOver(risk.row, "earlier-version") for risk in earlier]


def _risk_name(risk: Risk) -> str:
    name = risk.values.get("title") or risk.values.get("reference") or ""
    return " ".join(str(name).casefold().split())


def _scale_words(scheme: Scheme) -> Callable[[str], bool]:
    """Whether a text is one of the scheme's impact or likelihood words (a legend lists them)."""
    scales = [scale for scale in (scheme.impact_scale, scheme.likelihood_scale) if scale is not None]
    return lambda text: (
        scheme.value_for_label(text) is not None or any(scale.value_for_label(text) is not None for scale in scales)
    )


def _all_plain(risks: list[Risk], table: _Table, first_row: int, total_rows: AbstractSet[int]) -> bool:
    """Whether every row under the header is a risk read plainly (most registers): no row left out, none
    after the last risk, each with a name and a scale value, nothing unreadable: the rule pass_over's loop
    applies row by row, asked in a few passes in C, so a clean register of 100,000 risks costs milliseconds."""
    if not risks or risks[0].row != first_row or risks[-1].row - first_row + 1 != len(risks):
        return False
    if any(table.filled(row) for row in range(risks[-1].row + 1, table.row0 + len(table.rows))):
        return False
    if total_rows and not total_rows.isdisjoint(map(attrgetter("row"), risks)):
        return False
    if any(map(attrgetter("invalid"), risks)):
        return False
    values = list(map(attrgetter("values"), risks))
    if not all(map(contains, values, repeat("title"))):
        return False
    return all(map(contains, values, repeat("impact"))) or all(map(contains, values, repeat("likelihood")))


def _left_out_kind(table: _Table, sheet_row: int, total_rows: AbstractSet[int]) -> str | None:
    """Why the readers left a row out (it holds one cell, in the reference column), or None for a blank row:
    a pre-numbered line's id, or a word alone (a group's label, a legend's heading, a total)."""
    filled = table.filled(sheet_row)
    if not filled:
        return None
    if sheet_row in total_rows:
        return "totals"
    cell = filled[0][1]
    if not isinstance(cell, str):
        return "placeholder"
    folded = v.fold_header(cell)
    if folded in table.words.totals:
        return "totals"
    if _heads_legend(cell, table):
        return "legend"
    text = cell.strip()
    looks_like_an_id = not any(ch.isspace() for ch in text) and any(ch.isdigit() for ch in text)
    return "placeholder" if looks_like_an_id else "label"


def _row_kind(risk: Risk, table: _Table, seen_risk: bool) -> str | None:
    """Why a row is not a risk, or None: by its own cells, whatever rows are around it."""
    filled = table.filled(risk.row)
    if not filled:
        return None
    texts = [v.fold_header(cell) for _, cell in filled if isinstance(cell, str)]
    first_text = texts[0] if texts and isinstance(filled[0][1], str) else ""
    reference = risk.values.get("reference")
    if first_text in table.words.totals or (reference and v.fold_header(reference) in table.words.totals):
        return "totals"
    if len(texts) >= 2 and sum(1 for t in texts if t in table.header_words) * 2 >= len(filled):
        return "header"
    if _placeholder(filled, table) or _numbers_without_a_name(risk, filled) or _unfilled_line(risk, filled, table):
        return "placeholder"
    if len(filled) == 1:
        return "label"
    if _numbered_group(risk, filled, table):
        return "group"
    if seen_risk and _continues(risk, table):
        return "continuation"
    if not seen_risk and _sub_headings(risk, filled, table):
        return "header"
    if not seen_risk and risk.row - table.row0 - table.first < GUIDANCE_ROWS and _guidance(risk, filled, table):
        return "guidance"
    return None


def _placeholder(filled: list[tuple[int, Any]], table: _Table) -> bool:
    """A pre-numbered line: an id and at most a priority letter (or a short mark), no name."""
    ref_offset = table.columns.get("reference")
    names = {table.columns[n] for n in _NAME_FIELDS if n in table.columns}
    others = [cell for offset, cell in filled if offset != ref_offset]
    if any(offset in names for offset, _ in filled) or len(others) > 1:
        return False
    if others and not _formula_zero(others[0]) and len(str(others[0]).strip()) > _PLACEHOLDER_MARK:
        return False
    has_id = len(others) < len(filled)
    return has_id or bool(others)


def _numbered_group(risk: Risk, filled: list[tuple[int, Any]], table: _Table) -> bool:
    """A group's heading over the risks in it ("1 | Legal", "2 | Climate and outdoor condition"): a number
    in a column no field reads (or in the reference column, over risks numbered 1.1, 1.2), a few words as
    the name, and nothing else of a risk's."""
    if len(filled) != 2 or set(risk.values) - {"title", "description", "reference"} or risk.invalid:
        return False
    reference_at = table.columns.get("reference")
    if _heads_the_next(risk, filled, reference_at, table):
        number_at, name_at, name = reference_at, *next((at, cell) for at, cell in filled if at != reference_at)
    else:
        (number_at, number), (name_at, name) = sorted(filled, key=lambda cell: isinstance(cell[1], str))
        parsed = v.parse_number(number)
        if parsed is None or not float(parsed).is_integer():
            return False
        if number_at in set(table.columns.values()) and not _numbers_the_next(risk.row, int(parsed), number_at, table):
            return False
    names = {table.columns[n] for n in _NAME_FIELDS if n in table.columns}
    return name_at in names and isinstance(name, str) and len(name.split()) <= _GROUP_WORDS


def _heads_the_next(risk: Risk, filled: list[tuple[int, Any]], reference_at: int | None, table: _Table) -> bool:
    """Whether the row's reference ends in a section of zeros and the row below is numbered within it
    ("1.1.000 | Functionality: Suitability" over "1.1.001"): a heading, numbered as its risks are."""
    reference = next((cell for at, cell in filled if at == reference_at), None)
    if not isinstance(reference, str) or risk.row + 1 >= table.row0 + len(table.rows):
        return False
    stem, dot, last = reference.strip().rpartition(".")
    if not dot or not last or set(last) != {"0"}:
        return False
    below = dict(table.filled(risk.row + 1)).get(reference_at)
    if not isinstance(below, str):
        return False
    below_stem, _, below_last = below.strip().rpartition(".")
    return below_stem == stem and below_last.isdigit() and set(below_last) != {"0"}


def _numbers_the_next(row: int, number: int, offset: int, table: _Table) -> bool:
    """Whether the row below numbers itself under this one (1, then 1.1): a group's heading in the reference
    column, where a risk of its own would be numbered as a risk."""
    if row + 1 >= table.row0 + len(table.rows):
        return False
    below = dict(table.filled(row + 1)).get(offset)
    return isinstance(below, str) and below.strip().startswith(f"{number}.")


def _formula_zero(cell: Any) -> bool:
    """A template's formula over an empty line shows 0 (a rating, a score): no mark of a risk."""
    return isinstance(cell, int | float) and not isinstance(cell, bool) and cell == 0


def _continues(risk: Risk, table: _Table) -> bool:
    """A row under a risk that holds none of what makes a risk (a reference, a name, a level), only other
    columns: the risk above's further controls, costs or notes, written on rows of their own."""
    if "reference" not in table.columns:
        return False
    own = ("reference", *_NAME_FIELDS, *_SCALE_FIELDS)
    return not any(name in risk.values or name in risk.invalid for name in own)


def _unfilled_line(risk: Risk, filled: list[tuple[int, Any]], table: _Table) -> bool:
    """A template's line not yet filled in: numbered or its formulas showing 0, no name, its levels and score
    blank or a formula's 0, and nothing else but short words (a category, a status's default: "nicht
    eingetreten")."""
    names = {table.columns[n] for n in _NAME_FIELDS if n in table.columns}
    levels = {table.columns[n] for n in (*_SCALE_FIELDS, "score", "rag") if n in table.columns}
    numbered = table.columns.get("reference") in {offset for offset, _ in filled}
    zeros = any(offset in levels and _formula_zero(cell) for offset, cell in filled)
    if not (numbered or zeros) or not levels or any(offset in names for offset, _ in filled):
        return False
    for offset, cell in filled:
        if offset in levels and not _formula_zero(cell):
            return False
        if isinstance(cell, str) and len(cell.split()) > _PLACEHOLDER_WORDS:
            return False
    return True


def _numbers_without_a_name(risk: Risk, filled: list[tuple[int, Any]]) -> bool:
    """A template's pre-filled line: no name, no level, no text at all, only numbers (a formula's score of 0, a
    rank). A row with its levels typed and no name is a risk missing its name."""
    if any(name in risk.values or name in risk.invalid for name in _NAME_FIELDS + _SCALE_FIELDS):
        return False
    return not any(isinstance(cell, str) for _, cell in filled)


def _sub_headings(risk: Risk, filled: list[tuple[int, Any]], table: _Table) -> bool:
    """The lower half of a two-row header read as a row (影响 over 范围, 质量, 进度, 成本; Riesgo over Fuente,
    Consecuencia): before any risk, no level, short words only, and at least one of them under a blank of
    the header (a merged heading's sub-column)."""
    if len(filled) < 2 or any(name in risk.values for name in _SCALE_FIELDS):
        return False
    if not all(
        isinstance(cell, str) and len(cell.split()) <= 4 and len(" ".join(cell.split())) <= 30 for _, cell in filled
    ):
        return False
    header = table.header_cells
    return any(offset >= len(header) or v.is_blank(header[offset]) for offset, _ in filled)


def _guidance(risk: Risk, filled: list[tuple[int, Any]], table: _Table) -> bool:
    """A row of instructions under the header ("Date risk was entered."): nothing in it reads as a value,
    and it speaks in sentences. Levels in words the scheme does not know (Medio, Alto) are a risk's
    findings, not instructions: where the unreadable levels are short words, the row is a risk."""
    values = risk.values
    if any(name in values for name in ("impact", "likelihood", "score", "first_recorded", "last_review")):
        return False
    if not risk.invalid:
        return False
    reference = values.get("reference")
    if reference is not None and not _sentence(reference):
        return False  # a risk with an id whose levels could not be read is a risk with findings, not guidance
    cells = table.cells(risk.row)
    levels = [cells[table.columns[n]] for n in _SCALE_FIELDS if n in risk.invalid and table.columns[n] < len(cells)]
    if levels and not any(_sentence(cell) for cell in levels):
        return False
    return any(_sentence(cell) for _, cell in filled)


def _sentence(cell: Any) -> bool:
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    words = len(text.split())
    return (words > 1 and text.endswith((".", "?", ":"))) or text.casefold().startswith("e.g") or words >= 4


def _risk_like(risk: Risk, table: _Table, kept: list[Risk]) -> bool:
    """Whether a row below a gap reads as a risk rather than a legend line: a name in words (not a number,
    not one of the scale's words), an impact or likelihood read from it, and a reference if the risks
    above have theirs."""
    values = risk.values
    if "reference" not in values and kept and "reference" in kept[-1].values:
        return False
    name = values.get("title") or risk.get("description")
    if not isinstance(name, str) or v.parse_number(name) is not None or table.is_scale_word(name):
        return False
    return any(field in values or _number_kept(risk, field) for field in _SCALE_FIELDS)


def _number_kept(risk: Risk, name: str) -> bool:
    """A level kept as typed because the scale has no such level (a draft's reading, a scale of words) but
    a number: a risk's level, where a key's cells are words and references."""
    kept = risk.invalid.get(name)
    return kept is not None and v.parse_number(kept.raw) is not None


def _heads_legend(cell: Any, table: _Table) -> bool:
    """A cell alone in its row reading Key, Legend, Scoring…, or naming a scale ("Impacto" over a matrix drawn
    below the table), starts a legend block."""
    if not isinstance(cell, str):
        return False
    key = v.fold_header(cell)
    return key in table.words.legend or table.scale_names.get(key) in _SCALE_FIELDS
