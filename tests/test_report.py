"""One checked report from validate to every output, and one catalogue of findings."""

import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from riskbook import CATALOGUE, RiskbookError, build_workbook, read_register, validate
from riskbook.cli import cli
from tests.helpers import AS_OF, CLEAN_EXAMPLE, PUBLISHED_EXAMPLE, risk_row

ROOT = Path(__file__).resolve().parent.parent
FIVE = ROOT / "workbook_templates" / "scheme-5x5.toml"


def test_a_register_read_under_a_scheme_file_is_checked_under_it(make_register):
    path = make_register([risk_row(impact=5, likelihood=5, score=25, previous=25, last="Jan 2024")])
    register = read_register(path, scheme=FIVE)
    assert register.scheme.max_value == 5
    report = validate(register, as_of=AS_OF)
    assert [f.code for f in report.findings if f.code == "bad-scale-value"] == []
    assert report.assessed[0].score == 25 and report.assessed[0].band.name == "Very High"


def test_the_report_carries_each_risks_score_band_and_review_due():
    report = validate(read_register(CLEAN_EXAMPLE), as_of=AS_OF)
    by_ref = {a.risk.reference: a for a in report.assessed}
    str0292 = by_ref["STR0292"]
    assert (str0292.risk.impact, str0292.risk.likelihood) == (4, 3)
    assert (str0292.score, str0292.band.name) == (12, "High")
    assert str0292.review_due is not None and str0292.review_due >= AS_OF
    assert len(report.period.current) == len(report.register.risks)


def test_build_refuses_a_report_with_errors(tmp_path):
    report = validate(read_register(PUBLISHED_EXAMPLE), as_of=AS_OF)
    assert not report.ok
    with pytest.raises(
        RiskbookError, match="3 errors; the panel workbook is built only from a register without errors"
    ):
        build_workbook(report, tmp_path / "panel.xlsx")
    assert not (tmp_path / "panel.xlsx").exists()


def test_validate_previous_reports_what_build_would(make_register, tmp_path):
    last = make_register([risk_row("STR0001", score=12, previous=12)], name="last.xlsx")
    now = make_register([risk_row("STR0001", score=12, previous=9)])
    result = CliRunner().invoke(
        cli, ["validate", str(now), "--previous", str(last), "--as-of", "2024-01-16", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"code": "previous-score-mismatch"' in result.output
    assert "previous score 9 contradicts last period's file, which states 12 at [last.xlsx]Register!I2; the panel " in (
        result.output
    )


def test_a_reference_twice_in_last_periods_file_is_an_error_not_a_silent_choice(make_register):
    last = make_register(
        [risk_row("STR0001", impact="Low", likelihood="Low", score=1), risk_row("STR0001", score=12)],
        name="last.xlsx",
    )
    now = make_register([risk_row("STR0001", score=12, previous=None)])
    result = CliRunner().invoke(cli, ["validate", str(now), "--previous", str(last), "--as-of", "2024-01-16"])
    assert result.exit_code == 1, result.output
    assert "[last.xlsx]Register!A3 STR0001: reference STR0001 is used twice in last period's file (also at A2)" in (
        result.output
    )


def test_every_message_template_formats_with_its_named_fields():
    for kind in CATALOGUE.values():
        fields = kind.fields()
        message = kind.template.format(**{name: 1 for name in fields})
        assert message and "{" not in message, kind.code
        assert kind.severity in ("error", "warning") and kind.summary and kind.advice
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", kind.code)


def test_a_finding_takes_exactly_its_kinds_fields():
    from riskbook.check.findings import make

    with pytest.raises(TypeError, match="missing-value takes the fields"):
        make("missing-value", "Register", "B2", "STR0001", 1, field="owner", extra=1)
    finding = make("missing-value", "Register", "B2", "STR0001", 1, field="owner")
    assert finding.as_dict()["fields"] == {"field": "owner"} and finding.as_dict()["row"] == 2


def test_checks_make_findings_only_through_the_catalogue():
    sources = [p for p in (ROOT / "riskbook").rglob("*.py") if p.name != "findings.py"]
    for path in sources:
        assert "Finding(" not in path.read_text(encoding="utf-8"), f"{path.name} builds a Finding by hand"


def test_unused_fields_in_templates_are_caught():
    kind = CATALOGUE["score-mismatch"]
    assert kind.fields() == {"stated", "rule", "working", "computed"}
    assert kind.field_names() == kind.fields() | {"impact", "likelihood"}
    with pytest.raises(KeyError):
        kind.template.format(stated=1)
    assert string.Formatter().parse(kind.template)
