"""TOML settings (scheme and paper files) as people's editors save them.

Windows Notepad saves "UTF-8" with a byte-order mark, which is no part of the text; and TOML allows arrays
and inline tables nested to any depth, which Python's recursive parser cannot follow past a few hundred
levels. A settings file nests two or three deep: deeper is refused as not valid TOML, in one line.
"""

from __future__ import annotations

import tomllib
import unicodedata

BYTE_ORDER_MARK = "\ufeff"


def without_byte_order_mark(text: str) -> str:
    return text.removeprefix(BYTE_ORDER_MARK)


def parse_settings(text: str) -> dict:
    """The TOML text's tables; tomllib.TOMLDecodeError (one line) when it is not TOML riskbook can read."""
    try:
        return tomllib.loads(without_byte_order_mark(text))
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested hundreds deep; a settings file nests a few") from None


def prints_as_nothing(text: str) -> bool:
    """True when text has no character that shows on paper: spaces, line ends, controls and format characters
    (zero-width space, word joiner, byte-order mark) only."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in text)
