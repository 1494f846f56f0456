"""The checks a risk unit runs before submission. Each yields Findings."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterator

from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import FIELD_LABELS, Finding, Register, Report, Risk
from riskbook.perf import Progress, Ticker, no_cyclic_gc
from riskbook.scheme import Scheme, resolve_status
from riskbook.values import PartialDate

REQUIRED_FIELDS = ("reference", "title", "owner", "impact", "likelihood", "status", "last_review")


def validate(
    register: Register,
    as_of: dt.date | None = None,
    scheme: Scheme | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run every check over a register and return the report, findings in sheet order.

    progress, if given, is called now and then with (risks checked since the last call, total).
    """
    from riskbook.scheme import load_scheme

    scheme = scheme or load_scheme()
    as_of = as_of or dt.date.today()
    context = _Context(register, scheme, as_of)
    findings = list(register.notices)
    findings.extend(check_columns(context))
    ticker = Ticker(progress, len(register.risks))
    with no_cyclic_gc():
        for risk in register.risks:
            findings.extend(check_risk(context, risk))
            ticker.tick()
        findings.extend(check_duplicate_references(context))
    ticker.finish()
    findings.sort(key=lambda f: (f.row, _column_order(f.cell)))
    return Report(register=register, as_of=as_of, findings=findings)


def _column_order(cell: str) -> tuple[int, str]:
    letters = re.match(r"[A-Z]*", cell).group(0)
    return (len(letters), letters)


class _Context:
    def __init__(self, register: Register, scheme: Scheme, as_of: dt.date):
        self.register = register
        self.scheme = scheme
        self.as_of = as_of
        self.required = {name for name in REQUIRED_FIELDS if register.has(name)}
        self.has_control_due = register.has("control_due")

    def finding(self, severity: str, code: str, risk: Risk | None, field_name: str, message: str) -> Finding:
        register = self.register
        if risk is None:
            return Finding(severity, code, register.sheet, register.cell(register.header_row, field_name), "", message)
        return Finding(
            severity,
            code,
            register.sheet,
            register.risk_cell(risk, field_name),
            risk.reference,
            message,
            row=risk.row,
        )


def check_columns(ctx: _Context) -> Iterator[Finding]:
    for name in REQUIRED_FIELDS:
        if not ctx.register.has(name):
            yield Finding(
                "error",
                "missing-column",
                ctx.register.sheet,
                f"{ctx.register.header_row + 1}:{ctx.register.header_row + 1}",
                "",
                f"the header row has no {FIELD_LABELS[name]} column; add one",
            )


def check_risk(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    # The guards skip checks that cannot fire, which keeps 100,000 risks quick.
    values = risk.values
    if risk.invalid:
        yield from check_unreadable(ctx, risk)
    if not ctx.required <= values.keys():
        yield from check_missing(ctx, risk)
    if "reference" in values and not ctx.scheme.reference_regex.match(values["reference"]):
        yield from check_reference(ctx, risk)
    if "score" in values:
        yield from check_score(ctx, risk)
    if "rag" in values:
        yield from check_rag(ctx, risk)
    if risk.status_name != values.get("status"):
        yield from check_status(ctx, risk)
    yield from check_dates(ctx, risk)
    yield from check_review(ctx, risk)
    if ctx.has_control_due:
        yield from check_status_stale(ctx, risk)
    if risk.long_fields:
        yield from check_text_length(ctx, risk)
    if "proposal" in values:
        yield from check_proposal(ctx, risk)


def check_unreadable(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    for name, value in risk.invalid.items():
        label = FIELD_LABELS[name].lower()
        if value.code == "formula-without-value":
            message = (
                f"{label} is a formula with no saved result; "
                "open and save the file in Excel (or LibreOffice) so its value is stored"
            )
        elif value.code == "formula-error":
            message = f"{label} {value.reason}; correct the formula"
        else:
            message = f"{label} {_quote(value.raw)} {value.reason}"
        yield ctx.finding("error", value.code, risk, name, message)


def check_missing(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    for name in REQUIRED_FIELDS:
        if ctx.register.has(name) and not risk.has(name):
            yield ctx.finding("error", "missing-value", risk, name, f"{FIELD_LABELS[name].lower()} is empty")


def check_reference(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    ref = risk.reference
    if not ref or ctx.scheme.reference_regex.match(ref):
        return
    suggestion = suggest_reference(ref, ctx.scheme)
    hint = (
        f"; did you mean {suggestion}?" if suggestion else f"; expected a reference like {ctx.scheme.reference_example}"
    )
    yield ctx.finding(
        "warning", "bad-reference", risk, "reference", f"reference {ref!r} is not in the scheme's form{hint}"
    )


def suggest_reference(ref: str, scheme: Scheme) -> str | None:
    digits = re.sub(r"\D", "", ref)
    letters = re.sub(r"[^A-Za-z]", "", ref).upper()
    prefix_letters = re.sub(r"[^A-Za-z]", "", scheme.reference_prefix).upper()
    if not digits or letters != prefix_letters or len(digits) > scheme.reference_digits:
        return None
    candidate = scheme.reference_prefix + digits.zfill(scheme.reference_digits)
    return candidate if scheme.reference_regex.match(candidate) else None


def check_score(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    stated = risk.get("score")
    expected = risk.score
    if stated is None or expected is None or stated == expected:
        return
    labels = ctx.scheme.labels
    yield ctx.finding(
        "error",
        "score-mismatch",
        risk,
        "score",
        f"score {stated} is not impact × likelihood "
        f"({labels[risk.impact]} {risk.impact} × {labels[risk.likelihood]} {risk.likelihood} = {expected})",
    )


def check_rag(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    stated = risk.get("rag")
    score = risk.score if risk.score is not None else risk.get("score")
    if not stated or score is None:
        return
    band = ctx.scheme.band(score)
    if band is None:
        return
    stated_band = ctx.scheme.band_named(stated) or _band_by_colour_word(stated, ctx.scheme)
    if stated_band is band:
        return
    yield ctx.finding(
        "error",
        "rag-mismatch",
        risk,
        "rag",
        f"rating {stated!r} does not match score {score}, which is {band.name} ({band.min}–{band.max})",
    )


_COLOUR_WORDS = {"red": "#C00000", "amber": "#FFC000", "green": "#00B050"}


def _band_by_colour_word(text: str, scheme: Scheme):
    fill = _COLOUR_WORDS.get(text.strip().casefold())
    return next((b for b in scheme.bands if b.fill.upper() == fill), None) if fill else None


def check_status(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    text = risk.get("status")
    if not text:
        return
    name, how = resolve_status(text, ctx.scheme)
    if name is None:
        allowed = ", ".join(s.name for s in ctx.scheme.statuses)
        hint = f"did you mean {how!r}? " if how else ""
        yield ctx.finding(
            "error", "unknown-status", risk, "status", f"status {text!r} is not recognised; {hint}use one of: {allowed}"
        )
    elif how == "variant":
        yield ctx.finding(
            "warning", "status-variant", risk, "status", f"status {text!r} read as {name!r}; write it as {name!r}"
        )


@functools.lru_cache(maxsize=65_536)
def _bounds(day: PartialDate) -> tuple[dt.date, dt.date]:
    # Dates repeat across a register (and reading shares equal ones), so each is worked out once.
    return day.earliest, day.latest


def check_dates(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    first: PartialDate | None = risk.values.get("first_recorded")
    last: PartialDate | None = risk.values.get("last_review")
    for name, value in (("first_recorded", first), ("last_review", last)):
        if value is not None and _bounds(value)[0] > ctx.as_of:
            yield ctx.finding(
                "error",
                "bad-date",
                risk,
                name,
                f"{FIELD_LABELS[name].lower()} {value} is after the as-of date {ctx.as_of:%d/%m/%Y}",
            )
    if first is not None and last is not None and _bounds(first)[0] > _bounds(last)[1]:
        yield ctx.finding(
            "error",
            "date-order",
            risk,
            "first_recorded",
            f"first recorded {first} is after last review {last}; the first review cannot precede recording",
        )


@functools.lru_cache(maxsize=65_536)
def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(risk: Risk, scheme: Scheme) -> dt.date | None:
    """The date by which the risk must next be reviewed, or None if unknown."""
    last: PartialDate | None = risk.get("last_review")
    score = risk.score
    band = scheme.band(score) if score is not None else None
    if last is None or band is None:
        return None
    return add_months(_bounds(last)[1], band.review_months)


def check_review(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    due = review_due(risk, ctx.scheme)
    if due is None or ctx.as_of <= due:
        return
    band = ctx.scheme.band(risk.score)
    days = (ctx.as_of - due).days
    yield ctx.finding(
        "error",
        "review-overdue",
        risk,
        "last_review",
        f"last review {risk.get('last_review')} is {days} day{'s' if days != 1 else ''} overdue: {band.name} risks are reviewed every "
        f"{band.review_months} month{'s' if band.review_months != 1 else ''}, so it was due by {due:%d/%m/%Y}",
    )


def check_status_stale(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    if not ctx.register.has("control_due") or risk.status_name is None:
        return
    dues: list[PartialDate] = risk.get("control_due") or []
    past = [d for d in dues if d.latest < ctx.as_of]
    overdue_status = ctx.scheme.status(risk.status_name).overdue
    overdue_names = [s.name for s in ctx.scheme.statuses if s.overdue]
    if past and not overdue_status and overdue_names:
        yield ctx.finding(
            "warning",
            "status-stale",
            risk,
            "status",
            f"an additional control was due {past[0]} but the status is {risk.status_name!r}; "
            f"it should be {overdue_names[0]!r}, or the due date moved",
        )
    elif overdue_status and not past:
        yield ctx.finding(
            "warning",
            "status-stale",
            risk,
            "status",
            f"status is {risk.status_name!r} but no additional control is past its due date",
        )


def check_text_length(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    for name in risk.long_fields or ():
        value = risk.get(name)
        if len(value) > EXCEL_CELL_LIMIT:
            yield ctx.finding(
                "warning",
                "text-too-long",
                risk,
                name,
                f"{FIELD_LABELS[name].lower()} has {len(value):,} characters, more than the "
                f"{EXCEL_CELL_LIMIT:,} an Excel cell holds; riskbook keeps it whole, but Excel would cut it",
            )


def check_proposal(ctx: _Context, risk: Risk) -> Iterator[Finding]:
    from riskbook.period import classify_proposal

    text = risk.get("proposal")
    if classify_proposal(text) is None:
        yield ctx.finding(
            "warning",
            "unknown-proposal",
            risk,
            "proposal",
            f"proposal {text!r} is not recognised and is read as no proposal; write Archive or New, or leave it empty",
        )


def check_duplicate_references(ctx: _Context) -> Iterator[Finding]:
    first_seen: dict[str, Risk] = {}
    for risk in ctx.register.risks:
        ref = risk.reference
        if not ref:
            continue
        key = ref.upper()
        if key in first_seen:
            other = ctx.register.risk_cell(first_seen[key], "reference")
            yield ctx.finding(
                "error",
                "duplicate-reference",
                risk,
                "reference",
                f"reference {ref} is used again (first at {ctx.register.sheet}!{other}); each risk needs its own",
            )
        else:
            first_seen[key] = risk


def _quote(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)
