"""The template's columns: the register's own fields, headers and order, or a default set for a blank one."""

from __future__ import annotations

from dataclasses import dataclass

from riskbook.model import Register
from riskbook.scheme.load import header_key
from riskbook.scheme.types import Scheme

SCORE_SETS = ("", "inherent_", "target_")  # the current set, then the inherent and target assessments


@dataclass(frozen=True)
class TemplateColumn:
    key: str  # the field it holds ("next_review" twice when the register states one: the typed one and the computed)
    header: str
    width: float
    help: str  # the header's input message (Excel allows 255 characters)
    # text, scale, status, category, proposal, date, dates, score (computed), number, previous,
    # rating, next_review (computed), extra
    kind: str = "text"

    @property
    def computed(self) -> bool:
        return self.kind in ("score", "next_review")

    @property
    def score_set(self) -> str:
        """The score set a scale or score column belongs to: "", "inherent_" or "target_"."""
        return next((p for p in SCORE_SETS[1:] if self.key.startswith(p)), "")


_FIELD_SPECS: dict[str, tuple[float, str, str]] = {
    "reference": (10, "The risk's reference, e.g. {example}. Each risk has its own.", "text"),
    "owner": (14, "The chief officer or head of department who owns the risk.", "text"),
    "title": (22, "A short title saying what the risk is.", "text"),
    "description": (36, "What the risk is: its cause, the event and its effect.", "text"),
    "impact": (10, "How bad it would be: choose {labels}. See Instructions for the criteria.", "scale"),
    "likelihood": (10, "How likely it is: choose {labels}. See Instructions.", "scale"),
    "status": (13, "Choose one of: {statuses}.", "status"),
    "first_recorded": (10.5, "The date the risk was first recorded (DD/MM/YYYY).", "date"),
    "last_review": (10.5, "The date of the latest review (DD/MM/YYYY).", "date"),
    "score": (7, "Computed: {rule}. Coloured by its band. Do not type here.", "score"),
    "previous_score": (8, "The score reported to the last panel.", "previous"),
    "rag": (12, "The rating: the band of the score ({bands}).", "rating"),
    "next_review": (10.5, "The next review date as agreed (DD/MM/YYYY). The computed one is beside it.", "date"),
    "responsible_officer": (16, "The officer responsible for managing the risk day to day.", "text"),
    "category": (16, "Choose the risk's category.", "category"),
    "information": (36, "Background: what the risk is about.", "text"),
    "rationale": (36, "Why this is a risk, and why it is scored as it is.", "text"),
    "consequence": (36, "What happens if the risk is not managed.", "text"),
    "existing_controls": (36, "Controls already in place, one per line.", "text"),
    "additional_controls": (36, "Further controls planned, one per line, each with an owner.", "text"),
    "treatment": (36, "How the risk is treated (reduce, accept, transfer, avoid) and how.", "text"),
    "control_due": (13, "When the additional controls are due (DD/MM/YYYY).", "dates"),
    "update": (36, "This quarter's update for the panel.", "text"),
    "current_status": (20, "One line for the panel, e.g. 'No change to risk score'.", "text"),
    "proposal": (11, "Archive to propose archiving the risk; New for a new risk; else leave empty.", "proposal"),
    "inherent_impact": (12, "The impact before any controls: choose {labels}.", "scale"),
    "inherent_likelihood": (12, "The likelihood before any controls: choose {labels}.", "scale"),
    "inherent_score": (9, "Computed: the inherent {rule}. Do not type here.", "score"),
    "inherent_rating": (12, "The inherent rating: the band of the inherent score ({bands}).", "rating"),
    "target_impact": (12, "The impact once the planned controls work: choose {labels}.", "scale"),
    "target_likelihood": (12, "The likelihood once the planned controls work: choose {labels}.", "scale"),
    "target_score": (9, "Computed: the target {rule}. Do not type here.", "score"),
    "target_rating": (12, "The target rating: the band of the target score ({bands}).", "rating"),
}
_NEXT_REVIEW_HELP = "Computed: last review plus the band's review interval. Red once past. Do not type here."
_EXTRA_HELP = "Kept from the register: {header}."
COMPUTED_REVIEW = "Next Review (computed)"  # beside a stated Next Review; read back as no field

# A blank template: the columns riskbook checks and the panel paper shows, in Appendix A's order.
_DEFAULT_FIELDS = (
    "reference", "owner", "title", "impact", "likelihood", "status", "first_recorded", "last_review", "score",
    "previous_score", None, "responsible_officer", "category", "information", "rationale", "consequence",
    "existing_controls", "additional_controls", "control_due", "update", "current_status", "proposal",
)  # fmt: skip
_DEFAULT_HEADERS = {"score": "Score", "rationale": "Risk Rationale", "consequence": "Risk Consequence"}


def field_column(key: str, header: str) -> TemplateColumn:
    width, help_text, kind = _FIELD_SPECS[key]
    return TemplateColumn(key, header, width, help_text, kind)


def computed_review(header: str = "Next Review") -> TemplateColumn:
    return TemplateColumn("next_review", header, 10.5, _NEXT_REVIEW_HELP, "next_review")


def default_columns() -> list[TemplateColumn]:
    """The blank template's columns."""
    from riskbook.fields import FIELD_LABELS

    return [
        computed_review() if key is None else field_column(key, _DEFAULT_HEADERS.get(key, FIELD_LABELS[key]))
        for key in _DEFAULT_FIELDS
    ]


def register_columns(register: Register, scheme: Scheme) -> list[TemplateColumn]:
    """Every column of the register, under its own header and in its order, plus what the formulas need.

    A register's Score (and an inherent or target score with its own impact and likelihood) becomes
    the computed column; a stated Next Review stays a typed column with the computed one beside it;
    a column computed in the register's own table (a riskbook template's) is computed again.
    Missing impact, likelihood, score or last review columns are added where they belong.
    """
    from riskbook.fields import FIELD_LABELS

    by_col: dict[int, list[str]] = {}
    for name, col in register.columns.items():
        by_col.setdefault(col, []).append(name)
    placed: list[tuple[int, TemplateColumn]] = []
    for col, names in by_col.items():
        key = "description" if "description" in names else names[0]
        header = register.column_headers.get(key) or FIELD_LABELS[key]
        if key == "next_review" and key in register.computed:
            placed.append((col, computed_review(header)))
            continue
        column = field_column(key, header)
        if column.kind == "score" and not _has_set(register, column.score_set):
            column = TemplateColumn(key, header, column.width, "The score as stated.", "number")
        placed.append((col, column))
        if key == "next_review":
            placed.append((col, computed_review(COMPUTED_REVIEW)))
    placed.extend(
        (col, TemplateColumn(name, name, 20, _EXTRA_HELP, "extra"))
        for col, name in register.extra_columns
        if not (name == COMPUTED_REVIEW and "next_review" in register.columns)  # a template's own: made again
    )
    placed.sort(key=lambda item: item[0])
    columns = [column for _, column in placed]
    _add_missing(columns)
    return columns


def _has_set(register: Register, prefix: str) -> bool:
    return f"{prefix}impact" in register.columns and f"{prefix}likelihood" in register.columns


def _add_missing(columns: list[TemplateColumn]) -> None:
    """The columns the Score and Next Review formulas read, added after their neighbours when absent."""

    def index_of(*keys: str) -> int:
        found = [i for i, c in enumerate(columns) if c.key in keys and c.kind != "extra"]
        return max(found) + 1 if found else len(columns)

    keys = {c.key for c in columns if c.kind != "extra"}
    for key, after in (("impact", ("title", "description", "reference")), ("likelihood", ("impact",))):
        if key not in keys:
            columns.insert(index_of(*after), field_column(key, key.capitalize()))
    if "score" not in keys:
        columns.insert(index_of("impact", "likelihood"), field_column("score", "Score"))
    if "last_review" not in keys:
        columns.insert(index_of("score"), field_column("last_review", "Last Review"))
    if not any(c.kind == "next_review" for c in columns):
        columns.insert(index_of("last_review", "score"), computed_review())


def header_is_free(header: str, scheme: Scheme) -> bool:
    """Whether a header reads back as no field (the computed Next Review beside a stated one must)."""
    return header_key(header) not in scheme.header_lookup
