"""The panel workbook's sheets, one function each. Every number comes from the Period."""

from __future__ import annotations

from riskbook.errors import OutputError
from riskbook.limits import EXCEL_CELL_LIMIT
from riskbook.model import FIELD_LABELS, FIELDS, column_letter
from riskbook.panel import layout as L
from riskbook.period import ARCHIVED, NEW, PROPOSED_ARCHIVE, PanelRisk, Period
from riskbook.values import PartialDate
from riskbook.xlsx.text import table_columns
from riskbook.xlsx.writer import Book, SheetWriter, split_long_text, text_height

CARD_VALUE_CHARS = 120  # characters a line of the card's value column (width 110) holds, conservatively
CARD_MAX_LINES = 30  # lines that fit one row of at most 409 points


def _q(text: str) -> str:
    """A string literal for a formula."""
    return '"' + text.replace('"', '""') + '"'


def _table(sheet: SheetWriter, name: str, first_row: int, first_col: int, last_row: int, headers: list[str]) -> None:
    """Mark a block as an Excel table: header row, filters, banded rows off (colour carries meaning)."""
    book = sheet.book
    last_col = first_col + len(headers) - 1
    headers = table_columns(headers)
    if sheet.streamed:  # no Excel tables in a streamed sheet: a header row with filters instead
        for offset, header in enumerate(headers):
            sheet.text(first_row, first_col + offset, header, book.fmt("header"))
        sheet.sheet.autofilter(first_row, first_col, max(last_row, first_row + 1), last_col)
        return
    code = sheet.sheet.add_table(
        first_row,
        first_col,
        max(last_row, first_row + 1),
        last_col,
        {
            "name": name,
            "style": "Table Style Light 15",
            "columns": [{"header": h, "header_format": book.fmt("header")} for h in headers],
            "autofilter": True,
        },
    )
    if code not in (0, None):
        raise OutputError(f"internal: table {name} on {sheet.name} could not be added (xlsxwriter code {code})")


# -- Contents ---------------------------------------------------------------------------------


def write_contents(book: Book, descriptions: dict[str, str], source: str) -> None:
    sheet = book.add_sheet(L.CONTENTS)
    page = book.page
    sheet.title(
        f"{page.title}: contents",
        f"The sheets of this workbook, as at {page.date_text}. Select a sheet name to go to it.",
    )
    _table(sheet, "Contents", L.TABLE_HEADER_ROW, 0, L.TABLE_HEADER_ROW + len(descriptions), ["Sheet", "What it holds"])
    for offset, (name, text) in enumerate(descriptions.items(), start=L.FIRST_DATA_ROW):
        sheet.url(offset, 0, f"internal:'{name}'!A1", name, book.fmt("link"))
        sheet.text(offset, 1, text, book.fmt("cell"))
    notes_row = L.FIRST_DATA_ROW + len(descriptions) + 1
    sheet.text(notes_row, 0, f"Source register: {source}")
    sheet.text(notes_row + 1, 0, f"Protective marking: {page.marking}")
    sheet.text(
        notes_row + 2, 0, "Every count, matrix cell and appendix is computed from the register's rows by riskbook."
    )
    sheet.sheet.set_column(0, 0, 16)
    sheet.sheet.set_column(1, 1, 100)
    sheet.setup_print((L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


# -- Appendix A -------------------------------------------------------------------------------


def _date_cell(sheet: SheetWriter, row: int, col: int, value) -> None:
    book = sheet.book
    if isinstance(value, PartialDate):
        fmt = book.fmt("month") if value.day is None else book.fmt("date")
        sheet.date(row, col, value.earliest, fmt)
    else:
        sheet.text(row, col, value, book.fmt("centre"))


def band_formula(score_cell: str, book: Book) -> str:
    bands = book.scheme.bands
    formula = _q(bands[-1].name)
    for band in reversed(bands[:-1]):
        formula = f"IF({score_cell}>={band.min},{_q(band.name)},{formula})"
    return "=" + formula


STREAM_ABOVE = 5_000  # rows; a larger sheet is written row by row to keep memory flat


def write_appendix_a(book: Book, period: Period) -> None:
    sheet = book.add_sheet(L.APPENDIX_A, stream=len(period.risks) > STREAM_ABOVE)
    scheme = book.scheme
    risks = period.risks
    sheet.title(
        "Appendix A: summary of the risk register",
        f"Every risk, highest score first, as at {book.page.date_text}. Rows are highlighted as the legend on "
        "the Summary sheet shows; the Proposal and Change columns say the same in words.",
    )
    last_row = L.FIRST_DATA_ROW + max(len(risks), 1) - 1
    _table(sheet, "AppendixA", L.TABLE_HEADER_ROW, 0, last_row, [c.header for c in L.APPENDIX_A_COLUMNS])
    sheet.sheet.set_row(L.TABLE_HEADER_ROW, 27)
    cell, centre, number = book.fmt("cell"), book.fmt("centre"), book.fmt("number")
    continued = _Continuation(last_row + 2)
    for row, item in enumerate(risks, start=L.FIRST_DATA_ROW):
        risk = item.risk
        excel_row = row + 1
        score_ref = f"{L.a_letter('score')}{excel_row}"
        prev_ref = f"{L.a_letter('previous_score')}{excel_row}"
        for key, value in (
            ("reference", item.reference),
            ("owner", risk.get("owner")),
            ("title", risk.title),
        ):
            continued.text(sheet, row, key, value, item.reference)
        sheet.text(row, L.a_col("impact"), scheme.impact_label(risk.impact), centre)
        sheet.text(row, L.a_col("likelihood"), scheme.likelihood_label(risk.likelihood), centre)
        continued.text(sheet, row, "status", risk.status_name or risk.get("status"), item.reference)
        _date_cell(sheet, row, L.a_col("first_recorded"), risk.get("first_recorded"))
        _date_cell(sheet, row, L.a_col("last_review"), risk.get("last_review"))
        sheet.number(row, L.a_col("score"), item.score, number)
        sheet.formula(row, L.a_col("band"), band_formula(score_ref, book), item.band.name, centre)
        sheet.number(row, L.a_col("previous_score"), item.previous_score, number)
        sheet.formula(
            row,
            L.a_col("change"),
            f'=IF({prev_ref}="","",IF({score_ref}>{prev_ref},"Up",IF({score_ref}<{prev_ref},"Down","")))',
            item.direction,
            centre,
        )
        continued.text(sheet, row, "proposal", item.proposal, item.reference)
        height = max(
            text_height(risk.title, 46),
            text_height(risk.get("owner") or "", 26),
            text_height(risk.status_name or "", 17),
        )
        sheet.sheet.set_row(row, height)
        book.ticker.tick()
    if not risks:  # in the Title column: the Reference column, which the Summary counts, stays empty
        sheet.text(L.FIRST_DATA_ROW, L.a_col("title"), "None", cell)
    continued.write(sheet)
    for index, column in enumerate(L.APPENDIX_A_COLUMNS):
        sheet.sheet.set_column(index, index, column.width)
    _appendix_a_formatting(sheet, book, last_row)
    sheet.sheet.freeze_panes(L.FIRST_DATA_ROW, 1)
    sheet.setup_print((L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


def _label(reference: str) -> str:
    return reference if len(reference) <= 100 else reference[:99] + "…"


class _Continuation:
    """Text longer than a cell holds, in Appendix A's one row per risk: the cell holds the first
    part and says where the rest is; the rest follows below the table, part by part, each part
    within a cell, so nothing is cut and the table's rows (which the Summary counts) stay one per risk."""

    def __init__(self, heading_row: int):
        self.heading_row = heading_row
        self.rows: list[tuple[str, str, str]] = []  # reference, field (part k of n), text

    def text(self, sheet: SheetWriter, row: int, key: str, value, reference: str) -> None:
        fmt = sheet.book.fmt("cell")
        text = "" if value is None else str(value)
        if len(text) <= EXCEL_CELL_LIMIT:
            sheet.text(row, L.a_col(key), text, fmt)
            return
        pieces = split_long_text(text, 1, EXCEL_CELL_LIMIT - 100)
        first = self.heading_row + 1 + len(self.rows)
        sheet.text(row, L.a_col(key), f"{pieces[0]} … (continued below the table, row {first + 1})", fmt)
        header = L.APPENDIX_A_COLUMNS[L.a_col(key)].header
        for part, piece in enumerate(pieces[1:], start=2):
            self.rows.append((_label(reference), f"{header} (part {part} of {len(pieces)})", piece))

    def write(self, sheet: SheetWriter) -> None:
        """The continued parts, below the table (rows written after the table's, as a streamed sheet needs)."""
        if not self.rows:
            return
        book = sheet.book
        sheet.text(self.heading_row, 0, "Text too long for one cell of the table, continued:", book.fmt("bold"))
        for row, (reference, label, piece) in enumerate(self.rows, start=self.heading_row + 1):
            sheet.text(row, 0, reference, book.fmt("cell"))
            sheet.text(row, 1, label, book.fmt("label"))
            sheet.text(row, 2, piece, book.fmt("cell"))
            sheet.sheet.set_row(row, text_height(piece, 46))


def _appendix_a_formatting(sheet: SheetWriter, book: Book, last_row: int) -> None:
    """RAG colour on score, rating, impact and likelihood; row highlights elsewhere. Real Excel rules."""
    first = L.FIRST_DATA_ROW + 1
    score = f"${L.a_letter('score')}{first}"
    proposal = f"${L.a_letter('proposal')}{first}"
    change = f"${L.a_letter('change')}{first}"
    last = last_row + 1
    rag_ranges = [
        f"{L.a_letter('impact')}{first}:{L.a_letter('likelihood')}{last}",
        f"{L.a_letter('score')}{first}:{L.a_letter('band')}{last}",
    ]
    for band in book.scheme.bands:
        for cell_range in rag_ranges:
            sheet.sheet.conditional_format(
                cell_range,
                {
                    "type": "formula",
                    "criteria": f"=AND({score}>={band.min},{score}<={band.max})",
                    "format": book.fmt(f"cf:{band.name}"),
                    "stop_if_true": True,
                },
            )
    highlight_ranges = [
        f"{L.a_letter('reference')}{first}:{L.a_letter('title')}{last}",
        f"{L.a_letter('status')}{first}:{L.a_letter('last_review')}{last}",
        f"{L.a_letter('previous_score')}{first}:{L.a_letter('proposal')}{last}",
    ]
    criteria = {
        "archive": f'=OR({proposal}="{PROPOSED_ARCHIVE}",{proposal}="{ARCHIVED}")',
        "change": f'=OR({change}="Up",{change}="Down")',
        "new": f'={proposal}="{NEW}"',
    }
    for key, _meaning, fill in L.HIGHLIGHTS:
        fmt = book.workbook.add_format({"bg_color": fill, "font_color": "#000000"})
        for cell_range in highlight_ranges:
            sheet.sheet.conditional_format(cell_range, {"type": "formula", "criteria": criteria[key], "format": fmt})


# -- Summary ----------------------------------------------------------------------------------


def summary_counts(period: Period) -> list[tuple[str, str, int, str]]:
    """(measure, formula over Appendix A, value, where) for each count a covering paper states."""
    n = len(period.risks)
    ref, band, proposal, change = (L.a_range(k, n) for k in ("reference", "band", "proposal", "change"))
    top = period.scheme.top_band.name
    rows = [
        (
            "Risks on the register",
            f'=COUNTA({ref})-COUNTIF({proposal},"{ARCHIVED}")',
            len(period.current),
            "Appendix A",
        ),
    ]
    for b in period.scheme.bands:
        rows.append(
            (
                f"{b.name} risks (score {b.min}–{b.max})",
                f'=COUNTIFS({band},{_q(b.name)},{proposal},"<>{ARCHIVED}")',
                period.band_count(b.name),
                "Appendix A, Matrix",
            )
        )
    rows += [
        (
            "Archived or proposed for archive",
            f'=COUNTIF({proposal},"{PROPOSED_ARCHIVE}")+COUNTIF({proposal},"{ARCHIVED}")',
            len(period.archive),
            "Appendix B",
        ),
        (
            "Changes in risk score",
            f'=COUNTIF({change},"Up")+COUNTIF({change},"Down")',
            len(period.changes),
            "Appendix C",
        ),
        ("New risks", f'=COUNTIF({proposal},"{NEW}")', len(period.new), "Appendix D"),
        (
            f"{top} risks not in Appendices B–D",
            f'=COUNTIFS({band},{_q(top)},{proposal},"",{change},"")',
            len(period.top_band_not_elsewhere),
            "Appendix E",
        ),
    ]
    return rows


def write_summary(book: Book, period: Period) -> None:
    sheet = book.add_sheet(L.SUMMARY)
    sheet.title(
        f"{book.page.title}: summary",
        f"The counts the covering paper states, as at {book.page.date_text}, computed from Appendix A; "
        "the highlighting legend; the risk statuses.",
    )
    cell, number = book.fmt("cell"), book.fmt("number")
    counts = summary_counts(period)
    row = L.TABLE_HEADER_ROW
    _table(sheet, "Counts", row, 0, row + len(counts), ["Measure", "Count", "Detail in"])
    for offset, (measure, formula, value, where) in enumerate(counts, start=row + 1):
        sheet.text(offset, 0, measure, cell)
        sheet.formula(offset, 1, formula, value, number)
        sheet.text(offset, 2, where, cell)
    row += len(counts) + 2
    sheet.text(row, 0, "Highlighting legend (Appendix A)", book.fmt("bold"))
    _table(
        sheet, "Legend", row + 1, 0, row + 1 + len(L.HIGHLIGHTS), ["Highlight", "Meaning", "Proposal or Change column"]
    )
    words = {"archive": f"{PROPOSED_ARCHIVE} / {ARCHIVED}", "change": "Up / Down", "new": NEW}
    for offset, (key, meaning, fill) in enumerate(L.HIGHLIGHTS, start=row + 2):
        swatch = book.add_format(
            f"legend:{key}",
            {"bg_color": fill, "font_color": "#000000", "border": 1, "text_wrap": True, "valign": "top"},
        )
        sheet.text(offset, 0, words[key], swatch)
        sheet.text(offset, 1, meaning, cell)
        sheet.text(offset, 2, words[key], cell)
    row += len(L.HIGHLIGHTS) + 3
    sheet.text(row, 0, "Risk status", book.fmt("bold"))
    statuses = book.scheme.statuses
    _table(sheet, "Statuses", row + 1, 0, row + 1 + len(statuses), ["Status", "Meaning", "Also written as"])
    for offset, status in enumerate(statuses, start=row + 2):
        sheet.text(offset, 0, status.name, cell)
        sheet.text(offset, 1, status.meaning, cell)
        sheet.text(offset, 2, ", ".join(status.aliases), cell)
        sheet.sheet.set_row(offset, text_height(status.meaning, 90))
    sheet.sheet.set_column(0, 0, 36)
    sheet.sheet.set_column(1, 1, 80)
    sheet.sheet.set_column(2, 2, 30)
    sheet.setup_print(None, landscape=True)


# -- Matrix -----------------------------------------------------------------------------------


def matrix_counts(period: Period) -> dict[tuple[int, int], list[str]]:
    """(likelihood, impact) -> references of the current risks in that cell."""
    cells: dict[tuple[int, int], list[str]] = {}
    for item in period.current:
        cells.setdefault((item.risk.likelihood, item.risk.impact), []).append(item.reference)
    return cells


def _references_text(refs: list[str], impact: str, likelihood: str) -> str:
    """The references in a matrix cell; past what a cell holds, the rest are counted, never dropped unsaid."""
    text = ", ".join(refs)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    kept: list[str] = []
    size = 0
    for ref in refs:
        if size + len(ref) + 2 > EXCEL_CELL_LIMIT - 200:
            break
        kept.append(ref)
        size += len(ref) + 2
    rest = len(refs) - len(kept)
    return (
        ", ".join(kept) + f" … and {rest:,} more, which this cell cannot hold: "
        f"filter Appendix A by Impact {impact} and Likelihood {likelihood} for all {len(refs):,}."
    )


def write_matrix(book: Book, period: Period) -> None:
    sheet = book.add_sheet(L.MATRIX)
    scheme = book.scheme
    values, likelihoods = scheme.impact_scale.values, scheme.likelihood_scale.values
    size, height = len(values), len(likelihoods)
    cells = matrix_counts(period)
    n = len(period.risks)
    impact_range, likelihood_range, proposal_range = (L.a_range(k, n) for k in ("impact", "likelihood", "proposal"))
    sheet.title(
        "Risk matrix: impact × likelihood",
        "Left: the number of current risks in each cell, coloured and named by its band, with totals. "
        "Right: the references in each cell. Likelihood runs down, impact across.",
    )
    headers = ["Likelihood \\ Impact", *[scheme.impact_label(v) for v in values], "Total"]
    top = L.TABLE_HEADER_ROW
    _table(sheet, "MatrixCounts", top, 0, top + height + 1, headers)
    ref_col = size + 3
    _table(
        sheet,
        "MatrixReferences",
        top,
        ref_col,
        top + height,
        ["Likelihood \\ Impact", *[scheme.impact_label(v) for v in values]],
    )
    label_fmt, number = book.fmt("label"), book.fmt("number")
    band_count_fmt = {
        b.name: book.add_format(
            f"count:{b.name}",
            {
                "bg_color": b.fill,
                "font_color": b.font,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "border": 1,
                "num_format": f'0" · {b.name}"',
            },
        )
        for b in scheme.bands
    }
    ref_fmt = {
        b.name: book.add_format(
            f"refs:{b.name}",
            {"bg_color": b.fill, "font_color": b.font, "text_wrap": True, "valign": "top", "border": 1},
        )
        for b in scheme.bands
    }
    for i, likelihood in enumerate(reversed(likelihoods)):
        row = top + 1 + i
        sheet.text(row, 0, scheme.likelihood_label(likelihood), label_fmt)
        sheet.text(row, ref_col, scheme.likelihood_label(likelihood), label_fmt)
        for j, impact in enumerate(values, start=1):
            band = scheme.band(scheme.score_for(impact, likelihood))
            refs = cells.get((likelihood, impact), [])
            impact_text, likelihood_text = scheme.impact_label(impact), scheme.likelihood_label(likelihood)
            formula = (
                f"=COUNTIFS({impact_range},{_q(impact_text)},{likelihood_range},{_q(likelihood_text)},"
                f'{proposal_range},"<>{ARCHIVED}")'
            )
            sheet.formula(row, j, formula, len(refs), band_count_fmt[band.name])
            sheet.text(
                row,
                ref_col + j,
                _references_text(refs, impact_text, likelihood_text),
                ref_fmt[band.name],
            )
        sheet.formula(
            row,
            size + 1,
            f"=SUM({column_letter(1)}{row + 1}:{column_letter(size)}{row + 1})",
            sum(len(cells.get((likelihood, v), [])) for v in values),
            number,
        )
        longest = min(400, max((len(", ".join(cells.get((likelihood, v), []))) for v in values), default=0))
        sheet.sheet.set_row(row, max(30, text_height("x" * longest, 22)))
    total_row = top + 1 + height
    sheet.text(total_row, 0, "Total", label_fmt)
    for j, impact in enumerate(values, start=1):
        letter = column_letter(j)
        value = sum(len(cells.get((lk, impact), [])) for lk in likelihoods)
        sheet.formula(total_row, j, f"=SUM({letter}{top + 2}:{letter}{total_row})", value, number)
    letter = column_letter(size + 1)
    sheet.formula(total_row, size + 1, f"=SUM({letter}{top + 2}:{letter}{total_row})", len(period.current), number)
    sheet.sheet.set_column(0, 0, 20)
    sheet.sheet.set_column(1, size + 1, 12)
    sheet.sheet.set_column(size + 2, size + 2, 3)
    sheet.sheet.set_column(ref_col, ref_col, 20)
    sheet.sheet.set_column(ref_col + 1, ref_col + size, 24)
    sheet.setup_print(None)


# -- Detail cards (Appendices B–E) ------------------------------------------------------------

# The narrative part of a card: the register's fields from Category to Current Status.
CARD_FIELDS = FIELDS[FIELDS.index("category") : FIELDS.index("current_status") + 1]


def card_rows(item: PanelRisk, book: Book, appendix: str) -> list[tuple[str, str, str]]:
    """(field, value, format name) rows of one risk's card, as the paper lays it out."""
    risk, scheme = item.risk, book.scheme
    band = item.band
    rows = [
        ("Responsible Officer", risk.get("responsible_officer") or risk.get("owner") or "", "cell"),
        ("Owner", risk.get("owner") or "", "cell"),
        ("Impact", f"{scheme.impact_label(risk.impact)} ({risk.impact})", "cell"),
        ("Likelihood", f"{scheme.likelihood_label(risk.likelihood)} ({risk.likelihood})", "cell"),
        ("Date Recorded", str(risk.get("first_recorded") or ""), "cell"),
        ("Last Review", str(risk.get("last_review") or ""), "cell"),
        ("Status", risk.status_name or risk.get("status") or "", "cell"),
        ("Current Rating", f"{item.score} · {band.name}", f"band:{band.name}"),
    ]
    if item.previous_score is not None:
        previous_band = scheme.band(item.previous_score)
        previous_text = f"{item.previous_score} · {previous_band.name}" if previous_band else str(item.previous_score)
        rows.append(("Previous Rating", previous_text, "cell"))
    if appendix == L.APPENDIX_C:
        rows.append(("Change in score", f"{item.previous_score} → {item.score} ({item.direction.lower()})", "cell"))
    if item.proposal:
        rows.append(("Proposal", item.proposal, "cell"))
    for name in CARD_FIELDS:
        rows.append((FIELD_LABELS[name], risk.get(name) or "", "cell"))
    rows.extend((header, value, "cell") for header, value in risk.extras.items() if value)
    return rows


def _table_name(prefix: str, reference: str, used: set[str]) -> str:
    base = prefix + "".join(ch if ch.isalnum() else "_" for ch in reference[:100])
    name, n = base, 2
    while name.upper() in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name.upper())
    return name


# Above this many cards an appendix is one field/value table (each row carrying its risk's
# reference) rather than a table per card: Excel slows to a crawl with thousands of tables.
MAX_CARD_TABLES = 200
MAX_PAGE_BREAKS = 1023  # Excel's own limit on horizontal page breaks in a sheet


def _card_lines(item: PanelRisk, book: Book, appendix: str) -> list[tuple[str, str, str]]:
    """(field, value, format) rows of a card, long text split over rows that each fit."""
    lines: list[tuple[str, str, str]] = []
    for label, value, fmt in card_rows(item, book, appendix):
        lines.extend(_card_parts(label, value, fmt))
    return lines


def _card_parts(label: str, value: str, fmt: str) -> list[tuple[str, str, str]]:
    """One card row, or its parts when the text is longer than a row (or a cell) holds."""
    pieces = split_long_text(value, CARD_VALUE_CHARS, CARD_MAX_LINES)
    if len(pieces) == 1:
        return [(label, pieces[0], fmt)]
    return [(f"{label} (part {part} of {len(pieces)})", piece, fmt) for part, piece in enumerate(pieces, start=1)]


def write_cards(
    book: Book, sheet_name: str, heading: str, description: str, items: list[PanelRisk], used: set[str]
) -> None:
    sheet = book.add_sheet(sheet_name, stream=len(items) > MAX_CARD_TABLES)
    if len(items) > MAX_CARD_TABLES:
        description += " Each row names its risk; a page break starts each of the first 1,023 risks."
    sheet.title(heading, description)
    if not items:
        sheet.text(L.TABLE_HEADER_ROW, 0, "None", book.fmt("cell"))
        sheet.setup_print(None)
    elif len(items) > MAX_CARD_TABLES:
        _write_card_list(sheet, book, sheet_name, items)
    else:
        _write_card_tables(sheet, book, sheet_name, items, used)


def _card_headers(item: PanelRisk, lines: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The card table's two headers, reference and title, as the paper heads a card.

    Excel table headers hold 255 characters and must differ, ignoring case; a value that
    cannot be a header goes whole into a row of the card instead.
    """
    reference = " ".join(item.reference.split())
    title = " ".join((item.risk.title or "(no title)").split())
    moved: list[tuple[str, str, str]] = []
    if len(reference) > 200:
        moved += _card_parts("Reference", item.reference, "cell")
        reference = "Reference"
    if len(title) > 200 or title.casefold() == reference.casefold():
        moved += _card_parts("Title", item.risk.title, "cell")
        title = "Risk title" if reference.casefold() == "title" else "Title"
    lines[:0] = moved
    return reference, title


def _write_card_tables(sheet: SheetWriter, book: Book, sheet_name: str, items: list[PanelRisk], used: set[str]) -> None:
    """One field/value table per risk, laid out like the paper's cards."""
    sheet.sheet.set_column(0, 0, 24)
    sheet.sheet.set_column(1, 1, 110)
    row = L.TABLE_HEADER_ROW
    breaks = []
    for item in items:
        if row > L.TABLE_HEADER_ROW:
            breaks.append(row)
        lines = _card_lines(item, book, sheet_name)
        reference, title = _card_headers(item, lines)
        table_name = _table_name(sheet_name.replace(" ", ""), item.reference, used)
        _table(sheet, table_name, row, 0, row + len(lines), [reference, title])
        sheet.sheet.set_row(row, text_height(title, CARD_VALUE_CHARS))
        for offset, (label, value, fmt) in enumerate(lines, start=row + 1):
            sheet.text(offset, 0, label, book.fmt("label"))
            sheet.text(offset, 1, value, book.fmt(fmt))
            sheet.sheet.set_row(offset, text_height(value, CARD_VALUE_CHARS))
        row += len(lines) + 2
        book.ticker.tick()
    sheet.sheet.set_h_pagebreaks(breaks[:MAX_PAGE_BREAKS])
    sheet.setup_print(None)


def _write_card_list(sheet: SheetWriter, book: Book, sheet_name: str, items: list[PanelRisk]) -> None:
    """Every card in one table: Reference, Field, Value."""
    sheet.sheet.set_column(0, 0, 12)
    sheet.sheet.set_column(1, 1, 24)
    sheet.sheet.set_column(2, 2, 110)
    cards = [
        (item, [*_card_parts("Title", item.risk.title or "", "cell"), *_card_lines(item, book, sheet_name)])
        for item in items
    ]
    last = L.TABLE_HEADER_ROW + sum(len(lines) for _, lines in cards)
    _table(sheet, sheet_name.replace(" ", ""), L.TABLE_HEADER_ROW, 0, last, ["Reference", "Field", "Value"])
    cell, label_fmt = book.fmt("cell"), book.fmt("label")
    row = L.FIRST_DATA_ROW
    breaks = []
    for item, lines in cards:
        if row > L.FIRST_DATA_ROW and len(breaks) < MAX_PAGE_BREAKS:
            breaks.append(row)
        for label, value, fmt in lines:
            sheet.text(row, 0, item.reference, cell)
            sheet.text(row, 1, label, label_fmt)
            sheet.text(row, 2, value, book.fmt(fmt))
            if len(value) > CARD_VALUE_CHARS or "\n" in value:
                sheet.sheet.set_row(row, text_height(value, CARD_VALUE_CHARS))
            row += 1
        book.ticker.tick()
    sheet.sheet.set_h_pagebreaks(breaks)
    sheet.sheet.freeze_panes(L.FIRST_DATA_ROW, 0)
    sheet.setup_print((L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


# -- Appendix F -------------------------------------------------------------------------------


def write_criteria(book: Book) -> None:
    sheet = book.add_sheet(L.APPENDIX_F)
    sheet.title(
        "Appendix F: risk scoring criteria",
        f"How impact and likelihood are scored ({book.scheme.name}); score = {book.scheme.score_rule}, "
        "and the score's band.",
    )
    write_criteria_tables(sheet, book, L.TABLE_HEADER_ROW)
    sheet.sheet.set_column(0, 0, 18)
    sheet.sheet.set_column(1, len(book.scheme.impact_areas), 28)
    sheet.setup_print((L.TABLE_HEADER_ROW, L.TABLE_HEADER_ROW))


def write_criteria_tables(sheet: SheetWriter, book: Book, row: int) -> int:
    """The impact, likelihood and band tables of the scheme from row on; returns the next free row."""
    scheme = book.scheme
    cell, number, label = book.fmt("cell"), book.fmt("number"), book.fmt("label")
    values = sorted(scheme.impact_scale.values, reverse=True)
    areas = scheme.impact_areas
    sheet.text(row - 1, 0, "Impact", book.fmt("bold"))
    _table(sheet, "ImpactCriteria", row, 0, row + len(values), ["Impact", *[a.name for a in areas]])
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, f"{value} {scheme.impact_label(value)}", label)
        for col, area in enumerate(areas, start=1):
            sheet.text(offset, col, area.descriptors.get(value, ""), cell)
        sheet.sheet.set_row(offset, max((text_height(a.descriptors.get(value, ""), 31) for a in areas), default=15))
    row += len(values) + 3
    values = sorted(scheme.likelihood_scale.values, reverse=True)
    sheet.text(row - 1, 0, "Likelihood", book.fmt("bold"))
    _table(sheet, "LikelihoodCriteria", row, 0, row + len(values), ["Likelihood", "Score", scheme.likelihood_heading])
    for offset, value in enumerate(values, start=row + 1):
        sheet.text(offset, 0, scheme.likelihood_label(value), label)
        sheet.number(offset, 1, value, number)
        sheet.text(offset, 2, scheme.likelihood_descriptors.get(value, ""), cell)
    row += len(values) + 3
    sheet.text(row - 1, 0, f"Overall risk rating: {scheme.score_rule}", book.fmt("bold"))
    _table(sheet, "ScoreBands", row, 0, row + len(scheme.bands), ["Risk score", "Rating", "Review"])
    for offset, band in enumerate(scheme.bands, start=row + 1):
        sheet.text(offset, 0, f"{band.min}–{band.max}", label)
        sheet.text(offset, 1, band.name, book.fmt(f"band:{band.name}"))
        months = band.review_months
        sheet.text(offset, 2, "Monthly" if months == 1 else f"{months} monthly", cell)
    return row + len(scheme.bands) + 1
