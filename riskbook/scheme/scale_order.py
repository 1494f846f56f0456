"""The levels of a register's impact or likelihood scale, lowest first, from the evidence the register gives.

Used by `scheme --from`. The order comes from, in turn: numbers before the words (*3 - Possible*), a
legend or scale sheet in the workbook pairing each word with a number, the known scale words of many
languages (workbook_templates/scale-words.toml), the register's own stated scores (the order that
makes score = impact × likelihood hold on most rows) and its ratings. Only when none of them settles
it is the order a guess, and the drafted scheme says so (order = "guessed").
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from riskbook.scheme.known_words import (
    SEPARATOR,
    KnownScale,
    known_key,
    known_scales,
    known_words,
    order_by_initials,
    rating_rank,
    slip_of,
)
from riskbook.scheme.load import header_key, load_scheme
from riskbook.scheme.scale_solve import order_by_scores
from riskbook.scheme.scale_types import DraftedScale, Level, Row, fold, tidy, unique_labels
from riskbook.scheme.types import NUMBER_DIGITS, spelt_number

MAX_LEVELS = 10
SHORT_LABEL = 40  # a cell longer than this is prose: its level gets a short label and keeps it as a description
_PREFIX = re.compile(r"^\s*(\d{1,2})\s*(?:[-–—.:)=|]|\s)\s*(\S.*)$", re.S)
_SUFFIX = re.compile(r"^(\S.*?)\s*[(\[]\s*(\d{1,2})\s*[)\]]\s*$", re.S)


# -- Drafting one axis ------------------------------------------------------------------------------


# An axis's words and the number each has in a column of the register's own: (its header, word -> number).
Paired = tuple[str, dict[str, int]]
MAX_KEY_COLUMNS = 50  # and columns of each
MAX_KEY_ROWS = 2_000  # rows of other sheets and below the table looked at for a key (a key is a few lines)
_PHRASE_WORDS = 3  # words a cell needs before it is a sentence known by its leading word


def draft_axes(
    rows: list[Row],
    legend_rows: list[list[Any]],
    size_hint: int,
    paired: dict[str, Paired] | None = None,
    listed: dict[str, list[str]] | None = None,
    own_keys: dict[str, list[list[Any]]] | None = None,
) -> tuple[DraftedScale, DraftedScale]:
    """Both axes' levels. size_hint is the largest whole number either axis uses (numeric axes share it);
    paired, per axis, a column of the register's numbering its words (see pair_numbers); listed, per axis,
    the levels its header lists ("Impacto (A/M/B)"); own_keys, per axis, the key its header cell writes
    ("Probabilidade (P)\n1-Baixo…"), read for that axis alone in place of the workbook's."""
    paired, listed, own_keys = paired or {}, listed or {}, own_keys or {}
    impact, likelihood = (
        _draft_axis(
            axis,
            [getattr(r, axis) for r in rows],
            rows,
            own_keys.get(axis) or legend_rows,
            size_hint,
            paired.get(axis),
            listed.get(axis),
        )
        for axis in ("impact", "likelihood")
    )
    if impact.guessed or likelihood.guessed:
        impact, likelihood = order_by_scores(impact, likelihood, rows)
    return impact, likelihood


def _draft_axis(
    axis: str,
    values: list[Any],
    rows: list[Row],
    legend_rows,
    size_hint: int,
    paired: Paired | None = None,
    listed: list[str] | None = None,
) -> DraftedScale:
    raw_counts = Counter(v for v in values if v is not None)  # each distinct cell once: registers repeat them
    tidied = {v: tidy(v) for v in raw_counts}
    present = [v for v in raw_counts if tidied[v]]
    numbers = [_number(v) for v in present]
    if all(n is not None for n in numbers):  # numbers only, or nothing at all
        return _numeric_axis(axis, [n for n in numbers if n is not None], present, size_hint, legend_rows)
    texts = list(dict.fromkeys(tidied[v] for v, n in zip(present, numbers, strict=True) if n is None))
    counts: Counter[str] = Counter()
    for value in present:
        counts[tidied[value]] += raw_counts[value]
    elaborated = _elaborations(texts)
    texts = [text for text in texts if text not in elaborated]
    for text, base in elaborated.items():
        counts[base] += counts.pop(text)
    drafted = (
        _by_prefix(axis, texts, counts)
        or _by_paired(axis, texts, counts, paired)
        or _by_legend(axis, texts, counts, legend_rows)
        or _by_known_words(axis, texts, counts)
        or _by_list(axis, texts, counts, legend_rows)
        or _by_initials(axis, texts, counts, listed)
        or _unordered(axis, texts, counts)
    )
    for text, base in elaborated.items():
        level = next((lv for lv in drafted.levels if base == lv.label or base in lv.aliases), None)
        if level is not None:
            level.aliases.append(text)
    return drafted


def _elaborations(texts: list[str]) -> dict[str, str]:
    """Cells that are another cell's level and a remark after it ("Medium at the beginning, gets higher with
    time"): read as that level, an alias of it, not a level of their own placed by a guess."""
    folded = {text: fold(text) for text in texts}  # each text folded once: a column of prose has thousands
    bases: dict[str, str] = {}  # a level's words (short), folded -> the first text written so
    for text in texts:
        if len(text) <= SHORT_LABEL:
            bases.setdefault(folded[text], text)
    widths = sorted({len(base.split()) for base in bases.values()})
    position = {text: at for at, text in reversed(list(enumerate(texts)))}
    uses = Counter(folded.values())
    found = {}
    for text in texts:
        words = text.split()
        heads = (bases.get(fold(" ".join(words[:n]).rstrip(",;:-"))) for n in widths if len(words) >= n + 2)
        base = min((b for b in heads if b is not None and b != text), key=position.__getitem__, default=None)
        if base is None:
            continue
        remark = {fold(word.strip(",;:.()")) for word in words[len(base.split()) :]}
        others = {f for f in remark if uses[f] - (f == folded[base]) - (f == folded[text]) > 0}
        if not others:
            found[text] = base  # "M to H" names another level: a range, not M with a remark
    return found


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) or math.isinf(value) else round(float(value), NUMBER_DIGITS)
    return spelt_number(str(value))


def _text_of(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:.{NUMBER_DIGITS}f}".rstrip("0")


def _numeric_axis(
    axis: str, numbers: list[float], raw: list[Any], size_hint: int, legend_rows: Sequence[list[Any]] = ()
) -> DraftedScale:
    distinct = sorted(set(numbers))
    if all(n.is_integer() and 1 <= n <= MAX_LEVELS for n in distinct):
        size = min(max(size_hint, 3), MAX_LEVELS)
        key = _numbered_words(legend_rows)
        if key and _runs_down(key):
            said = ", ".join(f"{n} {word}" for n, (word, _) in sorted(key.items()))
            note = (
                f"GUESS: the workbook's key numbers its words the other way ({said}), and riskbook ranks a "
                "higher number as worse; if a lower number is worse here, the scores and the panel's order are "
                "the register's reversed"
            )
            return DraftedScale(axis, [Level(label) for label in _made_up(size)], note, guessed=True, numeric=True)
        if key and all(n in key for n in range(1, size + 1)):
            levels = [Level(key[n][0]) for n in range(1, size + 1)]
            unique_labels(levels)
            note = f"the register scores as numbers up to {size}; the labels are the workbook's key's"
            return DraftedScale(axis, levels, note, numeric=True)
        note = f"GUESS: the register scores as numbers up to {size}; the labels are made up"
        return DraftedScale(axis, [Level(label) for label in _made_up(size)], note, numeric=True)
    percent = any(isinstance(v, str) and "%" in v for v in raw)
    if 2 <= len(distinct) <= MAX_LEVELS:
        levels = [_number_level(n, percent) for n in distinct]
        shape = "percentages" if percent else "numbers"
        note = f"the register's {axis} {shape} ({', '.join(level.label for level in levels)}), one level each"
        return DraftedScale(axis, levels, note, numeric=True)
    if len(distinct) < 2:
        only = distinct[0] if distinct else 1.0
        levels = [_number_level(only, percent), Level(f"Above {_text_of(only)}")]
        note = f"GUESS: the register uses only {_text_of(only)}; a second level is made up"
        return DraftedScale(axis, levels, note, numeric=True)
    return _grouped_numbers(axis, distinct)


def _made_up(size: int) -> tuple[str, ...]:
    made_up = {3: ("Low", "Medium", "High"), 4: ("Low", "Medium", "High", "Very High")}
    made_up[5] = ("Very Low", "Low", "Medium", "High", "Very High")
    return made_up.get(size) or tuple(f"Level {n}" for n in range(1, size + 1))


def _numbered_words(legend_rows: Sequence[list[Any]]) -> dict[int, tuple[str, int]]:
    """A key's numbers 1…10 and the rated word beside each (the next filled cell either side: "1 | | Very
    high", "Very Low | 1"), with its rank (rating_rank); a number given two ranks is left out."""
    found: dict[int, tuple[str, int]] = {}
    clashes: set[int] = set()
    for row in itertools.islice(legend_rows, MAX_KEY_ROWS):
        cells = [text for text in (tidy(cell) if cell is not None else "" for cell in row[:MAX_KEY_COLUMNS]) if text]
        for first, second in itertools.pairwise(cells):
            for cell, beside in ((first, second), (second, first)):  # "1 | Very high" or "Very Low | 1"
                number = _level_number(cell)
                if not number or (rank := rating_rank(beside)) is None:
                    continue
                if number in found and found[number][1] != rank:
                    clashes.add(number)
                found.setdefault(number, (beside, rank))
    return {n: word for n, word in found.items() if n not in clashes}


def _runs_down(key: dict[int, tuple[str, int]]) -> bool:
    """Whether a key's words fall as its numbers rise (1 Very high … 5 Very low), on three numbers or more."""
    ranks = [rank for _, (_, rank) in sorted(key.items())]
    return len(ranks) >= 3 and all(a > b for a, b in itertools.pairwise(ranks))


def _number_level(number: float, percent: bool) -> Level:
    text = _text_of(number)
    if percent:
        shown = _text_of(round(number * 100, NUMBER_DIGITS)) + "%"
        return Level(shown, [text, shown.replace("%", " %")], number=number)
    return Level(text, [], number=number)


def _grouped_numbers(axis: str, distinct: list[float]) -> DraftedScale:
    """More values than a scale has levels (means of sub-scores, a 1–25 range): each value is read as
    the level of its group, which changes its number; said as a GUESS."""
    low, high = distinct[0], distinct[-1]
    if low >= 0.5 and high <= MAX_LEVELS + 0.5:  # means of whole-number sub-scores: the nearest whole level
        top = math.floor(high + 0.5)
        levels = [Level(str(n), [], number=float(n)) for n in range(1, top + 1)]
        for value in distinct:
            if not value.is_integer():
                levels[max(math.floor(value + 0.5), 1) - 1].aliases.append(_text_of(value))
        note = "GUESS: the register's values are not whole (means of sub-scores?); each is read as the nearest level"
        return DraftedScale(axis, levels, note, numeric=True)
    width = (high - low) / MAX_LEVELS
    groups: list[list[float]] = [[] for _ in range(MAX_LEVELS)]
    for value in distinct:
        groups[min(int((value - low) / width), MAX_LEVELS - 1)].append(value)
    groups = [g for g in groups if g]
    levels = [
        Level(f"{_text_of(g[0])}–{_text_of(g[-1])}" if len(g) > 1 else _text_of(g[0]), [_text_of(v) for v in g])
        for g in groups
    ]
    for level in levels:
        if level.label in level.aliases:
            level.aliases.remove(level.label)
    note = (
        f"GUESS: the register uses {len(distinct)} different values, more than a scale's {MAX_LEVELS} levels; grouped"
    )
    return DraftedScale(axis, levels, note, numeric=True)


def _by_prefix(axis: str, texts: list[str], counts: Counter[str]) -> DraftedScale | None:
    """Every word numbered in its cell (*3 - Possible*, *Possible (3)*): the numbers give the order."""
    numbered: dict[str, tuple[int, str]] = {}
    for text in texts:
        match = _PREFIX.match(text)
        if match:
            numbered[text] = (int(match.group(1)), match.group(2).strip(" ()[]"))
            continue
        match = _SUFFIX.match(text)
        if not match:
            return None
        numbered[text] = (int(match.group(2)), match.group(1).strip())
    if not numbered:
        return None
    by_number: dict[int, list[str]] = {}
    for text, (number, _) in numbered.items():
        by_number.setdefault(number, []).append(text)
    words = {text: word for text, (_, word) in numbered.items()}
    levels = _levels_by_number(by_number, counts, words)
    if levels is None:
        return None
    return DraftedScale(axis, levels, f"the register's {axis} words, ordered by the numbers written with them")


def pair_numbers(words: list[Any], numbers: list[Any]) -> dict[str, int] | None:
    """Each word's number, where a column of whole numbers gives every word one number and every number one
    word on each row holding both (a 'Leave these alone' column turning A-E into 1-5), and some word is used
    twice (so that an id, one number a row, is no such column)."""
    mapping: dict[str, int] = {}
    pairs = 0
    for word, number in zip(words, numbers, strict=True):
        if word is None or not isinstance(word, str) or spelt_number(word) is not None:
            continue
        value = spelt_number(str(number)) if number not in (None, "") else None
        if value is None or not value.is_integer() or not 0 <= value <= MAX_LEVELS:
            return None
        if mapping.setdefault(tidy(word), int(value)) != int(value):
            return None
        pairs += 1
    if len(mapping) < 2 or pairs <= len(mapping) or len(set(mapping.values())) != len(mapping):
        return None
    return mapping


def _by_paired(axis: str, texts: list[str], counts: Counter[str], paired: Paired | None) -> DraftedScale | None:
    """The register's own column numbering each word (see pair_numbers): the numbers give the order."""
    if paired is None or not all(text in paired[1] for text in texts):
        return None
    header, numbers = paired
    levels = _levels_by_number({numbers[text]: [text] for text in texts}, counts)
    if levels is None:
        return None
    return DraftedScale(axis, levels, f"the register's {axis} words, ordered by the numbers beside them in {header!r}")


def _by_initials(axis: str, texts: list[str], counts: Counter[str], listed: list[str] | None) -> DraftedScale | None:
    """Letter codes that are the initials of a known scale's words in one language (A, M, B: Alta, Media,
    Baja), every level the header lists ("Impacto (A/M/B)") or, with no list, those the column uses."""
    by_fold = {fold(text): text for text in texts}
    codes = listed if listed and by_fold.keys() <= {fold(code) for code in listed} else None
    if codes is None:  # letters alone (L, M, S: Low or Large?) say too little; the header's list says they are levels
        return None
    found = order_by_initials(codes)
    if found is None:
        return None
    ranked, words = found
    levels = _levels([[by_fold.get(fold(code), code)] for code in ranked], counts)
    return DraftedScale(
        axis, levels, f"the register's {axis} letters, as its header lists them, ordered as the initials of {words}"
    )


def _levels_by_number(
    by_number: dict[int, list[str]],
    counts: Counter[str],
    words: dict[str, str] | None = None,
    fill: dict[int, str] | None = None,
) -> list[Level] | None:
    """Levels from texts by the number each stands for: numbers 1…10 are the levels themselves (one the
    register never uses is a level still, so that products stay the register's, named by fill where the
    workbook's key names it, up to the key's highest); others (0, 12) keep their number for the scores."""
    numbers = sorted(by_number)
    if not numbers or len(numbers) > MAX_LEVELS:
        return None
    if numbers[0] >= 1 and numbers[-1] <= MAX_LEVELS:
        run = 0  # the key names levels 1…run with no gap: a key's other numbers (a score table's 8, 10) are none
        while run + 1 in (fill or {}):
            run += 1
        fill = {n: word for n, word in (fill or {}).items() if 1 <= n <= run}
        mine = dict(zip(numbers, _levels([by_number[n] for n in numbers], counts, words), strict=True))
        top = max(numbers[-1], *fill, 2)
        levels = [mine.get(n) or Level(fill.get(n, f"Level {n}")) for n in range(1, top + 1)]
    else:
        levels = _levels([by_number[n] for n in numbers], counts, words)
        for level, number in zip(levels, numbers, strict=True):
            level.number = float(number)
        if len(levels) < 2:  # a scale has two levels at least
            levels.append(Level(f"Above {levels[0].label}", number=float(numbers[0] + 1)))
    unique_labels(levels)
    return levels


def _by_legend(axis: str, texts: list[str], counts: Counter[str], legend_rows) -> DraftedScale | None:
    """A legend or scale sheet pairing each word with a number, beside it or in the same cell."""
    wanted = {fold(t): t for t in texts}
    seen: dict[str, set[int]] = {}
    for row in legend_rows:
        cells = [tidy(c) if c is not None else "" for c in row]
        numbers = [_level_number(cell) for cell in cells]
        only = [n for n in numbers if n is not None]
        for at, cell in enumerate(cells):
            text = wanted.get(fold(cell))
            if text is None:
                continue
            beside = [numbers[near] for near in (at - 1, at + 1) if 0 <= near < len(cells)]
            found = [n for n in beside if n is not None] or (only if len(only) == 1 else [])
            seen.setdefault(text, set()).update(found)
    if set(seen) != set(texts) or any(len(found) != 1 for found in seen.values()):
        return None
    by_number: dict[int, list[str]] = {}
    for text in texts:
        by_number.setdefault(next(iter(seen[text])), []).append(text)
    key = _numbered_words(legend_rows)
    agrees = all(fold(key[n][0]) == fold(words[0]) for n, words in by_number.items() if n in key)
    levels = _levels_by_number(by_number, counts, fill={n: word for n, (word, _) in key.items()} if agrees else None)
    if levels is None:
        return None
    return DraftedScale(axis, levels, f"the register's {axis} words, ordered by the workbook's legend")


def _level_number(cell: str) -> int | None:
    number = spelt_number(cell) if cell else None
    return int(number) if number is not None and number.is_integer() and 0 <= number <= MAX_LEVELS else None


def _by_list(axis: str, texts: list[str], counts: Counter[str], legend_rows) -> DraftedScale | None:
    """The workbook's own list of the levels, on another sheet or below the table (a drop-down's source, a
    matrix's axis: Rare, Unlikely, Probable, Likely, Very Likely), holding every word the register uses:
    the levels in its order, which way up by the known words among them."""
    wanted = {fold(text) for text in texts}
    for run in _runs(legend_rows):
        folded = [fold(item) for item in run]
        if not wanted <= set(folded) or len(set(folded)) != len(folded) or len(run) < max(3, len(texts)):
            continue
        found = _way_up(run)
        if found is None:
            continue
        way, scale = found
        unsure = fold(run[0]) not in wanted and not known_key(run[0], scale) and len(run) > max(3, len(texts))
        if unsure and _names_an_axis(run[0]):
            run, unsure = run[1:], False  # the list's heading ("Likelihood" over Rare, Unlikely…), no level
        ordered = run if way else run[::-1]
        mine = {fold(text): text for text in texts}
        levels = _levels([[mine.get(fold(item), item)] for item in ordered], counts)
        note = f"the register's {axis} words, in the order the workbook lists them"
        if unsure:
            note = f"GUESS: {note}; the list's first line, {run[0]!r}, may be its heading rather than a level"
        return DraftedScale(axis, levels, note, guessed=unsure)
    return None


def _names_an_axis(text: str) -> bool:
    """Whether a cell is a header word for the impact or the likelihood ("Likelihood", "Probabilidad")."""
    return load_scheme().header_lookup.get(header_key(text)) in ("impact", "likelihood")


def _runs(legend_rows) -> list[list[str]]:
    """Runs of texts side by side in a row, or one under another in a column, of up to MAX_LEVELS."""
    rows = [
        [tidy(c) if isinstance(c, str) else "" for c in row[:MAX_KEY_COLUMNS]]
        for row in itertools.islice(legend_rows, MAX_KEY_ROWS)
    ]
    runs: list[list[str]] = []
    for line in [*rows, *(list(column) for column in itertools.zip_longest(*rows, fillvalue=""))]:
        run: list[str] = []
        for cell in [*line, ""]:
            if cell and spelt_number(cell) is None:
                run.append(cell)
                continue
            if 3 <= len(run) <= MAX_LEVELS:
                runs.append(run)
            run = []
    return runs


def _way_up(run: list[str]) -> tuple[bool, KnownScale] | None:
    """(True, the scale) where a list's known words rise along it, (False, …) where they fall, None where they
    don't say."""
    for scale in known_scales():
        ranks = [scale.lookup[key][0] for item in run if (key := known_key(item, scale))]
        if len(ranks) >= 2 and ranks[0] != ranks[-1]:
            rising = ranks[0] < ranks[-1]
            if all((a <= b) if rising else (a >= b) for a, b in itertools.pairwise(ranks)):
                return rising, scale
    return None


def _leading_word(text: str, scale: KnownScale) -> str:
    """The word a sentence is known by ("Low" of "Low, as everyone…"); a short text is its own word ("M to H"
    is no M), and so is a sentence naming a second level in its first words ("Medium to high given…")."""
    words = text.split()
    if len(words) <= _PHRASE_WORDS:
        return fold(text)
    key = known_key(text, scale)
    levels = {scale.lookup[k][0] for w in words[1:_PHRASE_WORDS] if (k := fold(w)) in scale.lookup}
    return text if key and levels - {scale.lookup[key][0]} else key


def _by_known_words(axis: str, texts: list[str], counts: Counter[str]) -> DraftedScale | None:
    found = known_words(texts)
    if found is None:
        return None
    scale, index_of, language, spoken = found
    # the word each is known by: "Low" of "Low, as everyone…"; a short text is its own word ("M to H" is no M)
    word = {text: _leading_word(text, scale) for text in texts}
    slips = {text: slip for text in texts if not known_key(text, scale) and (slip := slip_of(text, scale))}
    word |= slips
    levels = []
    for index, forms in enumerate(scale.forms):
        mine = [t for t in texts if index_of[t] == index]
        apart = [(a, b) for a in mine for b in mine if word[a] != word[b] and not _inflections(word[a], word[b])]
        if any(not _translations(spoken[a], spoken[b]) for a, b in apart):
            return None  # two words the register keeps apart (Significant, Major) are no evidence as one level
        if mine and all(len(text) > SHORT_LABEL for text in mine):  # sentences led by the level's word
            own = forms.get(language) or forms["en"]
            level = _levels([mine], counts)[0]
            level.label = own[0]
        elif mine:
            level = _levels([mine], counts)[0]
        else:
            own = forms.get(language) or forms["en"]
            level = Level(own[0])
        levels.append(level)
    unique_labels(levels)
    note = f"the register's {axis} words, in the usual order of {language} scale words"
    said = "".join(f"; {text!r} read as {slip!r}, one letter off" for text, slip in slips.items())
    if slips:  # a slip places a level: a guess until the user confirms it
        return DraftedScale(axis, levels, f"GUESS: {note}{said}", guessed=True)
    return DraftedScale(axis, levels, note)


def _translations(first: frozenset[str], second: frozenset[str]) -> bool:
    """Two words of one level in languages apart (Possible, Posibl): a bilingual register's one level."""
    return not first & second


def _unordered(axis: str, texts: list[str], counts: Counter[str]) -> DraftedScale:
    groups = _merge_inflections(texts)
    if len(groups) < 2:
        groups = [*groups, [f"Above {groups[0][0]}" if groups else "Level 2"]]
    levels = _levels(groups, counts)
    merged = [g for g in groups if len(g) > 1]
    said = "".join(f"; {' and '.join(g)} read as one level" for g in merged)
    if len(groups) > MAX_LEVELS:
        said += f"; {len(groups)} different words, of which only the first {MAX_LEVELS} can be levels"
    note = f"GUESS: the register's {axis} words in the order they first appear{said}; put them lowest first"
    return DraftedScale(axis, levels[:MAX_LEVELS], note, guessed=True)


def _merge_inflections(texts: list[str]) -> list[list[str]]:
    """Words that differ only in their ending (Wysoki, Wysokie) as one level, in order of first appearance."""
    groups: list[list[str]] = []
    for text in texts:
        # Only the first MAX_LEVELS groups can be levels: a column of prose (thousands of texts) is not
        # compared with every other text, which took minutes.
        home = next((g for g in groups[:MAX_LEVELS] if any(_inflections(text, other) for other in g)), None)
        if home is None:
            groups.append([text])
        else:
            home.append(text)
    return groups


def _inflections(a: str, b: str) -> bool:
    x, y = fold(a), fold(b)
    if x == y:
        return True
    if len(x) < 4 or len(y) < 4 or len(x) > SHORT_LABEL or len(y) > SHORT_LABEL or abs(len(x) - len(y)) > 2:
        return False
    common = next((n for n, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    return common >= 3 and common >= min(len(x), len(y)) - 1


def _levels(groups: list[list[str]], counts: Counter[str], words: dict[str, str] | None = None) -> list[Level]:
    """A level per group of cell texts: the most used short text is the label, the rest aliases;
    prose is the level's description."""
    levels = []
    for group in groups:
        ordered = sorted(group, key=lambda t: -counts[t])
        short = [t for t in ordered if len(t) <= SHORT_LABEL]
        label_source = (words or {}).get(ordered[0]) if words else None
        label = label_source if label_source and len(label_source) <= SHORT_LABEL else (short[0] if short else "")
        prose = [t for t in ordered if len(t) > SHORT_LABEL]
        if not label and prose:
            label = _short_label(prose[0])
        if label.endswith(".") and len(label.split()) <= _PHRASE_WORDS:  # "Alta." is the level Alta
            label = label.rstrip(".").rstrip() or label
        aliases = [t for t in ordered if t != label and len(t) <= SHORT_LABEL]
        if words:
            aliases += [w for t in ordered if (w := words.get(t)) and w != label and len(w) <= SHORT_LABEL]
        levels.append(Level(label or "Level", list(dict.fromkeys(aliases)), prose[0] if prose else ""))
        levels[-1].aliases += prose[1:]
    unique_labels(levels)
    return levels


def _short_label(text: str, words: int = 3) -> str:
    head = SEPARATOR.split(text, maxsplit=1)[0]
    shown = " ".join(head.split()[:words])
    return shown[:SHORT_LABEL].rstrip()
