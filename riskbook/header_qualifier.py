"""A header's qualifier: what a register adds to a column's name to say its scale or its abbreviation.

"Konsekvens (K)", "Likelihood (1-5)", "Impact (H/M/L)", "Probability 0-10", "Risk score [0-100]": the
field is named by the words before the qualifier. The qualifier is a form, not a word, so this is code;
the words themselves stay in the [columns] table.
"""

from __future__ import annotations

import re

# A bracketed part at the end ("(K)", "(1-5)", "[H/M/L]", "(PxI)"), or a bare range ("0-10", "1 to 5").
_BRACKETED = re.compile(r"\s*[(\[（【][^()\[\]（）【】]{0,24}[)\]）】]\s*$")
_RANGE = re.compile(r"\s*\d{1,3}(?:[.,]\d+)?\s*(?:-|–|—|to|bis|à|a|до|~|～)\s*\d{1,3}(?:[.,]\d+)?\s*%?\s*$", re.I)


def without_qualifier(text: str) -> str | None:
    """The header with its trailing qualifiers taken off, or None when it has none (or nothing else)."""
    stripped = text
    while True:
        shorter = _BRACKETED.sub("", stripped, count=1)
        shorter = _RANGE.sub("", shorter, count=1)
        if shorter == stripped:
            break
        stripped = shorter
    stripped = stripped.strip()
    return stripped if stripped and stripped != text.strip() else None
