"""Drafting a scheme from a register: its header, scales, statuses, references and ratings, as commented TOML.

The draft is a start, not a verdict: every guess is said in a comment for the risk unit to check.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from riskbook.errors import SchemeError
from riskbook.model import Register
from riskbook.scheme import MAX_LABEL, Scale, Scheme, load_scheme
from riskbook.xlsx.text import TERMINAL, safe_text

# Orders of scale words registers use, lowest first; a register's words are put in the first order holding them all.
KNOWN_ORDERS: tuple[tuple[str, ...], ...] = (
    ("Low", "Medium", "High"),
    ("Low", "Medium", "High", "Very High"),
    ("Very Low", "Low", "Medium", "High", "Very High"),
    ("Rare", "Unlikely", "Possible", "Likely", "Almost certain"),
    ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic"),
    ("Negligible", "Minor", "Moderate", "Major", "Catastrophic"),
    ("Very Unlikely", "Unlikely", "Possible", "Likely", "Very Likely"),
)
DEFAULT_LABELS = {
    3: ("Low", "Medium", "High"),
    4: ("Low", "Medium", "High", "Very High"),
    5: ("Very Low", "Low", "Medium", "High", "Very High"),
}
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


def draft_scheme(register: Register, columns: dict[str, str] | None = None) -> str:
    """A commented scheme TOML for a register read with draft_reading_scheme(); columns are the
    --column mappings used to read it, kept in the draft."""
    risks = register.risks
    impact = _raw_values(register, "impact")
    likelihood = _raw_values(register, "likelihood")
    top_number = max((n for n in map(_as_number, impact + likelihood) if n is not None), default=3)
    impact_labels, impact_note = _scale_labels(impact, "impact", top_number)
    likelihood_labels, likelihood_note = _scale_labels(likelihood, "likelihood", top_number)
    out = [
        f"# Drafted by riskbook from {_comment(Path(register.path).name)}, sheet {register.sheet!r}, header row "
        f"{register.header_row + 1}.",
        "# Every guess is marked: check it, then pass this file with --scheme.",
        "",
        f"name = {_q('Drafted from ' + Path(register.path).name)}",
        "",
    ]
    out += _reference_lines([r.reference for r in risks if r.reference])
    if impact_labels == likelihood_labels:
        out += ["# One scale for both axes" + (f" ({impact_note})" if impact_note else "") + "."]
        out += _scale_lines("scale", impact_labels)
    else:
        out += [f"[impact]  # {impact_note}" if impact_note else "[impact]"]
        out += _scale_lines("impact.scale", impact_labels)
        out += [f"[likelihood]  # {likelihood_note}" if likelihood_note else "[likelihood]"]
        out += _scale_lines("likelihood.scale", likelihood_labels)
    drafted = _as_scheme(impact_labels, likelihood_labels)
    pairs = [
        (_level(drafted.impact_scale, r, "impact"), _level(drafted.likelihood_scale, r, "likelihood"), r) for r in risks
    ]
    pairs = [(i, j, r) for i, j, r in pairs if i is not None and j is not None]
    matrix = _matrix(pairs, len(impact_labels), len(likelihood_labels))
    if matrix is not None:
        out += _matrix_lines(matrix)
    score = (lambda i, j: matrix[i - 1][j - 1]) if matrix is not None else (lambda i, j: i * j)
    top = max(score(i, j) for i in range(1, len(impact_labels) + 1) for j in range(1, len(likelihood_labels) + 1))
    out += _band_lines(pairs, score, top)
    out += _status_lines([r.get("status") for r in risks if r.get("status")])
    out += _column_lines(register)
    for name, header in (columns or {}).items():
        out += ["", f"[columns.{name}]", f"aliases = [{_q(header)}]"]
    return "\n".join(out) + "\n"


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


def write_draft(text: str, output: str | os.PathLike[str]) -> Path:
    from riskbook.xlsx.writer import atomic_path

    target = Path(output)
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
        try:
            load_scheme(temp)  # the draft must load as it stands
        except SchemeError as exc:  # said of the output, not of the temporary file it was checked in
            reason = str(exc).replace(f"scheme {temp}: ", "").replace(str(temp), str(target))
            raise SchemeError(f"{target}: the drafted scheme would not load ({reason}); nothing written") from None
    return target


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
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _scale_labels(values: list[Any], axis: str, top_number: int) -> tuple[list[str], str]:
    """The levels' labels, lowest first, and what was guessed. Numbers on either axis size both alike."""
    words = list(dict.fromkeys(" ".join(str(v).split()) for v in values if _as_number(v) is None and str(v).strip()))
    if not words:
        size = min(max(top_number, 3), 10)
        labels = DEFAULT_LABELS.get(size) or tuple(f"Level {n}" for n in range(1, size + 1))
        return list(labels), f"GUESS: the register scores as numbers up to {size}; the labels are made up"
    folded = {w.casefold() for w in words}
    for order in KNOWN_ORDERS:
        if folded <= {w.casefold() for w in order}:
            return list(order), f"the register's {axis} words, in the usual order"
    return words, f"GUESS: the register's {axis} words in the order they first appear; put them lowest first"


def _scale_lines(key: str, labels: list[str]) -> list[str]:
    lines = []
    for value, label in enumerate(labels, start=1):
        lines += [f"[[{key}]]", f"value = {value}", f"label = {_q(label)}"]
    return [*lines, ""]


def _as_scheme(impact: list[str], likelihood: list[str]) -> Scheme:
    def scale(axis, labels):
        return Scale(axis, dict(enumerate(labels, start=1)), {})

    return dataclasses.replace(
        load_scheme(), impact_scale=scale("impact", impact), likelihood_scale=scale("likelihood", likelihood)
    )


def _level(scale: Scale, risk, name: str) -> int | None:
    raw = risk.invalid[name].raw if name in risk.invalid else risk.values.get(name)
    number = _as_number(raw)
    if number is not None:
        return number if number in scale.labels else None
    return scale.value_for_label(str(raw)) if raw is not None else None


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


def _matrix_lines(matrix: list[list[int]]) -> list[str]:
    lines = [
        "# The register's scores are not impact × likelihood: read off this matrix (rows: impact, lowest first;",
        "# columns: likelihood). Cells the register never uses are guessed as the product: check them.",
        "[matrix]",
        "scores = [",
    ]
    lines += [f"  [{', '.join(str(s) for s in row)}]," for row in matrix]
    return [*lines, "]", ""]


def _band_lines(pairs, score, top: int) -> list[str]:
    by_rating: dict[str, list[int]] = {}  # band name -> the scores of the risks rated so
    words: dict[str, set[str]] = {}  # band name -> the other words the register uses for it ("Amber")
    for i, j, risk in pairs:
        rating = risk.get("rag")
        if rating:
            word = " ".join(str(rating).split())
            name = RAG_NAMES.get(word.casefold(), word)
            by_rating.setdefault(name, []).append(score(i, j))
            if name != word:
                words.setdefault(name, set()).add(word)
    if not by_rating:
        third = max(top // 3, 1)
        spans = [("Low", 1, third), ("Medium", third + 1, 2 * third), ("High", 2 * third + 1, top)]
        spans = [s for s in spans if s[1] <= s[2]]
        note = "GUESS: the register has no rating column; three even bands"
    else:
        ordered = sorted(by_rating.items(), key=lambda item: (min(item[1]), max(item[1])))
        spans, start = [], 1
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
        fill, font = COLOURS.get(colour_word or name.casefold(), ("#D9D9D9", "#000000"))
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


def _review_intervals(pairs, score) -> list[tuple[int, int]]:
    """(score, months from last review to next review) for each risk that states both."""
    out = []
    for i, j, risk in pairs:
        last, upcoming = risk.values.get("last_review"), risk.values.get("next_review")
        if last is not None and upcoming is not None:
            months = round((upcoming.earliest - last.latest).days / 30.44)
            if months >= 1:
                out.append((score(i, j), months))
    return out


def _status_lines(statuses: list[str]) -> list[str]:
    counts = Counter(" ".join(s.split()) for s in statuses)
    if not counts:
        return ["# The register has no statuses: none are listed, so any is accepted.", ""]
    if len(counts) > MAX_STATUSES:
        return [f"# The register uses {len(counts)} different statuses: too many to list; any is accepted.", ""]
    spellings: dict[str, str] = {}  # statuses are matched ignoring case: the most used spelling of each
    for name, _ in counts.most_common():
        spellings.setdefault(name.casefold(), name)
    lines = ["# Statuses as the register spells them, most used first; write each one's meaning."]
    for name in spellings.values():
        if len(name) > MAX_LABEL:
            lines += [f"# A status of {len(name):,} characters is left out (a status is at most {MAX_LABEL})."]
            continue
        lines += ["[[statuses]]", f"name = {_q(name)}", 'meaning = ""', ""]
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
