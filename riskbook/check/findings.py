"""The catalogue of findings: each code once, with its severity, summary, message and remedy.

Checks make findings by code and named fields only (`make("score-mismatch", ..., stated=12, ...)`);
the message comes from the catalogue's template, so a code always reads the same way.
docs/findings.md is generated from this catalogue (`python -m riskbook.docs`).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of finding: what it is called, how bad it is, what it says and what to do."""

    code: str
    severity: Severity
    summary: str  # one line for the findings catalogue (docs/findings.md)
    template: str  # the message, with {named} fields
    advice: str  # what to do about it
    data: tuple[str, ...] = ()  # named fields a finding carries beyond those its message shows

    def fields(self) -> set[str]:
        """The named fields of the message."""
        return {name for _, name, _, _ in string.Formatter().parse(self.template) if name}

    def field_names(self) -> frozenset[str]:
        """Every named field a finding of this kind carries as data (JSON's "fields"): the message's and data."""
        return frozenset(self.fields() | set(self.data))


def _kinds(*kinds: Kind) -> dict[str, Kind]:
    return {kind.code: kind for kind in kinds}


CATALOGUE: dict[str, Kind] = _kinds(
    Kind(
        "score-mismatch",
        "error",
        "the stated score is not what the scheme gives for the impact and likelihood",
        "score {stated} is not {rule} ({working} = {computed})",
        "Correct the score, or the impact and likelihood it was worked out from.",
        data=("impact", "likelihood"),
    ),
    Kind(
        "rag-mismatch",
        "error",
        "a RAG/rating column disagrees with the score's band",
        "rating {stated!r} does not match score {score}, which is {band} ({low}–{high})",
        "Write the band the score falls in, or correct the score.",
    ),
    Kind(
        "bad-scale-value",
        "error",
        "impact or likelihood off the scale",
        "{field} {value} {reason}",
        "Choose a value or label from the scheme's scale.",
    ),
    Kind(
        "scale-order-guessed",
        "warning",
        "the scheme says the order of a scale was guessed (`scheme --from` found no evidence): scores, bands and "
        "the ranking rest on it until it is confirmed; said once",
        "the order of {scales}, lowest first, is a guess in scheme {scheme}: every score, band and ranking rests "
        'on it; check it there, then remove the order = "guessed" line',
        'Put the scale\'s levels lowest first in the scheme, then remove its order = "guessed" line '
        '(or write order = "confirmed").',
    ),
    Kind(
        "score-set-inherent",
        "warning",
        "the Impact and Likelihood columns are the inherent assessment (the inherent score, not the current one, "
        "is their product): the current score is read as stated and checked against its band; said once",
        "the Impact and Likelihood columns are read as the inherent assessment ({evidence}): {score!r} has no impact "
        "and likelihood of its own, so it is read as stated and checked against its band",
        "Nothing, if that is so; else add the current impact and likelihood, or map them with --column.",
    ),
    Kind(
        "bad-score",
        "error",
        "the score is not a whole number the scheme can give",
        "{field} {value} {reason}",
        "Write the score as a whole number.",
    ),
    Kind(
        "score-order",
        "warning",
        "with inherent or target scores: the current score is above the inherent one, or the target above the current",
        "{later} score {score} is above the {earlier} score {other}; controls should bring a risk down, not up",
        "Check the scores: the inherent score is before controls, the target after the planned ones.",
    ),
    Kind(
        "unknown-status",
        "error",
        "the status is not in the scheme (the closest is suggested)",
        "status {status!r} is not recognised; {hint}use one of: {allowed}",
        "Use one of the scheme's statuses.",
    ),
    Kind(
        "status-own-words",
        "error",
        "no status is one of the scheme's (a vocabulary in another language or shape): said once for the "
        "column, not once per risk",
        "no status in column {column} is one of the scheme's ({allowed}); the register's own are {statuses}",
        "Draft a scheme from the register (riskbook scheme --from FILE -o scheme.toml), which lists its statuses, "
        "or give the scheme's statuses these words as aliases.",
    ),
    Kind(
        "status-variant",
        "warning",
        "a recognised misspelling or alias, read as the canonical status",
        "status {status!r} read as {name!r}; write it as {name!r}",
        "Write the status as the scheme spells it.",
    ),
    Kind(
        "review-overdue",
        "error",
        "last review older than the band's review interval, with the days overdue",
        "last review {last} is {days} overdue: {band} risks are reviewed every {interval}, so it was due by {due}",
        "Review the risk and record the date.",
        data=("overdue_days", "due_date"),
    ),
    Kind(
        "missing-value",
        "error",
        "reference, title, owner, impact, likelihood, status or last review is empty",
        "{field} is empty",
        "Fill the cell in.",
    ),
    Kind(
        "missing-column",
        "error",
        "the header row lacks a column the scheme marks required (reference, title, impact, likelihood by default)",
        "the header row has no {column} column; add one",
        "Add the column, or map an existing header to it.",
    ),
    Kind(
        "no-risks",
        "error",
        "the register sheet has a header row but no risk below it; nothing is built from it",
        "sheet {sheet!r} has a header row (row {row}) but no risks below it",
        "Check that this is the right file and sheet (--sheet), or add the risks under the header.",
    ),
    Kind(
        "column-absent",
        "warning",
        "the register has no Reference, Owner, Status or Last Review column (and the scheme does not require it): "
        "said once; without references each risk is named by its row (Row 12)",
        "this register has no {column} column, so {consequence}",
        "Add the column if the register should have it, or map a header to it with --column.",
    ),
    Kind(
        "column-by-content",
        "warning",
        "a column whose header riskbook does not know is read by what it holds: unique short codes as the "
        "reference, impact × likelihood as the score, dates as the dates",
        "column {column} ({header}) is read as {field} by its content ({why}); if it is not, name the right "
        "column with --column {name}=HEADER",
        "Check the column; name it with --column FIELD=HEADER, or give the scheme a [columns] alias for its header.",
    ),
    Kind(
        "header-near-spelling",
        "warning",
        "a header one letter off a header riskbook knows (a letter missing, added, changed or two swapped: "
        "Eintrittswarscheinlichkeit), for a field no other column names: read as that field",
        "column {column} ({header}) is read as {field}: its header is one letter off {alias!r}, a header riskbook "
        "knows; if it is not, name the right column with --column {name}=HEADER",
        "Correct the header's spelling, or name the column with --column FIELD=HEADER.",
    ),
    Kind(
        "three-factor-score",
        "warning",
        "a column is impact × likelihood × a third column on every row (an FMEA's risk priority number: "
        "severity × occurrence × detection): the register ranks its risks by three factors, riskbook by two",
        "column {column} ({header}) is impact × likelihood × {factor} on every row: the register ranks its risks "
        "by that product, riskbook by impact × likelihood, and keeps {header} as an extra column",
        "Check which ranking the panel should show; to rank by the product, give it a scale and name it with "
        "--column score=HEADER in a scheme of your own.",
    ),
    Kind(
        "assessment-by-group",
        "warning",
        "a two-row header's group (Before / After controls, Inherent / Residual, Gross / Net, Current / Target) "
        "says which impact, likelihood and score are the current assessment",
        "columns {columns} under {group!r} are read as the current assessment (impact, likelihood, score); {others}",
        "Check the columns; if another group is the current assessment, name its columns with --column FIELD=HEADER.",
    ),
    Kind(
        "column-empty",
        "warning",
        "a Reference, Owner, Status or Last Review column is empty on every row: said once, not once per risk",
        "column {header!r} ({column}) is empty on every row, so {consequence}",
        "Fill the column in, or leave it out if the register does not keep it.",
    ),
    Kind(
        "set-off-scale",
        "warning",
        "an inherent or target impact or likelihood column holds words or numbers that are not on the "
        "scheme's scale: said once for the column, and that set's score is not checked there",
        "column {header!r} ({column}): {count} of {total} values are not on the scheme's {axis} scale "
        "(e.g. {example}), so those risks' {set} score is not checked",
        "Use the scheme's words for every assessment, or draft a scheme from the register (riskbook scheme --from).",
    ),
    Kind(
        "bad-reference",
        "warning",
        "the reference is off the scheme's pattern (`STR449` → `STR0449`)",
        "reference {reference!r} is not in the scheme's form; {hint}",
        "Write the reference in the scheme's form.",
    ),
    Kind(
        "reference-own-form",
        "warning",
        "no reference is in the scheme's form (1, 2, 3 or R-001 where the scheme's are STR0449): said once for "
        "the column, not once per risk",
        "the references in column {column} ({references}) are in the register's own form, not the scheme's "
        "(like {example}): each risk is named as written and no reference is checked for form",
        "Draft a scheme from the register (riskbook scheme --from FILE -o scheme.toml) to check its own form, "
        "or write the references in the scheme's form.",
    ),
    Kind(
        "duplicate-reference",
        "error",
        "two risks share a reference; both cells are named",
        "reference {reference} is used again (first at {first}); each risk needs its own",
        "Give each risk its own reference.",
    ),
    Kind(
        "bad-date",
        "error",
        "a date is unreadable, outside 1900–2100, or later than the as-of date",
        "{field} {value} {reason}",
        "Type the date as DD/MM/YYYY, or a month and year.",
    ),
    Kind(
        "date-as-text",
        "warning",
        "a template's Last Review holds a date as text, so its computed Next Review shows Check date",
        "last review {value} is text, which the template's Next Review cannot read: it shows Check date",
        "Type the date again as DD/MM/YYYY (a month-only review as the month's last day).",
    ),
    Kind(
        "date-order",
        "error",
        "first recorded after last review",
        "first recorded {first} is after last review {last}; the first review cannot precede recording",
        "Correct one of the two dates.",
    ),
    Kind(
        "text-too-long",
        "warning",
        "more than the 32,767 characters an Excel cell holds (kept whole)",
        "{field} has {length:,} characters, more than the {limit:,} an Excel cell holds; riskbook keeps it whole, "
        "but Excel would cut it",
        "Shorten the text, or move detail to a linked document.",
    ),
    Kind(
        "formula-without-value",
        "error",
        "a formula cell has no saved result (or a result the file says is not to be trusted)",
        "{field} is a formula with no saved result; open and save the file in Excel (or LibreOffice) so its value "
        "is stored",
        "Open and save the file in Excel or LibreOffice.",
        data=("value", "reason"),
    ),
    Kind(
        "formula-error",
        "error",
        "a formula cell's saved result is an Excel error (#N/A, #VALUE!, #REF!, …)",
        "{field} {reason}; correct the formula",
        "Correct the formula so that it gives a value.",
        data=("value",),
    ),
    Kind(
        "status-stale",
        "warning",
        "with a Control Due column: a control past due while the status is not the scheme's overdue status, "
        "or the reverse",
        "status is {status!r} but {problem}",
        "Update the status, or move the due date.",
    ),
    Kind(
        "duplicate-column",
        "warning",
        "two header cells mean the same column; the first is read (of two ratings, the one after the score)",
        "column {header!r} repeats {first!r}; riskbook reads {first!r} and keeps this one as an extra column",
        "Rename or remove one of the two columns.",
    ),
    Kind(
        "unknown-proposal",
        "warning",
        "the Proposal cell is neither Archive nor New (nor a recognised phrasing of them); read as no proposal",
        "proposal {proposal!r} is not recognised and is read as no proposal; write Archive or New, or leave it empty",
        "Write Archive or New, or leave the cell empty.",
    ),
    Kind(
        "hidden-row",
        "warning",
        "a risk's row is hidden; it is read, but owners may not see it",
        "row {row} is hidden; riskbook reads it, but unhide it so that owners and the panel see it",
        "Unhide the row.",
    ),
    Kind(
        "hidden-column",
        "warning",
        "a register column is hidden; it is read, but owners may not see it",
        "column {column} is hidden; riskbook reads it, but unhide it so that owners see it",
        "Unhide the column.",
    ),
    Kind(
        "previous-score-mismatch",
        "warning",
        "with `--previous`: the register's Previous Score is not the score last period's file states",
        "previous score {stated} contradicts last period's file, which states {previous} at {where}; the panel "
        "workbook uses {used}",
        "Correct the Previous Score column, or check last period's file.",
    ),
    Kind(
        "previous-score-contradiction",
        "warning",
        "with `--previous`: last period's file states a score its own impact and likelihood do not give; "
        "said at that file's cell, apart from this register's findings",
        "last period's file states score {stated}, but its impact and likelihood give {computed} ({working}); "
        "the comparison uses {computed}",
        "Correct last period's file, or check that the scheme is the one it was scored under.",
    ),
    Kind(
        "previous-risk-unreadable",
        "warning",
        "with `--previous`: a risk in last period's file has no reference, score, or impact and likelihood; "
        "named as `[file]Sheet!cell` and left out rather than guessed",
        "last period's row {row} {problem}",
        "Correct last period's file, or pass the right one.",
    ),
    Kind(
        "previous-unrelated",
        "warning",
        "with `--previous`: last period's file shares no reference with this register, so every risk "
        "reads as new and every one of its risks as archived",
        "last period's file shares no reference with this register ({here} risks here, {there} there): no risk "
        "is compared, its risks read as archived and these as new",
        "Check that the file is last period's register of the same organisation.",
    ),
    Kind(
        "previous-duplicate-reference",
        "error",
        "with `--previous`: two risks in last period's file share a reference, so the comparison is ambiguous",
        "reference {reference} is used twice in last period's file (also at {first}); the comparison with last "
        "period cannot tell which is meant",
        "Correct last period's file, or pass the right one.",
    ),
    Kind(
        "vanished-risk",
        "warning",
        "with `--history` (or `--previous` given more than once): a risk on an earlier period's register that is on "
        "none since and that its last period never proposed for archive; said at its cell in that period's file",
        "risk {title!r} was last on the register of {period} ({last_file}) and is on none since, though it was "
        "never proposed for archive",
        "Say why it went: propose it for archive in the register, or restore its row.",
    ),
    Kind(
        "reference-reused",
        "warning",
        "with `--history`: a reference whose title changed from one period to the next beyond a light edit "
        "(lower-case words without punctuation with a similarity ratio under 0.6), so it reads as another risk",
        "reference {reference} was {before!r} in the register of {period} and is now {title!r}: more than a light edit "
        "(title similarity {similarity} under {threshold}), so it reads as a different risk under a reused reference",
        "Give the new risk a reference of its own, and archive the old one; if it is the same risk, ignore this.",
    ),
    Kind(
        "unexplained-change",
        "warning",
        "with `--history`: a score changed since the nearest earlier period while its Update (and Current Status) "
        "text reads exactly as it did then",
        "score {score} was {previous} in the register of {period}, but its {columns} text is as it was then; say "
        "there why the score changed",
        "Write in the update why the score moved.",
    ),
    Kind(
        "review-gap",
        "warning",
        "with `--history`: the Last Review dates across the periods leave a stretch with no review longer than the "
        "band's review cycle (from the last review to today is review-overdue's)",
        "no review was recorded between {start} and {end} in any period's register, longer than the {interval} "
        "in which {band} risks are reviewed",
        "Review risks within their band's cycle; record each review's date.",
        data=("gap_days",),
    ),
    Kind(
        "paper-contradiction",
        "error",
        "the paper file's purpose or recommendation states a count the register's rows contradict; nothing is written",
        "says {stated} ('{words} …'), but the register has {actual} {meaning}; write {placeholder} in place of "
        "the number and the Cover fills it in from the rows",
        "Name the count in braces in place of the number ({archive}, {high}, {changed}, {new}, {risks}).",
    ),
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the register, tied to a cell of the user's own sheet."""

    severity: Severity
    code: str
    sheet: str
    cell: str
    reference: str
    message: str
    row: int = -1  # 0-based source row, for ordering; -1 for sheet-level findings
    fields: tuple[tuple[str, Any], ...] = ()  # the catalogue's named fields, as data: (name, value)

    def location(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        ref = f" {self.reference}" if self.reference else ""
        return f"{self.location()}{ref}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The finding for JSON: where, what, the message, the sheet's 1-based row (None for the sheet as a
        whole) and the catalogue's named fields as data, so that a script need not parse the message."""
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "reference": self.reference,
            "message": self.message,
            "row": self.row + 1 if self.row >= 0 else None,
            "fields": {name: _json_value(value) for name, value in self.fields},
        }


def _json_value(value: Any) -> Any:
    """Numbers and text as they are; a date in ISO form; anything else (a month-only date) as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_FIELD_NAMES = {code: kind.field_names() for code, kind in CATALOGUE.items()}


def make(code: str, sheet: str, cell: str, reference: str = "", row: int = -1, /, **fields: Any) -> Finding:
    """A finding of a catalogued kind at sheet!cell, its message filled from the named fields, which it keeps.

    row is the 0-based source row, for ordering (-1 for the sheet as a whole). The fields must be the
    kind's field_names(), no more and no fewer, so that every finding of a code carries the same data.
    """
    kind = CATALOGUE[code]
    if fields.keys() != _FIELD_NAMES[code]:
        raise TypeError(f"{code} takes the fields {sorted(_FIELD_NAMES[code])}, not {sorted(fields)}")
    return Finding(
        kind.severity, code, sheet, cell, reference, kind.template.format(**fields), row, tuple(fields.items())
    )
