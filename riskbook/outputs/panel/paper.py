"""What the covering report says about itself: the meeting, who it is from, its purpose.

Given on the command line or in a TOML paper file (`--paper paper.toml`), so a risk unit
that writes the same paper every quarter keeps it in one place.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from riskbook.errors import RiskbookError
from riskbook.source.files import check_input
from riskbook.source.settings_toml import parse_settings, prints_as_nothing

MAX_PAPER_BYTES = 1_000_000
# A field is a line or a paragraph of the Cover: a paste gone wrong is refused here, naming the field, long
# before it reaches a cell (32,767 characters at most).
MAX_FIELD = 1_000
MAX_PARAGRAPH = 10_000
PARAGRAPHS = ("purpose", "recommendation")


@dataclass(frozen=True)
class Paper:
    """The covering report's details; an empty field is left off the cover (or given its default)."""

    organisation: str = ""
    title: str = ""
    meeting: str = ""  # "JARAP, 31 January 2024"
    report_of: str = ""  # who the paper is from: "Chief Finance Officer"
    author: str = ""
    contact: str = ""
    period: str = ""  # the period covered, in words; default from --since or --previous
    purpose: str = ""
    recommendation: str = ""
    marking: str = ""
    language: str = ""  # the PDF's language tag, "en-GB" when not given
    source: str = field(default="", compare=False)  # the paper file, to say where a contradiction is

    def merged(self, **options: str | None) -> Paper:
        """This paper with the options given (not None) put over it: the command line wins."""
        given = {k: v for k, v in options.items() if v is not None}
        for name, value in given.items():
            check_length(f"--{name.replace('_', '-')}", name, value)
        return replace(self, **given)


def check_length(where: str, name: str, value: str) -> None:
    most = MAX_PARAGRAPH if name in PARAGRAPHS else MAX_FIELD
    if len(value) > most:
        raise RiskbookError(f"{where} is {len(value):,} characters; a paper's {name} may have at most {most:,}")


PAPER_KEYS = tuple(f.name for f in fields(Paper) if f.name != "source")


def load_paper(path: str | Path) -> Paper:
    """Read a TOML paper file; one clear line (RiskbookError) when it cannot be used."""
    path = Path(path)
    try:
        if path.is_dir():
            raise RiskbookError(f"{path}: is a folder; give the paper's .toml file")
        if path.stat().st_size > MAX_PAPER_BYTES:
            raise RiskbookError(f"{path}: a paper file is a few lines of TOML; this one is over 1 MB")
        check_input(path, "paper")  # a pipe or a device: refused before it is read
        data = parse_settings(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RiskbookError(f"{path}: no such paper file") from None
    except UnicodeDecodeError:
        raise RiskbookError(f"{path}: the paper file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise RiskbookError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise RiskbookError(f"{path}: cannot read the paper file ({exc.strerror})") from None
    values: dict[str, str] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name in values:
            raise RiskbookError(f"{path}: {key} is given twice (as {name.replace('_', '-')} and {name}); keep one")
        if name not in PAPER_KEYS:
            raise RiskbookError(f"{path}: unknown key {key!r}; a paper file holds {', '.join(PAPER_KEYS)}")
        if not isinstance(value, str):
            raise RiskbookError(f"{path}: {key} must be text in quotes, not {type(value).__name__}")
        check_length(f"{path}: {key}", name, value)
        if name == "marking" and prints_as_nothing(value):
            raise RiskbookError(
                f"{path}: marking {value!r} prints as nothing; write the paper's protective marking "
                '(e.g. "OFFICIAL"), or leave the line out for OFFICIAL'
            )
        values[name] = value.strip()
    return Paper(**values, source=str(path))
