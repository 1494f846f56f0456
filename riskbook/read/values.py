"""Turning cell contents into typed values: text, scale values, scores and dates."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date that may be known only to the month ("Jan 2024")."""

    year: int
    month: int
    day: int | None = None

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month, self.day or 1)

    @property
    def latest(self) -> dt.date:
        last = self.day or calendar.monthrange(self.year, self.month)[1]
        return dt.date(self.year, self.month, last)

    def __str__(self) -> str:
        if self.day is None:
            return self.earliest.strftime("%b %Y")
        return self.earliest.strftime("%d/%m/%Y")

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)


@dataclass(frozen=True, slots=True)
class Invalid:
    """A cell whose content could not be read as its column requires."""

    raw: Any
    reason: str
    code: str

    def __str__(self) -> str:
        return str(self.raw)


SPACE = " \t\r\n\u00a0\u2007\u202f\ufeff"

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]+)\.?,?[ \-](\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?[ \-/,]*(\d{2}|\d{4})$")

# Only these tags are markup; anything else in angle brackets ("<Target A>", an e-mail
# address, "A<B and C>D") is text. The pattern is linear: no part of it can run past a "<".
_VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "hr", "ul", "ol", "li", "tr", "table", "tbody", "thead", "blockquote", "pre"}
    | {f"h{n}" for n in range(1, 7)}
)
_INLINE_TAGS = frozenset(
    {"b", "i", "u", "s", "a", "strong", "em", "span", "font", "sup", "sub", "small", "big", "strike", "del"}
    | {"ins", "mark", "code", "center", "label", "o:p", "td", "th", "caption", "col", "colgroup", "tfoot"}
)
_KNOWN_TAGS = _VOID_TAGS | _BLOCK_TAGS | _INLINE_TAGS
# Paired inline tags count as markup only when the cell closes them too, so "<b> or <i>" as
# typed text stays text; block tags are often left open ("<p>one<p>two"), void tags never close.
_NEED_CLOSING = _INLINE_TAGS - {"td", "th", "col", "colgroup", "caption", "tfoot", "o:p"}
_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+)"""
# Anything shaped like a tag; only names in _KNOWN_TAGS are markup (checked per match, which
# keeps the pattern a plain scan: no alternation of names tried at every "<").
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:]{0,9})(?=[\s/>])(?:" + _ATTRIBUTE + r")*\s*/?>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MANUAL_NUMBER = re.compile(r"\s*\d{1,4}[.)](?:\s|$)")
_BULLET = re.compile(r"^[•\u2022\-*]\s*")


def fold_header(text: Any) -> str:
    """A header as compared with aliases: lower case, letters and digits only, accents dropped
    ("Probabilité" = "probabilite", "Ｒｉｓｋ" = "risk"); Chinese and Japanese stay whole."""
    text = str(text).casefold()
    if not text.isascii():
        # Compatibility forms (full-width letters, "№") made plain, then the Latin, Greek and Cyrillic
        # accents (U+0300-U+036F) dropped; Japanese voicing marks (U+3099) are letters' parts and stay.
        text = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFKD", text))).casefold()
    return "".join(ch for ch in text if ch.isalnum())


_ACCENTS = re.compile("[\u0300-\u036f]")


def one_letter_off(a: str, b: str, swap: bool = False) -> bool:
    """Whether a letter added, dropped or changed (or, with swap, two neighbours swapped) turns a into b."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = swap and len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
        return len(diffs) == 1 or swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def clean_text(value: Any) -> str:
    """A cell as the text riskbook reads: Excel's leading "keep as text" apostrophe (which CSV exports
    spell out) dropped once, trimmed (non-breaking spaces too), HTML fragments made plain.

    The one text cleaning: both row readers, the lazily read fields and the extra columns use it.
    """
    if value.__class__ is not str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    elif value[:1] == "'":
        value = value[1:]
    if "<" in value or "&" in value:
        value = html_to_text(value)
    return value.strip(SPACE)


def html_to_text(text: str) -> str:
    """Plain text from an HTML fragment: paragraphs become lines, list items bullet lines.

    Only markup is removed; every word stays. Text in angle brackets that is not a known
    tag ('<25%', '<Target A>', an address '<name@example.org>') is left alone, and entities
    are decoded only when spelt out in full ('&amp;', not the '&not' inside '&notice').
    """
    tags = _markup_tags(text)
    if not tags:
        return _unescape(text) if "&" in text else text
    out: list[str] = []
    pos = 0
    list_stack: list[list[int | None]] = []  # [counter or None for bullets]
    numbered_at = -1  # index in out of the number just given to an <ol> item
    for match in tags:
        chunk = text[pos : match.start()]
        if numbered_at >= 0 and chunk.strip(SPACE) and _MANUAL_NUMBER.match(chunk):
            out[numbered_at] = "\n"  # "<li>1. Done</li>" in a numbered list keeps its own number
        if chunk.strip(SPACE):
            numbered_at = -1
        out.append(chunk)
        pos = match.end()
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag in ("ul", "ol"):
            if closing:
                if list_stack:
                    list_stack.pop()
            else:
                list_stack.append([1 if tag == "ol" else None])
            out.append("\n")
        elif tag == "li" and not closing:
            marker = "• "
            if list_stack and list_stack[-1][0] is not None:
                marker = f"{list_stack[-1][0]}. "
                list_stack[-1][0] += 1
                numbered_at = len(out)
            out.append("\n" + marker)
        elif tag in _BLOCK_TAGS:
            out.append("\n")
        elif tag in ("td", "th") and closing:
            out.append(" ")
    chunk = text[pos:]
    if numbered_at >= 0 and _MANUAL_NUMBER.match(chunk):
        out[numbered_at] = "\n"
    out.append(chunk)
    plain = _unescape("".join(out)).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in plain.split("\n")]
    lines = [_dedupe_bullet(line) for line in lines if line]
    return "\n".join(lines)


def _markup_tags(text: str) -> list[re.Match[str]]:
    tags = []
    closed: set[str] | None = None
    for match in _TAG.finditer(text):
        tag = match.group(2).lower()
        if tag not in _KNOWN_TAGS:
            continue
        if not match.group(1) and tag in _NEED_CLOSING:
            if closed is None:
                closed = {m.group(2).lower() for m in _TAG.finditer(text) if m.group(1)}
            if tag not in closed:
                continue
        tags.append(match)
    return tags


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _dedupe_bullet(line: str) -> str:
    # "<li>• text</li>" in exported HTML would otherwise read "• • text".
    if line.startswith("• "):
        return "• " + _BULLET.sub("", line[2:])
    return line


def shown_value(value: Any) -> str:
    """A cell's value as a message quotes it: text in quotes, a whole number without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(SPACE))


def parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip(SPACE).replace(",", ""))
        except ValueError:
            return None
    return None


def parse_scale(value: Any, scheme) -> int | Invalid:
    """An impact or likelihood: a number on the scale, numeric text or a label."""
    kind = value.__class__
    if kind is str:
        found = scheme.value_for_label(value)
        if found is not None:
            return found
    elif kind is float or kind is int:
        found = scheme.value_for_number(float(value))
        if found is not None:
            return found
    number = parse_number(value)
    if number is not None:
        found = scheme.value_for_number(number)
        if found is not None:
            return found
    elif kind is str and value.rstrip(SPACE).endswith("%"):  # "20%" as a CSV writes a percentage: 0.2
        share = parse_number(value.rstrip(SPACE)[:-1])
        found = scheme.value_for_number(share / 100) if share is not None else None
        if found is not None:
            return found
    labels = ", ".join(f"{v} {lbl}" for v, lbl in scheme.labels.items())
    return Invalid(value, f"is not on the scale ({labels})", "bad-scale-value")


def parse_score(value: Any) -> int | Invalid:
    if value.__class__ is float and value.is_integer() and value >= 0:
        return int(value)
    number = parse_number(value)
    if number is None and isinstance(value, str) and (remarked := _REMARKED_SCORE.match(value)):
        number = float(remarked.group(1))  # "20 (Critical)": the score, its band's word beside it
    if number is not None and number.is_integer() and number >= 0:
        return int(number)
    return Invalid(value, "is not a whole-number score", "bad-score")


_REMARKED_SCORE = re.compile(r"^\s*(\d{1,6})\s*[(\[][^()\[\]]{1,40}[)\]]\s*$")


# Dates outside these years are placeholders ("31/12/9999" for "no date") or typing slips;
# taken as dates, adding a review period to them would overflow Python's calendar.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def parse_date(value: Any) -> PartialDate | Invalid:
    """A date from a spreadsheet date, UK day-first text or month-and-year text."""
    if isinstance(value, dt.datetime):
        parsed = PartialDate.from_date(value.date())
    elif isinstance(value, dt.date):
        parsed = PartialDate.from_date(value)
    elif isinstance(value, str):
        parsed = _parse_date_text(" ".join(value.strip(SPACE).split()))
    else:
        parsed = None
    if parsed is None:
        return Invalid(value, "is not a date (use DD/MM/YYYY or a month and year)", "bad-date")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return Invalid(
            value,
            f"is not a usable date (the year {parsed.year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; "
            "leave the cell blank if there is no date)",
            "bad-date",
        )
    return parsed


def _parse_date_text(text: str) -> PartialDate | None:
    try:
        if m := _NUMERIC_DATE.match(text):
            day, month, year = int(m[1]), int(m[2]), _full_year(m[3])
            return PartialDate.from_date(dt.date(year, month, day))
        if m := _ISO_DATE.match(text):
            return PartialDate.from_date(dt.date(int(m[1]), int(m[2]), int(m[3])))
        if m := _DAY_MONTH_YEAR.match(text):
            month = MONTHS.get(m[2].lower())
            if month:
                return PartialDate.from_date(dt.date(_full_year(m[3]), month, int(m[1])))
        if m := _MONTH_YEAR.match(text):
            month = MONTHS.get(m[1].lower())
            if month:
                return PartialDate(_full_year(m[2]), month)
    except ValueError:
        return None
    return None


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_dates_in(value: Any) -> list[PartialDate] | Invalid:
    """Every date in a cell that may list several (one per additional control)."""
    if is_blank(value):
        return []
    if not isinstance(value, str):
        single = parse_date(value)
        return single if isinstance(single, Invalid) else [single]
    dates = []
    for part in re.split(r"[\n;]+", value):
        if part.strip(SPACE):
            parsed = parse_date(part)
            if isinstance(parsed, Invalid):
                return parsed
            dates.append(parsed)
    return dates


@functools.lru_cache(maxsize=65_536)
def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
