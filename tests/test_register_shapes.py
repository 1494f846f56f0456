"""Registers in the shapes organisations keep them: other headers, scales, layouts, schemes."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.helpers import EXAMPLES, write_xlsx
from tests.helpers import run_cli as run

AS_OF = "2024-01-16"


def scheme_file(tmp_path, text: str, name: str = "scheme.toml"):
    """A scheme: a 3-level scale, two bands, no statuses, any reference; text adds to it."""
    path = tmp_path / name
    path.write_text(
        'name = "Test"\n'
        '[[scale]]\nvalue = 1\nlabel = "Low"\n[[scale]]\nvalue = 2\nlabel = "Medium"\n[[scale]]\nvalue = 3\nlabel = "High"\n'
        '[[bands]]\nname = "High"\nmin = 5\nmax = 9\nfill = "#C00000"\nfont = "#FFFFFF"\nreview_months = 3\n'
        '[[bands]]\nname = "Low"\nmin = 1\nmax = 4\nfill = "#00B050"\nfont = "#000000"\nreview_months = 6\n' + text,
        encoding="utf-8",
    )
    return path


# -- Columns as data ---------------------------------------------------------------------------


def test_column_option_reads_a_header_the_scheme_does_not_know(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Risk ID", "Risk Name", "Chance", "Impact"], ["STR0001", "Supplier fails", "High", "Medium"]],
    )
    plain = run("validate", path, "--as-of", AS_OF)
    assert "the header row has no Likelihood column; add one  [missing-column]" in plain.output
    mapped = run("validate", path, "--as-of", AS_OF, "--column", "likelihood=Chance", "--format", "json")
    data = json.loads(mapped.output)
    assert "missing-column" not in [f["code"] for f in data["findings"]]
    assert data["columns"] == {"reference": "Risk ID", "title": "Risk Name", "impact": "Impact", "likelihood": "Chance"}


def test_column_option_naming_an_absent_header_lists_the_headers_there(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["Risk ID", "Risk Name", "Chance", "Impact"], ["STR0001", "x", 3, 2]])
    result = run("validate", path, "--column", "likelihood=Chanse")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "--column likelihood='Chanse': no column headed 'Chanse' in the header row" in result.output
    assert "'Risk ID', 'Risk Name', 'Chance', 'Impact'" in result.output


def test_column_option_with_an_unknown_field_or_no_equals_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["Risk ID", "Risk Name", "Chance", "Impact"], ["STR0001", "x", 3, 2]])
    unknown = run("validate", path, "--column", "chance=Chance")
    assert unknown.exit_code == 2 and "--column chance: riskbook knows no such field" in unknown.output
    no_equals = run("validate", path, "--column", "likelihood")
    assert no_equals.exit_code == 2
    assert (
        no_equals.output
        == "riskbook: --column 'likelihood' is not FIELD=HEADER, e.g. likelihood='Threat Probability'\n"
    )


def test_show_columns_prints_the_mapping_and_the_extra_columns(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Ref", "Title", "Impact", "Likelihood", "Directorate"], ["STR0001", "x", "High", "Low", "Finance"]],
    )
    result = run("validate", path, "--show-columns", "--as-of", AS_OF)
    lines = result.output.splitlines()
    assert lines[0] == "Columns of 'Register' (header row 1):"
    assert "  A 'Ref' → reference (Reference)" in lines
    assert "  E 'Directorate' → extra (kept with each risk, not checked)" in lines


def test_scheme_columns_add_a_header_and_keep_the_default_table(tmp_path):
    scheme = scheme_file(tmp_path, '[columns.owner]\naliases = ["Accountable Executive"]\n')
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Reference", "Title", "Accountable Executive", "Impact", "Likelihood"], ["R1", "x", "", "Low", "Low"]],
    )
    result = run("validate", path, "--scheme", scheme, "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.output)
    assert data["columns"]["owner"] == "Accountable Executive"
    assert [(f["code"], f["cell"]) for f in data["findings"] if f["code"] == "missing-value"] == [
        ("missing-value", "C2")
    ]


def test_scheme_claiming_one_header_for_two_fields_is_refused_naming_the_key(tmp_path):
    scheme = scheme_file(
        tmp_path, '[columns.owner]\naliases = ["Lead"]\n[columns.responsible_officer]\naliases = ["lead"]\n'
    )
    path = write_xlsx(tmp_path / "r.xlsx", [["Reference", "Title", "Impact", "Likelihood"], ["R1", "x", 1, 1]])
    result = run("validate", path, "--scheme", scheme)
    assert result.exit_code == 2
    assert "columns.responsible_officer: header 'lead' is also claimed by columns.owner" in result.output


def test_scheme_naming_an_unknown_field_is_refused(tmp_path):
    scheme = scheme_file(tmp_path, '[columns.ownr]\naliases = ["Lead"]\n')
    path = write_xlsx(tmp_path / "r.xlsx", [["Reference", "Title", "Impact", "Likelihood"], ["R1", "x", 1, 1]])
    result = run("validate", path, "--scheme", scheme)
    assert result.exit_code == 2 and "columns.ownr: riskbook knows no field 'ownr'" in result.output


def test_review_date_is_the_next_review_not_the_last(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Risk ID", "Risk Name", "Likelihood", "Impact", "Owner", "Review Date", "Date Created", "Treatment"],
            ["STR0001", "Supplier fails", "High", "Low", "J Smith", "01/06/2030", "01/01/2023", "Reduce"],
        ],
    )
    result = run("validate", path, "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.output)
    assert data["columns"]["next_review"] == "Review Date"
    assert data["columns"]["first_recorded"] == "Date Created"
    assert data["columns"]["treatment"] == "Treatment"
    assert "bad-date" not in [f["code"] for f in data["findings"]]  # a future next review is no error


# -- Required is per scheme ----------------------------------------------------------------------


def test_register_without_owner_or_review_columns_gets_one_warning_each_not_one_per_row(tmp_path):
    rows = [["Ref", "Title", "Impact", "Likelihood", "Status"]]
    rows += [[f"STR{n:04}", f"Risk {n}", "High", "Low", "Managed"] for n in range(1, 21)]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Register",
        "  warning Register!1:1: this register has no Owner column, so no risk can be checked for an owner  "
        "[column-absent]",
        "  warning Register!1:1: this register has no Last Review column, so no review can be checked  [column-absent]",
        "20 risks · 0 errors · 2 warnings",
    ]


def test_a_scheme_may_require_a_column(tmp_path):
    scheme = scheme_file(tmp_path, "[columns.owner]\nrequired = true\n")
    path = write_xlsx(tmp_path / "r.xlsx", [["Ref", "Title", "Impact", "Likelihood"], ["R1", "x", "High", "Low"]])
    result = run("validate", path, "--scheme", scheme, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "the header row has no Owner column; add one  [missing-column]" in result.output


# -- Finding the header --------------------------------------------------------------------------


def test_two_row_header_under_title_rows_with_a_hash_id_column(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Information security risk register"],
            ["Prepared by: the CISO", None],
            ["#", "Risk Description", "Threat", None, "Risk Owner", "Status", "Last Review"],
            [None, None, "Probability", "Impact"],
            ["STR0001", "Ransomware encrypts the file servers", "High", "Medium", "CISO", "Managed", "Jan 2024"],
            ["STR0002", "Phishing takes a mailbox", "Low", "Low", "CISO", "Managed", "Jan 2024", None, "stray note"],
            ["STR0003"],
            [None, None, None, None, None, None, None, None, "stray"],
        ],
    )
    result = run("validate", path, "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert (data["risks"], data["findings"]) == (2, [])
    assert data["columns"]["likelihood"] == "Threat Probability"
    assert data["columns"]["impact"] == "Threat Impact"
    assert data["columns"]["reference"] == "#"
    assert data["columns"]["title"] == "Risk Description"


def test_header_without_a_reference_column_is_found_and_the_risks_named_by_their_row(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Risk Name", "Probability", "Severity"], ["Supplier fails", "High", "Low"], ["Flood", "Low", "Low"]],
    )
    result = run("validate", path, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "this register has no Reference column, so each risk is named by its row" in result.output
    assert result.output.splitlines()[-1] == "2 risks · 0 errors · 4 warnings"  # no reference, owner, status, review


def test_no_header_names_the_closest_row_and_suggests_column(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Register of risks"],
            ["Threat Name", "Chance", "Impact", "Notes"],
            ["Flood in the server room", 1, 2, ""],
            ["Fire in the archive", 2, 3, ""],
        ],
    )
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert (
        "no register header found in any sheet; closest was row 2 of sheet 'Register', which reads only "
        "'Impact' as impact and not 'Threat Name', 'Chance', 'Notes'" in result.output
    )
    assert "e.g. --column title='Threat Name'" in result.output


def test_the_column_suggested_holds_what_the_field_needs_or_none_is_named(tmp_path):
    """The first unknown header holds numbers: it is no title to suggest; a placeholder is."""
    rows = [["Kolejność", "Grupa", "Impact"], [1, "Finanse", 2], [2, "Prawo", 3]]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.exit_code == 2
    assert "e.g. --column title=HEADER" in result.output


def test_semicolon_csv_with_russian_headers_read_through_the_scheme(tmp_path):
    scheme = scheme_file(
        tmp_path,
        '[columns.reference]\naliases = ["Номер"]\n[columns.title]\naliases = ["Название риска"]\n'
        '[columns.likelihood]\naliases = ["Вероятность"]\n[columns.impact]\naliases = ["Влияние"]\n',
    )
    path = tmp_path / "r.csv"
    path.write_text("Номер;Название риска;Вероятность;Влияние\nrs-1;Сбой сервера;3;2\nrs-2;Потеря данных;1;1\n")
    result = run("validate", path, "--scheme", scheme, "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.output)
    assert (result.exit_code, data["risks"], data["errors"]) == (0, 2, 0)
    assert data["columns"]["title"] == "Название риска"


# -- Scales per axis, matrices, shipped schemes ---------------------------------------------------


def _shipped(name):
    from riskbook.scheme.load import shipped_scheme_path

    return str(shipped_scheme_path(name))


OTHER_AS_OF = "2024-06-30"
SHIPPED_EXAMPLES = [
    ("scheme-5x5-words.toml", "iso27001-risk-register.xlsx", 5),
    ("scheme-nhs-5x5.toml", "nhs-risk-register.csv", 4),
    ("scheme-3x3.toml", "project-risk-register.xlsx", 4),
]


@pytest.mark.parametrize(("scheme", "example", "risks"), SHIPPED_EXAMPLES)
def test_each_shipped_scheme_validates_its_example_clean_and_builds(scheme, example, risks, tmp_path):
    path = EXAMPLES / example
    result = run("validate", path, "--scheme", _shipped(scheme), "--as-of", OTHER_AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"{risks} risks · 0 errors · 0 warnings"
    out = tmp_path / "panel.xlsx"
    built = run("build", path, "--scheme", _shipped(scheme), "--as-of", OTHER_AS_OF, "-o", out)
    assert built.exit_code == 0, built.output
    assert zipfile.is_zipfile(out)
    template = run("template", "--scheme", _shipped(scheme), "--from", path, "-o", tmp_path / "t.xlsx")
    assert template.exit_code == 0, template.output


def test_words_per_axis_and_their_aliases_in_two_languages(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Risk ID", "Risk Name", "Likelihood", "Impact", "Risk Score", "Risk Level"],
            ["R-001", "Flood", "Likely", "Major", 16, "High"],
            ["R-002", "Cyber", "Tebygol", "Mawr", 16, "Red"],
            ["R-003", "Fire", "Major", "Likely", 16, "High"],
        ],
    )
    result = run("validate", path, "--scheme", _shipped("scheme-5x5-words.toml"), "--as-of", OTHER_AS_OF)
    errors = [line for line in result.output.splitlines() if line.startswith("  error ")]
    assert errors == [
        "  error   Register!C4 R-003: likelihood 'Major' is not on the scale "
        "(1 Rare, 2 Unlikely, 3 Possible, 4 Likely, 5 Almost certain)  [bad-scale-value]",
        "  error   Register!D4 R-003: impact 'Likely' is not on the scale "
        "(1 Insignificant, 2 Minor, 3 Moderate, 4 Major, 5 Catastrophic)  [bad-scale-value]",
    ]


def test_matrix_score_is_looked_up_not_multiplied(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Risk No.", "Risk", "Probability", "Impact", "Score", "Rating"],
            ["R.1", "Late supplier", "Low", "High", 2, "Medium"],
            ["R.2", "No testers", "High", "High", 9, "Red"],
        ],
    )
    result = run("validate", path, "--scheme", _shipped("scheme-3x3.toml"), "--as-of", OTHER_AS_OF)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("  error ")]
    assert errors == [
        "  error   Register!E3 R.2: score 9 is not the scheme's matrix score (impact High 3, likelihood High 3 = 3)"
        "  [score-mismatch]"
    ]
    assert "rag-mismatch" not in result.output  # "Red" is the High band's word; Low × High is Medium


def test_scheme_without_statuses_or_reference_pattern_accepts_the_registers_own(tmp_path):
    scheme = scheme_file(tmp_path, "")
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Ref", "Title", "Impact", "Likelihood", "Status"], ["rs-1", "x", "High", "Low", "Parked"]],
    )
    result = run("validate", path, "--scheme", scheme, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "bad-reference" not in result.output and "unknown-status" not in result.output
    assert result.output.splitlines()[-1] == "1 risk · 0 errors · 2 warnings"  # no owner, no last review


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[matrix]\nscores = [[1, 2, 3], [2, 4, 6]]\n", "matrix.scores: needs 3 rows, one per impact level; found 2"),
        (
            "[matrix]\nscores = [[1, 2], [2, 4], [3, 6]]\n",
            "matrix.scores: row 1 needs 3 scores, one per likelihood level",
        ),
        (
            '[impact]\n[[impact.scale]]\nvalue = 1\nlabel = "Minor"\naliases = ["Small"]\n'
            '[[impact.scale]]\nvalue = 2\nlabel = "Major"\naliases = ["small"]\n',
            "impact.scale: 'small' is claimed by levels 1 and 2",
        ),
    ],
)
def test_a_scheme_that_contradicts_itself_is_refused_naming_the_key(tmp_path, extra, message):
    scheme = scheme_file(tmp_path, extra)
    path = write_xlsx(tmp_path / "r.xlsx", [["Reference", "Title", "Impact", "Likelihood"], ["R1", "x", 1, 1]])
    result = run("validate", path, "--scheme", scheme)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert message in result.output


def test_template_of_a_matrix_scheme_looks_the_score_up(tmp_path):
    import openpyxl

    out = tmp_path / "t.xlsx"
    assert run("template", "--scheme", _shipped("scheme-3x3.toml"), "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    score = book["Register"]["I2"].value
    impact, likelihood = "Risks[[#This Row],[Impact]]", "Risks[[#This Row],[Likelihood]]"
    assert score.startswith(f'=IFERROR(IF(OR({impact}="",{likelihood}=""),"",INDEX(Lists!$G$2:$I$4,')
    assert f"MATCH(TRIM({impact}),Lists!$A$2:$A$4,0)" in score
    assert f"MATCH(TRIM({likelihood}),Lists!$B$2:$B$4,0)" in score
    assert [[c.value for c in row] for row in book["Lists"]["G2:I4"]] == [[1, 1, 2], [1, 2, 3], [2, 3, 3]]


# -- Findings that repeat -------------------------------------------------------------------------


def test_a_finding_on_nearly_every_row_is_one_line_with_a_hint_at_the_scheme(tmp_path):
    rows = [["Reference", "Title", "Impact", "Likelihood", "Status"]]
    rows += [[f"STR{n:04}", f"Risk {n}", "High", "Low", "Open"] for n in range(1, 7)]
    rows.append(["STR0007", "Risk 7", "High", "Low", "Managed"])
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    lines = [line for line in result.output.splitlines() if "unknown-status" in line]
    assert len(lines) == 1
    assert lines[0].startswith(
        "  error   Register: 6 × [unknown-status] on 6 of 7 risks (rows 2–7), each: status 'Open' is not recognised"
    )
    assert lines[0].count("status 'Open' is not recognised") == 1  # said once, not once per example
    assert lines[0].endswith("list them in [[statuses]], or leave them out")
    assert result.output.splitlines()[-1] == "7 risks · 6 errors · 2 warnings"


def test_a_finding_on_a_few_rows_stays_on_each_row(tmp_path):
    rows = [["Reference", "Title", "Impact", "Likelihood", "Status"]]
    rows += [[f"STR{n:04}", f"Risk {n}", "High", "Low", "Open" if n <= 4 else "Managed"] for n in range(1, 6)]
    result = run("validate", write_xlsx(tmp_path / "r.xlsx", rows), "--as-of", AS_OF)
    assert sum("[unknown-status]" in line for line in result.output.splitlines()) == 4


# -- Drafting a scheme from a register ------------------------------------------------------------


@pytest.mark.parametrize("example", ["nhs-risk-register.csv", "project-risk-register.xlsx"])
def test_scheme_from_a_register_drafts_one_it_validates_under(example, tmp_path):
    out = tmp_path / "drafted.toml"
    result = run("scheme", "--from", EXAMPLES / example, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: a draft scheme from ")
    checked = run("validate", EXAMPLES / example, "--scheme", out, "--as-of", OTHER_AS_OF)
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1].endswith("0 errors · 0 warnings")


def test_drafted_scheme_says_what_it_read_and_marks_its_guesses(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "Risk ID;Risk Name;Probability;Impact;Risk Rating;Status;Owner;Last Reviewed;Review Due;Directorate\n"
        "RSK-01;Flood;3;4;High;Open;A;01/01/2024;01/04/2024;Estates\n"
        "RSK-02;Fire;1;2;Low;Closed;B;01/01/2024;01/01/2025;Estates\n"
        "RSK-03;Cyber;2;3;Medium;Open;C;01/02/2024;01/08/2024;IT\n"
    )
    out = tmp_path / "drafted.toml"
    assert run("scheme", "--from", path, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert 'pattern = "^RSK\\\\-\\\\d{2}$"' in text
    assert "(GUESS: the register scores as numbers up to 4; the labels are made up)" in text
    assert 'name = "Open"' in text and 'name = "Closed"' in text
    assert "review_months = 3  # the register's usual gap from last to next review" in text
    assert '# aliases = ["Directorate"]' in text
    checked = run("validate", path, "--scheme", out, "--as-of", "2024-03-01")
    assert checked.exit_code == 0, checked.output


def test_scheme_from_refuses_to_overwrite_its_register(tmp_path):
    path = EXAMPLES / "nhs-risk-register.csv"
    copy = tmp_path / "r.csv"
    copy.write_bytes(path.read_bytes())
    result = run("scheme", "--from", copy, "-o", copy)
    assert result.exit_code == 2 and "is the input file" in result.output
    assert copy.read_bytes() == path.read_bytes()


def test_two_row_header_whose_group_names_nothing_keeps_the_cells_merged_down(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Organisation:", "Example Council"],
            ["Risk ID", "Risk Name", "Assessment", None, "Risk Owner"],
            [None, None, "Likelihood", "Impact"],
            ["STR0001", "Flood", "High", "Low", "Head of Estates"],
        ],
    )
    data = json.loads(run("validate", path, "--as-of", AS_OF, "--format", "json").output)
    assert data["columns"] == {
        "reference": "Risk ID",
        "title": "Risk Name",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "owner": "Risk Owner",
    }
    assert data["risks"] == 1 and data["errors"] == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[columns]\nowner = 'Lead'\n", "columns.owner: should be a table with aliases and required"),
        ("[columns.owner]\naliases = 'Lead'\n", "columns.owner.aliases: should be a list of header texts"),
        ("[matrix]\nscores = 'x'\n", "matrix.scores: needs 3 rows, one per impact level; found none"),
        ("[matrix]\nscores = [[1, 2, 3], [2, 4, 6], [3, 6, 'x']]\n", "matrix.scores: row 3 holds a score that is not"),
    ],
)
def test_a_malformed_scheme_table_is_refused_naming_the_key(tmp_path, extra, message):
    path = write_xlsx(tmp_path / "r.xlsx", [["Reference", "Title", "Impact", "Likelihood"], ["R1", "x", 1, 1]])
    result = run("validate", path, "--scheme", scheme_file(tmp_path, extra))
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert message in result.output


def test_band_words_must_be_a_list(tmp_path):
    text = scheme_file(tmp_path, "").read_text().replace("review_months = 3\n", 'review_months = 3\nwords = "Red"\n')
    (tmp_path / "s.toml").write_text(text)
    path = write_xlsx(tmp_path / "r.xlsx", [["Reference", "Title", "Impact", "Likelihood"], ["R1", "x", 1, 1]])
    result = run("validate", path, "--scheme", tmp_path / "s.toml")
    assert result.exit_code == 2 and 'bands[0].words should be a list of words, e.g. ["Red"]' in result.output


def test_dataframe_computes_the_score_through_the_scheme():
    import riskbook
    from riskbook.scheme.load import load_scheme

    scheme = load_scheme(_shipped("scheme-3x3.toml"))
    register = riskbook.read_register(EXAMPLES / "project-risk-register.xlsx", scheme=scheme)
    frame = riskbook.to_dataframe(register, scheme)
    assert frame.loc[frame["reference"] == "R.3", "computed_score"].item() == 2  # Low x High off the matrix, not 3


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["ref_id", "name", "description", "probability", "impact", "current_risk", "Risk Level", "Date Created",
             "Last Updated", "Review Date", "Treatment"],
            ["reference", "title", "description", "likelihood", "impact", "score", "rag", "first_recorded",
             "last_review", "next_review", "treatment"],
        ),
        (
            ["Risk Number", "Risk Description", "Threat Probability", "Threat Impact", "Risk Score (Inherent)",
             "Residual Risk Score", "Risk Rating (Text)", "Completion Date", "Mitigation"],
            ["reference", "description", "likelihood", "impact", "inherent_score", "score", "rag", "control_due",
             "treatment"],
        ),
        (
            ["No.", "Risk Name", "Likelihood (1-5)", "Severity", "Response", "Last Reviewed", "Review Due"],
            ["reference", "title", "likelihood", "impact", "treatment", "last_review", "next_review"],
        ),
        (
            ["#", "Risk", "Probability", "Consequence", "Risk Rating", "Next Review", "Risk ID"],
            ["reference", "title", "likelihood", "impact", "rag", "next_review", None],
        ),
    ],
)  # fmt: skip
def test_header_forms_registers_use(tmp_path, headers, expected):
    path = tmp_path / "r.csv"
    path.write_text(",".join(headers) + "\n" + ",".join("" for _ in headers[:-1]) + "R1\n")
    data = json.loads(run("validate", path, "--as-of", AS_OF, "--format", "json").output)
    read_as: dict[str, str] = {}
    for name, header in data["columns"].items():  # a description that also names the risk stays description
        read_as.setdefault(header, name)
    assert [read_as.get(h) for h in headers] == expected


@pytest.mark.parametrize(("scheme", "example", "risks"), SHIPPED_EXAMPLES)
@pytest.mark.libreoffice
def test_panel_and_template_of_each_shipped_scheme_recalculate_to_their_stored_values(
    scheme, example, risks, tmp_path, recalc_profile
):
    from tests.helpers import recalculation_mismatches

    panel, template = tmp_path / "panel.xlsx", tmp_path / "template.xlsx"
    path = EXAMPLES / example
    assert run("build", path, "--scheme", _shipped(scheme), "--as-of", OTHER_AS_OF, "-o", panel).exit_code == 0
    assert run("template", "--scheme", _shipped(scheme), "--from", path, "-o", template).exit_code == 0
    for book in (panel, template):
        outdir = tmp_path / f"recalculated-{book.stem}"
        outdir.mkdir()
        assert recalculation_mismatches(book, outdir, recalc_profile) == []
