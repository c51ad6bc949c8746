"""Headless Chromium for the browser tests: importing this skips the test module, with the
reason, where selenium, axe-selenium-python, Chromium or chromedriver is missing."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install -e '.[test]')")
axe_module = pytest.importorskip("axe_selenium_python", reason="axe-selenium-python is not "
                                 "installed (pip install -e '.[test]')")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
    pytest.skip("Chromium and chromedriver are not installed (apt install chromium "
                "chromium-driver)", allow_module_level=True)


def start_chromium(prefs: dict[str, Any] | None = None) -> Any:
    """A headless Chromium at 1280x900 with no network chatter, and generous timeouts."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,900"):
        options.add_argument(flag)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # axe-core and page loads can be slow on a busy machine (the whole suite in parallel).
    driver.set_script_timeout(120)
    driver.set_page_load_timeout(120)
    return driver


def print_to_pdf(driver: Any) -> bytes:
    """The open page printed by Chromium (its own print engine, with the page's CSS sizes).

    Chromium's printToPDF now and then answers "Printing failed" on a loaded CI machine
    (seen once in 1,100 tests, never locally): wait until the page and its fonts are ready, and
    try up to three times before the error counts."""
    import base64
    import time

    from selenium.common.exceptions import WebDriverException

    driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                "document.fonts.ready.then(() => done(document.readyState));")
    for attempt in range(3):
        try:
            printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True,
                                                                 "displayHeaderFooter": False})
            return base64.b64decode(printed["data"])
        except WebDriverException as error:
            if "Printing failed" not in str(error) or attempt == 2:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def serving() -> Iterator[str]:
    """visitprep serve's app under waitress on a free port of 127.0.0.1; yields its address."""
    import threading

    from waitress.server import create_server

    from visitprep.bank import load_bank
    from visitprep.web.app import Settings, create_app

    settings = Settings(bank=load_bank(), hosts=())
    httpd = create_server(create_app(settings), host="127.0.0.1", port=0, threads=4)
    settings.hosts = (f"127.0.0.1:{httpd.effective_port}",)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.effective_port}"
    finally:
        httpd.close()
