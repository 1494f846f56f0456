"""The checks a risk unit runs before submission. `validate` runs them all and returns the Report.

One file of about 700 lines, on purpose: every check reads the same context (CheckContext: each score,
band and due date worked out once, and the quick look that runs a risk's full check only where a
finding could be), and tests/test_quick_checks.py holds the quick look to the full checks; apart,
the quick look would reach into each check's module for the rule it restates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING

from riskbook.check.assessed import Assessed
from riskbook.check.context import (
    ABSENT_MEANS,
    REQUIRED_FIELDS,
    CheckContext,
    day_bounds,
    quick_look,
)
from riskbook.check.findings import Finding, make
from riskbook.check.references import look_alike_key, shown
from riskbook.fields import CHECK_DATE, FIELD_LABELS, LENIENT_SCALE_FIELDS
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import Register, Risk, column_letter
from riskbook.perf import Progress, Ticker
from riskbook.read.score_sets import (
    rating_band,
    set_facts,
    whole_number,
)
from riskbook.read.values import PartialDate, add_months, shown_value
from riskbook.report import Report
from riskbook.scheme.load import resolve_status
from riskbook.scheme.types import Scheme

if TYPE_CHECKING:
    from riskbook.check.history import History


_NOT_A_REGISTER = (
    "validate takes {name} as a Register (from read_register), not {given}; "
    "riskbook.check_register reads the files, the same way, and checks them"
)


def validate(
    register: Register,
    *,
    as_of: dt.date | None = None,
    previous: Register | None = None,
    since: dt.date | None = None,
    progress: Progress | None = None,
    history: History | None = None,
) -> Report:
    """Run every check over a register under its own scheme and return the report, findings in sheet order.

    previous (last period's register, read under the same scheme) and since add the period
    comparison's findings, as `build` would report them. Registers only: no check reads a file
    (riskbook.check_register reads both files the same way, then calls this). progress, if given,
    is called now and then with (risks checked since the last call, total). history (the earlier
    periods, riskbook.check.history.order_history) adds each risk's trail and the findings across
    periods; its nearest period is previous.
    """
    if history is not None:
        previous = history.nearest.register
    if not isinstance(register, Register):
        raise TypeError(_NOT_A_REGISTER.format(name="register", given=type(register).__name__))
    if previous is not None and not isinstance(previous, Register):
        raise TypeError(_NOT_A_REGISTER.format(name="previous", given=type(previous).__name__))
    as_of = as_of or dt.date.today()
    context = CheckContext(register, register.scheme, as_of)
    findings = list(register.notices)
    findings.extend(check_scale_order(context))
    findings.extend(check_impact_set(context))
    findings.extend(check_columns(context))
    findings.extend(check_sets_on_scale(context))
    findings.extend(check_has_risks(context))
    findings.extend(check_own_words(context))
    assessed = context.assess_all(register.risks)
    ticker = Ticker(progress, len(assessed))
    done = 0
    for index in quick_look(context, assessed):
        found = check_risk(context, assessed[index])
        if found:
            findings.extend(found)
        ticker.tick(index + 1 - done)
        done = index + 1
    ticker.tick(len(assessed) - done)
    findings.extend(check_duplicate_references(context))
    ticker.finish()
    period = None
    if previous is not None:
        from riskbook.check.period import compare_periods

        period = compare_periods(register, assessed, previous=previous, since=since, history=history)
        findings.extend(period.findings)
    if history is not None:
        from riskbook.check.history import history_findings

        findings.extend(history_findings(register, assessed, history))
    findings.sort(key=lambda f: (f.row, _column_order(f.cell)))
    return Report(register, as_of, findings, assessed, previous=previous, since=since, _period=period, history=history)


def assess(risk: Risk, scheme: Scheme) -> Assessed:
    """A risk's score, band and review due date under the scheme."""
    score = scheme.score_for(risk.impact, risk.likelihood)
    band = scheme.band(score)
    return Assessed(risk, score, band, review_due(risk, band))


def _column_order(cell: str) -> tuple[int, str]:
    letters = cell[: len(cell) - len(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
    return (len(letters), letters)


def _means(ctx: CheckContext, name: str) -> str:
    """What a register without the column's values cannot have checked, naming its own first rows."""
    return ABSENT_MEANS[name].replace("Row 2, Row 3, …", ctx.register.row_names())


def check_columns(ctx: CheckContext) -> Iterator[Finding]:
    register = ctx.register
    for name in ctx.empty:
        yield make(
            "column-empty",
            register.sheet,
            register.cell(register.header_row, name),
            header=register.column_headers.get(name, ""),
            column=column_letter(register.columns[name]),
            consequence=_means(ctx, name),
        )
    row = f"{ctx.register.header_row + 1}:{ctx.register.header_row + 1}"
    required = ctx.scheme.required_fields
    for name in REQUIRED_FIELDS + tuple(n for n in required if n not in REQUIRED_FIELDS):
        if ctx.register.has(name):
            continue
        if name in required:
            yield make("missing-column", ctx.register.sheet, row, column=FIELD_LABELS[name])
        elif name in ABSENT_MEANS:
            yield make(
                "column-absent", ctx.register.sheet, row, column=FIELD_LABELS[name], consequence=_means(ctx, name)
            )


def check_sets_on_scale(ctx: CheckContext) -> Iterator[Finding]:
    """An inherent or target level that is not on the scale is kept as typed, so its set goes unchecked:
    one warning for the column, never a silent pass."""
    register = ctx.register
    for name in sorted(LENIENT_SCALE_FIELDS):
        if not register.has(name):
            continue
        off = [risk for risk in register.risks if isinstance(risk.values.get(name), str)]
        if not off:
            continue
        first = off[0]
        yield make(
            "set-off-scale",
            register.sheet,
            register.risk_cell(first, name),
            header=register.column_headers.get(name, ""),
            column=column_letter(register.columns[name]),
            count=len(off),
            total=sum(1 for risk in register.risks if risk.values.get(name) is not None),
            axis="impact" if name.endswith("impact") else "likelihood",
            example=f"{register.risk_cell(first, name)}: {shown_value(first.values[name])}",
            set=name.split("_", 1)[0],
        )


def check_scale_order(ctx: CheckContext) -> Iterator[Finding]:
    """One warning while the scheme's order of a scale is a guess: every score and ranking rests on it."""
    guessed = ctx.scheme.guessed_scales
    if not guessed:
        return
    register = ctx.register
    column = register.columns.get(guessed[0].axis)
    cell = register.cell(register.header_row, guessed[0].axis) if column is not None else ""
    scales = " and ".join(f"the {s.axis} scale ({', '.join(s.labels[v] for v in s.values)})" for s in guessed)
    yield make("scale-order-guessed", register.sheet, cell, scales=scales, scheme=ctx.scheme.source)


def check_impact_set(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.inherent_evidence:
        return
    register = ctx.register
    yield make(
        "score-set-inherent",
        register.sheet,
        register.cell(register.header_row, "score"),
        score=register.column_headers.get("score", "Score"),
        evidence=ctx.inherent_evidence,
    )


def check_own_words(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for a column written wholly in the register's own words, in place of one per risk."""
    register = ctx.register
    if ctx.own_references is not None:
        yield make(
            "reference-own-form",
            register.sheet,
            register.cell(register.header_row, "reference"),
            column=column_letter(register.columns["reference"]),
            references=ctx.own_references.shown(),
            example=ctx.scheme.reference_example,
        )
    if ctx.own_statuses is not None:
        yield make(
            "status-own-words",
            register.sheet,
            register.cell(register.header_row, "status"),
            column=column_letter(register.columns["status"]),
            allowed=", ".join(s.name for s in ctx.scheme.statuses),
            statuses=ctx.own_statuses.shown(),
        )


def check_has_risks(ctx: CheckContext) -> Iterator[Finding]:
    """A header with nothing under it is most likely the wrong file or sheet: an error, so nothing is built."""
    register = ctx.register
    if not register.risks:
        row = register.header_row + 1
        yield make("no-risks", register.sheet, f"{row}:{row}", sheet=register.sheet, row=row)


def check_risk(ctx: CheckContext, item: Assessed) -> list[Finding]:
    """Every finding of one risk. Each check runs only when its guard says it may find something:
    the guards are the quick look that keeps 100,000 mostly clean risks quick, and the only one
    (tests/test_quick_checks.py holds them to running every check on every risk)."""
    risk = item.risk
    values = risk.values
    found: list[Finding] = []
    if risk.invalid:
        found.extend(check_unreadable(ctx, item))
        shown = risk.invalid.get("next_review")
        if (
            shown is not None
            and shown.raw == CHECK_DATE
            and "last_review" in values
            and "next_review" in ctx.register.computed
        ):
            found.extend(check_review_text(ctx, risk))  # not for a formula saved without its result
    if not ctx.required <= values.keys():
        found.extend(check_missing(ctx, risk))
    reference = values.get("reference")
    if reference is not None and not ctx.reference_ok(reference):
        found.extend(check_reference(ctx, risk))
    stated = values.get("score")
    if stated is not None and item.score is not None and stated != item.score:
        found.extend(check_score(ctx, item))
    for name in ("score", "previous_score"):
        value = values.get(name)
        if value is not None and not ctx.lowest_score <= value <= ctx.highest_score:
            found.extend(check_score_range(ctx, item, name))
    if "rag" in values and ctx.rating_differs(item, values["rag"]):
        found.extend(check_rag(ctx, item))
    if risk.status_name != values.get("status"):
        found.extend(check_status(ctx, risk))
    first, last = values.get("first_recorded"), values.get("last_review")
    if (first is not None or last is not None) and ctx.dates_may_find(first, last):
        found.extend(check_dates(ctx, risk))
    if item.review_due is not None and item.review_due < ctx.as_of:
        found.extend(check_review(ctx, item))
    if ctx.has_control_due:
        found.extend(check_status_stale(ctx, risk))
    if risk.long_fields:
        found.extend(check_text_length(ctx, risk))
    if "proposal" in values and ctx.unknown_proposal(values["proposal"]):
        found.extend(check_proposal(ctx, risk))
    if ctx.score_sets and ctx.sets_may_find(item):
        found.extend(check_score_sets(ctx, item))
    return found


def check_score_sets(ctx: CheckContext, item: Assessed) -> Iterator[Finding]:
    risk = item.risk
    current = item.score if item.score is not None else whole_number(risk.get("score"))
    scores = {}
    for name in ctx.score_sets:
        score = yield from _check_score_set(ctx, risk, name)
        scores[name] = score
    inherent, target = scores.get("inherent"), scores.get("target")
    if current is not None and inherent is not None and current > inherent:
        yield ctx.finding(
            "score-order", risk, "inherent_score", later="current", score=current, earlier="inherent", other=inherent
        )
    if target is not None and current is not None and target > current:
        yield ctx.finding(
            "score-order", risk, "target_score", later="target", score=target, earlier="current", other=current
        )


def _check_score_set(ctx: CheckContext, risk: Risk, name: str):
    """Check one set's stated score and rating against its impact and likelihood; return its score."""
    scheme = ctx.scheme
    values = tuple(risk.get(field) for field in ctx.set_fields[name])
    facts = set_facts(scheme, *values)
    if facts.score_mismatch:
        impact, likelihood = facts.impact, facts.likelihood
        assert impact is not None and likelihood is not None  # on the scale
        impact_text = f"{scheme.impact_label(impact)} {impact}"
        likelihood_text = f"{scheme.likelihood_label(likelihood)} {likelihood}"
        yield ctx.finding(
            "score-mismatch",
            risk,
            f"{name}_score",
            stated=facts.stated,
            rule=f"{name} impact × likelihood"
            if scheme.matrix is None
            else f"the scheme's matrix score for the {name} set",
            working=f"{impact_text} × {likelihood_text}"
            if scheme.matrix is None
            else f"{impact_text}, {likelihood_text}",
            computed=facts.expected,
            impact=impact,
            likelihood=likelihood,
        )
    band = facts.band
    if facts.rating_mismatch:
        assert band is not None
        yield ctx.finding(
            "rag-mismatch",
            risk,
            f"{name}_score" if facts.rating_in_score else f"{name}_rating",
            stated=facts.rating,
            score=facts.score,
            band=band.name,
            low=band.min,
            high=band.max,
        )
    return facts.score


def check_unreadable(ctx: CheckContext, item: Assessed) -> Iterator[Finding]:
    risk = item.risk
    computed = ctx.register.computed  # a computed cell shows another cell's problem, reported on that cell
    for name, value in risk.invalid.items():
        if name in computed:
            continue
        if name == "score" and isinstance(value.raw, str) and ctx.scheme.band_named(value.raw):
            yield from _rating_in_score_column(ctx, item, value.raw)
            continue
        label = FIELD_LABELS[name].lower()
        yield ctx.finding(value.code, risk, name, field=label, value=shown_value(value.raw), reason=value.reason)


def _rating_in_score_column(ctx: CheckContext, item: Assessed, words: str) -> Iterator[Finding]:
    """Band words in the score column ("Medium") are a rating: checked against the score's band."""
    band = item.band
    if band is None or ctx.scheme.band_named(words) is band:
        return
    yield ctx.finding(
        "rag-mismatch", item.risk, "score", stated=words, score=item.score, band=band.name, low=band.min, high=band.max
    )


def check_review_text(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    """A computed Next Review that cannot read a Last Review validate reads (a date typed as text): said
    on the Last Review cell, the one to retype."""
    yield ctx.finding("date-as-text", risk, "last_review", value=shown_value(str(risk.values["last_review"])))


def check_missing(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    """An empty cell of a column the risks fill (a column no risk fills is one column-empty warning)."""
    for name in REQUIRED_FIELDS:
        if name in ctx.required and not risk.has(name):
            yield ctx.finding("missing-value", risk, name, field=FIELD_LABELS[name].lower())


def check_reference(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    ref = risk.reference
    if not ref or ctx.scheme.reference_regex.match(ref):
        return
    suggestion = suggest_reference(ref, ctx.scheme)
    hint = f"did you mean {suggestion}?" if suggestion else f"expected a reference like {ctx.scheme.reference_example}"
    yield ctx.finding("bad-reference", risk, "reference", reference=ref, hint=hint)


def suggest_reference(ref: str, scheme: Scheme) -> str | None:
    digits = re.sub(r"\D", "", ref)
    letters = re.sub(r"[^A-Za-z]", "", ref).upper()
    prefix_letters = re.sub(r"[^A-Za-z]", "", scheme.reference_prefix).upper()
    if not digits or letters != prefix_letters or len(digits) > scheme.reference_digits:
        return None
    candidate = scheme.reference_prefix + digits.zfill(scheme.reference_digits)
    return candidate if scheme.reference_regex.match(candidate) else None


def check_score(ctx: CheckContext, item: Assessed) -> Iterator[Finding]:
    risk = item.risk
    stated = risk.get("score")
    expected = item.score
    if stated is None or expected is None or stated == expected:
        return
    scheme = ctx.scheme
    assert risk.impact is not None and risk.likelihood is not None  # expected is known
    impact = f"{scheme.impact_label(risk.impact)} {risk.impact}"
    likelihood = f"{scheme.likelihood_label(risk.likelihood)} {risk.likelihood}"
    yield ctx.finding(
        "score-mismatch",
        risk,
        "score",
        stated=stated,
        rule="impact × likelihood" if scheme.matrix is None else "the scheme's matrix score",
        working=f"{impact} × {likelihood}" if scheme.matrix is None else f"impact {impact}, likelihood {likelihood}",
        computed=expected,
        impact=risk.impact,
        likelihood=risk.likelihood,
    )


def check_score_range(ctx: CheckContext, item: Assessed, name: str) -> Iterator[Finding]:
    """A stated or previous score beyond any the scheme gives (17 on a 1–16 scale, 1e300)."""
    value = item.risk.values[name]
    if name == "score" and item.score is not None:
        return  # score-mismatch says what it should be
    shown = str(value) if abs(value) < 10**9 else f"{float(value):.3g}"  # never a number of 301 digits
    yield ctx.finding(
        "bad-score",
        item.risk,
        name,
        field=FIELD_LABELS[name].lower(),
        value=shown,
        reason=f"is not a score the scheme gives (it gives {ctx.lowest_score} to {ctx.highest_score})",
    )


def check_rag(ctx: CheckContext, item: Assessed) -> Iterator[Finding]:
    risk = item.risk
    stated = risk.get("rag")
    score, band = item.score, item.band
    if score is None:  # the stated score stands in when impact or likelihood is unreadable
        score = risk.get("score")
        band = ctx.scheme.band(score)
    if not stated or band is None:
        return
    if ctx.scheme.band_named(stated) is band or rating_band(ctx.scheme, stated, score, band) is band:
        return
    yield ctx.finding(
        "rag-mismatch", risk, "rag", stated=stated, score=score, band=band.name, low=band.min, high=band.max
    )


def check_status(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    text = risk.get("status")
    if not text or ctx.own_statuses is not None:
        return
    name, how = resolve_status(text, ctx.scheme)
    if name is None:
        allowed = ", ".join(s.name for s in ctx.scheme.statuses)
        hint = f"did you mean {how!r}? " if how else ""
        yield ctx.finding("unknown-status", risk, "status", status=text, hint=hint, allowed=allowed)
    elif how == "variant":
        yield ctx.finding("status-variant", risk, "status", status=text, name=name)


def check_dates(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    first: PartialDate | None = risk.values.get("first_recorded")
    last: PartialDate | None = risk.values.get("last_review")
    for name, value in (("first_recorded", first), ("last_review", last)):
        if value is not None and day_bounds(value)[0] > ctx.as_of:
            yield ctx.finding(
                "bad-date",
                risk,
                name,
                field=FIELD_LABELS[name].lower(),
                value=value,
                reason=f"is after the as-of date {ctx.as_of:%d/%m/%Y}",
            )
    if first is not None and last is not None and day_bounds(first)[0] > day_bounds(last)[1]:
        yield ctx.finding("date-order", risk, "first_recorded", first=first, last=last)


def review_due(risk: Risk, band) -> dt.date | None:
    """The date by which the risk must next be reviewed: its last review plus its band's interval."""
    last: PartialDate | None = risk.get("last_review")
    if last is None or band is None:
        return None
    return add_months(day_bounds(last)[1], band.review_months)


def check_review(ctx: CheckContext, item: Assessed) -> Iterator[Finding]:
    band, due = item.band, item.review_due
    assert band is not None and due is not None  # check_risk calls this only for an overdue review
    days = (ctx.as_of - due).days
    yield ctx.finding(
        "review-overdue",
        item.risk,
        "last_review",
        last=item.risk.get("last_review"),
        days=_plural(days, "day"),
        band=band.name,
        interval=_plural(band.review_months, "month"),
        due=f"{due:%d/%m/%Y}",
        overdue_days=days,
        due_date=due,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def check_status_stale(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    if not ctx.register.has("control_due") or risk.status_name is None:
        return
    dues: list[PartialDate] = risk.get("control_due") or []
    past = [d for d in dues if d.latest < ctx.as_of]
    overdue_status = ctx.scheme.status(risk.status_name).overdue
    overdue_names = [s.name for s in ctx.scheme.statuses if s.overdue]
    if past and not overdue_status and overdue_names:
        yield ctx.finding(
            "status-stale",
            risk,
            "status",
            status=risk.status_name,
            problem=f"an additional control was due {past[0]}; it should be {overdue_names[0]!r}, or the due date moved",
        )
    elif overdue_status and not past:
        yield ctx.finding(
            "status-stale",
            risk,
            "status",
            status=risk.status_name,
            problem="no additional control is past its due date",
        )


def check_text_length(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    for name in risk.long_fields or ():
        value = risk.get(name)
        if len(value) > EXCEL_CELL_LIMIT:
            yield ctx.finding(
                "text-too-long", risk, name, field=FIELD_LABELS[name].lower(), length=len(value), limit=EXCEL_CELL_LIMIT
            )


def check_proposal(ctx: CheckContext, risk: Risk) -> Iterator[Finding]:
    from riskbook.check.period import classify_proposal

    text = risk.get("proposal")
    if classify_proposal(text) is None:
        yield ctx.finding("unknown-proposal", risk, "proposal", proposal=text)


def check_duplicate_references(ctx: CheckContext) -> Iterator[Finding]:
    """References that read the same are one reference: compared as a reader sees them (riskbook.check.references),
    an invisible character or a look-alike letter of another script named in the finding."""
    references = list(map(dict.get, map(attrgetter("values"), ctx.register.risks), repeat("reference"), repeat("")))
    if "".join(references).isascii():  # nearly always: a look-alike key is then the upper case
        keys = set(map(str.upper, references))
        keys.discard("")
        if len(keys) == len(references) - references.count(""):
            return  # no two alike
    first_seen: dict[str, Risk] = {}
    for risk in ctx.register.risks:
        ref = risk.reference
        if not ref:
            continue
        key = look_alike_key(ref)
        if key in first_seen:
            other = ctx.register.risk_cell(first_seen[key], "reference")
            same = ref == first_seen[key].reference
            yield ctx.finding(
                "duplicate-reference",
                risk,
                "reference",
                reference=ref if same else f"{shown(ref)}, read as {first_seen[key].reference},",
                first=f"{ctx.register.sheet}!{other}",
            )
        else:
            first_seen[key] = risk
