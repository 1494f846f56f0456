"""Columns read by what they hold where the header does not say: a column of unique short codes as the
reference, the product of the impact and likelihood columns as the score, date columns as the dates.

Each is a guess, and said: the register keeps which fields were read this way (Register.by_content),
`--show-columns` and JSON mark them, and validate gives one column-by-content warning for each.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskbook.check.findings import Finding, make
from riskbook.fields import FIELD_LABELS
from riskbook.model import cell_name, column_letter
from riskbook.read import values as v
from riskbook.read.row_kinds import row_words
from riskbook.scheme.known_words import rating_rank
from riskbook.scheme.load import header_key

if TYPE_CHECKING:
    from riskbook.scheme.types import Scheme

SAMPLE_ROWS = 200  # data rows looked at: enough to tell a column's kind, few enough to cost nothing
SAMPLE_CELLS = 100_000  # and fewer rows of a very wide sheet, so that the cells looked at stay bounded
_AT_LEAST = 3  # filled rows a column needs before its content says anything
_NAMES_AT_LEAST = 2  # but a small register's names are plain to see: sentences, each different
_SHARE = 0.9  # of the rows that must be filled, and of the filled cells that must be dates
_PRODUCT_SHARE = 0.8  # of the scores that must be impact × likelihood (a register's errors are the rest)
_CODE_LENGTH = 16
_NAME_LENGTH = 8  # mean characters of a column of risk names (codes and levels are shorter)
_SENTENCE_LENGTH = 12  # mean characters of a column of sentences (a scale's words are shorter)
_MAX_LEVEL_WORDS = 10  # distinct words a scale column may hold
_SENTENCE_WORDS = 3  # mean words of a column of sentences that may say the same thing twice or thrice
_SENTENCE_SHARE = 0.75
_DATE_FIELDS = ("first_recorded", "last_review")
_ANY_DATE_FIELD = frozenset({"first_recorded", "last_review", "next_review", "control_due"})


@dataclass(frozen=True, slots=True)
class ByContent:
    """A field read from a column by its content, and why."""

    field: str  # "" where the column is no field at all: kept with each risk, not the one its header names
    offset: int
    why: str
    instead: str = ""  # the field its header names, where field is ""


def columns_by_content(
    rows: list[list[Any]],
    first: int,
    free: list[int],
    columns: dict[str, int],
    scheme: Scheme,
    headers: list[str] | None = None,
) -> list[ByContent]:
    """The fields the free columns (offsets no header names) are read as, by the data rows from first on."""
    scales = {"impact": scheme.impact_scale, "likelihood": scheme.likelihood_scale}

    def scale_value(name: str, cell: Any) -> int | None:
        if v.is_blank(cell):
            return None
        parsed = v.parse_scale(cell.strip(v.SPACE) if isinstance(cell, str) else cell, scales[name])
        return parsed if isinstance(parsed, int) else None

    score_for = scheme.score_for
    sample = _sample(rows, first, max([*free, *columns.values()], default=0) + 1)
    if len(sample) < _NAMES_AT_LEAST or not free:
        return []
    found: list[ByContent] = []
    left = list(free)
    if "reference" not in columns:
        offset = next((o for o in left if _unique_codes(_cells(sample, o))), None)
        if offset is not None:
            found.append(ByContent("reference", offset, "a unique short code on every row"))
            left.remove(offset)
    if not columns.keys() & {"title", "description"}:
        # A risk's name is on the row of its reference: rows under it (its controls, its notes) say nothing.
        ref = columns.get("reference")
        risk_rows = [r for r in sample if ref is None or (ref < len(r) and not v.is_blank(r[ref]))] or sample
        offset = next((o for o in left if _names(_cells(risk_rows, o, _NAMES_AT_LEAST))), None)
        if offset is not None:
            found.append(ByContent("title", offset, "a different text on every row, the first such column"))
            left.remove(offset)
    if not columns.keys() >= {"impact", "likelihood"}:
        for item in _levels_by_product(sample, left, columns, headers):
            found.append(item)
            left.remove(item.offset)
    if "score" not in columns and "impact" in columns and "likelihood" in columns:
        products = [
            score_for(
                scale_value("impact", row[columns["impact"]]), scale_value("likelihood", row[columns["likelihood"]])
            )
            if columns["impact"] < len(row) and columns["likelihood"] < len(row)
            else None
            for row in sample
        ]
        offset = next((o for o in left if _is_product(_column(sample, o), products)), None)
        if offset is not None:
            found.append(ByContent("score", offset, "impact × likelihood on every row"))
            left.remove(offset)
    if not columns.keys() & _ANY_DATE_FIELD:
        dated = [o for o in left if _dates(_cells(sample, o))]
        for name, offset, place in zip(_DATE_FIELDS, dated, ("first", "second"), strict=False):
            found.append(ByContent(name, offset, f"dates, the {place} date column" if len(dated) > 1 else "dates"))
    return found


def _sample(rows: list[list[Any]], first: int, width: int) -> list[list[Any]]:
    """The data rows a column's content is judged on, within the header's width (a key beside the table is
    no risk): a row holding one value is no risk either (a numbered placeholder, a formula's 0, a group's
    label), and would make every other column look half empty."""
    depth = max(_AT_LEAST, min(SAMPLE_ROWS, SAMPLE_CELLS // max(width, 1)))
    counted = [(row[:width], sum(1 for c in row[:width] if not v.is_blank(c))) for row in rows[first : first + depth]]
    counted = [(row, filled) for row, filled in counted if filled > 1]
    typical = statistics.median_low([filled for _, filled in counted]) if counted else 0
    return [row for row, filled in counted if filled * 2 >= typical]  # a group's heading holds two of eight


def column_fits(rows: list[list[Any]], first: int, width: int, offset: int, field: str) -> bool:
    """Whether a column's content fits a field: names for a title, levels for a level, codes for a reference."""
    sample = _sample(rows, first, width)
    if field in ("title", "description"):
        return _names(_cells(sample, offset, _NAMES_AT_LEAST))
    if field in ("impact", "likelihood"):
        return _levels(_cells(sample, offset))
    if field == "reference":
        return _unique_codes(_cells(sample, offset))
    return False


def names_column(rows: list[list[Any]], first: int, free: list[int], width: int) -> int | None:
    """The first free column that holds risks' names, by its content (see _names)."""
    sample = _sample(rows, first, width)
    return next((offset for offset in free if _names(_cells(sample, offset, _NAMES_AT_LEAST))), None)


# A level column's header word that also names a narrative field: the field its text is read as instead.
_PROSE_FIELD = {"impact": "consequence", "likelihood": None}


def levels_by_content(
    keys: list[str | None], rows: list[list[Any]], first: int, headers: list[str] | None = None
) -> list[ByContent]:
    """Where headers name the impact or likelihood twice, once over sentences ("Konsekvens": what would
    happen) and once over levels ("Konsekvens værdi": 1-5), the levels are the field and the sentences its
    narrative; and a consequence column holding small numbers on every row ("F=Folgen" in an FMEA) is the
    impact, where no column is headed so. Each is read by content, and said."""
    sample = _sample(rows, first, len(keys))
    if len(sample) < _AT_LEAST:
        return []
    found: list[ByContent] = []
    for name, prose_field in _PROSE_FIELD.items():
        offsets = [offset for offset, key in enumerate(keys) if key == name]
        if len(offsets) < 2 or not _prose(_cells(sample, offsets[0])):
            continue
        level = next((o for o in offsets[1:] if _levels(_cells(sample, o))), None)
        if level is None:
            continue
        why = f"levels on every row, where the first column named as the {name} holds sentences"
        found.append(ByContent(name, level, why))
        if prose_field is not None and prose_field not in keys:
            found.append(ByContent(prose_field, offsets[0], f"sentences under a header that names the {name}"))
    if "impact" not in keys:
        for offset in (o for o, key in enumerate(keys) if key == "consequence"):
            if _small_numbers([v.parse_number(c) for c in _column(sample, offset)]):
                found.append(ByContent("impact", offset, "small numbers on every row, under a consequence header"))
                break
    found += _sentences_under_levels(keys, sample, found, headers)
    found += _score_under_a_levels_header(keys, sample, found)
    found += _numbers_under_a_names_header(keys, sample, found)
    found += _rating_under_a_levels_header(keys, sample, found)
    found += _rating_under_a_status_header(keys, sample, found)
    if "reference" not in keys and "title" in keys and _unique_codes(_cells(sample, keys.index("title"))):
        found.append(ByContent("reference", keys.index("title"), "a unique short code on every row, under a name"))
    return found


def _score_under_a_levels_header(
    keys: list[str | None], sample: list[list[Any]], found: list[ByContent]
) -> list[ByContent]:
    """A second column under a level's header ("Влияние" after "Ущерб") that is impact × likelihood on
    every row is the score, where no column is headed so."""
    if "score" in keys or any(item.field in ("impact", "likelihood", "score") for item in found):
        return []
    if "impact" not in keys or "likelihood" not in keys:
        return []

    def numbers(offset: int) -> list[float | None]:
        return [v.parse_number(c) for c in _column(sample, offset)]

    impact, likelihood = keys.index("impact"), keys.index("likelihood")
    levels = numbers(impact), numbers(likelihood)
    for offset, key in enumerate(keys):
        if key in ("impact", "likelihood", "title") and offset not in (impact, likelihood):
            if _multiply(*levels, numbers(offset)):
                return [
                    ByContent("score", offset, f"impact × likelihood on every row, under a header that names the {key}")
                ]
    return []


def _numbers_under_a_names_header(
    keys: list[str | None], sample: list[list[Any]], found: list[ByContent]
) -> list[ByContent]:
    """A column headed as the title that holds only numbers ("Riesgo": 15, 20 beside "Descripcion del
    riesgo") names no risk, where another column holds the names: it is kept with each risk instead."""
    taken = {item.offset for item in found}
    titles = [offset for offset, key in enumerate(keys) if key == "title" and offset not in taken]
    numeric = [
        offset
        for offset in titles
        if _numbers_only(_cells(sample, offset)) and ("reference" in keys or not _unique_codes(_cells(sample, offset)))
    ]
    named_elsewhere = "description" in keys or len(numeric) < len(titles)
    if not numeric or not named_elsewhere:
        return []
    why = "numbers on every row, not names"
    return [ByContent("", offset, why, instead="title") for offset in numeric]


def _rating_under_a_levels_header(
    keys: list[str | None], sample: list[list[Any]], found: list[ByContent]
) -> list[ByContent]:
    """A second column under a level's header ("Severity" beside "Impact") whose rating words rise with the
    stated score on every row (Medium at 9, High at 12, Critical at 16) is the rating, where none is headed so."""
    if "rag" in keys or "score" not in keys or any(item.field == "rag" for item in found):
        return []
    scores = [v.parse_number(cell) for cell in _column(sample, keys.index("score"))]
    taken = {item.offset for item in found}
    for name in ("impact", "likelihood"):
        offsets = [offset for offset, key in enumerate(keys) if key == name and offset not in taken]
        for offset in offsets[1:]:
            if _rises_with(_column(sample, offset), scores) and _column(sample, offset) != _column(sample, offsets[0]):
                why = f"rating words that rise with the score on every row, under a header that names the {name}"
                return [ByContent("rag", offset, why)]
    return []


def _rating_under_a_status_header(
    keys: list[str | None], sample: list[list[Any]], found: list[ByContent]
) -> list[ByContent]:
    """A status column that holds ratings on every row ("Estado": Riesgo alto, Riesgo medio) is the rating,
    where none is headed so: its words are no status."""
    if "rag" in keys or "status" not in keys or any(item.field == "rag" for item in found):
        return []
    offset = keys.index("status")
    cells = _cells(sample, offset)
    ranks = [_rating_of(cell) for cell in cells] if cells else []
    if not ranks or None in ranks or len(set(ranks)) < 2:
        return []
    return [ByContent("rag", offset, "rating words on every row, under a status header")]


def _rating_of(cell: Any) -> int | None:
    """A cell's rank as a rating: its words (High, Alto), or its words after the word for risk (Riesgo alto)."""
    if not isinstance(cell, str):
        return None
    rank = rating_rank(cell.strip())
    if rank is None and len(words := cell.split()) > 1 and header_key(words[0]) in row_words().log_risk:
        rank = rating_rank(" ".join(words[1:]))
    return rank


def _rises_with(cells: list[Any], scores: list[float | None]) -> bool:
    """Whether every filled cell is a rating word and, ordered by score, their ranks never fall."""
    pairs = [
        (score, rating_rank(cell) if isinstance(cell, str) else None)
        for cell, score in zip(cells, scores, strict=True)
        if not v.is_blank(cell)
    ]
    if len(pairs) < _AT_LEAST or any(score is None or rank is None for score, rank in pairs):
        return False
    ranked = [rank for _, rank in sorted(pairs, key=lambda pair: (pair[0], pair[1]))]
    return len(set(ranked)) > 1 and all(a <= b for a, b in itertools.pairwise(ranked))


def _numbers_only(cells: list[Any] | None) -> bool:
    return cells is not None and all(v.parse_number(cell) is not None for cell in cells)


def _sentences_under_levels(
    keys: list[str | None], sample: list[list[Any]], found: list[ByContent], headers: list[str] | None
) -> list[ByContent]:
    """Where every column named as the impact (or likelihood) holds sentences ("Auswirkung": what would
    happen) and small numbers elsewhere multiply into a score (Si × Pi = R), those are the levels and the
    first sentences the consequence. Prose labels of a scale's levels have no such numbers beside them."""
    settled = {item.field for item in found}
    named = {name: [o for o, key in enumerate(keys) if key == name] for name in ("impact", "likelihood")}
    prose = [name for name, offsets in named.items() if offsets and name not in settled]
    prose = [name for name in prose if all(_prose(_cells(sample, o)) for o in named[name])]
    if not prose:
        return []
    columns = {key: offset for offset, key in reversed(list(enumerate(keys))) if key and key not in prose}
    free = [offset for offset, key in enumerate(keys) if key is None]
    levels = _levels_by_product(sample, free, columns, headers)
    if not {item.field for item in levels} >= set(prose):
        return []
    sentences = [ByContent("consequence", named["impact"][0], "sentences under a header that names the impact")]
    return levels + (sentences if "impact" in prose and "consequence" not in keys else [])


def _prose(cells: list[Any] | None) -> bool:
    """Sentences: text on (nearly) every row, more different texts than a scale has levels, or hardly one
    twice and longer than a scale's words."""
    if cells is None or not all(isinstance(c, str) and v.parse_number(c) is None for c in cells):
        return False
    texts = [" ".join(c.split()) for c in cells]
    distinct = len(set(texts))
    if distinct > _MAX_LEVEL_WORDS:
        return True
    if distinct >= _SENTENCE_SHARE * len(texts) and sum(len(t.split()) for t in texts) >= _SENTENCE_WORDS * len(texts):
        return True
    return distinct >= _SHARE * len(texts) and sum(map(len, texts)) >= _SENTENCE_LENGTH * len(texts)


def _levels(cells: list[Any] | None) -> bool:
    """A scale's levels: small numbers, or a few words each used again."""
    if cells is None:
        return False
    numbers = [v.parse_number(c) for c in cells]
    if _small_numbers(numbers):
        return True
    texts = [" ".join(str(c).split()) for c in cells]
    return len(set(texts)) <= min(_MAX_LEVEL_WORDS, len(texts) - 1)


def third_factor(rows: list[list[Any]], first: int, free: list[int], columns: dict[str, int]) -> tuple[int, int] | None:
    """(the product column, the third factor's column) where a free column is impact × likelihood × another
    free column of small numbers on every row: an FMEA's risk priority number (severity × occurrence ×
    detection), which ranks the risks otherwise than impact × likelihood."""
    if "impact" not in columns or "likelihood" not in columns or len(free) < 2:
        return None
    sample = _sample(rows, first, max([*free, *columns.values()]) + 1)
    numbers = {
        o: [v.parse_number(c) for c in _column(sample, o)] for o in [*free, columns["impact"], columns["likelihood"]]
    }
    levels = [
        a * b if a is not None and b is not None else None
        for a, b in zip(numbers[columns["impact"]], numbers[columns["likelihood"]], strict=True)
    ]
    factors = [o for o in free if _small_numbers(numbers[o]) and len({n for n in numbers[o] if n is not None}) > 1]
    for product in free:
        filled = [n for n in numbers[product] if n]  # a column of mostly 0 is 0 times anything
        if len(filled) < max(_AT_LEAST, _SHARE * len(sample)):
            continue
        for factor in factors:
            if factor != product and _multiply(levels, numbers[factor], numbers[product]):
                return product, factor
    return None


def third_factor_notices(
    rows: list[list[Any]],
    first: int,
    headers: list[str],
    free: list[int],
    columns: dict[str, int],
    place: tuple[str, int, int],
) -> list[Finding]:
    """One three-factor-score warning where a free column is impact × likelihood × another (an FMEA's RPN);
    place is (sheet, header row, first column)."""
    found = third_factor(rows, first, free, columns)
    if found is None:
        return []
    sheet, header_row, col0 = place
    product, factor = found
    return [
        make(
            "three-factor-score",
            sheet,
            cell_name(header_row, col0 + product),
            column=column_letter(col0 + product),
            header=repr(headers[product]),
            factor=repr(headers[factor]),
        )
    ]


def by_content_notices(
    found: list[ByContent], sheet: str, header_row: int, col0: int, headers: list[str]
) -> list[Finding]:
    """One column-by-content warning for each column read by its content, on its header cell."""
    return [
        make(
            "column-by-content",
            sheet,
            cell_name(header_row, col0 + item.offset),
            column=column_letter(col0 + item.offset),
            header=repr(headers[item.offset]) if headers[item.offset] else "no header",
            field=FIELD_LABELS[item.field].lower() if item.field else f"an extra column, not the {item.instead}",
            why=item.why,
            name=item.field or item.instead,
        )
        for item in found
    ]


def _column(sample: list[list[Any]], offset: int) -> list[Any]:
    return [row[offset] if offset < len(row) else "" for row in sample]


def _cells(sample: list[list[Any]], offset: int, at_least: int = _AT_LEAST) -> list[Any] | None:
    """The column's filled cells, or None when too few rows fill it."""
    cells = [cell for cell in _column(sample, offset) if not v.is_blank(cell)]
    return cells if len(cells) >= max(at_least, _SHARE * len(sample)) else None


def _unique_codes(cells: list[Any] | None) -> bool:
    """Codes such as R-01, STR0042 or 7.3a: short, one word, letters and digits, none twice; or 1, 2, 3…"""
    if cells is None:
        return False
    if all(isinstance(c, int | float) and not isinstance(c, bool) and float(c).is_integer() for c in cells):
        numbers = [int(c) for c in cells]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    texts = [c.strip() for c in cells if isinstance(c, str)]
    if len(texts) != len(cells) or len(set(texts)) != len(texts):
        return False
    return all(
        len(t) <= _CODE_LENGTH
        and not any(ch.isspace() for ch in t)
        and any(ch.isdigit() for ch in t)
        and any(ch.isalpha() for ch in t)
        for t in texts
    )


_LEVELS = ("likelihood", "impact")  # left to right, as P × I and L × I are written


def _levels_by_product(
    sample: list[list[Any]], left: list[int], columns: dict[str, int], headers: list[str] | None = None
) -> list[ByContent]:
    """Impact and likelihood found as the columns of small numbers whose product is the score: the one
    missing beside a known level and score, or both (and the score, if its header does not say) where
    three columns multiply. Which of two unnamed columns is the impact is a guess, and said."""
    numbers = {o: [v.parse_number(c) for c in _column(sample, o)] for o in left + list(columns.values())}
    small = [o for o in left if _small_numbers(numbers[o])]
    missing = [name for name in _LEVELS if name not in columns]
    if len(missing) == 1:
        other = "impact" if missing[0] == "likelihood" else "likelihood"
        known = columns[other]
        scores = [columns["score"]] if "score" in columns else left
        for offset, score in ((o, sc) for o in small for sc in scores if sc != o):
            if _multiply(numbers[offset], numbers[known], numbers[score]):
                found = [ByContent(missing[0], offset, f"× the {other} column is the score on every row")]
                if "score" not in columns:  # P, I, R: the letter beside P, and the product
                    found.append(ByContent("score", score, f"the {other} × the {missing[0]} column on every row"))
                return found
        return []
    if len(missing) != 2:
        return []
    scores = [columns["score"]] if "score" in columns else [o for o in left if o not in small] + small
    for a, b in ((a, b) for i, a in enumerate(small) for b in small[i + 1 :]):
        for score in scores:
            if score not in (a, b) and _multiply(numbers[a], numbers[b], numbers[score]):
                pair = (column_letter(a), column_letter(b))
                which = "the left of the two read as likelihood, as in P × I"
                if _initial(headers, a) in _IMPACT_INITIALS and _initial(headers, b) in _LIKELIHOOD_INITIALS:
                    a, b = b, a
                    which = "read by their headers' initials, as in S × P"
                why = f"small numbers, and {pair[0]} × {pair[1]} is the score on every row; {which}: a guess"
                found = [ByContent("likelihood", a, why), ByContent("impact", b, why)]
                if "score" not in columns:
                    found.append(ByContent("score", score, "the product of the two level columns on every row"))
                return found
    return []


# A level column's header initial: probability, likelihood, Wahrscheinlichkeit, occurrence, Auftreten; and
# severity, Schaden, impact, consequence, Konsekvens, Folgen, gravité.
_LIKELIHOOD_INITIALS = frozenset("plwoa")
_IMPACT_INITIALS = frozenset("sickfg")
# In a three-factor method, one letter more each: fréquence (AMDEC's F × G × D), effect (Kinney's W × B × E);
# and the third factor's: detection, détection (FMEA, AMDEC), blootstelling, exposure (Kinney).
_FACTOR_INITIALS = {
    "likelihood": _LIKELIHOOD_INITIALS | {"f"},
    "impact": _IMPACT_INITIALS | {"e"},
    "third": frozenset("dbe"),
}
_LETTER_HEADER = 3  # letters a factor's header has at most: "G", "Det", "Occ"
_MAX_LETTER_COLUMNS = 8  # letter columns tried as factors (a method writes three, twice at most)
_MAX_PRODUCT_COLUMNS = 40  # numeric columns tried as their product


def factors_by_content(
    keys: list[str | None], rows: list[list[Any]], first: int, headers: list[str]
) -> list[ByContent]:
    """Impact and likelihood in a three-factor method written in letters (AMDEC's F, G, D and C = F × G × D;
    FMEA's S, O, D and RPN; Kinney's W, B, E and R): where three unnamed letter columns of small numbers
    multiply to a fourth column on every row, the likelihood, the impact and the third factor are told apart
    by their letters, where only one way fits. The product is the register's own ranking, not the score."""
    letters = [
        offset
        for offset, key in enumerate(keys)
        if key is None and 0 < len(text := headers[offset].strip()) <= _LETTER_HEADER and text.isalpha()
    ]
    if len(letters) < 3 or "impact" in keys or "likelihood" in keys:
        return []
    sample = _sample(rows, first, len(keys))
    numbers = {o: [v.parse_number(c) for c in _column(sample, o)] for o, key in enumerate(keys) if key is None}
    numbers = {o: column for o, column in numbers.items() if sum(n is not None for n in column) >= _AT_LEAST}
    small = [o for o in letters[:_MAX_LETTER_COLUMNS] if o in numbers and _factor_numbers(numbers[o])]
    products = list(numbers)[:_MAX_PRODUCT_COLUMNS]
    for a, b, c in itertools.combinations(small, 3):
        ab = [x * y if x is not None and y is not None else None for x, y in zip(numbers[a], numbers[b], strict=True)]
        if not any(o not in (a, b, c) and _multiply(ab, numbers[c], numbers[o]) for o in products):
            continue
        fits = [
            (likelihood, impact)
            for likelihood, impact, third in itertools.permutations((a, b, c))
            if _initial(headers, likelihood) in _FACTOR_INITIALS["likelihood"]
            and _initial(headers, impact) in _FACTOR_INITIALS["impact"]
            and _initial(headers, third) in _FACTOR_INITIALS["third"]
        ]
        if len(fits) != 1:
            return []
        likelihood, impact = fits[0]
        said = ", ".join(repr(headers[o].strip()) for o in (a, b, c))
        why = f"three letter columns ({said}) multiply to another on every row; told apart by their letters: a guess"
        return [ByContent("likelihood", likelihood, why), ByContent("impact", impact, why)]
    return []


def _initial(headers: list[str] | None, offset: int) -> str:
    text = headers[offset].strip() if headers and offset < len(headers) else ""
    return text[:1].casefold()


def _factor_numbers(numbers: list[float | None]) -> bool:
    """A factor's column: small numbers on a third of the rows at least (a method's sheet leaves rows for notes)."""
    filled = [n for n in numbers if n is not None]
    return len(filled) >= max(_AT_LEAST, len(numbers) / 3) and all(0 <= n <= 100 for n in filled)


def _small_numbers(numbers: list[float | None]) -> bool:
    filled = [n for n in numbers if n is not None]
    return len(filled) >= _AT_LEAST and len(filled) >= _SHARE * len(numbers) and all(0 <= n <= 100 for n in filled)


def _multiply(first: list[float | None], second: list[float | None], product: list[float | None]) -> bool:
    """Whether first × second = product on (nearly) every row holding all three, over more than one value."""
    rows = [(a, b, p) for a, b, p in zip(first, second, product, strict=True) if None not in (a, b, p)]
    if len(rows) < _AT_LEAST or len({p for _, _, p in rows}) < 2:
        return False
    agree = sum(1 for a, b, p in rows if abs(a * b - p) <= 1e-6 * max(1.0, abs(p)))  # type: ignore[operator]
    return agree >= _PRODUCT_SHARE * len(rows)


def _names(cells: list[Any] | None) -> bool:
    """Risks' names: text on (nearly) every row, hardly one twice, words rather than codes or numbers."""
    if cells is None or not all(isinstance(c, str) for c in cells):
        return False
    texts = [c.strip() for c in cells]
    if len(set(texts)) < _SHARE * len(texts) or any(v.parse_number(t) is not None for t in texts):
        return False
    return sum(len(t) for t in texts) >= _NAME_LENGTH * len(texts) and any(" " in t for t in texts)


def _is_product(cells: list[Any], products: list[int | None]) -> bool:
    """Whether the column holds the score of the row's impact and likelihood on (nearly) every row."""
    pairs = [(cell, product) for cell, product in zip(cells, products, strict=True) if product is not None]
    numbers = [(v.parse_number(cell), product) for cell, product in pairs if not v.is_blank(cell)]
    if len(numbers) < _AT_LEAST:
        return False
    agree = sum(1 for number, product in numbers if number is not None and number == product)
    return agree >= _PRODUCT_SHARE * len(numbers) and len({product for _, product in numbers}) > 1


def _dates(cells: list[Any] | None) -> bool:
    """Dates on (nearly) every filled row: the sheet's own dates, or text that reads as one."""
    if cells is None:
        return False
    readable = sum(
        1
        for cell in cells
        if isinstance(cell, dt.date) or (isinstance(cell, str) and not isinstance(v.parse_date(cell), v.Invalid))
    )
    return readable >= _SHARE * len(cells)
