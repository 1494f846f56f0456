"""`riskbook serve` in a real browser: Debian's Chromium driven by Selenium, checked by axe-core.

`.ci/run` installs chromium, chromium-driver and axe-core (npm, into tests/web/node_modules) and
sets RISKBOOK_REQUIRE_BROWSER=1, so there a missing browser fails these tests instead of skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.serve_helpers import running_server

pytest.importorskip("flask", reason="the serve extra is part of the test extra")
webdriver = pytest.importorskip("selenium.webdriver")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PUBLISHED = EXAMPLES / "force-risk-register-jan-2024-as-published.xlsx"
AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _missing() -> str | None:
    if not (CHROMIUM and CHROMEDRIVER):
        return "Debian's chromium and chromium-driver are not installed"
    if not AXE.is_file():
        return f"axe-core is not installed ({AXE}); .ci/run installs it with npm"
    return None


@pytest.fixture(scope="module")
def base():
    missing = _missing()
    if missing:
        if os.environ.get("RISKBOOK_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    with running_server("--workers", "1") as (url, _process):
        yield url


@pytest.fixture(scope="module")
def browser(base, tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.downloads = downloads
    yield driver
    driver.quit()


def upload(browser, base: str, path: Path) -> None:
    browser.get(base + "/")
    browser.find_element(By.ID, "register").send_keys(str(path))
    date = browser.find_element(By.ID, "as_of")
    date.clear()
    date.send_keys("2024-01-16")
    form_page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # the form's own page has an h1 too: wait until it has gone, then for the answer's
    WebDriverWait(browser, 120).until(expected_conditions.staleness_of(form_page))
    WebDriverWait(browser, 120).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))


def axe_violations(browser) -> list[dict]:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']})"
        ".then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)})))));"
    )
    return json.loads(result)


def test_the_form_is_accessible(browser, base):
    browser.get(base + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Check a risk register"
    assert axe_violations(browser) == []


def test_a_checked_register_marks_its_cells_and_a_finding_leads_to_its_cell(browser, base):
    upload(browser, base, PUBLISHED)
    assert "30 risks on sheet “Register” · 3 errors · 3 warnings" in browser.find_element(By.CLASS_NAME, "verdict").text
    cell = browser.find_element(By.ID, "cell-I19")
    assert "marked" in cell.get_attribute("class").split()
    assert "score 12 is not impact × likelihood" in cell.accessible_name  # what a screen reader says for the cell
    link = browser.find_element(By.CSS_SELECTOR, 'a[href="#cell-I19"]')
    link.send_keys(Keys.ENTER)  # the keyboard: focus the finding, press Enter
    WebDriverWait(browser, 10).until(lambda b: b.switch_to.active_element.get_attribute("id") == "cell-I19")
    tip = cell.find_element(By.CLASS_NAME, "tip")
    assert tip.size["width"] > 100, "the message shows beside the focused cell"
    assert axe_violations(browser) == []


def test_help_is_accessible(browser, base):
    browser.get(base + "/help")
    assert browser.find_element(By.ID, "code-score-mismatch")
    assert axe_violations(browser) == []


def test_a_hostile_upload_gets_one_line(browser, base, tmp_path):
    hostile = tmp_path / "register.xlsx"
    hostile.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    upload(browser, base, hostile)
    refusal = browser.find_element(By.CLASS_NAME, "refusal").text
    assert refusal and "\n" not in refusal
    assert axe_violations(browser) == []


def test_the_annotated_copy_downloads_and_reads_back(browser, base):
    import riskbook

    upload(browser, base, PUBLISHED)
    browser.find_element(By.XPATH, "//button[contains(., 'annotated.xlsx')]").click()
    target = browser.downloads / "force-risk-register-jan-2024-as-published-annotated.xlsx"
    deadline = time.monotonic() + 120
    while not target.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    register = riskbook.read_register(target)
    assert len(register.risks) == 30
