"""The pre-parse scan: no spelling of a sheet's XML walks round the extent guard, and Excel's stored forms read right.

Every workbook here is written part by part by tests/hostile/packages.py. The hostile ones run
in a child process limited to 2 GB of address space with a timeout: a reader that tries to
allocate the rectangle would abort (SIGABRT) or be killed; riskbook must answer exit 2 with one line.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from riskbook import read_register, validate
from riskbook.source import package, scan_exact, scan_fast, sheet_scan
from tests.helpers import AS_OF, CLEAN_EXAMPLE, computed
from tests.helpers import run_cli_limited as run_limited
from tests.hostile.packages import (
    HEADER,
    MAIN_NS,
    ROW,
    col_name,
    ods_cell,
    ods_content,
    ods_row,
    register_rows,
    text_row,
    workbook,
    worksheet,
    write_ods_parts,
    write_xlsx_parts,
)


def refused(result, message: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def far_cell(ref: str = 'r="ZZ1048576"', row: str = 'r="1048576"') -> str:
    return f"<row {row}><c {ref}><v>1</v></c></row>"


def hostile_xlsx(tmp_path: Path, sheet_data: str, name: str = "hostile.xlsx", **kwargs) -> Path:
    return write_xlsx_parts(tmp_path / name, worksheet(register_rows("") + sheet_data), **kwargs)


# -- Item 1: the extent guard cannot be walked round ---------------------------------------------


@pytest.mark.slow
def test_padding_after_the_far_row_does_not_hide_it(tmp_path):
    path = hostile_xlsx(tmp_path, far_cell() + " " * 200_000)
    refused(run_limited("validate", path), "sheet 'Register' reaches ZZ1048576 (736,100,352 cells")


@pytest.mark.parametrize(
    "ref",
    ["r='ZZ1048576'", 'r="zz1048576"', 'r = "ZZ1048576"', "s=\"0\" r='Zz1048576'"],
    ids=["single-quotes", "lower-case", "spaces", "r-not-first"],
)
@pytest.mark.slow
def test_any_spelling_of_the_reference_is_read(tmp_path, ref):
    refused(run_limited("validate", hostile_xlsx(tmp_path, far_cell(ref))), "reaches ZZ1048576")


@pytest.mark.slow
def test_cells_and_rows_without_r_are_placed_as_calamine_places_them(tmp_path):
    cells = "<c><v>1</v></c>" * 702  # the 702nd cell of the row is column ZZ
    path = hostile_xlsx(tmp_path, f'<row r="1048576">{cells}</row>')
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_a_cell_naming_a_row_beyond_its_own_row_element_is_found(tmp_path):
    path = hostile_xlsx(tmp_path, '<row r="3"><c r="C6666666"><v>1</v></c></row>' + text_row(4, ROW))
    refused(run_limited("validate", path), "reaches I6666666")


@pytest.mark.slow
def test_a_far_cell_out_of_order_among_many_rows_is_found(tmp_path):
    rows = "".join(text_row(r, ROW) for r in range(3, 30_000))  # several scan chunks
    path = hostile_xlsx(tmp_path, '<row r="2"><c r="A2"/><c r="ZZ1048576"><v>1</v></c></row>' + rows)
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_empty_cells_far_away_do_not_count_as_calamine_leaves_them_out(tmp_path):
    path = hostile_xlsx(tmp_path, '<row r="1048576" ht="30" customHeight="1"><c r="XFD1048576" s="1"/></row>')
    result = run_limited("validate", path, "--as-of", "2024-01-16", "--format", "json")
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_quoted_greater_than_sign_does_not_end_the_tag(tmp_path):
    path = hostile_xlsx(
        tmp_path, '<row r="1048576"><c r="ZZ1048576" x="/>"><v>1</v></c><c x=">" r="ZZ5"><v>1</v></c></row>'
    )
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.parametrize("hostile_first", [True, False])
@pytest.mark.slow
def test_every_entry_of_a_duplicated_name_is_scanned(tmp_path, hostile_first):
    import warnings

    path = hostile_xlsx(tmp_path, "")
    far = worksheet(register_rows("") + far_cell())
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as zf:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name, which is the point
        benign = zf.read("xl/worksheets/sheet1.xml")
        zf.writestr("xl/worksheets/sheet1.xml", benign if hostile_first else far)
    if hostile_first:  # rewrite so that the far sheet comes first
        with zipfile.ZipFile(path) as zf:
            parts = [
                (info.filename, zf.read(info)) for info in zf.infolist() if info.filename != "xl/worksheets/sheet1.xml"
            ]
        with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            warnings.simplefilter("ignore")
            zf.writestr("xl/worksheets/sheet1.xml", far)
            for name, data in parts:
                zf.writestr(name, data)
            zf.writestr("xl/worksheets/sheet1.xml", benign)
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.parametrize(
    "hide",
    ['<!-- <row r="1"> -->', '<?pi <row r="1"> ?>', "<![CDATA[x]]>"],
    ids=["comment", "processing-instruction", "cdata"],
)
@pytest.mark.slow
def test_markup_that_parsers_skip_does_not_move_positions(tmp_path, hide):
    cells = "<c><v>1</v></c>" * 702
    path = hostile_xlsx(tmp_path, f'<row r="1048576">{hide}{cells}</row>')
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_rows_and_cells_inside_a_cell_do_not_move_positions(tmp_path):
    cells = "<c><v>1</v></c>" * 701
    path = hostile_xlsx(tmp_path, f'<row r="1048576"><c r="A5"><row r="1"/><c r="A1"/><v>1</v></c>{cells}</row>')
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_a_prefixed_far_cell_is_found(tmp_path):
    sheet = worksheet(
        register_rows("", prefix="x") + '<x:row r="1048576"><x:c r="ZZ1048576"><x:v>1</x:v></x:c></x:row>', prefix="x"
    )
    path = write_xlsx_parts(tmp_path / "sdk.xlsx", sheet, workbook_xml=workbook(prefix="x"))
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_a_relationship_target_in_another_case_is_still_scanned(tmp_path):
    path = hostile_xlsx(tmp_path, far_cell(), rels_target="Worksheets/SHEET1.xml")
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_a_decoy_mimetype_and_content_xml_do_not_skip_the_scan(tmp_path):
    decoy = {"mimetype": package._ODS_MIMETYPE, "content.xml": ods_content(ods_row(ods_cell("x")))}
    path = hostile_xlsx(tmp_path, far_cell(), extra=decoy)
    refused(run_limited("validate", path), "reaches ZZ1048576")


@pytest.mark.slow
def test_the_previous_file_is_scanned_too(tmp_path):
    hostile = hostile_xlsx(tmp_path, far_cell("r='ZZ1048576'"))
    result = run_limited(
        "build", CLEAN_EXAMPLE, "-o", tmp_path / "panel.xlsx", "--as-of", "2024-01-16", "--previous", hostile
    )
    refused(result, "reaches ZZ1048576")
    assert not (tmp_path / "panel.xlsx").exists()


# -- Item 14: the limit is what reading costs -----------------------------------------------------


@pytest.mark.slow
def test_a_sparse_sheet_under_the_old_cell_limit_but_over_the_memory_limit_is_refused(tmp_path):
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="6666666"><c r="C6666666"><v>1</v></c></row>'
    path = write_xlsx_parts(tmp_path / "sparse.xlsx", worksheet(rows))
    assert path.stat().st_size < 5_000
    refused(run_limited("validate", path), "sheet 'Register' reaches C6666666 (19,999,998 cells, about 1,280 MB")


DIGITS = "1" * 5_000  # past Python's 4,300-digit limit for turning text into an int


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (f'<row r="2"><c r="A{DIGITS}"><v>1</v></c></row>', "sheet 'Register' reaches"),
        (f'<row r="{DIGITS}"><c r="A2"><v>1</v></c><c r="B{DIGITS}"><v>1</v></c></row>', "sheet 'Register' reaches"),
        (f'<row r="2"><c r="{"A" * 5_000}2"><v>1</v></c></row>', "sheet 'Register' reaches"),
        (f'<row r="2"><c r="A2" t="s"><f>1</f><v>{DIGITS}</v></c></row>', "sheet 'Register' is damaged"),
        (f'<row r="2"><c r="A2" t="s"><v>{DIGITS}</v></c></row>', "sheet 'Register' is damaged"),
        (f'<cols><col min="1" max="{DIGITS}" hidden="1"/></cols><row r="2"><c r="A2"><v>1</v></c></row>', None),
    ],
    ids=["row-in-reference", "row-number", "column-letters", "shared-index-after-formula", "shared-index", "cols"],
)
@pytest.mark.slow
def test_numbers_of_thousands_of_digits_are_refused_in_one_line_or_read(tmp_path, rows, message):
    path = write_xlsx_parts(tmp_path / "digits.xlsx", worksheet(text_row(1, HEADER) + rows))
    result = run_limited("validate", path, "--as-of", "2024-01-16")
    if message is None:
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr[-2000:]
    else:
        refused(result, message)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A{r}" t="s"><v>{index}</v></c>',
        '<c r="A{r}" t= "s"><v>{index}</v></c>',  # spaced: the fast paths once passed these over
        "<c r='A{r}' t='s'><v>{index}</v></c>",
        '<c r="A{r}" t="s" s="1"><v>{index}</v></c>',  # t before another attribute
        '<c r="A{r}" s="1" t="s"><v>00000000000{index}</v></c>',  # more digits than one 8-byte word
        '<c r="A{r}" t="s"><v>{index}</v></c><c r="B{r}" t="inlineStr"><is><t>a &gt; b > c</t></is></c>',
        '<c r="A{r}" t= "s"><v>{index}</v></c><c r="B{r}" t="inlineStr"><is><t>b > c</t></is></c>',
        '<c r="A{r}" t="s"><f>1</f><v>{index}</v></c>',  # a formula before the value: calamine reads it all the same
    ],
    ids=[
        "plain",
        "spaced",
        "single-quoted",
        "t-first",
        "long-index",
        "gt-in-text",
        "spaced-gt-in-text",
        "formula-before-value",
    ],
)
@pytest.mark.slow
def test_one_long_shared_string_in_many_cells_is_counted_by_its_copies(tmp_path, cell):
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}"><si><t/></si><si><t>short</t></si>'
        f"<si><t>{'x' * 32_000}</t></si></sst>"
    )  # the empty string keeps its index too: index 2 is the long one
    rows = "".join(f'<row r="{r}">' + cell.format(r=r, index="0" * (r % 7) + "2") + "</row>" for r in range(2, 60_002))
    path = write_xlsx_parts(tmp_path / "copies.xlsx", worksheet(text_row(1, HEADER) + rows), shared_strings=sst)
    assert path.stat().st_size < 600_000  # 1.9 GB of text once read, twice over
    refused(run_limited("validate", path), "MB of repeated shared text")


@pytest.mark.parametrize("prefix", ["", "x:"], ids=["plain", "prefixed"])
@pytest.mark.slow
def test_a_long_shared_string_past_the_first_megabytes_of_the_table_is_counted(tmp_path, prefix):
    many = "".join(f"<{prefix}si><{prefix}t>string {i}</{prefix}t></{prefix}si>" for i in range(400_000))
    long = f"<{prefix}si><{prefix}t>{'x' * 32_000}</{prefix}t></{prefix}si>"  # index 400,000, some 14 MB in
    namespace = f'xmlns:x="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    sst = f'<?xml version="1.0" encoding="UTF-8"?><{prefix}sst {namespace}>{many}{long}</{prefix}sst>'
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>400000</v></c></row>' for r in range(2, 60_002))
    path = write_xlsx_parts(tmp_path / "far.xlsx", worksheet(text_row(1, HEADER) + rows), shared_strings=sst)
    refused(run_limited("validate", path), "MB of repeated shared text")


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_shared_string_lengths_do_not_depend_on_where_the_reads_are_cut(tmp_path, monkeypatch, chunk):
    from riskbook.source import scan

    items = ['<si><t>a</t></si>', "<x:si><x:t>bb</x:t></x:si>", "<si ><t>ccc</t></si>", "<si/>", "<si>"
             "<r><t>d:si e</t></r></si>", "<!-- <si> --><si><t><![CDATA[<si>]]></t></si>", "<si><t>f</t></si>"]  # fmt: skip
    sst = f'<sst xmlns="{MAIN_NS}" xmlns:x="{MAIN_NS}">' + "".join(items) + "</sst>"
    path = write_xlsx_parts(tmp_path / "cut.xlsx", worksheet(text_row(1, HEADER)), shared_strings=sst)
    with zipfile.ZipFile(path) as zf:
        entry = zf.getinfo("xl/sharedStrings.xml")
        whole = scan._shared_string_lengths(zf, entry, 100).tolist()
        monkeypatch.setattr(scan, "CHUNK", chunk)
        assert scan._shared_string_lengths(zf, entry, 100).tolist() == whole
        assert scan._shared_string_lengths(zf, entry, 2).tolist()[:3] == whole[:3]
    assert len(whole) == len(items)


def test_real_registers_pass_the_limit():
    # 100,000 risks by 25 columns come in a file of megabytes; even a 100 KB file may hold 2,000 by 30
    package.check_read_cost("r.xlsx", "Register", 100_001, 25, "xlsx", budget=package.read_budget(3_000_000))
    package.check_read_cost("r.ods", "Register", 100_001, 25, "ods", budget=package.read_budget(3_000_000))
    package.check_read_cost("r.xlsx", "Register", 2_001, 30, "xlsx", budget=package.read_budget(0))
    package.check_read_cost("r.xlsx", "Register", 1_048_576, 26, "xlsx")  # every row Excel has, A to Z, from 0.5 MB


@pytest.mark.slow
def test_a_wide_sparse_sheet_within_the_limit_is_read(tmp_path):
    path = hostile_xlsx(tmp_path, '<row r="200000"><c r="Z200000"><v>1</v></c></row>')
    result = run_limited("validate", path, "--as-of", "2024-01-16", "--format", "json")
    assert result.returncode in (0, 1) and '"risks"' in result.stdout, result.stderr  # read, not refused


# -- Item 4: OpenDocument repeats -------------------------------------------------------------------


def ods_register(extra_rows: str) -> str:
    header = "".join(ods_cell(h) for h in HEADER)
    risk = "".join(ods_cell(v) for v in ROW) + ods_cell("12")
    return ods_content(ods_row(header) + ods_row(risk) + extra_rows)


@pytest.mark.parametrize(("columns", "rows"), [(20, 1_000_000), (1, 10**15), (10**15, 1)])
@pytest.mark.slow
def test_ods_repeats_are_counted(tmp_path, columns, rows):
    path = write_ods_parts(tmp_path / "repeats.ods", ods_register(ods_row(ods_cell("x", columns), repeat=rows)))
    assert path.stat().st_size < 2_000
    refused(run_limited("validate", path, timeout=30), "refusing workbooks that need more than")


@pytest.mark.parametrize(
    "row",
    [
        '<table:table-row x=">" table:number-rows-repeated="1000000">',
        "<table:table-row table:number-rows-repeated='1000000'>",
        '<table:table-row table:number-rows-repeated="&#49;000000">',
        '<table:table-row table:number-rows-repeated="+1000000">',
    ],
    ids=["quoted-greater-than", "single-quotes", "character-reference", "plus-sign"],
)
@pytest.mark.slow
def test_ods_repeats_in_any_spelling_are_counted(tmp_path, row):
    content = ods_register(row + ods_cell("x", 20) + "</table:table-row>")
    refused(
        run_limited("validate", write_ods_parts(tmp_path / "r.ods", content), timeout=30),
        "refusing workbooks that need more than",
    )


@pytest.mark.slow
def test_ods_markup_that_parsers_skip_does_not_start_a_row(tmp_path):
    row = '<!-- <table:table-row> --><table:table-row table:number-rows-repeated="1000000">'
    content = ods_register(row + ods_cell("x", 20) + "</table:table-row>")
    refused(
        run_limited("validate", write_ods_parts(tmp_path / "r.ods", content), timeout=30),
        "refusing workbooks that need more than",
    )


@pytest.mark.slow
def test_ods_repeated_long_text_is_counted_by_its_length(tmp_path):
    text = "x" * 30_000  # 2,000 cells of it would take 120 MB; 100 by 100 of them, 600 MB more
    row = ods_row(ods_cell(text, 100), repeat=100)
    path = write_ods_parts(tmp_path / "text.ods", ods_register(row + row + row))
    assert path.stat().st_size < 10_000
    refused(run_limited("validate", path, timeout=30), "MB of repeated or expanded text")


@pytest.mark.slow
def test_ods_repeats_in_a_second_table_count_too(tmp_path):
    second = '</table:table><table:table table:name="Other">' + ods_row(ods_cell("x", repeat=500), repeat=100_000)
    path = write_ods_parts(tmp_path / "two.ods", ods_register(second))
    refused(run_limited("validate", path, timeout=30), "refusing workbooks that need more than")


@pytest.mark.slow
def test_ods_empty_repeats_after_the_last_value_are_ignored_as_calamine_ignores_them(tmp_path):
    tail = ods_row('<table:table-cell table:number-columns-repeated="16384"/>', repeat=1_048_570)
    path = write_ods_parts(tmp_path / "libreoffice.ods", ods_register(tail))
    result = run_limited("validate", path, "--as-of", "2024-01-16", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert computed(read_register(path).risks[0]) == 12


# -- Items 8 and the round trip: Excel's stored forms -------------------------------------------------


def findings(path: Path) -> list[tuple[str, str, str]]:
    return [(f.code, f.cell, f.message) for f in validate(read_register(path), as_of=AS_OF).findings]


def codes(path: Path) -> list[tuple[str, str]]:
    return [(code, cell) for code, cell, _ in findings(path)]


def score_cell_workbook(tmp_path: Path, cell: str, prefix: str = "", row_attrs: str = "") -> Path:
    return write_xlsx_parts(
        tmp_path / "forms.xlsx",
        worksheet(register_rows(cell, prefix, row_attrs), prefix=prefix),
        workbook_xml=workbook(prefix=prefix),
    )


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="I2"><f>D2*E2</f><v>12</v></c>',
        '<c r="I2"><f t="shared" ref="I2:I3" si="0">D2*E2</f><v>12</v></c>',
        '<c r="I2"><f t="array" ref="I2">D2*E2</f><v>12</v></c>',
        "<c r='I2'><f>D2*E2</f><v>12</v></c>",
    ],
    ids=["plain", "shared-master", "array", "single-quotes"],
)
def test_formulas_with_saved_results_read_as_their_values(tmp_path, cell):
    path = score_cell_workbook(tmp_path, cell)
    assert computed(read_register(path).risks[0]) == 12
    assert codes(path) == []


def test_shared_formula_dependents_carry_their_own_values(tmp_path):
    rows = (
        text_row(1, HEADER)
        + text_row(2, ROW).replace("</row>", '<c r="I2"><f t="shared" ref="I2:I3" si="0">D2*E2</f><v>12</v></c></row>')
        + text_row(3, ["STR0002", *ROW[1:]]).replace("</row>", '<c r="I3"><f t="shared" si="0"/><v>12</v></c></row>')
    )
    path = write_xlsx_parts(tmp_path / "shared.xlsx", worksheet(rows))
    assert [computed(r) for r in read_register(path).risks] == [12, 12]
    assert codes(path) == []


@pytest.mark.parametrize("value", ["<v/>", "<v></v>"])
def test_a_stored_empty_text_result_is_a_value_not_a_missing_one(tmp_path, value):
    rows = text_row(1, [*HEADER, "Notes"]) + text_row(2, [*ROW, "12"]).replace(
        "</row>", f'<c r="J2" t="str"><f>IF(D2&gt;5,"high","")</f>{value}</c></row>'
    )
    path = write_xlsx_parts(tmp_path / "empty-text.xlsx", worksheet(rows))
    assert "formula-without-value" not in [code for code, _ in codes(path)]


def test_a_formula_without_a_saved_result_is_reported(tmp_path):
    path = score_cell_workbook(tmp_path, '<c r="I2"><f>D2*E2</f><v></v></c>')
    assert codes(path) == [("formula-without-value", "I2")]


def test_rows_holding_only_formulas_without_results_are_not_risks(tmp_path):
    """A template's rows with a formula filled down (saved without results, as openpyxl saves them)
    hold no risk: the one real risk below them is the register's only one."""
    filled = "".join(f'<row r="{r}"><c r="I{r}"><f>D{r}*E{r}</f></c></row>' for r in range(2, 5))
    rows = text_row(1, HEADER) + filled + text_row(5, ROW)
    path = write_xlsx_parts(tmp_path / "filled-down.xlsx", worksheet(rows))
    assert [risk.row for risk in read_register(path).risks] == [4]
    assert codes(path) == []


@pytest.mark.parametrize("error", ["#REF!", "#N/A", "#VALUE!"])
def test_an_error_result_is_a_formula_error_naming_it(tmp_path, error):
    path = score_cell_workbook(tmp_path, f'<c r="I2" t="e"><f>D2*E2</f><v>{error}</v></c>')
    assert findings(path) == [
        ("formula-error", "I2", f"current/proposed score is a formula that gives {error} in Excel; correct the formula")
    ]


def test_a_boolean_result_is_read(tmp_path):
    rows = text_row(1, [*HEADER, "Flag"]) + text_row(2, [*ROW, "12"]).replace(
        "</row>", '<c r="J2" t="b"><f>D2&gt;3</f><v>1</v></c></row>'
    )
    path = write_xlsx_parts(tmp_path / "bool.xlsx", worksheet(rows))
    assert read_register(path).risks[0].extras == {"Flag": "True"}
    assert codes(path) == []


def test_prefixed_cells_read_as_the_open_xml_sdk_writes_them(tmp_path):
    path = score_cell_workbook(tmp_path, '<x:c r="I2"><x:f>D2*E2</x:f><x:v>12</x:v></x:c>', prefix="x")
    assert computed(read_register(path).risks[0]) == 12
    assert codes(path) == []


def test_prefixed_formula_without_value_and_hidden_row_are_reported(tmp_path):
    path = score_cell_workbook(tmp_path, '<x:c r="I2"><x:f>D2*E2</x:f></x:c>', prefix="x", row_attrs=' hidden="1"')
    assert codes(path) == [("hidden-row", "A2"), ("formula-without-value", "I2")]


def test_single_quoted_hidden_row_and_formula_without_value_are_reported(tmp_path):
    cell = "<c r='I2'><f>D2*E2</f></c>"
    path = score_cell_workbook(tmp_path, cell, row_attrs=" hidden='1'")
    assert codes(path) == [("hidden-row", "A2"), ("formula-without-value", "I2")]


# -- The two scan paths agree -------------------------------------------------------------------------


AGREEMENT_SHEETS = {
    "formulas": register_rows('<c r="I2"><f>D2*E2</f></c>')
    + '<row r="3" hidden="1"><c r="A3" t="e"><v>#N/A</v></c><c r="AB3" t="str"><f>""</f><v/></c></row>',
    "wide": text_row(1, HEADER)
    + '<row r="7"><c r="AAB7"><f t="shared" si="0"/><v>2</v></c><c r="Q9"><v>1</v></c></row>',
    "empty-far": text_row(1, HEADER) + '<row r="900"><c r="ZZ900" s="1"/></row><row r="901" hidden="1"/>',
    "shared": text_row(1, HEADER)
    + '<row r="2"><c r="A2" t="s"><v>007</v></c><c r="B2" t="s" s="1"><v>3</v></c><c r="C2" s="1" t="s">'
    '<v>000000000003</v></c><c r="D2" t="e"><v>#DIV/0!</v></c></row>',
    "gt-in-text": text_row(1, HEADER)
    + '<row r="2"><c r="A2" t="inlineStr"><is><t>a > b</t></is></c><c r="AC40"><v>1</v></c></row>',
    "long-reference": text_row(1, HEADER) + '<row r="3"><c r="B0000000000000003"><v>1</v></c></row>',
    # The furthest row is the longest number, not the last row, nor the greatest as text ("99" > "100").
    "rows-out-of-order": text_row(1, HEADER)
    + '<row r="100"><c r="B100"><v>1</v></c></row><row r="99"><c r="C99"><v>1</v></c></row>'
    '<row r="7"><c r="A7" t="s"><v>2</v></c></row><row r="1000" hidden="1"><c r="B1000" s="1"/></row>',
    "leading-zero-row": text_row(1, HEADER) + '<row r="9"><c r="B007"><v>1</v></c><c r="C9"><v>2</v></c></row>',
    "letters-then-one": text_row(1, HEADER) + '<row r="3"><c r="AB3"><v>1</v></c><c r="Z3"><v>1</v></c></row>',
    # Colons in every row (spans) and text, beyond the few that are found one at a time.
    "many-colons": "".join(
        f'<row r="{r}" spans="1:3"><c r="A{r}" t="inlineStr"><is><t xml:space="preserve">a:b {r}</t></is></c>'
        f'<c r="B{r}" t="s"><v>{r % 7}</v></c></row>'
        for r in range(1, 400)
    ),
}


@pytest.mark.parametrize("name", [*AGREEMENT_SHEETS, "example"])
def test_fast_and_exact_scans_agree(tmp_path, name):

    from riskbook.source import scan

    path = (
        CLEAN_EXAMPLE if name == "example" else write_xlsx_parts(tmp_path / "a.xlsx", worksheet(AGREEMENT_SHEETS[name]))
    )
    with zipfile.ZipFile(path) as zf:
        part = package.inspect_archive(zf, "x").sheets[0]
        fast = scan._scan_part(zf, part.paths[0], scan_fast.fast_chunk)
        regex = scan._scan_part(zf, part.paths[0], scan_fast.regex_chunk)
        exact = scan._scan_part(zf, part.paths[0], scan_exact.ExactReader().chunk)
    assert fast == regex == exact
    shared = [[a.tolist() for a in found.shared_cells()] for found in (fast, regex, exact)]
    assert shared[0] == shared[1] == shared[2]
    assert exact.max_row and exact.max_col  # they agree on what the sheet holds, not on finding nothing


def _random_sheet(seed: int) -> str:
    """Rows in any order, of the forms the numpy path reads and the ones it hands on: one- and two-letter
    columns, row numbers of any length (some with leading zeros), shared, inline, empty, formula and error
    cells, hidden rows, and text holding ":", "=", ">" and "t=\"s\"" now and then."""
    import random

    rng = random.Random(seed)
    texts = ["plain", "a:b", "x = y", "a &gt; b", "a: b"] * 20 + ['say t="s" here', "a > b"]  # those two: regexes
    rows = []
    for _ in range(rng.randint(20, 300)):
        row = rng.choice([rng.randint(1, 99), rng.randint(1, 99_999), rng.randint(1, 1_048_576)])
        number = "0" * (rng.random() < 0.02) + str(row)
        attrs = rng.choice(["", ' spans="1:5"', ' hidden="1"', ' s="2" customFormat="1"'])
        cells = []
        for _ in range(rng.randint(0, 6)):
            col = rng.choice(
                [col_name(rng.randint(0, 25)), col_name(rng.randint(0, 25)), col_name(rng.randint(26, 700))]
            )
            ref = f"{col}{number}"
            cells.append(
                rng.choice(
                    [
                        f'<c r="{ref}" t="s"><v>{"0" * (rng.random() < 0.05)}{rng.randint(0, 40)}</v></c>',
                        f'<c r="{ref}" s="1" t="s"><v>{rng.randint(0, 40)}</v></c>',
                        f'<c r="{ref}" s="1"><v>{rng.randint(0, 45000)}</v></c>',
                        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{rng.choice(texts)}</t></is></c>',
                        f'<c r="{ref}" s="3"/>',
                        f'<c r="{ref}"><f>A1*2</f><v>{rng.choice(["", "4"])}</v></c>',
                        f'<c r="{ref}"><f>A1</f></c>',
                        f'<c r="{ref}" t="e"><v>#REF!</v></c>',
                    ]
                )
            )
        rows.append(f'<row r="{number}"{attrs}>' + "".join(cells) + "</row>")
    cols = '<cols><col min="2" max="3" width="9" hidden="1"/></cols>' if seed % 3 == 0 else ""
    return worksheet("".join(rows), before=cols)


def _scan_as_scan_sheet(scan, zf, part, read):
    """A quick path's scan of the part, or the exact reader's where the quick path hands the sheet on."""
    try:
        return scan._scan_part(zf, part.paths[0], read)
    except sheet_scan.NeedsExactScan:
        return scan._scan_part(zf, part.paths[0], scan_exact.ExactReader().chunk)


@pytest.mark.parametrize("seed", range(40))
def test_numpy_regex_and_exact_scans_agree_on_random_sheets(tmp_path, monkeypatch, seed):
    from riskbook.source import scan

    monkeypatch.setattr(scan, "CHUNK", 2048)  # many chunks, cut anywhere a cell or row starts
    path = write_xlsx_parts(tmp_path / "r.xlsx", _random_sheet(seed))
    with zipfile.ZipFile(path) as zf:
        part = package.inspect_archive(zf, "x").sheets[0]
        found = [_scan_as_scan_sheet(scan, zf, part, read) for read in (scan_fast.fast_chunk, scan_fast.regex_chunk)]
        found.append(scan._scan_part(zf, part.paths[0], scan_exact.ExactReader().chunk))
    assert found[0] == found[1] == found[2]
    assert found[2].max_row > 0 and found[2].formulas
    shared = [[a.tolist() for a in each.shared_cells()] for each in found]
    assert shared[0] == shared[1] == shared[2]


def test_a_prefixed_cell_after_hundreds_of_colons_sends_the_sheet_to_the_exact_reader(tmp_path):
    from riskbook.source import scan

    rows = "".join(f'<row r="{r}" spans="1:3"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 600))
    chunk = rows + '<row r="600"><x:c r="XFD600"><v>1</v></x:c></row>'
    with pytest.raises(sheet_scan.NeedsExactScan):
        scan_fast.fast_chunk(chunk.encode(), scan.SheetScan())
    exact = scan.SheetScan()
    scan_exact.ExactReader().chunk(chunk.encode(), exact)
    assert (exact.max_row, exact.max_col) == (600, 16384)


@pytest.mark.libreoffice
def test_an_ods_saved_by_libreoffice_passes_the_scan(tmp_path):
    from tests.helpers import convert_with_libreoffice

    ods = convert_with_libreoffice(CLEAN_EXAMPLE, "ods", tmp_path, tmp_path / "profile")
    with zipfile.ZipFile(ods) as zf:
        assert b"number-rows-repeated" in zf.read("content.xml")  # LibreOffice's empty rows to the sheet's end
    assert len(read_register(ods).risks) == len(read_register(CLEAN_EXAMPLE).risks)


# -- Start-up: a small register is scanned without numpy --------------------------------------------


@pytest.mark.slow
def test_validating_a_small_register_does_not_import_numpy():
    code = (
        "import sys; from riskbook import read_register, validate; "
        f"validate(read_register({str(CLEAN_EXAMPLE)!r}), as_of=__import__('datetime').date(2024, 1, 16)); "
        "print('numpy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"


REPEATED_CELLS = [
    '<c r="A{r}" t="s"><v>{index}</v></c>',
    '<c r="A{r}" t= "s"><v>{index}</v></c>',
    "<c r='A{r}' t='s'><v>{index}</v></c>",
    '<c r="A{r}" s="1" t="s"><v>00000000000{index}</v></c>',
    '<c r="A{r}" t="s"><v>{index}</v></c><c r="B{r}" t="inlineStr"><is><t>a &gt; b > c</t></is></c>',
]


@pytest.mark.parametrize("cell", REPEATED_CELLS, ids=["plain", "spaced", "single-quoted", "long-index", "gt-in-text"])
@pytest.mark.parametrize("prefix", ["", "x:"], ids=["plain-sst", "prefixed-sst"])
def test_small_and_large_part_scans_agree(tmp_path, monkeypatch, cell, prefix):
    from riskbook.source import scan

    items = "".join(f"<{prefix}si><{prefix}t>{'x' * (i * 37 % 500)}</{prefix}t></{prefix}si>" for i in range(40))
    namespace = f'xmlns:x="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    sst = f'<?xml version="1.0" encoding="UTF-8"?><{prefix}sst {namespace}><!-- <si> -->{items}</{prefix}sst>'
    rows = "".join(
        f'<row r="{r}">' + cell.format(r=r, index="0" * (r % 3) + str(r * 7 % 45)) + "</row>" for r in range(2, 400)
    )
    sheet = text_row(1, HEADER) + rows + '<row r="401" hidden="1"><c r="AB401"><f>A1</f></c></row>'
    path = write_xlsx_parts(tmp_path / "a.xlsx", worksheet(sheet), shared_strings=sst)
    with zipfile.ZipFile(path) as zf:
        part = package.inspect_archive(zf, "x").sheets[0]
        small = scan.scan_sheet(zf, part, "x")
        small_copies = scan._shared_text_copies(zf, small)
        monkeypatch.setattr(scan, "SMALL_PART", 0)  # every part read as a large one: numpy's path
        large = scan.scan_sheet(zf, part, "x")
        large_copies = scan._shared_text_copies(zf, large)
    assert small.shared_table is None
    if cell in (REPEATED_CELLS[0], REPEATED_CELLS[3]):  # the others' forms go to the regexes even when large
        assert large.shared_table is not None and large.shared_table.any()
    assert small == large and (small.max_row, small.max_col, small.hidden_rows) == (401, 28, {400})
    assert [a.tolist() for a in small.shared_cells()] == [a.tolist() for a in large.shared_cells()]
    assert small_copies == large_copies > 0
