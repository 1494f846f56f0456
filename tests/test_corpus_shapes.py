"""Shapes seen in other organisations' public registers (issue 19's corpus), each written here by the test:
headers with a qualifier ("Konsekvens (K)", "Impact (1-5)"), a header under merged title rows, rows in a
language the scheme has no words for, a template's pre-filled lines, a matrix drawn as a grid, plain
numeric ids, a status vocabulary of the register's own, and a before / after controls header.
"""

from __future__ import annotations

import json

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
