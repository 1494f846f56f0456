"""Issue 25's Low items for the settings files (paper and scheme), each written byte for byte as an editor
saves it: Notepad's byte-order mark and CRLF line ends, an empty or invisible marking, a field too long for a
cell, arrays nested thousands deep."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.round3 import SCHEMES

UTF8_BOM = b"\xef\xbb\xbf"


def paper_file(path: Path, *lines: str) -> Path:
    path.write_bytes("".join(f"{line}\n" for line in lines).encode("utf-8"))
    return path


def empty_marking_paper(path: Path) -> Path:
    """`marking = ""`: the line is there, its text is not."""
    return paper_file(path, 'title = "Strategic risk register"', 'marking = ""')


def invisible_marking_paper(path: Path) -> Path:
    """A marking of one zero-width space (U+200B): a pasted blank that prints as nothing."""
    return paper_file(path, 'title = "Strategic risk register"', 'marking = "\u200b"')


def notepad_paper(path: Path) -> Path:
    """A paper file saved by Windows Notepad as "UTF-8 with BOM": the byte-order mark, then CRLF lines."""
    text = 'title = "Strategic risk register"\r\nmarking = "OFFICIAL-SENSITIVE"\r\n'
    path.write_bytes(UTF8_BOM + text.encode("utf-8"))
    return path


def long_title_paper(path: Path, length: int = 33_000) -> Path:
    """A title longer than the 32,767 characters a cell holds (a paste gone wrong)."""
    return paper_file(path, f'title = "{"x" * length}"')


def deep_nesting_paper(path: Path, depth: int = 5_000) -> Path:
    """An array nested thousands deep: valid TOML that a recursive parser cannot follow."""
    return paper_file(path, f"title = {'[' * depth}{']' * depth}")


def notepad_scheme(path: Path) -> Path:
    """The shipped 4 × 4 scheme saved by Notepad as "UTF-8 with BOM" with CRLF line ends."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(UTF8_BOM + text.encode("utf-8"))
    return path


def deep_nesting_scheme(path: Path, depth: int = 5_000) -> Path:
    """The shipped 4 × 4 scheme with one more key, an array nested thousands deep."""
    text = (SCHEMES / "scheme-4x4.toml").read_text(encoding="utf-8")
    path.write_bytes(f"notes = {'[' * depth}{']' * depth}\n{text}".encode())
    return path


def many_high_risks_register(path: Path, risks: int = 1_200) -> Path:
    """Issue 25 Low: a register of 1,200 High risks and no narrative (about 50 KB), each a short card in
    Appendix E."""
    from tests.helpers import HEADER, risk_row, write_xlsx

    rows = [risk_row(ref=f"STR{n:04d}", title=f"Risk number {n}", score=12, previous=12) for n in range(1, risks + 1)]
    return write_xlsx(path, [HEADER, *rows])


def draft_hostile_ratings_register(path: Path) -> Path:
    """Issue 25 Medium 11, the rest: ratings High, HIGH and high; a Next Review in 2100 (911 months on);
    a reference of 1,001 digits."""
    import datetime as dt

    from tests.helpers import HEADER, risk_row, write_xlsx

    header = [*HEADER, "Rating", "Next Review"]
    rows = [
        [*risk_row("STR0001"), "High", dt.date(2100, 1, 1)],
        [*risk_row("STR0002"), "HIGH", dt.date(2100, 1, 1)],
        [*risk_row("STR0003"), "high", dt.date(2024, 4, 10)],
        [*risk_row("STR" + "1" * 1001), "High", dt.date(2024, 4, 10)],
    ]
    return write_xlsx(path, [header, *rows])
