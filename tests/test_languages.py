"""Registers headed in other languages (and English abbreviations) are read with no options.

Each register is written here in the shape an organisation in that language uses; the headers
come from the default [columns] table (workbook_templates/columns.toml), compared folded.
"""

import json

import pytest
from click.testing import CliRunner

from riskbook.cli import cli
from tests.conftest import write_xlsx

AS_OF = "2024-01-16"

# language: the header of reference, title, description, owner, impact, likelihood, score, rating,
# status, first recorded, last review, existing controls, additional controls, update.
FIELDS = (
    "reference",
    "title",
    "description",
    "owner",
    "impact",
    "likelihood",
    "score",
    "rag",
    "status",
    "first_recorded",
    "last_review",
    "existing_controls",
    "additional_controls",
    "update",
)
HEADERS = {
    "English abbreviations": (
        "S.No", "Risk", "Risk Statement", "Accountable", "IMP", "PRB", "P x I", "Risk Level", "Risk Status",
        "Date Logged", "Last Updated", "Controls in Place", "Further Actions", "Progress Update",
    ),
    "French": (
        "N°", "Intitulé", "Description du risque", "Propriétaire du risque", "Gravité", "Probabilité", "Criticité",
        "Niveau de risque", "Statut", "Date d'identification", "Dernière revue", "Mesures existantes",
        "Plan d'action", "Mise à jour",
    ),
    "German": (
        "Lfd. Nr.", "Risiko", "Risikobeschreibung", "Risikoeigner", "Auswirkung", "Wahrscheinlichkeit", "Risikowert",
        "Risikostufe", "Status", "Erfasst am", "Letzte Überprüfung", "Bestehende Maßnahmen", "Maßnahmen",
        "Sachstand",
    ),
    "Spanish": (
        "Código", "Riesgo", "Descripción del riesgo", "Responsable", "Impacto", "Probabilidad", "Puntuación",
        "Nivel de riesgo", "Estado", "Fecha de identificación", "Última revisión", "Controles existentes",
        "Plan de acción", "Actualización",
    ),
    "Italian": (
        "Codice rischio", "Rischio", "Descrizione", "Responsabile", "Impatto", "Probabilità", "Punteggio",
        "Livello di rischio", "Stato", "Data di identificazione", "Ultima revisione", "Controlli esistenti", "Azioni",
        "Aggiornamento",
    ),
    "Portuguese": (
        "Nº", "Risco", "Descrição do risco", "Responsável", "Impacto", "Probabilidade", "Pontuação", "Nível de risco",
        "Situação", "Data de identificação", "Última revisão", "Controlos existentes", "Plano de ação", "Atualização",
    ),
    "Dutch": (
        "Nr.", "Risico", "Omschrijving", "Risico-eigenaar", "Impact", "Kans", "Risicoscore", "Risiconiveau",
        "Status", "Datum registratie", "Laatst beoordeeld", "Bestaande maatregelen", "Aanvullende maatregelen",
        "Voortgang",
    ),
    "Polish": (
        "Lp.", "Nazwa ryzyka", "Opis ryzyka", "Właściciel ryzyka", "Wpływ", "Prawdopodobieństwo", "Wartość ryzyka",
        "Poziom ryzyka", "Status", "Data identyfikacji", "Data ostatniego przeglądu", "Istniejące zabezpieczenia",
        "Planowane działania", "Aktualizacja",
    ),
    "Russian": (
        "№ п/п", "Наименование риска", "Описание риска", "Владелец риска", "Влияние", "Вероятность",
        "Значение риска", "Уровень риска", "Статус", "Дата выявления", "Дата последнего пересмотра",
        "Существующие меры контроля", "Мероприятия", "Обновление",
    ),
    "Ukrainian": (
        "№ з/п", "Назва ризику", "Опис ризику", "Власник ризику", "Вплив", "Ймовірність", "Значення ризику",
        "Рівень ризику", "Стан", "Дата виявлення", "Дата останнього перегляду", "Існуючі заходи",
        "Додаткові заходи", "Оновлення",
    ),
    "Czech": (
        "Číslo", "Název rizika", "Popis rizika", "Vlastník rizika", "Dopad", "Pravděpodobnost", "Hodnota rizika",
        "Úroveň rizika", "Stav", "Datum identifikace", "Poslední revize", "Stávající opatření", "Další opatření",
        "Aktualizace",
    ),
    "Slovak": (
        "Číslo rizika", "Názov rizika", "Popis", "Zodpovedná osoba", "Následok", "Pravdepodobnosť", "Skóre",
        "Stupeň rizika", "Stav", "Dátum identifikácie", "Posledná revízia", "Existujúce opatrenia",
        "Plánované opatrenia", "Aktualizácia",
    ),
    "Swedish": (
        "Nr", "Risk", "Riskbeskrivning", "Riskägare", "Konsekvens", "Sannolikhet", "Riskvärde", "Risknivå", "Status",
        "Datum registrerad", "Senast granskad", "Befintliga åtgärder", "Ytterligare åtgärder", "Uppdatering",
    ),
    "Norwegian": (
        "Nummer", "Risiko", "Beskrivelse", "Risikoeier", "Konsekvens", "Sannsynlighet", "Risikoverdi", "Risikonivå",
        "Status", "Dato registrert", "Sist gjennomgått", "Eksisterende tiltak", "Ytterligere tiltak", "Oppdatering",
    ),
    "Danish": (
        "Nr.", "Risiko", "Risikobeskrivelse", "Risikoejer", "Konsekvens", "Sandsynlighed", "Risikoværdi",
        "Risikoniveau", "Status", "Dato registreret", "Senest gennemgået", "Eksisterende tiltag", "Yderligere tiltag",
        "Opdatering",
    ),
    "Finnish": (
        "Tunnus", "Riski", "Riskin kuvaus", "Riskin omistaja", "Vaikutus", "Todennäköisyys", "Riskiluku",
        "Riskitaso", "Tila", "Tunnistettu", "Viimeksi tarkistettu", "Nykyiset hallintakeinot", "Lisätoimenpiteet",
        "Päivitys",
    ),
    "Chinese": (
        "风险编号", "风险名称", "风险描述", "责任人", "影响", "可能性", "风险值", "风险等级", "状态", "识别日期",
        "最后审查日期", "现有控制措施", "应对措施", "进展",
    ),
    "Japanese": (
        "管理番号", "リスク名", "リスクの説明", "担当者", "影響度", "発生可能性", "リスク値", "リスクレベル",
        "ステータス", "登録日", "最終レビュー日", "既存の管理策", "追加対策", "進捗",
    ),
}  # fmt: skip


def _register(tmp_path, header, name="register.xlsx"):
    rows = [
        list(header),
        ["R1", "Supplier failure", "A key supplier fails", "A. Owner", 4, 3, 12, "", "", "01/03/2023", "10/01/2024",
         "Contracts", "Second supplier", ""],
        ["R2", "Data breach", "Personal data lost", "B. Owner", 2, 2, 5, "", "", "01/03/2023", "10/01/2024",
         "Training", "Audit", ""],
    ]  # fmt: skip
    return write_xlsx(tmp_path / name, rows, sheet="Sheet1")


def _validate_json(*args):
    result = CliRunner().invoke(cli, ["validate", *map(str, args), "--format", "json", "--as-of", AS_OF])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("language", list(HEADERS))
def test_a_register_headed_in_the_language_is_read_with_no_options(tmp_path, language):
    header = HEADERS[language]
    report = _validate_json(_register(tmp_path, header))
    assert report["risks"] == 2
    assert report["columns"] == dict(zip(FIELDS, header, strict=True))
    mismatch = [f for f in report["findings"] if f["code"] == "score-mismatch"]
    assert [(f["cell"], f["reference"]) for f in mismatch] == [("G3", "R2")]


def test_headers_match_whatever_the_case_accents_and_punctuation(tmp_path):
    header = list(HEADERS["French"])
    header[4:6] = ["GRAVITE", "probabilite"]
    header[0] = "N° :"
    report = _validate_json(_register(tmp_path, header))
    assert report["columns"]["impact"] == "GRAVITE"
    assert report["columns"]["likelihood"] == "probabilite"
    assert report["columns"]["reference"] == "N° :"


def test_chinese_headers_match_whole_never_a_part(tmp_path):
    """影响程度说明 (an explanation of the impact) holds text: it is not the impact column."""
    header = list(HEADERS["Chinese"])
    header[2] = "影响程度说明"
    report = _validate_json(_register(tmp_path, header))
    assert report["columns"]["impact"] == "影响"
    assert "description" not in report["columns"]


def test_english_words_that_are_headers_elsewhere_keep_their_english_meaning(tmp_path):
    """Dutch 'Effect' is an impact, but in an English register it is the consequence's narrative;
    'Data' is a date in Italian and Polish, but an English register's 'Data' column is not one."""
    header = ["Ref", "Title", "Effect", "Owner", "Impact", "Likelihood", "Score", "Data"]
    rows = [header, ["R1", "Supplier failure", "Delays", "A. Owner", 4, 3, 12, "Contracts"]]
    report = _validate_json(write_xlsx(tmp_path / "en.xlsx", rows))
    assert report["columns"]["consequence"] == "Effect"
    assert report["columns"]["impact"] == "Impact"
    assert "Data" not in report["columns"].values()
