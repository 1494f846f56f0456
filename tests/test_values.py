import datetime as dt

import pytest

from riskbook.read.values import Invalid, PartialDate, clean_text, html_to_text, parse_date, parse_scale
from riskbook.scheme.load import load_scheme

SCHEME = load_scheme()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16/05/23", PartialDate(2023, 5, 16)),
        ("04/12/2008", PartialDate(2008, 12, 4)),
        ("4.12.2008", PartialDate(2008, 12, 4)),
        ("2023-05-16", PartialDate(2023, 5, 16)),
        ("12th June 2023", PartialDate(2023, 6, 12)),
        ("September 2021", PartialDate(2021, 9)),
        ("Sept 2023", PartialDate(2023, 9)),
        ("Jan 2024", PartialDate(2024, 1)),
        ("  jan   2024\u00a0", PartialDate(2024, 1)),
        ("Sep-23", PartialDate(2023, 9)),
    ],
)
def test_date_text_forms(text, expected):
    assert parse_date(text) == expected


def test_real_dates_are_read_to_the_day():
    assert parse_date(dt.datetime(2023, 5, 16, 0, 0)) == PartialDate(2023, 5, 16)
    assert parse_date(dt.date(2023, 5, 16)) == PartialDate(2023, 5, 16)


@pytest.mark.parametrize("text", ["31/02/2023", "soon", "13/13/2023", "Smarch 2023", ""])
def test_unreadable_dates_are_invalid(text):
    result = parse_date(text)
    assert isinstance(result, Invalid) and result.code == "bad-date"


def test_month_only_date_keeps_its_precision():
    jan = parse_date("Jan 2024")
    assert jan.earliest == dt.date(2024, 1, 1)
    assert jan.latest == dt.date(2024, 1, 31)
    assert str(jan) == "Jan 2024"


@pytest.mark.parametrize(
    ("raw", "expected"), [(4, 4), (4.0, 4), ("4", 4), (" 3 ", 3), ("very high", 4), ("LOW", 1), ("Medium", 2)]
)
def test_scale_values_in_every_form(raw, expected):
    assert parse_scale(raw, SCHEME) == expected


@pytest.mark.parametrize("raw", [0, 5, 2.5, "Extreme", "-1"])
def test_off_scale_values_are_invalid(raw):
    result = parse_scale(raw, SCHEME)
    assert isinstance(result, Invalid) and result.code == "bad-scale-value"


def test_html_fragments_become_plain_text_without_losing_words():
    raw = (
        '<p>On the 12th &amp; 13th</p> <ul style="list-style-type: none"> <li>• First point</li>'
        "<li>• Second point</li> </ul><ol><li>Review completed.</li><li>Niche done.</li></ol>"
        " <p><b>Current status: Consider for archive</b></p>"
    )
    assert html_to_text(raw) == (
        "On the 12th & 13th\n• First point\n• Second point\n1. Review completed.\n2. Niche done.\n"
        "Current status: Consider for archive"
    )


def test_text_with_a_less_than_sign_is_not_taken_for_markup():
    assert clean_text("<25% (unlikely to occur)") == "<25% (unlikely to occur)"
    assert clean_text("H&S team") == "H&S team"


def test_clean_text_trims_non_breaking_spaces_and_keeps_unicode():
    assert clean_text("\u00a0 Ymgynghoriad – café 🚓 \u00a0") == "Ymgynghoriad – café 🚓"
    assert clean_text(12.0) == "12"
