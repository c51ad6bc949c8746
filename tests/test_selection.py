"""Selection is pure, deterministic and follows the profile."""

from __future__ import annotations

from visitprep.models import Profile, QuestionBank
from visitprep.selection import more_questions, select_questions


def ids(selection: object) -> list[str]:
    return [i.id for s in selection.sections for i in s.items]  # type: ignore[attr-defined]


def test_same_profile_same_selection(bank: QuestionBank) -> None:
    profile = Profile(recurrence="distant", concerns=("costs", "side-effects"))
    assert select_questions(bank, profile) == select_questions(bank, profile)


def test_always_topics_print_and_concerns_add_topics_in_bank_order(bank: QuestionBank) -> None:
    plain = select_questions(bank, Profile(recurrence="local"))
    assert [s.topic for s in plain.sections] == ["my-recurrence", "treatment-choices"]
    chosen = select_questions(bank, Profile(recurrence="local",
                                            concerns=("coping", "costs", "side-effects")))
    assert [s.topic for s in chosen.sections] == [
        "my-recurrence", "treatment-choices", "side-effects", "costs", "coping"]


def test_questions_fit_the_recurrence(bank: QuestionBank) -> None:
    unsure = ids(select_questions(bank, Profile(recurrence="unsure", length="full")))
    local = ids(select_questions(bank, Profile(recurrence="local", length="full")))
    distant = ids(select_questions(bank, Profile(recurrence="distant", length="full")))
    assert "rec-tests-to-find-out" in unsure and "rec-tests-to-find-out" not in local
    assert "tx-surgery-radiation" in local and "tx-surgery-radiation" not in distant
    assert "rec-named-for-start" in distant and "rec-named-for-start" not in unsure
    for qid in unsure:
        assert "unsure" in bank.question(qid).recurrence


def test_exclude_removes_questions(bank: QuestionBank) -> None:
    selection = select_questions(bank, Profile(recurrence="local", exclude=("tx-hospital",)))
    assert "tx-hospital" not in ids(selection)


def test_top_questions_come_first_and_are_not_repeated(bank: QuestionBank) -> None:
    profile = Profile(recurrence="local", custom_questions=("Can I drive <after> R&D?",),
                      top_questions=("tx-hospital", "Can I drive <after> R&D?", "Will it hurt?"))
    selection = select_questions(bank, profile)
    assert [i.text for i in selection.top] == [
        "Will I have to stay in the hospital?", "Can I drive <after> R&D?", "Will it hurt?"]
    assert selection.top[0].id == "tx-hospital"
    assert "tx-hospital" not in ids(selection)
    assert selection.own == ()


def test_own_questions_are_kept_as_written(bank: QuestionBank) -> None:
    own = ("what about   spacing?", "¿Puedo trabajar?")
    selection = select_questions(bank, Profile(recurrence="local", custom_questions=own))
    assert tuple(i.text for i in selection.own) == own
    assert all(i.is_own for i in selection.own)


def test_symptom_checklist_only_with_the_symptoms_concern(bank: QuestionBank) -> None:
    assert select_questions(bank, Profile(recurrence="local")).checklists == ()
    with_symptoms = select_questions(bank, Profile(recurrence="local", concerns=("symptoms",)))
    assert [c.topic for c in with_symptoms.checklists] == ["symptoms"]


def test_count(bank: QuestionBank) -> None:
    selection = select_questions(bank, Profile(recurrence="local", custom_questions=("A?",),
                                               top_questions=("B?",)))
    assert selection.count == 2 + len(ids(selection))


def test_short_is_the_default_and_keeps_the_core_questions(bank: QuestionBank) -> None:
    concerns = ("costs", "coping", "symptoms")
    short = select_questions(bank, Profile(recurrence="distant", concerns=concerns))
    full = select_questions(bank, Profile(recurrence="distant", concerns=concerns,
                                          length="full"))
    assert short == select_questions(bank, Profile(recurrence="distant", concerns=concerns,
                                                   length="short"))
    assert all(bank.question(qid).is_core("distant") for qid in ids(short))
    assert [s.topic for s in short.sections] == [s.topic for s in full.sections]
    assert len(ids(short)) < len(ids(full))
    assert [q for q in ids(full) if bank.question(q).is_core("distant")] == ids(short)
    assert short.checklists == full.checklists


def test_more_questions_are_the_rest_and_include_adds_them(bank: QuestionBank) -> None:
    profile = Profile(recurrence="local", concerns=("coping",), exclude=("cope-faith",))
    more = more_questions(bank, profile)
    offered = [i.id for s in more for i in s.items]
    assert offered and "cope-faith" not in offered
    assert not set(offered) & set(ids(select_questions(bank, profile)))
    assert [s.topic for s in more] == ["my-recurrence", "treatment-choices", "coping"]
    coping = next(s for s in more if s.topic == "coping")
    pick = coping.items[0].id
    added = select_questions(bank, Profile(recurrence="local", concerns=("coping",),
                                           include=(pick,)))
    assert pick in ids(added)
    coping_ids = [i.id for s in added.sections if s.topic == "coping" for i in s.items]
    full = ids(select_questions(bank, Profile(recurrence="local", concerns=("coping",),
                                              length="full")))
    assert coping_ids == [q for q in full if q in coping_ids]  # in the bank's order
    assert pick not in [i.id for s in more_questions(
        bank, Profile(recurrence="local", concerns=("coping",), include=(pick,))) for i in s.items]
    assert more_questions(bank, Profile(recurrence="local", length="full")) == ()
