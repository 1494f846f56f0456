import json
import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from riskbook.cli import cli
from tests.helpers import CLEAN_EXAMPLE, HEADER, PUBLISHED_EXAMPLE, risk_row, sha256
from tests.helpers import run_cli as run


def test_clean_register_exits_0_with_a_summary():
    result = run("validate", str(CLEAN_EXAMPLE), "--as-of", "2024-01-16")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "30 risks · 0 errors · 0 warnings"


def test_findings_are_grouped_by_risk_and_exit_1():
    result = run("validate", str(PUBLISHED_EXAMPLE), "--as-of", "2024-01-16")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "30 risks · 3 errors · 3 warnings"
    at = lines.index("Register row 33: STR0422 — Contractor management")
    assert lines[at + 1].split()[:2] == ["warning", "Register!F33"]
    assert lines[at + 2] == (
        "  error   Register!I33 STR0422: score 4 is not impact × likelihood (High 3 × Low 1 = 3)  [score-mismatch]"
    )
    assert "\x1b[" not in result.output  # no colour when not on a terminal


def test_warnings_alone_exit_0(make_register):
    result = run("validate", str(make_register([risk_row(status="Controls tasked")])), "--as-of", "2024-01-16")
    assert result.exit_code == 0
    assert "1 risk · 0 errors · 1 warning" in result.output


def test_json_output_is_stable():
    result = run("validate", str(PUBLISHED_EXAMPLE), "--as-of", "2024-01-16", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert list(data) == ["input", "sheet", "as_of", "risks", "errors", "warnings", "findings", "columns", "scheme"]
    assert data["scheme"] == {"name": "Force strategic risk register (4 × 4)", "from": "scheme-4x4.toml"}
    assert (data["sheet"], data["as_of"], data["risks"], data["errors"], data["warnings"]) == (
        "Register",
        "2024-01-16",
        30,
        3,
        3,
    )
    assert data["findings"][1] == {
        "severity": "error",
        "code": "score-mismatch",
        "sheet": "Register",
        "cell": "I19",
        "reference": "STR0292",
        "message": "score 12 is not impact × likelihood (Very High 4 × Medium 2 = 8)",
        "row": 19,
        "fields": {
            "stated": 12,
            "impact": 4,
            "likelihood": 2,
            "computed": 8,
            "rule": "impact × likelihood",
            "working": "Very High 4 × Medium 2",
        },
    }


def test_json_findings_carry_their_catalogue_fields_as_data(make_register):
    from riskbook.check.findings import CATALOGUE

    path = make_register([risk_row(last="Jan 2023", status="Controls Taskd"), risk_row("STR0002", owner=None)])
    result = run("validate", str(path), "--as-of", "2024-01-16", "--format", "json")
    found = {f["code"]: f for f in json.loads(result.output)["findings"]}
    assert found["review-overdue"]["row"] == 2
    assert found["review-overdue"]["fields"] == {
        "last": "Jan 2023",
        "days": "261 days",
        "band": "High",
        "interval": "3 months",
        "due": "30/04/2023",
        "overdue_days": 261,
        "due_date": "2023-04-30",
    }
    assert found["missing-value"]["fields"] == {"field": "owner"} and found["missing-value"]["row"] == 3
    for finding in found.values():
        assert set(finding["fields"]) == CATALOGUE[finding["code"]].field_names(), finding["code"]


def test_scheme_and_sheet_options(make_register, tmp_path):
    path = make_register([risk_row()], sheet="Risks")
    assert run("validate", str(path), "--sheet", "Risks", "--as-of", "2024-01-16").exit_code == 0
    result = run("validate", str(path), "--sheet", "Nope")
    assert result.exit_code == 2
    five = os.path.join(os.path.dirname(__file__), "..", "workbook_templates", "scheme-5x5.toml")
    result = run("validate", str(path), "--scheme", five, "--as-of", "2024-01-16")
    assert "bad-reference" in result.output  # STR0001 is not RSK-nnn


def _encrypted(tmp_path):
    import msoffcrypto.format.ooxml

    plain = tmp_path / "plain.xlsx"
    from tests.helpers import write_xlsx

    write_xlsx(plain, [HEADER, risk_row()])
    target = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, target.open("wb") as dst:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("secret", dst)
    return target


def _file(path, data: bytes):
    path.write_bytes(data)
    return path


def _truncated(tmp_path):
    data = CLEAN_EXAMPLE.read_bytes()
    target = tmp_path / "cut.xlsx"
    target.write_bytes(data[: len(data) // 2])
    return target


def _no_sheets(tmp_path):
    target = tmp_path / "nosheets.xlsx"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
        )
    return target


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.xlsx", "missing.xlsx: no such file"),
        (lambda p: p, ": is a folder, not a file"),
        (
            lambda p: _file(p / "empty.xlsx", b""),
            "empty.xlsx: the file is empty",
        ),
        (
            lambda p: _file(p / "t.xlsx", b"a,b\n1,2\n"),
            "t.xlsx: not a .xlsx workbook (text); if it is CSV, save it with a .csv name",
        ),
        (_truncated, "cut.xlsx: the file is damaged (not a complete zip archive)"),
        (_encrypted, "locked.xlsx: the workbook is encrypted (password-protected); save a copy without a password"),
        (_no_sheets, "nosheets.xlsx: the workbook has no sheets"),
        (lambda p: _file(p / "x.pdf", b"%PDF-1.4"), "x.pdf: unknown file type .pdf"),
    ],
)
@pytest.mark.slow
def test_unreadable_input_gives_one_line_and_exit_2(tmp_path, make, message):
    path = make(tmp_path)
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("riskbook: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_no_header_and_empty_sheets(make_register, tmp_path):
    from tests.helpers import write_xlsx

    result = run("validate", str(write_xlsx(tmp_path / "e.xlsx", [])))
    assert result.exit_code == 2 and "the workbook's sheets are empty" in result.output
    result = run("validate", str(write_xlsx(tmp_path / "n.xlsx", [["Name", "Age"], ["x", 1]])))
    assert result.exit_code == 2 and "no register header found in any sheet" in result.output


def test_header_only_register_is_a_no_risks_error(make_register):
    result = run("validate", str(make_register([])), "--as-of", "2024-01-16")
    assert result.exit_code == 1
    assert "  error   Register!1:1: sheet 'Register' has a header row (row 1) but no risks below it  [no-risks]" in (
        result.output
    )
    assert result.output.strip().endswith("0 risks · 1 error · 0 warnings")


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["--debug", "validate", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2
    assert "Traceback" in result.output


def test_bad_as_of_is_a_usage_error_exit_2():
    result = run("validate", str(CLEAN_EXAMPLE), "--as-of", "16/01/2024")
    assert result.exit_code == 2
    assert "is not a date in the form YYYY-MM-DD" in result.output


def test_validate_never_writes_to_its_input():
    before = sha256(PUBLISHED_EXAMPLE)
    run("validate", str(PUBLISHED_EXAMPLE), "--format", "json")
    assert sha256(PUBLISHED_EXAMPLE) == before


def test_help_does_not_import_pandas_or_writers():
    code = (
        "import sys\n"
        "from riskbook.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'python_calamine') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


@pytest.mark.slow
def test_validate_does_not_import_pandas():
    code = (
        "import sys\n"
        "from riskbook.cli import cli\n"
        f"try:\n    cli(['validate', {str(CLEAN_EXAMPLE)!r}, '--as-of', '2024-01-16'])\nexcept SystemExit:\n    pass\n"
        "print('HEAVY', [m for m in ('pandas', 'openpyxl') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "riskbook", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "validate" in result.stdout


@pytest.mark.slow
def test_dataframe_from_the_library_api():
    import riskbook

    frame = riskbook.to_dataframe(riskbook.read_register(CLEAN_EXAMPLE))
    assert len(frame) == 30
    assert frame.loc[frame.reference == "STR0292", "computed_score"].item() == 12
