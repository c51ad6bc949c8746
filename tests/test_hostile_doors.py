"""Issue 17: the last crashes, leaks, lost files and wrong prints, each through the front door
a person uses (the command line, the web page, the terminal interview).

The files these tests read are in the hostile corpus (tests/data/hostile); what cannot be kept
in git (devices, pipes, links to them, a full disk) is made by the test.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from visitprep import interview
from visitprep.interview import Draft, Interview
from visitprep.models import QuestionBank
from visitprep.web.app import Settings, create_app

from conftest import DATA, TODAY, Result, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

Run = Callable[..., Result]
HOSTILE = DATA / "hostile"
HOST = "127.0.0.1:5000"
FAR = ["in 3000000 days", "in 100000 months", "in 999999999999 weeks", "in 3654 days",
       "2099-01-01"]


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def one_error(result: Result) -> str:
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.err
    return errors[0]


def short_list(bank: QuestionBank, recurrence: str) -> list[str]:
    """Every question a short list prints for this kind with no concern."""
    from visitprep.profile import profile_from_mapping
    from visitprep.selection import select_questions

    profile = profile_from_mapping({"recurrence": recurrence}, bank, "test")
    return [i.id for s in select_questions(bank, profile).sections for i in s.items]


# -- the web page, in-process -------------------------------------------------------------

@pytest.fixture
def web(bank: QuestionBank) -> tuple[Any, Settings]:
    settings = Settings(bank=bank, hosts=(HOST,), today=lambda: TODAY)
    return create_app(settings).test_client(), settings


def web_post(web: tuple[Any, Settings], path: str, data: dict[str, Any], **kw: Any) -> str:
    client, settings = web
    response = client.post(path, data={"token": settings.token, **data},
                           base_url=f"http://{HOST}", **kw)
    assert response.status_code in (200, 303), response.status_code
    if response.status_code == 303:
        response = client.get(response.headers["Location"], base_url=f"http://{HOST}")
    return str(response.get_data(as_text=True))


def summary(html: str) -> list[str]:
    from html import unescape

    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", m)) for m in
            re.findall(r"<li>(.*?)</li>", block.group(0), re.S)] if block else []


# -- 2. crashes: a relative date that runs off the calendar --------------------------------

@pytest.mark.parametrize("text", FAR)
def test_a_date_too_far_ahead_is_a_message_on_the_command_line(run: Run, tmp_path: Path,
                                                               text: str) -> None:
    result = run("make", "--recurrence", "local", "--visit-date", text, "-o", "out.pdf")
    assert result.code == 1
    assert one_error(result).startswith(f"Error: --visit-date: '{text}' is ")
    assert "more than 10 years away." in result.err
    assert not (tmp_path / "out.pdf").exists()


def test_a_date_too_far_ahead_fails_its_row_alone(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(
        "name,recurrence,visit_date\nAnn Lee,local,in 2 weeks\n"
        "Bo Chen,local,in 999999999999 weeks\nCy Diaz,distant,\n", encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out")
    assert result.code == 1 and "Traceback" not in result.err
    assert ("row 3 (Bo Chen): 'visit_date': 'in 999999999999 weeks' is more than 10 years "
            "away.") in result.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "Ann-Lee-2026-12-04.pdf", "Cy-Diaz.pdf"]


@pytest.mark.parametrize("text", FAR[:3])
def test_a_date_too_far_ahead_is_a_message_on_the_web_page(web: tuple[Any, Settings],
                                                           text: str) -> None:
    html = web_post(web, "/", {"action": "make", "recurrence": "local", "visit_date": text})
    (message,) = summary(html)
    assert f"'{text}' is more than 10 years away" in message


@pytest.mark.parametrize("text", FAR)
def test_a_date_too_far_ahead_is_a_message_in_the_interview(text: str) -> None:
    verdict = interview._validate_date(text, TODAY)
    assert isinstance(verdict, str) and "more than 10 years away" in verdict
    assert interview._validate_date("in 3653 days", TODAY) is True  # ten years is allowed


# -- 2. crashes: every question left out ---------------------------------------------------

def test_every_question_left_out_is_a_message_and_own_questions_still_print(
        run: Run, tmp_path: Path, bank: QuestionBank) -> None:
    excluded = [arg for qid in short_list(bank, "local") for arg in ("--exclude", qid)]
    result = run("make", "--recurrence", "local", *excluded, "-o", "out.pdf")
    assert result.code == 1
    assert one_error(result) == ("Error: there is nothing to print: every question of the "
                                 "list is left out, and there are no questions of your own.")
    assert not (tmp_path / "out.pdf").exists()
    for extra, name in ((["--question", "Can I travel in May?"], "own.pdf"),
                        (["--top", "Can I travel in May?"], "top.pdf"),
                        (["--top", "Can I travel in May?"], "top.html")):
        made = run("make", "--recurrence", "local", *excluded, *extra, "-o", name)
        assert made.code == 0, made.err
    assert "Can I travel in May?" in read_pdf(tmp_path / "own.pdf").text
    assert "1. Can I travel in May?" in read_pdf(tmp_path / "top.pdf").pages[0]


def test_every_question_left_out_fails_its_row_alone(run: Run, tmp_path: Path,
                                                     bank: QuestionBank) -> None:
    excluded = ";".join(short_list(bank, "local"))
    (tmp_path / "list.csv").write_text(
        f"name,recurrence,exclude,custom_questions\nAnn,local,{excluded},\n"
        f"Bo,local,{excluded},Can I travel?\nCy,local,,\n", encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out")
    assert result.code == 1 and "Traceback" not in result.err
    assert "row 2 (Ann): there is nothing to print" in result.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["Bo.pdf", "Cy.pdf"]


def test_every_question_unticked_on_the_web_page_is_a_message(
        web: tuple[Any, Settings]) -> None:
    update = web_post(web, "/", {"action": "update", "recurrence": "local"})
    ids = re.findall(r'id="keep-[^"]+" name="q-\d+" value="([^"]+)"', update)
    html = web_post(web, "/", {"action": "make", "recurrence": "local", "shown": " ".join(ids),
                               "keep": []})
    (message,) = summary(html)
    assert "there is nothing to print" in message


def test_every_question_unticked_in_the_interview_asks_for_one_of_your_own(
        bank: QuestionBank, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    draft = Draft(recurrence="local")
    draft.exclude = short_list(bank, "local")
    answers = iter(["", "Can I travel in May?", ""])
    monkeypatch.setattr(interview, "ask", lambda prompt, **io: next(answers))
    run = Interview(bank, draft, today=TODAY, count_pages=lambda profile: 1,
                    write_pdf=lambda p, path, f: 1, write_answers=lambda p, path, f: None)
    assert run.step_own() is None
    assert draft.own == ["Can I travel in May?"]
    assert "Nothing is left to print: every question of the list is unchecked." in \
        capsys.readouterr().out


# -- 2. crashes: logos that are devices, pipes or broken images ----------------------------

@pytest.mark.parametrize("kind", ["/dev/zero", "/dev/urandom", "link", "fifo"])
def test_a_logo_that_is_no_regular_file_is_refused_without_reading_it(
        tmp_path: Path, kind: str) -> None:
    logo = kind
    if kind == "link":
        os.symlink("/dev/zero", tmp_path / "logo.png")
        logo = "logo.png"
    elif kind == "fifo":
        os.mkfifo(tmp_path / "logo.png")
        logo = "logo.png"
    (tmp_path / "clinic.yaml").write_text(f"name: Riverside\nlogo: {logo}\n", encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "visitprep", "make", "--recurrence", "local", "--clinic",
         "clinic.yaml", "-o", "out.pdf"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL)
    assert process.returncode == 1, process.stderr
    assert process.stderr.startswith("Error: clinic.yaml: 'logo': ")
    assert "is not a regular file" in process.stderr and "Traceback" not in process.stderr
    assert not (tmp_path / "out.pdf").exists()


# -- 2. crashes: seeds, a full disk, no standard input, pasted escape sequences -------------

def test_a_seed_that_is_not_utf8_is_a_message(run: Run, tmp_path: Path) -> None:
    from conftest import PASSAGES

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for source in PASSAGES.iterdir():
        (seeds / source.name).write_bytes(source.read_bytes())
    first = sorted(seeds.glob("0*.txt"))[0]
    first.write_bytes(b"Line one\nCaf\xe9 au lait\n")
    result = run("check-bank", "--seeds", str(seeds))
    assert result.code == 1
    assert one_error(result) == f"Error: {first}, line 2: is not UTF-8 text (the byte 0xe9)."


@pytest.mark.parametrize("argv", [["questions"], ["questions", "--recurrence", "local"],
                                  ["templates"], ["check-bank"]])
def test_output_to_a_full_disk_is_a_message(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        process = subprocess.run([sys.executable, "-m", "visitprep", *argv], stdout=full,
                                 stderr=subprocess.PIPE, text=True, timeout=120)
    assert process.returncode == 1
    assert process.stderr == ("Error: cannot write the output: the disk is full.\n"
                              "Send it to another file or disk, then run the same command "
                              "again.\n")


def test_the_interview_with_standard_input_closed_says_what_to_do() -> None:
    process = subprocess.run([sys.executable, "-m", "visitprep", "interview"],
                             capture_output=True, text=True, timeout=60,
                             pass_fds=(), preexec_fn=lambda: os.close(0))
    assert process.returncode == 2
    assert process.stderr.startswith("Error: the interview needs a terminal to type in")
    assert "Traceback" not in process.stderr


def test_pasted_escape_sequences_never_stop_the_interview() -> None:
    """A colour code reads as a mouse report to prompt_toolkit, whose handler failed on it
    and left the interview in a loop of 'Unhandled exception in event loop'."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    prompt = interview.Prompt("text", "own", "Your question:")
    with create_pipe_input() as pipe:
        pipe.send_text("Can I \x1b[31mtravel\x1b[0m?\x1b[<0;5;5M\x1b[96;14;13M\r")
        answer = interview.ask(prompt, input=pipe, output=DummyOutput())
    assert answer == "Can I travel?"


# -- 3. security: no cell names a file the web page reads ----------------------------------

def test_the_web_clinic_list_takes_only_the_templates_it_offers(
        web: tuple[Any, Settings], tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    content = (f"name,recurrence,template\nAnn,local,{secret}\nBo,local,/etc/passwd\n"
               f"Cy,local,/no/such/file.yaml\nDi,local,large-print\nEd,local,\n").encode()
    html = web_post(web, "/clinic-list", {"csv": (io.BytesIO(content), "list.csv")},
                    content_type="multipart/form-data")
    assert "Printed 2 of 5 rows" in html
    assert "hunter2" not in html and "password" not in html and "no such file" not in html
    from html import unescape

    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert text.count("is not a template this page offers (standard, large-print)") == 3
    for name in ("Ann", "Bo", "Cy"):
        assert re.search(rf"Row \d+\W+{name}\b", text), name


def test_a_template_path_in_a_csv_is_beside_the_csv(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "big.yaml").write_text("extends: large-print\n", encoding="utf-8")
    (folder / "list.csv").write_text("name,recurrence,template\nAnn,local,big.yaml\n",
                                     encoding="utf-8")
    result = run("batch", "clinic/list.csv", "-o", "out")  # run from the folder above
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "Ann.pdf").is_file()


# -- 3. security: a local program cannot lock the page -------------------------------------

@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """`visitprep serve` as a person starts it, with a 2-second request deadline."""
    import signal

    code = ("import sys; from visitprep.web import server; server.REQUEST_SECONDS = 2; "
            "from visitprep.cli import main; "
            "sys.exit(main(['serve', '--no-browser', '--port', '0']))")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"},
                               # As from a terminal: Ctrl-C reaches it even if this test run
                               # ignores SIGINT (an ignored signal stays ignored in a child).
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, line
    yield "127.0.0.1", int(match.group(1))
    process.send_signal(signal.SIGINT)
    try:  # it stops in well under a second; the margin is for a machine under heavy load
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"serve did not stop on Ctrl-C: {err[-2000:]}")
    assert "Traceback" not in err and "Stopped the page." in out


def get_page(address: tuple[str, int], timeout: float) -> int:
    import http.client

    connection = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status
    finally:
        connection.close()


def test_half_sent_requests_do_not_lock_the_page(server: tuple[str, int]) -> None:
    held: list[socket.socket] = []
    try:
        for _ in range(120):
            sock = socket.create_connection(server, timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(sock)
        started = time.monotonic()
        assert get_page(server, timeout=5) == 200  # at once: the oldest half-sent ones go
        assert time.monotonic() - started < 5
        time.sleep(4)  # past the deadline: the rest are closed too
        closed = 0
        for sock in held:
            sock.settimeout(0.5)
            try:
                closed += sock.recv(1) == b""
            except (TimeoutError, ConnectionError):
                closed += isinstance(sys.exc_info()[1], ConnectionError)
        assert closed == len(held)
    finally:
        for sock in held:
            sock.close()


# -- 3. invisible formatting characters: one rule, every front door ------------------------

def test_a_soft_hyphen_is_refused_at_every_front_door(run: Run, tmp_path: Path,
                                                      web: tuple[Any, Settings]) -> None:
    name = "Ma\u00adria L\u00f3pez"
    result = run("make", "--recurrence", "local", "--name", name, "-o", "out.pdf")
    assert one_error(result) == ("Error: --name holds an invisible control character "
                                 "(U+00AD, a soft hyphen).")
    (tmp_path / "list.csv").write_text(f"name,recurrence\n{name},local\nAnn,local\n",
                                       encoding="utf-8")
    batch = run("batch", "list.csv", "-o", "out")
    assert "'name' holds an invisible control character (U+00AD, a soft hyphen)" in batch.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["Ann.pdf"]
    html = web_post(web, "/", {"action": "make", "recurrence": "local", "name": name})
    assert any("(U+00AD, a soft hyphen)" in message for message in summary(html))
    from visitprep import steps  # the interview checks typed text with the same rule

    assert "(U+00AD, a soft hyphen)" in steps.check_text(name, "name").error


def test_file_names_drop_invisible_formatting() -> None:
    from visitprep.batch import safe_stem

    assert safe_stem("Ma\u00adria L\u200bopez") == "Maria-Lopez"


# -- 4. files replaced or lost -------------------------------------------------------------

def test_no_run_writes_over_the_template_an_answers_file_names(run: Run,
                                                               tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("extends: large-print\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("recurrence: local\ntemplate: big.yaml\n",
                                     encoding="utf-8")
    result = run("make", "--answers", "a.yaml", "-o", "big.yaml", "--format", "pdf",
                 "--force")
    assert result.code == 2
    assert one_error(result) == ("Error: -o big.yaml is the template file that a.yaml names; "
                                 "visitprep never writes over its input.")
    assert (tmp_path / "big.yaml").read_text(encoding="utf-8") == "extends: large-print\n"


def test_no_run_writes_over_the_clinic_logo(run: Run, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(tmp_path / "logo.png")
    before = (tmp_path / "logo.png").read_bytes()
    (tmp_path / "clinic.yaml").write_text("name: Riverside\nlogo: logo.png\n", encoding="utf-8")
    result = run("make", "--recurrence", "local", "--clinic", "clinic.yaml", "-o", "logo.png",
                 "--format", "pdf", "--force")
    assert result.code == 2 and "is the clinic's logo (clinic.yaml: 'logo')" in result.err
    (tmp_path / "list.csv").write_text("name,recurrence\nAnn,local\n", encoding="utf-8")
    merged = run("batch", "list.csv", "-o", "out", "--clinic", "clinic.yaml", "--merge",
                 "logo.png", "--force")
    assert merged.code == 2 and "--merge logo.png is the clinic's logo" in merged.err
    assert (tmp_path / "logo.png").read_bytes() == before
    assert not (tmp_path / "out").exists()


def test_the_merged_file_never_silently_loses_a_person(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("name,recurrence\nAnn,local\nBo,distant\nCy,regional\n",
                                       encoding="utf-8")
    assert run("batch", "list.csv", "-o", "out", "--merge", "all.pdf").code == 0
    three = (tmp_path / "all.pdf").read_bytes()
    (tmp_path / "list.csv").write_text("name,recurrence\nAnn,local\nBo,local\nCy,regional\n",
                                       encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--merge", "all.pdf")
    assert result.code == 1
    assert ("Kept all.pdf as it was: it holds Bo.pdf, which has no handout this time, and "
            "rebuilding it would leave it out. Fix the row and run the same command again, "
            "or add --force to rebuild it without it.") in result.out
    assert (tmp_path / "all.pdf").read_bytes() == three
    forced = run("batch", "list.csv", "-o", "out", "--merge", "all.pdf", "--force")
    assert forced.code == 0 and "Rebuilt all.pdf" in forced.out
    assert "Rebuilt all.pdf (its handouts changed): 3 handouts" in forced.out


def test_a_first_merge_names_the_rows_it_leaves_out(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("name,recurrence\nAnn,local\nBo,sideways\n",
                                       encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--merge", "all.pdf")
    assert result.code == 1
    assert "all.pdf leaves out 1 row that did not print (row 3 (Bo))." in result.out
    assert (tmp_path / "all.pdf").is_file()


def test_o_with_a_trailing_slash_is_a_folder(run: Run, tmp_path: Path) -> None:
    missing = run("make", "--recurrence", "local", "-o", "newdir/")
    assert missing.code == 1
    assert one_error(missing) == "Error: -o newdir/: the folder newdir does not exist."
    assert not (tmp_path / "newdir").exists()
    (tmp_path / "newdir").mkdir()
    made = run("make", "--recurrence", "local", "--visit-date", "tomorrow", "-o", "newdir/")
    assert made.code == 0, made.err
    assert [p.name for p in (tmp_path / "newdir").iterdir()] == ["visit-questions-2026-11-21.pdf"]


@pytest.mark.parametrize(("argv", "flag"), [
    (["make", "--answers", ""], "--answers"),
    (["make", "--recurrence", "local", "--clinic", ""], "--clinic"),
    (["make", "--recurrence", "local", "-o", ""], "-o/--output"),
    (["batch", "list.csv", "-o", "out", "--merge", ""], "--merge"),
    (["batch", "", "-o", "out"], "FILE.csv"),
    (["make", "--recurrence", "local", "--bank", " "], "--bank"),
])
def test_an_empty_file_flag_names_the_flag(run: Run, tmp_path: Path, argv: list[str],
                                           flag: str) -> None:
    before = files(tmp_path)
    result = run(*argv)
    assert result.code == 2
    assert one_error(result) == f"Error: argument {flag}: is empty; give a file or folder name"
    assert files(tmp_path) == before


# -- 5. quieter wrongs ---------------------------------------------------------------------

def test_a_question_id_in_capitals_is_the_question(run: Run, tmp_path: Path,
                                                   bank: QuestionBank) -> None:
    result = run("make", "--recurrence", "local", "--top", "TX-CHOICES", "--exclude",
                 "REC-OUTLOOK", "-o", "out.pdf")
    assert result.code == 0, result.err
    pdf = read_pdf(tmp_path / "out.pdf")
    assert f"1. {bank.question('tx-choices').text}" in pdf.pages[0]
    assert "TX-CHOICES" not in pdf.text
    assert bank.question("rec-outlook").text not in pdf.text


def test_a_mistyped_top_id_is_an_error_not_a_printed_question(run: Run) -> None:
    result = run("make", "--recurrence", "local", "--top", "TX-CHOISES", "-o", "out.pdf")
    assert result.code == 1
    assert "names an unknown question id 'tx-choises'. Did you mean 'tx-choices'?" in result.err


def test_an_include_whose_topic_is_not_chosen_is_a_message(run: Run, tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(
        "name,recurrence,concerns,include\nAnn,local,,cost-tests\nBo,local,costs,cost-tests\n",
        encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out")
    assert ("row 2 (Ann): 'include': question 'cost-tests' is in the topic \"Costs and "
            "insurance\", which is not among the concerns.") in result.err
    assert [p.name for p in (tmp_path / "out").glob("*.pdf")] == ["Bo.pdf"]


def test_the_interview_drops_added_questions_of_a_concern_taken_away(
        bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = Draft(recurrence="local", concerns=["costs"])
    draft.include = ["cost-tests"]
    monkeypatch.setattr(interview, "ask", lambda prompt, **io: [])  # untick every concern
    run = Interview(bank, draft, today=TODAY, count_pages=lambda profile: 1,
                    write_pdf=lambda p, path, f: 1, write_answers=lambda p, path, f: None)
    assert run.step_concerns() is None
    assert draft.include == []  # the saved answers file can be read back


def test_a_question_for_the_confirmed_never_prints_for_someone_unsure(
        web: tuple[Any, Settings]) -> None:
    html = web_post(web, "/load", {"answers_text": "recurrence: unsure\n"
                                                   "top_questions: [tx-choices]\n"})
    assert "assumes the recurrence is confirmed" in html


# -- 5. the least helpful messages, made plain ---------------------------------------------

def test_a_utf8_list_read_as_cp1252_is_refused_not_printed_as_mojibake(
        run: Run, tmp_path: Path, web: tuple[Any, Settings]) -> None:
    data = "name,recurrence\nZo\u00eb \u00d1\u00fa\u00f1ez,local\n".encode()
    (tmp_path / "list.csv").write_bytes(data)
    result = run("batch", "list.csv", "-o", "out", "--encoding", "cp1252")
    assert result.code == 1
    assert one_error(result) == (
        "Error: list.csv: line 2 reads as 'Zo\u00eb \u00d1\u00fa\u00f1ez,local' in UTF-8, but "
        "as 'Zo\u00c3\u00ab \u00c3\u2018\u00c3\u00ba\u00c3\u00b1ez,local' in cp1252: the file "
        "is UTF-8.")
    assert not (tmp_path / "out").exists()
    html = web_post(web, "/clinic-list", {"csv": (io.BytesIO(data), "list.csv"),
                                          "encoding": "cp1252"},
                    content_type="multipart/form-data")
    assert "the file is UTF-8" in html
    real = "name,recurrence\nJos\u00e9,local\n".encode("cp1252")
    (tmp_path / "real.csv").write_bytes(real)
    assert run("batch", "real.csv", "-o", "out2", "--encoding", "cp1252").code == 0


@pytest.mark.parametrize("content", ['name,recurrence\n"Ann,local\nBo,local\nCy,distant\n',
                                     'name,recurrence\nAnn,"local\nBo,local\n'])
def test_an_unclosed_quote_says_it_swallowed_the_next_rows(run: Run, tmp_path: Path,
                                                           content: str) -> None:
    (tmp_path / "list.csv").write_text(content, encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out")
    assert result.code == 1
    assert "has a quote mark (\") that is never closed, so the lines after it were read " \
           "into one of its cells; close the quote, or remove it." in result.err


def test_merging_into_a_foreign_file_says_so_in_visitprep_s_words(run: Run,
                                                                  tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("name,recurrence\nAnn,local\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"hello, not a pdf")
    result = run("batch", "list.csv", "-o", "out", "--merge", "notes.pdf")
    assert result.code == 1
    assert "invalid pdf header" not in result.err + result.out
    assert one_error(result) == "Error: notes.pdf already exists."
    quoted = tmp_path / "t.yaml"
    quoted.write_text('extends: "large-"print""\n', encoding="utf-8")
    assert "a quote mark inside a quoted value" in run(
        "make", "--recurrence", "local", "--template", str(quoted)).err
    assert (tmp_path / "notes.pdf").read_bytes() == b"hello, not a pdf"
