"""The assessment a two-row header's group names: "Before controls" / "Inherent" / "Gross" over Impact,
Likelihood, Score and Rating is the inherent assessment, "After controls" / "Residual" / "Net" / "Current"
the current one, "Target" the target. The words are data: [groups] in workbook_templates/columns.toml.
"""

from __future__ import annotations

import functools

from riskbook.check.findings import Finding, make
from riskbook.model import cell_name, column_letter
from riskbook.scheme.load import header_key, shipped_columns_file

_SET_FIELDS = {"impact": "impact", "likelihood": "likelihood", "score": "score", "rag": "rating"}


@functools.cache
def _groups() -> dict[str, str]:
    """Folded group word -> the assessment it names (inherent, current, target)."""
    table = shipped_columns_file().get("groups", {})
    return {header_key(word): assessment for assessment, words in table.items() for word in words}


def field_in_group(group: str, field: str | None) -> str | None:
    """The field a column of the current assessment's field is, under a group naming an assessment
    ("Before controls" over Impact: inherent_impact); None when the group names none or the field is no
    part of an assessment."""
    if field not in _SET_FIELDS:
        return None
    assessment = _groups().get(header_key(group))
    if assessment is None:
        return None
    return field if assessment == "current" else f"{assessment}_{_SET_FIELDS[field]}"


def names_current(header: str) -> bool:
    """Whether a header starts with a word naming the current assessment ("Residual Likelihood", "Net Impact")."""
    words = header.split()
    return any(_groups().get(header_key(" ".join(words[:n]))) == "current" for n in (1, 2, 3) if len(words) > n)


def group_notices(
    by_group: dict[int, str], columns: dict[str, int], sheet: str, header_row: int, col0: int
) -> list[Finding]:
    """One warning when a header's groups chose the current assessment: which columns, under which group,
    and what the other groups' columns are read as."""
    read = {offset: name for name, offset in columns.items() if offset in by_group}
    current = sorted(offset for offset, name in read.items() if name in _SET_FIELDS)
    if not current:
        return []
    others = sorted(offset for offset in read if offset not in current)
    other_groups = list(dict.fromkeys(by_group[offset] for offset in others))
    # columns whose own header names their assessment ("Gross Impact"), outside any group's reading
    by_header = sorted(
        offset
        for name, offset in columns.items()
        if offset not in by_group and name.startswith(("inherent_", "target_"))
    )
    named = [
        f"{_span([o for o in by_header if _set_of(columns, o) == kind], col0)} as the {kind} assessment "
        "(by their own headers)"
        for kind in dict.fromkeys(_set_of(columns, o) for o in by_header)
    ]
    return [
        make(
            "assessment-by-group",
            sheet,
            cell_name(header_row, col0 + current[0]),
            columns=_span(current, col0),
            group=by_group[current[0]],
            others="; ".join(
                f"{_span([o for o in others if by_group[o] == g], col0)} under {g!r} as the "
                f"{read[next(o for o in others if by_group[o] == g)].split('_')[0]} assessment"
                for g in other_groups
            )
            + ("; " if other_groups and named else "")
            + "; ".join(named)
            or "no other assessment",
        )
    ]


def _set_of(columns: dict[str, int], offset: int) -> str:
    return next(name for name, at in columns.items() if at == offset).split("_")[0]


def _span(offsets: list[int], col0: int) -> str:
    first, last = column_letter(col0 + offsets[0]), column_letter(col0 + offsets[-1])
    return first if first == last else f"{first}–{last}"
