"""Answers files, flags and rows become the same validated Profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from visitprep.errors import ProfileError
from visitprep.models import QuestionBank
from visitprep.profile import (
    load_answers,
    parse_date,
    profile_from_mapping,
    profile_to_mapping,
)

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)


def make(bank: QuestionBank, **data: object) -> object:
    return profile_from_mapping(data, bank, "answers.yaml")


def error(bank: QuestionBank, **data: object) -> str:
    with pytest.raises(ProfileError) as info:
        profile_from_mapping(data, bank, "answers.yaml")
    return str(info.value)


def test_full_profile(bank: QuestionBank) -> None:
    profile = profile_from_mapping({
        "recurrence": "distant",
        "concerns": ["costs", "clinical-trials"],
        "name": "  Zoë   Ålund ",
        "doctor": "Dr. Ng",
        "visit_date": dt.date(2026, 12, 3),
        "companion": "my son",
        "custom_questions": ["Can I still travel?"],
        "top_questions": ["tx-choices", "Can I still travel?"],
        "exclude": ["tx-hospital"],
        "template": "standard",
        "paper": "a4",
        "language": "en",
    }, bank, "answers.yaml")
    assert profile.recurrence == "distant"
    assert profile.concerns == ("costs", "clinical-trials")
    assert profile.name == "Zoë Ålund"
    assert profile.visit_date == dt.date(2026, 12, 3)
    assert profile.paper == "a4"
    assert profile_from_mapping(profile_to_mapping(profile), bank, "again") == profile


def test_keys_ignore_case_dashes_and_spaces(bank: QuestionBank) -> None:
    profile = profile_from_mapping(
        {"Recurrence": "local", "Visit Date": "2026-12-03", "CUSTOM-QUESTIONS": "A?; B?"},
        bank, "row 2")
    assert profile.visit_date == dt.date(2026, 12, 3)
    assert profile.custom_questions == ("A?", "B?")


@pytest.mark.parametrize("key", ["own questions", "My questions", "Own question"])
def test_what_people_call_their_own_questions(bank: QuestionBank, key: str) -> None:
    profile = profile_from_mapping({"recurrence": "local", key: "Can I drive?"}, bank, "row 2")
    assert profile.custom_questions == ("Can I drive?",)


def test_a_long_address_line_is_named(tmp_path: Path) -> None:
    from visitprep.clinic import load_clinic

    path = tmp_path / "clinic.yaml"
    path.write_text("name: X\naddress:\n  - 12 Main St\n  - " + "a" * 130 + "\n",
                    encoding="utf-8")
    with pytest.raises(ProfileError, match="'address, line 2' is 130 characters long"):
        load_clinic(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Distant", "distant"), ("metastatic", "distant"), (" NOT SURE ", "unsure"),
     ("same place", "local"), ("lymph nodes", "regional"), ("don't know", "unsure")],
)
def test_recurrence_accepts_plain_words(bank: QuestionBank, value: str, expected: str) -> None:
    assert make(bank, recurrence=value).recurrence == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Side Effects", "side-effects"), ("insurance", "costs"), ("clinical_trials",
     "clinical-trials"), ("Second Opinion", "second-opinion"), ("palliative care",
     "supportive-care")],
)
def test_concerns_accept_plain_words(bank: QuestionBank, value: str, expected: str) -> None:
    assert make(bank, recurrence="local", concerns=[value]).concerns == (expected,)  # type: ignore[attr-defined]


def test_unknown_recurrence_lists_allowed_values(bank: QuestionBank) -> None:
    assert error(bank, recurrence="far away") == (
        "answers.yaml: unknown recurrence 'far away'.\n"
        "Allowed values: local, regional, distant, unsure (use 'unsure' if it is not known yet)."
    )


def test_missing_recurrence(bank: QuestionBank) -> None:
    assert "'recurrence' is missing" in error(bank, concerns=["costs"])


def test_unknown_concern_lists_topics(bank: QuestionBank) -> None:
    message = error(bank, recurrence="local", concerns=["cots"])
    assert "unknown concern 'cots'. Did you mean 'costs'?" in message
    assert "Allowed concerns: my-recurrence, treatment-choices," in message
    assert "second-opinion" in message


def test_unknown_key_suggests_the_right_one(bank: QuestionBank) -> None:
    message = error(bank, recurrence="local", concerms=["costs"])
    assert "unknown key 'concerms'. Did you mean 'concerns'?" in message


def test_unknown_question_ids(bank: QuestionBank) -> None:
    assert "unknown question id 'tx-choice'. Did you mean 'tx-choices'?" in error(
        bank, recurrence="local", exclude=["tx-choice"])
    assert "'top_questions' names an unknown question id 'no-such-id'" in error(
        bank, recurrence="local", top_questions=["no-such-id"])


def test_top_questions_limit_and_conflict(bank: QuestionBank) -> None:
    assert "choose up to 3" in error(
        bank, recurrence="local", top_questions=["A?", "B?", "C?", "D?"])
    assert "both in 'top_questions' and in 'exclude'" in error(
        bank, recurrence="local", top_questions=["tx-choices"], exclude=["tx-choices"])


def test_text_fields(bank: QuestionBank) -> None:
    assert "must be text, not yes/no" in error(bank, recurrence="local", name=False)
    assert "invisible control character (U+001B)" in error(
        bank, recurrence="local", name="Ann\x1b[31m")
    assert "the limit is 100" in error(bank, recurrence="local", doctor="x" * 101)
    assert make(bank, recurrence="local", name="Ле́на").name == "Ле́на"  # type: ignore[attr-defined]


def test_paper_language_fillable(bank: QuestionBank) -> None:
    assert "unknown paper 'legal'" in error(bank, recurrence="local", paper="legal")
    assert "Allowed values: en" in error(bank, recurrence="local", language="fr")
    assert make(bank, recurrence="local", fillable="yes").fillable is True  # type: ignore[attr-defined]
    assert "must be true or false" in error(bank, recurrence="local", fillable="maybe")


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-12-03", dt.date(2026, 12, 3)), ("3 December 2026", dt.date(2026, 12, 3)),
     ("December 3, 2026", dt.date(2026, 12, 3)), ("Dec 3 2026", dt.date(2026, 12, 3)),
     ("Thursday, December 3, 2026", dt.date(2026, 12, 3))],
)
def test_dates_people_write(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


def test_ambiguous_and_impossible_dates_are_refused() -> None:
    with pytest.raises(ProfileError, match="could be Thursday, March 12, 2026 "
                       r"\(month first\) or Thursday, December 3, 2026 \(day first\)"):
        parse_date("03/12/2026")
    with pytest.raises(ProfileError, match="is not a real date"):
        parse_date("2026-02-30")
    assert parse_date("03/12/2026", order="dmy") == dt.date(2026, 12, 3)
    assert parse_date("next Tuesday", today=dt.date(2026, 11, 22)) == dt.date(2026, 11, 24)


def test_answers_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("- local\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="must be 'key: value' lines, not a list"):
        load_answers(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="the answers file is empty"):
        load_answers(path)
    path.write_text("recurrence: [local\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"a\.yaml, line \d"):
        load_answers(path)
    with pytest.raises(ProfileError, match="no such file"):
        load_answers(tmp_path / "missing.yaml")


def test_length_and_include(bank: QuestionBank) -> None:
    assert make(bank, recurrence="local").length == "short"  # type: ignore[attr-defined]
    assert make(bank, recurrence="local", Length=" Full ").length == "full"  # type: ignore[attr-defined]
    message = error(bank, recurrence="local", length="long")
    assert "answers.yaml: unknown length 'long'" in message
    assert "Allowed values: short, full" in message
    profile = make(bank, recurrence="local", concerns="costs",
                   include="cost-tests; cost-how-much")
    assert profile.include == ("cost-tests", "cost-how-much")  # type: ignore[attr-defined]
    assert "'include' names an unknown question id 'cost-test'" in error(
        bank, recurrence="local", include=["cost-test"])
    saved = profile_to_mapping(make(bank, recurrence="local", length="full",  # type: ignore[arg-type]
                                    concerns=["costs"], include=["cost-tests"]))
    assert saved["length"] == "full" and saved["include"] == ["cost-tests"]
    assert "length" not in profile_to_mapping(make(bank, recurrence="local"))  # type: ignore[arg-type]


def test_a_row_shows_every_problem_at_once(bank: QuestionBank) -> None:
    from visitprep.profile import RowProblemsError, problems_of

    with pytest.raises(RowProblemsError) as caught:
        profile_from_mapping({"recurrence": "sideways", "concerns": "costs, travel",
                              "visit_date": "12/33/2026", "paper": "legal"}, bank, "row 4")
    problems = problems_of(caught.value)
    assert [p.field for p in problems] == ["recurrence", "concerns", "visit_date", "paper"]
    assert [p.value for p in problems] == ["sideways", "travel", "12/33/2026", "legal"]
    assert caught.value.message.startswith("row 4: 4 problems: 1) unknown recurrence "
                                           "'sideways'. Allowed values: local, ")
    assert "4) unknown paper 'legal'. Allowed values: letter, a4." in caught.value.message


def test_plain_words_for_a_template_and_commas_between_concerns(bank: QuestionBank) -> None:
    profile = profile_from_mapping({"recurrence": "local", "template": "Large Print",
                                    "concerns": "costs, clinical trials; coping"}, bank, "x")
    assert profile.template == "large-print"
    assert profile.concerns == ("costs", "clinical-trials", "coping")
    own = profile_from_mapping({"recurrence": "local",
                                "custom_questions": "If it hurts, who do I call?"}, bank, "x")
    assert own.custom_questions == ("If it hurts, who do I call?",)  # its comma stays
