"""steps.py: the one description of the interview's steps (terminal and web page)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from visitprep import steps
from visitprep.models import Profile, QuestionBank
from visitprep.profile import profile_from_mapping

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

TODAY = dt.date(2026, 11, 22)


def test_the_step_ids_and_fields_are_stable() -> None:
    assert [(s.id, s.kind, s.field) for s in steps.STEPS] == [
        ("recurrence", "one", "recurrence"), ("concerns", "many", "concerns"),
        ("length", "one", "length"), ("review", "many", "exclude"),
        ("more", "many", "include"), ("own", "texts", "custom_questions"),
        ("top", "many", "top_questions"), ("name", "text", "name"),
        ("visit-date", "date", "visit_date"), ("doctor", "text", "doctor"),
        ("companion", "text", "companion"), ("template", "one", "template"),
        ("paper", "one", "paper"), ("fillable", "yes-no", "fillable"),
        ("room", "one", "room"), ("pdf-path", "file", ""), ("save-answers", "yes-no", ""),
        ("answers-path", "file", "")]
    assert [s.id for s in steps.STEPS if s.more] == ["paper", "fillable", "room"]
    assert [s.id for s in steps.STEPS if s.terminal_only] == [
        "pdf-path", "save-answers", "answers-path"]


def test_every_label_and_hint_is_a_message() -> None:
    for item in steps.STEPS:
        assert item.label in steps.MESSAGES and (not item.hint or item.hint in steps.MESSAGES)
    assert steps.step("review").text(count="3 questions", pages="1 page") == (
        "3 questions, 1 page. Uncheck any you do not want:")
    assert steps.step("top").text() == "Check up to 3 to print first, on page 1:"
    assert steps.step("visit-date").hint_text.startswith("(like: next Friday")


def test_every_message_key_used_in_the_code_exists() -> None:
    from pathlib import Path

    source = "".join(Path(module.__file__ or "").read_text(encoding="utf-8")
                     for module in (steps, __import__("visitprep.interview").interview))
    used = set(re.findall(r'say\("([a-z.-]+)"', source))
    assert used and used <= set(steps.MESSAGES), used - set(steps.MESSAGES)


def test_steps_import_no_user_interface() -> None:
    probe = ("import sys, visitprep.steps\n"
             "print(sorted(m for m in ('questionary', 'prompt_toolkit', 'flask', 'reportlab')"
             " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_choices(bank: QuestionBank) -> None:
    profile = Profile(recurrence="distant", concerns=("costs",), exclude=("cost-how-much",),
                      top_questions=("tx-choices",))
    (kinds,) = steps.choices("recurrence", bank, profile)
    assert [c.value for c in kinds.choices] == ["local", "regional", "distant", "unsure"]
    assert [c.checked for c in kinds.choices] == [False, False, True, False]
    assert all(c.hint for c in kinds.choices)  # each kind's meaning
    (topics,) = steps.choices("concerns", bank, profile)
    assert "my-recurrence" not in [c.value for c in topics.choices]  # always printed
    assert [c.value for c in topics.choices if c.checked] == ["costs"]
    review = steps.choices("review", bank, profile)
    assert [g.title for g in review][-1] == "Costs and insurance"
    assert [c.checked for g in review for c in g.choices if c.value == "cost-how-much"] == [False]
    top = steps.choices("top", bank, profile)
    assert [c.value for g in top for c in g.choices if c.checked] == ["tx-choices"]
    (sizes,) = steps.choices("template", bank, Profile(recurrence="local", template="x.yaml"))
    assert [c.value for c in sizes.choices] == ["x.yaml", "standard", "large-print"]
    (lengths,) = steps.choices("length", bank, profile)
    assert [(c.value, c.checked) for c in lengths.choices] == [("short", True), ("full", False)]
    more = steps.choices("more", bank, profile)
    offered = [c.value for g in more for c in g.choices]
    listed = [c.value for g in review for c in g.choices]
    assert offered and not set(offered) & set(listed)  # the rest of each topic
    assert not steps.choices("more", bank, Profile(recurrence="distant", length="full"))
    (papers,) = steps.choices("paper", bank, Profile(recurrence="local", paper="a4"))
    assert [(c.label, c.checked) for c in papers.choices] == [
        ("Letter (US and Canada)", False), ("A4 (most other countries)", True)]


def test_checks() -> None:
    assert steps.check_text("  Ann   Lee ", "name") == steps.Checked("Ann Lee")
    assert steps.check_text("x" * 101, "name").error == (
        "This is 101 characters long; the limit is 100. Shorten it.")
    assert steps.check_text("x" * 300, "own").ok
    assert "U+0007" in steps.check_text("a\x07b", "name").error
    assert steps.check_text("王", "name", lambda text: "no font").error == "no font"
    assert steps.check_top(["a", "b", "c"]).ok
    assert not steps.check_top(["a", "b", "c", "d"]).ok


@pytest.mark.parametrize(("text", "days", "question", "warn"), [
    ("", (), "", False),
    ("next Friday", (dt.date(2026, 11, 27),), "Friday, November 27, 2026. Is that right?",
     False),
    ("12/3/2026", (dt.date(2026, 12, 3), dt.date(2026, 3, 12)), "", False),
    ("2026-01-05", (dt.date(2026, 1, 5),),
     "Monday, January 5, 2026 is in the past. Is that the right date?", True),
    ("2028-01-05", (dt.date(2028, 1, 5),),
     "Wednesday, January 5, 2028 is more than a year away. Is that the right date?", True),
])
def test_check_date(text: str, days: tuple[dt.date, ...], question: str, warn: bool) -> None:
    checked = steps.check_date(text, TODAY)
    assert (checked.days, checked.question, checked.warn, checked.error) == (
        days, question, warn, "")


def test_check_date_says_what_is_wrong() -> None:
    assert steps.check_date("someday", TODAY).error == (
        "'someday' is not a date visitprep can read. Write it like: next Friday, Dec 3, "
        "12/3/2026, 2026-12-03, or in 2 weeks.")


@pytest.mark.parametrize(("env", "paper"), [
    ({"LANG": "en_US.UTF-8"}, "letter"), ({"LANG": "en_CA.UTF-8"}, "letter"),
    ({"LANG": "de_DE.UTF-8"}, "a4"), ({"LANG": "en_GB"}, "a4"),
    ({"LANG": "en_US.UTF-8", "LC_PAPER": "fr_FR.UTF-8"}, "a4"),
    ({"LC_ALL": "en_US.UTF-8", "LC_PAPER": "fr_FR.UTF-8"}, "letter"),
    ({"LANG": "C.UTF-8"}, None), ({"LANG": "POSIX"}, None), ({}, None),
    ({"LANG": "de_DE@euro"}, "a4"),
])
def test_paper_from_the_locale(env: dict[str, str], paper: str | None) -> None:
    assert steps.paper_from_locale(env) == paper


def test_answers_after_builds_what_the_profile_reads(bank: QuestionBank) -> None:
    answers: dict[str, object] = {"exclude": ["cope-faith"]}
    answers = steps.answers_after("recurrence", "distant", answers)
    answers = steps.answers_after("concerns", ["costs"], answers)
    profile = profile_from_mapping(answers, bank, "web")
    shown = steps.choices("review", bank, profile)
    kept = [c.value for g in shown for c in g.choices if c.value != "cost-how-much"]
    answers = steps.answers_after("review", kept, answers, shown)
    answers = steps.answers_after("visit-date", dt.date(2026, 12, 3), answers)
    answers = steps.answers_after("fillable", True, answers)
    profile = profile_from_mapping(answers, bank, "web")
    assert profile.exclude == ("cope-faith", "cost-how-much")
    assert profile.visit_date == dt.date(2026, 12, 3) and profile.fillable
    assert profile.recurrence == "distant" and profile.concerns == ("costs",)


def test_concerns_with_nothing_yet_for_someone_not_sure_say_so(bank: QuestionBank) -> None:
    from visitprep.selection import topics_without_questions

    assert topics_without_questions(bank, "unsure") == (
        "deciding", "side-effects", "second-opinion")
    assert topics_without_questions(bank, "local") == ()
    (group,) = steps.choices("concerns", bank, Profile(recurrence="unsure"))
    hints = {c.value: c.hint for c in group.choices}
    assert hints["side-effects"] == steps.say("concerns.later")
    assert hints["costs"] != steps.say("concerns.later")
