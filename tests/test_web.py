"""visitprep serve through Flask's test client: every route and every security rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from visitprep.models import QuestionBank
from visitprep.web.app import MAX_ANSWERS_BYTES, MAX_CSV_BYTES, Settings, create_app

from conftest import DATA, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

HOST = "127.0.0.1:5000"
TODAY = dt.date(2026, 11, 20)  # a Friday
TOKEN: list[str] = []


@pytest.fixture
def settings(bank: QuestionBank) -> Settings:
    return Settings(bank=bank, hosts=(HOST, "localhost:5000"), today=lambda: TODAY)


@pytest.fixture
def client(settings: Settings) -> Any:
    return create_app(settings).test_client()


@pytest.fixture
def post(client: Any, settings: Settings) -> Callable[..., Any]:
    TOKEN[:] = [settings.token]

    def send(path: str, data: dict[str, Any] | None = None, *, raw: bytes = b"",
             boundary: str = "", **kwargs: Any) -> Any:
        if raw:
            return client.post(path, data=raw, base_url=f"http://{HOST}",
                               content_type=f"multipart/form-data; boundary={boundary}")
        return client.post(path, data={"token": settings.token, **(data or {})},
                           base_url=f"http://{HOST}", **kwargs)
    return send


@pytest.fixture
def get(client: Any) -> Callable[..., Any]:
    def fetch(path: str, **kwargs: Any) -> Any:
        return client.get(path, base_url=f"http://{HOST}", **kwargs)
    return fetch


def page(response: Any) -> str:
    return str(response.get_data(as_text=True))


def summary(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (target id, message)."""
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    if not block:
        return []
    # Each entry names its field first: <span class="summary-field">Label:</span> message.
    return [(target, unescape(message)) for target, message in
            re.findall(r'<a href="#([^"]+)">(?:<span class="summary-field">[^<]*</span> )?'
                       r'(.*?)</a>', block.group(0))]


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error-message" id="{field_id}-error">'
                      r'<span class="visually-hidden">Error:</span> (.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


def post_multipart(post: Callable[..., Any], path: str, csv_bytes: bytes) -> Any:
    """Post a large CSV built in memory (the test client would spool it to a file)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    upload = FileStorage(io.BytesIO(csv_bytes), filename="list.csv", content_type="text/csv")
    boundary, body = encode_multipart({"token": TOKEN[0], "csv": upload})
    return post(path, None, raw=body, boundary=boundary)


def make(post: Callable[..., Any], get: Callable[..., Any], **fields: Any) -> tuple[Any, str]:
    """Post the form; return the result page's response and its HTML."""
    response = post("/", {"action": "make", **fields})
    assert response.status_code == 303, summary(page(response))
    result = get(response.headers["Location"])
    return result, page(result)


def link(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" href="([^"]+)"', html)
    assert match, element_id
    return unescape(match.group(1))


# -- the page and its headers -------------------------------------------------------

def test_the_empty_form_has_every_step_labelled(get: Callable[..., Any],
                                                bank: QuestionBank) -> None:
    response = get("/")
    html = page(response)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Step 1 of 7" in html and "Step 7 of 7" in html
    for kind in bank.recurrences:
        assert f'<label for="recurrence-{kind.id}">{kind.label}</label>' in unescape(html)
        assert unescape(html).count(kind.meaning) == 1
    for topic in (t for t in bank.topics if not t.always):
        assert f'<label for="concerns-{topic.id}">' in html
    for field_id in ("own", "top-1", "top-2", "top-3", "name", "visit-date", "doctor",
                     "companion", "answers-file"):
        assert f'<label for="{field_id}">' in html
    assert 'name="token"' in html
    assert summary(html) == []


@pytest.mark.parametrize("path", ["/", "/clinic-list", "/nowhere",
                                  "/static/style.css", "/static/app.js"])
def test_every_response_carries_the_safety_headers(get: Callable[..., Any], path: str) -> None:
    response = get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp
    response.close()


def test_a_missing_page_is_a_plain_page_not_a_server_error(get: Callable[..., Any]) -> None:
    response = get("/nowhere")
    assert response.status_code == 404
    assert "There is no page here." in page(response)
    assert "Traceback" not in page(response)


# -- security -------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "127.0.0.1:5001",
                                  "localhost.evil.example:5000", "192.168.1.4:5000"])
def test_a_foreign_host_header_is_refused(client: Any, host: str) -> None:
    # DNS rebinding: a name the attacker controls, resolving to 127.0.0.1.
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 421
    assert "served only at http://127.0.0.1:5000/" in page(response)


def test_on_every_address_any_ip_address_is_accepted_but_no_name(bank: QuestionBank) -> None:
    settings = Settings(bank=bank, hosts=("0.0.0.0:5000",), any_address_port=5000)
    client = create_app(settings).test_client()
    for host in ("192.168.1.4:5000", "[fe80::1]:5000", "127.0.0.1:5000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("192.168.1.4:5001", "evil.example:5000", "192.168.1.4"):
        assert client.get("/", headers={"Host": host}).status_code == 421, host


def test_localhost_is_accepted(client: Any) -> None:
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_a_post_without_this_runs_token_is_refused(client: Any, token: str | None) -> None:
    data = {"recurrence": "local", "action": "make"}
    if token is not None:
        data["token"] = token
    for path in ("/", "/load", "/clinic-list", "/api/preview"):
        response = client.post(path, data=data, base_url=f"http://{HOST}")
        assert response.status_code == 403, path
        assert "earlier run of visitprep, or from another page" in page(response)


def test_a_post_from_another_origin_is_refused(client: Any, settings: Settings) -> None:
    response = client.post("/", data={"token": settings.token, "recurrence": "local"},
                           base_url=f"http://{HOST}",
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    ok = client.post("/", data={"token": settings.token, "recurrence": "local",
                                "action": "make"},
                     base_url=f"http://{HOST}", headers={"Origin": f"http://{HOST}"})
    assert ok.status_code == 303


def test_each_run_has_its_own_token(bank: QuestionBank) -> None:
    first = Settings(bank=bank, hosts=(HOST,))
    second = Settings(bank=bank, hosts=(HOST,))
    assert first.token != second.token and len(first.token) >= 40


def test_nothing_typed_reaches_a_log_or_the_disk(post: Callable[..., Any],
                                                 get: Callable[..., Any],
                                                 caplog: pytest.LogCaptureFixture,
                                                 capfd: pytest.CaptureFixture[str],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    work, temp = tmp_path / "here", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where werkzeug would spool
    caplog.set_level(logging.DEBUG)
    secret = "Zebediah Quux"
    result, html = make(post, get, recurrence="distant", name=secret, doctor=secret,
                        own=f"Is {secret} ok?")
    get(link(html, "download-pdf"))
    post("/", {"action": "make", "name": secret + "\x07"})
    big = "recurrence,name\n" + f"local,{secret}\n" * 20000  # > 500 KB: would be spooled
    post_multipart(post, "/clinic-list", big.encode())
    out, err = capfd.readouterr()
    assert secret not in caplog.text + out + err
    assert list(work.iterdir()) == [] and list(temp.iterdir()) == []


# -- the checklist ---------------------------------------------------------------------

def test_no_kind_chosen_gives_the_error_summary_and_the_error_beside_the_field(
        post: Callable[..., Any]) -> None:
    response = post("/", {"action": "make", "name": "Ann Lee"})
    html = page(response)
    message = "Choose where the cancer has come back. If you do not know yet, choose " \
              "\u201cNot sure yet\u201d."
    assert summary(html) == [("recurrence-local", message)]
    assert field_error(html, "recurrence-group") == message
    assert "<title>Error: " in html
    assert 'value="Ann Lee"' in html  # what was typed stays


def test_the_error_summary_names_each_field(post: Callable[..., Any]) -> None:
    html = page(post("/", {"action": "make", "name": "A" * 101, "visit_date": "soonish"}))
    fields = re.findall(r'<span class="summary-field">([^<]*)</span>', html)
    assert [unescape(f) for f in fields] == ["Where has the cancer come back?",
                                             "Your name, for the top of the page:",
                                             "The date of your visit:"]


def test_a_checklist_is_made_shown_and_downloaded(post: Callable[..., Any],
                                                  get: Callable[..., Any]) -> None:
    result, html = make(post, get, recurrence="distant", concerns=["costs"],
                        name="Ann Lee", visit_date="Dec 3", doctor="Dr Shah",
                        companion="Sam", own="Can I keep working?", paper="a4")
    assert "Your checklist is ready" in html
    pdf_link = link(html, "download-pdf")
    assert pdf_link.endswith("/visit-questions-ann-lee-2026-12-03.pdf")
    download = get(pdf_link)
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="visit-questions-ann-lee-2026-12-03.pdf"'
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    pdf = read_pdf(download.data)
    assert "Ann Lee" in pdf.pages[0] and "Dr Shah" in pdf.pages[0]
    assert "Can I keep working?" in pdf.text
    assert pdf.sizes[0] == pytest.approx((595.3, 841.9), abs=1)
    assert f"on {len(pdf.pages)} pages" in html
    shown = get(link(html, "print"))
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert f'src="{link(html, "print").replace("&", "&amp;")}"' in html  # the preview
    answers = get(link(html, "download-answers"))
    assert answers.headers["Content-Disposition"].startswith("attachment;")
    saved = yaml.safe_load(answers.data)
    assert saved["recurrence"] == "distant" and saved["visit_date"] == "2026-12-03"
    assert saved["custom_questions"] == ["Can I keep working?"]


def test_the_accessible_version_is_served_with_its_own_policy(post: Callable[..., Any],
                                                             get: Callable[..., Any]) -> None:
    result, html = make(post, get, recurrence="regional", name="Ann Lee")
    page_link = link(html, "accessible")
    assert page_link.endswith(".html?show=1")
    response = get(page_link)
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Content-Disposition"].startswith("inline;")
    body = page(response)
    assert "Ann Lee" in body and '<html lang="en"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "style-src 'sha256-" in csp
    assert response.headers["Cache-Control"] == "no-store"


def test_results_are_kept_by_count_and_by_size() -> None:
    from visitprep.web.app import Made, Results

    results = Results(keep=3, keep_bytes=100)
    keys = [results.add(Made({"a": (b"x" * 40, "text/plain")}, {})) for _ in range(4)]
    assert [results.get(k) is not None for k in keys] == [False, False, True, True]
    big = results.add(Made({"a": (b"x" * 500, "text/plain")}, {}))
    assert results.get(big) is not None and results.get(keys[3]) is None


def test_an_unknown_result_is_a_plain_page(get: Callable[..., Any]) -> None:
    response = get("/result/nope/visit-questions.pdf")
    assert response.status_code == 404
    assert "no longer here" in page(response)


def test_unticked_questions_are_left_out_and_top_questions_go_first(
        post: Callable[..., Any], get: Callable[..., Any], bank: QuestionBank) -> None:
    update = page(post("/", {"action": "update", "recurrence": "local",
                             "concerns": ["costs"]}))
    shown = re.search(r'name="shown" value="([^"]*)"', update)
    assert shown
    ids = shown.group(1).split()
    assert "Show " in update and "<details>" in update  # long topics show more on demand
    dropped, top = ids[0], ids[1]
    result, html = make(post, get, recurrence="local", concerns=["costs"],
                        shown=" ".join(ids), keep=[q for q in ids if q != dropped],
                        top=[top, "", ""])
    pdf = read_pdf(get(link(html, "download-pdf")).data)
    assert bank.question(dropped).text[:40] not in pdf.text
    assert bank.question(top).text[:40] in pdf.pages[0]


def test_a_top_question_that_is_unticked_is_an_error(post: Callable[..., Any],
                                                     bank: QuestionBank) -> None:
    update = page(post("/", {"action": "update", "recurrence": "local"}))
    ids = re.findall(r'id="keep-[^"]+" name="q-\d+" value="([^"]+)"', update)
    html = page(post("/", {"action": "make", "recurrence": "local", "shown": " ".join(ids),
                           "keep": ids[1:], "top": [ids[0]]}))
    message = f"\u201c{bank.question(ids[0]).text}\u201d is unchecked in the list of " \
              "questions. Check it again, or choose another top question."
    assert summary(html) == [("top-1", message)]


def test_the_visit_date_is_read_back_and_an_ambiguous_one_asks_which_day(
        post: Callable[..., Any], get: Callable[..., Any]) -> None:
    html = page(post("/", {"action": "update", "recurrence": "local",
                           "visit_date": "tomorrow"}))
    assert "Saturday, November 21, 2026. Is that right?" in html
    html = page(post("/", {"action": "make", "recurrence": "local", "visit_date": "12/3"}))
    assert summary(html) == [("visit-day-0", "Choose which day you mean by \u201c12/3\u201d.")]
    assert "Thursday, December 3, 2026" in html and "Friday, March 12, 2027" in html
    result, html = make(post, get, recurrence="local", visit_date="12/3",
                        visit_day="2027-03-12")
    assert link(html, "download-pdf").endswith("-2027-03-12.pdf")
    html = page(post("/", {"action": "make", "recurrence": "local", "visit_date": "soonish"}))
    assert summary(html) == [("visit-date", "'soonish' is not a date visitprep can read. Write "
                              "it like: next Friday, Dec 3, 12/3/2026, 2026-12-03, or in 2 "
                              "weeks.")]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "A" * 101, "This is 101 characters long; the limit is 100. Shorten it."),
    ("doctor", "Dr\u200bWho", "This holds an invisible character (U+200B). Retype it, or "
     "paste it as plain text."),
    ("companion", "\u05e9\u05e8\u05d4", "This is written right to left"),
    ("name", "\u738b\u82b3", "which the handout's font"),
])
def test_bad_text_gets_the_clis_message_beside_the_field(post: Callable[..., Any], field: str,
                                                         value: str, message: str) -> None:
    html = page(post("/", {"action": "make", "recurrence": "local", field: value}))
    ((target, text),) = summary(html)
    assert target == field and message in text
    assert field_error(html, field) == text
    assert "Traceback" not in html


def test_tampered_choices_are_errors_not_crashes(post: Callable[..., Any]) -> None:
    html = page(post("/", {"action": "make", "recurrence": "sideways", "concerns": ["x"],
                           "keep": ["no-such-id"], "shown": "no-such-id", "paper": "a3",
                           "template": "huge"}))
    assert [target for target, _ in summary(html)] == [
        "recurrence-local", "concerns-deciding", "review-update", "template-standard",
        "paper-letter"]


def test_own_questions_too_long_name_the_line(post: Callable[..., Any]) -> None:
    html = page(post("/", {"action": "make", "recurrence": "local",
                           "own": "Fine?\n" + "x" * 301}))
    assert field_error(html, "own") == ("Question 2: This is 301 characters long; the limit "
                                        "is 300. Shorten it.")


def test_the_preview_counts_questions_and_pages(post: Callable[..., Any]) -> None:
    response = post("/api/preview", {"recurrence": "regional", "concerns": ["costs"],
                                     "visit_date": "Dec 3"})
    data = response.get_json()
    assert re.fullmatch(r"\d+ questions, \d+ pages\.", data["count"])
    assert data["date"] == "Thursday, December 3, 2026. Is that right?"
    assert 'name="q-1"' in data["review"]
    assert data["top_groups"][0][0] == "About my cancer coming back"
    assert all(len(pair) == 2 for _, pairs in data["top_groups"] for pair in pairs)
    empty = post("/api/preview", {}).get_json()
    assert empty["count"] == "" and "Choose where the cancer has come back" in empty["review"]


# -- saved answers ---------------------------------------------------------------------

def test_saved_answers_prefill_every_field(post: Callable[..., Any],
                                           bank: QuestionBank) -> None:
    qid = next(q.id for q in bank.questions if q.topic == "costs")
    left_out = next(q.id for q in bank.questions
                    if q.topic == "my-recurrence" and q.is_core("regional"))
    answers = {"recurrence": "regional", "concerns": ["costs", "side-effects"],
               "name": "Ann Lee", "doctor": "Dr Shah", "companion": "Sam",
               "visit_date": "2026-12-03", "custom_questions": ["Mine one?", "Mine two?"],
               "top_questions": ["Mine two?", qid], "template": "large-print",
               "paper": "a4", "exclude": [left_out]}
    upload = io.BytesIO(yaml.safe_dump(answers).encode())
    html = page(post("/load", {"answers_file": (upload, "visit-answers.yaml")},
                     content_type="multipart/form-data"))
    assert "Loaded your answers from visit-answers.yaml." in html
    checked = set(re.findall(r'id="([^"]+)" name="[^"]+" value="[^"]*"[^>]* checked', html))
    assert {"recurrence-regional", "concerns-costs", "concerns-side-effects",
            "template-large-print", "paper-a4"} <= checked
    assert f"keep-{left_out}" in html and f"keep-{left_out}" not in checked
    for value in ("Ann Lee", "Dr Shah", "Sam", "2026-12-03"):
        assert f'value="{value}"' in html
    assert ">Mine one?\nMine two?</textarea>" in html
    selected = re.findall(r'<option value="([^"]+)" selected>', html)
    assert selected == ["Mine two?", qid]
    assert "Thursday, December 3, 2026. Is that right?" in html


@pytest.mark.parametrize(("content", "message"), [
    (b"recurrence: [oops", "visit-answers.yaml, line 2"),
    (b"recurrence: sideways\n", "unknown recurrence 'sideways'"),
    (b"- a list\n", "an answers file must be 'key: value' lines"),
    (b"\xff\xfe\x00", "visit-answers.yaml is not a text file"),
    (b"recurrence: local\n" + b"#" * MAX_ANSWERS_BYTES, "larger than 64 KB"),
])
def test_a_bad_answers_file_gets_a_clear_message(post: Callable[..., Any], content: bytes,
                                                 message: str) -> None:
    html = page(post("/load", {"answers_file": (io.BytesIO(content), "visit-answers.yaml")},
                     content_type="multipart/form-data"))
    ((target, text),) = summary(html)
    assert target == "answers-file" and message in text
    assert message in field_error(html, "answers-file")


def test_a_huge_answers_file_is_refused_on_the_form(post: Callable[..., Any]) -> None:
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    upload = FileStorage(io.BytesIO(b"#" * (3 * 1024 * 1024)), filename="a.yaml")
    boundary, body = encode_multipart({"token": TOKEN[0], "answers_file": upload})
    response = post("/load", None, raw=body, boundary=boundary)
    assert response.status_code == 413
    assert summary(page(response)) == [("answers-file", "The answers file is larger than "
                                        "64 KB. Choose the answers file visitprep saved (a few "
                                        "kilobytes).")]


def test_an_internal_error_is_a_plain_page_and_logs_no_answer(
        settings: Settings, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import visitprep.web.app as web_app

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("Zebediah Quux")

    monkeypatch.setattr(web_app.Maker, "pdf", broken)
    client = create_app(settings).test_client()
    response = client.post("/", data={"token": settings.token, "action": "make",
                                      "recurrence": "local", "name": "Zebediah Quux"},
                           base_url=f"http://{HOST}")
    assert response.status_code == 500
    assert "Something went wrong inside visitprep" in page(response)
    assert "Traceback" not in page(response) and "Zebediah" not in page(response)
    assert "Zebediah" not in caplog.text and "RuntimeError" in caplog.text


def test_loading_with_no_file_says_what_to_do(post: Callable[..., Any]) -> None:
    html = page(post("/load", {}, content_type="multipart/form-data"))
    assert summary(html) == [("answers-file", "Choose your answers file, then press Load my "
                              "answers.")]


def test_change_my_answers_goes_back_to_a_filled_form(post: Callable[..., Any],
                                                      get: Callable[..., Any]) -> None:
    result, html = make(post, get, recurrence="unsure", name="Ann Lee")
    text = unescape(re.search(r'name="answers_text" value="([^"]*)"', html, re.S).group(1))
    back = page(post("/load", {"answers_text": text}))
    assert 'value="Ann Lee"' in back
    assert re.search(r'id="recurrence-unsure"[^>]* checked', back)


# -- the clinic list -------------------------------------------------------------------

def upload_csv(post: Callable[..., Any], get: Callable[..., Any], content: bytes,
               name: str = "clinic.csv", **fields: str) -> str:
    response = post("/clinic-list", {"csv": (io.BytesIO(content), name), **fields},
                    content_type="multipart/form-data")
    if response.status_code == 303:
        return page(get(response.headers["Location"]))
    return page(response)


def bad_rows(html: str) -> list[tuple[str, list[dict[str, str]]]]:
    """The result's bad rows: each block's heading and its problems (field, value,
    allowed, problem)."""
    found = []
    for block in re.findall(r'<li class="bad-row"[^>]*>(.*?)</ul>\s*</li>', html, re.S):
        heading = unescape(re.search(r"<h4>(.*?)</h4>", block, re.S).group(1)).strip()
        problems = []
        for item in re.findall(r"<li>(.*?)</li>", block, re.S):
            facts = dict(re.findall(r'<span class="fact-name">(.*?):</span> (.*?)</p>', item,
                                    re.S))
            problem = re.search(r'<p class="problem">(.*?)</p>', item, re.S)
            problems.append({"field": unescape(facts.get("Field", "")),
                             "value": unescape(facts.get("Value", "")),
                             "allowed": unescape(facts.get("Allowed values", "")),
                             "problem": unescape(problem.group(1)) if problem else ""})
        found.append((heading, problems))
    return found


def test_a_clinic_list_prints_good_rows_and_lists_bad_ones(post: Callable[..., Any],
                                                           get: Callable[..., Any]) -> None:
    content = (b"name,recurrence,concerns,paper\n"
               b"Ann Lee,local,costs,\n"
               b"Bad Row,sideways,,\n"
               b"Cy Doe,distant,holidays,\n"
               b"Di Roe,regional,,a3\n"
               b"Ed Poe,unsure,,\n")
    html = upload_csv(post, get, content)
    assert "Printed 2 of 5 rows" in html
    found = bad_rows(html)
    assert [heading for heading, _ in found] == ["Row 3: Bad Row", "Row 4: Cy Doe",
                                                 "Row 5: Di Roe"]
    assert found[0][1] == [{"field": "recurrence", "value": "sideways",
                            "allowed": "local, regional, distant, unsure",
                            "problem": "unknown recurrence 'sideways'."}]
    assert found[1][1][0]["field"] == "concerns" and "costs" in found[1][1][0]["allowed"]
    assert found[2][1] == [{"field": "paper", "value": "a3", "allowed": "letter, a4",
                            "problem": "unknown paper 'a3'."}]
    merged = read_pdf(get(link(html, "download-merged")).data)
    assert len(merged.pages) % 2 == 0
    assert "Ann Lee" in merged.text and "Ed Poe" in merged.text
    failures = get(link(html, "download-failures"))
    assert failures.headers["Content-Disposition"] == \
        'attachment; filename="clinic-failures.csv"'
    table = list(csv.reader(io.StringIO(failures.data.decode("utf-8-sig"))))
    assert table[0] == ["row", "problem", "name", "recurrence", "concerns", "paper"]
    assert [r[0] for r in table[1:]] == ["3", "4", "5"]


def test_a_clinic_list_from_excel_reads_as_it_is(post: Callable[..., Any],
                                                 get: Callable[..., Any]) -> None:
    html = upload_csv(post, get, (DATA / "csv" / "excel_utf8.csv").read_bytes())
    assert "Printed 6 of 9 rows" in html  # as `batch` does: rows 4, 6 and 11 are bad
    assert [(heading, [(p["field"], p["value"]) for p in problems])
            for heading, problems in bad_rows(html)] == [
        ("Row 4: Bad Row", [("recurrence", "sideways")]),
        ('Row 6: =HYPERLINK("http://x")', [("concerns", "money matters")]),
        ("Row 11: Zo\u00eb", [("visit_date", "2026-02-30")])]


US_EXPORT = DATA / "csv" / "us_excel_export.csv"


@pytest.mark.parametrize(("languages", "checked"), [
    ("en-US,en;q=0.9", "mdy"), ("en-GB,en;q=0.9", "dmy"), ("es-MX,es;q=0.9", "dmy"),
    ("", "mdy")])
def test_the_date_order_defaults_from_the_browser_language(
        get: Callable[..., Any], languages: str, checked: str) -> None:
    html = page(get("/clinic-list", headers={"Accept-Language": languages}))
    assert re.search(rf'id="date-order-{checked}"[^>]*checked', html)
    legend = ("Fechas escritas solo con números, como 12/8/2026" if languages.startswith("es")
              else "Dates written only in numbers, like 12/8/2026")  # the page's language too
    assert legend in html


def test_a_us_clinic_day_on_the_page(post: Callable[..., Any], get: Callable[..., Any]) -> None:
    html = upload_csv(post, get, US_EXPORT.read_bytes(), name="clinic-day.csv",
                      date_order="mdy")
    assert "Printed 20 of 25 rows" in html
    found = dict(bad_rows(html))
    assert sorted(found) == ["Row 10: Iris Novak", "Row 14: Mae Johnson",
                             "Row 18: Quinn Adams", "Row 23: Victor Hugo", "Row 7: Frank Ito"]
    assert [(p["field"], p["value"]) for p in found["Row 7: Frank Ito"]] == [
        ("concerns", "money matters"), ("visit_date", "12/33/2026")]
    assert [(p["field"], p["value"]) for p in found["Row 10: Iris Novak"]] == [
        ("recurrence", "sideways"), ("concerns", "travel")]
    assert ("Dates written only in numbers were read month first (12/8/2026 is December 8): "
            "as chosen on this page") in unescape(html)
    assert "Ignored the columns &#39;MRN&#39;, &#39;Phone&#39;" in html
    assert "row 9 (Hector Ruiz): asks for a4 paper; printed on letter" in html
    merged = PdfReader(io.BytesIO(get(link(html, "download-merged")).data))
    assert [item.title for item in merged.outline][:2] == [
        "Ann Lee, Tuesday, December 8, 2026", "Bo Chan, Tuesday, December 8, 2026"]
    assert {float(p.mediabox.width) for p in merged.pages} == {612.0}
    failures = get(link(html, "download-failures")).data.decode("utf-8-sig")
    assert "MRN" not in failures and "100206" not in failures
    # Day first: the same file's dates read as 12 August and so on.
    day_first = upload_csv(post, get, US_EXPORT.read_bytes(), date_order="dmy")
    assert "read day first (12/8/2026 is 12 August): as chosen on this page" in day_first


@pytest.mark.parametrize(("content", "fields", "message"), [
    (b"name,concerns\nAnn,costs\n", {}, "clinic.csv: there is no 'recurrence' column"),
    (b"name,recurence,colour\n", {}, "clinic.csv: there is no 'recurrence' column "
     "('recurence' is not a column visitprep reads; did you mean 'recurrence'?)"),
    (b"", {}, "clinic.csv: the file is empty"),
    (b"recurrence\n", {}, "clinic.csv: has a header but no rows to print"),
    ("recurrence,name\nlocal,Jos\u00e9\n".encode("cp1252"), {},
     "clinic.csv: line 2 is not utf-8 text"),
    (b"recurrence\n" + b"local\n" * 1001, {}, "more than 1000 rows"),
])
def test_a_bad_clinic_list_gets_a_clear_message(post: Callable[..., Any],
                                                get: Callable[..., Any], content: bytes,
                                                fields: dict[str, str], message: str) -> None:
    html = upload_csv(post, get, content, **fields)
    ((target, text),) = summary(html)
    assert target == "csv" and message in text


def test_an_odd_upload_name_makes_a_safe_download_name(post: Callable[..., Any],
                                                      get: Callable[..., Any]) -> None:
    html = upload_csv(post, get, b"recurrence\nlocal\n", name='my "list"\r\n.csv')
    merged = link(html, "download-merged")
    name = merged.rsplit("/", 1)[1]
    assert re.fullmatch(r"my[\w-]*-handouts\.pdf", name)
    assert get(merged).headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_windows_clinic_list_reads_with_its_encoding(post: Callable[..., Any],
                                                       get: Callable[..., Any]) -> None:
    content = "recurrence,name\nlocal,Jos\u00e9\n".encode("cp1252")
    html = upload_csv(post, get, content, encoding="cp1252")
    assert "Printed 1 of 1 rows" in html


def test_an_upload_over_the_limit_is_refused_with_the_limit(post: Callable[..., Any],
                                                            get: Callable[..., Any]) -> None:
    content = b"recurrence\n" + b"local\n" * (MAX_CSV_BYTES // 6 + 20000)
    response = post_multipart(post, "/clinic-list", content)
    assert response.status_code == 413
    assert summary(page(response)) == [
        ("csv", "The clinic list is larger than 2 MB. Split it into smaller lists.")]


def test_no_csv_chosen_says_what_to_do(post: Callable[..., Any]) -> None:
    html = page(post("/clinic-list", {}, content_type="multipart/form-data"))
    assert summary(html) == [("csv", "Choose the clinic list (a .csv file), then press "
                              "Print the list.")]


# -- the command ---------------------------------------------------------------------------

def test_serve_checks_its_options(run: Callable[..., Any]) -> None:
    result = run("serve", "--port", "70000", "--no-browser")
    assert result.code == 2 and "--port must be between 0 and 65535" in result.err
    result = run("serve", "--host", "example.com", "--no-browser")
    assert result.code == 1 and "--host 'example.com' is not an IP address" in result.err


def test_serve_on_another_address_warns(run: Callable[..., Any],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import visitprep.web.server as server

    def fake(settings: Settings, host: str, port: int, **kwargs: Any) -> None:
        kwargs["on_ready"](f"http://{host}:{port}/")
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "serve", fake)
    result = run("serve", "--host", "0.0.0.0", "--no-browser")
    assert result.code == 0
    assert "health information" in result.err and "without encryption" in result.err
    assert "http://0.0.0.0:8765/" in result.out and "Stopped the page." in result.out


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "visitprep", "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # As from a terminal: Ctrl-C reaches it even if this run ignores SIGINT.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, line + (process.stderr.read() if process.stderr else "")
    yield process, match.group(0)
    if process.poll() is None:
        process.kill()
    process.communicate()


def test_serve_answers_on_127_0_0_1_and_stops_cleanly_on_ctrl_c(
        served: tuple[subprocess.Popen[str], str], tmp_path: Path) -> None:
    import urllib.request

    process, url = served
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
        assert response.status == 200
        assert b"Make your visit checklist" in response.read()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Stopped the page. Nothing was saved." in out
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_help_and_the_interview_never_load_flask() -> None:
    code = ("import sys; from visitprep.cli import build_parser; build_parser(); "
            "import visitprep.interview; "
            "print(any(m.split('.')[0] in ('flask', 'waitress', 'werkzeug') "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_more_room_to_write_on_the_page(post: Callable[..., Any], get: Callable[..., Any]
                                        ) -> None:
    html = page(get("/"))
    assert 'id="room-standard" name="room" value="standard" checked' in html
    assert "More room: three lines under each question (more pages)" in html
    _, standard = make(post, get, recurrence="distant", concerns=["costs"])
    result, more = make(post, get, recurrence="distant", concerns=["costs"], room="more")
    pages = [int(re.search(r"questions on (\d+) pages", h)[1])  # type: ignore[index]
             for h in (standard, more)]
    assert pages[1] > pages[0]
    answers = get(link(more, "download-answers")).data.decode("utf-8")
    assert "room: more" in answers
    bad = page(post("/", {"action": "make", "recurrence": "local", "room": "huge"}))
    assert "Choose one of the options shown." in bad and 'href="#room-standard"' in bad
