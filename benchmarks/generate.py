"""A deterministic register of N risks, one row per risk, with realistic narrative.

    python benchmarks/generate.py 100000 benchmarks/out/register-100000.xlsx

Every register validates with no findings at 2024-01-16 (with benchmarks/scheme.toml, whose
references have six digits). Detail fields run to 200–800
characters, about one in five written as the HTML fragments risk systems export.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import xlsxwriter

AS_OF = dt.date(2024, 1, 16)
HEADER = [
    "Reference", "Owner", "Title", "Impact", "Likelihood", "Status", "First Recorded", "Last Review",
    "Current/ proposed Risk Score", "Previous Score", "Responsible Officer", "Category", "Information",
    "Risk Rationale", "Risk Consequence", "Existing Controls", "Additional Control(s)", "Update",
    "Current Status", "Proposal",
]  # fmt: skip
LABELS = ["Low", "Medium", "High", "Very High"]
STATUSES = ["Controls Tasked", "Overdue Control", "Managed", "Controlled", "Awaiting Review"]
OWNERS = [
    "Paul Dawkins ACO Finance & Resources", "David Craig Head of I.T", "Adam Streets ACC",
    "Ch/Supt Maxwell Head of SSD", "Steve Morris Head of Info Management", "Andrew Wroe Head of Estates",
    "Alastair Kelly ACO HR", "Supt Tompkins Head of PSD", "Leah Johnson Head of Criminal Justice",
]  # fmt: skip
CATEGORIES = ["Finance", "People", "Operational", "Estates and Assets", "Legislative Compliance"]
WORDS = (
    "force risk demand capacity staff vacancies training review board governance performance indicators "
    "strategic priorities pledge funding budget pressure inflation recruitment retention controls audit "
    "assurance systems network storage cyber security estates building services contractors vetting "
    "compliance legislation public confidence victims partners partnership safeguarding investigation "
    "officers detectives calls response times backlog digital transformation cloud migration resilience "
    "business continuity incident monitoring report panel quarter update completed ongoing planned"
).split()


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


def risk_row(rng: random.Random, number: int) -> list[object]:
    impact, likelihood = rng.randint(1, 4), rng.randint(1, 4)
    score = impact * likelihood
    last = AS_OF - dt.timedelta(days=rng.randint(0, 85))
    first = last - dt.timedelta(days=rng.randint(0, 3650))
    proposal = rng.choices(["", "Archive", "New"], weights=[92, 5, 3])[0]
    previous = score if rng.random() < 0.9 else rng.choice([s for s in (1, 2, 3, 4, 6, 8, 9, 12, 16) if s != score])
    return [
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
        narrative(rng),
        narrative(rng),
        narrative(rng),
        narrative(rng),
        narrative(rng),
        narrative(rng),
        "No change to risk score",
        proposal,
    ]


def generate(count: int, path: Path) -> Path:
    rng = random.Random(count)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Shared strings, as Excel itself saves a workbook (constant_memory would write inline strings).
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Register")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "Force Risk Register (generated for the riskbook benchmark)")
    for col, name in enumerate(HEADER):
        sheet.write_string(2, col, name)
    for row in range(count):
        for col, value in enumerate(risk_row(rng, row + 1)):
            if isinstance(value, dt.date):
                sheet.write_datetime(row + 3, col, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int):
                sheet.write_number(row + 3, col, value)
            else:
                sheet.write_string(row + 3, col, value)
    workbook.close()
    return path


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
