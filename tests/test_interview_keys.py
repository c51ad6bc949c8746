"""The interview's own prompts, run by real questionary with keys sent through a pipe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from visitprep import interview
from visitprep.interview import BACK, Draft, Interview, Prompt, ask
from visitprep.models import Profile, QuestionBank

DOWN, SPACE, ENTER, CTRL_C, CTRL_D = "\x1b[B", " ", "\r", "\x03", "\x04"


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as inp:
        yield inp


def real(prompt: Prompt, pipe: PipeInput, keys: str) -> Any:
    pipe.send_text(keys)
    return ask(prompt, input=pipe, output=DummyOutput())


def captured(bank: QuestionBank, step: str, draft: Draft | None = None) -> Prompt:
    """The Prompt an interview step builds (answered by a stub that records it)."""
    prompts: list[Prompt] = []

    def record(prompt: Prompt, **io: Any) -> Any:
        prompts.append(prompt)
        raise KeyboardInterrupt  # stop the step right after its first prompt

    run = Interview(bank, draft or Draft(recurrence="local"), today=dt.date(2026, 11, 21),
                    count_pages=lambda profile: 3, write_pdf=lambda p, path, f: 3,
                    write_answers=lambda p, path, f: None, cwd=Path.cwd())
    original = interview.ask
    interview.ask = record
    try:
        with pytest.raises(KeyboardInterrupt):
            getattr(run, f"step_{step}")()
    finally:
        interview.ask = original
    return prompts[-1]


def test_recurrence_select(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "recurrence")
    assert real(prompt, pipe, DOWN + ENTER) == "regional"


def test_concerns_checkbox_ticks_and_goes_back(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "concerns")
    assert real(prompt, pipe, DOWN + SPACE + DOWN + DOWN + SPACE + ENTER) == [
        "side-effects", "costs"]


def test_concerns_back_option(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "concerns")
    keys = DOWN * (len(prompt.options) - 1) + SPACE + ENTER
    assert real(prompt, pipe, keys) == [BACK]


def test_review_unticks(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "review")
    answer = real(prompt, pipe, SPACE + ENTER)  # untick the first question
    first = next(o.value for o in prompt.options if isinstance(o, interview.Option))
    assert first not in answer and len(answer) > 10


def test_top_refuses_a_fourth_tick(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "top")
    # Enter with four ticked is refused; untick one and Enter again.
    keys = (SPACE + DOWN) * 4 + ENTER + "\x1b[A" + SPACE + ENTER
    assert len(real(prompt, pipe, keys)) == 3


def test_own_question_text_keeps_markup(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "own")
    assert real(prompt, pipe, "Is x<y & z ok?" + ENTER) == "Is x<y & z ok?"


def test_name_refuses_a_character_the_font_lacks(bank: QuestionBank, pipe: PipeInput) -> None:
    from visitprep.fonts import unprintable

    run = Interview(bank, Draft(recurrence="local"), today=dt.date(2026, 11, 21),
                    count_pages=lambda p: 3, write_pdf=lambda p, path, f: 3,
                    write_answers=lambda p, path, f: None, check_text=unprintable)
    prompts: list[Prompt] = []
    original = interview.ask
    interview.ask = lambda prompt, **io: prompts.append(prompt) or ""  # type: ignore[func-returns-value]
    try:
        run.step_name()
    finally:
        interview.ask = original
    # The first Enter is refused by validation; the name is fixed and accepted.
    keys = "王" + ENTER + "\x7f" + "Wang" + ENTER
    assert real(prompts[0], pipe, keys) == "Wang"


def test_date_text_then_confirm(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "date")
    assert real(prompt, pipe, "Dec 3" + ENTER) == "Dec 3"


UP = "\x1b[A"


@pytest.mark.parametrize(("keys", "default", "answer"), [
    (ENTER, True, True), (ENTER, False, False), (DOWN + ENTER, True, False),
    (UP + ENTER, False, True), ("y" + ENTER, False, False), ("no" + ENTER, True, True)])
def test_yes_or_no_is_a_list_of_two(pipe: PipeInput, keys: str, default: bool,
                                    answer: bool) -> None:
    # A list with Yes and No (Sí and No in Spanish): letters do nothing, so they never
    # spill into the next prompt, and "Sí" needs no y key.
    assert real(Prompt("confirm", "c", "Save?", default=default), pipe, keys) is answer


def test_yes_or_no_in_spanish(pipe: PipeInput) -> None:
    from visitprep import i18n

    with i18n.using("es"):
        assert real(Prompt("confirm", "c", "¿Guardar?", default=True), pipe,
                    DOWN + ENTER) is False


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D])
def test_ctrl_c_and_ctrl_d_stop(bank: QuestionBank, pipe: PipeInput, key: str) -> None:
    for step in ("recurrence", "concerns", "own"):
        with pytest.raises(KeyboardInterrupt):
            real(captured(bank, step), pipe, key)


def test_draft_round_trip() -> None:
    profile = Profile(recurrence="distant", concerns=("costs",), exclude=("tx-hospital",),
                      custom_questions=("Mine?",), top_questions=("Mine?",), name="A",
                      visit_date=dt.date(2026, 12, 3), doctor="B", companion="C",
                      template="large-print", paper="a4")
    assert Draft.from_profile(profile).profile() == profile


def test_typing_in_a_list_checks_nothing(bank: QuestionBank, pipe: PipeInput) -> None:
    # Letters (a, i, j, k...) and the spaces between typed words do nothing; the first
    # Enter after typing only ends the typing, the next one answers.
    prompt = captured(bank, "concerns")
    keys = "I want to ask about money and a trial" + ENTER + ENTER
    assert real(prompt, pipe, keys) == []


def test_enter_after_moving_with_nothing_checked_asks_first(bank: QuestionBank,
                                                            pipe: PipeInput) -> None:
    prompt = captured(bank, "concerns")
    # The first Enter only asks "Go on without any?"; the spacebar then checks one.
    assert real(prompt, pipe, DOWN + ENTER + SPACE + ENTER) == ["side-effects"]


def test_go_back_is_an_action_not_a_box(bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "concerns")
    # Check one, then the spacebar on "Go back": it goes back, it is not checked.
    keys = SPACE + "\x1b[A" + SPACE
    assert real(prompt, pipe, keys) == [BACK]


@pytest.mark.parametrize(("text", "width", "pads"), [
    ("short", 20, {}),
    ("aaaa bbbb cccc dddd", 10, {}),               # "aaaa bbbb " fills the line exactly
    ("aaaa bbbbb cccc", 10, {5: 5}),               # "bbbbb" and its space would not fit
    ("aaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbb", 10, {}),  # a word longer than a line is cut anyway
    ("one two three four five six seven", 12, {8: 4, 19: 1, 28: 3}),
])
def test_typed_answers_wrap_between_words(text: str, width: int, pads: dict[int, int]) -> None:
    found = interview._wrap_pads(text, width)
    assert found == pads
    shown = "".join(" " * found.get(i, 0) + c for i, c in enumerate(text))
    lines = [shown[i:i + width] for i in range(0, len(shown), width)]
    if len(max(text.split(), key=len)) < width:
        assert not any(line.startswith(" ") for line in lines[1:])  # no line starts blank
        assert [w for line in lines for w in line.split()] == text.split()  # no word cut


# -- digits in a one-choice list, the list's window (issue 23) ---------------------------

def test_a_typed_digit_picks_that_row_and_a_letter_changes_nothing(
        bank: QuestionBank, pipe: PipeInput) -> None:
    prompt = captured(bank, "recurrence")
    assert prompt.instruction == ("(use the up and down arrow keys, or type a row's number, "
                                  "then press Enter)")
    assert real(prompt, pipe, "3" + ENTER) == "distant"
    assert real(prompt, pipe, "x4" + ENTER) == "unsure"


def test_the_list_window_keeps_the_pointer_in_view_with_markers() -> None:
    from questionary import Choice, Separator

    from visitprep.interview import _Control, _ListView

    choices = [Separator("-- A --"), *(Choice(f"q{i}", value=f"q{i}") for i in range(20)),
               Separator(" "), Choice([("class:back", "<< Go back")], value=BACK)]
    control = _Control(choices, pointer="»")
    view = _ListView(control)
    lines, split, pointer = view.lines()
    assert split == 21 and len(lines) == 23  # the heading and 20 rows; then the actions
    text = lambda shown: ["".join(part[1] for part in line) for line in shown]  # noqa: E731
    first = text(view.window(lines[:split], pointer, 8))
    assert len(first) == 8 and "-- A --" in first[0] and "more below" in first[-1]
    control.pointed_at = 15  # q14
    shown = text(view.window(lines[:split], view.lines()[2], 8))
    assert len(shown) == 8 and "more above" in shown[0] and "more below" in shown[-1]
    assert any("q14" in line for line in shown)
    control.pointed_at = 20  # q19, the last row: no "more below"
    shown = text(view.window(lines[:split], view.lines()[2], 8))
    assert "more above" in shown[0] and "q19" in shown[-1]
    control.pointed_at = 22  # the action row: the list stays where it was
    assert text(view.window(lines[:split], view.lines()[2], 8)) == shown
    assert text(view.window(lines[:split], pointer, 40)) == text(lines[:split])  # all fit
