"""The checklist form as plain data: posted fields in, a draft and its errors out.

No Flask here: the form arrives as any mapping with `get` and `getlist` (werkzeug's
MultiDict, or a test's), so the rules are tested without a server. The values are
checked with the same functions and messages as the answers file and the interview.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from visitprep.document import format_date
from visitprep.errors import ProfileError, VisitprepError
from visitprep.interview import PAPERS as PAPER_CHOICES
from visitprep.interview import TEMPLATES as TEMPLATE_CHOICES
from visitprep.interview import Draft
from visitprep.models import MAX_TOP_QUESTIONS, Profile, QuestionBank
from visitprep.profile import (
    MAX_FIELD_LENGTH,
    MAX_OWN_QUESTION_LENGTH,
    MAX_OWN_QUESTIONS,
    clean_text,
    date_candidates,
    parse_concern,
    parse_recurrence,
)
from visitprep.selection import select_questions
from visitprep.web.text import text

SHOWN_FIRST = 5  # questions of a topic shown before "show more"

# The fields in page order: the error summary lists problems in this order, and each
# links to the input named here.
FIELDS: tuple[str, ...] = ("recurrence", "concerns", "review", "own", "top", "name",
                           "visit_date", "doctor", "companion", "template", "paper")


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
    own_text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_profile(cls, profile: Profile) -> FormState:
        """Pre-fill every field from a profile (a loaded answers file)."""
        draft = Draft.from_profile(profile)
        return cls(draft=draft,
                   date_text=profile.visit_date.isoformat() if profile.visit_date else "",
                   own_text="\n".join(profile.custom_questions))

    @property
    def ordered_errors(self) -> list[tuple[str, str]]:
        """The errors in page order, for the summary at the top."""
        return [(name, self.errors[name]) for name in FIELDS if name in self.errors]

    @property
    def date_readback(self) -> str:
        """The visit date as the page understood it, or ''."""
        day = self.draft.visit_date
        return format_date(day) if day and not self.date_choices else ""

    def profile(self) -> Profile:
        """The profile the form makes (meaningful only without errors)."""
        return self.draft.profile()


def _message(exc: VisitprepError, where: str) -> str:
    """A validation message without the 'where:' prefix the CLI needs."""
    message = exc.message.removeprefix(f"{where}: ")
    return f"{message} {exc.hint}" if exc.hint else message


def _clean(value: str, field_name: str, check_text: CheckText,
           limit: int = MAX_FIELD_LENGTH) -> tuple[str, str]:
    """The cleaned text and '' , or '' and the problem."""
    where = "This answer"
    try:
        cleaned = clean_text(value, field_name, where, limit=limit)
    except ProfileError as exc:
        return "", _message(exc, where)
    problem = check_text(cleaned) if cleaned else None
    return (cleaned, "") if not problem else ("", f"This {problem}. Write it another way, "
                                                  "or leave it out.")


def template_choices(current: str) -> list[tuple[str, str]]:
    """The print sizes offered: the built-in two, plus the server's own template."""
    choices = [(name, title) for name, title in TEMPLATE_CHOICES]
    if current not in dict(TEMPLATE_CHOICES):
        choices.insert(0, (current, text("template_own", name=current)))
    return choices


def paper_choices() -> list[tuple[str, str]]:
    """The papers offered."""
    return list(PAPER_CHOICES)


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
                  paper=defaults.get("paper", "letter"),
                  fillable=bool(defaults.get("fillable", False)))
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

    # The review: questions shown and unticked become excluded; exclusions of
    # questions not shown now (from a saved file) are kept.
    shown = one("shown").split()
    other = one("exclude_other").split()
    keep = set(form.getlist("keep"))
    if any(qid not in ids for qid in (*shown, *other, *keep)):
        errors["review"] = text("bad_choice")
    else:
        draft.exclude = [qid for qid in other if qid not in shown]
        draft.exclude += [qid for qid in shown if qid not in keep]

    # Own questions, one a line.
    state.own_text = one("own")
    own: list[str] = []
    for number, line in enumerate((ln for ln in state.own_text.splitlines() if ln.strip()),
                                  start=1):
        cleaned, problem = _clean(line, "question", check_text, MAX_OWN_QUESTION_LENGTH)
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
            cleaned, problem = _clean(value, "top question", check_text,
                                      MAX_OWN_QUESTION_LENGTH)
            if problem:
                errors.setdefault("top", problem)
            elif cleaned not in own:
                # An own question removed from the list since: it cannot be printed first.
                continue
            else:
                top.append(cleaned)
    if len(top) > MAX_TOP_QUESTIONS:
        errors.setdefault("top", text("top_too_many", max=MAX_TOP_QUESTIONS))
    draft.top = top[:MAX_TOP_QUESTIONS]

    # The header.
    for name in ("name", "doctor", "companion"):
        cleaned, problem = _clean(one(name), name, check_text)
        if problem:
            errors[name] = problem
        setattr(draft, name, cleaned)

    state.date_text = " ".join(one("visit_date").split())
    if state.date_text:
        days = date_candidates(state.date_text, today)
        if not days:
            errors["visit_date"] = text("date_bad")
        elif len(days) == 1:
            draft.visit_date = days[0]
        else:
            picked = one("visit_day")
            chosen = [day for day in days if day.isoformat() == picked]
            if chosen:
                draft.visit_date = chosen[0]
            else:
                state.date_choices = days
                errors["visit_date"] = text("date_pick", text=state.date_text)

    # How it prints.
    template = one("template") or draft.template
    if template in dict(template_choices(draft.template)):
        draft.template = template
    else:
        errors["template"] = text("bad_choice")
    paper = one("paper") or draft.paper
    if paper in dict(PAPER_CHOICES):
        draft.paper = paper
    else:
        errors["paper"] = text("bad_choice")
    return state


@dataclass(frozen=True)
class ReviewItem:
    """A question of the review list."""

    id: str
    text: str
    kept: bool


@dataclass(frozen=True)
class ReviewTopic:
    """A topic of the review list: the first few questions, then the rest."""

    topic: str
    title: str
    first: tuple[ReviewItem, ...]
    more: tuple[ReviewItem, ...]


def review_topics(bank: QuestionBank, draft: Draft) -> list[ReviewTopic]:
    """The picked questions by topic, each ticked unless excluded ([] with no kind yet)."""
    if not draft.recurrence:
        return []
    selection = select_questions(bank, dataclasses.replace(
        draft.profile(), exclude=(), top_questions=()))
    topics = []
    for section in selection.sections:
        items = tuple(ReviewItem(item.id or "", item.text, item.id not in draft.exclude)
                      for item in section.items)
        topics.append(ReviewTopic(section.topic, section.title, items[:SHOWN_FIRST],
                                  items[SHOWN_FIRST:]))
    return topics


def top_groups(bank: QuestionBank, draft: Draft) -> list[tuple[str, list[tuple[str, str]]]]:
    """The questions a top question can be chosen from, by group: (value, text)."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if draft.own:
        groups.append((text("top_own_group"), [(q, q) for q in draft.own]))
    if draft.recurrence:
        selection = select_questions(bank, dataclasses.replace(
            draft.profile(), top_questions=()))
        for section in selection.sections:
            groups.append((section.title, [(item.id or item.text, item.text)
                                           for item in section.items]))
    # A top question kept from a saved file stays choosable even if its topic is gone.
    listed = {value for _, options in groups for value, _ in options}
    missing = [value for value in draft.top if value not in listed]
    if missing:
        groups.append(("", [(value, bank.question(value).text if value in
                             {q.id for q in bank.questions} else value)
                            for value in missing]))
    return groups
