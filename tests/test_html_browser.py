"""The HTML handout in a real browser (headless Chromium): axe-core finds no WCAG problem,
it reflows at 320 px without sideways scrolling, the keyboard reaches every control in
reading order, and its print style sheet prints page numbers and every question."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import axe_module, print_to_pdf, start_chromium  # noqa: E402  (skips without Chromium)

from visitprep.handout import make_document, make_handout
from visitprep.layout import builtin_names
from visitprep.models import Clinic, Profile, QuestionBank


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def profile_for(template: str, **fields: Any) -> Profile:
    return Profile(**{  # type: ignore[arg-type]
        "recurrence": "distant", "template": template,
        "concerns": ("symptoms", "costs", "side-effects"),
        "name": "Maria <López> & Co", "custom_questions": ("Is x<y & z a problem?",),
        "top_questions": ("tx-choices",), **fields})


def open_handout(browser: Any, tmp_path: Path, bank: QuestionBank, profile: Profile,
                 clinic: Clinic | None = None) -> Path:
    path = tmp_path / f"{profile.template}.html"
    path.write_bytes(make_handout(profile, bank, clinic=clinic, fmt="html"))
    browser.get(path.as_uri())
    return path


@pytest.mark.parametrize("template", builtin_names())
def test_axe_finds_no_violations(browser: Any, tmp_path: Path, bank: QuestionBank,
                                 template: str) -> None:
    clinic = Clinic(name="Riverside", website="www.riverside.example") \
        if template == "standard" else None
    open_handout(browser, tmp_path, bank, profile_for(template), clinic)
    axe = axe_module.Axe(browser)
    axe.inject()
    results = axe.run()  # every rule: WCAG 2.0/2.1 A and AA, and best practices
    assert results["violations"] == [], axe.report(results["violations"])
    assert len(results["passes"]) > 10


def test_reflows_at_320_px_without_sideways_scrolling(browser: Any, tmp_path: Path,
                                                      bank: QuestionBank) -> None:
    long = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"
    try:
        browser.set_window_size(320, 900)
        for template in builtin_names():
            open_handout(browser, tmp_path, bank, profile_for(template, name=long,
                                                                top_questions=()),
                         Clinic(address=(f"https://www.{long}.example/a/very/long/path",)))
            wide = browser.execute_script(
                "return document.documentElement.scrollWidth - "
                "document.documentElement.clientWidth")
            assert wide <= 0, f"{template}: {wide} px of sideways scrolling"
            size = browser.execute_script(
                "return parseFloat(getComputedStyle(document.querySelector('main p'))"
                ".fontSize)")
            assert size >= 18
    finally:
        browser.set_window_size(1280, 900)


def test_the_keyboard_reaches_every_control_in_reading_order(
        browser: Any, tmp_path: Path, bank: QuestionBank) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_handout(browser, tmp_path, bank, profile_for("navigator", name=""))
    expected = browser.execute_script(
        "return [...document.querySelectorAll('input, textarea, a[href]')]"
        ".map(e => e.id || e.href)")
    reached = []
    for _ in expected:
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(browser.execute_script(
            "const e = document.activeElement; return e.id || e.href"))
    assert reached == expected
    # A visible focus ring on the last control reached.
    outline = browser.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_prints_with_page_numbers_and_every_question(browser: Any, tmp_path: Path,
                                                     bank: QuestionBank) -> None:
    from pypdf import PdfReader

    profile = profile_for("standard", paper="a4")
    open_handout(browser, tmp_path, bank, profile)
    pdf = PdfReader(io.BytesIO(print_to_pdf(browser)))
    pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    assert 4 <= len(pages) <= 16
    assert round(float(pdf.pages[0].mediabox.width)) == 595  # A4, from the page's style
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
    everything = " ".join(pages)
    document, _ = make_document(profile, bank)
    questions = [item.text for item in document.top] + [
        item.text for section in document.sections for item in section.items]
    assert "Is x<y & z a problem?" in questions and len(questions) > 10
    for question in questions:
        assert question in everything
    document, _ = make_document(profile, bank)
    assert document.running_head == "Maria <López> & Co"
    assert pages[1].startswith(document.running_head)  # the running head, from page 2 on
    assert not pages[0].startswith(document.running_head)


def test_the_accessibility_tree_names_every_box_and_answer(browser: Any, tmp_path: Path,
                                                           bank: QuestionBank) -> None:
    """What a screen reader is given: Chromium's own accessibility tree."""
    profile = profile_for("standard", name="")
    open_handout(browser, tmp_path, bank, profile)
    browser.execute_cdp_cmd("Accessibility.enable", {})
    nodes = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]

    def value(node: dict[str, Any], key: str) -> str:
        return str(node.get(key, {}).get("value", ""))

    shown = [n for n in nodes if not n.get("ignored")]
    boxes = {value(n, "name") for n in shown if value(n, "role") == "checkbox"}
    answers = {value(n, "name") for n in shown if value(n, "role") == "textbox"}
    document, _ = make_document(profile, bank)
    for section in document.sections:
        for item in section.items:
            assert item.text in boxes
            assert f"Answer to: {item.text}" in answers
    assert "1. What are my treatment choices? Which do you suggest for me?" in boxes
    assert {"Name:", "Notes", "When it started: Losing weight without trying",
            "2. Write your own top question 2 here", "Answer to top question 2"} <= answers
    assert "Top question 2 answered" in boxes
    assert all(boxes) and all(answers)
    headings = [(value(n, "name"), next(int(p["value"]["value"]) for p in n["properties"]
                                        if p["name"] == "level"))
                for n in shown if value(n, "role") == "heading"]
    assert headings[0] == ("Questions about my cancer coming back", 1)
    assert {level for _, level in headings[1:]} == {2}
    regions = [value(n, "name") for n in shown if value(n, "role") == "region"]
    assert regions == ["My top questions"]


def test_a_typed_answer_grows_and_prints_whole(browser: Any, tmp_path: Path,
                                               bank: QuestionBank) -> None:
    """Issue 24: a three-line answer prints its three lines (it printed only the first);
    the note to print or save the page is on screen, not on paper; the last printed page
    holds where to learn more with every source, never one source line alone."""
    from pypdf import PdfReader

    profile = profile_for("standard")
    open_handout(browser, tmp_path, bank, profile)
    note = browser.find_element("css selector", ".keep-note")
    assert note.is_displayed() and "save it as a PDF before you close it" in note.text
    box = browser.find_element("css selector", "textarea[name='rec-outlook_answer']")
    before = box.size["height"]
    lines = ("It is in my liver", "and in two lymph nodes", "Scan again in March")
    box.send_keys("\n".join(lines))
    browser.execute_script("document.activeElement.blur()")
    assert box.size["height"] > before  # it grew to show what was typed
    assert browser.execute_script("return arguments[0].scrollHeight <= "
                                  "arguments[0].clientHeight + 1", box)
    pdf = PdfReader(io.BytesIO(print_to_pdf(browser)))
    pages = [page.extract_text() or "" for page in pdf.pages]
    everything = "\n".join(pages)
    for line in lines:
        assert line in everything, line
    assert "save it as a PDF" not in everything
    document, _ = make_document(profile, bank)
    last = " ".join(pages[-1].split())
    assert "Where to learn more" in last and document.sources_title in last
    for source in document.sources:
        assert " ".join(source.split()) in last, source
