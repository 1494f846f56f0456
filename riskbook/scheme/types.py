"""The scheme's types: bands, statuses, impact areas, scales and the Scheme that scores with them."""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from operator import itemgetter


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    min: int
    max: int
    fill: str
    font: str
    review_months: int
    words: tuple[str, ...] = ()  # other words a rating column may use for this band ("Red")


@dataclass(frozen=True, slots=True)
class Status:
    name: str
    meaning: str
    aliases: tuple[str, ...]
    overdue: bool = False
    closed: bool = False  # a closed risk is no longer current: listed apart, not counted


@dataclass(frozen=True, slots=True)
class ImpactArea:
    name: str
    descriptors: dict[int, str]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A field riskbook knows: the headers read as it (folded) and whether a register must have it."""

    field: str
    aliases: tuple[str, ...] | None  # None only while merging: the scheme keeps the default's
    required: bool | None = False


@dataclass(frozen=True)
class Scale:
    """The levels of one axis (impact or likelihood): value, label and the other words read as it."""

    axis: str
    labels: dict[int, str]
    aliases: dict[int, tuple[str, ...]]
    order: str = "confirmed"  # "guessed" while the scheme's author has not confirmed a drafted order
    descriptions: dict[int, str] = field(default_factory=dict)  # a level's long wording, read as it too

    @property
    def values(self) -> list[int]:
        return sorted(self.labels)

    @property
    def guessed(self) -> bool:
        return self.order == "guessed"

    @cached_property
    def numbers(self) -> dict[float, int]:
        """Level by the number its label or an alias spells ("0.1", "10%", "-3"): a scale whose levels are
        numbers other than 1…n reads a cell's number this way. Empty for a scale of words."""
        found: dict[float, int] = {}
        for value, label in self.labels.items():
            for word in (label, *self.aliases.get(value, ())):
                number = spelt_number(word)
                if number is not None:
                    found.setdefault(number, value)
        return found

    def value_for_number(self, number: float) -> int | None:
        """The level a cell's number stands for: by the numbers the scale spells, else the level itself."""
        numbers = self.numbers
        if numbers:
            return numbers.get(round(number, NUMBER_DIGITS))
        whole = int(number) if number.is_integer() else None
        return whole if whole in self.labels else None

    @property
    def max_value(self) -> int:
        return max(self.labels)

    @cached_property
    def _lookup(self) -> dict[str, int]:
        lookup = {label: value for value, label in self.labels.items()}
        descriptions = self.descriptions
        for value, words in (
            (v, (lbl, *self.aliases.get(v, ()), *((descriptions[v],) if v in descriptions else ())))
            for v, lbl in self.labels.items()
        ):
            lookup.update({word: value for word in words})
            lookup.update({_fold(word): value for word in words})
        return lookup

    def value_for_label(self, text: str) -> int | None:
        found = self._lookup.get(text)  # as the scheme spells it, or already folded
        return found if found is not None else self._lookup.get(_fold(text))

    def label(self, value: int) -> str:
        return self.labels[value]


@dataclass(frozen=True)
class Scheme:
    """A risk-scoring scheme. Score = impact × likelihood, or the scheme's matrix; the band follows the score."""

    name: str
    labels: dict[int, str]
    bands: tuple[Band, ...]
    statuses: tuple[Status, ...]
    reference_pattern: str
    reference_prefix: str
    reference_digits: int
    reference_example: str
    likelihood_heading: str
    likelihood_descriptors: dict[int, str]
    impact_areas: tuple[ImpactArea, ...]
    categories: tuple[str, ...] = ()
    source: str = ""
    impact_scale: Scale | None = None
    likelihood_scale: Scale | None = None
    matrix: tuple[tuple[int, ...], ...] | None = None  # rows: impact levels; columns: likelihood levels
    columns: dict[str, ColumnSpec] | None = None
    toml: str = field(default="", compare=False, repr=False)  # the file's text, which a template carries
    impact_name: str = "Impact"  # the scheme's word for the impact axis ("Consequence")

    def score_for(self, impact: int | None, likelihood: int | None) -> int | None:
        """The score of an impact and a likelihood: their product, or the scheme's matrix entry."""
        if impact is None or likelihood is None:
            return None
        matrix = self.matrix
        if matrix is None:
            return impact * likelihood
        return matrix[impact - 1][likelihood - 1]

    @property
    def score_rule(self) -> str:
        return f"{self.impact_name.lower()} × likelihood" if self.matrix is None else "the scheme's matrix"

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Folded header -> field."""
        return {alias: spec.field for spec in (self.columns or {}).values() for alias in spec.aliases or ()}

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(name for name, spec in (self.columns or {}).items() if spec.required)

    @property
    def impact_labels(self) -> dict[int, str]:
        return self.impact_scale.labels if self.impact_scale else self.labels

    @property
    def likelihood_labels(self) -> dict[int, str]:
        return self.likelihood_scale.labels if self.likelihood_scale else self.labels

    def impact_label(self, value: int) -> str:
        return self.impact_scale.labels[value] if self.impact_scale else self.labels[value]

    def likelihood_label(self, value: int) -> str:
        return self.likelihood_scale.labels[value] if self.likelihood_scale else self.labels[value]

    @property
    def values(self) -> list[int]:
        return sorted(self.labels)

    @property
    def top_band(self) -> Band:
        """The highest band: the one the panel's Appendix E lists."""
        return self.bands[0]

    @property
    def max_value(self) -> int:
        return max(self.labels)

    @cached_property
    def _label_lookup(self) -> dict[str, int]:
        lookup = {label: value for value, label in self.labels.items()}
        lookup.update({_fold(label): value for value, label in self.labels.items()})
        return lookup

    @cached_property
    def _bands_by_min(self) -> tuple[list[int], list[Band]]:
        # Bands may span any range (max = 2147483647 for "no upper limit"): look up by bisection,
        # never by listing the scores.
        ordered = sorted(self.bands, key=lambda b: b.min)
        return [b.min for b in ordered], ordered

    @cached_property
    def _status_cache(self) -> dict[str, tuple[str | None, str]]:
        return {}

    @cached_property
    def reference_regex(self) -> LinearPattern:
        return LinearPattern(self.reference_pattern)

    def value_for_label(self, text: str) -> int | None:
        found = self._label_lookup.get(text)  # already folded ("very high") or as the scheme spells it
        return found if found is not None else self._label_lookup.get(_fold(text))

    def label(self, value: int) -> str:
        return self.labels[value]

    def value_for_number(self, number: float) -> int | None:
        whole = int(number) if number.is_integer() else None
        return whole if whole in self.labels else None

    @property
    def guessed_scales(self) -> tuple[Scale, ...]:
        """The scales whose order was drafted from no evidence and not yet confirmed."""
        return tuple(s for s in (self.impact_scale, self.likelihood_scale) if s is not None and s.guessed)

    def band(self, score: int | None) -> Band | None:
        if score is None:
            return None
        mins, ordered = self._bands_by_min
        at = bisect.bisect_right(mins, score) - 1
        if at < 0 or score > ordered[at].max:
            return None
        return ordered[at]

    @cached_property
    def _band_by_word(self) -> dict[str, Band]:
        by_word = {_fold(word): b for b in self.bands for word in b.words}
        by_word.update({_fold(b.name): b for b in self.bands})  # a band's own name wins
        return by_word

    def band_named(self, name: str) -> Band | None:
        """The band a rating cell names: by the band's name or one of its words ("Red")."""
        return self._band_by_word.get(_fold(name))

    def status(self, name: str) -> Status:
        found = next((s for s in self.statuses if s.name == name), None)
        return found if found is not None else Status(name, "", ())  # a scheme without statuses takes any

    def scores(self) -> list[int]:
        """Every score the scheme can produce, highest first."""
        impacts = self.impact_scale.labels if self.impact_scale else self.labels
        likelihoods = self.likelihood_scale.labels if self.likelihood_scale else self.labels
        return sorted(
            {i * j if self.matrix is None else self.matrix[i - 1][j - 1] for i in impacts for j in likelihoods},
            reverse=True,
        )


class LinearPattern:
    """The scheme's reference pattern, matched by RE2 in time linear in the text: a pattern such as
    ^(a+)+$, which Python's own engine would take centuries over, cannot hang a check."""

    def __init__(self, pattern: str):
        import re2

        options = re2.Options()
        options.log_errors = False  # RE2 would otherwise write its own lines on stderr
        try:
            self._compiled = re2.compile(pattern, options=options)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise ValueError(f"{reason} (look-arounds and backreferences are not supported)") from None
        # The public match() builds a match object per call; for 100,000 references the direct
        # call is 14 times faster. It is used when this version of google-re2 offers it.
        self._regexp = getattr(self._compiled, "_regexp", None)
        self._anchor = getattr(getattr(re2, "_Anchor", None), "ANCHOR_START", None)
        self._null = getattr(re2, "_NULL_SPAN", None)
        self._direct = None not in (self._regexp, self._anchor, self._null)

    def match(self, text: str) -> bool:
        """Whether text starts with a match (as re.match), in time linear in the text."""
        if self._direct:
            data = text.encode()
            return self._regexp.Match(self._anchor, data, 0, len(data))[0] != self._null  # type: ignore[union-attr]
        return self._compiled.match(text) is not None

    def match_each(self, texts: list[str]) -> list[bool]:
        """match(text) for each text, in C calls only where this version of google-re2 allows."""
        if not self._direct:
            return list(map(self.match, texts))
        data = list(map(str.encode, texts))
        spans = map(self._regexp.Match, repeat(self._anchor), data, repeat(0), map(len, data))  # type: ignore[union-attr]
        return list(map(operator.ne, map(itemgetter(0), spans), repeat(self._null)))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


NUMBER_DIGITS = 4  # a scale's numbers are compared to this many decimals: a mean 3.3333… is "3.3333"
_SPELT_NUMBER = re.compile(r"^\s*([-+−]?\d+(?:[.,]\d+)?)\s*(%?)\s*$")


def spelt_number(text: str) -> float | None:
    """The number a scale word spells: "3", "-2", "2.5", "0,5", "10%" (0.1); None for a word."""
    match = _SPELT_NUMBER.match(text)
    if match is None:
        return None
    number = float(match.group(1).replace(",", ".").replace("−", "-"))
    return round(number / 100 if match.group(2) else number, NUMBER_DIGITS)
