"""The interview with scripted answers: every branch, every interrupt, nothing half-written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from visitprep import interview
from visitprep.interview import BACK, Heading, Option, Prompt
from visitprep.models import QuestionBank
from visitprep.profile import load_answers, profile_from_mapping

from conftest import TODAY, Result, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

TOMORROW = TODAY + dt.timedelta(days=1)
STEPS = ("recurrence", "concerns", "review", "own", "top", "name", "visit-date",
         "visit-date-confirm", "doctor", "companion", "paper", "template", "pdf-path",
         "save-answers", "answers-path")


def ticked(prompt: Prompt) -> list[str]:
    """Accept a checkbox as shown: the options that start ticked."""
    return [o.value for o in prompt.options if isinstance(o, Option) and o.checked]


def default(prompt: Prompt) -> Any:
    """Accept a text, select or confirm prompt's default (press Enter)."""
    return prompt.default if prompt.default is not None else ""


class Script:
    """Stands in for `interview.ask`: checks each prompt's name and gives the next answer."""

    def __init__(self, steps: list[tuple[str, Any]]) -> None:
        self.steps = list(steps)
        self.prompts: list[Prompt] = []
        self.first_screen: Prompt | None = None

    def __call__(self, prompt: Prompt, **io: Any) -> Any:
        if prompt.name == "language" and (not self.steps or self.steps[0][0] != "language"):
            self.first_screen = prompt
            return prompt.default  # the first screen's language, unless a script chooses
        self.prompts.append(prompt)
        assert self.steps, f"unexpected prompt {prompt.name}"
        name, answer = self.steps.pop(0)
        assert prompt.name == name, (prompt.name, name)
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt
        return answer(prompt) if callable(answer) else answer

    def prompt(self, name: str) -> Prompt:
        return next(p for p in self.prompts if p.name == name)


def happy_path(**changes: Any) -> list[tuple[str, Any]]:
    steps: dict[str, Any] = {
        "recurrence": "regional",
        "concerns": ["costs", "symptoms"],
        "length": "full",
        "review": lambda p: [v for v in ticked(p) if v != "cost-tests"],
        "own": ["Is x<y & z a worry?", "Can I swim?", ""],
        "top": ["Can I swim?", "tx-choices"],
        "name": "Ødegård <&> Ñúñez",
        "visit-date": "tomorrow",
        "visit-date-confirm": True,
        "doctor": "Dr. Ng",
        "companion": "",
        "paper": "a4",
        "template": "standard",
        "pdf-path": default,
        "save-answers": True,
        "answers-path": default,
    }
    steps.update(changes)
    out: list[tuple[str, Any]] = []
    for name, answer in steps.items():
        if name == "own":
            out += [("own", text) for text in answer]
        elif name == "visit-date-confirm" and not steps["visit-date"]:
            continue
        elif name == "length":  # the review's action row switches to the full list
            if answer == "full":
                out.append(("review", lambda p: [*ticked(p), interview.LENGTH]))
        elif answer is not None:
            out.append((name, answer))
    return out


@pytest.fixture
def interact(monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
             ) -> Callable[..., tuple[Result, Script]]:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    for name in ("LC_ALL", "LC_PAPER", "LANG", "LANGUAGE", "LC_MESSAGES"):
        # a locale that says nothing: paper is asked, English first
        monkeypatch.delenv(name, raising=False)

    def go(steps: list[tuple[str, Any]], *argv: str) -> tuple[Result, Script]:
        script = Script(steps)
        monkeypatch.setattr(interview, "ask", script)
        result = run(*(argv or ("interview",)))
        return result, script

    return go


def test_the_whole_interview_writes_the_pdf_and_the_answers(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
        bank: QuestionBank) -> None:
    result, script = interact(happy_path())
    assert result.code == 0, result.err
    assert script.steps == []
    # Named by the person (in plain letters) and the day.
    pdf_path = tmp_path / f"visit-questions-odegard-nunez-{TOMORROW.isoformat()}.pdf"
    answers_path = tmp_path / f"visit-answers-odegard-nunez-{TOMORROW.isoformat()}.yaml"
    assert f"in this file:\n    {pdf_path}\nBring it to your visit" in result.out
    assert "To stop at any time, hold the Ctrl key and" in result.out
    pdf = read_pdf(pdf_path)
    first = pdf.pages[0]
    assert "Name: Ødegård <&> Ñúñez" in first
    assert "1. Can I swim?" in first and "2. What are my treatment choices?" in first
    assert "Is x<y & z a worry?" in pdf.text
    assert "How much will the tests and scans cost me?" not in pdf.text
    assert "Symptoms to call about" in pdf.text
    assert round(pdf.sizes[0][0]) == 595
    saved = profile_from_mapping(load_answers(answers_path), bank, "saved")
    assert saved.recurrence == "regional"
    assert saved.exclude == ("cost-tests",)
    assert saved.custom_questions == ("Is x<y & z a worry?", "Can I swim?")
    assert saved.visit_date == TOMORROW
    # The folder and the file on lines of their own, so nothing wraps inside a path.
    assert f"    cd {tmp_path}\n" in result.out
    assert f"    visitprep interview --answers {answers_path.name}\n" in result.out
    assert f"    visitprep make --answers {answers_path.name}\n" in result.out
    assert f"Saved your answers in this file:\n    {answers_path}\n" in result.out
    # No screen to open a viewer on here: it says how to print, with the path alone.
    assert result.out.endswith(f"To print it, open this file and choose Print:\n"
                               f"    {pdf_path}\n")


def test_the_review_shows_every_picked_question_ticked_with_a_page_count(
        interact: Callable[..., tuple[Result, Script]]) -> None:
    result, script = interact(happy_path())
    review = script.prompt("review")
    headings = [o.title for o in review.options if isinstance(o, Heading)]
    assert headings == ["About my cancer coming back", "My treatment choices",
                        "Costs and insurance",
                        "Symptoms to tell my care team"]
    questions = [o for o in review.options
                 if isinstance(o, Option) and o.value not in interview.ACTIONS]
    assert all(o.checked for o in questions)
    assert review.message.startswith(f"{len(questions)} questions, ")
    assert " pages. Uncheck any you do not want:" in review.message
    actions = [o.title for o in review.options
               if isinstance(o, Option) and o.value in interview.ACTIONS]
    assert actions[0].startswith("Show more questions I could add (")
    assert actions[1:] == ["Print every question for my situation (the full list)",
                           "Go back to the previous step"]


def test_show_more_questions_adds_the_ones_checked(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
        bank: QuestionBank) -> None:
    def more(prompt: Prompt) -> list[str]:
        offered = [o.value for o in prompt.options
                   if isinstance(o, Option) and o.value not in interview.ACTIONS]
        assert offered and not any(o.checked for o in prompt.options if isinstance(o, Option))
        return offered[:2]

    steps = happy_path(length=None, **{"save-answers": True})
    index = [name for name, _ in steps].index("review")
    steps[index:index] = [("review", lambda p: [*ticked(p), interview.MORE_QUESTIONS]),
                          ("more", more)]
    result, script = interact(steps)
    assert result.code == 0, result.err
    added = [o for o in script.prompt("more").options
             if isinstance(o, Option) and o.value not in interview.ACTIONS][:2]
    last_review = [p for p in script.prompts if p.name == "review"][-1]
    assert all(o.value in ticked(last_review) for o in added)  # now on the list
    saved = load_answers(next(tmp_path.glob("*.yaml")))
    assert saved["include"] == [o.value for o in added]
    assert added[0].title in read_pdf(next(tmp_path.glob("*.pdf"))).text


def test_no_concerns_and_every_detail_skipped(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    steps = happy_path(concerns=[], own=[""], top=[], name="", **{"visit-date": ""},
                       doctor="", paper="letter", **{"save-answers": False,
                                                     "answers-path": None})
    result, _ = interact(steps)
    assert result.code == 0, result.err
    pdf = read_pdf(tmp_path / "visit-questions.pdf")
    assert "Name: Visit date: Doctor: Coming with me:" in pdf.pages[0]
    assert "Costs and insurance" not in pdf.text
    assert [p.name for p in tmp_path.iterdir()] == ["visit-questions.pdf"]


def test_all_concerns(interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
                      bank: QuestionBank) -> None:
    every = [t.id for t in bank.topics if not t.always]
    result, script = interact(happy_path(concerns=every, **{"save-answers": False,
                                                            "answers-path": None}))
    assert result.code == 0, result.err
    text = read_pdf(next(tmp_path.glob("*.pdf"))).text
    for topic in bank.topics:
        assert topic.title in text
    concerns = script.prompt("concerns")
    assert [o.value for o in concerns.options][-1] == BACK
    assert "Symptoms to tell my care team: What to watch for" in concerns.options[5].title


def test_going_back(interact: Callable[..., tuple[Result, Script]]) -> None:
    steps = [("recurrence", "local"), ("concerns", [BACK]), ("recurrence", "distant"),
             ("concerns", ["costs"]), ("review", [BACK]), ("concerns", ["coping"])]
    steps += happy_path()[2:]
    result, script = interact(steps)
    assert result.code == 0, result.err
    assert script.prompt("recurrence").default is None
    assert script.prompts[2].default == "local"  # asked again, with the last answer
    assert ticked(script.prompts[5]) == ["costs"]


def test_back_from_text_steps(interact: Callable[..., tuple[Result, Script]]) -> None:
    steps = happy_path()
    index = [name for name, _ in steps].index("doctor")
    steps[index:index + 1] = [("doctor", "back"), ("visit-date", "tomorrow"),
                              ("visit-date-confirm", True), ("doctor", "")]
    result, script = interact(steps)
    assert result.code == 0, result.err
    assert script.steps == []


def ctrl_c_at(step: str) -> list[tuple[str, Any]]:
    """The happy path, with Ctrl-C pressed at the given step."""
    steps = happy_path()
    names = [name for name, _ in steps]
    return steps[:names.index(step)] + [(step, KeyboardInterrupt)]


@pytest.mark.parametrize("step", STEPS[:13])
def test_ctrl_c_at_any_step_before_saving_writes_nothing(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path, step: str) -> None:
    result, _ = interact(ctrl_c_at(step))
    assert result.code == 130
    assert result.err == "\nStopped; nothing was written.\n"
    assert "Traceback" not in result.out + result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", ["save-answers", "answers-path"])
def test_ctrl_c_while_saving_the_answers_keeps_the_pdf(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path, step: str) -> None:
    result, _ = interact(ctrl_c_at(step))
    assert result.code == 130
    assert "Your checklist is saved" in result.err and "answers were not saved" in result.err
    assert [p.suffix for p in tmp_path.iterdir()] == [".pdf"]


def test_an_existing_file_is_replaced_only_when_asked(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    (tmp_path / "mine.pdf").write_bytes(b"keep me")
    steps = happy_path(**{"pdf-path": "mine.pdf", "save-answers": False, "answers-path": None})
    index = [name for name, _ in steps].index("pdf-path")
    steps[index + 1:index + 1] = [("pdf-replace", False), ("pdf-path", "other"),
                                  ]
    result, _ = interact(steps)
    assert result.code == 0, result.err
    assert (tmp_path / "mine.pdf").read_bytes() == b"keep me"
    assert (tmp_path / "other.pdf").read_bytes().startswith(b"%PDF")

    steps = happy_path(**{"pdf-path": "mine.pdf", "save-answers": False, "answers-path": None})
    steps.insert(index + 1, ("pdf-replace", True))
    result, _ = interact(steps)
    assert result.code == 0, result.err
    assert (tmp_path / "mine.pdf").read_bytes().startswith(b"%PDF")


def test_starting_from_saved_answers_prefills_every_prompt(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    (tmp_path / "saved.yaml").write_text(
        "recurrence: unsure\nconcerns: [coping]\nexclude: [cope-faith]\n"
        "custom_questions: [Old question?]\ntop_questions: [Old question?]\n"
        "name: Ann\nvisit_date: 2026-12-03\ndoctor: Dr. Ng\ncompanion: Bo\n"
        "template: large-print\npaper: a4\nlength: full\n", encoding="utf-8")
    steps = [("recurrence", default), ("concerns", ticked), ("review", ticked),
             ("own-keep", ticked), ("own", ""), ("top", ticked), ("name", default),
             ("visit-date", default), ("visit-date-confirm", False), ("visit-date", default),
             ("visit-date-confirm", True), ("doctor", default), ("companion", default),
             ("template", default), ("pdf-path", default),
             ("save-answers", True), ("answers-path", default), ("answers-replace", default)]
    result, script = interact(steps, "interview", "--answers", "saved.yaml")
    assert result.code == 0, result.err
    assert script.prompt("recurrence").default == "unsure"
    assert ticked(script.prompt("concerns")) == ["coping"]
    review = script.prompt("review")
    assert "Print the short list again (the key questions only)" in [
        o.title for o in review.options]  # length: full, from the file
    assert "cope-faith" not in ticked(review) and "cope-fear" in ticked(review)
    assert script.prompt("name").default == "Ann"
    assert script.prompt("visit-date").default == "2026-12-03"
    assert script.prompt("template").default == "large-print"
    assert script.prompt("answers-path").default == "saved.yaml"
    assert script.prompt("answers-replace").default is True
    assert (tmp_path / "visit-questions-ann-2026-12-03.pdf").is_file()
    again = load_answers(tmp_path / "saved.yaml")
    assert again["exclude"] == ["cope-faith"] and again["paper"] == "a4"


def test_an_ambiguous_date_is_asked_about(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    steps = happy_path(**{"visit-date": "3/12/2027", "save-answers": False,
                          "answers-path": None})
    index = [name for name, _ in steps].index("visit-date")
    steps.insert(index + 1, ("visit-date-which", "2027-12-03"))
    result, script = interact(steps)
    assert result.code == 0, result.err
    which = script.prompt("visit-date-which")
    assert [o.title for o in which.options][:2] == ["Friday, March 12, 2027",
                                                    "Friday, December 3, 2027"]
    assert (tmp_path / "visit-questions-odegard-nunez-2027-12-03.pdf").is_file()


def test_validation_messages(interact: Callable[..., tuple[Result, Script]]) -> None:
    result, script = interact(happy_path())
    assert result.code == 0
    own = script.prompt("own").validate
    assert own is not None
    assert own("Can I go?") is True
    assert "the limit is 300" in str(own("x" * 301))
    assert "'王' (U+738B" in str(own("王先生?"))
    date_check = script.prompt("visit-date").validate
    assert date_check is not None
    assert date_check("Dec 3") is True and date_check("back") is True
    assert str(date_check("someday")) == (
        "'someday' is not a date visitprep can read. Write it like: next Friday, Dec 3, "
        "12/3/2026, 2026-12-03, or in 2 weeks.")
    top = script.prompt("top").validate
    assert top is not None and top(["a", "b", "c", "d"]) == (
        "Check up to 3: 4 are checked. Uncheck one with the spacebar.")
    path_check = script.prompt("pdf-path").validate
    assert path_check is not None
    assert "does not exist" in str(path_check("no/such/folder/x.pdf"))


def test_no_terminal_means_no_prompt(monkeypatch: pytest.MonkeyPatch,
                                     run: Callable[..., Result]) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    script = Script([])
    monkeypatch.setattr(interview, "ask", script)
    for argv in ((), ("interview",)):
        result = run(*argv)
        assert result.code == 2
        assert result.err.startswith("Error: the interview needs a terminal")
        assert "visitprep make --answers FILE -o OUT.pdf" in result.err
    assert script.prompts == []


def test_a_broken_answers_file_stops_before_any_prompt(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("recurrence: sideways\n", encoding="utf-8")
    result, script = interact([], "interview", "--answers", "bad.yaml")
    assert result.code == 1
    assert "bad.yaml: unknown recurrence 'sideways'" in result.err
    assert script.prompts == []


def test_reportlab_is_not_loaded_before_the_first_prompt(tmp_path: Path) -> None:
    import subprocess

    probe = (
        "import sys\n"
        "sys.stdin.isatty = lambda: True\n"
        "from visitprep import interview, cli\n"
        "def first(prompt, **io):\n"
        "    print('PROMPT', prompt.name, 'reportlab' in sys.modules)\n"
        "    raise KeyboardInterrupt\n"
        "interview.ask = first\n"
        "raise SystemExit(cli.main(['interview']))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 130, done.stderr
    assert "PROMPT language False" in done.stdout


def test_handout_options_apply_to_the_interview(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    from pypdf import PdfReader

    (tmp_path / "visit-questions-odegard-nunez.pdf").write_bytes(b"old")
    steps = happy_path(**{"visit-date": "", "template": default, "paper": None,
                          "save-answers": False, "answers-path": None})
    result, script = interact(steps, "interview", "--template", "navigator", "--paper", "a4",
                              "--fillable", "--force", "--clinic-name", "Riverside Clinic")
    assert result.code == 0, result.err
    assert "paper" not in [p.name for p in script.prompts]  # --paper a4: not asked
    assert "pdf-replace" not in [p.name for p in script.prompts]  # --force: no question
    pdf_path = tmp_path / "visit-questions-odegard-nunez.pdf"
    pdf = read_pdf(pdf_path)
    assert "Place label here" in pdf.pages[0] and "Riverside Clinic" in pdf.pages[0]
    assert round(pdf.sizes[0][0]) == 595
    assert PdfReader(pdf_path).get_fields()


def date_steps(*answers: tuple[str, Any]) -> list[tuple[str, Any]]:
    """The happy path with the date step's prompts replaced by `answers`."""
    steps = happy_path(**{"save-answers": False, "answers-path": None})
    index = [name for name, _ in steps].index("visit-date")
    steps[index:index + 2] = list(answers)
    return steps


@pytest.mark.parametrize("text", [
    "2026-12-03", "3 December 2026", "Dec 3", "Dec. 3", "Dec 3rd", "December 3rd, 2026",
    "tomorrow", "Friday", "next Friday", "in 2 weeks", "2026-12-03 09:30"])
def test_the_interview_takes_every_form_and_reads_it_back(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path, text: str) -> None:
    from visitprep.dates import format_day, one_day

    day = one_day(text, TODAY)
    result, script = interact(date_steps(("visit-date", text), ("visit-date-confirm", True)))
    assert result.code == 0, result.err
    confirm = script.prompt("visit-date-confirm")
    if TODAY <= day <= TODAY + dt.timedelta(days=366):
        assert confirm.message == f"{format_day(day)}. Is that right?"
        assert confirm.default is True
    assert (tmp_path / f"visit-questions-odegard-nunez-{day.isoformat()}.pdf").is_file()


@pytest.mark.parametrize(("text", "pick", "day"), [
    ("12/3/2026", 0, dt.date(2026, 12, 3)), ("12/3/2026", 1, dt.date(2026, 3, 12)),
    ("3.12.2026", 1, dt.date(2026, 12, 3))])
def test_numbers_only_dates_ask_which_day_then_warn_if_past(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path, text: str, pick: int,
        day: dt.date) -> None:
    from visitprep.dates import format_day

    def which(prompt: Prompt) -> str:
        options = [o for o in prompt.options if isinstance(o, Option) and o.value != BACK]
        return options[pick].value

    answers: list[tuple[str, Any]] = [("visit-date", text), ("visit-date-which", which)]
    if day < TODAY:
        answers.append(("visit-date-confirm", True))
    result, script = interact(date_steps(*answers))
    assert result.code == 0, result.err
    assert script.prompt("visit-date-which").message == f"Which day do you mean by {text}?"
    if day < TODAY:
        confirm = script.prompt("visit-date-confirm")
        assert confirm.message == f"{format_day(day)} is in the past. Is that the right date?"
        assert confirm.default is False
    else:  # the choice was the read-back: nothing more to confirm
        assert "visit-date-confirm" not in [p.name for p in script.prompts]
    assert (tmp_path / f"visit-questions-odegard-nunez-{day.isoformat()}.pdf").is_file()


def test_past_and_far_dates_are_confirmed_and_no_asks_again(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    far = TODAY + dt.timedelta(days=400)
    result, script = interact(date_steps(
        ("visit-date", "2020-01-05"), ("visit-date-confirm", False),
        ("visit-date", far.isoformat()), ("visit-date-confirm", False),
        ("visit-date", "tomorrow"), ("visit-date-confirm", True)))
    assert result.code == 0, result.err
    past, ahead, _ = [p for p in script.prompts if p.name == "visit-date-confirm"]
    assert past.message == "Sunday, January 5, 2020 is in the past. Is that the right date?"
    assert past.default is False
    assert ahead.message.endswith(" is more than a year away. Is that the right date?")
    assert ahead.default is False
    again = [p for p in script.prompts if p.name == "visit-date"]
    assert [p.default for p in again] == ["", "2020-01-05", far.isoformat()]  # as typed
    assert (tmp_path / f"visit-questions-odegard-nunez-{TOMORROW.isoformat()}.pdf").is_file()


def test_a_past_date_kept_on_purpose(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    result, _ = interact(date_steps(("visit-date", "Jan 5 2020"), ("visit-date-confirm", True)))
    assert result.code == 0, result.err
    assert (tmp_path / "visit-questions-odegard-nunez-2020-01-05.pdf").is_file()


def test_the_paper_comes_from_the_locale_and_is_not_asked(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    steps = happy_path(paper=None, **{"save-answers": False, "answers-path": None})
    result, script = interact(steps)
    assert result.code == 0, result.err
    assert "paper" not in [p.name for p in script.prompts]
    assert round(read_pdf(next(tmp_path.glob("*.pdf"))).sizes[0][0]) == 595  # A4
    more = [o.title for o in script.prompt("template").options]
    assert ("More options (paper size: A4; fill in on the computer: no; room to write: "
            "standard)") in more


def test_more_options_changes_the_paper_and_fillable(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    steps = happy_path(paper=None, **{"save-answers": False, "answers-path": None})
    index = [name for name, _ in steps].index("template")
    steps[index:index + 1] = [("template", interview.MORE), ("paper", "a4"), ("fillable", True),
                              ("room", default), ("template", "large-print")]
    result, script = interact(steps)
    assert result.code == 0, result.err
    pdf_path = next(tmp_path.glob("*.pdf"))
    assert round(read_pdf(pdf_path).sizes[0][0]) == 595
    assert PdfReader(pdf_path).get_fields()
    last = [p for p in script.prompts if p.name == "template"][-1]
    assert ("More options (paper size: A4; fill in on the computer: yes; room to write: "
            "standard)") in [o.title for o in last.options]


def test_the_review_and_the_print_size_say_real_page_counts(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path,
        bank: QuestionBank) -> None:
    from visitprep.handout import handout_pages

    steps = happy_path(template="large-print", length="full",
                       review=ticked, **{"save-answers": False, "answers-path": None})
    result, script = interact(steps)
    assert result.code == 0, result.err
    saved = read_pdf(next(tmp_path.glob("*.pdf")))
    # the large-print count, said after the print size was chosen, is what was written
    assert f"{len(saved.pages)} pages in this print size." in result.out
    # the review says the count of each length for the answers so far (standard print)
    answers = profile_from_mapping({"recurrence": "regional", "concerns": ["costs", "symptoms"],
                                    "paper": "letter"}, bank, "test")
    short, full = [p.message for p in script.prompts if p.name == "review"]
    for message, length in ((short, "short"), (full, "full")):
        pages = handout_pages(dataclasses.replace(answers, length=length), bank)
        assert f", {pages} pages. Uncheck" in message, message
    assert handout_pages(dataclasses.replace(answers, length="full"), bank) > handout_pages(
        answers, bank)


def test_an_ambiguous_date_in_the_answers_file_names_the_fix(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    (tmp_path / "saved.yaml").write_text('recurrence: local\nvisit_date: "12/3/2026"\n',
                                         encoding="utf-8")
    result, script = interact([], "interview", "--answers", "saved.yaml")
    assert result.code == 1 and script.prompts == []
    assert "'12/3/2026' could be Thursday, December 3, 2026 (month first)" in result.err
    assert "Add --date-order mdy or --date-order dmy" in result.err
    steps = [("recurrence", default), ("concerns", ticked), ("review", ticked), ("own", ""),
             ("top", ticked), ("name", default), ("visit-date", default),
             ("visit-date-confirm", True), ("doctor", default), ("companion", default),
             ("template", default), ("pdf-path", default), ("save-answers", False)]
    result, script = interact(steps, "interview", "--answers", "saved.yaml",
                              "--date-order", "dmy")
    assert result.code == 0, result.err
    assert script.prompt("visit-date").default == "2026-03-12"


# -- file names, the closing lines, opening the file (issue 23) --------------------------

def test_two_people_on_one_day_get_two_files_and_a_taken_name_is_never_offered(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    day = TOMORROW.isoformat()
    first = happy_path(name="Ann Lee")
    assert interact(first)[0].code == 0
    assert (tmp_path / f"visit-questions-ann-lee-{day}.pdf").is_file()
    result, script = interact(happy_path(name="Bo Lind"))
    assert result.code == 0, result.err
    assert (tmp_path / f"visit-answers-bo-lind-{day}.yaml").is_file()
    # The same person again: the name taken is not offered; the next free one is.
    result, script = interact(happy_path(name="Ann Lee"))
    assert script.prompt("pdf-path").default == f"visit-questions-ann-lee-{day}-2.pdf"
    assert script.prompt("answers-path").default == f"visit-answers-ann-lee-{day}-2.yaml"
    assert "pdf-replace" not in [p.name for p in script.prompts]
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        f"visit-questions-ann-lee-{day}-2.pdf", f"visit-questions-ann-lee-{day}.pdf",
        f"visit-questions-bo-lind-{day}.pdf"]


def test_saying_no_to_replacing_offers_a_free_name(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path) -> None:
    (tmp_path / "mine.pdf").write_bytes(b"keep me")
    steps = happy_path(**{"pdf-path": "mine.pdf", "save-answers": False, "answers-path": None})
    index = [name for name, _ in steps].index("pdf-path")
    steps[index + 1:index + 1] = [("pdf-replace", False), ("pdf-path", default)]
    result, script = interact(steps)
    assert result.code == 0, result.err
    asked = [p for p in script.prompts if p.name == "pdf-path"]
    assert asked[1].default == "mine-2.pdf"
    assert (tmp_path / "mine.pdf").read_bytes() == b"keep me"
    assert (tmp_path / "mine-2.pdf").is_file()


@pytest.mark.parametrize(("answer", "problem"), [(True, None), (True, "no viewer"),
                                                  (False, None)])
def test_the_end_offers_to_open_the_checklist(
        interact: Callable[..., tuple[Result, Script]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, answer: bool, problem: str | None) -> None:
    from visitprep import cli

    opened: list[Path] = []

    def opener(path: Path) -> str | None:
        opened.append(path)
        return problem

    monkeypatch.setattr(cli, "_viewer", lambda: opener)
    result, script = interact([*happy_path(), ("open-pdf", answer)])
    assert result.code == 0, result.err
    assert script.prompt("open-pdf").message == "Open your checklist now, to print it?"
    pdf = tmp_path / f"visit-questions-odegard-nunez-{TOMORROW.isoformat()}.pdf"
    assert opened == ([pdf] if answer else [])
    if answer and not problem:
        assert result.out.endswith("It is opening in your PDF viewer. Choose Print there "
                                   "(often in the File menu).\n")
    elif answer:
        assert result.out.endswith(f"Could not open it (no viewer). To print it, open this "
                                   f"file and choose Print:\n    {pdf}\n")
    else:
        assert result.out.endswith(f"To print it, open this file and choose Print:\n    {pdf}\n")


def test_not_sure_yet_never_says_an_empty_topic_is_always_included(
        interact: Callable[..., tuple[Result, Script]]) -> None:
    result, _ = interact(happy_path(recurrence="unsure", concerns=[], top=[]))
    assert result.code == 0, result.err
    assert 'Questions "About my cancer coming back" are always included.' in result.out
    assert "My treatment choices" not in result.out.split("What else")[0]


def test_more_room_to_write_is_one_of_the_more_options(
        interact: Callable[..., tuple[Result, Script]], tmp_path: Path, bank: QuestionBank
        ) -> None:
    steps = happy_path(template=None)
    index = [name for name, _ in steps].index("pdf-path")
    steps[index:index] = [("template", interview.MORE), ("paper", "a4"),
                          ("fillable", False), ("room", "more"), ("template", "standard")]
    result, script = interact(steps)
    assert result.code == 0, result.err
    more = [o for o in script.prompts if o.name == "template"][0]
    assert any("room to write: standard" in o.title for o in more.options
               if isinstance(o, Option))
    room = script.prompt("room")
    assert [o.title for o in room.options if isinstance(o, Option)][:2] == [
        "Standard: one line to write on under each question",
        "More room: three lines under each question (more pages)"]
    answers = tmp_path / f"visit-answers-odegard-nunez-{TOMORROW.isoformat()}.yaml"
    saved = profile_from_mapping(load_answers(answers), bank, "saved")
    assert saved.room == "more"
    assert "pages in this print size" in result.out


def test_own_questions_typed_now_are_not_from_last_time(
        interact: Callable[..., tuple[Result, Script]]) -> None:
    steps = happy_path(own=["Can I swim?", ""], **{"save-answers": False,
                                                    "answers-path": None})
    index = [name for name, _ in steps].index("top")
    steps[index:index + 1] = [("top", [BACK]), ("own-keep", ticked), ("own", ""),
                              ("top", [])]
    result, script = interact(steps)
    assert result.code == 0, result.err
    assert script.prompt("own-keep").message == "Your own questions so far. Keep them?"
