"""Which assessment a register's Impact and Likelihood columns belong to, when it also has others."""

from __future__ import annotations

from riskbook.model import Register


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
        inherent += _whole(risk.values.get("inherent_score")) == product
        current += risk.values.get("score") == product
    if rows == 0 or inherent <= current or inherent * 2 < rows:
        return ""
    return f"the inherent score is impact × likelihood on {inherent} of {rows} rows, the current score on {current}"


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
