"""visitprep serve under real use: each browser's own results, expiry, the HTML drawn
only when opened, clinic lists printed in a process of their own (the server's memory
stays small), and many browsers at once with no error."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from visitprep.models import QuestionBank
from visitprep.web.app import Made, Results, Settings, create_app

HOST = "127.0.0.1:5000"


def _form(client: Any, settings: Settings, **fields: str) -> str:
    response = client.post("/", data={"token": settings.token, "action": "make",
                                      "recurrence": "local", **fields},
                           base_url=f"http://{HOST}")
    assert response.status_code == 303
    return str(response.headers["Location"])


@pytest.fixture
def settings(bank: QuestionBank) -> Settings:
    return Settings(bank=bank, hosts=(HOST,))


def test_a_result_belongs_to_the_browser_that_made_it(settings: Settings) -> None:
    app = create_app(settings)
    mine, other = app.test_client(), app.test_client()
    location = _form(mine, settings, name="Ann Lee")
    assert mine.get(location, base_url=f"http://{HOST}").status_code == 200
    # Another browser with the same address sees nothing, and cannot download either.
    assert other.get(location, base_url=f"http://{HOST}").status_code == 404
    html = mine.get(location, base_url=f"http://{HOST}").get_data(as_text=True)
    pdf = re.search(r'href="(/result/[^"?]+\.pdf)', html)
    assert pdf
    assert mine.get(pdf.group(1), base_url=f"http://{HOST}").status_code == 200
    assert other.get(pdf.group(1), base_url=f"http://{HOST}").status_code == 404


def test_the_browser_cookie_is_http_only_and_same_site(settings: Settings) -> None:
    response = create_app(settings).test_client().get("/", base_url=f"http://{HOST}")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("visitprep_browser=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # gone when the browser closes


def test_a_forged_browser_cookie_is_replaced(settings: Settings) -> None:
    client = create_app(settings).test_client()
    client.set_cookie("visitprep_browser", "x", domain="127.0.0.1")
    response = client.get("/", base_url=f"http://{HOST}")
    assert re.match(r"visitprep_browser=[A-Za-z0-9_-]{43};", response.headers["Set-Cookie"])


def test_one_browsers_results_never_push_out_anothers() -> None:
    results = Results(keep=8, keep_bytes=10**9)
    first = results.add(Made({"a.pdf": (b"x", "application/pdf")}, {}), "browser-0")
    for browser in range(1, 16):
        for _ in range(9):
            results.add(Made({"a.pdf": (b"x", "application/pdf")}, {}), f"browser-{browser}")
    assert results.get(first, "browser-0") is not None
    assert len(results) == 1 + 15 * 8  # each browser keeps its last 8


def test_results_go_after_their_time() -> None:
    now = [1000.0]
    results = Results(keep_seconds=60, clock=lambda: now[0])
    key = results.add(Made({"a.pdf": (b"x", "application/pdf")}, {}), "b")
    now[0] += 59
    assert results.get(key, "b") is not None
    now[0] += 2
    results.expire()
    assert len(results) == 0 and results.get(key, "b") is None


def test_the_total_bound_keeps_each_browsers_newest() -> None:
    results = Results(keep_bytes=100)
    old = results.add(Made({"a": (b"x" * 60, "text/plain")}, {}), "a")
    newer = results.add(Made({"a": (b"x" * 60, "text/plain")}, {}), "a")
    other = results.add(Made({"a": (b"x" * 60, "text/plain")}, {}), "b")
    assert results.get(old, "a") is None
    assert results.get(newer, "a") is not None and results.get(other, "b") is not None


def test_the_accessible_html_is_drawn_only_when_opened(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import visitprep.web.app as web_app

    drawn: list[str] = []
    original = web_app.Maker.pdf

    def counting(self: Any, profile: Any, fmt: str = "pdf") -> bytes:
        drawn.append(fmt)
        return original(self, profile, fmt)

    monkeypatch.setattr(web_app.Maker, "pdf", counting)
    client = create_app(settings).test_client()
    location = _form(client, settings, name="Ann Lee")
    assert "html" not in drawn
    html = client.get(location, base_url=f"http://{HOST}").get_data(as_text=True)
    page = re.search(r'href="(/result/[^"?]+\.html)', html)
    assert page
    opened = client.get(page.group(1), base_url=f"http://{HOST}")
    assert opened.status_code == 200 and b"Ann Lee" in opened.data
    client.get(page.group(1), base_url=f"http://{HOST}")
    assert drawn.count("html") == 1  # drawn once, then kept with the result


def test_a_clinic_list_is_printed_in_a_process_of_its_own(bank: QuestionBank) -> None:
    from visitprep.web import clinic_list

    text = "name,recurrence\nAnn Lee,local\nBad Row,sideways\n"
    made = clinic_list.print_list_isolated(text, "list.csv", {}, bank, None, 10)
    assert made.info["written"] == 1 and made.info["total"] == 2
    assert [row["name"] for row in made.info["bad"]] == ["Bad Row"]
    assert made.files["list-handouts.pdf"][0].startswith(b"%PDF")
    assert multiprocessing_children() == []  # the child has ended


def multiprocessing_children() -> list[Any]:
    import multiprocessing

    return multiprocessing.active_children()


# -- a real server -------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "visitprep", "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path_factory.mktemp("serve"), env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, line
    yield process.pid, match.group(0)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=20)


class Browser:
    """One browser: its own cookies, the page's token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.get("")
        token = re.search(r'name="token" value="([^"]+)"', page.decode())
        assert token
        self.token = token.group(1)

    def get(self, path: str) -> bytes:
        with self.opener.open(self.url + path.lstrip("/"), timeout=60) as response:
            return bytes(response.read())

    def post(self, path: str, fields: dict[str, str]) -> bytes:
        data = urllib.parse.urlencode({"token": self.token, **fields}).encode()
        request = urllib.request.Request(self.url + path.lstrip("/"), data=data)
        with self.opener.open(request, timeout=60) as response:  # follows the 303
            return bytes(response.read())

    def upload(self, path: str, name: str, content: bytes) -> bytes:
        boundary = "visitprepboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n"
                f"{self.token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"csv\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
                ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.url + path.lstrip("/"), data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with self.opener.open(request, timeout=300) as response:
            return bytes(response.read())


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_clinic_lists_leave_the_servers_memory_small(server: tuple[int, str]) -> None:
    pid, url = server
    browser = Browser(url)
    rows = "".join(f"Person {i},{('local', 'regional', 'distant')[i % 3]},costs\n"
                   for i in range(150))
    before = resident_mb(pid)
    for _ in range(3):
        page = browser.upload("/clinic-list", "day.csv",
                              ("name,recurrence,concerns\n" + rows).encode())
        assert b"Printed 150 of 150 rows" in page
    # Each list's drawing and merging happened in a child process that has ended; the
    # server holds only the merged files (a few MB each).
    assert resident_mb(pid) - before < 40


def test_sixteen_browsers_at_once_get_every_handout(server: tuple[int, str]) -> None:
    _, url = server
    errors: list[str] = []

    def one_browser(number: int) -> None:
        try:
            browser = Browser(url)
            for turn in range(6):
                page = browser.post("/", {"action": "make", "recurrence": "distant",
                                          "concerns": "costs",
                                          "name": f"Person {number}-{turn}"}).decode()
                pdf = re.search(r'href="(/result/[^"?]+\.pdf)', page)
                html = re.search(r'href="(/result/[^"?]+\.html)', page)
                assert pdf and html, page[:200]
                assert browser.get(pdf.group(1)).startswith(b"%PDF")
                assert f"Person {number}-{turn}".encode() in browser.get(html.group(1))
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            errors.append(f"browser {number}: {exc!r}")

    threads = [threading.Thread(target=one_browser, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
