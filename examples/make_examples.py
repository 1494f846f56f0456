"""Write the example registers from the January 2024 panel paper's data.

    python examples/make_examples.py

data/appendix-a-jan-2024.tsv is the paper's Appendix A as published; data/cards.json
holds the detail cards of its Appendices B and E, with the HTML fragments the Keto
risk system exported. Two registers come out, one row per risk as owners keep it:

- force-risk-register-jan-2024-as-published.xlsx: the paper's rows as printed, with
  its contradictions (three scores that are not impact × likelihood, three statuses
  misspelt): `riskbook validate` finds them.
- force-risk-register-jan-2024.xlsx: the same register corrected from the paper's own
  detail cards (STR0243 is STR0423; STR0292's likelihood is High; STR0422's impact is
  Very High; STR0380's likelihood is Medium; statuses spelt as the scheme spells them).
- force-risk-register-apr-2024.xlsx: an illustrative next quarter, for `--previous`: the
  six risks proposed for archive in January are gone (ratified at SORB), STR0292's
  likelihood rises to Very High as its January update proposed (12 → 16), and one new
  risk, STR0460, is invented for the example.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

DETAIL_HEADERS = [
    ("Responsible Officer", "responsible_officer"),
    ("Category", "category"),
    ("Information", "information"),
    ("Risk Rationale", "rationale"),
    ("Risk Consequence", "consequence"),
    ("Existing Controls", "existing_controls"),
    ("Additional Control(s)", "additional_controls"),
    ("Update", "update"),
]

CORRECTIONS = {
    "STR0243": {"Reference": "STR0423"},
    "STR0292": {"Likelihood": "High"},
    "STR0422": {"Impact": "Very High"},
    "STR0380": {"Likelihood": "Medium"},
}
ARCHIVE_PROPOSED = {"STR0423", "STR0386", "STR0127", "STR0016", "STR0422", "STR0445"}


def appendix_a() -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / "appendix-a-jan-2024.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return list(reader.fieldnames), list(reader)


def cards() -> dict[str, dict]:
    items = json.loads((DATA / "cards.json").read_text(encoding="utf-8"))
    by_ref = {}
    for card in items:
        ref = card["reference"]
        by_ref["STR0" + ref[3:] if len(ref) == 6 else ref] = card
    return by_ref


def corrected(row: dict[str, str]) -> dict[str, str]:
    row = dict(row, **CORRECTIONS.get(row["Reference"], {}))
    if row["Status"].casefold().replace("control ", "controls ") == "controls tasked":
        row["Status"] = "Controls Tasked"
    return row


def current_status(update: str) -> str:
    marker = "Current status:"
    if marker not in update:
        return ""
    tail = update.split(marker, 1)[1]
    return tail.split("</b>", 1)[0].strip(" .")


NEW_RISK = {
    "Reference": "STR0460",
    "Owner": "Ch/Supt Maxwell Head of SSD",
    "Title": "Illustrative new risk: resilience of the new records system during migration",
    "Impact": "High",
    "Likelihood": "High",
    "Status": "Awaiting Review",
    "First Recorded": "March 2024",
    "Last review": "Apr 2024",
    "Current/ proposed Risk Score": "9",
    "Previous Score": "",
}


def next_quarter(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    kept = []
    for row in rows:
        if row["Reference"] in ARCHIVE_PROPOSED:
            continue
        row = dict(row, **{"Last review": "Apr 2024"})
        if row["Reference"] == "STR0292":
            row.update({"Likelihood": "Very High", "Current/ proposed Risk Score": "16", "Previous Score": "12"})
        kept.append(row)
    return [*kept, NEW_RISK]


def write_register(
    path: Path,
    rows: list[dict[str, str]],
    headers: list[str],
    title: str,
    date_line: str,
    archive: set[str] = ARCHIVE_PROPOSED,
) -> None:
    details = cards()
    # Strings are always written as strings: no cell of a register becomes a formula.
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Register")
    bold = workbook.add_format({"bold": True, "font_size": 14})
    head = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#1F3864", "font_color": "#FFFFFF"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, date_line, bold)
    all_headers = headers + [h for h, _ in DETAIL_HEADERS] + ["Current Status", "Proposal"]
    header_row = 3
    for col, name in enumerate(all_headers):
        sheet.write_string(header_row, col, name, head)
    for offset, row in enumerate(rows, start=header_row + 1):
        card = details.get(row["Reference"], {})
        values = [row[h] for h in headers] + [card.get(key, "") for _, key in DETAIL_HEADERS]
        values += [current_status(card.get("update", "")), "Archive" if row["Reference"] in archive else ""]
        for col, value in enumerate(values):
            if value.isdigit():
                sheet.write_number(offset, col, int(value), wrap)
            else:
                sheet.write_string(offset, col, value, wrap)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 34)
    sheet.set_column(3, 9, 12)
    sheet.set_column(10, len(all_headers) - 1, 40)
    sheet.freeze_panes(header_row + 1, 1)
    sheet.autofilter(header_row, 0, header_row + len(rows), len(all_headers) - 1)
    workbook.close()


def main() -> None:
    headers, rows = appendix_a()
    title, date_line = "Appendix A  Force Risk Register", "31st JANUARY 2024"
    write_register(HERE / "force-risk-register-jan-2024-as-published.xlsx", rows, headers, title, date_line)
    clean = [corrected(r) for r in rows]
    write_register(HERE / "force-risk-register-jan-2024.xlsx", clean, headers, title, date_line)
    write_register(
        HERE / "force-risk-register-apr-2024.xlsx",
        next_quarter(clean),
        headers,
        title,
        "30th APRIL 2024",
        archive=set(),
    )


if __name__ == "__main__":
    main()
