"""When two references are the same to a reader: Unicode forms, invisible characters and look-alike letters.

A register's references are typed, pasted from e-mail and web pages: "STR0001" may arrive with a
zero-width space or a word joiner inside it, in full-width letters, or with a Cyrillic Т for the
Latin T. Each of those reads as STR0001, so riskbook compares references by reference_key
(Unicode NFKC, invisible characters removed, case ignored), and names a reference that differs
from another only by look-alike letters (look_alike_key).
"""

from __future__ import annotations

import unicodedata

# Letters of other scripts drawn as a Latin letter (a subset of Unicode's confusables, those of the
# Cyrillic and Greek alphabets that registers' references meet in practice), by their Latin twin.
_TWINS = {
    "A": "АΑ", "B": "ВΒ", "C": "СϹ", "E": "ЕΕ", "H": "НΗ", "I": "ІΙӀ", "J": "Ј", "K": "КΚ", "M": "МΜ",
    "N": "Ν", "O": "ОΟ", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "Y": "УΥ", "Z": "Ζ",
    "a": "а", "c": "сϲ", "e": "е", "i": "і", "j": "ј", "o": "оο", "p": "р", "s": "ѕ", "x": "х", "y": "у",
}  # fmt: skip
_LATIN = str.maketrans({twin: latin for latin, twins in _TWINS.items() for twin in twins})


def _invisible(ch: str) -> bool:
    """Format characters (zero-width space and joiners, word joiner, byte-order mark, soft hyphen,
    direction marks): they take no room on screen or paper."""
    return unicodedata.category(ch) == "Cf"


def reference_key(reference: str) -> str:
    """The reference as a reader sees it: NFKC form, without invisible characters, upper case."""
    if reference.isascii():  # nearly every one: NFKC leaves ASCII as it is
        return reference.upper()
    text = unicodedata.normalize("NFKC", reference)
    return "".join(ch for ch in text if not _invisible(ch)).upper()


def look_alike_key(reference: str) -> str:
    """reference_key with each look-alike letter of another script read as its Latin twin."""
    return reference.upper() if reference.isascii() else reference_key(reference.translate(_LATIN))


def shown(reference: str) -> str:
    """The reference quoted, with what makes it differ from its look-alike said: an invisible character
    as <U+200B>, a letter of another script by its Unicode name."""
    if reference.isascii():
        return repr(reference)
    visible = "".join(f"<U+{ord(ch):04X}>" if _invisible(ch) else ch for ch in reference)
    twins = [
        f"{ch} is {unicodedata.name(ch, 'a letter of another script').title()}"
        for ch in dict.fromkeys(reference)
        if ch.translate(_LATIN) != ch
    ]
    return repr(visible) + (f" (its {', its '.join(twins)}, not Latin)" if twins else "")
