"""A header's qualifier: what a register adds to a column's name to say its scale or its abbreviation.

"Konsekvens (K)", "Likelihood (1-5)", "Impact (H/M/L)", "Probability 0-10", "Risk score [0-100]": the
field is named by the words before the qualifier. The qualifier is a form, not a word, so this is code;
the words themselves stay in the [columns] table.
"""

from __future__ import annotations

import re

# A bracketed abbreviation or scale at the end: one or two letters ("(K)", "(S)"), letters by slashes
# ("(H/M/L)"), or numbers ("(1-5)", "(1 - 5)", "(%)"); never words ("Risk (P*I)" is the score, not a risk).
_ATOM = r"(?:[^\W\d_]{1,2}|[^\W\d_]{1,2}(?:\s*/\s*[^\W\d_]{1,2})+|[\d\s.,%~–—-]+|\d+\s*(?:to|bis|a|à|до)\s*\d+)"
# ... and two such forms as alternatives: "(H/M/L or 1-3)".
_BRACKETED = re.compile(
    rf"\s*[(\[（]\s*{_ATOM}(?:\s+(?:or|oder|ou|o|или)\s+{_ATOM})?\s*[)\]）]\s*$",
    re.I,
)
_RANGE = re.compile(r"\s*\d{1,3}(?:[.,]\d+)?\s*(?:-{1,2}|–|—|to|bis|à|a|до|~|～)\s*\d{1,3}(?:[.,]\d+)?\s*%?\s*$", re.I)


# Guidance in brackets after the name ("Risk Description (There is a risk that… caused by… resulting in…)"):
# four words or more, and not a list of a scale's words ("(Very High, High, Medium, Low)" names a rating).
_BRACKET_AT_END = re.compile(r"\s*[(\[（]([^()\[\]（）]*)[)\]）]\s*$")
_GUIDANCE_WORDS = 4
_LIST_SEPARATORS = re.compile(r"[,/;|]|\b(?:or|and)\b", re.I)

# A unit at the end ("Wahrscheinlichkeit in %"), or an abbreviation defined in front ("A=Auftreten", "S = Severity").
_UNIT = re.compile(r"\s+(?:in\s*)?%\s*$", re.I)
_DEFINED = re.compile(r"^\s*[^\W\d_]{1,3}\s*[=:]\s*(?=\S)")


# A formula after the name or on a line of its own ("Risk Factor= I*F", "Fator de Risco\n(P) x (i)"; not
# "Risk (P*I)": the score, not a risk, see header._name_factors), and a legend on the header cell's later lines
# ("Probabilidade (P)\n1-Baixo\n2-Média\n3-Alta").
_PRODUCT_TAIL = re.compile(r"[(\[]?[^\W\d_]{1,4}[)\]]?[x×*·][(\[]?[^\W\d_]{1,4}[)\]]?", re.I)
# Past this many characters (spaces squeezed) a header is no name with a qualifier: each pattern below costs
# more than its length on some texts, and a 30,000-character header cell is a hostile file's, not a register's.
MAX_QUALIFIED = 300
_LEGEND_LINE = re.compile(r"^\s*(\d{1,2})\s*[-–=:.)]\s*(\S.*?)\s*$")


def without_qualifier(text: str) -> str | None:
    """The header with its qualifiers taken off, or None when it has none (or nothing else)."""
    text = squeezed(text)
    if len(text) > MAX_QUALIFIED:
        return None
    stripped = _DEFINED.sub("", _UNIT.sub("", _without_legend(_without_colon(text))), count=1)
    stripped = _without_formula(stripped)
    while True:
        shorter = _BRACKETED.sub("", stripped, count=1)
        shorter = _RANGE.sub("", shorter, count=1)
        shorter = _without_guidance(shorter)
        if shorter == stripped:
            break
        stripped = shorter
    stripped = stripped.strip()
    return stripped if stripped and stripped != text.strip() else None


def squeezed(text: str) -> str:
    """A header with each run of spaces one space and each run of line breaks (with the spaces round them) one."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # most headers: nothing to squeeze
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def states_a_product(text: str) -> bool:
    """Whether a header ends in a product formula ("Risk Rating = L x I"): what it heads is a score."""
    text = squeezed(text)
    return len(text) <= MAX_QUALIFIED and _without_formula(text) != text


def _without_formula(text: str) -> str:
    """The header without a product after an equals sign or on its own line ("Risk Factor= I*F")."""
    at = max(text.rfind("="), text.rfind("\n"))
    if at < 0 or not _PRODUCT_TAIL.fullmatch("".join(text[at + 1 :].split())):
        return text
    return text[:at]


def header_legend(text: str) -> list[tuple[int, str]]:
    """The numbered levels a header cell lists on its later lines ("1-Baixo", "2-Média"), two or more."""
    text = squeezed(text)
    if len(text) > MAX_QUALIFIED:
        return []
    lines = text.splitlines()[1:]
    found = [(int(m.group(1)), m.group(2)) for line in lines if (m := _LEGEND_LINE.match(line))]
    return found if len(found) >= 2 and len(found) == len([line for line in lines if line.strip()]) else []


def _without_legend(text: str) -> str:
    return text.splitlines()[0] if header_legend(text) else text


def _without_colon(text: str) -> str:
    """A header as a form's label writes it ("Probabilidad (alta, media, baja):") without the colon."""
    return text.rstrip().removesuffix(":").rstrip()


def without_listed(text: str) -> str | None:
    """The header without a bracketed list of its scale's words ("Etki [Düşük-Orta-Yüksek]"), or None."""
    text = _without_colon(squeezed(text))
    if len(text) > MAX_QUALIFIED:
        return None
    bracket = _LAST_BRACKET.search(text)
    return text[: bracket.start()].rstrip() if bracket is not None and listed_levels(text) else None


def _without_guidance(text: str) -> str:
    bracket = _BRACKET_AT_END.search(text)
    if bracket is None:
        return text
    inside = bracket.group(1)
    if len(re.findall(r"[^\W\d_]{2,}", inside)) < _GUIDANCE_WORDS:
        return text
    items = [item for item in _LIST_SEPARATORS.split(inside) if item.strip()]
    if len(items) >= 3 and all(len(item.split()) <= 2 for item in items):
        return text
    return text[: bracket.start()]


# The list a header gives of its scale's levels: "(A/M/B)", "(H/M/L or 1-3)", "(Low, Medium, High)".
_LAST_BRACKET = re.compile(r"[(\[（]([^()\[\]（）]*)[)\]）]\s*$")
_ALTERNATIVE = re.compile(r"\s+(?:or|oder|ou|o|или)\s+", re.I)
_ITEM_SEPARATORS = re.compile(r"[,/;|]")
_HYPHENS = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")  # "Düşük-Orta-Yüksek", three words or more: not "Pre-mitigation"


def listed_levels(text: str) -> list[str] | None:
    """The levels a header lists in brackets at its end, in its order; None when it lists none."""
    text = _without_colon(squeezed(text))
    if len(text) > MAX_QUALIFIED:
        return None
    bracket = _LAST_BRACKET.search(text)
    if bracket is None:
        return None
    for alternative in _ALTERNATIVE.split(bracket.group(1)):
        items = [item.strip() for item in _ITEM_SEPARATORS.split(alternative) if item.strip()]
        if len(items) == 1 and len(hyphened := _HYPHENS.split(items[0])) >= 3:
            items = hyphened
        if len(items) >= 2 and all(len(item.split()) <= 2 and not any(c.isdigit() for c in item) for item in items):
            return items
    return None
