"""How cards flow onto pages: several to a page, breaks between cards or whole fields, no card
starting with fewer than three rows at a page's foot, long fields filling the page first."""

from riskbook.check.period import PanelRisk
from riskbook.model import Risk
from riskbook.outputs.panel.cards import Row, heading_points, layout

CAPACITY = 480.0


def item(reference: str) -> PanelRisk:
    return PanelRisk(Risk(0, {"reference": reference, "title": f"Risk {reference}"}), 12, 12)


def lines(n: int, word: str = "line") -> str:
    return "\n".join(f"{word} {i}" for i in range(n))


def card(reference: str, *rows: Row) -> tuple[PanelRisk, list[Row]]:
    return item(reference), list(rows)


def short_card(reference: str) -> tuple[PanelRisk, list[Row]]:
    return card(reference, Row("12 · High", "Impact: High (3)"), Row("Owner", "A. Owner"), Row("Update", lines(3)))


def test_small_cards_share_a_page():
    segments = layout([short_card("R1"), short_card("R2"), short_card("R3")], CAPACITY, 48)
    assert [s.page_break for s in segments] == [False, False, False]
    assert [s.item.reference for s in segments] == ["R1", "R2", "R3"]


def test_a_card_that_cannot_show_three_rows_at_the_foot_of_a_page_starts_the_next():
    filler = card("R0", Row("Information", lines(30)))
    used_by_filler = 48 + heading_points(filler[0]) + filler[1][0].points()
    assert CAPACITY - used_by_filler < 100  # room for the heading and a row or two, not three rows
    segments = layout([filler, short_card("R1")], CAPACITY, 48)
    assert [(s.item.reference, s.page_break) for s in segments] == [("R0", False), ("R1", True)]


def test_a_short_field_that_does_not_fit_moves_whole_under_a_continued_heading():
    first = card("R1", Row("12 · High", "x"), Row("Information", lines(30)), Row("Update", lines(8)))
    segments = layout([first], CAPACITY, 48)
    assert [(s.continued, s.page_break, [r.label for r, _ in s.rows]) for s in segments] == [
        (False, False, ["12 · High", "Information"]),
        (True, True, ["Update"]),
    ]


def test_a_long_field_fills_the_page_and_continues_in_parts_with_nothing_lost():
    text = lines(70, "controls")
    segments = layout([card("R1", Row("12 · High", "x"), Row("Existing Controls", text))], CAPACITY, 48)
    labels = [[r.label for r, _ in s.rows] for s in segments]
    assert labels[0][0] == "12 · High" and labels[0][1].startswith("Existing Controls (part 1 of ")
    assert all(sum(points for _, points in s.rows) + heading_points(s.item) <= CAPACITY
               for s in segments[1:])  # fmt: skip
    pieces = [r.value for s in segments for r, _ in s.rows if r.label.startswith("Existing Controls")]
    assert "\n".join(pieces) == text
    first_page = 48 + heading_points(segments[0].item) + sum(p for _, p in segments[0].rows)
    assert first_page > CAPACITY * 0.8  # the page is filled before the field continues
