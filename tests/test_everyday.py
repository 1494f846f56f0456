"""Everyday use of the command line: the conventions of well-liked click tools, exit codes, messages."""

import ast
import configparser
import json
import os
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from riskbook.cli import cli
from tests.helpers import CLEAN_EXAMPLE, PUBLISHED_EXAMPLE, risk_row, run_cli

ROOT = Path(__file__).resolve().parent.parent
AS_OF = ("--as-of", "2024-01-16")


run = run_cli  # the one CLI runner, tests/helpers.py


# -- Colour, quiet, debug anywhere -----------------------------------------------------------------


def test_color_is_asked_for_or_refused_and_no_color_is_honoured():
    coloured = run("validate", PUBLISHED_EXAMPLE, *AS_OF, "--color")
    assert "\x1b[33m" in coloured.output and "\x1b[31m" in coloured.output
    assert "\x1b[" not in run("--color", "validate", PUBLISHED_EXAMPLE, *AS_OF, "--no-color").output
    assert "\x1b[" not in run("validate", PUBLISHED_EXAMPLE, *AS_OF, env={"NO_COLOR": "1"}).output
    assert "\x1b[" in run("validate", PUBLISHED_EXAMPLE, *AS_OF, "--color", env={"NO_COLOR": "1"}).output


def test_colour_by_default_on_a_terminal_unless_no_color(monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    from riskbook import console as module

    monkeypatch.setenv("NO_COLOR", "1")
    assert module.colour() is False
    monkeypatch.delenv("NO_COLOR")
    assert module.colour() is True


def test_quiet_prints_only_findings():
    clean = run("validate", CLEAN_EXAMPLE, *AS_OF, "-q")
    assert clean.exit_code == 0 and clean.output == ""
    found = run("-q", "validate", PUBLISHED_EXAMPLE, *AS_OF)
    assert found.exit_code == 1
    assert "[score-mismatch]" in found.output and "30 risks" not in found.output


def test_quiet_build_says_nothing_and_writes(tmp_path):
    result = run("build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", *AS_OF, "--quiet")
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / "p.xlsx").exists()


def test_debug_is_accepted_after_the_subcommand(tmp_path):
    result = run("validate", tmp_path / "missing.xlsx", "--debug")
    assert result.exit_code == 2 and "Traceback" in result.output


# -- Standard output -------------------------------------------------------------------------------


def test_scheme_dash_prints_a_draft_that_loads(tmp_path):
    from riskbook.scheme.load import load_scheme

    result = run("scheme", "--from", ROOT / "examples" / "nhs-risk-register.csv", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Drafted by riskbook from nhs-risk-register.csv")
    (tmp_path / "s.toml").write_text(result.stdout, encoding="utf-8")
    assert load_scheme(tmp_path / "s.toml").name == "Drafted from nhs-risk-register.csv"
    assert list(Path.cwd().glob("-")) == []


def test_build_dash_writes_the_workbook_to_a_pipe_and_the_lines_to_stderr(tmp_path):
    result = run("build", CLEAN_EXAMPLE, "-o", "-", *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes[:4] == b"PK\x03\x04"
    (tmp_path / "p.xlsx").write_bytes(result.stdout_bytes)
    assert openpyxl.load_workbook(tmp_path / "p.xlsx").sheetnames[0] == "Cover"
    assert "Wrote the panel workbook to standard output" in result.stderr


def test_a_workbook_to_a_terminal_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr("riskbook.console.stdout_is_terminal", lambda: True)
    result = run("template", "-o", "-")
    assert result.exit_code == 2
    assert result.output.startswith("riskbook: -: the template is an .xlsx workbook, which a terminal cannot show")


def test_annotate_and_input_cannot_be_standard_streams():
    result = run("validate", PUBLISHED_EXAMPLE, "--annotate", "-")
    assert result.exit_code == 2 and "the annotated copy cannot go to standard output" in result.output
    result = run("validate", "-")
    assert result.exit_code == 2
    assert result.output == (
        "riskbook: -: riskbook reads a spreadsheet from a file, not from standard input; save it and give its name\n"
    )


# -- Outputs checked before any work ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,message",
    [("missing/checked.xlsx", "folder {tmp}/missing does not exist"), ("checked.ods", "must end .xlsx")],
)
def test_a_bad_annotate_path_is_refused_before_validation(tmp_path, name, message):
    result = run("validate", PUBLISHED_EXAMPLE, *AS_OF, "--annotate", tmp_path / name)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and message.format(tmp=tmp_path) in result.output  # no findings first


def test_a_bad_build_output_is_refused_before_validation(tmp_path):
    result = run("build", PUBLISHED_EXAMPLE, *AS_OF, "-o", tmp_path / "nowhere" / "p.xlsx")
    assert result.exit_code == 2 and result.output.count("\n") == 1


# -- Exit codes and JSON for every outcome ---------------------------------------------------------


def _crash(*args, **kwargs):
    raise ZeroDivisionError("division by zero")


def test_an_internal_error_exits_3_asking_for_a_report(monkeypatch):
    monkeypatch.setattr("riskbook.pipeline.validate", _crash)
    result = run("validate", CLEAN_EXAMPLE, *AS_OF)
    assert result.exit_code == 3
    assert result.output.startswith("riskbook: internal error: ZeroDivisionError: division by zero; this is a fault")
    assert "please report it" in result.output and result.output.count("\n") == 1


def test_json_for_an_internal_error_and_a_refusal(monkeypatch, tmp_path):
    monkeypatch.setattr("riskbook.pipeline.validate", _crash)
    crashed = run("validate", CLEAN_EXAMPLE, "--format", "json")
    assert crashed.exit_code == 3
    assert json.loads(crashed.stdout)["error"] == "internal-error" and json.loads(crashed.stdout)["exit_code"] == 3
    missing = run("validate", tmp_path / "missing.xlsx", "--format", "json")
    data = json.loads(missing.stdout)
    assert missing.exit_code == 2 and data["error"] == "unusable" and data["exit_code"] == 2
    assert data["message"].endswith("missing.xlsx: no such file") or "missing.xlsx" in data["message"]
    usage = run("validate", CLEAN_EXAMPLE, "--format=json", "--as-of", "tomorrow")
    assert usage.exit_code == 2
    assert "'tomorrow' is not a date in the form YYYY-MM-DD" in json.loads(usage.stdout)["message"]
    column = run("validate", CLEAN_EXAMPLE, "--column", "likelihood", "--format", "json")
    assert column.exit_code == 2 and json.loads(column.stdout)["message"].startswith("--column 'likelihood' is not")


# -- --pdf: one run, the user's timeout, the user's names, the paper's metadata ---------------------


def test_pdf_timeout_runs_libreoffice_once_and_names_the_users_files(monkeypatch, tmp_path):
    import riskbook.outputs.panel.pdf as pdf

    calls = []

    class TimingOut:
        pid = None

        def __init__(self, command, **kwargs):
            self.command = command

        def communicate(self, timeout):
            calls.append(timeout)
            raise subprocess.TimeoutExpired(self.command, timeout)

    monkeypatch.setattr(pdf, "soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf.subprocess, "Popen", TimingOut)
    monkeypatch.setattr(pdf, "_stop", lambda child: None)  # nothing was started
    out, paper = tmp_path / "panel.xlsx", tmp_path / "paper.pdf"
    result = run("build", CLEAN_EXAMPLE, "-o", out, *AS_OF, "--pdf", paper, "--pdf-timeout", "45")
    assert result.exit_code == 2
    assert calls == [45]
    assert f"riskbook: LibreOffice took more than 45 s to print {out} to {paper}; nothing written" in result.output
    assert "paper.xlsx" not in result.output.replace(str(paper), "") and not paper.exists()


def test_the_workbook_properties_come_from_the_paper(tmp_path):
    out = tmp_path / "p.xlsx"
    result = run(
        "build", CLEAN_EXAMPLE, "-o", out, *AS_OF, "--author", "Jo Bloggs", "--meeting", "JARAP, 31 January 2024"
    )
    assert result.exit_code == 0, result.output
    props = openpyxl.load_workbook(out).properties
    assert props.creator == "Jo Bloggs"
    assert props.subject == "JARAP, 31 January 2024: risk register as at 16 January 2024"
    assert props.keywords == "OFFICIAL"


@pytest.mark.libreoffice
def test_the_pdf_carries_the_papers_author_and_subject(tmp_path):
    import shutil

    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    paper = tmp_path / "p.pdf"
    result = run(
        "build", CLEAN_EXAMPLE, "-o", tmp_path / "p.xlsx", *AS_OF, "--pdf", paper, "--author", "Jo Bloggs",
        "--meeting", "JARAP, 31 January 2024",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(paper)], capture_output=True, text=True).stdout
    assert re.search(r"^Author:\s+Jo Bloggs$", info, re.M)
    assert re.search(r"^Subject:\s+JARAP, 31 January 2024: risk register as at 16 January 2024$", info, re.M)


# -- Progress on template --from -------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.steps, self.done = [], 0

    def __call__(self, done, total):
        self.done += done

    def step(self, name, total):
        self.steps.append(name)


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_template_from_reports_named_progress(make_register, tmp_path):
    import riskbook
    from riskbook.outputs.template import carry_over, write_template

    rows = [risk_row(f"STR{n:04d}") for n in range(1, 2501)]
    checking, writing = Recorder(), Recorder()
    report = riskbook.check_register(make_register(rows), progress=checking)
    existing, _ = carry_over(report, report.scheme)
    write_template(tmp_path / "t.xlsx", report.scheme, existing=existing, progress=writing)
    assert checking.done == 2500
    assert writing.steps[0] == "Writing Register" and writing.steps[-1] == "Saving the workbook"
    assert writing.done >= 2000  # every thousand rows


# -- Messages --------------------------------------------------------------------------------------


def test_a_folded_line_says_its_message_once(make_register):
    rows = [risk_row(f"STR{n:04d}", status="Controls tasked") for n in range(1, 7)]
    result = run("validate", make_register(rows), *AS_OF)
    folded = next(line for line in result.output.splitlines() if "× [status-variant]" in line)
    assert folded.count("read as 'Controls Tasked'") == 1
    assert folded == (
        "  warning Register: 6 × [status-variant] on 6 of 6 risks (rows 2–7), each: status 'Controls tasked' read "
        "as 'Controls Tasked'; write it as 'Controls Tasked'"
    )


def test_template_from_and_validate_give_a_code_the_same_severity():
    template = CliRunner().invoke(cli, ["template", "-o", "/dev/null/x.xlsx", "--from", str(PUBLISHED_EXAMPLE)])
    assert template.exit_code == 2  # the output is checked first: nothing is validated
    validated = json.loads(run("validate", PUBLISHED_EXAMPLE, *AS_OF, "--format", "json").stdout)
    severity = {f["code"]: f["severity"] for f in validated["findings"]}
    with CliRunner().isolated_filesystem():
        shown = CliRunner().invoke(cli, ["template", "-o", "t.xlsx", "--from", str(PUBLISHED_EXAMPLE)])
    lines = re.findall(r"^  (error|warning) .*\[([a-z-]+)\]$", shown.output, re.M)
    assert lines and all(severity[code] == level for level, code in lines)
    assert shown.output.count("[score-mismatch]") == 3
    assert "errors ·" not in shown.output  # no count of the shown findings posing as the register's


def test_a_register_without_risks_is_a_no_risks_error_and_is_not_built(make_register, tmp_path):
    empty = make_register([])
    result = run("build", empty, "-o", tmp_path / "p.xlsx", *AS_OF)
    assert result.exit_code == 1
    assert "sheet 'Register' has a header row (row 1) but no risks below it  [no-risks]" in result.output
    assert not (tmp_path / "p.xlsx").exists()
    data = json.loads(run("validate", empty, *AS_OF, "--format", "json").stdout)
    assert [(f["code"], f["severity"], f["cell"]) for f in data["findings"]] == [("no-risks", "error", "1:1")]


def test_last_period_says_what_its_file_states_and_separately_that_it_contradicts_itself(make_register):
    # Last period's file states 12 where its own Very High × Medium gives 8; this register's Previous Score says 12.
    last = make_register([risk_row("STR0001", likelihood="Medium", score=12)], name="last.xlsx")
    now = make_register([risk_row("STR0001", score=12, previous=12)], name="now.xlsx")
    data = json.loads(run("validate", now, "--previous", last, *AS_OF, "--format", "json").stdout)
    messages = {f["code"]: (f["sheet"], f["cell"], f["message"]) for f in data["findings"]}
    assert "previous-score-mismatch" not in messages
    assert messages["previous-score-contradiction"] == (
        "[last.xlsx]Register",
        "I2",
        "last period's file states score 12, but its impact and likelihood give 8 (Very High 4 × Medium 2); "
        "the comparison uses 8",
    )


def test_a_finding_in_last_periods_file_is_headed_by_that_file_and_its_own_row(make_register):
    """Not by the current register's row of the same number, nor with a title of this period's risk."""
    last = make_register(
        [risk_row("STR0009", title="Other risk"), risk_row("STR0001", likelihood="Medium", score=12)], name="last.xlsx"
    )
    now = make_register(
        [risk_row("STR0001", score=12, previous=12), risk_row("STR0002", title="Now in row three")], name="now.xlsx"
    )
    text = run("validate", now, "--previous", last, *AS_OF).stdout
    assert "[last.xlsx]Register row 3: STR0001\n" in text
    assert "Now in row three" not in text
    data = json.loads(run("validate", now, "--previous", last, *AS_OF, "--format", "json").stdout)
    (found,) = [f for f in data["findings"] if f["code"] == "previous-score-contradiction"]
    assert (found["cell"], found["row"]) == ("I3", 3)


def test_a_previous_score_the_file_does_not_state_names_what_it_states(make_register):
    last = make_register([risk_row("STR0001", score=12)], name="last.xlsx")
    now = make_register([risk_row("STR0001", score=12, previous=9)], name="now.xlsx")
    data = json.loads(run("validate", now, "--previous", last, *AS_OF, "--format", "json").stdout)
    (found,) = [f for f in data["findings"] if f["code"].startswith("previous-score")]
    assert found["message"] == (
        "previous score 9 contradicts last period's file, which states 12 at [last.xlsx]Register!I2; "
        "the panel workbook uses 12"
    )


# -- Dependencies that match use -------------------------------------------------------------------


def _setup() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def test_pandas_is_an_extra_and_lint_tools_are_in_dev():
    config = _setup()
    required = config["options"]["install_requires"].split()
    extras = {name: value.split() for name, value in config["options.extras_require"].items()}
    assert not any(r.startswith("pandas") for r in required) and any(r.startswith("numpy") for r in required)
    assert any(r.startswith("pandas") for r in extras["pandas"])
    assert not any(r.startswith(("ruff", "mypy")) for r in extras["test"])
    assert any(r.startswith("ruff") and "==" not in r for r in extras["dev"])
    assert any(r.startswith("mypy") for r in extras["dev"])


def _imports_pandas_at_run_time(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for type checkers only are not made at run time
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    return any(
        (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "pandas" for a in node.names))
        or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "pandas")
        for node in ast.walk(tree)
    )


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_only_frame_imports_pandas():
    importers = [
        p.relative_to(ROOT).as_posix() for p in (ROOT / "riskbook").rglob("*.py") if _imports_pandas_at_run_time(p)
    ]
    assert importers == ["riskbook/outputs/frame.py"]


def test_register_to_dataframe():
    import riskbook

    frame = riskbook.read_register(CLEAN_EXAMPLE).to_dataframe()
    assert len(frame) == 30 and list(frame.columns[:4]) == ["row", "reference", "owner", "title"]
    assert frame.loc[frame.reference == "STR0292", "computed_score"].item() == 12
    assert frame.loc[frame.reference == "STR0292", "row"].item() == 19


def test_to_dataframe_without_pandas_says_how_to_install_it(monkeypatch):
    import sys

    import riskbook

    monkeypatch.setitem(sys.modules, "pandas", None)
    register = riskbook.read_register(CLEAN_EXAMPLE)
    with pytest.raises(riskbook.RiskbookError, match=r'pip install "riskbook\[pandas\]"'):
        register.to_dataframe()


def test_a_numeric_rating_equal_to_the_score_is_no_finding(make_register):
    from tests.helpers import HEADER

    rows = [[*risk_row("STR0001"), "12"], [*risk_row("STR0002"), 12], [*risk_row("STR0003"), "4"]]
    data = json.loads(
        run("validate", make_register(rows, header=[*HEADER, "Risk Rating"]), *AS_OF, "--format", "json").stdout
    )
    assert [(f["code"], f["reference"], f["message"]) for f in data["findings"]] == [
        ("rag-mismatch", "STR0003", "rating '4' does not match score 12, which is High (9–16)")
    ]


@pytest.mark.slow  # over half a second: kept out of the quick subset
def test_a_reader_that_goes_away_ends_the_run_quietly():
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "riskbook", "build", str(CLEAN_EXAMPLE), *AS_OF, "-o", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Four bytes from the pipe itself (a buffered read would take 8 KB): the rest of the workbook, more than
    # a pipe holds, is still to be written when the reader goes away.
    assert os.read(process.stdout.fileno(), 4) == b"PK\x03\x04"
    process.stdout.close()
    assert process.wait(timeout=60) == 141  # 128 + SIGPIPE, as a shell's pipeline expects
    stderr = process.stderr.read().decode()
    assert "Traceback" not in stderr and "internal error" not in stderr and "Wrote" not in stderr


def test_no_arguments_prints_the_help_and_exits_2():
    result = run()
    assert result.exit_code == 2 and "Commands:" in result.output


def test_last_periods_file_that_shares_no_reference_is_said(make_register):
    """Another organisation's register (or the wrong file) passed as last period's: every risk would read as
    new and every one of its risks as archived, with no word."""
    last = make_register([risk_row("ABC001"), risk_row("ABC002")], name="other.xlsx")
    now = make_register([risk_row("STR0001")], name="now.xlsx")
    data = json.loads(run("validate", now, "--previous", last, *AS_OF, "--format", "json").stdout)
    (found,) = [f for f in data["findings"] if f["code"] == "previous-unrelated"]
    assert found["severity"] == "warning" and found["sheet"] == "[other.xlsx]Register"
    assert found["fields"] == {"here": 1, "there": 2}
    same = make_register([risk_row("STR0001"), risk_row("STR0009")], name="last.xlsx")
    data = json.loads(run("validate", now, "--previous", same, *AS_OF, "--format", "json").stdout)
    assert "previous-unrelated" not in [f["code"] for f in data["findings"]]
