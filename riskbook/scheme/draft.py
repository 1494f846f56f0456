"""Drafting a scheme from a register: its header, scales, statuses, references and ratings, as commented TOML.

The draft is a start, not a verdict: every guess is said in a comment for the risk unit to check.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from riskbook.errors import SchemeError
from riskbook.model import Register
from riskbook.read.header_qualifier import header_legend, listed_levels
from riskbook.read.values import parse_scale
from riskbook.scheme.known_words import rating_rank
from riskbook.scheme.load import MAX_LABEL, MAX_REVIEW_MONTHS, load_scheme, scheme_from_text
from riskbook.scheme.scale_order import MAX_LEVELS, draft_axes, pair_numbers
from riskbook.scheme.scale_types import DraftedScale, Level, Row
from riskbook.scheme.types import NUMBER_DIGITS, Scale, Scheme, spelt_number
from riskbook.xlsx.text import TERMINAL, safe_text

# Band colours by the words a rating uses: (fill, font); anything else is grey.
COLOURS = {
    "red": ("#C00000", "#FFFFFF"),
    "extreme": ("#C00000", "#FFFFFF"),
    "critical": ("#C00000", "#FFFFFF"),
    "very high": ("#C00000", "#FFFFFF"),
    "high": ("#ED7D31", "#000000"),
    "amber": ("#FFC000", "#000000"),
    "medium": ("#FFC000", "#000000"),
    "moderate": ("#FFFF00", "#000000"),
    "green": ("#00B050", "#000000"),
    "low": ("#00B050", "#000000"),
}
RAG_NAMES = {"red": "High", "amber": "Medium", "green": "Low"}
MAX_STATUSES = 12


def draft_scheme(
    register: Register, columns: dict[str, str] | None = None, legend_rows: Iterable[list[Any]] = ()
) -> str:
    """A commented scheme TOML for a register read with draft_reading_scheme(); columns are the
    --column mappings used to read it, kept in the draft. legend_rows are the workbook's rows that hold
    no risk (other sheets, a legend under the table): a legend there may give the scales' order."""
    risks = register.risks
    rows = [
        Row(_raw(r, "impact"), _raw(r, "likelihood"), _whole(r.values.get("score")), _rating_of(r) or None)
        for r in risks
    ]
    level_values = _raw_values(register, "impact") + _raw_values(register, "likelihood")
    top_number = max(
        (n for n in map(_as_number, level_values) if n is not None and 1 <= n <= MAX_LEVELS),
        default=3,
    )
    stated = _stated_scores(register)
    if not level_values and stated:
        top_number = _side_for_scores(stated)
    keys = _header_legends(register)
    impact, likelihood = draft_axes(
        rows, list(legend_rows), top_number, _paired_columns(register), _listed(register), keys
    )
    reason = ""
    for left_out in _FALLBACKS:
        text = _compose(register, columns or {}, impact, likelihood, left_out, reason)
        try:
            scheme_from_text(text, "the draft")
        except SchemeError as exc:
            reason = str(exc).removeprefix("scheme the draft")
            continue
        return text
    return text  # write_draft refuses it, naming the output


# What the draft leaves out, in turn, when what it read would not load (a status of a paragraph, ratings
# that clash): the parts then carry a commented default with the reason.
_FALLBACKS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"statuses"}),
    frozenset({"statuses", "ratings"}),
    frozenset({"statuses", "ratings", "matrix"}),
)


def _compose(
    register: Register,
    columns: dict[str, str],
    impact: DraftedScale,
    likelihood: DraftedScale,
    left_out: frozenset[str],
    reason: str,
) -> str:
    risks = register.risks
    out = [
        f"# Drafted by riskbook from {_comment(Path(register.path).name)}, sheet {register.sheet!r}, header row "
        f"{register.header_row + 1}.",
        "# Every guess is marked: check it, then pass this file with --scheme.",
        "",
        f"name = {_q('Drafted from ' + Path(register.path).name)}",
        "",
    ]
    out += _reference_lines([r.reference for r in risks if r.reference])
    out += _scales_lines(impact, likelihood)
    impact_scale, likelihood_scale = impact.as_scale(), likelihood.as_scale()
    seen: dict[tuple[str, Any], int | None] = {}  # (axis, cell) -> level: registers repeat their cells
    pairs = [
        (_level(impact_scale, r, "impact", seen), _level(likelihood_scale, r, "likelihood", seen), r) for r in risks
    ]
    pairs = [(i, j, r) for i, j, r in pairs if i is not None and j is not None]
    scores_only = not pairs and bool(_stated_scores(register))
    if scores_only:
        out += [
            f"# GUESS: the register states scores and no impact or likelihood: {len(impact.levels)} levels each, the",
            "# smallest square scale whose products hold every score it states. Add the two columns to the register.",
            "",
        ]
        pairs = [(0, 0, r) for r in risks if _whole(r.values.get("score")) is not None]
    matrix, scores_comparable, how = _number_matrix(impact, likelihood)
    if matrix is None and "matrix" not in left_out:
        matrix = _matrix(pairs, len(impact.levels), len(likelihood.levels))
        how = _FROM_STATED_SCORES
    if matrix is not None:
        out += _matrix_lines(matrix, how)
    score = (lambda i, j: matrix[i - 1][j - 1]) if matrix is not None else (lambda i, j: i * j)
    cells = [score(i, j) for i in range(1, len(impact.levels) + 1) for j in range(1, len(likelihood.levels) + 1)]
    if "ratings" in left_out:
        out += [f"# The register's ratings are left out: as bands they would not load ({reason.strip(': ')})."]
        pairs = [(i, j, _Unrated(r)) for i, j, r in pairs]
    rated = (lambda _i, _j, risk: risk.values["score"]) if scores_only else _rated_score(pairs, score)
    out += _band_lines(pairs, rated, max(cells), min(cells))
    if "statuses" in left_out:
        out += [f"# The register's statuses are left out: as written they would not load ({reason.strip(': ')}).", ""]
    else:
        out += _status_lines([r.get("status") for r in risks if r.get("status")])
    out += _column_lines(register)
    fractions = _fractional_scores(register)
    if fractions and scores_comparable:
        scores_comparable = False
        why = f"# The register's scores are not whole numbers ({', '.join(fractions)}), and riskbook scores in whole"
        out += ["", why, "# numbers: its Score column is not read; riskbook works each score out from the scales."]
        out += ["[columns.score]", "aliases = []"]
    elif not scores_comparable and register.has("score"):
        out += [
            "",
            "# The register's scores are products of its own numbers (fractions, or below 0), which riskbook",
            "# cannot score with as they are; it scores by the matrix above, so the register's Score column is not read.",
            "[columns.score]",
            "aliases = []",
        ]
    for name, header in columns.items():
        if name == "score" and not scores_comparable:
            continue
        out += ["", f"[columns.{name}]", f"aliases = [{_q(header)}]"]
    return "\n".join(out) + "\n"


class _Unrated:
    """A risk as the bands see it when its rating is left out."""

    def __init__(self, risk):
        self.values = risk.values

    def get(self, name: str, default: Any = None) -> Any:
        return None if name == "rag" else self.values.get(name, default)


def _fractional_scores(register: Register) -> list[str]:
    """A few of the register's stated scores that are numbers but not whole (13.33: a mean's product)."""
    found: dict[str, None] = {}
    for risk in register.risks:
        raw = risk.invalid["score"].raw if "score" in risk.invalid else None
        number = spelt_number(raw) if isinstance(raw, str) else raw if isinstance(raw, float) else None
        if number is not None and not float(number).is_integer():
            found[f"{number:g}"] = None
            if len(found) == 3:
                break
    return list(found)


def _rating_of(risk: Any) -> Any:
    """A risk's rating: its rating column's, else band words in its score column ("Risk Değeri": Orta)."""
    rating = risk.get("rag")
    if rating or isinstance(risk, _Unrated):
        return rating
    stated = _raw(risk, "score")
    return stated if isinstance(stated, str) and stated.strip() and spelt_number(stated) is None else None


def _raw(risk, name: str) -> Any:
    return risk.invalid[name].raw if name in risk.invalid else risk.values.get(name)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _scales_lines(impact: DraftedScale, likelihood: DraftedScale) -> list[str]:
    same = impact.as_scale().labels == likelihood.as_scale().labels and [
        (lv.aliases, lv.description) for lv in impact.levels
    ] == [(lv.aliases, lv.description) for lv in likelihood.levels]
    out: list[str] = []
    if same:
        notes = sorted({impact.evidence, likelihood.evidence})
        out += [f"# One scale for both axes, lowest first ({'; '.join(notes)})."]
        out += _scale_lines("scale", impact.levels)
        for axis in (impact, likelihood):
            if axis.guessed:
                out += [f"[{axis.axis}]", 'order = "guessed"  # remove this line once the order is right', ""]
        return out
    for axis in (impact, likelihood):
        out += [f"# {axis.axis.capitalize()}, lowest first: {axis.evidence}."]
        out += [f"[{axis.axis}]"]
        if axis.guessed:
            out += ['order = "guessed"  # remove this line once the order is right']
        out += _scale_lines(f"{axis.axis}.scale", axis.levels)
    return out


def _number_matrix(impact: DraftedScale, likelihood: DraftedScale) -> tuple[list[list[int]] | None, bool, str]:
    """Where the register scores with numbers other than the levels (0–8, 0.1–0.9, -3, 2.5): the matrix of
    their products, made whole and not below 0; and whether the register's stated scores can be compared
    with it (only when that took no scaling)."""
    if not (impact.scored_as_numbers or likelihood.scored_as_numbers):
        return None, True, ""

    def numbers(axis: DraftedScale) -> list[float]:
        return [lv.number if lv.number is not None else float(n) for n, lv in enumerate(axis.levels, start=1)]

    products = [[a * b for b in numbers(likelihood)] for a in numbers(impact)]
    factor = next(
        (
            10**d
            for d in range(NUMBER_DIGITS * 2 + 1)
            if all(abs(p * 10**d - round(p * 10**d)) < 1e-6 for row in products for p in row)
        ),
        10 ** (NUMBER_DIGITS * 2),
    )
    whole = [[round(p * factor) for p in row] for row in products]
    shift = -min(min(row) for row in whole)
    shift = max(shift, 0)
    how = "# The register scores with its own numbers: each score is its impact × likelihood"
    how += f", × {factor} to make it whole" if factor != 1 else ""
    how += f", + {shift} to make it 0 or more" if shift else ""
    how += " (rows: impact, lowest first; columns: likelihood)."
    return [[p + shift for p in row] for row in whole], factor == 1 and shift == 0, how


_FROM_STATED_SCORES = (
    "# The register's scores are not impact × likelihood: read off this matrix (rows: impact, lowest first;\n"
    "# columns: likelihood). Cells the register never uses are guessed as the product: check them."
)


def draft_reading_scheme() -> Scheme:
    """The default scheme with one-level scales, so that every scale word is kept as typed."""
    base = load_scheme()
    one = {1: "\x00"}
    return dataclasses.replace(
        base,
        impact_scale=Scale("impact", one, {}),
        likelihood_scale=Scale("likelihood", one, {}),
        statuses=(),
        reference_pattern="",
    )


def rows_without_risks(register: Register, max_bytes: int | None = None) -> list[list[Any]]:
    """Every row of the register's workbook that is no risk and no header: its other sheets, and whatever
    sits around the table (a legend or key under it), where a scale's words may be numbered."""
    from riskbook.source.grid import open_grid

    grid = open_grid(register.path, None, max_bytes)
    taken = {risk.row for risk in register.risks} | {register.header_row}
    out: list[list[Any]] = []
    for name in grid.names:
        rows, row0, _ = grid.rows(name)
        if name == register.sheet:
            out += [row for at, row in enumerate(rows, start=row0) if at not in taken]
        else:
            out += rows
    return out


def write_draft(text: str, output: str | os.PathLike[str]) -> Path:
    from riskbook.xlsx.writer import atomic_path

    target = Path(output)
    scheme_from_text(text, str(output))  # the draft must load as it stands; an error names the user's file
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
    return target


def _paired_columns(register: Register) -> dict[str, tuple[str, dict[str, int]]]:
    """Per axis written in words, the first of the register's other columns that numbers each word."""
    found = {}
    for axis in ("impact", "likelihood"):
        words = [_raw(risk, axis) for risk in register.risks]
        for _, name in register.extra_columns:
            mapping = pair_numbers(words, [risk.extras.get(name) for risk in register.risks])
            if mapping is not None:
                found[axis] = (name, mapping)
                break
    return found


def _listed(register: Register) -> dict[str, list[str]]:
    """Per axis, the levels its header lists ("Impacto (A/M/B)")."""
    headers = register.column_headers
    return {axis: found for axis in ("impact", "likelihood") if (found := listed_levels(headers.get(axis, "")))}


def _header_legends(register: Register) -> dict[str, list[list[Any]]]:
    """Per axis, the numbered levels its header cell lists on its later lines ("1-Baixo"), as a key's rows."""
    headers = register.column_headers
    found = {axis: [[n, word] for n, word in header_legend(headers.get(axis, ""))] for axis in ("impact", "likelihood")}
    return {axis: rows for axis, rows in found.items() if rows}


def _stated_scores(register: Register) -> list[int]:
    return [score for score in (_whole(r.values.get("score")) for r in register.risks) if score is not None]


def _side_for_scores(scores: list[int]) -> int:
    """The fewest levels a square scale needs for every score to be a product of two of them (20 = 4 × 5:
    five), or, where no square holds them all, for its top product to reach the highest score."""
    for side in range(3, MAX_LEVELS + 1):
        products = {i * j for i in range(1, side + 1) for j in range(1, side + 1)}
        if all(score in products for score in scores):
            return side
    return next((side for side in range(3, MAX_LEVELS + 1) if side * side >= max(scores)), MAX_LEVELS)


def _raw_values(register: Register, name: str) -> list[Any]:
    values = []
    for risk in register.risks:
        if name in risk.invalid:
            values.append(risk.invalid[name].raw)
        elif name in risk.values:
            values.append(risk.values[name])
    return values


def _as_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


def _scale_lines(key: str, levels: list[Level]) -> list[str]:
    lines = []
    for value, level in enumerate(levels, start=1):
        lines += [f"[[{key}]]", f"value = {value}", f"label = {_q(level.label)}"]
        if level.aliases:
            lines.append(f"aliases = [{', '.join(_q(a) for a in level.aliases)}]")
        if level.description:
            lines.append(f"description = {_q(level.description)}")
    return [*lines, ""]


def _level(scale: Scale, risk, name: str, seen: dict[tuple[str, Any], int | None]) -> int | None:
    raw = _raw(risk, name)
    if raw is None:
        return None
    key = (name, raw)
    if key not in seen:
        found = parse_scale(raw, scale)
        seen[key] = found if isinstance(found, int) else None
    return seen[key]


def _matrix(pairs, rows: int, cols: int) -> list[list[int]] | None:
    """A lookup matrix when the register's stated scores are not the product and agree with each other."""
    seen: dict[tuple[int, int], int] = {}
    for i, j, risk in pairs:
        stated = risk.values.get("score")
        if stated is None:
            continue
        if seen.setdefault((i, j), stated) != stated:
            return None  # the register contradicts itself: leave the product
    if not seen or all(score == i * j for (i, j), score in seen.items()):
        return None
    return [[seen.get((i, j), i * j) for j in range(1, cols + 1)] for i in range(1, rows + 1)]


def _matrix_lines(matrix: list[list[int]], how: str) -> list[str]:
    lines = [*how.split("\n"), "[matrix]", "scores = ["]
    lines += [f"  [{', '.join(str(s) for s in row)}]," for row in matrix]
    return [*lines, "]", ""]


def _rated_score(pairs, score):
    """The score a risk's rating rates: impact × likelihood, or, where those are the inherent set (its
    inherent score is their product on most rows, the current score is not), the current score stated."""
    inherent = sum(1 for i, j, r in pairs if _whole(r.values.get("inherent_score")) == score(i, j))
    current = sum(1 for i, j, r in pairs if _whole(r.values.get("score")) == score(i, j))
    if inherent <= len(pairs) / 2 or current >= inherent:
        return lambda i, j, _risk: score(i, j)
    return lambda i, j, risk: _whole(risk.values.get("score")) or score(i, j)


def _band_lines(pairs, score, top: int, bottom: int = 1) -> list[str]:
    by_rating: dict[str, list[int]] = {}  # band name -> the scores of the risks rated so
    words: dict[str, set[str]] = {}  # band name -> the other words the register uses for it ("Amber")
    spelled: dict[str, str] = {}  # a rating as first written, by its folded form: "high" is "High"
    for i, j, risk in pairs:
        rating = _rating_of(risk)
        if rating:
            word = " ".join(str(rating).split())
            name = RAG_NAMES.get(word.casefold()) or spelled.setdefault(word.casefold(), word)
            by_rating.setdefault(name, []).append(score(i, j, risk))
            if name != word:
                words.setdefault(name, set()).add(word)
    if not by_rating:
        third = max((top - bottom + 1) // 3, 1)
        spans = [
            ("Low", bottom, bottom + third - 1),
            ("Medium", bottom + third, bottom + 2 * third - 1),
            ("High", bottom + 2 * third, top),
        ]
        spans = [s for s in spans if s[1] <= s[2]]
        note = "GUESS: the register has no rating column; three even bands"
    else:
        ordered = sorted(by_rating.items(), key=lambda item: (min(item[1]), max(item[1])))
        spans, start = [], bottom
        for n, (name, scores) in enumerate(ordered):
            end = top if n == len(ordered) - 1 else max(max(scores), start)
            if n < len(ordered) - 1:
                end = max(min(min(ordered[n + 1][1]) - 1, end), start)
            spans.append((name, start, end))
            start = end + 1
        spans = [s for s in spans if s[1] <= s[2]]
        note = "from the register's ratings and the scores of the risks that carry them; check the edges"
    intervals = _review_intervals(pairs, score)
    lines = [f"# Bands: {note}."]
    for name, low, high in reversed(spans):
        band_name = RAG_NAMES.get(name.casefold(), name)
        colour_word = next((w.casefold() for w in sorted(words.get(band_name, ())) if w.casefold() in COLOURS), "")
        fill, font = COLOURS.get(colour_word or name.casefold()) or _colour_by_rank(name)
        months = [m for s, m in intervals if low <= s <= high]
        lines += ["[[bands]]", f"name = {_q(band_name)}", f"min = {low}", f"max = {high}"]
        lines += [f"fill = {_q(fill)}", f"font = {_q(font)}"]
        lines.append(
            f"review_months = {sorted(months)[len(months) // 2]}  # the register's usual gap from last to next review"
            if months
            else "review_months = 12  # GUESS: how often should risks in this band be reviewed?"
        )
        band_words = sorted(words.get(band_name, set()) | ({name} if band_name != name else set()))
        if band_words:
            lines.append(f"words = [{', '.join(_q(w) for w in band_words)}]")
        lines.append("")
    return lines


# A rating in another language ("Vysoké") coloured as its rank among the known words very low … very high.
_RANK_COLOURS = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "very high"}


def _colour_by_rank(name: str) -> tuple[str, str]:
    rank = rating_rank(name)
    return COLOURS[_RANK_COLOURS[rank]] if rank in _RANK_COLOURS else ("#D9D9D9", "#000000")


def _review_intervals(pairs, score) -> list[tuple[int, int]]:
    """(score, months from last review to next review) for each risk that states both."""
    out = []
    for i, j, risk in pairs:
        last, upcoming = risk.values.get("last_review"), risk.values.get("next_review")
        if last is not None and upcoming is not None:
            months = round((upcoming.earliest - last.latest).days / 30.44)
            if 1 <= months <= MAX_REVIEW_MONTHS:  # a Next Review in 2100 is a placeholder, not an interval
                out.append((score(i, j, risk), months))
    return out


def _status_lines(statuses: list[str]) -> list[str]:
    counts = Counter(" ".join(s.split()) for s in statuses)
    spellings: dict[str, list[str]] = {}  # "open" -> ["Open", "OPEN"], most used first
    for name, _ in counts.most_common():
        spellings.setdefault(name.casefold(), []).append(name)
    if not counts:
        return ["# The register has no statuses: none are listed, so any is accepted.", ""]
    if len(spellings) > MAX_STATUSES:
        return [f"# The register uses {len(spellings)} different statuses: too many to list; any is accepted.", ""]
    lines = ["# Statuses as the register spells them, most used first; write each one's meaning."]
    for name, *others in spellings.values():
        if len(name) > MAX_LABEL:
            lines += [f"# A status of {len(name):,} characters is left out (a status is at most {MAX_LABEL})."]
            continue
        lines += ["[[statuses]]", f"name = {_q(name)}", 'meaning = ""']
        lines += [f"aliases = [{', '.join(_q(o) for o in others)}]"] if others else []
        lines.append("")
    return lines


def _reference_lines(references: list[str]) -> list[str]:
    # ASCII digits only: the scheme's patterns are RE2's, whose \d is 0-9; other digits (Arabic-Indic) stay literal.
    shapes = {re.sub(r"[0-9]+", lambda m: f"\\d{{{len(m.group())}}}", re.escape(ref)) for ref in references}
    if len(shapes) == 1 and references:
        pattern, example = f"^{shapes.pop()}$", references[0]
        prefix = re.match(r"[^0-9]*", example).group(0)
        number = example[len(prefix) :]
        digits = len(number) if number.isascii() and number.isdigit() else 0
        return [
            "# Every reference in the register has this form.",
            "[reference]",
            f"pattern = {_q(pattern)}",
            f"prefix = {_q(prefix)}",
            f"digits = {digits}",
            f"example = {_q(example)}",
            "",
        ]
    loose = {re.sub(r"\\d\{\d+\}", r"\\d+", shape) for shape in shapes}
    if len(loose) == 1 and references:
        example = references[0]
        prefix = re.match(r"[^0-9]*", example).group(0)
        return [
            "# The register's references share a prefix; their numbers vary in length.",
            "[reference]",
            f"pattern = {_q('^' + loose.pop() + '$')}",
            f"prefix = {_q(prefix)}",
            "digits = 1",
            f"example = {_q(example)}",
            "",
        ]
    return ["# The register's references follow no single form: no [reference], so any is accepted.", ""]


def _column_lines(register: Register) -> list[str]:
    lines = []
    for name, header in register.column_headers.items():
        if name == "title" and register.columns.get("title") == register.columns.get("description"):
            continue
        lines.append(f"#   {header!r} is read as {name}")
    if register.extra_columns:
        lines.append("# Columns riskbook does not know (kept with each risk). To read one as a field, uncomment:")
        for _, header in register.extra_columns:
            lines += ["# [columns.FIELD]", f"# aliases = [{_q(header)}]"]
    return ["# Columns:", *lines] if lines else []


def _q(text: str) -> str:
    """A TOML basic string: JSON's escapes, and DEL escaped too (TOML allows no control character raw)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _comment(text: str) -> str:
    """Text for a comment line: a line break or another control character in a file name cannot start a line."""
    return safe_text(text, TERMINAL)
