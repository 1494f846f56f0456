"""Progress on a terminal: every long step named, on stderr only, never in JSON output or a pipe."""

import csv
import json
import os
import pty
import subprocess
import sys
import threading

import pytest

from tests.conftest import HEADER

pytestmark = pytest.mark.slow

SIZE = 5_200  # more than cli.PROGRESS_ABOVE risks
LABELS = ["Low", "Medium", "High", "Very High"]


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory):
    """5,200 risks as CSV, with an Information column so the file passes cli.READING_NOTE_ABOVE (1 MB)."""
    path = tmp_path_factory.mktemp("progress") / "large register.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*HEADER, "Information"])
        for n in range(1, SIZE + 1):
            impact, likelihood = n % 4 + 1, (n // 4) % 4 + 1
            score = impact * likelihood
            row = [f"STR{n:04d}", "Owner", f"Risk {n}", LABELS[impact - 1], LABELS[likelihood - 1], "Managed"]
            writer.writerow([*row, "01/01/2020", "10/01/2024", score, score, f"Background for risk {n}. " * 8])
    assert path.stat().st_size > 1024**2
    return path


def run_on_terminal(*args) -> tuple[int, str, str]:
    """Run riskbook with stderr on a pseudo-terminal and stdout a pipe: exit code, stdout, what the terminal got."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "riskbook", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    shown: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the process has closed the terminal
                return
            if not data:
                return
            shown.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        out, _ = process.communicate(timeout=180)
    finally:
        reader.join(timeout=10)
        os.close(master)
    return process.returncode, out.decode(), b"".join(shown).decode()


def test_build_on_a_terminal_names_each_step_and_sheet(large_csv, tmp_path):
    out = tmp_path / "panel.xlsx"
    code, stdout, terminal = run_on_terminal("build", large_csv, "-o", out, "--as-of", "2024-01-16")
    assert code == 0 and out.exists()
    assert f"Reading {large_csv} …" in terminal
    assert "Checking" in terminal and "100%" in terminal
    for sheet in ("Writing Contents", "Writing Appendix A", "Writing Appendix E", "Saving the workbook"):
        assert sheet in terminal
    assert terminal.index("Reading") < terminal.index("Checking") < terminal.index("Writing Appendix A")
    assert "Reading" not in stdout and "%" not in stdout
    assert stdout.splitlines()[0] == f"Wrote {out}"


def test_validate_as_json_on_a_terminal_shows_no_progress(large_csv):
    code, stdout, terminal = run_on_terminal("validate", large_csv, "--as-of", "2024-01-16", "--format", "json")
    assert code == 0
    assert terminal == ""
    assert json.loads(stdout)["risks"] == SIZE


def test_no_progress_when_stderr_is_a_pipe(large_csv, tmp_path):
    out = tmp_path / "panel.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "riskbook", "build", str(large_csv), "-o", str(out), "--as-of", "2024-01-16"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == f"Wrote {out}"


@pytest.mark.libreoffice
def test_printing_the_pdf_is_named_on_a_terminal_while_it_runs(tmp_path):
    """LibreOffice takes seconds even for a small paper: the step is named on the terminal, never on stdout."""
    from tests.conftest import risk_row, soffice

    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    register = tmp_path / "register.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, risk_row()])
    out, pdf = tmp_path / "panel.xlsx", tmp_path / "panel.pdf"
    code, stdout, terminal = run_on_terminal("build", register, "-o", out, "--pdf", pdf, "--as-of", "2024-01-16")
    assert code == 0 and pdf.exists()
    assert f"Printing {pdf} with LibreOffice …" in terminal
    assert "Printing" not in stdout
    assert stdout.splitlines()[:2] == [f"Wrote {out}", f"Wrote {pdf}"]


def test_template_from_on_a_terminal_names_each_step(large_csv, tmp_path):
    out = tmp_path / "template.xlsx"
    code, stdout, terminal = run_on_terminal("template", "-o", out, "--from", large_csv)
    assert code == 0 and out.exists()
    steps = [f"Reading {large_csv} …", "Checking", "Writing Register", "Writing Instructions", "Saving the workbook"]
    assert [terminal.find(step) for step in steps] == sorted(terminal.find(step) for step in steps)
    assert all(step in terminal for step in steps)
    assert stdout.splitlines()[-1] == f"Wrote {out} with {SIZE} risks from {large_csv}"


def test_quiet_shows_no_progress_on_a_terminal(large_csv, tmp_path):
    out = tmp_path / "panel.xlsx"
    code, stdout, terminal = run_on_terminal("build", large_csv, "-o", out, "--as-of", "2024-01-16", "--quiet")
    assert code == 0 and out.exists()
    assert terminal == "" and stdout == ""


def test_scheme_from_a_large_register_names_its_reading(large_csv, tmp_path):
    code, stdout, terminal = run_on_terminal("scheme", "--from", large_csv, "-o", tmp_path / "draft.toml")
    assert code == 0 and (tmp_path / "draft.toml").exists()
    assert f"Reading {large_csv} …" in terminal and "Reading" not in stdout
