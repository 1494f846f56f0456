"""Shapes seen in other organisations' public registers (issue 19's corpus), each written here by the test:
headers with a qualifier ("Konsekvens (K)", "Impact (1-5)"), a header under merged title rows, rows in a
language the scheme has no words for, a template's pre-filled lines, a matrix drawn as a grid, plain
numeric ids, a status vocabulary of the register's own, and a before / after controls header.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli, write_xlsx

AS_OF = "2024-01-16"


def _json(*args):
    result = run_cli("validate", *args, "--format", "json", "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_header_with_a_parenthesised_abbreviation_is_read(tmp_path):
    """A Norwegian project's risk plan: Konsekvens (K), Sannsynlighet (S), Risikopoeng (R)."""
    rows = [
        ["Risiko", "Konsekvens (K)", "Sannsynlighet (S)", "Risikopoeng (R)", "Forebyggende tiltak"],
        ["Tap av data", 4, 2, 8, "Sikkerhetskopi"],
        ["Sykdom i teamet", 2, 3, 6, "Stedfortreder"],
        ["Leverandør svikter", 3, 3, 9, "Ny avtale"],
    ]
    path = write_xlsx(tmp_path / "risikoplan.xlsx", rows, sheet="Ark1", title_rows=["Risikoplan for prosjektet", ""])
    report = _json(path)
    assert report["risks"] == 3
    assert report["columns"]["impact"] == "Konsekvens (K)"
    assert report["columns"]["likelihood"] == "Sannsynlighet (S)"
    assert report["columns"]["score"] == "Risikopoeng (R)"


def test_a_header_with_its_scale_range_is_read(tmp_path):
    """'Likelihood (1-5)', 'Impact (1-5)', 'Probability 0-10': the range says the scale, not the field."""
    rows = [
        ["Asset ID", "Asset Name", "Owner", "Threat", "Likelihood (1-5)", "Impact (1 - 5)", "Risk Score 0-16"],
        ["A001", "Customer database", "IT", "SQL injection", 4, 4, 16],
        ["A002", "Web server", "DevOps", "Remote code execution", 2, 3, 6],
        ["A003", "Admin accounts", "IT", "Credential theft", 3, 2, 6],
    ]
    report = _json(write_xlsx(tmp_path / "grc.xlsx", rows, sheet="risk-register"))
    assert report["risks"] == 3
    assert report["columns"]["likelihood"] == "Likelihood (1-5)"
    assert report["columns"]["impact"] == "Impact (1 - 5)"
    assert report["columns"]["score"] == "Risk Score 0-16"


def test_a_russian_header_after_merged_title_rows_is_read(tmp_path):
    """Реестр рисков: a title, the project and its manager, then the header (Статус риска, Влияние риска…)."""
    rows = [
        ["Реестр рисков"],
        ["Проект", "Сервис дашбордов"],
        ["PM", "Иванов А.В."],
        ["ID", "Статус\nриска", "Влияние риска", "Вероятность риска", "Описание риска", "Ответственный"],
        ["rs-1", "Открыт", 2, 3, "Плохая документация проекта", "РП"],
        ["rs-2", "Открыт", 3, 2, "Закончилось место в базе данных", "Тимлид"],
        ["rs-3", "Закрыт", 1, 1, "Перебои в электроснабжении", "РП"],
    ]
    report = _json(write_xlsx(tmp_path / "реестр.xlsx", rows, sheet="Реестр рисков"))
    assert report["risks"] == 3
    assert report["columns"]["impact"] == "Влияние риска"
    assert report["columns"]["likelihood"] == "Вероятность риска"
    assert report["columns"]["status"] == "Статус\nриска"


def test_rows_in_words_the_scheme_does_not_know_are_risks_not_guidance(tmp_path):
    """An Italian register without ids: its levels (Medio, Alto) are not the default scheme's words, so they
    are findings on risks, never 'guidance rows' that leave a register of risks with none."""
    rows = [
        ["ID", "Tipologia", "Descrizione", "Probabilità", "Impatto", "Responsabile", "Stato"],
        [None, "Fattori esterni", "condizioni meteo sfavorevoli", "Medio", "Alto", "C. Rossi", "Chiuso"],
        [None, "Fattori tecnici", "problemi tecnici della vettura", "Basso", "Medio", "C. Rossi", "Aperto"],
        [None, "Fattori organizzativi", "campagna social non efficace", "Medio", "Medio", "M. Bianchi", "Aperto"],
    ]
    report = _json(write_xlsx(tmp_path / "registro.xlsx", rows, sheet="Risk register"))
    assert report["risks"] == 3
    assert "passed_over" not in report


def test_a_guidance_row_in_sentences_is_still_passed_over(tmp_path):
    rows = [
        ["ID", "Descrizione", "Probabilità", "Impatto", "Responsabile"],
        [None, "Describe the risk in one sentence.", "Choose one of the scale's words.", "As for likelihood.", "Who."],
        ["R1", "condizioni meteo sfavorevoli", "Medio", "Alto", "C. Rossi"],
    ]
    report = _json(write_xlsx(tmp_path / "registro.xlsx", rows))
    assert report["risks"] == 1
    assert report["passed_over"] == [{"row": 2, "reason": "guidance"}]


def test_a_templates_prefilled_lines_are_not_risks(tmp_path):
    """A blank template whose lines carry only a computed score of 0 and a rank: no risks, and said so."""
    header = ["Risk", "Risk Category", "Probability", "Impact", "Risk Score", "Risk Ranking", "Risk Owner"]
    rows = [header] + [[None, None, None, None, 0, n, None] for n in range(1, 11)]
    result = run_cli("validate", write_xlsx(tmp_path / "template.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "[no-risks]" in result.output
    assert "Passed over 10 rows that are not risks: 10 × numbered blank line (rows 2–11)" in result.output


def test_a_row_of_sub_headings_under_the_header_is_a_second_header(tmp_path):
    """A PMI-shape register: 影响 spans scope, quality, schedule and cost, named in the row under it."""
    rows = [
        ["风险编号", "风险说明书", "概率", "影响", None, None, None, "等级", "责任方", "状态"],
        [None, None, None, "范围", "质量", "进度", "成本", None, None, None],
        ["R1", "供应商延迟交货", 3, 2, None, None, None, None, "张三", "开放"],
        ["R2", "关键人员离职", 2, 3, None, None, None, None, "李四", "开放"],
    ]
    report = _json(write_xlsx(tmp_path / "风险登记册.xlsx", rows, sheet="风险登记册", title_rows=["风险登记册"]))
    assert report["risks"] == 2
    assert report["passed_over"] == [{"row": 3, "reason": "header"}]


def test_a_row_with_levels_and_no_name_is_still_a_risk(tmp_path):
    header = ["Risk", "Probability", "Impact", "Risk Score", "Risk Owner"]
    rows = [header, ["Supplier fails", 2, 3, 6, "A. Owner"], [None, 3, 4, 12, None]]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["risks"] == 2
    assert [f["cell"] for f in report["findings"] if f["code"] == "missing-value"][:1] == ["A3"]


def test_a_bracketed_formula_is_not_a_qualifier(tmp_path):
    """'Risk (P*I)' is a score column headed by its formula: never read as the risk's name."""
    rows = [
        ["Risk Title", "Probability", "Impact", "Risk (P*I)"],
        ["Supplier fails", 2, 3, 6],
        ["Data breach", 3, 3, 9],
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["columns"]["title"] == "Risk Title"
    assert not [f for f in report["findings"] if f["code"] == "duplicate-column"]


def _numbered_register(tmp_path, statuses=("Open", "Open", "Closed")):
    rows = [["No.", "Risk", "Owner", "Impact", "Likelihood", "Status", "Last Review"]] + [
        [n, f"Risk number {n}", "A. Owner", "High", "Medium", status, "10/01/2024"]
        for n, status in enumerate(statuses, start=1)
    ]
    return write_xlsx(tmp_path / "numbered.xlsx", rows)


def test_numeric_ids_are_said_once_not_on_every_row(tmp_path):
    report = _json(_numbered_register(tmp_path, ("Controls Tasked",) * 3))
    codes = [f["code"] for f in report["findings"]]
    assert "bad-reference" not in codes
    own = [f for f in report["findings"] if f["code"] == "reference-own-form"]
    assert [(f["cell"], f["severity"]) for f in own] == [("A1", "warning")]
    assert "'1', '2', '3'" in own[0]["message"] and "STR0449" in own[0]["message"]


def test_a_status_vocabulary_of_its_own_is_one_error_not_one_per_row(tmp_path):
    result = run_cli("validate", _numbered_register(tmp_path, ("Открыт", "Открыт", "Закрыт")), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "unknown-status" not in result.output
    assert result.output.count("[status-own-words]") == 1
    assert "F1: no status in column F is one of the scheme's" in result.output
    assert "the register's own are 'Открыт', 'Закрыт'" in result.output


def test_one_status_off_among_the_schemes_is_still_found_on_its_row(tmp_path):
    report = _json(_numbered_register(tmp_path, ("Controls Tasked", "Managed", "Closed for good")))
    assert [f["cell"] for f in report["findings"] if f["code"] == "unknown-status"] == ["F4"]
    assert "status-own-words" not in [f["code"] for f in report["findings"]]


def _before_after(tmp_path, before="Before controls", after="After controls"):
    rows = [
        ["Ref", "Risk", "Owner", before, None, None, after, None, None, "Status", "Last Review"],
        [None, None, None, "Impact", "Likelihood", "Score", "Impact", "Likelihood", "Score", None, None],
        ["STR0001", "Supplier fails", "A. Owner", "Very High", "Very High", 16, "Medium", "Low", 2, "Managed",
         "10/01/2024"],
        ["STR0002", "Data breach", "B. Owner", "Very High", "High", 12, "Low", "Low", 1, "Managed", "10/01/2024"],
    ]  # fmt: skip
    return write_xlsx(tmp_path / "before-after.xlsx", rows)


def test_a_before_and_after_controls_header_reads_the_after_scores_as_current(tmp_path):
    """Issue 25 item 14: the current assessment is the one after controls; before controls is inherent."""
    path = _before_after(tmp_path)
    report = _json(path)
    assert report["columns"]["impact"] == "After controls Impact"
    assert report["columns"]["score"] == "After controls Score"
    assert report["columns"]["inherent_impact"] == "Before controls Impact"
    assert report["columns"]["inherent_score"] == "Before controls Score"
    assert not [f for f in report["findings"] if f["code"] in ("duplicate-column", "score-mismatch")]
    said = [f for f in report["findings"] if f["code"] == "assessment-by-group"]
    assert [(f["cell"], f["severity"]) for f in said] == [("G2", "warning")]
    assert "columns G–I under 'After controls' are read as the current assessment" in said[0]["message"]
    assert "D–F under 'Before controls' as the inherent assessment" in said[0]["message"]
    built = run_cli("build", path, "-o", tmp_path / "panel.xlsx", "--as-of", AS_OF)
    assert built.exit_code == 0, built.output
    assert "2 risks · 0 High" in built.output


def test_inherent_residual_gross_net_and_current_target_groups_are_read_alike(tmp_path):
    for before, after, inherent in (
        ("Inherent risk", "Residual risk", "inherent"),
        ("Gross", "Net", "inherent"),
        ("Current", "Target", None),
    ):
        report = _json(_before_after(tmp_path, before, after))
        if inherent:
            assert report["columns"]["impact"] == f"{after} Impact"
            assert report["columns"][f"{inherent}_impact"] == f"{before} Impact"
        else:
            assert report["columns"]["impact"] == f"{before} Impact"
            assert report["columns"]["target_impact"] == f"{after} Impact"


def test_a_header_below_a_long_block_of_instructions_is_found(tmp_path):
    """A template's cover block of 30 lines of instructions above the register's header."""
    instructions = [f"{n}. Fill in the column as the guidance says." for n in range(1, 31)]
    rows = [
        ["Risk ID", "Risk", "Owner", "Impact", "Likelihood", "Status"],
        ["R-01", "Supplier fails", "A. Owner", "High", "Medium", "Managed"],
        ["R-02", "Data breach", "B. Owner", "Low", "Low", "Managed"],
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows, title_rows=instructions))
    assert report["risks"] == 2
    result = run_cli("validate", tmp_path / "register.xlsx", "--show-columns", "--as-of", AS_OF)
    assert "Columns of 'Register' (header row 31):" in result.output


def test_a_matrix_drawn_as_a_grid_is_refused_saying_what_it_is(tmp_path):
    """Matriz de riesgos: severity words across, probability words down, the risks written in the cells."""
    rows = [
        ["Matriz de riesgos"],
        [None, None, "SEVERIDAD"],
        [None, None, "Muy bajo", "Bajo", "Medio", "Alto", "Muy alto"],
        ["PROBABILIDAD", "Muy alta"],
        [None, "Alta", "Carga lenta de programas", None, "Ausencia por enfermedad", None, "Mal manejo del software"],
        [None, "Media", None, None, None, "Aumento de presupuesto"],
        [None, "Baja", None, "Corte de luz", None, "Pérdida de personal", "Fallos del sistema"],
        [None, "Muy baja", None, "Malware"],
    ]
    result = run_cli("validate", write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Hoja1"), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert (
        "sheet 'Hoja1' holds a risk matrix drawn as a grid (one scale across C3:G3, one down B4:B8, 8 filled "
        "cells between them), not a register: riskbook reads one risk per row" in result.output
    )


def _columns_json(path):
    report = _json(path)
    return report, {f["fields"]["name"]: f for f in report["findings"] if f["code"] == "column-by-content"}


def test_a_level_whose_header_is_unknown_is_found_as_the_factor_of_the_score(tmp_path):
    rows = [
        ["Ref", "Risk", "Owner", "Chance", "Impact", "Score"],
        ["R-01", "Supplier fails", "A. Owner", 2, 3, 6],
        ["R-02", "Data breach", "B. Owner", 3, 4, 12],
        ["R-03", "Flood at the depot", "C. Owner", 1, 2, 2],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["columns"]["likelihood"]["header"] == "Chance"
    assert report["columns"]["likelihood"]["by"] == "content"
    assert said["likelihood"]["cell"] == "D1" and said["likelihood"]["severity"] == "warning"
    assert not [f for f in report["findings"] if f["code"] == "score-mismatch"]


def test_two_unnamed_level_columns_and_their_product_are_read_by_content_and_the_guess_said(tmp_path):
    rows = [
        ["Ref", "Risk", "Owner", "A", "B", "C"],
        ["R-01", "Supplier fails", "A. Owner", 2, 3, 6],
        ["R-02", "Data breach", "B. Owner", 3, 4, 12],
        ["R-03", "Flood at the depot", "C. Owner", 1, 2, 2],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert {name: report["columns"][name]["header"] for name in ("likelihood", "impact", "score")} == {
        "likelihood": "A",
        "impact": "B",
        "score": "C",
    }
    assert "D × E is the score on every row" in said["impact"]["message"]
    assert "a guess" in said["impact"]["message"]
    result = run_cli("validate", tmp_path / "register.xlsx", "--show-columns", "--as-of", AS_OF)
    assert "D 'A' → likelihood (Likelihood) by content" in result.output


def test_a_levels_and_score_register_finds_its_names_by_content(tmp_path):
    rows = [
        ["Item", "Probability", "Impact", "Risk (P*I)", "How"],
        ["My other classes keep me from the work", 4, 2, 8, "A weekly plan"],
        ["The board breaks", 1, 4, 4, "Buy a new one"],
        ["The supplier is late", 2, 2, 4, "Order early"],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "register.xlsx", rows, sheet="Sheet1"))
    assert report["risks"] == 3
    assert report["columns"]["title"]["header"] == "Item"
    assert said["title"]["cell"] == "A1"


def test_the_cia_triads_i_is_not_the_impact(tmp_path):
    """ISO 27001 registers rate an asset's C, I and A (confidentiality, integrity, availability): 'I' is no impact."""
    rows = [
        ["Risk Number", "Risk Description", "C", "I", "A", "Threat Probability", "Threat Impact", "Risk Score"],
        ["R001", "Ransomware encrypts the patient records", 3, 3, 3, 3, 3, 9],
        ["R002", "Outdated OS on the imaging machines", 2, 3, 2, 3, 2, 6],
        ["R003", "Phishing of the staff mailboxes", 3, 2, 1, 2, 2, 4],
    ]
    report = _json(write_xlsx(tmp_path / "iso.xlsx", rows))
    assert report["columns"]["impact"] == "Threat Impact"
    assert not [f for f in report["findings"] if f["code"] in ("score-mismatch", "duplicate-column")]


def test_rows_continuing_the_risk_above_are_not_risks(tmp_path):
    """A risk's further controls written on rows of their own under it, with no reference, name or level."""
    rows = [
        ["Risk ID", "Risk", "Likelihood", "Impact", "Owner", "Control ID", "Control"],
        ["R1", "Identity theft", "High", "High", "CISO", "1.1", "Two-factor authentication"],
        [None, None, None, None, None, "1.2", "Privacy options for customers"],
        [None, None, None, None, None, "1.3", "Replace SMS codes"],
        ["R2", "Financial theft", "Medium", "High", "CFO", "2.1", "Encrypted traffic"],
        [None, None, None, None, None, "2.2", "Fraud detection"],
    ]
    result = run_cli("validate", write_xlsx(tmp_path / "register.xlsx", rows), "--as-of", AS_OF)
    assert "2 risks ·" in result.output
    assert (
        "Passed over 3 rows that are not risks: 3 × row continuing the risk above (no reference, name or level "
        "of its own) (rows 3–4, 6)" in result.output
    )
    assert "missing-value" not in result.output


def test_percentages_written_as_text_are_read_on_the_drafted_scale(tmp_path):
    """A CSV's likelihoods '20%', '5%', more of them than a scale's levels: the draft groups the fractions
    (0.15–0.2), and validate reads each percentage on its group."""
    percentages = (1, 3, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 90, 99)
    lines = ["Risk ID,Risk Description,Likelihood,Impact"] + [
        f"{n},Risk number {n},{pct}%,{('Low', 'Medium', 'High')[n % 3]}" for n, pct in enumerate(percentages, 1)
    ]
    register = tmp_path / "register.csv"
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    drafted = run_cli("scheme", "--from", register, "-o", tmp_path / "scheme.toml")
    assert drafted.exit_code == 0, drafted.output
    report = _json(register, "--scheme", tmp_path / "scheme.toml")
    assert report["risks"] == len(percentages)
    assert not [f for f in report["findings"] if f["code"] == "bad-scale-value"]


def test_a_name_by_content_is_on_the_rows_of_the_references(tmp_path):
    """The risks' names sit on their reference's row; the controls written on the rows under each risk, one
    per row, fill more rows but are not the names."""
    rows = [
        ["Risk ID", "List of possible risks", "Likelihood", "Impact", "Control ID", "Control description"],
        ["R1", "Identity theft", "High", "High", "1.1", "Two-factor authentication"],
        [None, None, None, None, "1.2", "Privacy options for customers"],
        ["R2", "Financial theft", "Medium", "High", "2.1", "Encrypted traffic"],
        [None, None, None, None, "2.2", "Fraud detection"],
        ["R3", "Denial of service", "Low", "Medium", "3.1", "Rate limiting"],
        [None, None, None, None, "3.2", "A second provider"],
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["columns"]["title"]["header"] == "List of possible risks"
    assert report["risks"] == 3


def test_a_register_rated_h_m_l_drafts_its_scale_in_order(tmp_path):
    """'Likelihood (H/M/L)': the letters are the words' abbreviations, ordered as Low < Medium < High."""
    rows = [["Risk ID", "Risk", "Likelihood (H/M/L)", "Impact (H/M/L)"]] + [
        [f"R{n}", f"Risk number {n}", likelihood, impact]
        for n, (likelihood, impact) in enumerate([("H", "M"), ("M", "L"), ("L", "H"), ("H", "H"), ("M", "M")], 1)
    ]
    result = run_cli("scheme", "--from", write_xlsx(tmp_path / "hml.xlsx", rows), "-o", tmp_path / "scheme.toml")
    assert result.exit_code == 0, result.output
    assert "likelihood: L < M < H" in result.output
    assert "GUESSED" not in result.output
    assert 'order = "guessed"' not in (tmp_path / "scheme.toml").read_text()


def test_a_gross_and_net_header_names_both_assessments_in_its_warning(tmp_path):
    """Gross's columns are read as the inherent set by their own headers: the warning says so, not "no other"."""
    rows = [
        [None, None, None, "Gross", None, None, "Net", None, None],
        ["Reference", "Title", "Owner", "Impact", "Likelihood", "Score", "Impact", "Likelihood", "Score"],
        ["STR0001", "Cyber attack", "A B", "Very High", "High", 12, "High", "Medium", 6],
        ["STR0002", "Fleet", "A B", "High", "High", 9, "Medium", "Medium", 4],
    ]
    path = write_xlsx(tmp_path / "gross.xlsx", rows)
    result = run_cli("validate", path, "--as-of", "2024-01-01")
    (line,) = [line for line in result.output.splitlines() if "[assessment-by-group]" in line]
    assert "columns G–I under 'Net' are read as the current assessment" in line
    assert "D–F as the inherent assessment" in line and "no other assessment" not in line


def _inherent_then_residual(tmp_path):
    """An ISO 27001 worksheet's shape: likelihood and impact with their (inherent) score and rating, then a
    residual score and its own rating."""
    header = ["Risk ID", "Description", "Likelihood", "Impact", "Risk Score (Inherent)", "Risk Rating",
              "Mitigation", "Owner", "Residual Risk Score", "Residual Risk Rating", "Risk Status"]  # fmt: skip
    rows = [header]
    for n, (likelihood, impact, residual, rating) in enumerate(
        [(5, 5, 10, "Medium"), (4, 5, 5, "Low"), (5, 3, 10, "Medium"), (2, 5, 5, "Low"), (3, 4, 10, "Medium")],
        start=1,
    ):
        inherent = likelihood * impact
        rows.append([f"R-{n:03}", f"Risk {n}", likelihood, impact, inherent, "High" if inherent >= 15 else "Medium",
                     "Controls", "CISO", residual, rating, "Open"])  # fmt: skip
    return write_xlsx(tmp_path / "iso.xlsx", rows)


def test_of_two_ratings_the_one_after_the_score_rates_it(tmp_path):
    path = _inherent_then_residual(tmp_path)
    data = _json(path)
    assert data["columns"]["rag"] == "Residual Risk Rating"
    (duplicate,) = [f for f in data["findings"] if f["code"] == "duplicate-column"]
    assert "riskbook reads 'Residual Risk Rating'" in duplicate["message"]


def test_a_draft_bands_the_ratings_by_the_score_they_rate(tmp_path):
    """Impact × likelihood is the inherent score here: the residual ratings band the residual scores."""
    path = _inherent_then_residual(tmp_path)
    scheme = tmp_path / "drafted.toml"
    assert run_cli("scheme", "--from", path, "-o", scheme).exit_code == 0
    data = _json(path, "--scheme", scheme)
    assert [f["code"] for f in data["findings"] if f["code"] in ("rag-mismatch", "score-mismatch")] == []


def _danish_register(tmp_path):
    """A Danish project's risk analysis: the consequence in words, then each level's value; numbered blank
    lines under the risks, and the P × K matrix drawn beside the table as a key."""
    header = ["ID", "Dato", "Årsag", "Hændelse", "Konsekvens", "Sandsynlighed værdi", "Konsekvens værdi",
              "Risikoværdi", "Handlinger"]  # fmt: skip
    risks = [
        [1, "2024-11-14", "Dårlig kommunikation", "Vi forstår aftalerne forskelligt",
         "Der opstår konflikter imellem projektdeltagerne.", 2, 2, 4, "Tal sammen hver dag"],
        [2, "2024-11-14", "Manglende erfaring", "Merging af koden fejler",
         "Koden skal skrives om, eller noget bliver slettet", 3, 3, 9, "Test før merge"],
        [3, "2024-11-14", "Misforståelse af materialet", "Prisformlen regner forkert",
         "Kunderne får forkerte priser på produkterne", 3, 4, 12, "Gennemgå formlen"],
        [4, "2024-11-14", "Personlige problemer", "En af os er fraværende",
         "Opgaver bliver ikke lavet til tiden", 2, 2, 4, "Hjælp hinanden"],
    ]  # fmt: skip
    numbered = [[n] for n in range(5, 9)]
    key = [[None] * 11 + ["Sandsynlighed", level, *(level * k for k in range(1, 6))] for level in range(5, 0, -1)]
    return write_xlsx(tmp_path / "risikoanalyse.xlsx", [header, *risks, *numbered, [], *key], sheet="Ark1")


def test_a_level_named_twice_is_read_from_the_column_of_levels_and_its_sentences_kept(tmp_path):
    report, said = _columns_json(_danish_register(tmp_path))
    assert report["risks"] == 4
    assert report["columns"]["impact"]["header"] == "Konsekvens værdi"
    assert report["columns"]["consequence"]["header"] == "Konsekvens"
    assert report["columns"]["likelihood"] == "Sandsynlighed værdi"
    assert report["columns"]["title"] == "Hændelse"
    assert said["impact"]["cell"] == "G1"
    assert "holds sentences" in said["impact"]["message"]
    assert [f["code"] for f in report["findings"] if f["code"] in ("bad-scale-value", "score-mismatch")] == []


def test_a_key_beside_the_table_does_not_hide_a_column_of_dates(tmp_path):
    report, said = _columns_json(_danish_register(tmp_path))
    assert report["columns"]["first_recorded"]["header"] == "Dato"
    assert said["first_recorded"]["cell"] == "B1"


def _fmea(tmp_path):
    """A medical device's FMEA: the problem names the risk (no title header), its consequence in words (often
    the same words again), then the severity and likeliness in per cent."""
    header = ["Problem", "Consequence", "Motor alarm", "Severity", "Likeliness", "Detection %", "Comment"]
    parts = [
        "hose",
        "valve",
        "sensor",
        "pump",
        "inlet",
        "exhaust",
        "battery",
        "display",
        "fan",
        "filter",
        "tube",
        "mask",
        "cable",
        "alarm",
    ]
    consequences = [f"No air through the {part}" for part in parts[:12]] + ["No pressure", "No pressure"]
    risks = [
        [f"Failure mode {n}: {part} disconnects", consequences[n], 0, 100 if n % 2 else 50, 10 * (n % 4 + 1), 100, ""]
        for n, part in enumerate(parts)
    ]  # fmt: skip
    return write_xlsx(tmp_path / "fmea.xlsx", [header, *risks], sheet="Sheet1", title_rows=["FMEA", ""])


def test_an_fmea_without_a_title_header_is_read_its_names_by_content(tmp_path):
    report, said = _columns_json(_fmea(tmp_path))
    assert report["risks"] == 14
    assert report["columns"]["title"]["header"] == "Problem"
    assert report["columns"]["impact"]["header"] == "Severity"
    assert report["columns"]["consequence"]["header"] == "Consequence"
    assert report["columns"]["likelihood"] == "Likeliness"
    assert set(said) == {"title", "impact", "consequence"}


def test_an_fmea_drafts_a_scheme_its_own_register_validates_under(tmp_path):
    path = _fmea(tmp_path)
    scheme = tmp_path / "fmea.toml"
    assert run_cli("scheme", "--from", path, "-o", scheme).exit_code == 0
    report = _json(path, "--scheme", scheme)
    assert report["errors"] == 0
    assert run_cli("build", path, "--scheme", scheme, "-o", tmp_path / "panel.xlsx", "--as-of", AS_OF).exit_code == 0


def test_a_consequence_column_of_small_numbers_is_the_impact(tmp_path):
    """A German FMEA: A=Auftreten (occurrence), F=Folgen (consequences, rated 1-10), W=Entdeckung, RPZ."""
    rows = [
        ["Risiken", "Name", "A=Auftreten", "F=Folgen", "W=Entdeckung", "RPZ"],
        ["R1", "Communityaufbau scheitert", 9, 10, 2, 180],
        ["R2", "Moderator schadet dem Projekt", 6, 8, 3, 144],
        ["R3", "Projektumfang wird unterschätzt", 6, 7, 5, 210],
        ["R4", "Bildformate werden nicht verarbeitet", 7, 4, 2, 56],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "fmea.xlsx", rows, sheet="Risikoanalyse"))
    assert report["columns"]["impact"]["header"] == "F=Folgen"
    assert "under a consequence header" in said["impact"]["message"]
    assert report["columns"]["likelihood"] == "A=Auftreten"


def test_a_product_header_names_its_letter_columns(tmp_path):
    """Item, P, I, Risk (P*I): the product says I is the impact; placeholder rows of a formula's 0 are no risks."""
    rows = [
        ["Item", "P", "I", "Risk (P*I)", "Recognized", "How"],
        ["My other classes keep me from the work", 40, 20, 800, "2025-04-01", "A weekly plan"],
        ["My board breaks", 1, 40, 40, "2025-04-01", "A new board can be bought"],
        *[[None, None, None, 0] for _ in range(7)],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "register.xlsx", rows, sheet="Sheet1"))
    assert report["risks"] == 2
    assert report["columns"]["impact"] == "I"
    assert report["columns"]["likelihood"] == "P"
    assert report["columns"]["title"]["header"] == "Item"
    assert "a different text on every row" in said["title"]["message"]


def test_a_letter_yields_to_a_header_that_spells_the_field_out(tmp_path):
    """'P' beside an asset's C, I, A ratings and a spelt-out 'Threat Probability': the words are read."""
    rows = [
        ["Risk Number", "Risk Description", "P", "C", "I", "A", "Threat Probability", "Threat Impact", "Risk Score"],
        ["R001", "Ransomware encrypts the patient records", 1, 3, 3, 3, 3, 3, 9],
        ["R002", "Outdated OS on the imaging machines", 2, 2, 3, 2, 3, 2, 6],
        ["R003", "Phishing of the staff mailboxes", 3, 3, 2, 1, 2, 2, 4],
    ]
    report = _json(write_xlsx(tmp_path / "iso.xlsx", rows))
    assert report["columns"]["likelihood"] == "Threat Probability"
    assert report["columns"]["impact"] == "Threat Impact"
    assert [f["code"] for f in report["findings"] if f["code"] == "score-mismatch"] == []


def test_a_register_of_scores_alone_drafts_the_smallest_square_scale_and_bands_by_its_ratings(tmp_path):
    rows = [
        ["Risk ID", "Risk Description", "Score", "Risk Level", "Treatment"],
        ["R001", "Unauthorised access to the customer database", 20, "Critical", "MFA"],
        ["R002", "SQL injection on the web application", 15, "High", "Input validation"],
        ["R003", "Malware on the staff laptops", 12, "High", "Antivirus"],
        ["R004", "Phishing of the staff", 16, "Critical", "Training"],
        ["R005", "Backup data exposed", 10, "Medium", "Encrypt the backups"],
    ]
    path = write_xlsx(tmp_path / "scores.xlsx", rows, sheet="Risk Register")
    scheme = tmp_path / "drafted.toml"
    result = run_cli("scheme", "--from", path, "-o", scheme)
    assert result.exit_code == 0, result.output
    text = scheme.read_text(encoding="utf-8")
    assert "states scores and no impact or likelihood: 5 levels each" in text
    report = _json(path, "--scheme", scheme)
    assert [f["code"] for f in report["findings"] if f["code"] in ("bad-score", "rag-mismatch")] == []
    assert {f["code"] for f in report["findings"] if f["severity"] == "error"} == {"missing-column"}


def test_a_header_one_letter_off_a_known_one_is_read_and_said(tmp_path):
    """A German project's 'Eintrittswarscheinlichkeit' (the h missing) beside 'Auswirkungsgrad'."""
    rows = [
        ["Nr.", "Risiko", "Ursache", "Eintrittswarscheinlichkeit", "Auswirkungsgrad", "Massnahmen"],
        [1, "Ausfall eines Teammitglieds", "Krankheit", 2, 3, "Vertretung regeln"],
        [2, "Server fällt aus", "Hardware", 1, 4, "Backup"],
        [3, "Anforderungen ändern sich", "Kunde", 3, 2, "Änderungsprozess"],
    ]
    report = _json(write_xlsx(tmp_path / "risikoanalyse.xlsx", rows, sheet="Tabelle1"))
    assert report["columns"]["likelihood"] == "Eintrittswarscheinlichkeit"
    assert report["columns"]["impact"] == "Auswirkungsgrad"
    (near,) = [f for f in report["findings"] if f["code"] == "header-near-spelling"]
    assert near["cell"] == "D1"
    assert near["fields"]["alias"] == "eintrittswahrscheinlichkeit"
    assert "one letter off" in near["message"]


def test_a_short_header_one_letter_off_a_known_one_is_not_guessed(tmp_path):
    rows = [
        ["Ref", "Risk", "Impact", "Likelihood", "Statue", "Ownr"],
        ["R1", "Flood", 2, 3, "Open", "Ann"],
        ["R2", "Fire", 1, 2, "Open", "Bob"],
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert "status" not in report["columns"] and "owner" not in report["columns"]
    assert [f for f in report["findings"] if f["code"] == "header-near-spelling"] == []


def test_guidance_in_brackets_after_a_header_is_not_its_name(tmp_path):
    rows = [
        ["Risk ID", "Risk Description (There is a risk that… caused by… resulting in…)", "Likelihood", "Impact",
         "Risk (Very High, High, Medium, Low)"],
        [1, "There is a risk that key staff leave", 3, 4, "High"],
        [2, "There is a risk that equipment is late", 2, 2, "Low"],
    ]  # fmt: skip
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["columns"]["description"].startswith("Risk Description (There is a risk")
    assert report["columns"]["title"] == report["columns"]["description"]
    assert report["risks"] == 2


def test_the_four_severity_categories_of_safety_registers_are_ordered(tmp_path):
    """MIL-STD-882's categories, as a German project writes them: Unwesentlich < Geringfügig < Kritisch <
    Katastrophal (Kritisch is not Katastrophal's other word here, as it is on a five-level scale)."""
    rows = [["Nr.", "Risiko", "Eintrittswahrscheinlichkeit", "Auswirkungsgrad"]]
    rows += [
        [n, f"Risiko Nummer {n} tritt ein", likelihood, impact]
        for n, (likelihood, impact) in enumerate(
            [("Hoch", "Geringfügig"), ("Niedrig", "Katastrophal"), ("Mittel", "Unwesentlich"), ("Hoch", "Kritisch")],
            start=1,
        )
    ]
    path = write_xlsx(tmp_path / "risikoanalyse.xlsx", rows, sheet="Tabelle1")
    result = run_cli("scheme", "--from", path, "-o", tmp_path / "drafted.toml")
    assert result.exit_code == 0, result.output
    assert "  impact: Unwesentlich < Geringfügig < Kritisch < Katastrophal" in result.output.splitlines()
    assert "  likelihood: Niedrig < Mittel < Hoch" in result.output.splitlines()


def _grouped_register(tmp_path):
    """Risks under numbered group headings (1 Legal, 2 Accidents), and an owner column nobody filled."""
    rows = [
        [None, "Risk", "Risk category", "Probability 0-10", "Impact 0-10", "Risk score 0-100", "Risk owner"],
        [1, "Legal"],
        [None, "No certified company car driver", "Regulatory", 3, 8, 24],
        [None, "No procedures for outdoor work", "Governance", 3, 3, 9],
        [2, "Accidents"],
        [None, "Road accidents damage the equipment", "Operational", 2, 8, 16],
        [None, "Someone is hurt during measurements", "Operational", 1, 8, 99],
    ]
    return write_xlsx(tmp_path / "grouped.xlsx", rows, sheet="Arkusz1")


def test_numbered_group_headings_are_passed_over_not_risks_without_levels(tmp_path):
    report = _json(_grouped_register(tmp_path))
    assert report["risks"] == 4
    assert report["passed_over"] == [
        {"row": 2, "reason": "group"},
        {"row": 5, "reason": "group"},
    ]
    result = run_cli("validate", _grouped_register(tmp_path), "--as-of", AS_OF)
    assert "2 × numbered heading of a group of risks (rows 2, 5)" in result.output


def test_a_column_nobody_filled_is_one_warning_even_on_a_risk_with_other_findings(tmp_path):
    """The risk scored 99 is checked in full; its empty owner is the column's, said once, as on the others."""
    report = _json(_grouped_register(tmp_path))
    codes = [f["code"] for f in report["findings"]]
    assert "bad-score" in codes
    assert codes.count("column-empty") == 1
    assert "missing-value" not in codes


def _lettered_fmea(tmp_path, helper=True):
    """A CubeSat team's FMEA: probability as letters A-E (its key: A extremely unlikely … E frequent), and
    beside it a 'Leave these alone' column turning each letter into its number."""
    header = ["Failure Mode", "Subsystem", "Probability", "Severity", "Leave these alone", "Risk Level"]
    letters = ["B", "B", "C", "A", "B", "C", "A", "B"]
    risks = [
        [f"Failure number {n} of the satellite", "COM", letter, severity, "ABC".index(letter) + 1, "low"]
        for n, (letter, severity) in enumerate(zip(letters, [6, 6, 2, 4, 2, 6, 5, 1], strict=True), start=1)
    ]
    if not helper:
        risks = [[*risk[:4], n, risk[5]] for n, risk in enumerate(risks, start=1)]  # an id there, not a number a letter
    return write_xlsx(tmp_path / "fmea.xlsx", [header, *risks], sheet="FMEA")


def test_letters_numbered_by_a_column_of_the_registers_own_are_ordered_by_it(tmp_path):
    result = run_cli("scheme", "--from", _lettered_fmea(tmp_path), "-o", tmp_path / "drafted.toml")
    assert result.exit_code == 0, result.output
    assert "  likelihood: A < B < C" in result.output.splitlines()
    assert "ordered by the numbers beside them in 'Leave these alone'" in (tmp_path / "drafted.toml").read_text()


def test_a_column_of_ids_does_not_order_the_words_beside_it(tmp_path):
    result = run_cli("scheme", "--from", _lettered_fmea(tmp_path, helper=False), "-o", tmp_path / "drafted.toml")
    assert result.exit_code == 0, result.output
    assert 'order = "guessed"' in (tmp_path / "drafted.toml").read_text()


def test_versions_of_one_table_below_each_other_read_the_last(tmp_path):
    """A Norwegian group's risk plan, V1.0 then V1.1 (Revidert), each under the same header: the last is read."""
    header = ["Risiko", "Konsekvens (K)", "Sannsynlighet (S)", "Risikopoeng (R)", "Forebyggende tiltak"]
    names = ["Dårlig tid", "Tap av data", "Sykdom", "Dårlig testing"]
    first = [[name, 2, 2, 4, "Planlegge"] for name in names]
    second = [[name, 3, 2, 6, "Planlegge bedre"] for name in names]
    rows = [["V1.0"], header, *first, [], ["V1.1 (Revidert)"], header, *second]
    path = write_xlsx(tmp_path / "risikoplan.xlsx", rows, sheet="Sheet1", title_rows=["Risikoplan for: Gruppe 21", ""])
    report = _json(path)
    assert report["risks"] == 4
    earlier = [p["row"] for p in report["passed_over"] if p["reason"] == "earlier-version"]
    assert earlier == [5, 6, 7, 8]
    result = run_cli("validate", path, "--as-of", AS_OF)
    assert "4 × risk of an earlier version of the table" in result.output


def test_a_header_repeated_over_other_risks_is_a_page_break_not_a_version(tmp_path):
    header = ["Ref", "Risk", "Impact", "Likelihood"]
    rows = [header, ["R1", "Flood", 2, 3], ["R2", "Fire", 1, 2], header, ["R3", "Strike", 3, 3], ["R4", "Theft", 2, 2]]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert report["risks"] == 4


def test_a_name_column_of_codes_is_the_reference_and_the_names_are_read_beside_it(tmp_path):
    """A Portuguese analysis: 'Risco' holds R1…R4, the names are under 'Nome'."""
    rows = [
        ["Risco", "Nome", "Probabilidade", "Impacto", "Prevenção"],
        ["R1", "Mudanças de requisitos", "Média", "Muito Alto", "Não aceitar grandes mudanças"],
        ["R2", "Injeção de payloads", "Baixa", "Muito Alto", "Validar as entradas"],
        ["R3", "Compatibilidade de dispositivos", "Baixa", "Alto", "CSS responsivo"],
        ["R4", "Vazamento de senhas", "Média", "Muito Alto", "Criptografia"],
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "riscos.xlsx", rows, sheet="Planilha1"))
    assert report["columns"]["reference"]["header"] == "Risco"
    assert report["columns"]["title"] == "Nome"
    assert said["reference"]["cell"] == "A1"


def test_sentences_under_the_impact_header_and_si_times_pi_beside_them(tmp_path):
    """A Swiss project's list: 'Auswirkung' says what would happen; Si × Pi = R are the levels and score."""
    rows = [["Nr.", "Beschreibung", "Ursache", "Auswirkung", "Si", "Pi", "R", "Wer"]]
    effects = ["Auftrag kann nicht ausgeführt werden", "Zeitplan fällt zurück", "Verlust von Fachwissen",
               "Koordination fehlt", "Zeitplan fällt zurück", "Daten müssen erneut gesammelt werden"]  # fmt: skip
    levels = [(3, 2), (3, 1), (2, 2), (1, 3), (2, 1), (3, 3)]
    rows += [
        ["ABCDEF"[n], f"Risiko Nummer {n} tritt ein", "Ursache", effect, si, pi, si * pi, "PL"]
        for n, (effect, (si, pi)) in enumerate(zip(effects, levels, strict=True))
    ]
    report, said = _columns_json(write_xlsx(tmp_path / "risikoanalyse.xlsx", rows, sheet="Risikoliste"))
    assert report["columns"]["consequence"]["header"] == "Auswirkung"
    assert report["columns"]["impact"]["header"] == "Si"
    assert report["columns"]["likelihood"]["header"] == "Pi"
    assert report["columns"]["score"]["header"] == "R"
    assert report["columns"]["owner"] == "Wer"
    assert "headers' initials" in said["impact"]["message"]


def test_a_scale_and_its_alternative_in_brackets_and_a_product_named_priority(tmp_path):
    rows = [
        ["Risk", "Probability (H/M/L or 1-3)", "Impact (H/M/L or 1-3)", "Priority (P×I)"],
        ["Supplier goes bust", 2, 3, 6],
        ["Key staff leave", 1, 3, 3],
        ["Scope grows", 3, 2, 6],
    ]
    report = _json(write_xlsx(tmp_path / "analysis.xlsx", rows))
    assert report["columns"]["likelihood"] == "Probability (H/M/L or 1-3)"
    assert report["columns"]["impact"] == "Impact (H/M/L or 1-3)"
    assert report["columns"]["score"]["header"] == "Priority (P×I)"  # by its content: the products


def test_a_level_named_product_of_band_words_is_no_score(tmp_path):
    """'Livello (PxI)' holding Alto / Medio / Basso: a rating's words, not a score to check as a number."""
    rows = [
        ["ID", "Descrizione", "Probabilità", "Impatto", "Livello (PxI)", "Responsabile"],
        [1, "Condizioni meteo sfavorevoli", 2, 3, "Alto", "Claudia"],
        [2, "Problemi tecnici", 1, 2, "Medio", "Claudia"],
        [3, "Ritardo dei fornitori", 1, 1, "Basso", "Marco"],
    ]
    report = _json(write_xlsx(tmp_path / "registro.xlsx", rows))
    assert "score" not in report["columns"]
    assert [f for f in report["findings"] if f["code"] == "bad-score"] == []


def test_header_words_from_other_registers(tmp_path):
    rows = [
        ["Nr.", "Risiko", "Wahr-\nsch.", "Ausmaß des Schadens", "Risikoeigentümer"],
        [1, "Server fällt aus", 2, 3, "IT"],
        [2, "Team fällt aus", 1, 2, "PL"],
    ]
    report = _json(write_xlsx(tmp_path / "risiken.xlsx", rows))
    assert (report["columns"]["likelihood"], report["columns"]["impact"], report["columns"]["owner"]) == (
        "Wahr-\nsch.",
        "Ausmaß des Schadens",
        "Risikoeigentümer",
    )


def test_pre_numbered_lines_whose_formula_shows_0_are_not_risks(tmp_path):
    """A Russian template: rs-1… filled, then rs-8 … rs-12 holding only the rating formula's 0."""
    header = ["ID", "Статус риска", "Влияние риска", "Вероятность риска", "Уровень риска", "Описание риска"]
    risks = [[f"rs-{n}", "Открыт", 2, 3, 6, f"Описание риска номер {n}"] for n in range(1, 4)]
    blanks = [[f"rs-{n}", None, None, None, 0] for n in range(4, 9)]
    report = _json(write_xlsx(tmp_path / "reestr.xlsx", [header, *risks, *blanks], sheet="Реестр рисков"))
    assert report["risks"] == 3
    assert {p["reason"] for p in report["passed_over"]} == {"placeholder"}


def test_a_probability_impact_grid_below_the_table_is_a_key_not_risks(tmp_path):
    rows = [
        ["Risk ID", "Risk Description", "Probability", "Impact", "Owner", "Score"],
        ["R1", "Cable supply is late", 3, 3, "Procurement", 9],
        ["R2", "Permits are refused", 2, 3, "Legal", 6],
        ["R3", "Seismic activity", 1, 3, "Site", 3],
        [],
        [None, "Probability / Impact", "Low", "Medium", "High"],
        [None, "Unlikely", None, None, "R3"],
        [None, "Very Likely", None, "R2", "R1"],
    ]
    report = _json(write_xlsx(tmp_path / "analysis.xlsx", rows))
    assert report["risks"] == 3
    assert [p["reason"] for p in report["passed_over"]] == ["legend", "legend", "legend"]


def test_a_second_column_under_a_levels_header_that_is_their_product_is_the_score(tmp_path):
    """Вероятность, Ущерб (damage: the impact), then Влияние (impact, in words) holding P × I."""
    rows = [["Id", "Условие", "Последствия", "Вероятность", "Ущерб", "Влияние"]]
    rows += [[n, f"Условие риска {n}", "Проект задержится", p, i, p * i] for n, (p, i) in
             enumerate([(2, 2), (2, 3), (3, 1), (1, 3)], start=1)]  # fmt: skip
    report, _ = _columns_json(write_xlsx(tmp_path / "riski.xlsx", rows, sheet="Лист1"))
    assert report["columns"]["title"] == "Условие"
    assert report["columns"]["impact"] == "Ущерб"
    assert report["columns"]["score"]["header"] == "Влияние"
    assert [f["code"] for f in report["findings"] if f["severity"] == "error"] == []


def test_a_header_lower_row_under_the_name_column_is_a_second_header(tmp_path):
    rows = [
        ["No. de Riesgo", "Tipo de riesgo", "Riesgo", None, "Impacto (A/M/B)", "Probabilidad (A/M/B)", "Evaluación"],
        [None, None, "Fuente", "Consecuencia", None, None, "Valor (1 al 9)", "Nivel (A/M/B)"],
        [1, "Técnico", "El dataset presenta registros incompletos", "Retrabajo", "M", "A", 6, "A"],
        [2, "Técnico", "Existen precios negativos", "Cálculo incorrecto", "A", "M", 6, "A"],
        [3, "Negocio", "Estrategias no alineadas", "Bajo impacto", "M", "M", 4, "M"],
    ]
    report = _json(write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Plantilla"))
    assert report["risks"] == 3
    assert report["passed_over"] == [{"row": 2, "reason": "header"}]


def test_a_level_with_a_remark_after_it_is_that_level_not_one_placed_by_a_guess(tmp_path):
    rows = [
        ["No.", "Description", "Risk Owner", "Probability", "Impact"],
        ["R1", "A similar platform launches first", "PM", "High", "High"],
        ["R2", "The schedule estimate is far too short", "PM", "Medium", "Medium at the beginning, gets higher with time"],
        ["R3", "Budget spending is delayed", "PM", "Medium", "High"],
        ["R4", "An important employee leaves", "PM", "High", "Medium"],
        ["R5", "Technical difficulties pile up", "PM", "Low", "Medium"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risk Register")
    scheme = tmp_path / "drafted.toml"
    result = run_cli("scheme", "--from", path, "-o", scheme)
    assert "  impact: Low < Medium < High" in result.output.splitlines()
    assert "Medium at the beginning, gets higher with time" in scheme.read_text(encoding="utf-8")
    report = _json(path, "--scheme", scheme)
    assert report["errors"] == 0
    assert [f for f in report["findings"] if f["code"] == "scale-order-guessed"] == []


def test_an_fmeas_risk_priority_number_is_said_to_rank_otherwise(tmp_path):
    rows = [["Risiken", "Name", "A=Auftreten", "F=Folgen", "W=Entdeckung", "RPZ"]]
    rows += [
        [f"R{n}", f"Risiko Nummer {n} tritt ein", a, f, w, a * f * w]
        for n, (a, f, w) in enumerate([(9, 10, 2), (6, 8, 3), (6, 7, 5), (7, 4, 2)], start=1)
    ]
    report = _json(write_xlsx(tmp_path / "fmea.xlsx", rows, sheet="Risikoanalyse"))
    (said,) = [f for f in report["findings"] if f["code"] == "three-factor-score"]
    assert said["cell"] == "F1"
    assert said["fields"]["factor"] == "'W=Entdeckung'"
    assert "riskbook by impact × likelihood" in said["message"]


def test_a_column_of_zeros_is_no_product_of_three(tmp_path):
    rows = [["Ref", "Risk", "Likelihood", "Impact", "Alarm", "Spare"]]
    rows += [[f"R{n}", f"Risk number {n}", 2 + n % 2, 3, 0, n % 3] for n in range(1, 6)]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows))
    assert [f for f in report["findings"] if f["code"] == "three-factor-score"] == []


def test_risks_after_a_blank_row_are_risks_to_the_draft_too(tmp_path):
    """An FMEA grouped by blank rows: scheme --from reads its levels kept as typed, and must not take the
    risks below the first blank row for a key."""
    rows = [["Device", "Failure mode", "Effect", "Probability", "Severity"]]
    rows += [[f"Device {n}", "Hardware failure", "No data from the device", 2, 2 + n % 3] for n in range(4)]
    rows += [[]]
    rows += [[f"Link {n}", "Broken cable", "No propulsion at all", 2 + n % 2, 3] for n in range(3)]
    path = write_xlsx(tmp_path / "fmea.xlsx", rows)
    result = run_cli("scheme", "--from", path, "-o", tmp_path / "drafted.toml")
    assert result.exit_code == 0, result.output
    assert "legend" not in result.output
    assert _json(path)["risks"] == 7


def test_a_range_between_two_levels_is_no_remark_on_the_first(tmp_path):
    rows = [["Ref", "Risk", "Likelihood", "Impact"]]
    rows += [[f"R{n}", f"Risk number {n}", "L", impact] for n, impact in enumerate(["M", "H", "M to H", "L"])]
    scheme = tmp_path / "drafted.toml"
    result = run_cli("scheme", "--from", write_xlsx(tmp_path / "register.xlsx", rows), "-o", scheme)
    assert result.exit_code == 0, result.output
    assert 'aliases = ["M to H"]' not in scheme.read_text(encoding="utf-8")


def test_the_german_example_drafts_its_scales_validates_clean_and_builds(tmp_path):
    register = Path(__file__).resolve().parent.parent / "examples" / "risikoanalyse-lagerverwaltung.xlsx"
    scheme = tmp_path / "lager.toml"
    drafted = run_cli("scheme", "--from", register, "-o", scheme)
    assert drafted.exit_code == 0, drafted.output
    assert "  impact: Unwesentlich < Geringfügig < Kritisch < Katastrophal" in drafted.output.splitlines()
    assert "  likelihood: Selten < Unwahrscheinlich < Möglich < Wahrscheinlich < Fast sicher" in drafted.output
    report = json.loads(
        run_cli("validate", register, "--scheme", scheme, "--as-of", "2024-06-30", "--format", "json").stdout
    )
    assert (report["risks"], report["errors"]) == (6, 0)
    assert [p["reason"] for p in report["passed_over"]] == ["group", "group", *["placeholder"] * 4]
    built = run_cli("build", register, "--scheme", scheme, "-o", tmp_path / "lager.xlsx", "--as-of", "2024-06-30")
    assert built.exit_code == 0, built.output


def test_a_number_and_a_word_on_the_last_row_is_read_without_fault(tmp_path):
    rows = [["Ref", "Risk", "Impact", "Likelihood"], [1, "Flood in the basement", 2, 3], [2, "Fire"]]
    result = run_cli("validate", write_xlsx(tmp_path / "register.xlsx", rows), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


def test_a_header_longer_than_any_known_one_is_not_looked_at_for_a_slip(monkeypatch):
    """Each look for a slip costs the square of the header's length: a 30,000-letter header (a hostile file)
    can be one letter off no known header, so it is never looked at."""
    from riskbook.read import header as header_module

    looked: list[str] = []
    real = header_module._one_letter_off
    monkeypatch.setattr(header_module, "_one_letter_off", lambda key, index: looked.append(key) or real(key, index))
    texts = ["Ref", "Risk", "Impact", "x" * 30_000, "Likelihod"]
    header = header_module.find_header([texts, ["R1", "Flood", 2, "a", 3], ["R2", "Fire", 1, "b", 2]], _lookup())[0]
    assert header is not None and header.near == {4: "likelihood"}
    assert looked == ["likelihod"]


def _lookup():
    from riskbook.scheme.load import load_scheme

    return load_scheme().header_lookup


def test_a_tie_between_two_languages_is_settled_the_same_way_on_every_run(tmp_path):
    """低, 中, 高 are Chinese and Japanese alike: the draft named either, by the hash seed of the run."""
    import os
    import subprocess
    import sys

    rows = [["编号", "风险", "影响", "可能性"]]
    rows += [[f"R{n}", f"风险 {n}", "高", level] for n, level in enumerate(["低", "中", "高", "中"], start=1)]
    path = write_xlsx(tmp_path / "register.xlsx", rows)
    said = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        out = tmp_path / f"draft-{seed}.toml"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "riskbook", "scheme", "--from", path, "-o", out], env=env, check=True,
                       capture_output=True)  # fmt: skip
        said |= {line for line in out.read_text(encoding="utf-8").splitlines() if "usual order of" in line}
    assert len(said) == 1  # the same words on every run
    assert "of zh scale words" in said.pop()


def test_a_column_of_prose_is_not_compared_text_by_text_when_drafting(monkeypatch):
    """2,000 different impact texts (a column of prose, or a hostile file): each text is compared with the
    first MAX_LEVELS groups only, where every pair was compared (20,000 texts took more than five minutes)."""
    from riskbook.scheme import scale_order
    from riskbook.scheme.scale_types import Row

    calls = []
    real = scale_order._inflections
    monkeypatch.setattr(scale_order, "_inflections", lambda a, b: calls.append(1) or real(a, b))
    rows = [Row(f"Impact words number {n} and more", 2, None, None) for n in range(2000)]
    impact, _ = scale_order.draft_axes(rows, [], 3)
    assert impact.guessed and len(impact.levels) == scale_order.MAX_LEVELS
    assert len(calls) <= scale_order.MAX_LEVELS * len(rows)


def test_a_header_naming_one_field_two_ways_is_read_as_that_field(tmp_path):
    """An ISO 27001 worksheet's 'Probability or Occurrence' and 'Impact / Severity': each alternative names
    the same field, so the header does; alternatives naming two fields ('Impact / Consequence') say nothing."""
    rows = [
        ["Ref", "Threat", "Probability or Occurance", "Impact / Severity", "Owner"],
        ["R1", "Phishing of staff", 3, 4, "IT"],
        ["R2", "Laptop theft", 2, 3, "Facilities"],
        ["R3", "Ransomware", 2, 5, "IT"],
    ]
    report = _json(write_xlsx(tmp_path / "iso.xlsx", rows, sheet="Risk Assessment"))
    assert report["risks"] == 3
    assert report["columns"]["likelihood"] == "Probability or Occurance"
    assert report["columns"]["impact"] == "Impact / Severity"


def test_alternatives_naming_two_things_name_no_field(tmp_path):
    """'Threat / Opportunity' holds a kind (threat is a title word, opportunity none): it stays an extra column."""
    rows = [
        ["ID", "Threat / Opportunity", "Description", "Likelihood", "Impact / Concequence"],
        ["R1", "Threat", "Supplier fails to deliver", 3, 4],
        ["R2", "Opportunity", "Grant funding for new kit", 2, 3],
        ["R3", "Threat", "Server room floods", 1, 5],
    ]
    report = _json(write_xlsx(tmp_path / "raid.xlsx", rows, sheet="Risks"))
    assert report["risks"] == 3
    assert "Threat / Opportunity" not in [c if isinstance(c, str) else c["header"] for c in report["columns"].values()]
    assert report["columns"]["impact"] == "Impact / Concequence"


def test_letters_listed_in_the_header_are_ordered_as_the_initials_of_their_words(tmp_path):
    """A Spanish sprint's matrix: 'Impacto (A/M/B)' is Alta, Media, Baja. The impact column uses only M and A,
    but the header lists all three: B < M < A on both axes, no guess, and validate finds every letter on its scale."""
    rows = [["No. de Riesgo", "Riesgo", "Impacto\n(A/M/B)", "Probabilidad\n(A/M/B)"]] + [
        [n, f"Riesgo número {n}", impact, likelihood]
        for n, (impact, likelihood) in enumerate([("M", "A"), ("A", "M"), ("M", "B"), ("A", "A"), ("M", "M")], 1)
    ]
    path = write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Matriz")
    result = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert result.exit_code == 0, result.output
    assert "impact: B < M < A" in result.output
    assert "likelihood: B < M < A" in result.output
    assert "GUESSED" not in result.output
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    scores = {f["row"]: f for f in report["findings"]}
    assert not [f for f in report["findings"] if f["code"] in ("bad-scale-value", "scale-order-guessed")], scores


def test_an_alphabetic_run_in_the_header_is_no_initials(tmp_path):
    """'Impact (A/B/C)' is a code whose direction the register doesn't say: the order stays a guess, warned."""
    rows = [["Ref", "Risk", "Impact (A/B/C)", "Likelihood (A/B/C)"]] + [
        [f"R{n}", f"Risk number {n}", impact, likelihood]
        for n, (impact, likelihood) in enumerate([("A", "B"), ("B", "C"), ("C", "A"), ("A", "A")], 1)
    ]
    result = run_cli("scheme", "--from", write_xlsx(tmp_path / "abc.xlsx", rows), "-o", tmp_path / "scheme.toml")
    assert result.exit_code == 0, result.output
    assert "GUESSED" in result.output


def test_a_title_column_of_numbers_names_no_risk(tmp_path):
    """A QA team's matrix: 'riesgo' and 'Riesgo' hold the score (15, 20) beside 'Descripcion del riesgo'. The
    first is the score (impact × likelihood), the second an extra column, both said; the names are the
    descriptions, not numbers."""
    rows = [
        ["Consecutivo", "Descripcion del riesgo", "Probabilidade de ocurrencia", "Impacto", "riesgo", "Riesgo"],
        [1, "Incumplimiento en el desarrollo", 3, 5, 15, 15],
        [2, "Retrasos en la entrega", 4, 5, 20, 20],
        [3, "Falta de recursos", 3, 4, 12, 12],
        [4, "Personal con poca experiencia", 3, 5, 15, 15],
    ]
    report = _json(write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Matriz de riesgos"))
    assert report["risks"] == 4
    assert report["columns"]["likelihood"] == "Probabilidade de ocurrencia"
    assert report["columns"]["score"]["header"] == "riesgo"
    assert report["columns"]["title"] == "Descripcion del riesgo"
    said = [f["message"] for f in report["findings"] if f["code"] == "column-by-content"]
    assert any("'Riesgo'" in m and "an extra column, not the title" in m for m in said), said


def test_a_key_sheet_with_more_lines_than_the_register_is_not_read_as_it(tmp_path):
    """An ISO 27001 workbook: the key sheet lists five likelihoods and five impacts with their descriptions
    (both headers known, more rows); the register sheet has fewer risks but names far more columns."""
    key = [
        ["Likelihood", "Grading", "Description", "Impact", "Grading", "Description"],
        ["Highly Probable", 5, "Likely within a month", "Very High", 5, "Regulator involved"],
        ["Probable", 4, "Likely within a year", "High", 4, "Sensitive data exposed"],
        ["Possible", 3, "Once in three years", "Medium", 3, "Internal exposure"],
        ["Unlikely", 2, "Once in five years", "Low", 2, "Incident detected"],
        ["Rare", 1, "Highly unlikely", "Very Low", 1, "No impact"],
    ]
    register = [
        ["Ref", "Risk Description", "Threat", "Impact", "Likelihood", "Risk Score", "Risk Rating", "Risk Treatment"],
        [1, "Unauthorised firewall access", "Attacker", 4, 4, 16, "Major", "Reduce"],
        [2, "Malicious traffic", "Malware", 4, 4, 16, "Major", "Reduce"],
        [3, "Rogue device on a switch", "Insider", 3, 3, 9, "Moderate", "Reduce"],
    ]
    path = write_xlsx(tmp_path / "isms.xlsx", register, sheet="Feuil1", extra_sheets={"Feuil2": key})
    report = _json(path)
    assert report["sheet"] == "Feuil1"
    assert report["risks"] == 3


def test_a_raid_logs_assumptions_issues_and_dependencies_are_not_risks(tmp_path):
    """A RAID log: 'RAID Category' says which entries are risks. Only those are checked and counted; the
    others are passed over, each said in the text and in JSON."""
    kinds = ["Risk", "Risk", "Assumption", "Issue", "Dependency", "Risk", "Issue"]
    rows = [["ID", "RAID Category", "Description", "Impact", "Likelihood", "Owner"]] + [
        [n, kind, f"Entry number {n}", 2, 3, "PM"] for n, kind in enumerate(kinds, 1)
    ]
    path = write_xlsx(tmp_path / "raid.xlsx", rows, sheet="RAID LOG")
    report = _json(path)
    assert report["risks"] == 3
    assert [p["row"] for p in report["passed_over"] if p["reason"] == "log-entry"] == [4, 5, 6, 8]
    text = run_cli("validate", path, "--as-of", AS_OF).stdout
    assert "4 × entry of a RAID log that is not a risk" in text


def test_a_column_of_threats_and_opportunities_passes_over_nothing(tmp_path):
    """'Threat' and 'Opportunity' are both risks: no row is passed over for its kind."""
    kinds = ["Threat", "Opportunity", "Threat", "Threat"]
    rows = [["ID", "Type", "Description", "Impact", "Likelihood", "Owner"]] + [
        [n, kind, f"Entry number {n}", 2, 3, "PM"] for n, kind in enumerate(kinds, 1)
    ]
    assert _json(write_xlsx(tmp_path / "risks.xlsx", rows))["risks"] == 4


def test_a_bracket_after_a_level_names_its_assessment(tmp_path):
    """A Slovak analysis: 'Pravdepodobnosť (pred mitigáciou)' is the inherent likelihood, '(po mitigácii)'
    the current one, as a group row over them would say; the reading is said in one warning."""
    rows = [
        [
            "ID",
            "Názov rizika",
            "Opis rizika",
            "Pravdepodobnosť (pred mitigáciou)",
            "Následok (pred mitigáciou)",
            "Navrhované opatrenia",
            "Pravdepodobnosť (po mitigácii)",
            "Následok (po mitigácii)",
        ],
        [1, "Nejasná fyzická bezpečnosť", "Politika je v rozpore", 4, 5, "Vyjasniť", 1, 4],
        [2, "Nedostatočná ochrana siete", "Nejasnosti", 4, 4, "Zabezpečiť", 2, 3],
        [3, "Riziko záplavy", "Lokalita v oblasti", 3, 5, "Zriadiť", 1, 3],
    ]
    report = _json(write_xlsx(tmp_path / "rizika.xlsx", rows, sheet="Rizika"))
    assert report["risks"] == 3
    assert report["columns"]["inherent_likelihood"] == "Pravdepodobnosť (pred mitigáciou)"
    assert report["columns"]["likelihood"] == "Pravdepodobnosť (po mitigácii)"
    assert report["columns"]["impact"] == "Následok (po mitigácii)"
    assert [f for f in report["findings"] if f["code"] == "assessment-by-group"]


def test_a_key_that_numbers_its_words_downwards_makes_the_order_a_guess(tmp_path):
    """A risk-based testing sheet scores 1 to 5, and its Terms sheet says 1 is Very high, 5 Very low: riskbook
    ranks a higher number as worse, so the draft marks the order a guess, and validate warns until confirmed."""
    terms = [
        ["Numerical scale"],
        [None, 1, None, "Very high"],
        [None, 2, None, "High"],
        [None, 3, None, "Medium"],
        [None, 4, None, "Low"],
        [None, 5, None, "Very low"],
    ]
    rows = [["No.", "Quality Risk", "Likelihood", "Impact", "Risk Pri.#"]] + [
        [f"1.1.00{n}", f"Quality risk number {n}", likelihood, impact, likelihood * impact]
        for n, (likelihood, impact) in enumerate([(5, 1), (3, 2), (3, 5), (4, 2), (1, 1)], 1)
    ]
    path = write_xlsx(tmp_path / "fmea.xlsx", rows, sheet="Non-Detection", extra_sheets={"Terms": terms})
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert drafted.exit_code == 0, drafted.output
    assert "likelihood: Very Low < Low < Medium < High < Very High  GUESSED" in drafted.output
    assert "numbers its words the other way (1 Very high" in (tmp_path / "scheme.toml").read_text()
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert [f for f in report["findings"] if f["code"] == "scale-order-guessed"]


def test_a_heatmap_sheet_names_the_levels_the_register_never_uses(tmp_path):
    """Impact and probability in Low, Medium, High; the Heatmap sheet is a 5 × 5 of Very Low … Very High: the
    draft's scale is the heatmap's five levels, so High × High scores 16 as the register says."""
    words = ["Very Low", "Low", "Medium", "High", "Very High"]
    heatmap = [[None, *words]] + [[word, *(i * j for j in range(1, 6))] for i, word in enumerate(words, 1)]
    rows = [["Risk ID", "Description", "Probability", "Impact", "Score"]] + [
        [f"A{n}", f"Risk number {n}", p, i, (words.index(p) + 1) * (words.index(i) + 1)]
        for n, (p, i) in enumerate([("High", "High"), ("Medium", "High"), ("Medium", "Medium"), ("Low", "High")], 1)
    ]
    path = write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risk Register", extra_sheets={"Heatmap": heatmap})
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert drafted.exit_code == 0, drafted.output
    assert "impact: Very Low < Low < Medium < High < Very High" in drafted.output
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in report["findings"] if f["code"] in ("score-mismatch", "bad-scale-value")]


def test_a_heading_numbered_as_its_risks_are_is_no_risk(tmp_path):
    """'1.1.000 | Functionality: Suitability' over '1.1.001', '1.1.002': the heading of a section, numbered
    within the register's own numbering; a risk numbered 1.2 with no levels yet stays a risk."""
    rows = [
        ["No.", "Quality Risk", "Likelihood", "Impact"],
        ["1.1.000", "Functionality: Suitability", None, None],
        ["1.1.001", "Reject all applications for loans", 2, 3],
        ["1.1.002", "Reject all applications for credit", 2, 2],
        ["1.2.000", "Functionality: Accuracy", None, None],
        ["1.2.001", "Wrong interest computed", 3, 3],
        ["1.2.002", "Rounding errors in statements", None, None],
    ]
    report = _json(write_xlsx(tmp_path / "quality.xlsx", rows, sheet="Risks"))
    assert report["risks"] == 4
    assert [p["row"] for p in report["passed_over"]] == [2, 5]
    assert {p["reason"] for p in report["passed_over"]} == {"group"}


def test_a_turkish_plan_with_its_levels_listed_in_each_header_is_read_and_drafted(tmp_path):
    """'Etki [Düşük-Orta-Yüksek]': the bracket lists the levels, not the name; the levels are Turkish words
    riskbook knows, and the score column's band words draft the bands."""
    rows = [
        [
            "No",
            "Risk Tanımı",
            "Risk Sınıfı",
            "Etki [Düşük-Orta-Yüksek]",
            "Karşılaşma Olasılığı [Düşük-Orta-Yüksek]",
            "Risk Değeri [Düşük-Orta-Yüksek]",
            "Durum (Açık-Kapalı-Gerçekleşti)",
        ],
        [1, "Sensör arızası", "Teknik", "Orta", "Düşük", "Düşük", "Açık"],
        [2, "Bütçe aşımı", "Finansal", "Yüksek", "Orta", "Yüksek", "Açık"],
        [3, "Tedarik gecikmesi", "Tedarik", "Orta", "Orta", "Orta", "Kapalı"],
        [4, "Veri kaybı", "Teknik", "Yüksek", "Yüksek", "Yüksek", "Açık"],
    ]
    path = write_xlsx(tmp_path / "plan.xlsx", rows, sheet="Risk Yönetim Planı")
    report = _json(path)
    assert report["risks"] == 4
    assert report["columns"]["impact"] == "Etki [Düşük-Orta-Yüksek]"
    assert report["columns"]["likelihood"] == "Karşılaşma Olasılığı [Düşük-Orta-Yüksek]"
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "impact: Düşük < Orta < Yüksek" in drafted.output
    assert "GUESSED" not in drafted.output
    checked = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in checked["findings"] if f["code"] in ("bad-score", "bad-scale-value")]


def test_a_legend_on_the_header_cells_later_lines_names_the_levels(tmp_path):
    """'Probabilidade (P)\\n1-Baixo\\n2-Média\\n3-Alta': the first line is the name, the rest the scale's key."""
    rows = [
        [
            "ID",
            "Descrição Risco",
            "Probabilidade (P)\n1-Baixo\n2-Média\n3-Alta",
            "Impacto (I)\n1-Baixo\n2-Média\n3-Alta",
            "Fator de Risco \n(P) x (i)",
        ],
        [1, "Sensor descalibrado", 2, 3, 6],
        [2, "Falha de rede", 1, 3, 3],
        [3, "Atraso na entrega", 3, 2, 6],
    ]
    path = write_xlsx(tmp_path / "riscos.xlsx", rows, sheet="Riscos")
    report = _json(path)
    assert report["risks"] == 3
    assert report["columns"]["score"]["header"] == "Fator de Risco \n(P) x (i)"  # by content: the product
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "likelihood: Baixo < Média < Alta" in drafted.output


def test_headers_in_plain_words_and_formulas_are_read(tmp_path):
    """'The likelihood of risk (%)', 'The severity of the risk (1-10)', 'Condition', 'Risk Factor= I*F',
    'Frequency (F)', 'Person Responsible'."""
    rows = [
        ["№", "Condition", "The likelihood of risk (%)", "The severity of the risk (1-10)", "Person Responsible"],
        [1, "Key developer leaves", 0.2, 7, "PM"],
        [2, "Supplier is late", 0.35, 4, "Buyer"],
        [3, "Requirements change", 0.1, 5, "Analyst"],
    ]
    report = _json(write_xlsx(tmp_path / "risks.xlsx", rows, sheet="Risks"))
    assert report["risks"] == 3
    assert report["columns"]["title"]["header"] == "Condition"  # by content: not a word of its own
    assert report["columns"]["likelihood"] == "The likelihood of risk (%)"
    assert report["columns"]["impact"] == "The severity of the risk (1-10)"
    assert report["columns"]["owner"] == "Person Responsible"
    rows = [
        ["Risk", "Frequency (F)", "Impact (I)", "Risk Factor= I*F"],
        ["Scope creep", 2, 3, 6],
        ["Illness", 1, 2, 2],
        ["Data loss", 1, 3, 3],
    ]
    report = _json(write_xlsx(tmp_path / "log.xlsx", rows, sheet="Risk Log"))
    assert report["columns"]["likelihood"] == "Frequency (F)"
    assert report["columns"]["score"]["header"] == "Risk Factor= I*F"


def test_levels_written_as_sentences_led_by_their_word_are_ordered_by_that_word(tmp_path):
    """A student team's register explains each level: 'Low, as everyone has the same vision…', 'Moderate,
    as this would cause a moderate schedule delay…', 'High. Lack of availability…'. Each sentence is its
    leading word's level, Low < Medium < High, no guess, and validate finds every sentence on the scale."""
    cells = [
        ("Low, as everyone has the same vision going into the project", "Moderate, as this would cause a delay of 5%"),
        ("Low, as there are many studies done already", "Moderate, as this would increase the schedule"),
        ("Low. Historical data suggests the supplier delivers", "High. Lack of the supplier would hit the schedule"),
        ("Moderate, stakeholder conflicts arise frequently here", "Low, this would have a low impact on the cost"),
    ]
    rows = [["Risk ID", "Risk Statement", "Probability", "Impact"]] + [
        [n, f"If risk number {n} happens, then the project slips", p, i] for n, (p, i) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risk Register")
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "impact: Low < Medium < High" in drafted.output
    assert "likelihood: Low < Medium < High" in drafted.output
    assert "GUESSED" not in drafted.output
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in report["findings"] if f["code"] == "bad-scale-value"]


def test_extreme_and_critical_top_a_scale_and_a_slip_of_a_known_word_is_that_word(tmp_path):
    """A Spanish matrix: impacts Bajo, Medio, Alto, Extremo; likelihoods Posible, Probable and the slip
    'Problable'. Both scales are ordered by known words; the slip is read as Probable, and since that places
    a level, the likelihood's order is a guess until confirmed, said in the draft."""
    cells = [("Alto", "Probable"), ("Extremo", "Problable"), ("Bajo", "Posible"), ("Medio", "Probable")]
    rows = [["ID", "Riesgo", "Impacto", "Probabilidad"]] + [
        [n, f"Riesgo número {n}", i, p] for n, (i, p) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Matriz")
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "impact: Bajo < Medio < Alto < Extremo" in drafted.output
    assert "likelihood: Raro < Improbable < Posible < Probable < Casi seguro  GUESSED" in drafted.output
    assert "'Problable' read as 'probable', one letter off" in (tmp_path / "scheme.toml").read_text()
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in report["findings"] if f["code"] == "bad-scale-value"]


def test_a_second_impact_header_over_ratings_that_rise_with_the_score_is_the_rating(tmp_path):
    """'Severity' beside 'Impact' holds Medium, High, Critical as the score rises: the rating, said; and a
    'Target Completion Date' is when an action is due, not when the risk was first recorded."""
    cells = [
        ("High", "High", 16, "Critical"),
        ("Medium", "High", 12, "High"),
        ("Medium", "Medium", 9, "Medium"),
        ("Low", "High", 8, "Medium"),
        ("High", "Medium", 12, "High"),
    ]
    rows = [["Risk ID", "Description", "Probability", "Impact", "Score", "Severity", "Target Completion Date"]] + [
        [f"A{n}", f"Risk number {n}", p, i, score, severity, f"2025-0{n}-01"]
        for n, (p, i, score, severity) in enumerate(cells, 1)
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risk Register"))
    assert report["columns"]["rag"]["header"] == "Severity"
    assert report["columns"]["control_due"] == "Target Completion Date"
    assert "first_recorded" not in report["columns"]
    assert [f for f in report["findings"] if f["code"] == "column-by-content" and "'Severity'" in f["message"]]


def test_a_second_impact_header_over_levels_stays_a_repeat(tmp_path):
    """'Consequence' beside 'Impact', holding levels that do not follow the score, is no rating."""
    cells = [("High", "High", 9, "Low"), ("Medium", "High", 6, "High"), ("Low", "Low", 1, "Medium")]
    rows = [["Risk ID", "Description", "Probability", "Impact", "Score", "Consequence"]] + [
        [f"A{n}", f"Risk number {n}", p, i, score, c] for n, (p, i, score, c) in enumerate(cells, 1)
    ]
    report = _json(write_xlsx(tmp_path / "register.xlsx", rows, sheet="Risk Register"))
    assert "rag" not in report["columns"]


def test_an_amdec_in_letters_is_read_with_its_criticality_said(tmp_path):
    """A French AMDEC: 'Mode de défaillance', then G, F, D and C = G × F × D. F is the likelihood, G the
    impact (D, detection, the third factor), each said as a guess; C stays the register's own ranking, said."""
    factors = [(3, 2, 2), (4, 1, 3), (2, 3, 1), (3, 3, 2), (1, 2, 4)]
    rows = [["Fonction", "Mode de défaillance", "Effet", "G", "F", "D", "C", "Action préventive"]] + [
        [f"Fonction {n}", f"Défaillance numéro {n}", "Arrêt de la ligne", g, f, d, g * f * d, "Contrôle"]
        for n, (g, f, d) in enumerate(factors, 1)
    ]
    report = _json(write_xlsx(tmp_path / "amdec.xlsx", rows, sheet="AMDEC"))
    assert report["risks"] == 5
    assert report["columns"]["likelihood"]["header"] == "F"
    assert report["columns"]["impact"]["header"] == "G"
    codes = [f["code"] for f in report["findings"]]
    assert codes.count("column-by-content") >= 2
    assert "three-factor-score" in codes


def test_letters_that_fit_two_ways_are_not_read_as_levels(tmp_path):
    """German FMEA letters B (Bedeutung), A (Auftreten), E (Entdeckung): B and E could each be the impact or
    the third factor in one method or another, so riskbook does not pick; the file is refused, naming why."""
    factors = [(3, 2, 2), (4, 1, 3), (2, 3, 1), (3, 3, 2)]
    rows = [["Fehler", "B", "A", "E", "RPZ"]] + [
        [f"Fehler Nummer {n} tritt auf", b, a, e, b * a * e] for n, (b, a, e) in enumerate(factors, 1)
    ]
    result = run_cli("validate", write_xlsx(tmp_path / "fmea.xlsx", rows, sheet="FMEA"), "--as-of", AS_OF)
    assert result.exit_code == 2


def test_a_key_under_its_own_header_row_below_the_risks_is_no_version_of_them(tmp_path):
    """A Kinney sheet: its risks, blank rows, then its key under the letters again (E, B, W, R over 1, 3, 7
    and their descriptions): the key is passed over; the risks are not an earlier version of it."""
    rows = [["Gevaren", "Omgevingsfactoren", "E", "B", "W", "R"]]
    rows += [
        [f"Gevaar nummer {n}", "Geen aandacht", e, b, w, e * b * w]
        for n, (e, b, w) in enumerate([(3, 3, 1), (3, 10, 0.5), (1, 10, 3), (7, 6, 3)], 1)
    ]
    rows += [[None] * 6, [None] * 6, [None, None, "E", "B", "W", "R"]]
    rows += [[None, "Ernst", 1, None, None, None], [None, None, 3, None, None, None], [None, None, 7, None, None, None]]
    report = _json(write_xlsx(tmp_path / "kinney.xlsx", rows, sheet="Blad1"))
    assert report["risks"] == 4
    assert "earlier-version" not in {p["reason"] for p in report["passed_over"]}


def test_levels_written_with_a_full_stop_are_levels_not_guidance(tmp_path):
    """A Colombian matrix writes 'Alta.', 'Media.', 'Crítico.': every row read so was passed over as guidance
    and the file had 'no risks'. Guidance is a sentence in the rows right under the header; these are
    risks, and the draft's levels are Baja < Media < Alta."""
    cells = [("Alta.", "Media."), ("Media.", "Alta."), ("Baja.", "Baja."), ("Alta.", "Alta."), ("Media.", "Baja.")]
    rows = [["Categoria", "Riesgo identificado", "Descripcion", "Probabilidad", "Impacto"]] + [
        ["Técnico", f"Riesgo número {n}", f"Puede pasar que el riesgo {n} ocurra", p, i]
        for n, (p, i) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "matriz.xlsx", rows, sheet="Hoja1")
    report = _json(path)
    assert report["risks"] == 5
    assert report["columns"]["title"] == "Riesgo identificado"
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "impact: Baja < Media < Alta" in drafted.output


def test_p_i_and_r_letters_are_read_by_their_product(tmp_path):
    """A Russian register's 'P', 'I', 'R': P is the likelihood by its letter, and the unnamed I beside it, whose
    product with P is R on every row, is the impact and R the score, each said."""
    lines = ["ID;Риск;P;I;R;Уровень;Владелец"] + [
        f"R{n};Риск номер {n} наступает;{p};{i};{p * i};Средний;PM"
        for n, (p, i) in enumerate([(4, 4), (3, 3), (3, 5), (2, 5)], 1)
    ]
    path = tmp_path / "risks.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = _json(path)
    assert report["columns"]["impact"]["header"] == "I"
    assert report["columns"]["score"]["header"] == "R"
    assert report["columns"]["rag"] == "Уровень"


def test_a_range_on_its_own_line_and_a_product_formula_are_qualifiers(tmp_path):
    """'Probab.\\n1--5', 'Impacto\\n1--5' and 'Exp. al riesgo\\nProb X Imp' (a Spanish project's exposure)."""
    rows = [["Código", "Descripción", "Probab.\n1--5", "Impacto\n1--5", "Exp. al riesgo\nProb X Imp"]] + [
        [f"R{n}", f"Riesgo número {n}", p, i, p * i] for n, (p, i) in enumerate([(2, 3), (4, 4), (1, 5)], 1)
    ]
    report = _json(write_xlsx(tmp_path / "riesgos.xlsx", rows, sheet="RiegosProyecto"))
    assert report["columns"]["likelihood"] == "Probab.\n1--5"
    assert report["columns"]["impact"] == "Impacto\n1--5"
    assert report["columns"]["score"] == "Exp. al riesgo\nProb X Imp"


def test_a_status_column_of_ratings_is_the_rating(tmp_path):
    """'Estado' holds 'Riesgo alto', 'Riesgo medio': the file's ratings, not statuses. Read as the rating (said),
    the draft bands them, and the panel's ratings agree with the file's."""
    cells = [(4, 5, "Riesgo alto"), (4, 3, "Riesgo medio"), (5, 5, "Riesgo alto"), (2, 2, "Riesgo bajo")]
    rows = [["ID", "Descripción", "Probabilidad", "Impacto", "Responsable", "Estado"]] + [
        [n, f"Riesgo número {n}", p, i, "Comité", rating] for n, (p, i, rating) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "riesgos.xlsx", rows, sheet="Registro de riesgos")
    report = _json(path)
    assert report["columns"]["rag"]["header"] == "Estado"
    assert "status" not in report["columns"]
    run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    checked = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in checked["findings"] if f["code"] in ("rag-mismatch", "unknown-status")]


def test_a_header_written_as_a_forms_label_keeps_its_qualifier(tmp_path):
    """'Probabilidad de ocurrencia (alta, media, baja):' and 'Impacto en el proyecto (alto, medio, bajo):'."""
    rows = [
        [
            "Nombre",
            "Descripción del riesgo:",
            "Probabilidad de ocurrencia\n (alta, media, baja):",
            "Impacto en el proyecto \n(alto, medio, bajo):",
            "Severidad",
        ]
    ]
    rows += [
        [f"R{n}", f"Riesgo número {n}", p, i, s]
        for n, (p, i, s) in enumerate(
            [("Alta", "Alto", "Alta"), ("Media", "Bajo", "Baja"), ("Baja", "Medio", "Baja")], 1
        )
    ]
    report = _json(write_xlsx(tmp_path / "riesgos.xlsx", rows, sheet="Hoja1"))
    assert report["columns"]["likelihood"] == "Probabilidad de ocurrencia\n (alta, media, baja):"
    assert report["columns"]["impact"] == "Impacto en el proyecto \n(alto, medio, bajo):"


def test_a_templates_unfilled_lines_are_passed_over(tmp_path):
    """A German template numbers its lines and pre-fills them: 0 under likelihood, impact and Ampel, and the
    status's default 'nicht eingetreten'. Those lines are no risks; a line with levels typed is one."""
    rows = [["Risikotyp", "Nr.", "Wahr-\nsch.", "Aus- wirk.", "Ampel", "Beschreibung", "Hinweise Status"]]
    rows += [["Ressourcen", 1, 2, 2, 4, "Lieferengpässe bei Komponenten", "nicht eingetreten"],
             ["Ressourcen", 2, 1, 4, 4, "Materialverlust im Lager", "nicht eingetreten"],
             ["Technik", 3, 0, 0, 0, None, "nicht eingetreten"],
             [None, 4, 0, 0, 0, None, "nicht eingetreten"],
             [None, None, 0, 0, 0, None, "nicht eingetreten"],
             [None, 5, None, None, None, None, "nicht eingetreten"],
             ["Kunde", 6, 3, 1, 3, "Anforderungen ändern sich", "nicht eingetreten"]]  # fmt: skip
    report = _json(write_xlsx(tmp_path / "risiko.xlsx", rows, sheet="Details Risikoanalyse"))
    assert report["risks"] == 3
    assert [p["row"] for p in report["passed_over"] if p["reason"] == "placeholder"] == [4, 5, 6, 7]


def test_a_matrix_drawn_under_the_table_below_its_axis_name_is_passed_over(tmp_path):
    """Right under the last risk, 'Impacto' alone in its row heads the P × I matrix drawn below (Alto 3 6 9 …,
    then the probabilities): a key, not four risks."""
    rows = [["ID", "Descrição do Risco", "Probabilidade (P)", "Impacto (I)", "Fator de Risco (P x I)"]]
    rows += [[n, f"Risco número {n}", p, i, p * i] for n, (p, i) in enumerate([(1, 3), (3, 3), (2, 3), (3, 1)], 1)]
    rows += [["Impacto"], ["Alto", 3, 6, 9], ["Médio", 2, 4, 6], ["Baixo", 1, 2, 3],
             [None, "Pouco provável", "Provável", "Muito provável"]]  # fmt: skip
    report = _json(write_xlsx(tmp_path / "riscos.xlsx", rows, sheet="Gestão de Riscos"))
    assert report["risks"] == 4
    assert {p["reason"] for p in report["passed_over"]} == {"legend"}


def test_the_workbooks_drop_down_list_orders_the_levels(tmp_path):
    """A risk log's 'Drop Downs' sheet lists the likelihoods under their heading: Rare, Unlikely, Probable,
    Likely, Very Likely (Probable and Likely are one level in the known words, so they alone can't order
    them). The list orders them, its heading is no level, and nothing is guessed; a first line that may be a
    heading or a level ('Probablilty', misspelt) makes the order a guess, said."""
    drop_downs = [["Likelihood", "Status"], ["Rare", "Open"], ["Unlikely", "Closed"], ["Probable", None],
                  ["Likely", None], ["Very Likely", None]]  # fmt: skip
    cells = [("Likely", "Minor"), ("Probable", "Major"), ("Unlikely", "Moderate"), ("Very Likely", "Minor")]
    rows = [["Risk ID", "Risk", "Likelihood", "Impact"]] + [
        [f"R{n}", f"Risk number {n}", p, i] for n, (p, i) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "log.xlsx", rows, sheet="Risk Log", extra_sheets={"Drop Downs": drop_downs})
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "likelihood: Rare < Unlikely < Probable < Likely < Very Likely" in drafted.output
    assert "GUESSED" not in drafted.output
    drop_downs[0][0] = "Probablilty"
    path = write_xlsx(tmp_path / "log2.xlsx", rows, sheet="Risk Log", extra_sheets={"Drop Downs": drop_downs})
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme2.toml")
    assert "likelihood: Probablilty < Rare" in drafted.output and "GUESSED" in drafted.output
    assert "may be its heading rather than a level" in (tmp_path / "scheme2.toml").read_text()


def test_residual_levels_beside_plain_ones_and_an_inherent_score_are_the_current_set(tmp_path):
    """'Likelihood', 'Impact', 'Inherent Score' (their product), then 'Residual Likelihood', 'Residual Impact',
    'Residual Score' written '15 (High)': the residual columns are the current set, the plain ones the
    inherent, said; a score with its band's word beside it is that score."""
    cells = [(4, 5, 3, 5), (3, 4, 2, 4), (3, 5, 4, 5), (5, 4, 4, 4)]
    rows = [["Risk ID", "Risk Owner", "Threat", "Likelihood", "Impact", "Inherent Score", "Residual Likelihood",
             "Residual Impact", "Residual Score"]]  # fmt: skip
    rows += [[f"GR-00{n}", "CTO", f"Threat number {n}", l1, i1, f"{l1 * i1} (High)", l2, i2, f"{l2 * i2} (High)"]
             for n, (l1, i1, l2, i2) in enumerate(cells, 1)]  # fmt: skip
    path = write_xlsx(tmp_path / "register.xlsx", rows, sheet="Sheet 1")
    report = _json(path, "--scheme", Path(__file__).resolve().parent.parent / "workbook_templates" / "scheme-5x5.toml")
    assert report["columns"]["likelihood"] == "Residual Likelihood"
    assert report["columns"]["inherent_impact"] == "Impact"
    codes = [f["code"] for f in report["findings"]]
    assert "assessment-by-group" in codes
    assert "bad-score" not in codes and "score-mismatch" not in codes


def test_a_score_column_the_draft_leaves_unread_is_not_read_by_its_content(tmp_path):
    """Likelihoods 0.25–1 and impacts 1–5, 'Riesgo' their product (2.25, 3.75): the draft says riskbook can't
    score in such numbers and leaves the Score column unread (aliases = []); validate under it reads no score
    by content either, so no whole-number or matrix finding calls the file's own products wrong."""
    cells = [(3, 0.75), (2, 0.75), (4, 0.5), (5, 0.75), (3, 0.5)]
    rows = [["ID", "Descripción", "Impacto", "Probabilidad", "Riesgo"]] + [
        [n, f"Riesgo número {n}", i, p, i * p] for n, (i, p) in enumerate(cells, 1)
    ]
    path = write_xlsx(tmp_path / "riesgos.xlsx", rows, sheet="Descripcion")
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "[columns.score]\naliases = []" in (tmp_path / "scheme.toml").read_text(), drafted.output
    report = _json(path, "--scheme", tmp_path / "scheme.toml")
    assert not [f for f in report["findings"] if f["code"] in ("bad-score", "score-mismatch")]
    assert "score" not in report["columns"]


def test_rows_of_sentences_that_would_leave_no_risks_are_the_risks(tmp_path):
    """A dissertation's assessment writes its likelihoods as sentences ('Unlikely however there is always the
    potential…'). Such rows read like guidance under the header, but guidance comes before risks: rows that
    would leave none are the risks, with their findings, not 'no risks'."""
    rows = [["Risk", "Level of risk", "Likely Hood of happening", "Risk Prevention"]] + [
        [f"Hard drive number {n} fails", level, "Unlikely however there is always the potential.", "Backups"]
        for n, level in enumerate(["Severe", "Medium", "Medium"], 1)
    ]
    report = _json(write_xlsx(tmp_path / "assessment.xlsx", rows, sheet="Sheet1"))
    assert report["risks"] == 3
    assert not report.get("passed_over")


def test_candidates_a_screening_column_answers_no_are_not_risks(tmp_path):
    """'Riesgo S/N': the team listed candidates and answered whether each is a risk; the N rows are passed
    over, said, and only the S rows are checked."""
    answers = [("S", 2, 1), ("N", None, None), ("S", 1, 3), ("N", None, None), ("S", 2, 3)]
    rows = [["Código", "Descripción", "Riesgo\nS/N", "Probab.\n1--5", "Impacto\n1--5"]] + [
        [f"Ri{n}", f"Candidato número {n}", answer, p, i] for n, (answer, p, i) in enumerate(answers, 1)
    ]
    report = _json(write_xlsx(tmp_path / "riesgos.xlsx", rows, sheet="RiegosProyecto"))
    assert report["risks"] == 3
    assert [p["row"] for p in report["passed_over"] if p["reason"] == "screened-out"] == [3, 5]
    assert not [f for f in report["findings"] if f["code"] == "missing-value"]


# A reviewer's registers, each a misreading the rules above once made (held here so none comes back).


def test_a_key_sheets_score_table_adds_no_levels(tmp_path):
    """A Key sheet names 1 Low, 2 Medium, 3 High, then a score table (10 Very high, 8 Very high): the scale
    stays three levels; the score table's numbers are no levels 4 to 10."""
    key = [
        [1, "Low"],
        [2, "Medium"],
        [3, "High"],
        [None],
        ["Risk score", "Rating"],
        [10, "Very high"],
        [8, "Very high"],
    ]
    rows = [["Ref", "Risk", "Likelihood", "Impact", "Owner"]] + [
        [f"R{n}", f"Risk number {n}", p, i, "PM"] for n, (p, i) in enumerate([("Low", "High"), ("High", "High"),
                                                                             ("Medium", "Low")], 1)]  # fmt: skip
    path = write_xlsx(tmp_path / "fill.xlsx", rows, sheet="Risks", extra_sheets={"Key": key})
    drafted = run_cli("scheme", "--from", path, "-o", tmp_path / "scheme.toml")
    assert "impact: Low < Medium < High\n" in drafted.output


def test_a_word_of_another_scale_is_no_slip_and_a_slip_is_a_guess(tmp_path):
    """Danish 'Betydelig' (major) is one letter off 'Ubetydelig' (insignificant) but a word of its own: not
    read as its opposite, and the order stays a guess, warned."""
    rows = [["ID", "Risiko", "Sandsynlighed", "Konsekvens", "Ejer"]] + [
        [n, f"Risiko nummer {n}", "Middel", c, "PL"]
        for n, c in enumerate(["Kritisk", "Betydelig", "Marginal", "Ubetydelig", "Betydelig"], 1)
    ]
    drafted = run_cli("scheme", "--from", write_xlsx(tmp_path / "da.xlsx", rows), "-o", tmp_path / "scheme.toml")
    impact = next(line for line in drafted.output.splitlines() if "impact:" in line)
    assert "GUESSED" in impact or impact.index("Ubetydelig") < impact.index("Betydelig <")


def test_an_archive_sheet_with_one_more_column_is_not_the_register(tmp_path):
    """'Live risks' (12 risks) and 'Closed risks' (3, one column more): the live register is read."""
    header = ["Ref", "Risk", "Likelihood", "Impact", "Owner", "Status", "Score"]
    live = [header] + [[f"R{n}", f"Live risk {n}", 2, 3, "PM", "Open", 6] for n in range(1, 13)]
    closed = [[*header, "Last Review"]] + [[f"C{n}", f"Closed risk {n}", 1, 1, "PM", "Closed", 1, "2024-01-01"]
                                           for n in range(1, 4)]  # fmt: skip
    path = write_xlsx(tmp_path / "sheets.xlsx", live, sheet="Live risks", extra_sheets={"Closed risks": closed})
    report = _json(path)
    assert report["sheet"] == "Live risks" and report["risks"] == 12


def test_a_sentence_naming_two_levels_is_not_read_as_the_first(tmp_path):
    """'Medium to high given the supplier's record' is no Medium: the order stays a guess."""
    cells = ["Low", "Medium", "High", "Medium to high given the supplier's record", "Low"]
    rows = [["Ref", "Risk", "Likelihood", "Impact"]] + [
        [f"R{n}", f"Risk {n}", c, "High"] for n, c in enumerate(cells, 1)
    ]
    drafted = run_cli("scheme", "--from", write_xlsx(tmp_path / "s.xlsx", rows), "-o", tmp_path / "scheme.toml")
    assert "likelihood: Low < Medium < High < Medium to high" in drafted.output and "GUESSED" in drafted.output


def test_a_bracket_of_impact_areas_is_no_list_of_levels(tmp_path):
    """'Impact (Cost/Schedule/Quality)' holds areas; 'Impact Score' beside it holds the levels."""
    rows = [["Ref", "Risk", "Likelihood", "Impact (Cost/Schedule/Quality)", "Impact Score"]] + [
        [f"R{n}", f"Risk {n}", 2, area, 3] for n, area in enumerate(["Cost", "Quality", "Schedule"], 1)
    ]
    report = _json(write_xlsx(tmp_path / "l.xlsx", rows))
    assert report["columns"]["impact"] == "Impact Score"


def test_a_rating_header_that_states_a_product_heads_the_score(tmp_path):
    """'Risk Rating = L x I' over 12, 4, 9: the score, not band names '12', '4'."""
    rows = [["Ref", "Risk", "Likelihood", "Impact", "Risk Rating = L x I"]] + [
        [f"R{n}", f"Risk {n}", p, i, p * i] for n, (p, i) in enumerate([(3, 4), (2, 2), (3, 3)], 1)
    ]
    assert _json(write_xlsx(tmp_path / "f.xlsx", rows))["columns"]["score"] == "Risk Rating = L x I"


def test_levels_bracketed_as_before_with_no_other_set_are_the_current_ones(tmp_path):
    """'Likelihood (Before)', 'Impact (Before)' and no after columns: they are the register's levels."""
    rows = [["Ref", "Risk", "Likelihood (Before)", "Impact (Before)", "Score"]] + [
        [f"R{n}", f"Risk {n}", p, i, p * i] for n, (p, i) in enumerate([(3, 4), (2, 2), (3, 3)], 1)
    ]
    report = _json(write_xlsx(tmp_path / "b.xlsx", rows))
    assert report["columns"]["likelihood"] == "Likelihood (Before)"
    assert not [f for f in report["findings"] if f["code"] == "missing-column"]
