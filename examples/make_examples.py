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

Three more, with invented risks, in other organisations' shapes, one per shipped scheme
(each validates clean at 2024-06-30):

- iso27001-risk-register.xlsx (scheme-5x5-words.toml): an instructions sheet first, title
  rows, a two-row header ("Inherent" and "Residual" over Likelihood, Impact, Score), RAG
  words in the rating, Welsh labels on one row, a future Review Date.
- nhs-risk-register.csv (scheme-nhs-5x5.toml): `;`-separated, numeric consequence and
  likelihood, Datix-style numeric IDs.
- project-risk-register.xlsx (scheme-3x3.toml): R.1 references, a Low/Medium/High rating read
  off a lookup matrix that is not a product.
- risikoanalyse-lagerverwaltung.xlsx (no scheme: `riskbook scheme --from` drafts it): a German
  project's analysis, the impact named twice (sentences, then MIL-STD-882's words), numbered
  group headings and pre-numbered blank lines.

And a year of the force's quarters for `--history`, in history/ (write_history): January,
April, July and October 2024, each stating its date above its header.
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
    updates: dict[str, str] | None = None,
) -> None:
    details = cards()
    for reference, update in (updates or {}).items():
        details[reference] = dict(details.get(reference, {}), update=update)
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


# -- Registers in other organisations' shapes, one per shipped scheme (invented risks) -----------
# Each validates with no findings at OTHER_AS_OF under its scheme, and builds.

OTHER_AS_OF = "2024-06-30"

ISO_RISKS = [
    # id, asset, description, inherent (likelihood, impact, score), residual (likelihood, impact), owner, treatment,
    # status, created, last reviewed, next review
    ("R-001", "File servers", "Ransomware encrypts the shared drives and backups", ("Likely", "Catastrophic", 20),
     ("Possible", "Major"), "Head of IT", "Reduce: offline backups, EDR on every server", "Open",
     "14/02/2023", "03/06/2024", "03/07/2024"),
    ("R-002", "Email", "Phishing gives an attacker a staff mailbox", ("Almost certain", "Moderate", 15),
     ("Posibl", "Cymedrol"), "Information Security Manager", "Reduce: MFA and phishing drills", "Open",
     "14/02/2023", "20/05/2024", "20/08/2024"),
    ("R-003", "Payroll system", "Supplier outage stops the monthly pay run", ("Unlikely", "Major", 8),
     ("Rare", "Major"), "Head of Finance", "Transfer: contract penalties and a manual fallback", "Monitoring",
     "01/03/2023", "12/04/2024", "12/07/2024"),
    ("R-004", "Laptops", "A lost laptop exposes personal data", ("Possible", "Minor", 6),
     ("Unlikely", "Minor"), "Information Security Manager", "Reduce: disk encryption", "Monitoring",
     "01/03/2023", "02/02/2024", "02/08/2024"),
    ("R-005", "Website", "Defacement of the public website", ("Rare", "Minor", 2),
     ("Rare", "Insignificant"), "Head of Communications", "Accept", "Closed",
     "10/05/2023", "15/01/2024", "15/07/2024"),
]  # fmt: skip

NHS_RISKS = [
    # id; description; consequence; likelihood; score; rating; owner; status; created; last reviewed; next review
    ("1043", "Delays in discharge lead to ambulance handover delays", 4, 4, 16, "Extreme", "Chief Operating Officer",
     "Open", "02/01/2023", "18/06/2024", "18/07/2024"),
    ("1051", "Nurse vacancies on medical wards above 12%", 3, 4, 12, "High", "Chief Nurse", "Open",
     "15/02/2023", "01/05/2024", "01/08/2024"),
    ("1077", "Paper records lost in transfer between sites", 2, 3, 6, "Moderate", "Head of Information Governance",
     "Open", "20/03/2023", "10/03/2024", "10/09/2024"),
    ("1102", "Sterile services equipment beyond its service life", 3, 1, 3, "Low", "Director of Estates", "Closed",
     "11/04/2023", "05/01/2024", "05/01/2025"),
]  # fmt: skip

PROJECT_RISKS = [
    # no., risk, probability, impact, rating, response, owner, status, last updated
    ("R.1", "Key supplier misses the data migration window", "High", "High", "High",
     "Agree a fallback window now", "Project Manager", "Open", "24/06/2024"),
    ("R.2", "Testers not released from business as usual", "Medium", "Medium", "Amber",
     "Escalate to the sponsor", "Test Lead", "Open", "24/06/2024"),
    ("R.3", "Licences cost more than budgeted", "Low", "High", "Medium", "Accept", "Sponsor", "Open", "10/06/2024"),
    ("R.4", "Training rooms unavailable in go-live week", "Low", "Low", "Low", "Book now", "Trainer", "Closed",
     "02/04/2024"),
]  # fmt: skip


def write_iso27001_register(path: Path) -> None:
    """An ISO 27001 register as Excel keeps it: title rows, then a two-row header whose groups
    ("Inherent", "Residual") sit over the likelihood, impact and score columns."""
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Instructions")
    sheet.write_string(0, 0, "How to use this register: one row per risk; review each risk by its Review Date.")
    sheet = workbook.add_worksheet("Risk Register")
    head = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center"})
    sheet.write_string(0, 0, "Information Security Risk Register (ISO/IEC 27001:2022, clause 6.1.2)")
    sheet.write_string(1, 0, "Version 4.2 · Owner: Information Security Manager")
    groups = ["Risk ID", "Asset", "Description", "Inherent", "", "", "Residual", "", "", "",
              "Risk Owner", "Treatment", "Status", "Date Created", "Last Reviewed", "Review Date"]  # fmt: skip
    subs = ["", "", "", "Likelihood", "Impact", "Score", "Likelihood", "Impact", "Score", "Rating"]
    for col, text in enumerate(groups):
        if text:
            sheet.write_string(3, col, text, head)
    for col, text in enumerate(subs):
        if text:
            sheet.write_string(4, col, text, head)
    scheme = _scheme("scheme-5x5-words.toml")
    for row, risk in enumerate(ISO_RISKS, start=5):
        ref, asset, description, (il, ii, iscore), (rl, ri), owner, treatment, status, *dates = risk
        likelihood = scheme.likelihood_scale.value_for_label(rl)
        impact = scheme.impact_scale.value_for_label(ri)
        score = scheme.score_for(impact, likelihood)
        rating = scheme.band(score).words[0]  # the RAG word: Red, Amber, Green
        values = [ref, asset, description, il, ii, iscore, rl, ri, score, rating, owner, treatment, status, *dates]
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
    sheet.set_column(0, 15, 16)
    workbook.close()


def write_nhs_register(path: Path) -> None:
    """A trust's register exported as CSV with semicolons, as a continental-locale Excel saves it."""
    header = ["ID", "Risk Description", "Consequence", "Likelihood", "Risk Score", "Risk Rating", "Risk Owner",
              "Status", "Date Created", "Last Reviewed", "Next Review"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        writer.writerows(NHS_RISKS)


def write_project_register(path: Path) -> None:
    """A project's 3 × 3 register: numbered R.1, R.2 …, rated off a lookup matrix, no dates but the last update."""
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("RAID - Risks")
    sheet.write_string(0, 0, "Finance system replacement: risk log")
    header = ["Risk No.", "Risk", "Probability", "Impact", "Rating", "Response", "Owner", "Status", "Last Updated"]
    for col, text in enumerate(header):
        sheet.write_string(2, col, text)
    for row, risk in enumerate(PROJECT_RISKS, start=3):
        for col, value in enumerate(risk):
            sheet.write_string(row, col, value)
    workbook.close()


GERMAN_GROUPS = {
    "Technik": [
        ("Server fällt während der Inventur aus", "Veraltete Hardware", "Die Inventur muss wiederholt werden",
         "Möglich", "Kritisch", "Ersatzserver bereithalten", "IT-Betrieb"),
        ("Schnittstelle zum ERP liefert falsche Bestände", "Unklare Feldzuordnung", "Bestellungen gehen ins Leere",
         "Wahrscheinlich", "Geringfügig", "Zuordnung mit dem ERP-Team abstimmen", "Entwicklung"),
        ("Datenverlust bei der Migration", "Kein getestetes Backup", "Bestände müssen neu erfasst werden",
         "Unwahrscheinlich", "Katastrophal", "Migration zweimal proben", "IT-Betrieb"),
    ],
    "Organisation": [
        ("Projektleiterin fällt länger aus", "Krankheit", "Entscheidungen bleiben liegen",
         "Selten", "Kritisch", "Stellvertretung benennen", "Lenkungskreis"),
        ("Lagerpersonal lehnt das neue System ab", "Keine Schulung", "Buchungen werden am System vorbei gemacht",
         "Möglich", "Geringfügig", "Schulungen vor dem Start", "Projektleitung"),
        ("Lieferant liefert Scanner zu spät", "Lieferengpass", "Der Start verschiebt sich um Wochen",
         "Wahrscheinlich", "Unwesentlich", "Früh bestellen", "Einkauf"),
    ],
}  # fmt: skip


def write_german_register(path: Path) -> None:
    """A German project's risk analysis, as teams keep it: the impact named twice (what would happen, in
    sentences, then its degree in words), numbered group headings over the risks, the usual German scale
    words, and pre-numbered lines left for more risks."""
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Risikoanalyse")
    sheet.write_string(0, 0, "Risikoanalyse Projekt Lagerverwaltung")
    header = ["Nr.", "Risiko", "Ursache", "Auswirkung", "Eintrittswahrscheinlichkeit", "Auswirkungsgrad",
              "Maßnahmen", "Risikoeigentümer"]  # fmt: skip
    for col, text in enumerate(header):
        sheet.write_string(2, col, text)
    row = 3
    for group_number, (group, risks) in enumerate(GERMAN_GROUPS.items(), start=1):
        sheet.write_number(row, 0, group_number)
        sheet.write_string(row, 1, group)
        row += 1
        for number, risk in enumerate(risks, start=1):
            sheet.write_string(row, 0, f"{group_number}.{number}")
            for col, value in enumerate(risk, start=1):
                sheet.write_string(row, col, value)
            row += 1
    for blank in range(len(risks) + 1, len(risks) + 5):  # lines left for more risks in the last group
        sheet.write_string(row, 0, f"{len(GERMAN_GROUPS)}.{blank}")
        row += 1
    workbook.close()


def _scheme(name: str):
    import sys

    sys.path.insert(0, str(HERE.parent))
    from riskbook.scheme.load import load_scheme

    return load_scheme(HERE.parent / "workbook_templates" / name)


def other_shapes() -> None:
    write_iso27001_register(HERE / "iso27001-risk-register.xlsx")
    write_nhs_register(HERE / "nhs-risk-register.csv")
    write_project_register(HERE / "project-risk-register.xlsx")
    write_german_register(HERE / "risikoanalyse-lagerverwaltung.xlsx")


# -- A year of quarters, for --history ------------------------------------------------------------

SCORE, PREVIOUS, REVIEW = "Current/ proposed Risk Score", "Previous Score", "Last review"
LABELS = {"Low": 1, "Medium": 2, "High": 3, "Very High": 4}


def _score(row: dict[str, str]) -> str:
    return str(LABELS[row["Impact"]] * LABELS[row["Likelihood"]])


def _next(rows: list[dict[str, str]], review: str, changes: dict[str, dict[str, str]], drop=()) -> list[dict]:
    """The next quarter: each row's previous score is this quarter's, its review this quarter's, with changes."""
    out = []
    for row in rows:
        if row["Reference"] in drop:
            continue
        row = dict(row, **{PREVIOUS: row[SCORE], REVIEW: review})
        row.update(changes.get(row["Reference"], {}))
        row[SCORE] = _score(row)
        out.append(row)
    return out


def write_history(folder: Path) -> dict[str, Path]:
    """Four quarters of the force's register, for `--history`: January and April as above, July and October
    invented from them: risks re-scored, one proposed for archive and archived (STR0419), one that vanishes
    without a proposal (STR0453), a reference reused for another risk (STR0350), a new risk (STR0470), a
    risk not reviewed from January to October (STR0383), two score changes of which one is explained.
    Returns {"jan": path, "apr": …, "jul": …, "oct": …}; October is the current register (as at 2024-10-31)."""
    folder.mkdir(parents=True, exist_ok=True)
    headers, rows = appendix_a()
    title = "Appendix A  Force Risk Register"
    jan = [corrected(r) for r in rows]
    for row in jan:
        row[SCORE] = _score(row)
    apr = next_quarter(jan)
    for row in apr:
        row[REVIEW] = "Jan 2024" if row["Reference"] == "STR0383" else "Apr 2024"
    jul = _next(
        apr,
        "Jul 2024",
        {"STR0460": {"Likelihood": "Very High"}, "STR0383": {REVIEW: "Jan 2024"}},
        drop={"STR0453"},
    )
    new = dict(
        NEW_RISK,
        **{
            "Reference": "STR0470",
            "Title": "Drone deployment without an approved policy",
            "Impact": "High",
            "Likelihood": "Medium",
            "First Recorded": "September 2024",
            PREVIOUS: "",
        },
    )
    oct_ = _next(
        jul,
        "Oct 2024",
        {
            "STR0460": {"Impact": "Very High"},
            "STR0081": {"Likelihood": "High"},
            "STR0350": {"Title": "Fleet vehicles off the road awaiting parts"},
        },
        drop={"STR0419"},
    )
    oct_.append(dict(new, **{SCORE: "6", REVIEW: "Oct 2024"}))
    paths = {name: folder / f"force-register-{name}-2024.xlsx" for name in ("jan", "apr", "jul", "oct")}
    write_register(paths["jan"], jan, headers, title, "31st JANUARY 2024")
    write_register(paths["apr"], apr, headers, title, "30th APRIL 2024", archive=set())
    write_register(paths["jul"], jul, headers, title, "31st JULY 2024", archive={"STR0419"})
    why = {"STR0081": "Likelihood lowered: the new storage array is in service."}  # STR0460's move is not explained
    write_register(paths["oct"], oct_, headers, title, "31st OCTOBER 2024", archive=set(), updates=why)
    return paths


def main() -> None:
    other_shapes()
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
    write_history(HERE / "history")


if __name__ == "__main__":
    main()
