"""Score sets: the inherent and target assessments a register may carry beside the current one, each
read as the scheme reads it, and which assessment the register's Impact and Likelihood columns belong to."""

from __future__ import annotations

from typing import NamedTuple

from riskbook.model import Register
from riskbook.scheme.types import Band, Scheme

# The other assessments a register may carry beside the current one (the "Residual" or "Current"
# columns): each set present is checked as the current one is, and the three are compared.
SCORE_SETS = ("inherent", "target")
SET_PARTS = ("impact", "likelihood", "score", "rating")


def impact_is_inherent(register: Register) -> str:
    """How the register shows that its Impact and Likelihood columns are the inherent assessment ("" when
    they are not): it has an inherent score but no inherent impact or likelihood, and the inherent score,
    not the current one, is impact × likelihood on most rows."""
    if not (register.has("inherent_score") and register.has("score") and register.has("impact")):
        return ""
    if register.has("inherent_impact") or register.has("inherent_likelihood"):
        return ""
    scheme = register.scheme
    inherent = current = rows = 0
    for risk in register.risks:
        product = scheme.score_for(risk.impact, risk.likelihood)
        if product is None:
            continue
        rows += 1
        inherent += whole_number(risk.values.get("inherent_score")) == product
        current += risk.values.get("score") == product
    if rows == 0 or inherent <= current or inherent * 2 < rows:
        return ""
    return f"the inherent score is impact × likelihood on {inherent} of {rows} rows, the current score on {current}"


class SetFacts(NamedTuple):
    """One score set as the scheme reads it: the score its impact and likelihood give, the score stated,
    the score it stands at (the expected one when known), that score's band, and the rating's band."""

    impact: int | None
    likelihood: int | None
    expected: int | None
    stated: int | None
    score: int | None
    band: Band | None
    rating_band: Band | None
    rating: str | None = None  # as checked: the rating column's, or band words in the score column
    rating_in_score: bool = False

    @property
    def score_mismatch(self) -> bool:
        return self.expected is not None and self.stated is not None and self.stated != self.expected

    @property
    def rating_mismatch(self) -> bool:
        return bool(self.rating) and self.band is not None and self.rating_band is not self.band


def set_facts(scheme: Scheme, impact_value, likelihood_value, stated_value, rating) -> SetFacts:
    impact, likelihood = whole_number(impact_value), whole_number(likelihood_value)
    on_scale = impact in scheme.impact_labels and likelihood in scheme.likelihood_labels
    expected = scheme.score_for(impact, likelihood) if on_scale else None
    stated = whole_number(stated_value)
    in_score = stated is None and not rating and isinstance(stated_value, str) and bool(scheme.band_named(stated_value))
    if in_score:
        rating = stated_value  # band words in the score column are a rating
    score = expected if expected is not None else stated
    band = scheme.band(score)
    named = rating_band(scheme, rating, score, band) if rating else None
    return SetFacts(impact, likelihood, expected, stated, score, band, named, str(rating) if rating else None, in_score)


def rating_band(scheme: Scheme, rating, score: int | None, band: Band | None) -> Band | None:
    """The band a rating names; a number equal to the score is the score written again (Risk Rating 12)."""
    text = str(rating)
    if score is not None and text.strip().isdecimal() and int(text) == score:
        return band
    return scheme.band_named(text)


def whole_number(value) -> int | None:
    """A value read as a scale level or score (inherent and target values that are not stay text)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
