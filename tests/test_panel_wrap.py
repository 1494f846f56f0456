"""The panel's row heights count a cell's wrapped lines with page.wrap_count, which counts the common
text (words within the width, one plain space between them) a line at a time: it must give the line
count textwrap gives every text, or a row printed in the panel is cut or padded."""

from __future__ import annotations

import random
import textwrap

import pytest

from riskbook.outputs.panel import cards, page

PIECES = [
    "risk",
    "budget",
    "a",
    "Ü",
    "régional",
    "fleet-wide",
    "x" * 9,
    "y" * 31,  # longer than most widths below: broken where a line ends
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\xa0",
    "\u2003",
    "\x1c",
    "\r",
    "\x0b",
    ".",
]
TEXTS = [
    "",
    " ",
    "a",
    "Digital contractors security incident strategic retention budget services budget",
    " leading space",
    "trailing space ",
    "two  spaces",
    "a\xa0b c",
    "word \xa0 word " * 4,
    "z" * 80,
    "short then " + "w" * 60 + " and more words after it",
    "exact fit " * 10,
]


def _textwrap_count(text: str, width: int) -> int:
    return len(textwrap.wrap(text, width, break_on_hyphens=False))


def _random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def _plain_texts(seed: int, count: int) -> list[str]:
    """Words of 1–12 letters, one plain space between them: the text wrap_count counts a line at a time."""
    rng = random.Random(seed)
    words = ["a", "of", "risk", "budget", "régional", "contractors", "x" * 12, "fleet-wide", "Ü"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_counting_wrapped_lines_a_line_at_a_time_gives_textwraps_count(seed, monkeypatch):
    texts = TEXTS + _random_texts(seed, 400) + _plain_texts(seed, 400)
    for width in (1, 2, 5, 9, 10, 11, 12, 13, 20, 28, 31, 45):
        counted = [page.wrap_count(text, width) for text in texts]
        assert counted == [_textwrap_count(text, width) for text in texts], width
    wrapped = []
    monkeypatch.setattr(page.textwrap, "wrap", lambda *args, **kwargs: wrapped.append(args) or [])
    assert [page.wrap_count(text, 12) for text in _plain_texts(seed, 400)]
    assert not wrapped  # every plain text within the width was counted a line at a time


def test_a_title_wraps_at_the_last_space_its_line_holds():
    title = "Digital contractors security incident strategic retention budget services budget"
    assert page.wrap_count(title, 28) == 3  # "Digital contractors security", "incident strategic retention", "budget …"
    assert page.wrap_count("abc def", 7) == 1 and page.wrap_count("abc defg", 7) == 2
    assert page.wrap_count("ab " + "c" * 10, 5) == 3  # "ab", "ccccc", "ccccc"


def test_panel_row_heights_count_lines_as_textwrap_does():
    for text in [*TEXTS, *_random_texts(9, 200), "first line\nsecond line that runs on a while"]:
        expected = sum(_textwrap_count(line, 28) or 1 for line in text.split("\n"))
        assert page.wrapped_lines(text, 20.5) == (1 if len(text) <= 28 and "\n" not in text else expected)
        assert cards.wrapped_lines(text.replace("\n", " ")) == (
            1
            if len(text) <= cards.CARD_VALUE_CHARS
            else _textwrap_count(text.replace("\n", " "), cards.CARD_VALUE_CHARS) or 1
        )
