"""Finding a register's header: the row whose cells name the most fields, each column mapped to its
field (by the scheme's words, a qualifier, a group row above it), and the overrides the user gave."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from riskbook.check.findings import Finding, make
from riskbook.errors import ReadError
from riskbook.fields import FIELD_LABELS
from riskbook.model import Risk, cell_name, column_letter
from riskbook.read import values as v
from riskbook.read.by_content import ByContent, column_fits, factors_by_content, levels_by_content, names_column
from riskbook.read.header_groups import field_in_group, names_current
from riskbook.read.header_qualifier import (
    MAX_QUALIFIED,
    listed_levels,
    squeezed,
    states_a_product,
    without_listed,
    without_qualifier,
)
from riskbook.scheme.known_words import known_words
from riskbook.scheme.load import header_key, load_scheme
from riskbook.scheme.types import Scheme

HEADER_SEARCH_ROWS = 60  # a template's cover block of instructions can be long

_MIN_HEADER_FIELDS = 3
_NAME_FIELDS = frozenset({"title", "description"})
_SCALE_FIELDS = frozenset({"impact", "likelihood"})
_LEVEL_FIELDS = frozenset({"impact", "likelihood", "score", "rag"})


def field_for_header(text: Any, scheme: Scheme | None = None) -> str | None:
    """The field a header is read as under a scheme's [columns] (default: the shipped scheme)."""
    lookup = (scheme or load_scheme()).header_lookup
    return _field_named(lookup, text) if isinstance(text, str) else None


def _field_named(lookup: dict[str, str], text: str) -> str | None:
    """The field a header names: as written, else without its qualifier ("Konsekvens (K)", "Impact (1-5)")."""
    name = lookup.get(header_key(text))
    if name is None:
        bare = without_qualifier(text)
        if bare is not None:
            name = lookup.get(header_key(bare))
            if name == "rag" and states_a_product(text):
                name = "score"  # "Risk Rating = L x I" heads the product, a score
    if name is None and (bare := without_listed(text)) is not None:
        # the values listed after a field's name ("Etki [Düşük-Orta-Yüksek]", "Durum (Açık-Kapalı)"); after a
        # risk's name ("Risk (Very High, High, Medium, Low)") they name a rating, not the name; after a level's,
        # they must be levels ("Impact (Cost/Schedule/Quality)" lists areas)
        name = _field_named(lookup, bare)
        if name in _NAME_FIELDS or (name in _LEVEL_FIELDS and not _scale_like(listed_levels(text) or [])):
            name = None
    return name


_BRACKETED_GROUP = re.compile(r"^(.*?\S)\s*[(\[（]([^()\[\]（）]+)[)\]）]\s*$", re.S)


def _field_by_bracketed_group(lookup: dict[str, str], text: str) -> tuple[str, str] | None:
    """A field and the assessment a bracket after it names ("Pravdepodobnosť (pred mitigáciou)": the inherent
    likelihood), as a group over it would: (field, group)."""
    text = squeezed(text)
    fits = len(text) <= MAX_QUALIFIED and text.endswith((")", "]", "）"))
    found = _BRACKETED_GROUP.match(text) if fits else None
    if found is None:
        return None
    base, group = found.groups()
    name = field_in_group(group, _field_named(lookup, base))
    return (name, group) if name is not None else None


_MAX_ALTERNATIVES = 3  # "A / B / C" at most: a longer list is no one field's name
# "or" in the languages of the shipped [columns] words (not Dutch "of", an English word), and a slash.
_ALTERNATIVES = re.compile(
    r"\s*/\s*|\s+(?:or|oder|ou|o|eller|lub|или|або|nebo|alebo|tai|vagy|veya|oppure)\s+|或|または", re.I
)


def _scale_like(items: list[str]) -> bool:
    """Whether a header's bracketed list is of a scale's levels: known scale words, or letter codes."""
    return all(len(item) <= 2 for item in items) or known_words(items) is not None


def _field_of_alternatives(
    lookup: dict[str, str], text: str, aliases_of: dict[str, dict[str, list[str]]]
) -> str | None:
    """The field every alternative of a header names ("Probability or Occurrence", "Impact / Severity"), each
    as written or one letter off ("Impact/ Concequence"); "Threat / Opportunity" names no one field.
    aliases_of caches each field's index of known headers one letter off, for the header row."""
    text = squeezed(text)
    if len(text) > MAX_QUALIFIED:
        return None
    parts = [part for part in _ALTERNATIVES.split(text, maxsplit=_MAX_ALTERNATIVES) if part.strip()]
    if not 2 <= len(parts) <= _MAX_ALTERNATIVES or any(sum(map(str.isalpha, part)) < 2 for part in parts):
        return None
    named = [_field_named(lookup, part) for part in parts]
    known = set(named) - {None}
    if len(known) != 1:
        return None
    field = known.pop()
    if field not in aliases_of:
        aliases_of[field] = _deletions_index({alias: name for alias, name in lookup.items() if name == field})
    if any(
        name is None and _one_letter_off(header_key(part), aliases_of[field]) is None
        for part, name in zip(parts, named, strict=True)
    ):
        return None
    return field


def closest_text(closest: tuple[int, str, Header, list[list[Any]]] | None) -> str:
    if closest is None:
        return f"looked in the first {HEADER_SEARCH_ROWS} rows for columns such as Reference, Title, Impact, Likelihood"
    row0, sheet, header, rows = closest
    matched = ", ".join(f"{header.texts[offset]!r} as {name}" for name, offset in header.fields.items())
    unknown = [text for offset, text in enumerate(header.texts) if text and header.keys[offset] is None]
    shown = ", ".join(repr(t) for t in unknown[:8]) + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
    return (
        f"closest was row {row0 + header.index + 1} of sheet {sheet!r}, which reads only {matched}"
        + (f" and not {shown}" if unknown else "")
        + "; a header needs a title or description and an impact or likelihood (or a reference) among 3 columns:"
        f" name the others with --column FIELD=HEADER, e.g. --column {_example(header, rows)}"
    )


def _example(header: Header, rows: list[list[Any]]) -> str:
    """The --column example: the field the row most needs, and the unknown column whose content fits it
    (names for a title, levels for a likelihood, codes for a reference); else a placeholder, never a
    column that would mislead."""
    wanted = _wanted_field(header)
    unknown = [offset for offset, text in enumerate(header.texts) if text and header.keys[offset] is None]
    fits = next((o for o in unknown if column_fits(rows, header.index + 1, header.width, o, wanted)), None)
    return f"{wanted}={header.texts[fits]!r}" if fits is not None else f"{wanted}=HEADER"


def _wanted_field(header: Header) -> str:
    """The field the closest row most needs, for the --column example."""
    fields = header.fields.keys()
    if not fields & _NAME_FIELDS:
        return "title"
    if not fields & _SCALE_FIELDS:
        return "likelihood"
    return "reference"


def check_overrides(display: str, sheet: str, row0: int, header: Header, overrides: dict[str, str]) -> None:
    """Each --column must name a header the register has."""
    for name, wanted in overrides.items():
        if name not in header.fields:
            present = ", ".join(repr(t) for t in header.texts if t)
            raise ReadError(
                f"{display}: --column {name}={wanted!r}: no column headed {wanted!r} in the header row "
                f"(row {row0 + header.index + 1} of sheet {sheet!r}, which has {present})"
            )


def hidden_notices(
    sheet: str, header_row: int, named: dict[int, str], risks: list[Risk], reference_col: int, hidden
) -> list[Finding]:
    """Warnings for hidden risk rows and hidden register columns: read, but the owner may not see them."""
    rows, cols = hidden
    notices = []
    by_row = {risk.row: risk for risk in risks}
    for row in sorted(rows & set(by_row)):
        risk = by_row[row]
        notices.append(make("hidden-row", sheet, cell_name(row, reference_col), risk.reference, row, row=row + 1))
    for col in sorted(cols & set(named)):
        notices.append(make("hidden-column", sheet, cell_name(header_row, col), column=column_letter(col)))
    return notices


def near_spelling_notices(header: Header, sheet: str, header_row: int, col0: int) -> list[Finding]:
    """One header-near-spelling warning for each column read by a known header it is one letter off."""
    return [
        make(
            "header-near-spelling",
            sheet,
            cell_name(header_row, col0 + offset),
            column=column_letter(col0 + offset),
            header=repr(header.texts[offset]),
            field=FIELD_LABELS[header.keys[offset] or ""].lower(),
            alias=alias,
            name=header.keys[offset],
        )
        for offset, alias in sorted(header.near.items())
    ]


def sheet_is_empty(rows: list[list[Any]]) -> bool:
    return all(v.is_blank(cell) for row in rows for cell in row)


def unique_name(text: str, taken: set[str], next_number: dict[str, int]) -> str:
    """Two columns with one header keep both values: the second is named "Notes (2)".

    taken and next_number carry over from column to column, so a wide header stays linear.
    """
    name, n = text, next_number.get(text, 2)
    while name in taken:
        name, n = f"{text} ({n})", n + 1
    next_number[text] = n
    taken.add(name)
    return name


@dataclass(slots=True)
class Header:
    """A header row as read: each column's header text and field, and the first column of each field."""

    index: int  # of the header row (the lower row of a two-row header)
    texts: list[str]
    keys: list[str | None]
    fields: dict[str, int]
    by_group: dict[int, str] = dataclasses.field(default_factory=dict)  # offset -> the group that named its assessment
    by_content: tuple[ByContent, ...] = ()  # columns whose content settled which field they are
    near: dict[int, str] = dataclasses.field(default_factory=dict)  # offset -> the known header it is one letter off

    @property
    def width(self) -> int:
        return max((offset + 1 for offset, text in enumerate(self.texts) if text), default=0)

    def is_register(self) -> bool:
        fields = self.fields.keys()
        if len(fields) < _MIN_HEADER_FIELDS:
            return False
        if "reference" in fields or (fields & _NAME_FIELDS and fields & _SCALE_FIELDS):
            return True
        return _SCALE_FIELDS <= fields and "score" in fields  # P, I and P × I: the name is found by content


def find_header(rows: list[list[Any]], lookup: dict[str, str]) -> tuple[Header | None, Header | None]:
    """The header row, or None and the row that came closest to one."""
    best: Header | None = None
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        header = _map_header(rows, index, lookup)
        if header.is_register() or _SCALE_FIELDS <= header.fields.keys():  # the rows below are read only here
            header = _settled(header, rows)
        elif header.fields.keys() & _NAME_FIELDS and not header.fields.keys() & _SCALE_FIELDS:
            header = _with_factors(header, rows)
        if header.is_register() or _named_by_content(header, rows):
            if index + 1 < len(rows):  # the upper row of a two-row header maps fewer fields than the pair
                lower = _settled(_map_header(rows, index + 1, lookup), rows)
                if len(lower.fields) > len(header.fields):
                    return _near_spellings(lower, lookup), None
            return _near_spellings(header, lookup), None
        if best is None or len(header.fields) > len(best.fields):
            best = header
    return None, best if best is not None and best.fields else None


def _with_factors(header: Header, rows: list[list[Any]]) -> Header:
    """The header with a three-factor method's letter columns read as impact and likelihood (factors_by_content)."""
    found = factors_by_content(header.keys[: header.width], rows, header.index + 1, header.texts)
    if not found:
        return header
    keys = list(header.keys)
    for item in found:
        keys[item.offset] = item.field
    fields = dict(header.fields) | {item.field: item.offset for item in found}
    return dataclasses.replace(header, keys=keys, fields=fields, by_content=(*header.by_content, *found))


def _settled(header: Header, rows: list[list[Any]]) -> Header:
    """The header with its level columns settled by what they hold (see levels_by_content)."""
    if not header.fields.keys() & {"impact", "likelihood", "consequence", "title"}:
        return header
    found = levels_by_content(header.keys[: header.width], rows, header.index + 1, header.texts)
    if not found:
        return header
    keys = list(header.keys)
    for item in found:
        if item.field in header.fields and header.fields[item.field] != item.offset:
            keys[header.fields[item.field]] = None  # the sentences under the level's header, unless named below
    for item in found:
        keys[item.offset] = item.field or None
    fields: dict[str, int] = {}
    for offset, key in enumerate(keys):
        if key is not None:
            fields.setdefault(key, offset)
    return dataclasses.replace(header, keys=keys, fields=fields, by_content=tuple(found))


_NEAR_LENGTH = 7  # letters a header needs before one letter off is a slip, not another word (Risk, Rise)
# The fields a slip is looked for: those the checks read (a narrative column misspelt stays an extra column).
_NEAR_FIELDS = frozenset(
    {"reference", "title", "description", "owner", "impact", "likelihood", "score", "rag", "status"}
    | {"first_recorded", "last_review", "next_review"}
)


def _near_spellings(header: Header, lookup: dict[str, str]) -> Header:
    """The header with each unknown column one letter off a known header read as that header's field,
    where no other column names the field ("Eintrittswarscheinlichkeit": the h missing)."""
    missing = _NEAR_FIELDS - header.fields.keys()
    wanted = {alias: field for alias, field in lookup.items() if field in missing}
    longest = max(map(len, wanted), default=0) + 1  # a longer header is no slip of one, and costs its square
    unknown = [
        (offset, key)
        for offset, text in enumerate(header.texts)
        if text and header.keys[offset] is None and _NEAR_LENGTH <= len(key := header_key(text)) <= longest
    ]
    if not unknown:
        return header
    by_deletion = _deletions_index(wanted)
    keys, fields, near = list(header.keys), dict(header.fields), dict(header.near)
    for offset, key in unknown:
        alias = _one_letter_off(key, by_deletion)
        if alias is not None and (field := lookup[alias]) not in fields:
            keys[offset] = field
            fields[field] = offset
            near[offset] = alias
    return dataclasses.replace(header, keys=keys, fields=fields, near=near) if near != header.near else header


def _deletions_index(lookup: dict[str, str]) -> dict[str, list[str]]:
    """Each long known header and each of its one-letter deletions -> the known headers it comes from."""
    index: dict[str, list[str]] = {}
    for alias in lookup:
        if len(alias) >= _NEAR_LENGTH - 1:
            for variant in {alias, *(alias[:i] + alias[i + 1 :] for i in range(len(alias)))}:
                index.setdefault(variant, []).append(alias)
    return index


def _one_letter_off(key: str, by_deletion: dict[str, list[str]]) -> str | None:
    """The one known header a letter missing, added, changed or two swapped away from key, if only one is."""
    found = {
        alias
        for variant in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}
        for alias in by_deletion.get(variant, ())
        if alias != key and v.one_letter_off(key, alias, swap=True)
    }
    return found.pop() if len(found) == 1 else None


def _named_by_content(header: Header, rows: list[list[Any]]) -> bool:
    """A header naming the impact and likelihood but no title: a register when a column below holds
    risks' names (an FMEA's "Problem"), which the read then takes as the title, and says so."""
    fields = header.fields.keys()
    if not _SCALE_FIELDS <= fields or fields & _NAME_FIELDS:
        return False
    free = [offset for offset in range(header.width) if header.keys[offset] is None]
    return names_column(rows, header.index + 1, free, header.width) is not None


def _map_header(rows: list[list[Any]], index: int, lookup: dict[str, str]) -> Header:
    """A row read as a header; when the row above groups it ("Threat" over "Probability" and
    "Impact"), a column is read as group and header together where that names a field."""
    row = rows[index]
    above = _group_row(rows[index - 1], len(row)) if index > 0 else None
    alone = _map_cells(row, index, lookup, None)
    if above is None:
        return alone
    # The row above is the header's upper half only if it names more columns; else it is a title.
    together = _map_cells(row, index, lookup, above)
    return together if len(together.fields) > len(alone.fields) else alone


def _map_cells(row: list[Any], index: int, lookup: dict[str, str], above: list[tuple[str, str]] | None) -> Header:
    texts: list[str] = []
    keys: list[str | None] = []
    fields: dict[str, int] = {}
    by_group: dict[int, str] = {}
    bracketed: set[int] = set()
    for offset, cell in enumerate(row):
        text = "" if v.is_blank(cell) else v.clean_text(cell)
        name = None
        if above is not None:
            group, own = above[offset]
            if text and group:
                name = _field_named(lookup, f"{group} {text}")
                if name is None:
                    name = field_in_group(group, _field_named(lookup, text))
                    if name is not None:
                        by_group[offset] = group
                if name is not None:
                    text = f"{group} {text}"
            elif not text and own:  # a header merged down over both rows
                text = own
        if name is None and text:
            # a bracket naming an assessment first: "Likelihood (pre-mitigation)" is no list of levels
            grouped = _field_by_bracketed_group(lookup, text)
            if grouped is not None:
                name, by_group[offset] = grouped
                bracketed.add(offset)
            else:
                name = _field_named(lookup, text)
        texts.append(text)
        keys.append(name)
        if name is not None and (name not in fields or _spelt_out_over_letter(texts[fields[name]], text)):
            fields[name] = offset
    _name_by_alternatives(texts, keys, fields, lookup)
    _brackets_alone_are_current(keys, fields, by_group, bracketed)
    _residual_over_plain(texts, keys, fields, by_group)
    _name_factors(texts, keys, fields)
    return Header(index, texts, keys, fields, by_group)


_CURRENT_OF = {"inherent_impact": "impact", "inherent_likelihood": "likelihood", "inherent_score": "score"}
_CURRENT_OF |= {"inherent_rating": "rag", "target_impact": "impact", "target_likelihood": "likelihood"}
_CURRENT_OF |= {"target_score": "score", "target_rating": "rag"}


def _brackets_alone_are_current(
    keys: list[str | None], fields: dict[str, int], by_group: dict[int, str], bracketed: set[int]
) -> None:
    """Levels a bracket names another assessment of ("Likelihood (Before)") where no column holds the current
    one: they are the only levels the register has, read as its current set."""
    if fields.keys() & {"impact", "likelihood"} or not bracketed:
        return
    for offset in sorted(bracketed):
        current = _CURRENT_OF.get(keys[offset] or "")
        if current is not None:
            fields.pop(keys[offset] or "", None)
            keys[offset] = current
            fields.setdefault(current, offset)
            by_group.pop(offset, None)


def _residual_over_plain(
    texts: list[str], keys: list[str | None], fields: dict[str, int], by_group: dict[int, str]
) -> None:
    """Beside an inherent score, a level named twice, plain and as residual ("Likelihood", "Inherent Score",
    then "Residual Likelihood"), is the residual one's: the plain one is the inherent assessment's. Each is
    said as a group's reading is (assessment-by-group)."""
    if "inherent_score" not in fields:
        return
    for name in ("impact", "likelihood"):
        offsets = [offset for offset, key in enumerate(keys) if key == name]
        residual = [offset for offset in offsets if names_current(texts[offset])]
        plain = [offset for offset in offsets if offset not in residual]
        inherent = f"inherent_{name}"
        if residual and plain and inherent not in fields:
            keys[plain[0]], fields[inherent] = inherent, plain[0]
            fields[name] = residual[0]
            by_group[residual[0]] = texts[residual[0]].split()[0]
            by_group[plain[0]] = texts[fields["inherent_score"]]


def _name_by_alternatives(
    texts: list[str], keys: list[str | None], fields: dict[str, int], lookup: dict[str, str]
) -> None:
    """An unnamed column whose header's alternatives all name one field no other column names is that field."""
    aliases_of: dict[str, dict[str, list[str]]] = {}
    for offset, text in enumerate(texts):
        if not text or keys[offset] is not None:
            continue
        if (name := _field_of_alternatives(lookup, text, aliases_of)) and name not in fields:
            keys[offset] = name
            fields[name] = offset


# A header that is a product of two letters: "P x I", "PxI", "Risk (P*I)", "L × I".
_PRODUCT = re.compile(r"^(?:[^(\[]*[(\[])?\s*([^\W\d_])\s*[x×*·]\s*([^\W\d_])\s*[)\]]?\s*$", re.I)
_OTHER_LEVEL = {"likelihood": "impact", "impact": "likelihood"}


def _name_factors(texts: list[str], keys: list[str | None], fields: dict[str, int]) -> None:
    """A header that is a product of two letters is the score ("P*I", "L × I"; "Priority (P×I)" is, by its
    content, where it holds the products: "Livello (PxI)" may hold band words), and names its letter columns
    ("Risk (P*I)" beside "P" and "I"):
    where one letter is a level riskbook knows (P: likelihood), the other is the other level. A letter alone
    says too little ("I" is integrity beside "C" and "A"); named by the product, it is the register's word."""
    at, product = next(((o, m) for o, text in enumerate(texts) if (m := _PRODUCT.match(text))), (0, None))
    if product is None:
        return
    if keys[at] is None and "score" not in fields and "(" not in texts[at]:  # "P*I": folded, the word "Pi"
        keys[at] = "score"
        fields["score"] = at
    letters = [product.group(1).casefold(), product.group(2).casefold()]
    offsets = [next((o for o, text in enumerate(texts) if text.casefold() == letter), None) for letter in letters]
    if offsets[0] is None or offsets[1] is None or offsets[0] == offsets[1]:
        return
    for offset, other in ((offsets[0], offsets[1]), (offsets[1], offsets[0])):
        wanted = _OTHER_LEVEL.get(keys[other] or "")
        if keys[offset] is None and wanted is not None and wanted not in fields:
            keys[offset] = wanted
            fields[wanted] = offset


def _spelt_out_over_letter(first: str, later: str) -> bool:
    """A header that spells its field out ("Threat Impact") is read before a one-letter one ("I"), which
    may be another word: C, I, A are confidentiality, integrity and availability."""
    letter = header_key(first)
    return len(letter) == 1 and letter.isalpha() and len(header_key(later)) > 1


def _group_row(row: list[Any], width: int) -> list[tuple[str, str]] | None:
    """(group over the column, the cell's own text) per column; None unless the row looks like a header's
    upper half (two or more cells: one cell above a header is a title)."""
    cells = ["" if v.is_blank(cell) else v.clean_text(cell) for cell in row[:width]]
    if sum(1 for c in cells if c) < 2:
        return None
    out, group = [], ""
    for text in cells + [""] * (width - len(cells)):
        group = text or group
        out.append((group, text))
    return out
