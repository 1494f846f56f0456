"""The owners' round trip: template --from keeps every field, the template knows its scheme, never
argues with itself, and its table's totals row is not a risk."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from riskbook import read_register, validate
from riskbook.cli import cli
from riskbook.model import Register
from riskbook.read.values import PartialDate
from tests.helpers import EXAMPLES, recalculation_mismatches, risk_row, run_cli

SCHEMES = Path(__file__).resolve().parent.parent / "workbook_templates"
AS_OF = dt.date(2024, 6, 30)  # the other organisations' examples validate clean on this day
# Each example register with the scheme it is scored under.
EXAMPLE_REGISTERS = [
    ("force-risk-register-jan-2024.xlsx", "scheme-4x4.toml"),
    ("force-risk-register-apr-2024.xlsx", "scheme-4x4.toml"),
    ("iso27001-risk-register.xlsx", "scheme-5x5-words.toml"),
    ("project-risk-register.xlsx", "scheme-3x3.toml"),
    ("nhs-risk-register.csv", "scheme-nhs-5x5.toml"),
]


run = run_cli  # the one CLI runner, tests/helpers.py


def make_template(tmp_path: Path, source: Path, *args: str, name: str = "template.xlsx") -> Path:
    out = tmp_path / name
    result = run("template", "-o", out, "--from", source, *args)
    assert result.exit_code == 0, result.output
    return out


def _fields(register: Register, risk, names) -> dict[str, object]:
    """Every field by name, as read (an unreadable cell as typed), and the extras."""
    fields = {}
    for name in names:
        value = risk.get(name)
        fields[name] = value if value is not None else (risk.invalid[name].raw if name in risk.invalid else None)
    fields.update({f"extra:{k}": v for k, v in risk.extras.items() if k != "Next Review (computed)"})
    return fields


def _month_as_written(header: str, value):
    if isinstance(value, PartialDate) and value.day is None:
        day = value.earliest if header == "first_recorded" else value.latest
        return PartialDate(day.year, day.month, day.day)
    return value


def _finding_keys(register: Register, findings) -> list[tuple]:
    """Findings as a user compares them: severity, code, reference and the header of the cell's column."""
    letters = {re.sub(r"\d", "", f.cell) for f in findings}
    by_letter = {}
    for letter in letters:
        col = openpyxl.utils.column_index_from_string(letter) - 1 if letter else None
        headers = dict(register.columns.items())
        name = next((n for n, c in headers.items() if c == col), None)
        by_letter[letter] = register.column_headers.get(name) if name else dict(register.extra_columns).get(col)
    return sorted((f.severity, f.code, f.reference, by_letter[re.sub(r"\d", "", f.cell)]) for f in findings)


@pytest.mark.parametrize(("example", "scheme"), EXAMPLE_REGISTERS)
def test_every_field_of_each_example_survives_template_from_and_validates_the_same(tmp_path, example, scheme):
    source_path, scheme_path = EXAMPLES / example, SCHEMES / scheme
    out = make_template(tmp_path, source_path, "--scheme", scheme_path)
    source = read_register(source_path, scheme=scheme_path)
    template = read_register(out)  # under the scheme it records
    assert template.scheme.toml == source.scheme.toml and template.scheme_origin == "the workbook"
    # Every column the register has, under its own header, in its order (Next Review computed beside).
    own = [h for h in source.headers if h]
    added = {"Next Review", "Next Review (computed)", "Score"} - set(own)
    assert [h for h in template.headers if h and h not in added] == own
    assert len(template.risks) == len(source.risks)
    for before, after in zip(source.risks, template.risks, strict=True):
        expected = {k: _month_as_written(k, v) for k, v in _fields(source, before, source.columns).items()}
        assert _fields(template, after, source.columns) == expected
    before_findings = validate(source, as_of=AS_OF).findings
    after_findings = validate(template, as_of=AS_OF).findings
    assert _finding_keys(template, after_findings) == _finding_keys(source, before_findings)


def test_iso_register_keeps_treatment_inherent_set_rating_and_its_stated_review_date(tmp_path):
    source = EXAMPLES / "iso27001-risk-register.xlsx"
    out = make_template(tmp_path, source, "--scheme", SCHEMES / "scheme-5x5-words.toml")
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    row = {c.value: ws.cell(2, c.column).value for c in ws[1]}
    assert row["Treatment"] == "Reduce: offline backups, EDR on every server"
    assert (row["Inherent Likelihood"], row["Inherent Impact"], row["Inherent Score"]) == ("Likely", "Catastrophic", 20)
    assert row["Residual Rating"] == "Amber"
    assert row["Review Date"] == dt.datetime(2024, 7, 3)  # as stated, not replaced by the formula's
    assert row["Next Review (computed)"] == dt.datetime(2024, 9, 3)  # the computed one, beside it
    formulas = openpyxl.load_workbook(out)["Register"]
    inherent = next(c for c in formulas[1] if c.value == "Inherent Score").column
    assert "Risks[[#This Row],[Inherent Impact]]" in formulas.cell(2, inherent).value


def test_html_made_plain_is_said_once_per_column(tmp_path):
    result = run("template", "-o", tmp_path / "t.xlsx", "--from", EXAMPLES / "force-risk-register-jan-2024.xlsx")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "Update: 17 cells of HTML markup written as the plain text riskbook reads (STR0278, STR0081, STR0423, …)"
        in lines
    )
    assert any(line.startswith("Additional Control(s): 7 cells of HTML markup") for line in lines)  # its own header


def test_scale_words_read_through_aliases_are_listed_as_statuses_are(tmp_path):
    out = tmp_path / "t.xlsx"
    args = ["--scheme", SCHEMES / "scheme-5x5-words.toml"]
    result = run("template", "-o", out, "--from", EXAMPLES / "iso27001-risk-register.xlsx", *args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "R-002: impact 'Cymedrol' written as 'Moderate'" in lines
    assert "R-002: likelihood 'Posibl' written as 'Possible'" in lines
    assert not any(line.startswith("R-001:") for line in lines)  # labels as the scheme spells them: nothing to say


def test_a_level_off_the_target_scheme_is_refused_and_nothing_written(tmp_path):
    out = tmp_path / "t.xlsx"
    result = run("template", "-o", out, "--from", EXAMPLES / "iso27001-risk-register.xlsx")
    assert result.exit_code == 1
    assert "likelihood 'Possible' is not on the scale" in result.output
    assert "Nothing written: 15 values" in result.output and "--scheme" in result.output
    assert not out.exists()


def test_month_only_dates_become_real_dates_each_field_said_once(make_register, tmp_path):
    path = make_register([risk_row(first="Sept 2021", last="May 2023"), risk_row("STR0002", last="Jan 2024")])
    result = run("template", "-o", tmp_path / "t.xlsx", "--from", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "Last Review: 2 month-only dates written as the month's last day, the text kept in the cell's note "
        "(STR0001 'May 2023' → 31/05/2023, STR0002 'Jan 2024' → 31/01/2024)" in lines
    )
    assert any(line.startswith("First Recorded: 2 month-only dates written as the month's first day") for line in lines)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Register"]
    assert ws["H2"].value == dt.datetime(2023, 5, 31) and "May 2023" in ws["H2"].comment.text


# -- The template records its scheme ----------------------------------------------------------------


@pytest.fixture
def five_template(tmp_path):
    return make_template(
        tmp_path, EXAMPLES / "iso27001-risk-register.xlsx", "--scheme", SCHEMES / "scheme-5x5-words.toml"
    )


def test_validate_reads_a_template_under_the_scheme_it_records_and_says_so(five_template):
    result = CliRunner().invoke(cli, ["validate", str(five_template), "--as-of", "2024-06-30"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "5 risks · 0 errors · 0 warnings"
    assert result.stderr == (
        f"Scheme: Public-sector risk matrix (5 × 5, words per axis), recorded in {five_template} (no --scheme given)\n"
    )
    as_json = CliRunner().invoke(cli, ["validate", str(five_template), "--as-of", "2024-06-30", "--format", "json"])
    data = json.loads(as_json.stdout)
    assert data["scheme"] == {"name": "Public-sector risk matrix (5 × 5, words per axis)", "from": "the workbook"}
    given = CliRunner().invoke(
        cli, ["validate", str(five_template), "--format", "json", "--scheme", str(SCHEMES / "scheme-4x4.toml")]
    )
    assert json.loads(given.stdout)["scheme"]["from"].endswith("scheme-4x4.toml") and given.stderr == ""


def test_build_and_template_from_use_the_recorded_scheme(five_template, tmp_path):
    built = run("build", five_template, "-o", tmp_path / "panel.xlsx", "--as-of", "2024-06-30")
    assert built.exit_code == 0, built.output
    again = run("template", "-o", tmp_path / "again.xlsx", "--from", five_template)
    assert again.exit_code == 0, again.output
    assert "recorded in" in again.output
    second = read_register(tmp_path / "again.xlsx")
    assert second.scheme.name == "Public-sector risk matrix (5 × 5, words per axis)"
    # A template from a template: the computed columns are computed again, not carried as stated values.
    assert [h for h in second.headers if h] == [h for h in read_register(five_template).headers if h]


# -- Computed cells never produce findings of their own ---------------------------------------------


def test_check_date_is_reported_once_on_the_last_review_cell_that_caused_it(make_register, tmp_path):
    path = make_register([risk_row(last="TBC"), risk_row("STR0002", last="15/01/2024")])
    before = validate(read_register(path), as_of=dt.date(2024, 1, 16))
    out = make_template(tmp_path, path)
    ws = openpyxl.load_workbook(out, data_only=True)["Register"]
    due = next(c.column_letter for c in ws[1] if c.value == "Next Review")
    assert ws[f"{due}2"].value == "Check date"
    after = validate(read_register(out), as_of=dt.date(2024, 1, 16))
    assert [(f.code, f.cell) for f in after.findings] == [(f.code, f.cell) for f in before.findings]
    assert [(f.code, f.cell) for f in after.findings if f.code == "bad-date"] == [("bad-date", "H2")]
    result = run("build", out, "-o", tmp_path / "panel.xlsx", "--as-of", "2024-01-16")
    assert f"{due}2" not in result.output


# -- A table's totals row is not a risk ----------------------------------------------------------------


def _with_total_row(template: Path, out: Path) -> Path:
    """The template after Table Design → Total Row in Excel: totalsRowCount, "Total" and SUBTOTAL(109,…)."""
    with zipfile.ZipFile(template) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    table = parts["xl/tables/table1.xml"].decode()
    ref = re.search(r'ref="A1:([A-Z]+)(\d+)"', table)
    last_col, last_row = ref.group(1), int(ref.group(2))
    total_row = last_row + 1
    table = table.replace(f'ref="A1:{last_col}{last_row}"', f'ref="A1:{last_col}{total_row}" totalsRowCount="1"', 1)
    table = table.replace(f'<autoFilter ref="A1:{last_col}{total_row}"', f'<autoFilter ref="A1:{last_col}{last_row}"')
    table = table.replace('name="Reference"', 'name="Reference" totalsRowLabel="Total"', 1)
    table = re.sub(r'(<tableColumn id="\d+" name="Score")', r'\1 totalsRowFunction="sum"', table, count=1)
    parts["xl/tables/table1.xml"] = table.encode()
    strings = parts["xl/sharedStrings.xml"].decode()
    count = int(re.search(r'uniqueCount="(\d+)"', strings).group(1))
    strings = re.sub(r'count="(\d+)"', lambda m: f'count="{int(m.group(1)) + 1}"', strings, count=1)
    strings = strings.replace(f'uniqueCount="{count}"', f'uniqueCount="{count + 1}"')
    strings = strings.replace("</sst>", "<si><t>Total</t></si></sst>")
    parts["xl/sharedStrings.xml"] = strings.encode()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    scores = [int(v) for v in re.findall(r'<c r="I\d+" [^>]*><f>[^<]*</f><v>(\d+)</v>', sheet)]
    row = (
        f'<row r="{total_row}"><c r="A{total_row}" s="1" t="s"><v>{count}</v></c>'
        f'<c r="I{total_row}" s="1"><f>SUBTOTAL(109,Risks[Score])</f><v>{sum(scores)}</v></c></row>'
    )
    sheet = sheet.replace("</sheetData>", row + "</sheetData>")
    sheet = re.sub(r'<dimension ref="A1:[A-Z]+\d+"/>', f'<dimension ref="A1:{last_col}{total_row}"/>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return out


def test_an_excel_table_total_row_is_not_a_risk(make_register, tmp_path):
    path = make_register([risk_row(), risk_row("STR0002")])
    template = make_template(tmp_path, path)
    totals = _with_total_row(template, tmp_path / "with-total.xlsx")
    ws = openpyxl.load_workbook(totals)["Register"]
    assert ws["A5"].value == "Total" and ws["I5"].value == "=SUBTOTAL(109,Risks[Score])"  # below the empty row
    assert ws.tables["Risks"].totalsRowCount == 1
    register = read_register(totals)
    assert [r.reference for r in register.risks] == ["STR0001", "STR0002"]
    result = run("validate", totals, "--as-of", "2024-02-01")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("2 risks · 0 errors · 0 warnings")


# -- Printable ----------------------------------------------------------------------------------------


def test_register_prints_a4_landscape_at_nine_points_with_reference_and_title_on_every_page(tmp_path):
    out = make_template(tmp_path, EXAMPLES / "force-risk-register-jan-2024.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb["Register"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.scale == 90 and not ws.sheet_properties.pageSetUpPr.fitToPage  # 10 pt prints at 9 pt
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$C"  # Reference, Owner, Title
    assert ws.page_setup.pageOrder == "overThenDown"  # a risk's narrative follows its page
    instructions = wb["Instructions"]
    assert instructions.page_setup.scale in (None, 100) and not instructions.sheet_properties.pageSetUpPr.fitToPage


# -- Through LibreOffice -------------------------------------------------------------------------------


@pytest.mark.parametrize(("example", "scheme"), EXAMPLE_REGISTERS[2:])
@pytest.mark.libreoffice
def test_templates_of_other_shapes_recalculate_to_their_stored_values(tmp_path, recalc_profile, example, scheme):
    out = make_template(tmp_path, EXAMPLES / example, "--scheme", SCHEMES / scheme)
    outdir = tmp_path / "recalculated"
    outdir.mkdir()
    assert recalculation_mismatches(out, outdir, recalc_profile) == []


@pytest.mark.libreoffice
def test_the_recorded_scheme_survives_a_libreoffice_save(five_template, tmp_path, recalc_profile):
    from tests.helpers import convert_with_libreoffice

    outdir = tmp_path / "saved"
    outdir.mkdir()
    copy = shutil.copy(five_template, tmp_path / "owner.xlsx")
    saved = convert_with_libreoffice(Path(copy), "xlsx:Calc MS Excel 2007 XML", outdir, recalc_profile)
    register = read_register(saved)
    assert register.scheme_origin == "the workbook"
    assert register.scheme.name == "Public-sector risk matrix (5 × 5, words per axis)"
    assert validate(register, as_of=AS_OF).findings == []


@pytest.mark.libreoffice
def test_printed_register_keeps_owner_columns_on_page_one_and_reference_and_title_on_every_page(
    tmp_path, recalc_profile
):
    import statistics

    from tests.helpers import convert_with_libreoffice
    from tests.test_panel_print import FOOTER_BAND, HEADER_BAND, pdf_pages

    out = make_template(tmp_path, EXAMPLES / "force-risk-register-jan-2024.xlsx")
    outdir = tmp_path / "printed"
    outdir.mkdir()
    pages = pdf_pages(convert_with_libreoffice(out, "pdf", outdir, recalc_profile))
    register = [p for p in pages if p["sheet"].startswith("Register")]
    first = " ".join(register[0]["body"])
    for header in ("Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "Last review", "STR0278"):
        assert header in first
    assert "Information" not in first  # the narrative continues on the following pages
    narrative = next(p for p in register if "Information" in p["body"])
    assert {"Reference", "Title", "STR0278"} <= set(narrative["body"])  # print titles repeat
    for page in pages:
        heights = [h for _, top, h in page["words"] if HEADER_BAND < top < FOOTER_BAND]
        assert statistics.median(heights) >= 10.8, page["sheet"]  # 9 pt type or more, Instructions too


@pytest.mark.libreoffice
def test_lists_reach_below_the_table_without_printing_blank_rows(tmp_path, recalc_profile):
    """LibreOffice does not grow the table: a risk typed below it still gets dropdowns and colours, and the
    rows they reach print nothing (no cell holds them)."""
    from tests.helpers import convert_with_libreoffice
    from tests.test_panel_print import pdf_pages

    out = tmp_path / "blank.xlsx"
    assert run("template", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["Register"]
    assert ws.max_row == 2
    lists = {str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "D2:D502" in lists
    outdir = tmp_path / "printed"
    outdir.mkdir()
    pages = pdf_pages(convert_with_libreoffice(out, "pdf", outdir, recalc_profile))
    register = [p for p in pages if p["sheet"].startswith("Register")]
    assert all(p["body"][0] == "Reference" for p in register)  # each page is the header row and the empty row
    assert len(register) <= 9  # one page per group of columns: no page of blank rows below


def _owner_table(path: Path, computed: bool) -> Path:
    """An owner's own Excel table whose Next Review is a calculated column (or typed), showing "TBD"."""
    import xlsxwriter

    from tests.helpers import HEADER

    workbook = xlsxwriter.Workbook(path)
    ws = workbook.add_worksheet("Register")
    rows = [[*risk_row(last="TBC"), "TBD"], [*risk_row("STR0002", last="15/01/2024"), "TBD"]]
    columns = [{"header": h} for h in [*HEADER, "Next Review"]]
    if computed:
        columns[-1]["formula"] = '=IF(ISNUMBER([@[Last Review]]),EDATE([@[Last Review]],3),"TBD")'
    ws.add_table(0, 0, len(rows), len(columns) - 1, {"name": "Owners", "columns": columns})
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row[:-1]):
            ws.write(r, c, value)
        if computed:
            ws.write_formula(r, len(row) - 1, columns[-1]["formula"], None, "TBD")
        else:
            ws.write_string(r, len(row) - 1, "TBD")
    workbook.close()
    return path


def test_a_calculated_column_of_an_excel_table_gives_no_finding_of_its_own(tmp_path):
    computed = read_register(_owner_table(tmp_path / "computed.xlsx", computed=True))
    typed = read_register(_owner_table(tmp_path / "typed.xlsx", computed=False))
    assert computed.computed == frozenset({"next_review"}) and typed.computed == frozenset()
    as_of = dt.date(2024, 1, 16)
    assert [(f.code, f.cell) for f in validate(typed, as_of=as_of).findings if f.code == "bad-date"] == [
        ("bad-date", "H2"), ("bad-date", "K2"), ("bad-date", "K3")
    ]  # fmt: skip
    assert [(f.code, f.cell) for f in validate(computed, as_of=as_of).findings if f.code == "bad-date"] == [
        ("bad-date", "H2")
    ]
