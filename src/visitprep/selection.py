"""Pick the questions for one profile: pure, and in the same order every time.

Order: the person's top questions (page 1), then their own questions, then the
bank's topics in bank order (the `always` topics and the chosen concerns), each
topic's questions in file order, keeping only those that fit the recurrence.

Length: a short list (the default) keeps the bank's core questions (`core: true`)
and the ones the person added (`include`); a full list keeps every question.
"""

from __future__ import annotations

from visitprep.errors import ProfileError, allowed, did_you_mean
from visitprep.models import (
    MAX_TOP_QUESTIONS,
    Item,
    Profile,
    Question,
    QuestionBank,
    Section,
    Selection,
)


def select_questions(bank: QuestionBank, profile: Profile) -> Selection:
    """Return the questions a profile gets, grouped by topic.

    Args:
        bank: A validated question bank.
        profile: A validated profile whose concerns and ids refer to this bank.

    Raises:
        ProfileError: If the profile names a concern or question id the bank lacks.
    """
    ids = {q.id for q in bank.questions}
    for concern in profile.concerns:
        if concern not in bank.concern_ids:
            raise ProfileError(
                f"unknown concern '{concern}'.{did_you_mean(concern, bank.concern_ids)}",
                hint=f"Allowed concerns: {allowed(bank.concern_ids)}.",
            )
    for field, values in (("exclude", profile.exclude), ("include", profile.include)):
        for qid in values:
            if qid not in ids:
                raise ProfileError(
                    f"{field}: unknown question id '{qid}'.{did_you_mean(qid, ids)}")
    if len(profile.top_questions) > MAX_TOP_QUESTIONS:
        raise ProfileError(f"top_questions: choose up to {MAX_TOP_QUESTIONS}")

    own_texts = list(profile.custom_questions)
    top: list[Item] = []
    used: set[str] = set()
    for entry in profile.top_questions:
        if entry in ids:
            pair = linked(bank, entry)
            if used & set(pair):
                continue  # its partner is already up there, with it
            top.append(_item(bank, pair))
            used.update(pair)
        else:
            top.append(Item(text=entry))
            if entry in own_texts:
                own_texts.remove(entry)
    for qid in profile.exclude:  # leaving out one of a linked pair leaves out both
        used.update(linked(bank, qid))

    sections: list[Section] = []
    chosen = [t for t in bank.topics if t.always or t.id in profile.concerns]
    short = profile.length == "short"
    added = {qid for entry in profile.include for qid in linked(bank, entry)}
    for topic in chosen:
        fitting = _fitting(bank, topic.id, profile.recurrence)
        kept = [q for q in fitting
                if not short or q.is_core(profile.recurrence) or q.id in added]
        if short and fitting and not any(q.is_core(profile.recurrence) for q in fitting):
            # A clinic's bank without core marks in a topic: its first question stands in,
            # so a chosen concern never disappears from the short list.
            kept = [fitting[0], *(q for q in kept if q is not fitting[0])]
        items = tuple(Item(text=q.text, id=q.id, source=q.source) for q in kept
                      if q.id not in used)
        if items:
            sections.append(Section(topic=topic.id, title=topic.title, items=items))
    chosen_ids = {t.id for t in chosen}
    return Selection(
        top=tuple(top),
        own=tuple(Item(text=text) for text in own_texts),
        sections=tuple(sections),
        checklists=tuple(c for c in bank.checklists if c.topic in chosen_ids),
    )


def linked(bank: QuestionBank, question_id: str) -> tuple[str, ...]:
    """The ids that travel with a question, in print order: itself, with the question it
    follows or the one that follows it (see ``Question.follows``)."""
    question = bank.question(question_id)
    if question.follows:
        return (question.follows, question.id)
    after = tuple(q.id for q in bank.questions if q.follows == question.id)
    return (question.id, *after)


def _item(bank: QuestionBank, ids: tuple[str, ...]) -> Item:
    """One printed item for a question and those that travel with it (in the top box a
    linked pair takes one place, read as one: "What are my treatment choices? Which do you
    suggest for me?")."""
    first = bank.question(ids[0])
    text = " ".join(bank.question(qid).text for qid in ids)
    return Item(text=text, id=first.id, source=first.source)


def _fitting(bank: QuestionBank, topic: str, recurrence: str) -> list[Question]:
    return [q for q in bank.questions if q.topic == topic and recurrence in q.recurrence]


def topics_without_questions(bank: QuestionBank, recurrence: str, *,
                             always: bool = False) -> tuple[str, ...]:
    """The concerns that hold no question for this kind of recurrence (side effects or a
    second opinion, for someone not sure yet); with `always`, the topics every handout
    has that print nothing for it too ("My treatment choices", for someone not sure yet)."""
    if not recurrence:
        return ()
    return tuple(t.id for t in bank.topics
                 if (always or not t.always) and not _fitting(bank, t.id, recurrence))


def more_questions(bank: QuestionBank, profile: Profile) -> tuple[Section, ...]:
    """Return what a short list leaves out: the rest of each chosen topic, in print order.

    The interview offers these ("show more questions"); a person's picks go into
    ``Profile.include``. Questions already printed (core, added, top) and excluded ones
    are not offered. A full list leaves nothing out.
    """
    if profile.length == "full":
        return ()
    ids = {q.id for q in bank.questions}
    printed = {item.id for section in select_questions(bank, profile).sections
               for item in section.items}
    printed |= {qid for entry in profile.top_questions + profile.exclude if entry in ids
                for qid in linked(bank, entry)}
    sections: list[Section] = []
    for topic in bank.topics:
        if not (topic.always or topic.id in profile.concerns):
            continue
        items = tuple(Item(text=q.text, id=q.id, source=q.source)
                      for q in _fitting(bank, topic.id, profile.recurrence)
                      if q.id not in printed)
        if items:
            sections.append(Section(topic=topic.id, title=topic.title, items=items))
    return tuple(sections)


def handout_counts(bank: QuestionBank, recurrence: str) -> dict[str, int]:
    """How many bank questions a handout of this kind prints, counted by the code that
    picks them: 'full' and 'short' with every concern, 'short_none' with no concern (a
    chosen topic with no core question for the kind prints its first question instead)."""
    def count(concerns: tuple[str, ...], length: str) -> int:
        profile = Profile(recurrence=recurrence, concerns=concerns, length=length)
        return sum(len(s.items) for s in select_questions(bank, profile).sections)

    every = bank.concern_ids
    return {"full": count(every, "full"), "short": count(every, "short"),
            "short_none": count((), "short")}
def printable_include(bank: QuestionBank, recurrence: str, concerns: tuple[str, ...] | list[str],
                      include: list[str]) -> list[str]:
    """The added questions that still print after the kind or the concerns changed: those
    of a chosen (or always printed) topic that fit the kind. An answers file with any other
    is refused with a message; the interview and the web page drop them as the person
    changes their answers, so what they save can be read back."""
    chosen = {t.id for t in bank.topics if t.always or t.id in concerns}
    fits = {q.id for q in bank.questions if q.topic in chosen and recurrence in q.recurrence}
    return [qid for qid in include if qid in fits]
