"""What drafting a scale works with: a level, an axis as drafted, what one risk says of the scales, and
how scale words are compared."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from riskbook.scheme.load import WORKBOOK_WORDS
from riskbook.scheme.types import Scale


@dataclass
class Level:
    label: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    number: float | None = None  # the number the register scores this level as, where it is not the level


@dataclass
class DraftedScale:
    """One axis's levels, lowest first, and how their order was found."""

    axis: str
    levels: list[Level]
    evidence: str
    guessed: bool = False
    numeric: bool = False  # the register writes this axis as numbers

    def as_scale(self) -> Scale:
        labels = {n: level.label for n, level in enumerate(self.levels, start=1)}
        aliases = {n: tuple(level.aliases) for n, level in enumerate(self.levels, start=1)}
        descriptions = {n: level.description for n, level in enumerate(self.levels, start=1) if level.description}
        return Scale(self.axis, labels, aliases, "guessed" if self.guessed else "confirmed", descriptions)

    @property
    def scored_as_numbers(self) -> bool:
        """Whether the register scores with numbers other than the levels 1, 2, 3, …"""
        return any(level.number is not None and level.number != n for n, level in enumerate(self.levels, start=1))


@dataclass
class Row:
    """What one risk says about the scales: its impact and likelihood cells, stated score and rating."""

    impact: Any
    likelihood: Any
    score: int | None
    rating: str | None


def fold(text: str) -> str:
    """Text as scale words are compared: no case, accents, hyphens or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("_", " ").split()).strip(" .")


def tidy(value: Any) -> str:
    return " ".join(str(value).split())


RESERVED_LABELS = {fold(word) for word in WORKBOOK_WORDS}  # written by the workbook itself: no label may be one


def unique_labels(levels: list[Level]) -> None:
    seen: set[str] = set()
    for n, level in enumerate(levels, start=1):
        if fold(level.label) in seen or not level.label.strip() or fold(level.label) in RESERVED_LABELS:
            if level.label.strip():
                level.aliases.insert(0, level.label)  # still read as this level; only the label is new
            level.label = f"Level {n}"
        seen.add(fold(level.label))
    claimed: set[str] = {" ".join(level.label.split()).casefold() for level in levels}
    for level in levels:  # a word claimed by two levels would make the scheme ambiguous: the first keeps it
        kept = []
        for alias in level.aliases:
            folded = " ".join(alias.split()).casefold()
            if folded not in claimed:
                claimed.add(folded)
                kept.append(alias)
        level.aliases = kept
        if level.description and " ".join(level.description.split()).casefold() in claimed:
            level.description = ""
        elif level.description:
            claimed.add(" ".join(level.description.split()).casefold())
