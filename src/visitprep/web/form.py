"""The checklist form as plain data: posted fields in, a draft and its errors out.

The steps, their labels, hints, choices and checks come from :mod:`visitprep.steps`,
the description the terminal interview uses too; only the page's frame (buttons,
headings, the error summary) has its own sentences, in :mod:`visitprep.web.text`.
No Flask here: the form arrives as any mapping with `get` and `getlist` (werkzeug's
MultiDict, or a test's), so the rules are tested without a server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from visitprep import steps
from visitprep.errors import ProfileError
from visitprep.i18n import current
from visitprep.interview import Draft
from visitprep.models import MAX_TOP_QUESTIONS, Profile, QuestionBank
from visitprep.profile import MAX_OWN_QUESTIONS, parse_concern, parse_recurrence
from visitprep.selection import more_questions, printable_include, select_questions
from visitprep.web.text import text

# The fields in page order: the error summary lists problems in this order, and each
# links to the input named here.
FIELDS: tuple[str, ...] = ("recurrence", "concerns", "review", "own", "top", "name",
                           "visit_date", "doctor", "companion", "template", "paper", "room")


# What a posted form offers: `get(key, default)` and `getlist(key)` (werkzeug's
# MultiDict, or a test's).
FormData = Any
CheckText = Callable[[str], "str | None"]


@dataclass
class FormState:
    """The form as the page shows it: the draft, the raw text typed, and the errors."""

    draft: Draft
    date_text: str = ""
    date_choices: list[dt.date] = field(default_factory=list)
    date_note: str = ""  # the date read back, or a warning that it is past or far ahead
    own_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Profile, today: dt.date) -> FormState:
        """Pre-fill every field from a profile (a loaded answers file)."""
        draft = Draft.from_profile(profile)
        day = profile.visit_date
        return cls(draft=draft, date_text=day.isoformat() if day else "",
                   date_note=steps.confirm_date(day, today) if day else "",
                   own_text="\n".join(profile.custom_questions))

    @property
    def ordered_errors(self) -> list[tuple[str, str]]:
        """The errors in page order, for the summary at the top."""
        return [(name, self.errors[name]) for name in FIELDS if name in self.errors]

    def profile(self) -> Profile:
        """The profile the form makes (meaningful only without errors)."""
        return self.draft.profile()


def _clean(value: str, step_id: str, check_text: CheckText) -> tuple[str, str]:
    """The cleaned text and '', or '' and the problem (the interview's words)."""
    def printable(cleaned: str) -> str | None:
        problem = check_text(cleaned)
        return f"This {problem}. Write it another way, or leave it out." if problem else None

    checked = steps.check_text(value, step_id, printable)
    return ("", checked.error) if checked.error else (str(checked.value), "")


def _flat(step_id: str, bank: QuestionBank, profile: Profile) -> list[tuple[str, str]]:
    return [(c.value, c.label) for group in steps.choices(step_id, bank, profile)
            for c in group.choices]


def template_choices(bank: QuestionBank, current: str) -> list[tuple[str, str]]:
    """The print sizes offered: the built-in ones, plus the server's own template."""
    return _flat("template", bank, Profile(recurrence="unsure", template=current))


def paper_choices(bank: QuestionBank) -> list[tuple[str, str]]:
    """The papers offered."""
    return _flat("paper", bank, Profile(recurrence="unsure"))


def length_choices(bank: QuestionBank) -> list[tuple[str, str]]:
    """Short (the key questions) or full (every question for the situation)."""
    return _flat("length", bank, Profile(recurrence="unsure"))


def room_choices(bank: QuestionBank) -> list[tuple[str, str]]:
    """The room to write offered: standard or more."""
    return _flat("room", bank, Profile(recurrence="unsure"))


def read_form(form: FormData, bank: QuestionBank, *, today: dt.date,
              defaults: dict[str, Any] | None = None,
              check_text: CheckText = lambda value: None,
              require_recurrence: bool = True) -> FormState:
    """Check every posted field and return the draft with the problems found.

    Args:
        form: The posted fields.
        bank: The question bank the ids and concerns refer to.
        today: For dates like 'tomorrow'.
        defaults: The server's template, paper and fillable options.
        check_text: Says why a text cannot be printed, or None.
        require_recurrence: False while the person is still choosing (the "show my
            questions" button), so a missing kind is not yet an error.
    """
    defaults = defaults or {}
    draft = Draft(template=defaults.get("template", "standard"),
                  paper=defaults.get("paper") or steps.paper_from_locale() or "letter",
                  fillable=bool(defaults.get("fillable", False)),
                  length=defaults.get("length", "short"),
                  room=defaults.get("room", "standard"), language=current())
    state = FormState(draft=draft)
    errors = state.errors
    ids = {q.id for q in bank.questions}

    def one(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    # Where the cancer came back.
    kind = one("recurrence").strip()
    if kind:
        try:
            draft.recurrence = parse_recurrence(kind, "recurrence")
        except ProfileError:
            errors["recurrence"] = text("bad_choice")
    elif require_recurrence:
        unsure = next((k.label for k in bank.recurrences if k.id == "unsure"), "unsure")
        errors["recurrence"] = text("recurrence_missing", unsure=unsure)

    # Concerns.
    for value in form.getlist("concerns"):
        try:
            concern = parse_concern(value, bank, "concerns")
        except ProfileError:
            errors["concerns"] = text("bad_choice")
            continue
        if concern not in draft.concerns:
            draft.concerns.append(concern)

    # The review: questions shown and unticked are left out (an added one is simply no
    # longer added); ticked ones under "show more" are added. Exclusions and additions
    # of questions not shown now (from a saved file) are kept.
    shown, more = one("shown").split(), one("more_shown").split()
    other, added = one("exclude_other").split(), one("include_other").split()
    # Each topic's checkboxes share a name (q-1, q-2, ...), so each group is one group.
    ticked = {value for key in form.keys() if key.startswith("q-")
              for value in form.getlist(key)}
    keep = ticked | set(form.getlist("keep"))
    add = ticked | set(form.getlist("add"))
    if any(qid not in ids for qid in (*shown, *more, *other, *added, *keep, *add)):
        errors["review"] = text("bad_choice")
    else:
        listed = set(shown) | set(more)
        draft.include = [qid for qid in added if qid not in listed]
        draft.include += [qid for qid in shown if qid in keep and qid in added]
        draft.include += [qid for qid in more if qid in add]
        draft.include = printable_include(bank, draft.recurrence, draft.concerns,
                                          draft.include)
        draft.exclude = [qid for qid in other if qid not in listed]
        draft.exclude += [qid for qid in shown if qid not in keep and qid not in added]
    length = one("length")
    if length in ("short", "full"):
        draft.length = length

    # Own questions, one a line.
    state.own_text = one("own")
    own: list[str] = []
    for number, line in enumerate((ln for ln in state.own_text.splitlines() if ln.strip()),
                                  start=1):
        cleaned, problem = _clean(line, "own", check_text)
        if problem:
            errors.setdefault("own", text("own_line", number=number, problem=problem))
        elif cleaned not in own:
            own.append(cleaned)
    if len(own) > MAX_OWN_QUESTIONS:
        errors.setdefault("own", text("own_too_many", count=len(own), limit=MAX_OWN_QUESTIONS))
    draft.own = own

    # Top questions: ids of bank questions, or the text of an own question.
    top: list[str] = []
    for value in form.getlist("top"):
        value = value.strip() if isinstance(value, str) else ""
        if not value or value in top:
            continue
        if value in ids:
            if value in draft.exclude:
                errors.setdefault("top", text("top_unticked", text=bank.question(value).text))
            top.append(value)
        else:
            cleaned, problem = _clean(value, "own", check_text)
            if problem:
                errors.setdefault("top", problem)
            elif cleaned not in own:
                # An own question removed from the list since: it cannot be printed first.
                continue
            else:
                top.append(cleaned)
    checked = steps.check_top(top)
    if checked.error:
        errors.setdefault("top", checked.error)
    draft.top = top[:MAX_TOP_QUESTIONS]

    # The header.
    for name in ("name", "doctor", "companion"):
        cleaned, problem = _clean(one(name), name, check_text)
        if problem:
            errors[name] = problem
        setattr(draft, name, cleaned)

    state.date_text = " ".join(one("visit_date").split())
    read = steps.check_date(state.date_text, today)
    if read.error:
        errors["visit_date"] = read.error
    elif len(read.days) == 1:
        draft.visit_date = read.days[0]
        state.date_note = read.question
    elif read.days:
        picked = one("visit_day")
        chosen = [day for day in read.days if day.isoformat() == picked]
        if chosen:
            draft.visit_date = chosen[0]
            state.date_note = steps.confirm_date(chosen[0], today)
        else:
            state.date_choices = list(read.days)
            state.date_note = steps.both_days(state.date_text, read.days)
            errors["visit_date"] = text("date_pick", text=state.date_text)

    # How it prints.
    template = one("template") or draft.template
    if template in dict(template_choices(bank, draft.template)):
        draft.template = template
    else:
        errors["template"] = text("bad_choice")
    paper = one("paper") or draft.paper
    if paper in dict(paper_choices(bank)):
        draft.paper = paper
    else:
        errors["paper"] = text("bad_choice")
    room = one("room") or draft.room
    if room in dict(room_choices(bank)):
        draft.room = room
    else:
        errors["room"] = text("bad_choice")
    if "fillable_shown" in form:
        draft.fillable = one("fillable") == "yes"
    return state


@dataclass(frozen=True)
class ReviewItem:
    """A question of the review list."""

    id: str
    text: str
    kept: bool


@dataclass(frozen=True)
class ReviewTopic:
    """A topic of the review list: the questions picked (ticked unless left out), then
    the rest of the topic behind "show more" (ticked when added)."""

    topic: str
    title: str
    picked: tuple[ReviewItem, ...]
    more: tuple[ReviewItem, ...]


def review_topics(bank: QuestionBank, draft: Draft) -> list[ReviewTopic]:
    """The picked questions by topic, and the others each topic has ([] with no kind yet)."""
    if not draft.recurrence:
        return []
    profile = draft.profile()
    groups = steps.choices("review", bank, dataclasses.replace(profile, top_questions=()))
    added = set(draft.include)
    plain = dataclasses.replace(profile, exclude=(), top_questions=(),
                                include=tuple(q for q in draft.include
                                              if q not in draft.exclude))
    picked = {section.title: section for section in select_questions(bank, plain).sections}
    more = {section.title: section for section in more_questions(bank, plain)}
    topics = []
    for group in groups:
        first = tuple(ReviewItem(c.value, c.label, c.checked) for c in group.choices
                      if c.value not in added)
        rest = tuple(ReviewItem(c.value, c.label, True) for c in group.choices
                     if c.value in added)
        extra = more.get(group.title)
        rest += tuple(ReviewItem(i.id or "", i.text, False) for i in (extra.items if extra
                                                                       else ()))
        topics.append(ReviewTopic(picked[group.title].topic if group.title in picked
                                  else group.title, group.title, first, rest))
    return topics


def top_groups(bank: QuestionBank, draft: Draft) -> list[tuple[str, list[tuple[str, str]]]]:
    """The questions a top question can be chosen from, by group: (value, text)."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if draft.recurrence:
        groups += [(group.title, [(c.value, c.label) for c in group.choices])
                   for group in steps.choices("top", bank, draft.profile())]
    elif draft.own:
        groups.append((text("top_own_group"), [(q, q) for q in draft.own]))
    # A top question kept from a saved file stays choosable even if its topic is gone.
    listed = {value for _, options in groups for value, _ in options}
    missing = [value for value in draft.top if value not in listed]
    if missing:
        groups.append(("", [(value, bank.question(value).text if value in
                             {q.id for q in bank.questions} else value)
                            for value in missing]))
    return groups
