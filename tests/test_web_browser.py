"""visitprep serve in a real browser (headless Chromium driven by selenium): the whole flow
by keyboard alone, the downloaded PDF read back, axe-core on every page state, 200% zoom
(640 px) without sideways scrolling, and the same flow with JavaScript off."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from chromium import axe_module, serving, start_chromium  # noqa: E402  (skips without Chromium)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from visitprep.models import QuestionBank

from conftest import read_pdf


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving() as address:
        yield address


def start_browser(downloads: Path, *, javascript: bool = True) -> Any:
    prefs: dict[str, Any] = {"download.default_directory": str(downloads),
                             "download.prompt_for_download": False}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    driver = start_chromium(prefs)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    driver = start_browser(downloads)
    try:
        yield driver
    finally:
        driver.quit()


# -- helpers ---------------------------------------------------------------------------

def no_axe_violations(browser: Any, state: str) -> None:
    axe = axe_module.Axe(browser)
    axe.inject()
    results = axe.run()  # every rule: WCAG 2.0/2.1 A and AA, and best practices
    assert results["violations"] == [], f"{state}: " + axe.report(results["violations"])
    assert len(results["passes"]) > 10


def active(browser: Any) -> Any:
    return browser.switch_to.active_element


def press(browser: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(*keys).perform()


def tab_to(browser: Any, element_id: str, limit: int = 400) -> Any:
    """Press Tab until the element with this id has the focus (keyboard only)."""
    for _ in range(limit):
        element = active(browser)
        if element.get_attribute("id") == element_id:
            return element
        press(browser, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def wait_for(browser: Any, check: Callable[[Any], Any], timeout: float = 30) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException

    try:  # an element can go stale while the next page loads: look again
        return WebDriverWait(browser, timeout, ignored_exceptions=(
            StaleElementReferenceException,)).until(check)
    except TimeoutException:
        problems = [e.text for e in browser.find_elements(By.CLASS_NAME, "error-summary")]
        raise AssertionError(f"timed out on {browser.current_url}: {problems}") from None


def downloaded(folder: Path, suffix: str, before: set[Path]) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        new = [p for p in folder.iterdir() if p not in before and p.suffix == suffix]
        if new:
            return new[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded")


def no_sideways_scroll(browser: Any) -> int:
    return int(browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def focus_is_visible(browser: Any) -> bool:
    return bool(browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||"
        "       (s.boxShadow && s.boxShadow !== 'none') ||"
        "       s.backgroundColor === 'rgb(255, 221, 0)';"))


# -- the whole flow by keyboard --------------------------------------------------------

def test_keyboard_only_from_start_to_pdf(browser: Any, server: str, downloads: Path,
                                         bank: QuestionBank) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.execute_script(
        "return getComputedStyle(document.body).fontSize") == "18px"
    no_axe_violations(browser, "empty form")

    press(browser, Keys.TAB)
    assert active(browser).get_attribute("class") == "skip"
    assert focus_is_visible(browser)
    tab_to(browser, "recurrence-local")
    assert focus_is_visible(browser)
    press(browser, Keys.ARROW_DOWN)  # regional
    press(browser, Keys.ARROW_DOWN)  # distant
    assert active(browser).get_attribute("id") == "recurrence-distant"
    assert active(browser).is_selected()
    # The live page count follows the answers (JavaScript on).
    wait_for(browser, lambda b: "pages." in b.find_element(By.ID, "count").text)
    tab_to(browser, "concerns-costs")
    press(browser, " ")
    assert active(browser).is_selected()
    # The list follows the answers (the plain-form button is hidden with JavaScript on).
    wait_for(browser, lambda b: "Costs and insurance" in
             b.find_element(By.ID, "review-body").text)
    no_axe_violations(browser, "form with the questions picked")
    first = browser.find_elements(By.CSS_SELECTOR, "[id^=keep-]")[0]
    dropped = bank.question(first.get_attribute("value")).text
    tab_to(browser, first.get_attribute("id"))
    press(browser, " ")
    assert not active(browser).is_selected()
    # "Show more": open a topic's other questions and add one.
    summary = browser.find_elements(By.CSS_SELECTOR, "#review-body summary")[0]
    browser.execute_script("arguments[0].id = 'more-test'", summary)
    tab_to(browser, "more-test")
    press(browser, Keys.ENTER)
    added_box = browser.find_elements(By.CSS_SELECTOR, "[id^=add-]")[0]
    added = bank.question(added_box.get_attribute("value")).text
    tab_to(browser, added_box.get_attribute("id"))
    press(browser, " ")
    tab_to(browser, "own")
    press(browser, "Can I keep working during treatment?")
    tab_to(browser, "top-1")
    # The top-question lists follow the review and the own questions (JavaScript on).
    wait_for(browser, lambda b: "Can I keep working" in b.find_element(By.ID, "top-1").text)
    assert dropped not in browser.find_element(By.ID, "top-1").text
    press(browser, Keys.ARROW_DOWN)  # the first question offered: the own one
    top_text = browser.execute_script(
        "const s = document.getElementById('top-1'); return s.options[s.selectedIndex].text")
    tab_to(browser, "name")
    press(browser, "Ann Lee")
    tab_to(browser, "visit-date")
    press(browser, "Dec 3")
    wait_for(browser, lambda b: "December 3" in b.find_element(By.ID, "date-readback").text)
    tab_to(browser, "make")
    press(browser, Keys.ENTER)

    wait_for(browser, lambda b: "ready" in b.find_element(By.TAG_NAME, "h1").text)
    no_axe_violations(browser, "result")
    before = set(downloads.iterdir())
    tab_to(browser, "download-pdf")
    assert focus_is_visible(browser)
    press(browser, Keys.ENTER)
    pdf = read_pdf(downloaded(downloads, ".pdf", before))
    assert "Ann Lee" in pdf.pages[0]
    assert " ".join(top_text.split())[:40] in pdf.pages[0]
    assert "Can I keep working during treatment?" in pdf.text
    assert dropped[:40] not in pdf.text
    assert added[:40] in pdf.text
    before = set(downloads.iterdir())
    tab_to(browser, "download-answers")
    press(browser, Keys.ENTER)
    answers = yaml.safe_load(downloaded(downloads, ".yaml", before).read_text())
    assert answers["recurrence"] == "distant" and answers["name"] == "Ann Lee"
    assert answers["visit_date"].endswith("-12-03")

    # The accessible version: a page of its own, checked like the others.
    tab_to(browser, "accessible")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "textarea"))
    assert "Ann Lee" in browser.page_source
    no_axe_violations(browser, "accessible handout")


def test_the_list_and_the_count_follow_the_answers_as_they_change(browser: Any,
                                                                  server: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    browser.find_element(By.ID, "recurrence-local").click()
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
    first = browser.find_element(By.ID, "count").text
    assert "Costs and insurance" not in browser.find_element(By.ID, "review-body").text
    browser.find_element(By.ID, "concerns-costs").click()
    wait_for(browser, lambda b: "Costs and insurance" in
             b.find_element(By.ID, "review-body").text)
    wait_for(browser, lambda b: b.find_element(By.ID, "count").text not in ("", first))
    assert browser.current_url.endswith("/")  # no page load: the script did it


def test_errors_follow_the_govuk_pattern(browser: Any, server: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    name = browser.find_element(By.ID, "name")
    name.send_keys("A" * 101)
    browser.find_element(By.ID, "visit-date").send_keys("12/3")
    browser.find_element(By.ID, "make").click()
    wait_for(browser, lambda b: b.find_elements(By.CLASS_NAME, "error-summary"))
    assert browser.title.startswith("Error: ")
    # The summary has the focus, so a screen reader reads it first.
    assert "error-summary" in (active(browser).get_attribute("class") or "")
    links = browser.find_elements(By.CSS_SELECTOR, ".error-summary a")
    assert [a.get_attribute("hash") for a in links] == ["#recurrence-local", "#name",
                                                        "#visit-day-0"]
    assert browser.find_element(By.ID, "name").get_attribute("aria-describedby") == \
        "name-error"
    no_axe_violations(browser, "form with errors")
    links[1].send_keys(Keys.ENTER)
    assert browser.execute_script("return location.hash") == "#name"


def test_every_state_fits_640_px_at_200_percent_zoom(browser: Any, server: str) -> None:
    try:
        browser.set_window_size(640, 900)
        browser.get(server + "/")
        assert no_sideways_scroll(browser) <= 0, "empty form"
        browser.find_element(By.ID, "recurrence-distant").click()
        browser.find_element(By.ID, "name").send_keys("W" * 100)
        wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
        assert no_sideways_scroll(browser) <= 0, "questions picked, a long name"
        browser.find_element(By.ID, "visit-date").send_keys("soonish")
        browser.find_element(By.ID, "make").click()
        wait_for(browser, lambda b: b.find_elements(By.CLASS_NAME, "error-summary"))
        assert no_sideways_scroll(browser) <= 0, "errors"
        browser.find_element(By.ID, "visit-date").clear()
        browser.find_element(By.ID, "make").click()
        wait_for(browser, lambda b: "ready" in b.find_element(By.TAG_NAME, "h1").text)
        assert no_sideways_scroll(browser) <= 0, "result"
        browser.get(server + "/clinic-list")
        assert no_sideways_scroll(browser) <= 0, "clinic list"
    finally:
        browser.set_window_size(1280, 900)


def test_a_clinic_list_by_keyboard_with_its_bad_rows(browser: Any, server: str,
                                                     downloads: Path, tmp_path: Path) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/clinic-list")
    no_axe_violations(browser, "clinic list, empty")
    browser.find_element(By.ID, "print-list").click()
    wait_for(browser, lambda b: b.find_elements(By.CLASS_NAME, "error-summary"))
    no_axe_violations(browser, "clinic list, no file")
    listing = tmp_path / "clinic.csv"
    listing.write_text("name,recurrence,concerns\nAnn Lee,local,costs\nBad Row,sideways,\n"
                       "Cy Doe,distant,\n", encoding="utf-8")
    # A file chooser cannot be typed into; selenium hands the path to the input.
    browser.find_element(By.ID, "csv").send_keys(str(listing))
    tab_to(browser, "print-list")
    press(browser, Keys.ENTER)
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".bad-row"))
    no_axe_violations(browser, "clinic list, result with bad rows")
    block = browser.find_element(By.ID, "bad-row-3").text
    assert block.splitlines() == [
        "Row 3: Bad Row", "unknown recurrence 'sideways'.", "Field: recurrence",
        "Value: sideways", "Allowed values: local, regional, distant, unsure"]
    before = set(downloads.iterdir())
    tab_to(browser, "download-merged")
    press(browser, Keys.ENTER)
    merged = read_pdf(downloaded(downloads, ".pdf", before))
    assert "Ann Lee" in merged.text and "Cy Doe" in merged.text
    assert len(merged.pages) % 2 == 0
    before = set(downloads.iterdir())
    tab_to(browser, "download-failures")
    press(browser, Keys.ENTER)
    failures = downloaded(downloads, ".csv", before).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(failures)))[1][:2] == [
        "3", "row 3 (Bad Row): unknown recurrence 'sideways'. Allowed values: local, "
        "regional, distant, unsure (use 'unsure' if it is not known yet)."]


def test_a_us_clinic_day_by_keyboard_at_390_px(browser: Any, server: str, downloads: Path,
                                               tmp_path: Path) -> None:
    """The 25-row US Excel export, month first chosen by keyboard, on a phone-wide page:
    progress while it prints, every bad row a block with all its problems, no sideways
    scrolling, the merged file and the failures file downloaded."""
    from pypdf import PdfReader

    export = Path(__file__).parent / "data" / "csv" / "us_excel_export.csv"
    listing = tmp_path / "clinic-day.csv"
    listing.write_bytes(export.read_bytes())
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(server + "/clinic-list")
        assert browser.execute_script("return document.documentElement.clientWidth") == 390
        assert no_sideways_scroll(browser) <= 0, "clinic list at 390 px"
        browser.find_element(By.ID, "csv").send_keys(str(listing))
        tab_to(browser, "date-order-mdy")
        press(browser, Keys.ARROW_DOWN)  # radios move with the arrows: day first...
        assert active(browser).get_attribute("id") == "date-order-dmy"
        press(browser, Keys.ARROW_UP)  # ...and back to month first
        assert browser.find_element(By.ID, "date-order-mdy").is_selected()
        # While a list prints, the page says so after a second. (The driver waits for a
        # page to load before it looks, so the first press is held back to look at it.)
        browser.execute_script(
            "window.holdBack = true; document.getElementById('clinic-form')"
            ".addEventListener('submit', e => { if (window.holdBack) e.preventDefault(); });")
        tab_to(browser, "print-list")
        press(browser, Keys.ENTER)
        status = wait_for(browser, lambda b: b.find_element(By.ID, "working").text
                          if "Printing the 25 rows of clinic-day.csv"
                          in b.find_element(By.ID, "working").text else None, timeout=15)
        assert "keep this page open" in status and "seconds so far" in status
        assert browser.find_elements(By.CSS_SELECTOR, "#working progress")
        browser.execute_script("window.holdBack = false;")
        press(browser, Keys.ENTER)
        wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".bad-row"), timeout=120)
        assert "Printed 20 of 25 rows" in browser.find_element(By.ID, "done-title").text
        assert no_sideways_scroll(browser) <= 0, "result at 390 px"
        blocks = {e.get_attribute("id"): e.text.splitlines()
                  for e in browser.find_elements(By.CSS_SELECTOR, ".bad-row")}
        assert sorted(blocks) == ["bad-row-10", "bad-row-14", "bad-row-18", "bad-row-23",
                                  "bad-row-7"]
        frank = blocks["bad-row-7"]
        assert frank[0] == "Row 7: Frank Ito"
        assert "Value: money matters" in frank and "Value: 12/33/2026" in frank
        width = browser.execute_script(
            "return document.getElementById('bad-row-7').getBoundingClientRect().width")
        assert width >= 300  # a block as wide as the page, not a narrow column
        notes = browser.find_element(By.CSS_SELECTOR, ".notes").text
        assert "read month first (12/8/2026 is December 8): as chosen on this page" in notes
        assert "Ignored the columns 'MRN', 'Phone'" in notes
        browser.save_screenshot(str(tmp_path / "clinic-390.png"))
        no_axe_violations(browser, "clinic list result at 390 px")
        before = set(downloads.iterdir())
        tab_to(browser, "download-merged")
        press(browser, Keys.ENTER)
        merged = PdfReader(downloaded(downloads, ".pdf", before))
        assert len(merged.outline) == 20
        assert merged.outline[0].title == "Ann Lee, Tuesday, December 8, 2026"
        before = set(downloads.iterdir())
        tab_to(browser, "download-failures")
        press(browser, Keys.ENTER)
        failures = downloaded(downloads, ".csv", before).read_text(encoding="utf-8-sig")
        table = list(csv.reader(io.StringIO(failures)))
        assert [row[0] for row in table[1:]] == ["7", "10", "14", "18", "23"]
        assert "MRN" not in table[0]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_missing_page_passes_axe(browser: Any, server: str) -> None:
    browser.get(server + "/nowhere")
    wait_for(browser, lambda b: "There is no page here." in b.page_source)
    no_axe_violations(browser, "missing page")


def test_the_whole_flow_works_with_javascript_off(server: str, tmp_path: Path) -> None:
    driver = start_browser(tmp_path, javascript=False)
    try:
        driver.get(server + "/")
        assert driver.execute_script is not None
        driver.find_element(By.ID, "recurrence-regional").click()
        driver.find_element(By.ID, "concerns-second-opinion").click()
        driver.find_element(By.ID, "review-update").click()
        wait_for(driver, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
        assert driver.find_element(By.ID, "concerns-second-opinion").is_selected()
        assert "pages." in driver.find_element(By.ID, "count").text
        driver.find_element(By.ID, "name").send_keys("Bo Lind")
        driver.find_element(By.ID, "visit-date").send_keys("12/3")
        driver.find_element(By.ID, "make").click()
        # Which day is 12/3? The plain form asks, with the choices beside the field.
        wait_for(driver, lambda b: b.find_elements(By.ID, "visit-day-1"))
        driver.find_element(By.ID, "visit-day-1").click()
        driver.find_element(By.ID, "make").click()
        wait_for(driver, lambda b: "ready" in b.find_element(By.TAG_NAME, "h1").text)
        driver.find_element(By.ID, "download-pdf").click()
        pdf = read_pdf(downloaded(tmp_path, ".pdf", set()))
        assert "Bo Lind" in pdf.pages[0]
        assert "March 12" in pdf.pages[0] or "12 March" in pdf.pages[0]
    finally:
        driver.quit()


# -- the common path by keyboard, hints, focus (issue 23) --------------------------------

class Keyboard:
    """Presses keys in the browser and counts them (typed text is not counted)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.count = 0

    def press(self, *keys: str) -> None:
        self.count += len(keys)
        press(self.browser, *keys)

    def type(self, text: str) -> None:
        press(self.browser, text)

    def tab_to(self, element_id: str, limit: int = 60) -> None:
        for _ in range(limit):
            if active(self.browser).get_attribute("id") == element_id:
                return
            self.press(Keys.TAB)
        raise AssertionError(f"Tab never reached #{element_id}")


COMMON_PATH_KEYS = 25  # the README states this figure


def test_the_common_path_by_keyboard_takes_at_most_25_keys(
        browser: Any, server: str, downloads: Path) -> None:
    """A kind, two concerns, keep the list, no own questions, a name, a date, make it and
    download the PDF: every Tab, arrow, space and Enter counted."""
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    keys = Keyboard(browser)
    keys.tab_to("recurrence-local")
    keys.press(Keys.ARROW_DOWN, Keys.ARROW_DOWN)                 # distant
    assert active(browser).get_attribute("id") == "recurrence-distant"
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
    assert active(browser).get_attribute("id") == "recurrence-distant"  # kept after update
    keys.tab_to("concerns-side-effects")
    keys.press(" ")
    keys.tab_to("concerns-costs")
    keys.press(" ")
    wait_for(browser, lambda b: "Costs and insurance" in
             b.find_element(By.ID, "review-body").text)
    assert active(browser).get_attribute("id") == "concerns-costs"  # kept after update
    assert not browser.find_element(By.ID, "review-update").is_displayed()
    keys.tab_to("skip-list")                                     # past the list
    assert focus_is_visible(browser)
    keys.press(Keys.ENTER)
    assert active(browser).get_attribute("id") == "name"
    keys.type("Ann Lee")
    keys.press(Keys.TAB)
    assert active(browser).get_attribute("id") == "visit-date"
    keys.type("next Friday")
    wait_for(browser, lambda b: "Is that right?" in b.find_element(By.ID, "date-readback").text)
    assert active(browser).get_attribute("id") == "visit-date"
    keys.press(Keys.ENTER)                                       # makes the checklist
    wait_for(browser, lambda b: "ready" in b.find_element(By.TAG_NAME, "h1").text)
    assert active(browser).get_attribute("id") == "download-pdf"
    before = set(downloads.iterdir())
    keys.press(Keys.ENTER)
    pdf = read_pdf(downloaded(downloads, ".pdf", before))
    assert "Ann Lee" in pdf.pages[0] and "Costs and insurance" in pdf.text
    assert keys.count == COMMON_PATH_KEYS <= 25
    readme = Path(__file__).resolve().parents[1] / "README.md"
    assert f"{COMMON_PATH_KEYS} keys" in readme.read_text(encoding="utf-8")


def hints(browser: Any, *topics: str) -> list[str]:
    return [browser.find_element(By.ID, f"concerns-{topic}-hint").text for topic in topics]


def test_step_2_hints_follow_the_kind_chosen(server: str, bank: QuestionBank,
                                              tmp_path: Path) -> None:
    # A browser of its own: one that has just made a checklist carries that page's state
    # (the shared browser made this test depend on the tests before it).
    browser = start_browser(tmp_path)
    try:
        _step_2_hints(browser, server, bank)
    finally:
        browser.quit()


def _step_2_hints(browser: Any, server: str, bank: QuestionBank) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    later = "No questions yet: these come once a recurrence is confirmed."
    topics = ("deciding", "side-effects", "second-opinion")
    plain = [next(t.hint for t in bank.topics if t.id == topic) for topic in topics]
    assert hints(browser, *topics) == plain                      # the empty form
    intro = browser.find_element(By.ID, "concerns-group-hint")
    assert '"My treatment choices"' in intro.text
    for kind, expected in (("unsure", [later] * 3), ("distant", plain), ("unsure", [later] * 3),
                           ("local", plain), ("regional", plain)):
        radio = browser.find_element(By.ID, f"recurrence-{kind}")
        radio.send_keys(" ")  # by keyboard: the focus moves to it
        try:
            wait_for(browser, lambda b, e=expected: hints(b, *topics) == e)
        except AssertionError:
            raise AssertionError(f"{kind}: {hints(browser, *topics)} != {expected}") from None
        assert active(browser).get_attribute("id") == f"recurrence-{kind}"
        wanted = kind != "unsure"
        wait_for(browser, lambda b, w=wanted: ('"My treatment choices"' in b.find_element(
            By.ID, "concerns-group-hint").text) == w)
    # The list below agrees with the hints: a confirmed kind lists the topic's questions.
    browser.find_element(By.ID, "concerns-side-effects").send_keys(" ")
    wait_for(browser, lambda b: "Side effects" in b.find_element(By.ID, "review-body").text)


def test_a_change_made_while_an_answer_is_on_its_way_is_not_lost(browser: Any,
                                                                  server: str) -> None:
    """On a slow machine the page's answer to one change (the kind) can arrive just after the
    next change (a concern) was made: the list must still show that concern's questions."""
    browser.get(server + "/")
    browser.execute_script("""
        window.held = []; window.holding = true;
        const real = window.fetch;
        window.fetch = (url, options) => real(url, options).then(response =>
            new Promise(resolve => {
                if (window.holding) { window.held.push(() => resolve(response)); }
                else { resolve(response); }
            }));""")
    browser.find_element(By.ID, "recurrence-regional").send_keys(" ")
    wait_for(browser, lambda b: b.execute_script("return window.held.length") == 1)
    # the concern is ticked, then the kind's answer arrives, before the next request leaves
    browser.execute_script("""
        window.holding = false;
        document.getElementById("concerns-side-effects").click();
        window.held.shift()();""")
    wait_for(browser, lambda b: "Side effects" in b.find_element(By.ID, "review-body").text,
             timeout=10)


def test_the_list_is_headed_by_topic_and_described_by_its_instruction(
        browser: Any, server: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    browser.find_element(By.ID, "recurrence-distant").click()
    wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
    headings = browser.find_elements(By.CSS_SELECTOR, "#review-body h3")
    assert [h.text for h in headings][:2] == ["About my cancer coming back", "My treatment choices"]
    for fieldset in browser.find_elements(By.CSS_SELECTOR, "#review-body fieldset"):
        assert fieldset.get_attribute("aria-describedby") == "review-hint"
    assert "Uncheck any question" in browser.find_element(By.ID, "review-hint").text
    # Short or full, on the page: the full list adds questions, and the focus stays.
    short = len(browser.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
    full = browser.find_element(By.ID, "length-full")
    full.send_keys(" ")
    wait_for(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "[id^=keep-]")) > short)
    assert active(browser).get_attribute("id") == "length-full"
    no_axe_violations(browser, "the full list")


def test_the_date_is_read_back_as_it_is_typed(browser: Any, server: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    box = browser.find_element(By.ID, "visit-date")
    box.send_keys("Tuesday next week")
    wait_for(browser, lambda b: "Is that right?" in b.find_element(By.ID, "date-readback").text)
    assert active(browser).get_attribute("id") == "visit-date"
    box.clear()
    box.send_keys("12/3")
    wait_for(browser, lambda b: "could be" in b.find_element(By.ID, "date-readback").text)
    box.clear()
    box.send_keys("someday")
    time.sleep(1)
    assert browser.find_element(By.ID, "date-readback").text == ""  # still typing: quiet
    press(browser, Keys.TAB)  # leaving the box says why it does not read
    wait_for(browser, lambda b: "not a date" in b.find_element(By.ID, "date-readback").text)


def test_the_result_page_says_nothing_false_about_the_preview(browser: Any, server: str) -> None:
    browser.set_window_size(1280, 900)
    browser.get(server + "/")
    browser.find_element(By.ID, "recurrence-local").click()
    browser.find_element(By.ID, "make").click()
    wait_for(browser, lambda b: "ready" in b.find_element(By.TAG_NAME, "h1").text)
    shows_pdf = browser.execute_script("return navigator.pdfViewerEnabled === true")
    fallback = browser.find_element(By.ID, "preview-fallback")
    assert fallback.is_displayed() != shows_pdf
    assert "1 more questions" not in browser.page_source


def test_without_javascript_show_my_questions_comes_back_to_the_list(
        server: str, tmp_path: Path) -> None:
    driver = start_browser(tmp_path, javascript=False)
    try:
        driver.get(server + "/")
        driver.find_element(By.ID, "recurrence-regional").click()
        button = driver.find_element(By.ID, "review-update")
        button.send_keys(Keys.ENTER)
        wait_for(driver, lambda b: b.find_elements(By.CSS_SELECTOR, "[id^=keep-]"))
        assert driver.execute_script("return location.hash") == "#review"
        press(driver, Keys.TAB)  # the next key goes on from the list, not from the top
        assert active(driver).get_attribute("id") == "skip-list"
    finally:
        driver.quit()
