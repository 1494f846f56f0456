"""The register as riskbook holds it: risks, the cells they came from, and the scheme they are read under."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from riskbook.check.findings import Finding
from riskbook.fields import FIELDS
from riskbook.limits import column_letters
from riskbook.read.values import Invalid, clean_text

if TYPE_CHECKING:
    import pandas as pd

    from riskbook.scheme.types import Scheme


# A column no risk fills is one finding (column-empty) from this many risks; below, each empty cell is named
# (missing-value): with one or two risks, a column left empty is as likely a risk not yet filled in.
EMPTY_COLUMN_RISKS = 3


_MISSING = object()


@dataclass(slots=True)
class Risk:
    """One row of the register.

    values holds the readable values by canonical field; invalid holds the cells that
    could not be read as their column requires; extras the columns riskbook does not know.
    """

    row: int  # 0-based row in the source sheet
    values: dict[str, Any]
    invalid: dict[str, Invalid] = field(default_factory=dict)
    status_name: str | None = None  # canonical status, when recognised
    long_fields: list[str] | None = None  # fields that may exceed an Excel cell
    cells: list[Any] | None = None  # the row as read, for the lazily read fields and the extras
    lazy: dict[str, int] | None = None  # lazily read field -> offset in cells (shared by the register)
    # The columns riskbook does not know, (offset in cells, header) (shared by the register): read
    # into `extras` when first asked for, since validating never needs them.
    extra_columns: tuple[tuple[int, str], ...] = ()
    _extras: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def extras(self) -> dict[str, str]:
        """The columns riskbook does not know, by header, as text."""
        if self._extras is None:
            cells = self.cells or ()
            width = len(cells)
            self._extras = {
                name: clean_text(cells[offset]) if offset < width else "" for offset, name in self.extra_columns
            }
        return self._extras

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name, _MISSING)
        if value is not _MISSING:
            return value
        lazy, cells = self.lazy, self.cells
        if lazy is not None and cells is not None and name in lazy and lazy[name] < len(cells):
            return clean_text(cells[lazy[name]]) or default
        return default

    def has(self, name: str) -> bool:
        """Whether the cell holds anything, readable or not."""
        return name in self.values or name in self.invalid or (self.lazy is not None and bool(self.get(name)))

    @property
    def reference(self) -> str:
        return self.values.get("reference", "")

    @property
    def title(self) -> str:
        return self.values.get("title", "")

    @property
    def impact(self) -> int | None:
        return self.values.get("impact")

    @property
    def likelihood(self) -> int | None:
        return self.values.get("likelihood")

    @property
    def previous_score(self) -> int | None:
        return self.values.get("previous_score")


@dataclass(frozen=True, slots=True)
class PassedOver:
    """A row under the header that is not a risk (riskbook.read.row_kinds.REASONS: placeholder, totals, …)."""

    row: int  # 0-based sheet row
    reason: str


@dataclass(frozen=True, slots=True)
class SheetChoice:
    """A sheet with a register header, when a workbook has more than one: its rows filled under the header
    (a register's risks) and its known columns; the register is read from the best."""

    sheet: str
    rows: int
    columns: int


@dataclass
class Register:
    """A register read from one sheet of a file."""

    path: str
    sheet: str
    header_row: int  # 0-based
    columns: dict[str, int]  # canonical field -> 0-based column
    headers: list[str]  # header text by column, as the user typed it
    extra_columns: list[tuple[int, str]]  # columns riskbook does not know, in order
    risks: list[Risk]
    scheme: Scheme  # the scheme it was read under, and is checked under
    notices: tuple[Finding, ...] = ()  # found while reading
    column_headers: dict[str, str] = field(default_factory=dict)  # canonical field -> the header it was read from
    # What the annotated copy needs, so that it never reads the input otherwise than the register was:
    # the size limit it was read under (an .xlsx package is edited in place, and opened again under
    # it), and for any other source (.xls, .ods, .csv) the sheet's cells as read, with the 0-based
    # (row, col) of the first, which the copy is written from.
    max_bytes: int | None = None
    sheet_cells: tuple[list[list[Any]], int, int] | None = field(default=None, repr=False)
    # An .xlsx/.xlsm register's package, the bytes read and checked: the annotated copy edits these.
    package: bytes | None = field(default=None, repr=False)
    named_by_row: bool = False  # no reference column, or an empty one: each risk's reference is "Row 12"
    sheets: tuple[SheetChoice, ...] = ()  # every sheet with a register header, when more than one has
    passed_over: tuple[PassedOver, ...] = ()  # rows under the header that are not risks, in sheet order
    by_content: dict[str, str] = field(default_factory=dict)  # field -> why its column was read by its content
    heading: tuple[Any, ...] = ()  # the non-empty cells above the header row (a title, "as at 31 January 2024")

    def sheet_choice(self) -> str:
        """One line naming the sheet read and the others that have a register header ("" when no other has)."""
        if len(self.sheets) < 2:
            return ""
        chosen = next(s for s in self.sheets if s.sheet == self.sheet)
        others = ", ".join(f"{s.sheet!r} ({_rows(s.rows)})" for s in self.sheets if s is not chosen)
        return (
            f"read sheet {self.sheet!r} ({_rows(chosen.rows)} under {chosen.columns} known columns); "
            f"also with a register header: {others}; pass --sheet to read another"
        )

    # Fields whose column is an Excel table's calculated column (a riskbook template's Score and Next
    # Review): their cells show what other cells hold, so they give no finding of their own.
    computed: frozenset[str] = frozenset()
    first_col: int = 0  # the sheet column of a risk's cells[0]
    scheme_origin: str = ""  # where the scheme came from when not given: "the workbook" for a template's own

    def row_names(self) -> str:
        """How a register named by its rows names its first risks ("Row 7, Row 8, …"), for the messages."""
        names = [risk.reference for risk in self.risks[:2]] or ["Row 2", "Row 3"]
        return ", ".join([*names, "…"])

    def cell(self, row: int, field_name: str) -> str:
        col = self.columns.get(field_name)
        return cell_name(row, col if col is not None else 0)

    def risk_cell(self, risk: Risk, field_name: str) -> str:
        return self.cell(risk.row, field_name)

    def has(self, field_name: str) -> bool:
        return field_name in self.columns

    def to_dataframe(self, scheme: Scheme | None = None) -> pd.DataFrame:
        """One row per risk: its row number, the canonical fields, the computed score (the scheme's:
        impact × likelihood, or its matrix) and canonical status, then the register's own extra columns.

        Dates known only to the month are given as the first of that month. Needs pandas
        (`pip install "riskbook[pandas]"`); riskbook itself never imports it.
        """
        from riskbook.outputs.frame import dataframe_of
        from riskbook.read.values import PartialDate

        scheme = scheme or self.scheme
        records = []
        for risk in self.risks:
            record: dict[str, Any] = {"row": risk.row + 1}
            for name in FIELDS:
                value = risk.get(name)
                if isinstance(value, PartialDate):
                    value = value.earliest
                elif isinstance(value, list):
                    value = "; ".join(str(d) for d in value)
                record[name] = value
            record["computed_score"] = scheme.score_for(risk.impact, risk.likelihood)
            record["canonical_status"] = risk.status_name
            record.update(risk.extras)
            records.append(record)
        return dataframe_of(records)


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def column_letter(col: int) -> str:
    """The letters of a 0-based column."""
    return column_letters(col + 1)


def cell_name(row: int, col: int) -> str:
    """A1-style name of a 0-based (row, col)."""
    return f"{column_letter(col)}{row + 1}"


def to_dataframe(register: Register, scheme: Scheme | None = None) -> pd.DataFrame:
    """`register.to_dataframe(scheme)`: one row per risk (see `Register.to_dataframe`)."""
    return register.to_dataframe(scheme)
