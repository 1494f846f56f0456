"""The scoring scheme: scale, bands, review intervals, statuses and criteria, read from TOML."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from riskbook.errors import SchemeError

DEFAULT_SCHEME = "scheme-4x4.toml"


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
    def _band_by_score(self) -> dict[int, Band]:
        return {s: b for b in self.bands for s in range(b.min, b.max + 1)}

    @cached_property
    def _status_cache(self) -> dict[str, tuple[str | None, str]]:
        return {}

    @cached_property
    def reference_regex(self) -> re.Pattern[str]:
        return re.compile(self.reference_pattern)

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
        return None if score is None else self._band_by_score.get(score)

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
    except (KeyError, TypeError, ValueError) as exc:
        raise SchemeError(f"scheme {source} is incomplete or malformed: {exc!r}") from exc


def _build_scheme(data: dict, source: str) -> Scheme:
    labels = {int(item["value"]): str(item["label"]) for item in data["scale"]}
    if sorted(labels) != list(range(1, len(labels) + 1)):
        raise ValueError("scale values must run 1, 2, … without gaps")
    bands = tuple(
        Band(
            name=b["name"],
            min=int(b["min"]),
            max=int(b["max"]),
            fill=b["fill"],
            font=b["font"],
            review_months=int(b["review_months"]),
            words=tuple(str(w) for w in b.get("words", ())),
        )
        for b in data["bands"]
    )
    scheme = Scheme(
        name=data["name"],
        labels=labels,
        bands=tuple(sorted(bands, key=lambda b: -b.max)),
        statuses=tuple(
            Status(
                name=s["name"],
                meaning=s["meaning"],
                aliases=tuple(s.get("aliases", ())),
                overdue=bool(s.get("overdue", False)),
            )
            for s in data["statuses"]
        ),
        reference_pattern=data["reference"]["pattern"],
        reference_prefix=data["reference"]["prefix"],
        reference_digits=int(data["reference"]["digits"]),
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
    missing = [s for s in scheme.scores() if scheme.band(s) is None]
    if missing:
        raise ValueError(f"no band covers the scores {missing}")
    return scheme


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
