"""Hostile scoring schemes: refused with one line naming the key, or handled in bounded time and memory."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from riskbook.scheme.load import shipped_scheme_path
from tests.helpers import AS_OF, CLEAN_EXAMPLE, HEADER, risk_row, write_xlsx
from tests.helpers import run_cli as run
from tests.helpers import run_cli_process as run_process

BASE = shipped_scheme_path("scheme-4x4.toml").read_text(encoding="utf-8")


def scheme_file(tmp_path: Path, old: str, new: str, name: str = "scheme.toml") -> Path:
    assert old in BASE, old
    path = tmp_path / name
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    return path


def assert_refused(result, *words):
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    lines = output.strip().splitlines()
    assert code == 2, output
    assert len(lines) == 1, output
    assert all(w in lines[0] for w in words), output
    assert "Traceback" not in output


@pytest.mark.slow
def test_a_band_with_no_upper_limit_is_looked_up_without_listing_scores(tmp_path):
    scheme = scheme_file(tmp_path, "max = 16", "max = 2147483647")
    out = tmp_path / "panel.xlsx"
    # Listing every score took 2.7 GB; half a gigabyte of address space is plenty now.
    result = run_process("build", CLEAN_EXAMPLE, "-o", out, "--as-of", AS_OF, "--scheme", scheme, memory=2**30)
    assert result.returncode == 0, result.stderr
    summary = openpyxl.load_workbook(out)["Summary"]
    labels = [c.value for c in summary["A"] if c.value]
    assert "High risks (scores 9–2147483647)" in labels


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("min = 5\nmax = 8", "min = 5\nmax = 9", ["bands Medium (5–9) and High (9–16) overlap"]),
        ("max = 16", "max = inf", ["bands[0].max must be a whole number, not inf"]),
        ("min = 9", "min = nan", ["bands[0].min must be a whole number, not nan"]),
        ("value = 4\n", "value = 4.7\n", ["scale[3].value must be a whole number, not 4.7"]),
        ("review_months = 3", "review_months = 0", ["bands[0].review_months is 0; it must be from 1 to 120"]),
        ("review_months = 3", "review_months = 121", ["bands[0].review_months is 121; it must be from 1 to 120"]),
        ('fill = "#C00000"', 'fill = "red"', ["bands[0].fill must be a colour written #RRGGBB, not 'red'"]),
        ('fill = "#C00000"', 'fill = "#C0000"', ["bands[0].fill must be a colour written #RRGGBB"]),
        ('label = "Very High"', 'label = "Total"', ["scale label 'Total' is a word the workbook writes"]),
        ('label = "Very High"', 'label = "high"', ["scale: 'high' is claimed by levels 3 and 4"]),
        ('label = "Very High"', 'label = "' + "V" * 101 + '"', ["scale[3].label is 101 characters; a label may"]),
        ('name = "Controlled"', 'name = "managed"', ["statuses labels 'Managed' and 'managed' differ only in case"]),
        (
            'pattern = "^STR\\\\d{4}$"',
            'pattern = "^(STR)\\\\1$"',
            ["reference.pattern", "look-arounds and backreferences are not supported"],
        ),
        ('pattern = "^STR\\\\d{4}$"', 'pattern = "^STR(\\\\d{4}"', ["reference.pattern", "is not a usable pattern"]),
    ],
)
def test_a_hostile_scheme_is_refused_naming_the_key(tmp_path, old, new, words):
    scheme = scheme_file(tmp_path, old, new)
    assert_refused(run("validate", CLEAN_EXAMPLE, "--as-of", AS_OF, "--scheme", scheme), f"scheme {scheme}:", *words)


def test_a_scale_of_more_than_ten_values_is_refused(tmp_path):
    more = "".join(f'[[scale]]\nvalue = {v}\nlabel = "Level {v}"\n' for v in range(5, 12))
    scheme = scheme_file(tmp_path, "# Bands:", more + "# Bands:")
    assert_refused(
        run("validate", CLEAN_EXAMPLE, "--as-of", AS_OF, "--scheme", scheme),
        "scale: 11 levels; a scale has 2 to 10",
    )


@pytest.mark.slow
def test_a_catastrophic_reference_pattern_cannot_hang_validate(tmp_path):
    scheme = scheme_file(tmp_path, 'pattern = "^STR\\\\d{4}$"', 'pattern = "^(a+)+$"')
    register = write_xlsx(tmp_path / "register.xlsx", [HEADER, risk_row(ref="a" * 60 + "!")])
    # Python's backtracking engine would take longer than the age of the universe over this reference.
    result = run_process("validate", register, "--as-of", AS_OF, "--scheme", scheme, "--format", "json", timeout=30)
    assert result.returncode == 0, result.stderr
    assert '"code": "bad-reference"' in result.stdout
    assert result.stderr == ""  # RE2 writes nothing of its own
