"""The scoring scheme: scale, bands, review intervals, statuses and criteria, read from TOML."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
import tomllib
from importlib import resources
from pathlib import Path

from riskbook.errors import ReadError, SchemeError
from riskbook.read.values import fold_header
from riskbook.scheme.types import Band, ColumnSpec, ImpactArea, LinearPattern, Scale, Scheme, Status, _fold
from riskbook.source.files import MAX_SETTINGS_BYTES, check_input
from riskbook.source.settings_toml import parse_settings, without_byte_order_mark

DEFAULT_SCHEME = "scheme-4x4.toml"
MAX_SCALE_VALUES = 10
MAX_REVIEW_MONTHS = 120
# Words the workbook itself writes beside the scale's labels (the Matrix's headers and totals).
WORKBOOK_WORDS = ("Total", "Likelihood \\ Impact")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


COLUMNS_FILE = "columns.toml"


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
            check_input(path, "scheme", MAX_SETTINGS_BYTES)
            text = Path(path).read_text(encoding="utf-8")
        except ReadError as exc:
            raise SchemeError(f"cannot read scheme {exc}") from None
        except OSError as exc:
            raise SchemeError(f"cannot read scheme {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise SchemeError(f"scheme {path} is not UTF-8 text") from exc
        source = str(path)
    return scheme_from_text(text, source)


def scheme_from_text(text: str, source: str) -> Scheme:
    """A scheme from TOML text; source names it in errors (the file the user gave)."""
    text = without_byte_order_mark(text)
    try:
        data = parse_settings(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"scheme {source} is not valid TOML: {exc}") from exc
    try:
        return dataclasses.replace(_build_scheme(data, source), toml=text)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise SchemeError(f"scheme {source} is incomplete or malformed: {exc!r}") from exc


def _table_of(data: dict, key: str) -> dict:
    table = data.get(key, {})
    return table if isinstance(table, dict) else {}


def _build_scheme(data: dict, source: str) -> Scheme:
    def refuse(key: str, why: str):
        raise SchemeError(f"scheme {source}: {key} {why}")

    impact_scale, likelihood_scale = _build_scales(data, source)
    labels = impact_scale.labels
    for scale in (impact_scale, likelihood_scale):
        _refuse_clashing_words(list(scale.labels.values()), f"{scale.axis}.scale", refuse, reserved=WORKBOOK_WORDS)
    if len(data.get("impact_areas", ())) > MAX_IMPACT_AREAS:
        refuse("impact_areas", f"number {len(data['impact_areas']):,}; a scheme may have at most {MAX_IMPACT_AREAS}")
    if len(data["bands"]) > MAX_BANDS:
        refuse("bands", f"number {len(data['bands']):,}; a scheme may have at most {MAX_BANDS}")
    bands = tuple(_band(b, f"bands[{i}]", refuse) for i, b in enumerate(data["bands"]))
    _refuse_clashing_words([b.name for b in bands], "bands", refuse)
    ordered = sorted(bands, key=lambda b: b.min)
    for lower, upper in itertools.pairwise(ordered):
        if upper.min <= lower.max:
            refuse(
                "bands",
                f"{lower.name} ({lower.min}–{lower.max}) and {upper.name} ({upper.min}–{upper.max}) overlap: "
                "a score must have one band",
            )
    reference = data.get("reference", {})  # no [reference]: any reference is accepted
    pattern = str(reference.get("pattern", ""))
    try:
        LinearPattern(pattern)
    except ValueError as exc:
        refuse("reference.pattern", f"{pattern!r} is not a usable pattern: {exc}")
    likelihood = data.get("likelihood", {})
    scheme = Scheme(
        name=_text(data["name"], "name", refuse),
        labels=labels,
        bands=tuple(sorted(bands, key=lambda b: -b.max)),
        statuses=tuple(
            Status(
                name=_label(s["name"], f"statuses[{i}].name", refuse),
                meaning=_text(s.get("meaning", ""), f"statuses[{i}].meaning", refuse),
                aliases=tuple(_text(a, f"statuses[{i}].aliases", refuse) for a in s.get("aliases", ())),
                overdue=bool(s.get("overdue", False)),
                closed=bool(s.get("closed", False)),
            )
            for i, s in enumerate(data.get("statuses", ()))  # no statuses: any status is accepted
        ),
        reference_pattern=pattern,
        reference_prefix=reference.get("prefix", ""),
        reference_digits=_whole(reference.get("digits", 0), "reference.digits", refuse, 0, 100),
        reference_example=reference.get("example", ""),
        likelihood_heading=likelihood.get("heading", "What it means"),
        likelihood_descriptors={int(k): v for k, v in likelihood.get("descriptors", {}).items()},
        impact_areas=tuple(
            ImpactArea(
                name=a["name"],
                descriptors={int(k): v for k, v in a.items() if k != "name"},
            )
            for a in data.get("impact_areas", ())
        ),
        categories=tuple(
            _text(c, "categories", refuse) for c in _words_list(data.get("categories", []), "categories", refuse)
        ),
        source=source,
        impact_scale=impact_scale,
        likelihood_scale=likelihood_scale,
        matrix=_build_matrix(data, impact_scale, likelihood_scale, source),
        columns=_build_columns(data.get("columns", {}), source),
        impact_name=_label(_table_of(data, "impact").get("name", "Impact"), "impact.name", refuse),
    )
    _refuse_clashing_words([s.name for s in scheme.statuses], "statuses", refuse)
    _check_band_words(scheme, source)
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
# The Rating formula tests the bands one after another (Excel allows 64 nested tests, and 8,192 characters):
# no real scheme has more than a handful of bands.
MAX_BANDS = 20
# Each impact area is a column of the criteria tables (Appendix F, the template's Instructions).
MAX_IMPACT_AREAS = 50


def _text(value, key: str, refuse) -> str:
    """Text as written in quotes: a number, a table or a list where text belongs is refused, not made text."""
    if not isinstance(value, str):
        refuse(key, f"must be text in quotes, not {type(value).__name__} {str(value)[:40]!r}")
    return value


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


def _words_list(value, key: str, refuse) -> list:
    if not isinstance(value, list):
        refuse(key, 'should be a list of words, e.g. ["Red"]')
    return value


def _band(b: dict, key: str, refuse) -> Band:
    low = _whole(b["min"], f"{key}.min", refuse, 0)
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
        words=tuple(_label(w, f"{key}.words", refuse) for w in _words_list(b.get("words", []), f"{key}.words", refuse)),
    )


# What a scheme says about its scales, matrix and columns is checked here, each contradiction
# refused with the key that holds it.


def _refuse(source: str, key: str, reason: str) -> SchemeError:
    return SchemeError(f"scheme {source}: {key}: {reason}")


def _build_scales(data: dict, source: str) -> tuple[Scale, Scale]:
    """Each axis's levels: [[impact.scale]] / [[likelihood.scale]], else the shared [[scale]]."""
    shared = data.get("scale")
    scales = []
    for axis in ("impact", "likelihood"):
        table = data.get(axis, {})
        items, key = (
            (table.get("scale"), f"{axis}.scale") if isinstance(table, dict) and "scale" in table else (shared, "scale")
        )
        if not items:
            raise _refuse(
                source,
                f"{axis}.scale",
                "no levels: give [[scale]] for both axes or [[impact.scale]] and [[likelihood.scale]]",
            )
        order = table.get("order", "confirmed") if isinstance(table, dict) else "confirmed"
        if order not in SCALE_ORDERS:
            raise _refuse(source, f"{axis}.order", f'is {order!r}; write "confirmed" (or remove the line)')
        scales.append(_build_scale(axis, items, key, source, order))
    return scales[0], scales[1]


SCALE_ORDERS = ("confirmed", "guessed")


def _build_scale(axis: str, items: list, key: str, source: str, order: str = "confirmed") -> Scale:
    def refuse(where: str, why: str):
        raise SchemeError(f"scheme {source}: {where} {why}")

    labels = {
        _whole(item["value"], f"{key}[{i}].value", refuse): _label(item["label"], f"{key}[{i}].label", refuse)
        for i, item in enumerate(items)
    }
    if sorted(labels) != list(range(1, len(labels) + 1)):
        raise ValueError("scale values must run 1, 2, … without gaps")
    if not 2 <= len(labels) <= 10:
        raise _refuse(source, key, f"{len(labels)} levels; a scale has 2 to 10")
    aliases = {int(item["value"]): _strings(item.get("aliases", []), f"{key}.aliases", source) for item in items}
    descriptions = {int(item["value"]): item["description"] for item in items if item.get("description")}
    if not all(isinstance(text, str) for text in descriptions.values()):
        raise _refuse(source, f"{key}.description", "should be text")
    claimed: dict[str, int] = {}
    for value in sorted(labels):
        for word in (labels[value], *aliases[value], *((descriptions[value],) if value in descriptions else ())):
            folded = _fold(word)
            if claimed.get(folded, value) != value:
                raise _refuse(source, key, f"{word!r} is claimed by levels {claimed[folded]} and {value}")
            claimed[folded] = value
    return Scale(axis, labels, aliases, order, descriptions)


def _strings(value: object, key: str, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _refuse(source, key, 'should be a list of words, e.g. ["Red"]')
    return tuple(value)


def _build_matrix(data: dict, impact: Scale, likelihood: Scale, source: str) -> tuple[tuple[int, ...], ...] | None:
    """[matrix] scores: one row per impact level (1 first), one column per likelihood level."""
    table = data.get("matrix")
    if table is None:
        return None
    rows = table.get("scores") if isinstance(table, dict) else None
    if not isinstance(rows, list) or len(rows) != len(impact.labels):
        found = len(rows) if isinstance(rows, list) else "none"
        raise _refuse(source, "matrix.scores", f"needs {len(impact.labels)} rows, one per impact level; found {found}")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(likelihood.labels):
            raise _refuse(
                source,
                "matrix.scores",
                f"row {number} needs {len(likelihood.labels)} scores, one per likelihood level",
            )
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in row):
            raise _refuse(source, "matrix.scores", f"row {number} holds a score that is not a whole number")
    return tuple(tuple(row) for row in rows)


def _check_band_words(scheme: Scheme, source: str) -> None:
    claimed: dict[str, str] = {}
    for band in scheme.bands:
        for word in (band.name, *band.words):
            folded = _fold(word)
            if claimed.get(folded, band.name) != band.name:
                raise _refuse(source, "bands.words", f"{word!r} names both {claimed[folded]!r} and {band.name!r}")
            claimed[folded] = band.name


@functools.cache
def shipped_columns_file() -> dict:
    """workbook_templates/columns.toml, parsed once: its [columns] table and its [rows] words."""
    return tomllib.loads(shipped_scheme_path(COLUMNS_FILE).read_text(encoding="utf-8"))


@functools.cache
def default_columns() -> dict[str, ColumnSpec]:
    """The shipped [columns] table (workbook_templates/columns.toml)."""
    return _column_specs(shipped_columns_file()["columns"], COLUMNS_FILE)


def _column_specs(table: dict, source: str) -> dict[str, ColumnSpec]:
    from riskbook.fields import FIELDS

    specs = {}
    for name, entry in table.items():
        key = f"columns.{name}"
        if name not in FIELDS:
            raise _refuse(source, key, f"riskbook knows no field {name!r} (fields: {', '.join(FIELDS)})")
        if not isinstance(entry, dict):
            raise _refuse(source, key, "should be a table with aliases and required")
        aliases = entry.get("aliases")
        if aliases is not None and (not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases)):
            raise _refuse(source, f"{key}.aliases", "should be a list of header texts")
        specs[name] = ColumnSpec(
            name,
            tuple(header_key(a) for a in aliases) if aliases is not None else None,
            bool(entry["required"]) if "required" in entry else None,
        )
    return specs


def _build_columns(table: dict, source: str) -> dict[str, ColumnSpec]:
    """The default table, with each field the scheme names replaced by the scheme's entry."""
    if not isinstance(table, dict):
        raise _refuse(source, "columns", "should be a table of fields")
    defaults = default_columns()
    own = _column_specs(table, source) if table else {}
    own_claims = _claims({name: spec.aliases for name, spec in own.items() if spec.aliases is not None}, source)
    columns = {}
    for name, default in defaults.items():
        spec = own.get(name)
        aliases = spec.aliases if spec is not None and spec.aliases is not None else default.aliases or ()
        if spec is None or spec.aliases is None:  # the scheme's own claims take a header from a default field
            aliases = tuple(a for a in aliases if own_claims.get(a, name) == name)
        required = spec.required if spec is not None and spec.required is not None else default.required
        columns[name] = ColumnSpec(name, aliases, required)
    _claims({name: spec.aliases or () for name, spec in columns.items()}, source)
    return columns


def _claims(aliases_by_field: dict[str, tuple[str, ...]], source: str) -> dict[str, str]:
    """Folded alias -> field; an alias claimed by two fields is refused."""
    claimed: dict[str, str] = {}
    for name, aliases in aliases_by_field.items():
        for alias in aliases:
            other = claimed.setdefault(alias, name)
            if other != name:
                raise _refuse(source, f"columns.{name}", f"header {alias!r} is also claimed by columns.{other}")
    return claimed


def header_key(text: object) -> str:
    """A header as compared with aliases: folded to letters and digits ("Risk ID" = "risk_id"); "#" stays "#"."""
    folded = fold_header(text)
    return folded if folded else " ".join(str(text).split())


def resolve_status(text: str, scheme: Scheme) -> tuple[str | None, str]:
    """The canonical status for text, and how it matched: exact, variant or unknown.

    A variant is the canonical name in other case or spacing, a listed alias, or a
    near spelling (one or two letters off). For unknown text the second item is the
    closest status, if any is close, else "".
    """
    if not scheme.statuses:  # the scheme lists none: any status is the register's own
        return text, "exact"
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
