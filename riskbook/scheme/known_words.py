"""The scale words registers use, by language (workbook_templates/scale-words.toml): which known scale
holds a register's words, at which level, and a rating's rank by its words."""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass

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


def known_words(texts: list[str]) -> tuple[KnownScale, dict[str, int], str, dict[str, frozenset[str]]] | None:
    """The first known scale holding every text: (scale, text -> level index, the texts' language, each
    text's languages: a bilingual register writes one level in two)."""
    for scale in known_scales():
        found: dict[str, int] = {}
        spoken: dict[str, frozenset[str]] = {}
        languages: Counter[str] = Counter()
        in_file_order = {language: at for at, language in enumerate(scale.forms[0])}
        for text in texts:
            hit = next((scale.lookup[k] for k in _keys(text) if k in scale.lookup), None)
            if hit is None:
                break
            found[text] = hit[0]
            spoken[text] = frozenset(hit[1])
            # in the file's order, so that a tie (低 is zh and ja) goes the same way on every run, not by hash
            languages.update(sorted(hit[1], key=in_file_order.__getitem__))
        else:
            return scale, found, languages.most_common(1)[0][0], spoken
    return None


def rating_rank(rating: str | None) -> int | None:
    """A rating's rank, 1 (very low, green) to 5 (very high), by the known words of any language."""
    if not rating:
        return None
    key = fold(rating)
    colours = {"green": 2, "amber": 3, "yellow": 3, "red": 5}
    if key in colours:
        return colours[key]
    bands = next(s for s in known_scales() if s.levels == RATING_LEVELS)
    return bands.lookup[key][0] + 1 if key in bands.lookup else None
