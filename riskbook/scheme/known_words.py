"""The scale words registers use, by language (workbook_templates/scale-words.toml): which known scale
holds a register's words, at which level, and a rating's rank by its words."""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass

from riskbook.read.values import one_letter_off
from riskbook.scheme.load import shipped_scheme_path
from riskbook.scheme.scale_types import fold

WORDS_FILE = "scale-words.toml"
RATING_LEVELS = ("very_low", "low", "medium", "high", "very_high")  # the known scale ratings are ranked by
SEPARATOR = re.compile(r"\s*(?:[:–—(]|\s-\s|,|\.\s|\n)")


@dataclass(frozen=True)
class KnownScale:
    levels: tuple[str, ...]  # level names, lowest first
    lookup: dict[str, tuple[int, frozenset[str]]]  # folded form -> (level index, languages using it)
    forms: tuple[dict[str, tuple[str, ...]], ...]  # per level: language -> forms


@functools.cache
def known_scales() -> tuple[KnownScale, ...]:
    data = tomllib.loads(shipped_scheme_path(WORDS_FILE).read_text(encoding="utf-8"))
    scales = []
    for entry in data["scales"]:
        lookup: dict[str, tuple[int, frozenset[str]]] = {}
        forms = []
        for index, name in enumerate(entry["levels"]):
            by_language = {lang: tuple(words) for lang, words in data["levels"][name].items()}
            forms.append(by_language)
            for lang, words in by_language.items():
                for word in words:
                    known = lookup.setdefault(fold(word), (index, frozenset()))
                    if known[0] == index:
                        lookup[fold(word)] = (index, known[1] | {lang})
        scales.append(KnownScale(tuple(entry["levels"]), lookup, tuple(forms)))
    return tuple(scales)


def _keys(text: str) -> list[str]:
    """The folded forms a cell may be known by: all of it, its leading phrase, its first words."""
    keys = [fold(text)]
    head = SEPARATOR.split(text, maxsplit=1)[0]
    keys.append(fold(head))
    words = text.split()
    keys += [fold(" ".join(words[:n])) for n in (3, 2, 1) if len(words) > n]
    return [k for k in dict.fromkeys(keys) if k]


MAX_SLIP_TEXTS = 30  # a scale's distinct texts past which none is looked at as a slip (each look costs a pass)
_SLIP_LETTERS = 6  # letters a word needs before one letter off is a slip of a known word, not another word


def slip_of(text: str, scale: KnownScale) -> str:
    """The one known word of the scale a short text is one letter off ("Problable": Probable), or ""."""
    key = fold(text)
    if not _SLIP_LETTERS <= len(key) <= 2 * _SLIP_LETTERS or any(key in known.lookup for known in known_scales()):
        return ""  # a word of another scale (Betydelig, beside Ubetydelig) is that word, not a slip
    near = {known for known in scale.lookup if one_letter_off(key, known)}
    return near.pop() if len(near) == 1 else ""


def known_key(text: str, scale: KnownScale) -> str:
    """The folded form a text is known by in a scale: all of it, its leading phrase or its first words."""
    return next((key for key in _keys(text) if key in scale.lookup), "")


def known_words(texts: list[str]) -> tuple[KnownScale, dict[str, int], str, dict[str, frozenset[str]]] | None:
    """The first known scale holding every text: (scale, text -> level index, the texts' language, each
    text's languages: a bilingual register writes one level in two)."""
    slips_allowed = len(texts) <= MAX_SLIP_TEXTS
    for scale in known_scales():
        found: dict[str, int] = {}
        spoken: dict[str, frozenset[str]] = {}
        languages: Counter[str] = Counter()
        in_file_order = {language: at for at, language in enumerate(scale.forms[0])}
        for text in texts:
            hit = next((scale.lookup[k] for k in _keys(text) if k in scale.lookup), None)
            if hit is None and slips_allowed and (near := slip_of(text, scale)):
                hit = scale.lookup[near]
            if hit is None:
                break
            found[text] = hit[0]
            spoken[text] = frozenset(hit[1])
            # in the file's order, so that a tie (低 is zh and ja) goes the same way on every run, not by hash
            languages.update(sorted(hit[1], key=in_file_order.__getitem__))
        else:
            return scale, found, languages.most_common(1)[0][0], spoken
    return None


@functools.lru_cache(maxsize=4096)
def rating_rank(rating: object) -> int | None:
    """A rating's rank, 1 (very low, green) to 5 (very high), by the known words of any language."""
    if not rating or not isinstance(rating, str):
        return None
    key = fold(rating)
    colours = {"green": 2, "amber": 3, "yellow": 3, "red": 5}
    if key in colours:
        return colours[key]
    bands = next(s for s in known_scales() if s.levels == RATING_LEVELS)
    return bands.lookup[key][0] + 1 if key in bands.lookup else None


def order_by_initials(codes: list[str]) -> tuple[list[str], str] | None:
    """Letter codes ("A", "M", "B"; "MA" for Muy alta) lowest first, where in every language and known scale
    of as many levels whose words they are the initials of, one code to a level, they fall in one order:
    (the codes lowest first, the words of the first such language). An alphabetic run (A, B, C) is a code
    whose direction no initial says."""
    keys = [fold(code) for code in codes]
    if len(set(keys)) != len(keys) or not all(map(_initials, keys)) or _a_run(keys):
        return None
    orders: dict[tuple[str, ...], str] = {}
    for scale in known_scales():
        if len(scale.levels) != len(keys):
            continue
        for language in scale.forms[0]:
            placed = _placed_by_initials(keys, scale, language)
            if placed is not None:
                by_level = sorted(zip(placed, codes, strict=True))
                ranked = tuple(code for _, code in by_level)
                words = ", ".join(f"{code} {scale.forms[i][language][0]}" for i, code in by_level)
                orders.setdefault(ranked, words)
    if len(orders) != 1:
        return None
    ((ranked, words),) = orders.items()
    return list(ranked), words


def _initials(key: str) -> bool:
    """One to three letters of an alphabet (a CJK character is a word, not an initial)."""
    return len(key) <= 3 and key.isalpha() and all(ord(c) < 0x2E80 for c in key)


def _a_run(keys: list[str]) -> bool:
    letters = sorted(keys)
    return all(len(k) == 1 for k in keys) and all(ord(b) - ord(a) == 1 for a, b in itertools.pairwise(letters))


def _placed_by_initials(keys: list[str], scale: KnownScale, language: str) -> list[int] | None:
    """Each code's level, where each is the initials of one level's words in this language, a level apiece."""
    initials: dict[str, set[int]] = {}
    for index, forms in enumerate(scale.forms):
        for word in forms.get(language, ()):
            initials.setdefault("".join(part[0] for part in fold(word).split()), set()).add(index)
    placed = [initials.get(key, set()) for key in keys]
    if not all(len(levels) == 1 for levels in placed):
        return None
    indexes = [next(iter(levels)) for levels in placed]
    return indexes if len(set(indexes)) == len(indexes) else None
