"""Deterministic registers of N risks, one row per risk, in the shapes registers come in.

    python benchmarks/generate.py 100000 benchmarks/out/register-100000.xlsx            # shared strings
    python benchmarks/generate.py 100000 benchmarks/out/inline-100000.xlsx --shape inline

Every register validates with no findings at 2024-01-16 (with benchmarks/scheme.toml, whose
references have six digits). The shapes (see SHAPES):

- shared: 20 columns, text in the shared-strings table, as Excel saves a workbook; detail fields
  run to 200–800 characters, about one in five written as the HTML fragments risk systems export.
- inline: the same rows with text written inline in the sheet XML, as xlsxwriter's constant-memory
  mode and several reporting tools write it (the sheet XML is then the whole text).
- light: 20 columns, shared strings, detail fields of one short sentence (narrative-light).
- narrow: the first 10 columns only (no narrative), shared strings.
- wide: 26 columns, shared strings: the 20 plus a target score and five columns riskbook does not know
  (kept as extras).
- csv: the rows of `shared` as a .csv file (UTF-8, dates as DD/MM/YYYY).
- html: the 20 columns of `shared`, every detail field 200–800 characters of HTML as risk systems
  export it (`<p>` paragraphs, entities such as `&amp;`, now and then a list).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

AS_OF = dt.date(2024, 1, 16)
HEADER = [
    "Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "First Recorded", "Last Review",
    "Current/ proposed Risk Score", "Previous Score", "Responsible Officer", "Category", "Information",
    "Risk Rationale", "Risk Consequence", "Existing Controls", "Additional Control(s)", "Update",
    "Current Status", "Proposal",
]  # fmt: skip
EXTRA_HEADER = ["Directorate", "Risk Appetite", "Target Score", "Linked Risks", "Comments", "Last Updated By"]
LABELS = ["Low", "Medium", "High", "Very High"]
STATUSES = ["Controls Tasked", "Overdue Control", "Managed", "Controlled", "Awaiting Review"]
OWNERS = [
    "Paul Dawkins ACO Finance & Resources", "David Craig Head of I.T", "Adam Streets ACC",
    "Ch/Supt Maxwell Head of SSD", "Steve Morris Head of Info Management", "Andrew Wroe Head of Estates",
    "Alastair Kelly ACO HR", "Supt Tompkins Head of PSD", "Leah Johnson Head of Criminal Justice",
]  # fmt: skip
CATEGORIES = ["Finance", "People", "Operational", "Estates and Assets", "Legislative Compliance"]
DIRECTORATES = ["Corporate Services", "Local Policing", "Specialist Operations", "Crime", "Professional Standards"]
WORDS = (
    "force risk demand capacity staff vacancies training review board governance performance indicators "
    "strategic priorities pledge funding budget pressure inflation recruitment retention controls audit "
    "assurance systems network storage cyber security estates building services contractors vetting "
    "compliance legislation public confidence victims partners partnership safeguarding investigation "
    "officers detectives calls response times backlog digital transformation cloud migration resilience "
    "business continuity incident monitoring report panel quarter update completed ongoing planned"
).split()


@dataclass(frozen=True)
class Shape:
    """How a register is laid out and saved."""

    columns: int  # 10, 20 or 26 (see HEADER and EXTRA_HEADER)
    narrative: str  # "heavy" (200–800 characters), "html" (the same, all of it HTML) or "light" (one short sentence)
    inline_strings: bool = False
    csv: bool = False

    @property
    def suffix(self) -> str:
        return ".csv" if self.csv else ".xlsx"


SHAPES = {
    "shared": Shape(columns=20, narrative="heavy"),
    "inline": Shape(columns=20, narrative="heavy", inline_strings=True),
    "light": Shape(columns=20, narrative="light"),
    "narrow": Shape(columns=10, narrative="heavy"),
    "wide": Shape(columns=26, narrative="heavy"),
    "csv": Shape(columns=20, narrative="heavy", csv=True),
    "html": Shape(columns=20, narrative="html"),
}


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def narrative(rng: random.Random) -> str:
    target = rng.randint(200, 800)
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(sentence(rng))
    if rng.random() < 0.2:
        head, *items = parts
        return f"<p>{head}</p> <ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return " ".join(parts)


def html_narrative(rng: random.Random) -> str:
    """200–800 characters of paragraphs, as a risk system's rich-text field exports them."""
    target = rng.randint(200, 800)
    parts: list[str] = []
    while sum(len(p) + 8 for p in parts) < target:
        text = sentence(rng)
        if rng.random() < 0.3:
            text = (
                text.replace(" and ", " &amp; ", 1).replace(" and", " &amp;", 1) + " Owner&#39;s update &amp; review."
            )
        parts.append(text)
    if rng.random() < 0.2 and len(parts) > 2:
        head, *items = parts
        return f"<p>{head}</p><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return "".join(f"<p>{part}</p>" for part in parts)


def risk_row(rng: random.Random, number: int, shape: Shape = SHAPES["shared"]) -> list[object]:
    impact, likelihood = rng.randint(1, 4), rng.randint(1, 4)
    score = impact * likelihood
    last = AS_OF - dt.timedelta(days=rng.randint(0, 85))
    first = last - dt.timedelta(days=rng.randint(0, 3650))
    proposal = rng.choices(["", "Archive", "New"], weights=[92, 5, 3])[0]
    previous = score if rng.random() < 0.9 else rng.choice([s for s in (1, 2, 3, 4, 6, 8, 9, 12, 16) if s != score])
    detail = {"heavy": narrative, "html": html_narrative, "light": sentence}[shape.narrative]
    row: list[object] = [
        f"STR{number:06d}",
        rng.choice(OWNERS),
        sentence(rng)[:80],
        LABELS[impact - 1],
        LABELS[likelihood - 1],
        rng.choice(STATUSES),
        first,
        last,
        score,
        previous,
        rng.choice(OWNERS).split(" Head")[0],
        rng.choice(CATEGORIES),
        detail(rng),
        detail(rng),
        detail(rng),
        detail(rng),
        detail(rng),
        detail(rng),
        "No change to risk score",
        proposal,
    ]
    if shape.columns > len(HEADER):
        row += [
            rng.choice(DIRECTORATES),
            rng.choice(["Averse", "Cautious", "Open"]),
            rng.randint(1, score),  # a target at or below the current score, as registers set it
            f"STR{rng.randint(1, number):06d}",
            sentence(rng),
            rng.choice(OWNERS).split(" Head")[0],
        ]
    return row[: shape.columns]


def header(shape: Shape) -> list[str]:
    return [*HEADER, *EXTRA_HEADER][: shape.columns]


def generate(count: int, path: Path, shape: Shape = SHAPES["shared"]) -> Path:
    """Write a register of count risks in the given shape (the same seed gives the same rows)."""
    rng = random.Random(count)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = (risk_row(rng, n + 1, shape) for n in range(count))
    if shape.csv:
        return _write_csv(path, shape, rows)
    # Shared strings, as Excel itself saves a workbook; constant_memory writes inline strings.
    workbook = xlsxwriter.Workbook(
        path, {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": shape.inline_strings}
    )
    sheet = workbook.add_worksheet("Register")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "Force Risk Register (generated for the riskbook benchmark)")
    for col, name in enumerate(header(shape)):
        sheet.write_string(2, col, name)
    for row, values in enumerate(rows):
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(row + 3, col, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int):
                sheet.write_number(row + 3, col, value)
            else:
                sheet.write_string(row + 3, col, value)
    workbook.close()
    return path


def _write_csv(path: Path, shape: Shape, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header(shape))
        for values in rows:
            writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in values])
    return path


def register_path(out: Path, shape_name: str, count: int) -> Path:
    """Where run.py keeps a shape's register (the shared shape keeps its old name)."""
    stem = "register" if shape_name == "shared" else shape_name
    return out / f"{stem}-{count}{SHAPES[shape_name].suffix}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="shared")
    args = parser.parse_args()
    generate(args.count, args.path, SHAPES[args.shape])
