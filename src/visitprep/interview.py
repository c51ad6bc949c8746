"""The interview a patient or caregiver runs before a visit; the only module importing questionary.

Each step builds a plain :class:`Prompt` and hands it to :func:`ask`, the one thin
function that talks to questionary; tests replace `ask` with scripted answers.
Every step but the first offers a way back; Ctrl-C or Ctrl-D stops anywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visitprep.document import format_date
from visitprep.errors import OutputError, ProfileError
from visitprep.models import MAX_TOP_QUESTIONS, Profile, QuestionBank
from visitprep.output import default_name, validate_save_path
from visitprep.profile import (
    MAX_FIELD_LENGTH,
    MAX_OWN_QUESTION_LENGTH,
    clean_text,
    date_candidates,
)
from visitprep.selection import select_questions

BACK = "__back__"
BACK_TITLE = "<< Go back to the previous step"
BACK_WORD = "back"

INTRO = """\
visitprep makes a checklist of questions to bring to your cancer care visit.
It takes about three minutes. Each step says how to go back.
Press Ctrl-C at any time to stop; nothing is written until the end.
"""
TEMPLATES = (("standard", "Standard print (12 pt)"),
             ("large-print", "Large print (18 pt), for easier reading"))
LENGTHS = (("short", "Short: the key questions for you"),
           ("full", "Full: every question for your situation"))
PAPERS = (("letter", "Letter (US and Canada)"), ("a4", "A4 (most other countries)"))


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


def ask(prompt: Prompt, **io: Any) -> Any:
    """Show one prompt with questionary and return the answer.

    Args:
        prompt: What to ask.
        **io: `input` and `output` for prompt_toolkit (tests use a pipe).

    Raises:
        KeyboardInterrupt: On Ctrl-C or Ctrl-D.
    """
    import questionary

    # Choices wrap to the terminal instead of being cut off at its edge.
    indent = 5 if prompt.kind == "checkbox" else 3
    width = max(shutil.get_terminal_size((80, 24)).columns - indent - 1, 30)

    def choices() -> list[Any]:
        out: list[Any] = []
        for option in prompt.options:
            if isinstance(option, Heading):
                out.append(questionary.Separator(f"-- {option.title} --"))
            else:
                title = textwrap.fill(option.title, width, subsequent_indent=" " * indent)
                out.append(questionary.Choice(title, value=option.value, checked=option.checked))
        return out

    question: Any
    if prompt.kind == "select":
        listed = choices()
        default = next((c for c in listed if getattr(c, "value", None) == prompt.default), None)
        question = questionary.select(prompt.message, choices=listed, default=default,
                                      instruction=prompt.instruction, **io)
    elif prompt.kind == "checkbox":
        question = questionary.checkbox(prompt.message, choices=choices(),
                                        instruction=prompt.instruction,
                                        validate=prompt.validate or (lambda _: True), **io)
    elif prompt.kind == "text":
        question = questionary.text(prompt.message, default=prompt.default or "",
                                    instruction=prompt.instruction,
                                    validate=prompt.validate, **io)
    elif prompt.kind == "confirm":
        question = questionary.confirm(prompt.message, default=bool(prompt.default),
                                       instruction=prompt.instruction, **io)
    else:  # pragma: no cover - a bug, not an input
        raise ValueError(prompt.kind)
    _stop_on_ctrl_d(question.application)
    try:
        return question.unsafe_ask()
    except EOFError:
        raise KeyboardInterrupt from None


def _stop_on_ctrl_d(application: Any) -> None:
    """Make Ctrl-D stop every prompt, as Ctrl-C does (questionary's lists ignore it)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("c-d", eager=True)
    def _stop(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    application.key_bindings = merge_key_bindings([application.key_bindings, extra])


def say(text: str = "") -> None:
    """Show text between prompts, wrapped to the terminal at word boundaries."""
    width = max(shutil.get_terminal_size((80, 24)).columns - 1, 30)
    lines = [textwrap.fill(line, width, subsequent_indent=" " * (len(line) - len(line.lstrip())),
                           break_long_words=False, break_on_hyphens=False)
             if line.strip() else line for line in text.split("\n")]
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

    @classmethod
    def from_profile(cls, profile: Profile) -> Draft:
        """Start from a saved answers file."""
        return cls(
            recurrence=profile.recurrence, concerns=list(profile.concerns),
            exclude=list(profile.exclude), own=list(profile.custom_questions),
            top=list(profile.top_questions), name=profile.name, visit_date=profile.visit_date,
            doctor=profile.doctor, companion=profile.companion, template=profile.template,
            paper=profile.paper, fillable=profile.fillable, length=profile.length,
            include=list(profile.include),
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
        )


@dataclass(frozen=True)
class Outcome:
    """What the interview wrote."""

    pdf: Path
    answers: Path | None


WritePdf = Callable[[Profile, Path, bool], int]
WriteAnswers = Callable[[Profile, Path, bool], None]


def _with_back(options: Sequence[Option | Heading]) -> tuple[Option | Heading, ...]:
    return (*options, Option(BACK_TITLE, BACK))


class Interview:
    """The steps of the interview, in order, with a way back from each."""

    def __init__(self, bank: QuestionBank, draft: Draft, *, today: dt.date,
                 count_pages: Callable[[Profile], int], write_pdf: WritePdf,
                 write_answers: WriteAnswers, answers_path: Path | None = None,
                 cwd: Path | None = None,
                 check_text: Callable[[str], str | None] = lambda text: None,
                 force: bool = False) -> None:
        self.bank = bank
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

    def run(self) -> Outcome:
        """Ask every step, write the PDF, and offer to save the answers.

        Raises:
            KeyboardInterrupt: When stopped before the PDF was written.
            StoppedAfterWritingError: When stopped after it was.
        """
        say(INTRO)
        steps: list[Callable[[], str | None]] = [
            self.step_recurrence, self.step_concerns, self.step_length, self.step_review,
            self.step_own,
            self.step_top, self.step_name, self.step_date, self.step_doctor,
            self.step_companion, self.step_print_size, self.step_paper, self.step_save_pdf,
        ]
        index = 0
        while index < len(steps):
            index = max(index - 1, 0) if steps[index]() == BACK else index + 1
        try:
            answers = self.step_save_answers()
        except KeyboardInterrupt:
            raise StoppedAfterWritingError(self.pdf) from None
        return Outcome(self.pdf, answers)

    # -- what and why ---------------------------------------------------------------

    def step_recurrence(self) -> str | None:
        options = tuple(Option(kind.label, kind.id) for kind in self.bank.recurrences)
        self.draft.recurrence = ask(Prompt(
            "select", "recurrence", "Where has the cancer come back?", options,
            default=self.draft.recurrence or None,
            instruction="(arrow keys, then Enter)",
        ))
        return None

    def step_concerns(self) -> str | None:
        always = " and ".join(f'"{t.title}"' for t in self.bank.topics if t.always)
        say(f"\nQuestions {always} are always included.")
        say("Tick what else you want to talk about. Ticking none is fine.")
        options = tuple(Option(f"{t.title}: {t.hint}", t.id, checked=t.id in self.draft.concerns)
                        for t in self.bank.topics if not t.always)
        answer = ask(Prompt(
            "checkbox", "concerns", "What would you like to talk about?", _with_back(options),
            instruction="(Space to tick, Enter when done)",
        ))
        if BACK in answer:
            return BACK
        self.draft.concerns = list(answer)
        return None

    def step_length(self) -> str | None:
        options = []
        for length, title in LENGTHS:
            profile = dataclasses.replace(self.draft.profile(), length=length)
            count = select_questions(self.bank, profile).count
            options.append(Option(f"{title} ({count} questions, "
                                  f"{self.count_pages(profile)} pages)", length))
        answer = ask(Prompt("select", "length", "How long should the list be?",
                            _with_back(options), default=self.draft.length))
        if answer == BACK:
            return BACK
        self.draft.length = answer
        return None

    def step_review(self) -> str | None:
        selection = select_questions(self.bank, dataclasses.replace(
            self.draft.profile(), exclude=(), top_questions=()))
        shown = [item.id for section in selection.sections for item in section.items
                 if item.id is not None]
        options: list[Option | Heading] = []
        for section in selection.sections:
            options.append(Heading(section.title))
            options.extend(Option(item.text, item.id or "", checked=item.id not in
                                  self.draft.exclude) for item in section.items)
        pages = self.count_pages(self.draft.profile())
        kept = len([qid for qid in shown if qid not in self.draft.exclude])
        say("\nHere are the questions picked for you, by topic.")
        answer = ask(Prompt(
            "checkbox", "review", f"{kept} questions, {pages} pages. Untick what does not fit:",
            _with_back(options),
            instruction="(Space, then Enter)",
        ))
        if BACK in answer:
            return BACK
        ticked = set(answer)
        # Keep exclusions of questions not shown now (from a saved file or other topics).
        self.draft.exclude = [qid for qid in self.draft.exclude if qid not in shown]
        self.draft.exclude += [qid for qid in shown if qid not in ticked]
        say(f"{len(ticked)} questions, {self.count_pages(self.draft.profile())} pages.")
        return None

    def step_own(self) -> str | None:
        if self.draft.own:
            options = tuple(Option(text, text, checked=True) for text in self.draft.own)
            answer = ask(Prompt(
                "checkbox", "own-keep", "Your own questions from last time. Keep them?",
                _with_back(options), instruction="(Space to untick, Enter when done)",
            ))
            if BACK in answer:
                return BACK
            self.draft.own = [text for text in self.draft.own if text in answer]
        say("\nAdd questions of your own, one at a time. Press Enter on an empty line when "
            f"done, or type {BACK_WORD} to go back.")
        while True:
            text = ask(Prompt(
                "text", "own", "Your question:",
                validate=lambda value: _validate_text(value, "question", self.check_text,
                                                      MAX_OWN_QUESTION_LENGTH),
            ))
            text = " ".join(text.split())
            if text.lower() == BACK_WORD:
                return BACK
            if not text:
                return None
            if text not in self.draft.own:
                self.draft.own.append(text)

    def step_top(self) -> str | None:
        selection = select_questions(self.bank, dataclasses.replace(
            self.draft.profile(), top_questions=()))
        options: list[Option | Heading] = []
        if selection.own:
            options.append(Heading("My own questions"))
            options += [Option(i.text, i.text, checked=i.text in self.draft.top)
                        for i in selection.own]
        for section in selection.sections:
            options.append(Heading(section.title))
            options += [Option(i.text, i.id or i.text, checked=(i.id or i.text) in self.draft.top)
                        for i in section.items]
        answer = ask(Prompt(
            "checkbox", "top", f"Pick up to {MAX_TOP_QUESTIONS} to print first, on page 1:",
            _with_back(options),
            instruction="(Space to tick, Enter when done)",
            validate=_validate_top,
        ))
        if BACK in answer:
            return BACK
        self.draft.top = list(answer)
        return None

    # -- the header -----------------------------------------------------------------

    def _text_step(self, name: str, message: str, current: str, field_name: str) -> str | None:
        answer = ask(Prompt(
            "text", name, message, default=current,
            instruction=f"(Enter to skip; {BACK_WORD} to go back)",
            validate=lambda value: _validate_text(value, field_name, self.check_text),
        ))
        answer = " ".join(answer.split())
        if answer.lower() == BACK_WORD:
            return BACK
        setattr(self.draft, field_name, answer)
        return None

    def step_name(self) -> str | None:
        say("\nA few details for the top of the page. All are optional: press Enter to "
            f"skip one, or type {BACK_WORD} to go back.")
        return self._text_step("name", "Your name, for the top of the page:", self.draft.name,
                               "name")

    def step_date(self) -> str | None:
        current = self.draft.visit_date.isoformat() if self.draft.visit_date else ""
        answer = ask(Prompt(
            "text", "visit-date", "The date of your visit:", default=current,
            instruction=f"(like: tomorrow, Friday, Dec 3; {BACK_WORD} to go back)",
            validate=lambda value: _validate_date(value, self.today),
        ))
        answer = answer.strip()
        if answer.lower() == BACK_WORD:
            return BACK
        if not answer:
            self.draft.visit_date = None
            return None
        days = date_candidates(answer, self.today)
        if len(days) == 1:
            self.draft.visit_date = days[0]
            return None
        options = tuple(Option(format_date(day), day.isoformat()) for day in days)
        chosen = ask(Prompt("select", "visit-date-which",
                            f"Which day do you mean by {answer}?", _with_back(options)))
        if chosen == BACK:
            return self.step_date()
        self.draft.visit_date = dt.date.fromisoformat(chosen)
        return None

    def step_doctor(self) -> str | None:
        return self._text_step("doctor", "Your doctor's name:", self.draft.doctor, "doctor")

    def step_companion(self) -> str | None:
        return self._text_step("companion", "Who is coming with you to the visit?",
                               self.draft.companion, "companion")

    def step_print_size(self) -> str | None:
        options = [Option(title, name) for name, title in TEMPLATES]
        if self.draft.template not in dict(TEMPLATES):
            options.insert(0, Option(f"Your template ({self.draft.template})",
                                     self.draft.template))
        answer = ask(Prompt("select", "template", "How big should the print be?",
                            _with_back(options), default=self.draft.template))
        if answer == BACK:
            return BACK
        self.draft.template = answer
        say(f"{self.count_pages(self.draft.profile())} pages in this print size.")
        return None

    def step_paper(self) -> str | None:
        options = tuple(Option(title, name) for name, title in PAPERS)
        answer = ask(Prompt("select", "paper", "What paper will you print on?",
                            _with_back(options), default=self.draft.paper))
        if answer == BACK:
            return BACK
        self.draft.paper = answer
        return None

    # -- writing --------------------------------------------------------------------

    def step_save_pdf(self) -> str | None:
        default = default_name("visit-questions", self.draft.visit_date, ".pdf")
        while True:
            answer = ask(Prompt(
                "text", "pdf-path", "Save the checklist as:", default=default,
                instruction=f"(Enter to save; {BACK_WORD} to go back)",
                validate=lambda value: _validate_path(value, self.cwd, ".pdf"),
            )).strip()
            if answer.lower() == BACK_WORD:
                return BACK
            path = _as_path(answer, self.cwd, ".pdf")
            replace = self.force
            if path.exists() and not self.force:
                replace = ask(Prompt("confirm", "pdf-replace",
                                     f"{path.name} already exists. Replace it?", default=False))
                if not replace:
                    default = answer
                    continue
            try:
                pages = self.write_pdf(self.draft.profile(), path, replace)
            except OutputError as exc:
                say(f"Could not save it: {exc}")
                continue
            self.pdf = path
            say(f"\nSaved your checklist ({pages} pages):\n    {path}")
            say("To print it, open the file and choose Print. Bring it to your visit, and "
                "show page 1 to your care team.\n")
            return None

    def step_save_answers(self) -> Path | None:
        keep = ask(Prompt("confirm", "save-answers",
                          "Save your answers, to print this again or change it next time?",
                          default=True))
        if not keep:
            return None
        default = str(self.answers_path) if self.answers_path else default_name(
            "visit-answers", self.draft.visit_date, ".yaml")
        while True:
            answer = ask(Prompt(
                "text", "answers-path", "Save the answers as:", default=default,
                validate=lambda value: _validate_path(value, self.cwd, ".yaml"),
            )).strip()
            path = _as_path(answer, self.cwd, ".yaml")
            replace = False
            if path.exists():
                replace = ask(Prompt("confirm", "answers-replace",
                                     f"{path.name} already exists. Replace it?",
                                     default=self.answers_path is not None
                                     and path == _as_path(str(self.answers_path), self.cwd,
                                                          ".yaml")))
                if not replace:
                    continue
            try:
                self.write_answers(self.draft.profile(), path, replace)
            except OutputError as exc:
                say(f"Could not save them: {exc}")
                continue
            say(f"Saved your answers:\n    {path}")
            say("Next time, start from them with:")
            say(f"    visitprep interview --answers {answer}")
            say("or print the same checklist again with:")
            say(f"    visitprep make --answers {answer}")
            return path


def _validate_text(value: str, field_name: str, check_text: Callable[[str], str | None],
                   limit: int = MAX_FIELD_LENGTH) -> bool | str:
    try:
        text = clean_text(value, field_name, "This answer", limit=limit)
    except ProfileError as exc:
        return exc.message.replace("This answer: ", "")
    problem = check_text(text)
    return problem or True


def _validate_top(answer: list[str]) -> bool | str:
    picked = [value for value in answer if value != BACK]
    if len(picked) > MAX_TOP_QUESTIONS:
        return f"Pick up to {MAX_TOP_QUESTIONS}: {len(picked)} are ticked."
    return True


def _validate_date(value: str, today: dt.date) -> bool | str:
    text = value.strip()
    if not text or text.lower() == BACK_WORD or date_candidates(text, today):
        return True
    return "Write the date like: tomorrow, Friday, Dec 3, or 2026-12-03."


def _as_path(value: str, cwd: Path, suffix: str) -> Path:
    path = Path(value).expanduser()
    if path.suffix.lower() != suffix and not (suffix == ".yaml" and path.suffix == ".yml"):
        path = path.with_name(path.name + suffix)
    return path if path.is_absolute() else cwd / path


def _validate_path(value: str, cwd: Path, suffix: str) -> bool | str:
    return validate_save_path(value, cwd, suffix, BACK_WORD)  # never raises on half a path


def run_interview(bank: QuestionBank, *, start: Profile | None, today: dt.date,
                  count_pages: Callable[[Profile], int], write_pdf: WritePdf,
                  write_answers: WriteAnswers, answers_path: Path | None = None,
                  cwd: Path | None = None,
                  check_text: Callable[[str], str | None] = lambda text: None,
                  defaults: dict[str, Any] | None = None, force: bool = False) -> Outcome:
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
    """
    draft = Draft.from_profile(start) if start else Draft()
    for key, value in (defaults or {}).items():
        setattr(draft, key, value)
    interview = Interview(bank, draft, today=today, count_pages=count_pages,
                          write_pdf=write_pdf, write_answers=write_answers,
                          answers_path=answers_path, cwd=cwd, check_text=check_text,
                          force=force)
    return interview.run()
