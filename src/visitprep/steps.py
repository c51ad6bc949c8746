"""The interview's steps, described once: the terminal interview and the web page take their
steps, labels, hints, choices and checks from here. Plain data and pure functions; no
questionary, no Flask, no printing. Every sentence a person reads is in :data:`MESSAGES`,
so a second language is one more table.

Data shape (stable: the web page builds on it)
----------------------------------------------
:data:`STEPS` is a tuple of :class:`Step`, in the order they are asked::

    Step(id, kind, field, label, hint, optional, more, limit, max_picks, terminal_only)

``label`` and ``hint`` are keys of :data:`MESSAGES`; ``step.text(**values)`` and
``step.hint_text`` give the words.

``id`` (stable)   ``kind``  ``field`` (answers-file key)  what it asks
``recurrence``    one       recurrence                    where the cancer came back
``concerns``      many      concerns                      topics to talk about
``length``        one       length                        short (the key questions) or full
``review``        many      exclude                       the picked questions, all checked;
                                                          unchecked ones go to ``exclude``
``more``          many      include                       "show more questions": the rest of
                                                          each topic a short list leaves out;
                                                          checked ones go to ``include``
``own``           texts     custom_questions              the person's own questions
``top``           many      top_questions                 up to 3 printed first (max_picks 3)
``name``          text      name
``visit-date``    date      visit_date                    read back; past or far dates confirmed
``doctor``        text      doctor
``companion``     text      companion
``template``      one       template                      print size
``paper``         one       paper                         more=True: under "More options"
``fillable``      yes-no    fillable                      more=True: under "More options"
``room``          one       room                          more=True: room to write (standard,
                                                          more)
``pdf-path``      file      ""                            terminal_only: where to save the PDF
``save-answers``  yes-no    ""                            terminal_only
``answers-path``  file      ""                            terminal_only

Kinds: ``one`` (pick one choice), ``many`` (check any number), ``text`` (one line, at most
``limit`` characters), ``texts`` (several such lines), ``date``, ``yes-no``, ``file``.

Choices come from :func:`choices` as a tuple of :class:`Group` (``title`` "" for a flat
list), each holding :class:`Choice` (``value``, ``label``, ``hint``, ``checked``). ``value``
is what goes into the answers (a recurrence id, a topic id, a question id, or the text of an
own question). Checks are :func:`check_text`, :func:`check_top` and :func:`check_date`;
each returns a :class:`Checked` (``value`` and ``error``: "" when fine) and never raises.
:func:`answers_after` turns a step's answer into the answers mapping the rest of visitprep
reads (:func:`visitprep.profile.profile_from_mapping`).

Messages are looked up with :func:`say` (``say("visit-date.readback", day=...)``); keys are
``<step id>.<part>``, or a shared word such as ``back``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from visitprep.dates import DateError, day_first, format_day, read_date
from visitprep.i18n import N_, gettext, ngettext
from visitprep.i18n import checked_text as checked_text  # the counted words, re-exported
from visitprep.i18n import pages_text as pages_text
from visitprep.i18n import questions_text as questions_text
from visitprep.models import MAX_TOP_QUESTIONS, ROOMS, Profile, QuestionBank
from visitprep.profile import MAX_FIELD_LENGTH, MAX_OWN_QUESTION_LENGTH

FAR_AHEAD_DAYS = 366
TEMPLATES: tuple[str, ...] = ("standard", "large-print")
PAPERS: tuple[str, ...] = ("letter", "a4")

MESSAGES: dict[str, str] = {
    # shared
    "intro": N_("visitprep makes a checklist of questions to bring to your cancer care visit. "
                "It takes about three minutes.\nNothing is saved until the end. To stop at any "
                "time, hold the Ctrl key and press C."),
    "back": N_("Go back to the previous step"),
    "back.word": N_("back"),
    "list.one": N_("(use the up and down arrow keys, then press Enter)"),
    "list.many": N_("(up and down arrow keys to move, spacebar to check a box, Enter when "
                    "done. On a row starting with >> or <<, the spacebar or Enter does what "
                    "the row says.)"),
    "list.none": N_("none"),
    "list.keys": N_("Typing does nothing in a list. Use the up and down arrow keys to move, "
                    "the spacebar to check a box, and Enter when done."),
    "list.nothing-checked": N_("You did not check anything. Go on without any? Press Enter "
                               "again to go on, or the spacebar to check a box."),
    "text.skip": N_("(press Enter to skip; type back to go back)"),
    "text.too-long": N_("This is {length} characters long; the limit is {limit}. Shorten it."),
    "text.control": N_("This holds an invisible character (U+{code}). Retype it, or paste it "
                       "as plain text."),
    # steps
    "recurrence.label": N_("Where has the cancer come back?"),
    "concerns.intro": N_("Questions {always} are always included."),
    "concerns.label": N_("What else would you like to talk about?"),
    "concerns.hint": N_("Check any that apply. Checking none is fine."),
    "concerns.later": N_("No questions yet: these come once a recurrence is confirmed."),
    "review.intro": N_("Here are the questions picked for you, by topic."),
    "review.label": N_("{count}, {pages}. Uncheck any you do not want:"),
    "review.done": N_("{count}, {pages}."),
    "review.more": N_("Show more questions I could add ({count} more)"),
    "review.full": N_("Print every question for my situation (the full list)"),
    "review.short": N_("Print the short list again (the key questions only)"),
    "length.label": N_("How long should the list be?"),
    "length.short": N_("Short: the key questions for you"),
    "length.full": N_("Full: every question for your situation"),
    "more.label": N_("Check the questions to add to your list:"),
    "own-keep.label": N_("Your own questions from last time. Keep them?"),
    "own.intro": N_("Add questions of your own, one at a time. When you are done, press Enter "
                    "on an empty line. To go back, type back."),
    "own.label": N_("Your question:"),
    "own.nothing": N_("Nothing is left to print: every question of the list is unchecked. "
                      "Add a question of your own, or type back to keep some of the list."),
    "own.hint": N_("(type it, then press Enter; just Enter when you are done)"),
    "top.label": N_("Check up to {max} to print first, on page 1:"),
    "top.hint": N_("Checking none is fine."),
    "top.intro": N_("Which questions matter most to you? The ones you check print first, on "
                    "page 1, where your care team sees them. Checking none is fine."),
    "top.too-many": N_("Check up to {max}: {count} are checked. Uncheck one with the spacebar."),
    "details.intro": N_("A few details for the top of the page. All can be left empty: press "
                        "Enter to skip one."),
    "name.label": N_("Your name, for the top of the page:"),
    "visit-date.label": N_("The date of your visit:"),
    "visit-date.hint": N_("(like: next Friday, Dec 3, 12/3/2026, in 2 weeks; Enter to skip)"),
    "visit-date.unreadable": N_("{problem}. Write it like: next Friday, Dec 3, 12/3/2026, "
                                "2026-12-03, or in 2 weeks."),
    "visit-date.which": N_("Which day do you mean by {text}?"),
    "visit-date.readback": N_("{day}. Is that right?"),
    "visit-date.past": N_("{day} is in the past. Is that the right date?"),
    "visit-date.far": N_("{day} is more than a year away. Is that the right date?"),
    "doctor.label": N_("Your doctor's name:"),
    "companion.label": N_("Who is coming with you to the visit?"),
    "template.label": N_("How big should the print be?"),
    "template.standard": N_("Standard print (12 point)"),
    "template.large-print": N_("Large print (18 point), easier to read"),
    "template.yours": N_("Your own layout ({name})"),
    "template.pages": N_("{pages} in this print size."),
    "template.more": N_("More options (paper size: {paper}; fill in on the computer: "
                        "{fillable}; room to write: {room})"),
    "paper.label": N_("What paper will you print on?"),
    "paper.letter": N_("Letter (US and Canada)"),
    "paper.a4": "A4 (most other countries)",
    "fillable.label": N_("Would you like to fill in the checklist on the computer before "
                         "printing it?"),
    "pdf-path.label": N_("Save the checklist as:"),
    "pdf-path.hint": N_("(press Enter to save; type back to go back)"),
    "pdf-path.empty": N_("Type a file name."),
    "pdf-path.folder": N_("That is a folder. Add a file name."),
    "pdf-path.no-folder": N_("The folder {folder} does not exist."),
    "pdf-path.replace": N_("{name} already exists. Replace it?"),
    "pdf-path.failed": N_("Could not save it: {problem}"),
    "pdf-path.saved": N_("\nSaved your checklist ({pages}) in this file:\n    {path}\nBring "
                         "it to your visit, and show page 1 to your care team.\n"),
    "save-answers.label": N_("Save your answers, to print this again or change it next time?"),
    "answers-path.label": N_("Save the answers as:"),
    "answers-path.hint": N_("(press Enter to save)"),
    "answers-path.failed": N_("Could not save them: {problem}"),
    "answers-path.saved": N_("Saved your answers in this file:\n    {path}\n\nNext time, open "
                             "a terminal, go to that folder with this line:\n    cd {folder}"
                             "\nthen type this to start from your answers:\n    visitprep "
                             "interview --answers {file}\nor this to print the same "
                             "checklist again:\n    visitprep make --answers {file}"),
    "yes": N_("yes"),
    "no": N_("no"),
    "yes.choice": N_("Yes"),
    "no.choice": N_("No"),
    "language.label": N_("Language / Idioma:"),
    # issue 23: the closing lines, room to write
    "open.label": N_("Open your checklist now, to print it?"),
    "open.opened": N_("It is opening in your PDF viewer. Choose Print there (often in the File "
                      "menu)."),
    "open.failed": N_("Could not open it ({problem}). To print it, open this file and choose "
                      "Print:\n    {path}"),
    "open.how": N_("To print it, open this file and choose Print:\n    {path}"),
    "visit-date.both": N_("“{text}” could be {first} or {second}. To choose, write the "
                          "month as a word, like {example}."),
    "own-keep.now": N_("Your own questions so far. Keep them?"),
    "list.more-above": N_("\u2191 more above: press the up arrow key"),
    "list.more-below": N_("\u2193 more below: press the down arrow key"),
    "list.one-digits": N_("(use the up and down arrow keys, or type a row's number, then "
                          "press Enter)"),
    "list.keys-one": N_("Use the up and down arrow keys, or type a row's number, then press "
                        "Enter."),
    "room.label": N_("How much room would you like to write the answers?"),
    "room.standard": N_("Standard: one line to write on under each question"),
    "room.more": N_("More room: three lines under each question (more pages)"),
    "room.word-standard": N_("standard"),
    "room.word-more": N_("more"),
}


def say(key: str, **values: Any) -> str:
    """The message `key` in the language in use, with `values` filled in."""
    text = gettext(MESSAGES[key])
    return text.format(**values) if values else text


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 page', '3 pages': questions and pages from the catalog, other words in English."""
    if one == "question":
        return questions_text(count)
    if one == "page":
        return pages_text(count)
    return f"{count} {one if count == 1 else many or one + 's'}"


def join_words(words: list[str] | tuple[str, ...]) -> str:
    """'A, B and C' as the language in use writes a list (CLDR, through Babel)."""
    from babel.lists import format_list

    from visitprep.i18n import babel_locale

    return format_list(list(words), locale=babel_locale()) if words else ""


@dataclass(frozen=True)
class Step:
    """One step of the interview, as data."""

    id: str
    kind: str  # one, many, text, texts, date, yes-no, file
    field: str  # the answers-file key it fills ("" for none)
    label: str  # a MESSAGES key: the question
    hint: str = ""  # a MESSAGES key: how to answer ("" for none)
    optional: bool = True
    more: bool = False  # asked only under "More options"
    limit: int = 0  # characters, for text
    max_picks: int = 0  # for many: at most this many checked (0: no limit)
    terminal_only: bool = False

    def text(self, **values: Any) -> str:
        """The question, with `values` filled in (review: count, pages; top: max)."""
        if self.id == "top":
            values.setdefault("max", self.max_picks)
        return say(self.label, **values)

    @property
    def hint_text(self) -> str:
        """How to answer, or ""."""
        return say(self.hint) if self.hint else ""


@dataclass(frozen=True)
class Choice:
    """One choice of a list."""

    value: str
    label: str
    hint: str = ""
    checked: bool = False


@dataclass(frozen=True)
class Group:
    """Choices under a heading ("" for none)."""

    title: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Checked:
    """The result of a check: the cleaned value, or why it cannot be used."""

    value: Any = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the value can be used."""
        return not self.error


STEPS: tuple[Step, ...] = (
    Step("recurrence", "one", "recurrence", "recurrence.label", "list.one", optional=False),
    Step("concerns", "many", "concerns", "concerns.label", "concerns.hint"),
    Step("length", "one", "length", "length.label", "list.one"),
    Step("review", "many", "exclude", "review.label", "list.many"),
    Step("more", "many", "include", "more.label", "list.many"),
    Step("own", "texts", "custom_questions", "own.label", "own.hint",
         limit=MAX_OWN_QUESTION_LENGTH),
    Step("top", "many", "top_questions", "top.label", "top.hint", max_picks=MAX_TOP_QUESTIONS),
    Step("name", "text", "name", "name.label", "text.skip", limit=MAX_FIELD_LENGTH),
    Step("visit-date", "date", "visit_date", "visit-date.label", "visit-date.hint"),
    Step("doctor", "text", "doctor", "doctor.label", "text.skip", limit=MAX_FIELD_LENGTH),
    Step("companion", "text", "companion", "companion.label", "text.skip",
         limit=MAX_FIELD_LENGTH),
    Step("template", "one", "template", "template.label", "list.one"),
    Step("paper", "one", "paper", "paper.label", "list.one", more=True),
    Step("fillable", "yes-no", "fillable", "fillable.label", "list.one", more=True),
    Step("room", "one", "room", "room.label", "list.one", more=True),
    Step("pdf-path", "file", "", "pdf-path.label", "pdf-path.hint", terminal_only=True),
    Step("save-answers", "yes-no", "", "save-answers.label", "list.one",
         terminal_only=True),
    Step("answers-path", "file", "", "answers-path.label", "answers-path.hint",
         terminal_only=True),
)


def step(step_id: str) -> Step:
    """The step with this id (KeyError if there is none)."""
    for item in STEPS:
        if item.id == step_id:
            return item
    raise KeyError(step_id)


# -- choices ----------------------------------------------------------------------------

def choices(step_id: str, bank: QuestionBank, profile: Profile, *,
            select: Callable[[QuestionBank, Profile], Any] | None = None) -> tuple[Group, ...]:
    """The choices of a list step, checked as `profile` says.

    Args:
        step_id: recurrence, concerns, length, review, more, top, template, paper or room.
        bank: The question bank.
        profile: The answers so far.
        select: The question selection function (default
            :func:`visitprep.selection.select_questions`); review and top list what it picks.
    """
    if step_id == "recurrence":
        return (Group("", tuple(Choice(k.id, k.label, k.meaning, k.id == profile.recurrence)
                                for k in bank.recurrences)),)
    if step_id == "concerns":
        from visitprep.selection import topics_without_questions

        later = set(topics_without_questions(bank, profile.recurrence))
        return (Group("", tuple(Choice(t.id, t.title,
                                       say("concerns.later") if t.id in later else t.hint,
                                       t.id in profile.concerns)
                                for t in bank.topics if not t.always)),)
    if step_id == "template":
        names = list(TEMPLATES)
        if profile.template not in names:
            names.insert(0, profile.template)
        return (Group("", tuple(
            Choice(n, say(f"template.{n}") if n in TEMPLATES else say("template.yours", name=n),
                   checked=n == profile.template) for n in names)),)
    if step_id == "length":
        return (Group("", tuple(Choice(n, say(f"length.{n}"), checked=n == profile.length)
                                for n in ("short", "full"))),)
    if step_id == "paper":
        return (Group("", tuple(Choice(p, say(f"paper.{p}"), checked=p == profile.paper)
                                for p in PAPERS)),)
    if step_id == "room":
        return (Group("", tuple(Choice(r, say(f"room.{r}"), checked=r == profile.room)
                                for r in ROOMS)),)
    if select is None:
        from visitprep.selection import select_questions

        select = select_questions
    if step_id == "review":
        picked = select(bank, dataclasses.replace(profile, exclude=(), top_questions=()))
        return tuple(Group(s.title, tuple(Choice(i.id or "", i.text, checked=i.id not in
                                                 profile.exclude) for i in s.items))
                     for s in picked.sections)
    if step_id == "top":
        picked = select(bank, dataclasses.replace(profile, top_questions=()))
        groups = []
        if picked.own:
            groups.append(Group(gettext("My own questions"), tuple(
                Choice(i.text, i.text, checked=i.text in profile.top_questions)
                for i in picked.own)))
        groups += [Group(s.title, tuple(Choice(i.id or i.text, i.text, checked=(i.id or i.text)
                                               in profile.top_questions) for i in s.items))
                   for s in picked.sections]
        return tuple(groups)
    if step_id == "more":
        from visitprep.selection import more_questions

        return tuple(Group(s.title, tuple(Choice(i.id or "", i.text) for i in s.items))
                     for s in more_questions(bank, profile))
    raise KeyError(step_id)


def none_yet(titles: list[str]) -> str:
    """The note that chosen concerns hold no question until a recurrence is confirmed."""
    return ngettext(
        "Note: {topics} has no questions while a recurrence is not confirmed; they come "
        "once it is.",
        "Note: {topics} have no questions while a recurrence is not confirmed; they come "
        "once it is.", len(titles)).format(topics=join_words([f'"{t}"' for t in titles]))


def always_topics(bank: QuestionBank, recurrence: str = "") -> str:
    """The topics every handout has, for the concerns step's intro: those that print
    something for this kind of recurrence ("" when none does)."""
    from visitprep.selection import topics_without_questions

    empty = set(topics_without_questions(bank, recurrence, always=True))
    return join_words([f'"{t.title}"' for t in bank.topics if t.always and t.id not in empty])


def concerns_intro(bank: QuestionBank, recurrence: str = "") -> str:
    """The concerns step's intro: which topics are always included, and how to answer."""
    always = always_topics(bank, recurrence)
    hint = say("concerns.hint")
    return f"{say('concerns.intro', always=always)} {hint}" if always else hint


# -- checks -----------------------------------------------------------------------------

def check_text(value: str, step_id: str,
               printable: Callable[[str], str | None] = lambda text: None) -> Checked:
    """Check one typed line: one line, no control characters, not too long, printable.

    Args:
        value: As typed.
        step_id: name, doctor, companion or own (sets the length limit).
        printable: Returns why a text cannot print (a character the font lacks), or None.
    """
    from visitprep.profile import character_code, control_character, one_line  # as files

    text = one_line(value)
    char = control_character(text)
    if char:
        return Checked(text, say("text.control", code=character_code(char)))
    limit = step(step_id).limit or MAX_FIELD_LENGTH
    if len(text) > limit:
        return Checked(text, say("text.too-long", length=len(text), limit=limit))
    problem = printable(text) if text else None
    return Checked(text, problem or "")


def check_top(picked: list[str]) -> Checked:
    """At most MAX_TOP_QUESTIONS top questions."""
    if len(picked) > MAX_TOP_QUESTIONS:
        return Checked(picked, say("top.too-many", max=MAX_TOP_QUESTIONS, count=len(picked)))
    return Checked(picked)


@dataclass(frozen=True)
class DateCheck:
    """A typed visit date, read.

    Attributes:
        days: The days it can mean: none (empty answer or error), one, or two to choose from
            (a numbers-only date such as 12/3; ask "visit-date.which").
        error: Why it cannot be read ("" when it can).
        question: For one day, what to ask before taking it: the read-back, or the past or
            far-ahead warning (answer yes to keep it).
        warn: True when the question is a warning (past or far ahead): default to no.
    """

    days: tuple[dt.date, ...] = ()
    error: str = ""
    question: str = ""
    warn: bool = False


def check_date(value: str, today: dt.date) -> DateCheck:
    """Read a typed visit date and say what to ask about it."""
    text = " ".join(str(value).split())
    if not text:
        return DateCheck()
    try:
        # Numbers only: day first where the language writes dates so (8/12 in Spanish).
        reading = read_date(text, today, "dmy" if day_first() else None)
    except DateError as exc:
        problem = str(exc)
        return DateCheck(error=say("visit-date.unreadable",
                                   problem=problem[0].upper() + problem[1:]))
    if reading.ambiguous:
        return DateCheck(reading.days)
    return DateCheck(reading.days, question=confirm_date(reading.days[0], today),
                     warn=date_warning(reading.days[0], today))


def date_warning(day: dt.date, today: dt.date) -> bool:
    """True for a day in the past or more than a year ahead."""
    return day < today or (day - today).days > FAR_AHEAD_DAYS


def confirm_date(day: dt.date, today: dt.date) -> str:
    """The question that reads a date back (or warns that it is past or far ahead)."""
    shown = format_day(day)
    if day < today:
        return say("visit-date.past", day=shown)
    if (day - today).days > FAR_AHEAD_DAYS:
        return say("visit-date.far", day=shown)
    return say("visit-date.readback", day=shown)


def both_days(text: str, days: tuple[dt.date, ...]) -> str:
    """What a numbers-only date such as 12/3 can mean, and how to write the one meant."""
    from babel.dates import format_skeleton

    from visitprep.i18n import babel_locale

    first, second = days[0], days[-1]
    # The month as a word, as the language writes it: "Dec 3", "3 dic" (CLDR).
    example = str(format_skeleton("MMMd", first, locale=babel_locale())).rstrip(".")
    return say("visit-date.both", text=text, first=format_day(first),
               second=format_day(second), example=example)


def date_choices(days: tuple[dt.date, ...]) -> tuple[Group, ...]:
    """The days an ambiguous date can mean, as a list to pick from."""
    return (Group("", tuple(Choice(d.isoformat(), format_day(d)) for d in days)),)


# -- paper from the locale ----------------------------------------------------------------

_LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA",
                             "SV", "NI", "DO", "PR", "BZ"})


def paper_from_locale(env: Mapping[str, str] | None = None) -> str | None:
    """The paper size the system's locale implies, or None when it says nothing.

    Reads LC_ALL, LC_PAPER, then LANG (for example en_US.UTF-8 -> letter, de_DE -> a4);
    "C" and "POSIX" say nothing.
    """
    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        base = value.split(".")[0].split("@")[0]
        if base in ("C", "POSIX") or "_" not in base:
            return None
        return "letter" if base.split("_")[1].upper() in _LETTER_REGIONS else "a4"
    return None


# -- answers ----------------------------------------------------------------------------

def answers_after(step_id: str, answer: Any, answers: Mapping[str, Any],
                  shown: tuple[Group, ...] = ()) -> dict[str, Any]:
    """The answers mapping after a step's answer, for profile_from_mapping.

    Args:
        step_id: The step answered.
        answer: Its value: a choice value, a list of them, text, a date or a bool.
        answers: The answers so far (answers-file keys).
        shown: For review, the groups that were shown (unchecked ones become exclusions,
            exclusions of questions not shown are kept).
    """
    out = dict(answers)
    field = step(step_id).field
    if step_id == "review":
        listed = {c.value for g in shown for c in g.choices}
        kept = [q for q in out.get("exclude", []) if q not in listed]
        out["exclude"] = kept + [c.value for g in shown for c in g.choices
                                 if c.value not in answer]
    elif step_id == "more":
        out["include"] = [*out.get("include", []),
                          *(v for v in answer if v not in out.get("include", []))]
    elif isinstance(answer, dt.date):
        out[field] = answer.isoformat()
    elif field:
        out[field] = list(answer) if isinstance(answer, list | tuple) else answer
    return out
