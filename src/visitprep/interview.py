"""The interview a patient or caregiver runs before a visit; the only module importing questionary.

The steps, their words, choices and checks come from :mod:`visitprep.steps` (shared with
the web page). Each step here builds a plain :class:`Prompt` from them and hands it to
:func:`ask`, the one thin function that talks to questionary; tests replace `ask` with
scripted answers. Every step but the first offers a way back; Ctrl-C or Ctrl-D stops
anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shlex
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visitprep import i18n, steps
from visitprep.errors import OutputError
from visitprep.models import Profile, QuestionBank
from visitprep.output import default_name, free_name, stem, validate_save_path
from visitprep.selection import printable_include, select_questions
from visitprep.steps import say

BACK = "__back__"
MORE = "__more__"
MORE_QUESTIONS = "__more_questions__"
LENGTH = "__length__"
ACTIONS = (BACK, MORE, MORE_QUESTIONS, LENGTH)  # list rows that act instead of being checked
YES = "__yes__"
NO = "__no__"


def is_back(text: str) -> bool:
    """True for the word that goes back: "back", or its translation ("volver")."""
    word = " ".join(text.split()).lower()
    return bool(word) and word in ("back", say("back.word").lower())


@dataclass(frozen=True)
class Option:
    """One choice of a select or checkbox prompt."""

    title: str
    value: str
    checked: bool = False


@dataclass(frozen=True)
class Heading:
    """A line between options that names a group (not selectable)."""

    title: str


@dataclass(frozen=True)
class Prompt:
    """A prompt, described as data."""

    kind: str  # select, checkbox, text, confirm
    name: str
    message: str
    options: tuple[Option | Heading, ...] = ()
    default: Any = None
    instruction: str | None = None
    validate: Callable[[Any], bool | str] | None = None


def _width() -> int:
    return max(shutil.get_terminal_size((80, 24)).columns - 1, 30)


def ask(prompt: Prompt, **io: Any) -> Any:
    """Show one prompt with questionary and return the answer.

    Lists take only the arrow keys, the spacebar and Enter: letters do nothing (a hint
    says how to use the list). The "Go back" row is an action, not a box: Enter or the
    spacebar on it returns BACK (a list of it, for a checkbox).

    Args:
        prompt: What to ask.
        **io: `input` and `output` for prompt_toolkit (tests use a pipe).

    Raises:
        KeyboardInterrupt: On Ctrl-C or Ctrl-D.
    """
    import questionary

    # A question longer than the terminal wraps between words under the "? " (a list's
    # question is not wrapped by prompt_toolkit: it would be cut off at the edge).
    prompt = dataclasses.replace(prompt, message=textwrap.fill(
        prompt.message, _width() - 2, subsequent_indent="  ", break_on_hyphens=False))
    question: Any
    if prompt.kind == "select":
        # Each row numbered: typing its number moves there (then Enter), as people try.
        rows = sum(isinstance(o, Option) for o in prompt.options)
        shortcuts = rows <= 9
        question = questionary.select(
            prompt.message, choices=_choices(prompt, 6 if shortcuts else 3, shortcuts),
            instruction=_below(prompt.instruction if shortcuts or prompt.instruction != say(
                "list.one-digits") else say("list.one")),
            default=next((o.value for o in prompt.options
                          if isinstance(o, Option) and o.value == prompt.default), None),
            use_jk_keys=False, use_shortcuts=shortcuts, **io)
        _say_keys_in_select(question.application, prompt.message)
    elif prompt.kind == "checkbox":
        question = _checkbox(prompt, **io)
    elif prompt.kind == "text":
        check = prompt.validate

        def validate(value: str) -> bool | str:
            verdict = check(value) if check else True
            return verdict if verdict is True or verdict is False else textwrap.fill(
                str(verdict), _width(), break_on_hyphens=False)

        question = questionary.text(
            prompt.message, default=prompt.default or "",
            instruction=f"{_below(prompt.instruction)}\n>",
            validate=validate, input_processors=[_WordWrap(2)],
            prompt_continuation="  ", **io)
        _tall_messages(question.application)
    elif prompt.kind == "confirm":
        # A list of two rows, "Yes" and "No" in the language in use: questionary's confirm()
        # takes only y or n and shows "(Y/n)", which a Spanish reader cannot use ("Sí").
        default = bool(prompt.default)
        yes_no = Prompt("select", prompt.name, prompt.message,
                        (Option(say("yes.choice"), YES), Option(say("no.choice"), NO)),
                        default=YES if default else NO)
        question = questionary.select(
            prompt.message, choices=_choices(yes_no, 3),
            instruction=_below(prompt.instruction or say("list.one")),
            default=YES if default else NO, use_jk_keys=False, use_shortcuts=False, **io)
        _stop_on_ctrl_d(question.application)
        try:
            return question.unsafe_ask() == YES
        except EOFError:
            raise KeyboardInterrupt from None
    else:  # pragma: no cover - a bug, not an input
        raise ValueError(prompt.kind)
    _stop_on_ctrl_d(question.application)
    try:
        return question.unsafe_ask()
    except EOFError:
        raise KeyboardInterrupt from None


def _below(instruction: str | None) -> str:
    """An instruction on its own lines under the question, wrapped between words."""
    if not instruction:
        return ""
    return "\n" + textwrap.fill(instruction, _width() - 1, initial_indent="  ",
                                 subsequent_indent="  ", break_on_hyphens=False)


def _choices(prompt: Prompt, indent: int, numbered: bool = False) -> list[Any]:
    """questionary choices, wrapped to the terminal at word boundaries.

    Args:
        prompt: The prompt.
        indent: Columns before a choice's text (pointer, box or number).
        numbered: Rows are numbered (a one-choice list): action rows show their number too.
    """
    import questionary

    width = max(_width() - indent, 30)
    out: list[Any] = []
    number = 0
    for option in prompt.options:
        if isinstance(option, Heading):
            out.append(questionary.Separator(f"-- {option.title} --"))
            continue
        number += 1
        if option.value in ACTIONS:
            if not isinstance(out[-1] if out else None, questionary.Choice) or \
                    out[-1].value not in ACTIONS:
                out.append(questionary.Separator(" "))
            mark = "<<" if option.value == BACK else ">>"
            lead = f"{number}) " if numbered else ""
            start = 3 + len(lead)  # the pointer's columns, then the number
            title = textwrap.fill(f"{lead}{mark} {option.title}", max(_width() - 3, 30),
                                  subsequent_indent=" " * (start + 3),
                                  break_on_hyphens=False)
            out.append(questionary.Choice([("class:back", title)], value=option.value))
        else:
            title = textwrap.fill(option.title, width, subsequent_indent=" " * indent,
                                  break_on_hyphens=False)
            out.append(questionary.Choice(title, value=option.value, checked=option.checked))
    return out


def _checkbox(prompt: Prompt, **io: Any) -> Any:
    """A checkbox list built from questionary's parts, with visitprep's keys only."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts import common
    from questionary.question import Question
    from questionary.styles import merge_styles_default

    control = _Control(_choices(prompt, 5), pointer="»")
    state: dict[str, Any] = {"moved": False, "warned": False, "said": "", "typing": False}

    def tokens() -> list[tuple[str, str]]:
        out = [("class:qmark", "?"), ("class:question", f" {prompt.message} ")]
        if control.is_answered:
            picked = len(control.selected_options)
            out.append(("class:answer", state["said"] or (
                say("list.none") if not picked else steps.checked_text(picked))))
        elif prompt.instruction:
            out.append(("class:instruction", _below(prompt.instruction)))
        return out

    def show(message: str | None) -> None:
        control.error_message = (FormattedText([("class:validation-toolbar",
                                                  textwrap.fill(message, _width()))])
                                 if message else None)

    def pointed() -> Any:
        return control.get_pointed_at().value

    def act(event: Any) -> None:
        """An action row: go back, or act on what is checked so far."""
        action = pointed()
        state["said"] = next((o.title for o in prompt.options
                              if isinstance(o, Option) and o.value == action), "")
        control.is_answered = True
        picked = [c.value for c in control.get_selected_values()]
        event.app.exit(result=[BACK] if action == BACK else [*picked, action])

    keys = KeyBindings()

    @keys.add(Keys.ControlC, eager=True)
    @keys.add(Keys.ControlD, eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @keys.add(" ", eager=True)
    def _toggle(event: Any) -> None:
        if state["typing"]:  # a space between typed words checks nothing
            return
        if pointed() in ACTIONS:
            act(event)
            return
        value = pointed()
        if value in control.selected_options:
            control.selected_options.remove(value)
        else:
            control.selected_options.append(value)
        state["warned"] = False
        show(None)

    def _move(step: int) -> None:
        state["moved"] = True
        state["typing"] = False
        while True:
            control.pointed_at = (control.pointed_at + step) % control.choice_count
            if control.is_selection_valid():
                break

    keys.add(Keys.Down, eager=True)(lambda event: _move(1))
    keys.add(Keys.Up, eager=True)(lambda event: _move(-1))

    @keys.add(Keys.ControlM, eager=True)
    def _done(event: Any) -> None:
        if state["typing"]:  # Enter after typed words: say how the list works, once
            state["typing"] = False
            return
        if pointed() in ACTIONS:
            act(event)
            return
        picked = [c.value for c in control.get_selected_values()]
        verdict = prompt.validate(picked) if prompt.validate else True
        if verdict is not True:
            show(str(verdict))
            return
        if not picked and state["moved"] and not state["warned"]:
            state["warned"] = True
            show(say("list.nothing-checked"))
            return
        control.is_answered = True
        event.app.exit(result=picked)

    @keys.add(Keys.Any)
    def _other(event: Any) -> None:
        state["typing"] = True
        show(say("list.keys"))

    from prompt_toolkit.filters import Condition, is_done
    from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.shortcuts import PromptSession

    get_tokens: Any = tokens
    session: PromptSession[Any] = PromptSession(get_tokens, reserve_space_for_menu=0, **io)
    common._fix_unecessary_blank_lines(session)
    message = Window(FormattedTextControl(lambda: control.error_message or ""),
                     wrap_lines=True, dont_extend_height=True)
    # The list scrolls in the rows the terminal has left; the action rows (show more, the
    # full list, go back) sit under it in rows of their own, always on screen.
    view = _ListView(control)
    layout = Layout(HSplit([
        session.layout.container,
        ConditionalContainer(Window(view.part("list"), dont_extend_height=True),
                             filter=~is_done),
        ConditionalContainer(Window(view.part("actions"), dont_extend_height=True),
                             filter=~is_done),
        ConditionalContainer(message, filter=Condition(
            lambda: control.error_message is not None) & ~is_done),
    ]))
    return Question(Application(layout=layout, key_bindings=keys,
                                style=merge_styles_default([None]), **io))


class _ListView:
    """A checkbox list drawn in two parts: the choices, scrolled to keep the pointer in view
    with "more above" and "more below" lines, and the action rows under them, never
    scrolled away (at 80x24 they would otherwise sit below the screen's last row)."""

    def __init__(self, control: Any) -> None:
        self.control = control
        self.top = 0  # the first list line shown

    def lines(self) -> tuple[list[list[Any]], int, tuple[int, int]]:
        """The control's lines, the first line of the action rows, and the pointer's lines."""
        from questionary import Separator

        lines: list[list[Any]] = [[]]
        for fragment in self.control._get_choice_tokens():
            style, text = fragment[0], fragment[1]
            if style == "[SetCursorPosition]":
                continue
            parts = text.split("\n")
            for index, part in enumerate(parts):
                if index:
                    lines.append([])
                if part:
                    lines[-1].append((style, part))
        if lines and not lines[-1]:
            lines.pop()
        starts, line = [], 0
        for choice in self.control.choices:
            starts.append(line)
            title = choice.title
            text = title if isinstance(title, str) else "".join(part[1] for part in title)
            line += 1 + text.count("\n")
        split = line
        for index, choice in enumerate(self.control.choices):
            if getattr(choice, "value", None) in ACTIONS:
                before = self.control.choices[index - 1] if index else None
                split = starts[index - 1] if isinstance(before, Separator) else starts[index]
                break
        pointed = self.control.pointed_at
        start = starts[pointed] if pointed < len(starts) else 0
        end = starts[pointed + 1] if pointed + 1 < len(starts) else line
        return lines, split, (start, end)

    def part(self, which: str) -> Any:
        from prompt_toolkit.layout.controls import UIContent, UIControl

        view = self

        class Part(UIControl):
            def preferred_height(self, width: int, max_available_height: int,
                                 wrap_lines: bool, get_line_prefix: Any) -> int:
                lines, split, _ = view.lines()
                return len(lines[:split] if which == "list" else lines[split:])

            def create_content(self, width: int, height: int) -> UIContent:
                lines, split, pointer = view.lines()
                shown = (view.window(lines[:split], pointer, height) if which == "list"
                         else lines[split:])
                return UIContent(get_line=lambda i: shown[i], line_count=len(shown),
                                 show_cursor=False)

            def is_focusable(self) -> bool:
                return False

        return Part()

    def window(self, lines: list[list[Any]], pointer: tuple[int, int],
               height: int) -> list[list[Any]]:
        """The list lines that fit in `height` rows, the pointer's among them."""
        if len(lines) <= height or height < 3:
            self.top = 0
            return lines[:max(height, 1)] if len(lines) > height else lines
        count = len(lines)

        def rows(top: int) -> int:
            """List lines shown from `top`, after the "more above/below" lines."""
            room = height - (top > 0)
            return room - (top + room < count)

        start, end = pointer
        if start >= count:  # the pointer is on an action row: the list stays as it is
            start = end = self.top
        if start < self.top:
            self.top = start if start > 1 else 0  # the first row shows its topic too
        while end > self.top + rows(self.top) and self.top < start:
            self.top += 1
        room = rows(self.top)
        shown = lines[self.top:self.top + room]
        if self.top > 0:
            shown.insert(0, [("class:separator", "   " + say("list.more-above"))])
        if self.top + room < count:
            shown.append([("class:separator", "   " + say("list.more-below"))])
        return shown


def _control_class() -> Any:
    from questionary.constants import INDICATOR_SELECTED, INDICATOR_UNSELECTED
    from questionary.prompts.common import InquirerControl

    class Control(InquirerControl):
        """questionary's list, with the "Go back" row drawn without a box."""

        def _get_choice_tokens(self) -> Any:
            tokens = super()._get_choice_tokens()  # type: ignore[no-untyped-call]
            for index, (style, *_rest) in enumerate(tokens):
                if style == "class:back" and index and tokens[index - 1][1] in (
                        INDICATOR_SELECTED + " ", INDICATOR_UNSELECTED + " "):
                    tokens[index - 1] = ("class:text", "")
            return tokens

    return Control


def _Control(choices: list[Any], **kwargs: Any) -> Any:  # noqa: N802 - builds a class lazily
    return _control_class()(choices, **kwargs)


class _WordWrap:
    """Pads a long typed answer so the terminal's wrap falls between words, not inside one."""

    def __init__(self, prefix: int) -> None:
        self.prefix = prefix

    def apply_transformation(self, ti: Any) -> Any:
        from prompt_toolkit.formatted_text.utils import fragment_list_to_text
        from prompt_toolkit.layout.processors import Transformation
        from prompt_toolkit.layout.utils import explode_text_fragments

        width = ti.width - self.prefix
        text = fragment_list_to_text(ti.fragments)
        if width < 10 or len(text) <= width:
            return Transformation(ti.fragments)
        pads = _wrap_pads(text, width)
        if not pads:
            return Transformation(ti.fragments)
        chars = explode_text_fragments(ti.fragments)
        out: list[Any] = []
        for index, fragment in enumerate(chars):
            if index in pads:
                out.append(("", " " * pads[index]))
            out.append(fragment)
        starts = sorted(pads)

        def to_display(position: int) -> int:
            return position + sum(pads[s] for s in starts if s <= position)

        def to_source(position: int) -> int:
            for start in reversed(starts):
                shifted = to_display(start)
                if position >= shifted:
                    return position - (shifted - start)
                if position >= shifted - pads[start]:
                    return start
            return position

        return Transformation(out, source_to_display=to_display, display_to_source=to_source)


def _wrap_pads(text: str, width: int) -> dict[int, int]:
    """Where to insert spaces (index -> count) so no word is cut at the line's end."""
    pads: dict[int, int] = {}
    column = 0
    for match in re.finditer(r"\S+|\s+", text):
        size = len(match.group())
        # A word needs room for itself and the space after it, so no line starts blank.
        room = size + (match.end() < len(text))
        if not match.group().isspace() and column and column + room > width and size < width:
            pads[match.start()] = width - column
            column = 0
        column = (column + size) % width
    return pads


def _tall_messages(application: Any) -> None:
    """Let a text prompt's message under the input take as many lines as it needs
    (prompt_toolkit's validation toolbar shows one line, cutting a long message off)."""
    from prompt_toolkit.layout import Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    for container in application.layout.walk():
        if isinstance(container, Window) and isinstance(container.content,
                                                        FormattedTextControl):
            text = container.content.text
            if "ValidationToolbar" in getattr(text, "__qualname__", ""):
                container.height = None


def _say_keys_in_select(application: Any, message: str = "") -> None:
    """Any other key typed in a one-choice list says which keys work there (questionary
    ignores it silently, and Enter then takes the row the pointer is on)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import Window
    from questionary.prompts.common import InquirerControl

    control: Any = next((w.content for w in application.layout.find_all_windows()
                    if isinstance(w, Window) and isinstance(w.content, InquirerControl)), None)
    if control is None:  # pragma: no cover - questionary's layout changed
        return
    extra = KeyBindings()

    @extra.add(Keys.Any)
    def _other(event: Any) -> None:
        control.error_message = say("list.keys-one")

    @extra.add(Keys.ControlM, eager=True)
    def _done(event: Any) -> None:
        choice = control.get_pointed_at()
        title = choice.title
        text = " ".join((title if isinstance(title, str) else "".join(
            part[1] for part in title)).split())
        if choice.value in ACTIONS:  # said back in short: "More options"
            choice.title = [("class:back", text.split(" (")[0].split(" ", 2)[-1])]
        elif len(message) + len(text) + 3 > _width():  # said back on one line
            choice.title = text.split(": ")[0].split(" (")[0]
        control.is_answered = True
        event.app.exit(result=choice.value)

    application.key_bindings = merge_key_bindings([application.key_bindings, extra])


def _stop_on_ctrl_d(application: Any) -> None:
    """Make Ctrl-D stop every prompt, as Ctrl-C does (questionary's lists ignore it).

    Also drop what reads as a mouse report: the interview asks the terminal for none, so
    it is pasted text holding an escape sequence (a colour code such as ESC [31m), which
    prompt_toolkit's own mouse handler fails on, stopping the interview in a loop of
    "Unhandled exception in event loop" that neither Enter nor Ctrl-C leaves."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    extra = KeyBindings()

    @extra.add("c-d", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @extra.add(Keys.Vt100MouseEvent, eager=True)
    def _ignore(event: Any) -> None:
        return None

    application.key_bindings = merge_key_bindings([application.key_bindings, extra])


def say_out(text: str = "") -> None:
    """Show text between prompts, wrapped to the terminal at word boundaries."""
    width = _width()
    # Lines indented by four spaces are paths and commands: never broken.
    lines = [textwrap.fill(line, width, subsequent_indent=" " * (len(line) - len(line.lstrip())),
                           break_long_words=False, break_on_hyphens=False)
             if line.strip() and not line.startswith("    ") else line
             for line in text.split("\n")]
    print("\n".join(lines), flush=True)


class StoppedAfterWritingError(Exception):
    """The person stopped after the PDF was written, while saving the answers."""

    def __init__(self, pdf: Path) -> None:
        super().__init__(str(pdf))
        self.pdf = pdf


@dataclass
class Draft:
    """The answers so far; every prompt starts from them."""

    recurrence: str = ""
    concerns: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)
    name: str = ""
    visit_date: dt.date | None = None
    doctor: str = ""
    companion: str = ""
    template: str = "standard"
    paper: str = "letter"
    fillable: bool = False
    length: str = "short"
    include: list[str] = field(default_factory=list)
    room: str = "standard"
    language: str = "en"

    @classmethod
    def from_profile(cls, profile: Profile) -> Draft:
        """Start from a saved answers file."""
        return cls(
            recurrence=profile.recurrence, concerns=list(profile.concerns),
            exclude=list(profile.exclude), own=list(profile.custom_questions),
            top=list(profile.top_questions), name=profile.name, visit_date=profile.visit_date,
            doctor=profile.doctor, companion=profile.companion, template=profile.template,
            paper=profile.paper, fillable=profile.fillable, length=profile.length,
            include=list(profile.include), room=profile.room, language=profile.language,
        )

    def profile(self) -> Profile:
        """The profile these answers make."""
        return Profile(
            recurrence=self.recurrence or "unsure", concerns=tuple(self.concerns),
            name=self.name, doctor=self.doctor, visit_date=self.visit_date,
            companion=self.companion, custom_questions=tuple(self.own),
            top_questions=tuple(t for t in self.top if t not in self.exclude),
            exclude=tuple(self.exclude), template=self.template, paper=self.paper,
            fillable=self.fillable, length=self.length, include=tuple(self.include),
            room=self.room, language=self.language,
        )


@dataclass(frozen=True)
class Outcome:
    """What the interview wrote."""

    pdf: Path
    answers: Path | None


WritePdf = Callable[[Profile, Path, bool], int]
WriteAnswers = Callable[[Profile, Path, bool], None]


def _options(groups: Sequence[steps.Group], *, back: bool = True,
             with_hints: bool = False) -> tuple[Option | Heading, ...]:
    out: list[Option | Heading] = []
    for group in groups:
        if group.title:
            out.append(Heading(group.title))
        out += [Option(f"{c.label}: {c.hint}" if with_hints and c.hint else c.label, c.value,
                       checked=c.checked) for c in group.choices]
    if back:
        out.append(Option(say("back"), BACK))
    return tuple(out)


def _checked(groups: Sequence[steps.Group]) -> str | None:
    return next((c.value for g in groups for c in g.choices if c.checked), None)


class Interview:
    """The steps of the interview, in order, with a way back from each."""

    def __init__(self, bank: QuestionBank, draft: Draft, *, today: dt.date,
                 count_pages: Callable[[Profile], int], write_pdf: WritePdf,
                 write_answers: WriteAnswers, answers_path: Path | None = None,
                 cwd: Path | None = None,
                 check_text: Callable[[str], str | None] = lambda text: None,
                 force: bool = False, ask_paper: bool = False,
                 open_file: Callable[[Path], str | None] | None = None,
                 ask_language: bool = True) -> None:
        self.source_bank = bank
        self.bank = bank.in_language(draft.language)
        self.ask_language = ask_language
        self.open_file = open_file
        self.own_seen = False  # the own-questions step was shown once already
        self.force = force
        self.check_text = check_text
        self.pdf: Path = Path()
        self.draft = draft
        self.today = today
        self.count_pages = count_pages
        self.write_pdf = write_pdf
        self.write_answers = write_answers
        self.answers_path = answers_path
        self.cwd = cwd or Path.cwd()
        self.ask_paper = ask_paper

    def run(self) -> Outcome:
        """Ask every step, write the PDF, and offer to save the answers.

        Raises:
            KeyboardInterrupt: When stopped before the PDF was written.
            StoppedAfterWritingError: When stopped after it was.
        """
        i18n.activate(self.draft.language)  # the caller's block resets it
        say_out(say("intro") + "\n")
        if self.ask_language:
            self.step_language()
        order: list[Callable[[], str | None]] = [
            self.step_recurrence, self.step_concerns, self.step_review, self.step_own,
            self.step_top, self.step_name, self.step_date, self.step_doctor,
            self.step_companion,
        ]
        if self.ask_paper:  # before the print size, whose page count depends on it
            order.append(self.step_paper)
        order += [self.step_print_size, self.step_save_pdf]
        index = 0
        while index < len(order):
            index = max(index - 1, 0) if order[index]() == BACK else index + 1
        try:
            answers = self.step_save_answers()
            self.step_open()
        except KeyboardInterrupt:
            raise StoppedAfterWritingError(self.pdf) from None
        return Outcome(self.pdf, answers)

    def _groups(self, step_id: str) -> tuple[steps.Group, ...]:
        return steps.choices(step_id, self.bank, self.draft.profile())

    def _list(self, step_id: str, kind: str, groups: Sequence[steps.Group], *,
              message: str | None = None, back: bool = True, with_hints: bool = False,
              validate: Callable[[Any], bool | str] | None = None,
              name: str | None = None) -> Any:
        spec = steps.step(step_id)
        return ask(Prompt(
            kind, name or step_id, message or spec.text(), _options(groups, back=back,
                                                            with_hints=with_hints),
            default=_checked(groups) if kind == "select" else None,
            instruction=say("list.one-digits" if kind == "select" else "list.many"),
            validate=validate,
        ))

    # -- what and why ---------------------------------------------------------------

    def step_language(self) -> None:
        """The first screen: the language, named in itself (English, Español)."""
        options = tuple(Option(i18n.NAMES.get(code, code), code) for code in i18n.LANGUAGES)
        chosen = ask(Prompt("select", "language", say("language.label"), options,
                            default=self.draft.language, instruction=say("list.one")))
        if chosen != self.draft.language:
            self.draft.language = chosen
            self.bank = self.source_bank.in_language(chosen)
            i18n.activate(chosen)
            say_out(say("intro") + "\n")

    def step_recurrence(self) -> str | None:
        groups = self._groups("recurrence")
        if not self.draft.recurrence:
            groups = tuple(dataclasses.replace(g, choices=tuple(
                dataclasses.replace(c, checked=False) for c in g.choices)) for g in groups)
        self.draft.recurrence = self._list("recurrence", "select", groups, back=False)
        # Questions picked for another kind may not fit this one: they no longer print.
        self.draft.include = printable_include(self.bank, self.draft.recurrence,
                                               self.draft.concerns, self.draft.include)
        fits = {q.id for q in self.bank.questions if self.draft.recurrence in q.recurrence}
        ids = {q.id for q in self.bank.questions}
        self.draft.top = [t for t in self.draft.top if t not in ids or t in fits]
        return None

    def step_concerns(self) -> str | None:
        say_out("\n" + steps.concerns_intro(self.bank, self.draft.recurrence))
        answer = self._list("concerns", "checkbox", self._groups("concerns"), with_hints=True)
        if BACK in answer:
            return BACK
        self.draft.concerns = list(answer)
        self.draft.include = printable_include(self.bank, self.draft.recurrence,
                                               self.draft.concerns, self.draft.include)
        return None

    def step_review(self) -> str | None:
        say_out("\n" + say("review.intro"))
        while True:
            profile = self.draft.profile()
            groups = steps.choices("review", self.bank, profile)
            shown = [c.value for g in groups for c in g.choices]
            kept = len([qid for qid in shown if qid not in self.draft.exclude])
            pages = self.count_pages(profile)
            more = sum(len(g.choices) for g in steps.choices("more", self.bank, profile))
            actions: list[Option | Heading] = []
            if more:
                actions.append(Option(say("review.more", count=more), MORE_QUESTIONS))
            actions.append(Option(say("review.full" if self.draft.length == "short"
                                      else "review.short"), LENGTH))
            answer = ask(Prompt(
                "checkbox", "review", steps.step("review").text(
                    count=steps.plural(kept, "question"), pages=steps.plural(pages, "page")),
                (*_options(groups, back=False), *actions, Option(say("back"), BACK)),
                instruction=say("list.many")))
            if BACK in answer:
                return BACK
            ticked = set(answer)
            # Keep exclusions of questions not shown now (from a saved file or other topics).
            self.draft.exclude = [qid for qid in self.draft.exclude if qid not in shown]
            self.draft.exclude += [qid for qid in shown if qid not in ticked]
            if MORE_QUESTIONS in ticked:
                self.step_more()
            elif LENGTH in ticked:
                self.draft.length = "full" if self.draft.length == "short" else "short"
            else:
                say_out(say("review.done", count=steps.plural(len(ticked), "question"),
                            pages=steps.plural(self.count_pages(self.draft.profile()),
                                               "page")))
                return None

    def step_more(self) -> None:
        """Show more questions: the rest of each topic; the checked ones join the list."""
        groups = steps.choices("more", self.bank, self.draft.profile())
        answer = self._list("more", "checkbox", groups)
        if BACK not in answer:
            self.draft.include += [qid for qid in answer if qid not in self.draft.include]
            self.draft.exclude = [qid for qid in self.draft.exclude if qid not in answer]

    def step_own(self) -> str | None:
        # "From last time" only for questions from a saved file, on the first visit here.
        keep = "own-keep.now" if self.own_seen else "own-keep.label"
        self.own_seen = True
        if self.draft.own:
            groups = (steps.Group("", tuple(steps.Choice(t, t, checked=True)
                                            for t in self.draft.own)),)
            answer = self._list("own", "checkbox", groups, message=say(keep),
                                name="own-keep")
            if BACK in answer:
                return BACK
            self.draft.own = [text for text in self.draft.own if text in answer]
        say_out("\n" + say("own.intro"))
        while True:
            text = ask(Prompt(
                "text", "own", say("own.label"), instruction=say("own.hint"),
                validate=lambda value: self._check_text(value, "own"),
            ))
            text = " ".join(text.split())
            if is_back(text):
                return BACK
            if not text:
                if select_questions(self.bank, self.draft.profile()).count:
                    return None
                say_out(say("own.nothing"))  # an empty checklist is never printed
                continue
            if text not in self.draft.own:
                self.draft.own.append(text)

    def step_top(self) -> str | None:
        say_out("\n" + say("top.intro"))
        answer = self._list("top", "checkbox", self._groups("top"),
                            validate=lambda picked: _validate_top(picked))
        if BACK in answer:
            return BACK
        self.draft.top = list(answer)
        return None

    # -- the header -----------------------------------------------------------------

    def _check_text(self, value: str, step_id: str) -> bool | str:
        if is_back(value):
            return True
        checked = steps.check_text(value, step_id, self.check_text)
        return checked.error or True

    def _text_step(self, step_id: str, current: str) -> str | None:
        spec = steps.step(step_id)
        answer = ask(Prompt(
            "text", step_id, spec.text(), default=current, instruction=spec.hint_text,
            validate=lambda value: self._check_text(value, step_id),
        ))
        answer = " ".join(answer.split())
        if is_back(answer):
            return BACK
        setattr(self.draft, spec.field, answer)
        return None

    def step_name(self) -> str | None:
        say_out("\n" + say("details.intro"))
        return self._text_step("name", self.draft.name)

    def step_date(self) -> str | None:
        current = self.draft.visit_date.isoformat() if self.draft.visit_date else ""
        spec = steps.step("visit-date")
        while True:
            answer = ask(Prompt(
                "text", "visit-date", spec.text(), default=current,
                instruction=spec.hint_text,
                validate=lambda value: _validate_date(value, self.today),
            )).strip()
            if is_back(answer):
                return BACK
            checked = steps.check_date(answer, self.today)
            if not checked.days:
                self.draft.visit_date = None
                return None
            if len(checked.days) > 1:
                chosen = ask(Prompt(
                    "select", "visit-date-which", say("visit-date.which", text=answer),
                    _options(steps.date_choices(checked.days)),
                    instruction=say("list.one-digits")))
                if chosen == BACK:
                    current = answer
                    continue
                day = dt.date.fromisoformat(chosen)
                question = (steps.confirm_date(day, self.today)
                            if steps.date_warning(day, self.today) else "")
                warn = bool(question)
            else:
                day, question, warn = checked.days[0], checked.question, checked.warn
            if question and not ask(Prompt("confirm", "visit-date-confirm", question,
                                           default=not warn)):
                current = answer
                continue
            self.draft.visit_date = day
            return None

    def step_doctor(self) -> str | None:
        return self._text_step("doctor", self.draft.doctor)

    def step_companion(self) -> str | None:
        return self._text_step("companion", self.draft.companion)

    def step_print_size(self) -> str | None:
        while True:
            groups = self._groups("template")
            options = _options(groups, back=False)
            more = say("template.more", paper=say(f"paper.{self.draft.paper}").split(" (")[0],
                       fillable=say("yes" if self.draft.fillable else "no"),
                       room=say(f"room.word-{self.draft.room}"))
            answer = ask(Prompt(
                "select", "template", steps.step("template").text(),
                (*options, Option(more, MORE), Option(say("back"), BACK)),
                default=self.draft.template, instruction=say("list.one-digits")))
            if answer == BACK:
                return BACK
            if answer != MORE:
                self.draft.template = answer
                say_out(say("template.pages", pages=steps.plural(
                    self.count_pages(self.draft.profile()), "page")))
                return None
            self.step_paper()
            self.draft.fillable = bool(ask(Prompt(
                "confirm", "fillable", steps.step("fillable").text(),
                default=self.draft.fillable)))
            room = self._list("room", "select", self._groups("room"))
            if room != BACK:
                self.draft.room = room

    def step_paper(self) -> str | None:
        answer = self._list("paper", "select", self._groups("paper"))
        if answer == BACK:
            return BACK
        self.draft.paper = answer
        return None

    # -- writing --------------------------------------------------------------------

    def _free(self, name: str, suffix: str) -> str:
        """A file name not yet taken in its folder (NAME-2, NAME-3, ... after NAME); with
        --force, the name itself (the person asked to replace files)."""
        if self.force:
            return name
        path = _as_path(name, self.cwd, suffix)
        free = free_name(path.parent, path.name)
        return name if free == path.name else str(Path(name).with_name(free))

    def step_save_pdf(self) -> str | None:
        # Named by the person and the day, so two people seen on one day get two files.
        default = self._free(default_name(stem("questions"), self.draft.visit_date, ".pdf",
                                          self.draft.name), ".pdf")
        spec = steps.step("pdf-path")
        while True:
            answer = ask(Prompt(
                "text", "pdf-path", spec.text(), default=default, instruction=spec.hint_text,
                validate=lambda value: _validate_path(value, self.cwd, ".pdf"),
            )).strip()
            if is_back(answer):
                return BACK
            path = _as_path(answer, self.cwd, ".pdf")
            replace = self.force
            if path.exists() and not self.force:
                replace = ask(Prompt("confirm", "pdf-replace",
                                     say("pdf-path.replace", name=path.name), default=False))
                if not replace:
                    default = self._free(answer, ".pdf")  # offer a name that is free
                    continue
            try:
                pages = self.write_pdf(self.draft.profile(), path, replace)
            except OutputError as exc:
                say_out(say("pdf-path.failed", problem=exc))
                continue
            self.pdf = path
            say_out(say("pdf-path.saved", pages=steps.plural(pages, "page"), path=path))
            return None

    def step_save_answers(self) -> Path | None:
        keep = ask(Prompt("confirm", "save-answers", steps.step("save-answers").text(),
                          default=True))
        if not keep:
            return None
        default = str(self.answers_path) if self.answers_path else self._free(default_name(
            stem("answers"), self.draft.visit_date, ".yaml", self.draft.name), ".yaml")
        while True:
            answer = ask(Prompt(
                "text", "answers-path", steps.step("answers-path").text(), default=default,
                instruction=steps.step("answers-path").hint_text,
                validate=lambda value: _validate_path(value, self.cwd, ".yaml"),
            )).strip()
            path = _as_path(answer, self.cwd, ".yaml")
            replace = False
            if path.exists():
                replace = ask(Prompt("confirm", "answers-replace",
                                     say("pdf-path.replace", name=path.name),
                                     default=self.answers_path is not None
                                     and path == _as_path(str(self.answers_path), self.cwd,
                                                          ".yaml")))
                if not replace:
                    default = self._free(answer, ".yaml")
                    continue
            try:
                self.write_answers(self.draft.profile(), path, replace)
            except OutputError as exc:
                say_out(say("answers-path.failed", problem=exc))
                continue
            full = path.resolve()
            # The folder and the file on lines of their own: a long path never wraps
            # inside a command at 80 columns.
            say_out(say("answers-path.saved", path=full,
                        folder=shlex.quote(str(full.parent)), file=shlex.quote(full.name)))
            return path

    def step_open(self) -> None:
        """Offer to open the checklist in the default viewer, to print it from there."""
        if self.open_file is None:
            say_out("\n" + say("open.how", path=self.pdf.resolve()))
            return
        if not ask(Prompt("confirm", "open-pdf", say("open.label"), default=True)):
            say_out(say("open.how", path=self.pdf.resolve()))
            return
        problem = self.open_file(self.pdf)
        say_out(say("open.failed", problem=problem, path=self.pdf.resolve()) if problem
                else say("open.opened"))


def _validate_top(answer: list[str]) -> bool | str:
    checked = steps.check_top([value for value in answer if value != BACK])
    return checked.error or True


def _validate_date(value: str, today: dt.date) -> bool | str:
    text = value.strip()
    if is_back(text):
        return True
    return steps.check_date(text, today).error or True


def _as_path(value: str, cwd: Path, suffix: str) -> Path:
    path = Path(value).expanduser()
    if path.suffix.lower() != suffix and not (suffix == ".yaml" and path.suffix == ".yml"):
        path = path.with_name(path.name + suffix)
    return path if path.is_absolute() else cwd / path


def _validate_path(value: str, cwd: Path, suffix: str) -> bool | str:
    return validate_save_path(value, cwd, suffix, say("back.word"))  # never raises on half a path


def run_interview(bank: QuestionBank, *, start: Profile | None, today: dt.date,
                  count_pages: Callable[[Profile], int], write_pdf: WritePdf,
                  write_answers: WriteAnswers, answers_path: Path | None = None,
                  cwd: Path | None = None,
                  check_text: Callable[[str], str | None] = lambda text: None,
                  defaults: dict[str, Any] | None = None, force: bool = False,
                  locale_paper: str | None = None,
                  open_file: Callable[[Path], str | None] | None = None,
                  locale_language: str | None = None) -> Outcome:
    """Run the whole interview.

    Args:
        bank: The question bank.
        start: Answers to start from (every prompt pre-filled), or None.
        today: Today's date, for 'tomorrow' and default file names.
        count_pages: How many pages a profile prints on.
        write_pdf: Writes the handout; returns its page count.
        write_answers: Writes the answers file.
        answers_path: The answers file the interview started from, if any.
        cwd: The folder relative paths are in.
        check_text: Returns why a text cannot print, or None.
        defaults: template, paper or fillable given as options; they replace the start's.
        force: Replace an existing PDF without asking.
        locale_paper: The paper size the system's locale implies (None: it says nothing,
            so the paper is asked unless the answers or an option give it).
        open_file: Opens a file in the default viewer, returning why it could not (or
            None); None when there is no viewer to open (no display): then it is not offered.
        locale_language: The language the system's locale asks for (the first screen starts
            in it, unless the answers or --language say another).

    The first screen offers the language (unless --language gave it); the language chosen
    stays in use after the interview returns or stops, for the caller's last message.
    """
    draft = Draft.from_profile(start) if start else Draft()
    if start is None and locale_language:
        draft.language = locale_language
    known = start is not None or "paper" in (defaults or {})
    if not known and locale_paper:
        draft.paper = locale_paper
    for key, value in (defaults or {}).items():
        setattr(draft, key, value)
    interview = Interview(bank, draft, today=today, count_pages=count_pages,
                          write_pdf=write_pdf, write_answers=write_answers,
                          answers_path=answers_path, cwd=cwd, check_text=check_text,
                          force=force, ask_paper=not known and not locale_paper,
                          open_file=open_file,
                          ask_language="language" not in (defaults or {}))
    return interview.run()
