"""The scoring scheme: scale, bands, review intervals, statuses and criteria, read from TOML."""

from __future__ import annotations

import bisect
import itertools
import math
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from riskbook.errors import SchemeError

DEFAULT_SCHEME = "scheme-4x4.toml"
MAX_SCALE_VALUES = 10
MAX_REVIEW_MONTHS = 120
# Words the workbook itself writes beside the scale's labels (the Matrix's headers and totals).
WORKBOOK_WORDS = ("Total", "Likelihood \\ Impact")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


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


@dataclass(frozen=True, slots=True)
class ImpactArea:
    name: str
    descriptors: dict[int, str]


@dataclass(frozen=True)
class Scheme:
    """A risk-scoring scheme. Score = impact × likelihood; the band follows the score."""

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

    def score_for(self, impact: int | None, likelihood: int | None) -> int | None:
        """The score the scheme gives an impact and a likelihood; None when either is unknown."""
        if impact is None or likelihood is None:
            return None
        return impact * likelihood

    def band(self, score: int | None) -> Band | None:
        if score is None:
            return None
        mins, ordered = self._bands_by_min
        at = bisect.bisect_right(mins, score) - 1
        if at < 0 or score > ordered[at].max:
            return None
        return ordered[at]

    def band_named(self, name: str) -> Band | None:
        folded = _fold(name)
        return next((b for b in self.bands if _fold(b.name) == folded), None)

    def band_for_word(self, word: str) -> Band | None:
        """The band a rating cell names: by the band's name or one of its words (such as a RAG colour)."""
        folded = _fold(word)
        return self.band_named(word) or next((b for b in self.bands if folded in map(_fold, b.words)), None)

    def status(self, name: str) -> Status:
        return next(s for s in self.statuses if s.name == name)

    def scores(self) -> list[int]:
        """Every score the scheme can produce, highest first."""
        return sorted({i * j for i in self.labels for j in self.labels}, reverse=True)


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


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def shipped_scheme_path(name: str):
    """A scheme file shipped with riskbook (installed as riskbook.workbook_templates)."""
    try:
        return resources.files("riskbook.workbook_templates").joinpath(name)
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parent.parent / "workbook_templates" / name


def load_scheme(path: str | Path | None = None) -> Scheme:
    """Load a scheme from a TOML file, or the shipped 4 × 4 scheme when path is None."""
    if path is None:
        text = shipped_scheme_path(DEFAULT_SCHEME).read_text(encoding="utf-8")
        source = DEFAULT_SCHEME
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SchemeError(f"cannot read scheme {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise SchemeError(f"scheme {path} is not UTF-8 text") from exc
        source = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"scheme {source} is not valid TOML: {exc}") from exc
    try:
        return _build_scheme(data, source)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise SchemeError(f"scheme {source} is incomplete or malformed: {exc!r}") from exc


def _build_scheme(data: dict, source: str) -> Scheme:
    def refuse(key: str, why: str):
        raise SchemeError(f"scheme {source}: {key} {why}")

    scale = data["scale"]
    if len(scale) > MAX_SCALE_VALUES:
        refuse("scale", f"has {len(scale)} values; riskbook allows at most {MAX_SCALE_VALUES}")
    labels: dict[int, str] = {}
    for index, item in enumerate(scale):
        value = _whole(item["value"], f"scale[{index}].value", refuse)
        labels[value] = _label(item["label"], f"scale[{index}].label", refuse)
    if sorted(labels) != list(range(1, len(labels) + 1)):
        raise ValueError("scale values must run 1, 2, … without gaps")
    _refuse_clashing_words(list(labels.values()), "scale", refuse, reserved=WORKBOOK_WORDS)
    bands = tuple(_band(b, f"bands[{i}]", refuse) for i, b in enumerate(data["bands"]))
    _refuse_clashing_words([b.name for b in bands] + [w for b in bands for w in b.words], "bands", refuse)
    ordered = sorted(bands, key=lambda b: b.min)
    for lower, upper in itertools.pairwise(ordered):
        if upper.min <= lower.max:
            refuse(
                "bands",
                f"{lower.name} ({lower.min}–{lower.max}) and {upper.name} ({upper.min}–{upper.max}) overlap: "
                "a score must have one band",
            )
    pattern = data["reference"]["pattern"]
    try:
        LinearPattern(str(pattern))
    except ValueError as exc:
        refuse("reference.pattern", f"{pattern!r} is not a usable pattern: {exc}")
    scheme = Scheme(
        name=data["name"],
        labels=labels,
        bands=tuple(sorted(bands, key=lambda b: -b.max)),
        statuses=tuple(
            Status(
                name=_label(s["name"], f"statuses[{i}].name", refuse),
                meaning=s["meaning"],
                aliases=tuple(s.get("aliases", ())),
                overdue=bool(s.get("overdue", False)),
            )
            for i, s in enumerate(data["statuses"])
        ),
        reference_pattern=str(pattern),
        reference_prefix=data["reference"]["prefix"],
        reference_digits=_whole(data["reference"]["digits"], "reference.digits", refuse, 1, 100),
        reference_example=data["reference"]["example"],
        likelihood_heading=data["likelihood"]["heading"],
        likelihood_descriptors={int(k): v for k, v in data["likelihood"]["descriptors"].items()},
        impact_areas=tuple(
            ImpactArea(
                name=a["name"],
                descriptors={int(k): v for k, v in a.items() if k != "name"},
            )
            for a in data["impact_areas"]
        ),
        categories=tuple(data.get("categories", ())),
        source=source,
    )
    _refuse_clashing_words([s.name for s in scheme.statuses], "statuses", refuse)
    missing = [s for s in scheme.scores() if scheme.band(s) is None]
    if missing:
        raise ValueError(f"no band covers the scores {missing}")
    return scheme


def _whole(value, key: str, refuse, low: int | None = None, high: int | None = None) -> int:
    """A whole number, as written: 4.7 is refused rather than read as 4, and so are inf and nan."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        refuse(key, f"must be a whole number, not {value!r}")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value) or not value.is_integer()):
        refuse(key, f"must be a whole number, not {value!r}")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        refuse(key, f"is {number}; it must be from {low} to {high}")
    return number


MAX_LABEL = 100  # a label heads a table column and is quoted in formulas: a word or a few, not a paragraph


def _label(value, key: str, refuse) -> str:
    if not isinstance(value, str) or not value.strip():
        refuse(key, f"must be a word, not {value!r}")
    if len(value) > MAX_LABEL:
        refuse(key, f"is {len(value):,} characters; a label may have at most {MAX_LABEL}")
    return value


def _refuse_clashing_words(words: list[str], key: str, refuse, reserved: tuple[str, ...] = ()) -> None:
    """Labels are matched ignoring case and become Excel table headers: two that differ only in
    case, or one the workbook uses for itself, would make the register ambiguous."""
    seen: dict[str, str] = {}
    for word in words:
        folded = _fold(word)
        clash = next((r for r in reserved if _fold(r) == folded), None)
        if clash:
            refuse(key, f"label {word!r} is a word the workbook writes for itself ({clash!r}); choose another")
        if folded in seen:
            refuse(key, f"labels {seen[folded]!r} and {word!r} differ only in case or spacing")
        seen[folded] = word


def _band(b: dict, key: str, refuse) -> Band:
    low = _whole(b["min"], f"{key}.min", refuse, 1)
    high = _whole(b["max"], f"{key}.max", refuse, low)
    for colour in ("fill", "font"):
        if not isinstance(b[colour], str) or not _COLOUR.fullmatch(b[colour]):
            refuse(f"{key}.{colour}", f"must be a colour written #RRGGBB, not {b[colour]!r}")
    return Band(
        name=_label(b["name"], f"{key}.name", refuse),
        min=low,
        max=high,
        fill=b["fill"],
        font=b["font"],
        review_months=_whole(b["review_months"], f"{key}.review_months", refuse, 1, MAX_REVIEW_MONTHS),
        words=tuple(_label(w, f"{key}.words", refuse) for w in b.get("words", ())),
    )


def resolve_status(text: str, scheme: Scheme) -> tuple[str | None, str]:
    """The canonical status for text, and how it matched: exact, variant or unknown.

    A variant is the canonical name in other case or spacing, a listed alias, or a
    near spelling (one or two letters off). For unknown text the second item is the
    closest status, if any is close, else "".
    """
    cache = scheme._status_cache
    if text not in cache:
        cache[text] = _resolve_status(text, scheme)
    return cache[text]


def _resolve_status(text: str, scheme: Scheme) -> tuple[str | None, str]:
    import difflib

    names = {s.name: s for s in scheme.statuses}
    if text in names:
        return text, "exact"
    folded = _fold(text)
    lookup = {_fold(s.name): s.name for s in scheme.statuses}
    lookup.update({_fold(a): s.name for s in scheme.statuses for a in s.aliases})
    if folded in lookup:
        return lookup[folded], "variant"
    close = difflib.get_close_matches(folded, list(lookup), n=1, cutoff=0.88)
    if close:
        return lookup[close[0]], "variant"
    near = difflib.get_close_matches(folded, list(lookup), n=1, cutoff=0.6)
    return None, lookup[near[0]] if near else ""
