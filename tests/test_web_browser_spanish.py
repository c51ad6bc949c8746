"""visitprep serve in Spanish in a real browser (headless Chromium, Spanish first in its
Accept-Language): the whole flow by keyboard, axe-core on each state, the switch to English
and back keeping what was typed, and the downloaded PDF in Spanish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import serving  # noqa: E402  (skips without Chromium)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from test_web_browser import (  # noqa: E402
    active,
    downloaded,
    focus_is_visible,
    no_axe_violations,
    press,
    start_browser,
    tab_to,
    wait_for,
)

from conftest import read_pdf


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as address:
        yield address


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads-es")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    driver = start_browser(downloads)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                           {"headers": {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}})
    try:
        yield driver
    finally:
        driver.quit()


def lang(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "html").get_attribute("lang"))


def test_spanish_by_keyboard_with_the_switch_and_back(browser: Any, server: str,
                                                      downloads: Path) -> None:
    browser.get(server + "/")
    assert lang(browser) == "es"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Haga la lista para su cita"
    no_axe_violations(browser, "empty form, Spanish")
    tab_to(browser, "recurrence-local")
    press(browser, Keys.ARROW_DOWN)  # regional
    wait_for(browser, lambda b: "páginas." in b.find_element(By.ID, "count").text)
    tab_to(browser, "concerns-costs")
    press(browser, " ")
    tab_to(browser, "name")
    press(browser, "Ana López")
    tab_to(browser, "visit-date")
    press(browser, "el próximo martes")
    wait_for(browser, lambda b: "martes," in b.find_element(By.ID, "date-readback").text)

    # The switch at the top, by keyboard: the page in English, with what was typed.
    tab_to(browser, "language-en")
    assert focus_is_visible(browser)
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: lang(b) == "en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Make your visit checklist"
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Ana López"
    assert browser.find_element(By.ID, "recurrence-regional").is_selected()
    assert browser.find_element(By.ID, "concerns-costs").is_selected()
    assert "Tuesday," in browser.find_element(By.ID, "date-readback").text
    no_axe_violations(browser, "form switched to English")
    tab_to(browser, "language-es")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: lang(b) == "es")
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Ana López"
    no_axe_violations(browser, "form with answers, Spanish")

    tab_to(browser, "make")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: "lista" in b.find_element(By.TAG_NAME, "h1").text
             and lang(b) == "es")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Su lista está lista"
    no_axe_violations(browser, "result, Spanish")
    before = set(downloads.iterdir())
    tab_to(browser, "download-pdf")
    press(browser, Keys.ENTER)
    pdf = read_pdf(downloaded(downloads, ".pdf", before))
    assert pdf.metadata["/Lang"] == "es-US"
    assert "Ana López" in pdf.pages[0] and "Página 1 de" in pdf.pages[0]
    assert "martes," in pdf.pages[0]

    tab_to(browser, "accessible")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "textarea"))
    assert lang(browser) == "es"
    no_axe_violations(browser, "accessible handout, Spanish")
    assert active(browser) is not None


def test_the_clinic_page_and_a_missing_page_in_spanish(browser: Any, server: str) -> None:
    browser.get(server + "/clinic-list")
    assert lang(browser) == "es"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Imprimir una lista de la clínica"
    no_axe_violations(browser, "clinic list, Spanish")
    browser.get(server + "/nothing-here")
    assert lang(browser) == "es" and "Aquí no hay ninguna página." in browser.page_source
    no_axe_violations(browser, "missing page, Spanish")
