"""The built-in bank: complete, sourced, plain; and broken banks refused with their file name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from visitprep.bank import (
    MAX_MEAN_GRADE,
    MAX_QUESTION_GRADE,
    core_problems,
    load_bank,
    reading_report,
)
from visitprep.errors import BankError
from visitprep.models import RECURRENCES, QuestionBank

from conftest import SEEDS

REQUIRED_CONCERNS = ("side-effects", "clinical-trials", "costs", "second-opinion")
SUBJECTS = (
    "my-recurrence", "treatment-choices", "deciding", "symptoms", "follow-up",
    "lowering-risk", "supportive-care", "coping", "chronic-illness",
)
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repo")


def test_bank_has_the_topics_users_named(bank: QuestionBank) -> None:
    ids = [t.id for t in bank.topics]
    for topic in REQUIRED_CONCERNS + SUBJECTS:
        assert topic in ids


def test_bank_size_and_every_topic_has_questions(bank: QuestionBank) -> None:
    assert 60 <= len(bank.questions) <= 120
    for topic in bank.topics:
        assert any(q.topic == topic.id for q in bank.questions), topic.id


def test_ids_are_unique_and_every_entry_is_a_question(bank: QuestionBank) -> None:
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    texts = [q.text for q in bank.questions]
    assert len(texts) == len(set(texts))
    assert all(q.text.endswith("?") for q in bank.questions)


def test_every_recurrence_gets_questions_of_its_own(bank: QuestionBank) -> None:
    for recurrence in RECURRENCES:
        assert any(q.recurrence == {recurrence} for q in bank.questions), recurrence


def test_reading_level_meets_the_standard(bank: QuestionBank) -> None:
    report = reading_report(bank)
    assert report.mean <= MAX_MEAN_GRADE
    assert [(q.id, g) for q, g in report.grades if g > MAX_QUESTION_GRADE] == []
    assert report.ok


def test_core_marks_keep_the_short_list_within_its_limits(bank: QuestionBank) -> None:
    assert core_problems(bank) == []
    assert any(q.core for q in bank.questions)
    assert any(not q.core for q in bank.questions)


def test_core_counts_out_of_limits_are_reported(bank_copy: Path) -> None:
    path = bank_copy / "coping.yaml"
    text = path.read_text(encoding="utf-8").replace("    core: true\n", "")
    path.write_text(text.replace("  - id:", "  - core: true\n    id:"), encoding="utf-8")
    problems = core_problems(load_bank(bank_copy))
    assert any("core questions in 'coping'" in p and "at most 4" in p for p in problems)


def _seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@needs_seeds
def test_the_twelve_cisn_questions_are_used_word_for_word(bank: QuestionBank) -> None:
    text = _seed_text("001_b2190112f8bf0724.txt")
    start = text.index("Questions about Treatment Choices for a Recurrence")
    end = text.index("Cancer as a Chronic Illness")
    seed_questions = [line.strip(" •\t") for line in text[start:end].splitlines()
                      if line.strip().startswith("•")]
    assert len(seed_questions) == 12
    bank_texts = {q.text for q in bank.questions}
    for question in seed_questions:
        assert question in bank_texts, question


@needs_seeds
def test_every_source_names_a_real_file_and_section(bank: QuestionBank) -> None:
    refs = [q.source for q in bank.questions]
    refs += [c.source for c in bank.checklists] + [r.source for r in bank.resources]
    for ref in refs:
        seed = _seed_text(ref.file)
        assert " ".join(ref.section.split()) in " ".join(seed.split()), (ref.file, ref.section)
    assert {s.file for s in bank.sources} == {p.name for p in SEEDS.glob("*.txt")}


@needs_seeds
def test_symptom_checklist_covers_the_seed_list(bank: QuestionBank) -> None:
    (checklist,) = bank.checklists
    assert checklist.topic == "symptoms"
    assert len(checklist.items) == 11  # the eleven symptoms of seed 002


@needs_seeds
def test_resources_carry_the_numbers_from_seed_004(bank: QuestionBank) -> None:
    seed = _seed_text("004_7cb2ee495880c826.txt")
    phones = " ".join(r.phone for r in bank.resources)
    for number in ("1-800-422-6237", "888-651-3038"):
        assert number in phones and number in seed


# --- broken banks -------------------------------------------------------------------

def _error(folder: Path) -> str:
    with pytest.raises(BankError) as info:
        load_bank(folder)
    return str(info.value)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_bad_yaml_syntax_names_file_and_line(bank_copy: Path) -> None:
    _write(bank_copy / "costs.yaml", "topic: costs\nquestions:\n  - id: x\n   text: [oops\n")
    message = _error(bank_copy)
    assert "costs.yaml, line" in message


def test_python_tags_are_refused_and_never_run(bank_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    _write(bank_copy / "costs.yaml",
           f"topic: costs\nquestions: !!python/object/apply:os.system ['touch {marker}']\n")
    message = _error(bank_copy)
    assert "costs.yaml" in message and "tag" in message
    assert not marker.exists()


def test_duplicate_ids_across_files_are_refused(bank_copy: Path) -> None:
    text = (bank_copy / "costs.yaml").read_text(encoding="utf-8")
    _write(bank_copy / "costs.yaml", text.replace("id: cost-coverage", "id: so-should-i"))
    message = _error(bank_copy)
    assert "'so-should-i' is used twice" in message and "costs.yaml" in message


def test_duplicate_keys_are_refused(bank_copy: Path) -> None:
    _write(bank_copy / "costs.yaml",
           "topic: costs\ntopic: costs\nquestions: []\n")
    assert "the key 'topic' appears twice" in _error(bank_copy)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: a-b, text: [42], recurrence: all, source: {file: 001_b2190112f8bf0724.txt, "
         "section: x}}", "'text' of question 'a-b' must be text"),
        ("{id: a-b, text: 'Why?', recurrence: sometimes, source: {file: "
         "001_b2190112f8bf0724.txt, section: x}}", "unknown recurrence 'sometimes'"),
        ("{id: a-b, text: 'Why?', recurrence: all, source: {file: nope.txt, section: x}}",
         "source file 'nope.txt' is not listed in sources.yaml"),
        ("{id: a-b, text: 'Do this.', recurrence: all, source: {file: "
         "001_b2190112f8bf0724.txt, section: x}}", "does not end with '?'"),
        ("{id: A B, text: 'Why?', recurrence: all, source: {file: "
         "001_b2190112f8bf0724.txt, section: x}}", "'A B' is not a valid id"),
        ("{id: a-b, txt: 'Why?', recurrence: all, source: {file: "
         "001_b2190112f8bf0724.txt, section: x}}", "unknown key 'txt'. Did you mean 'text'?"),
        ("just text", "a question must be a mapping"),
        ("{id: a-b, text: 'Why?', recurrence: all, core: 'maybe', source: {file: "
         "001_b2190112f8bf0724.txt, section: x}}",
         "'core' of question 'a-b' must be true or false"),
    ],
)
def test_wrong_types_and_values_are_located(bank_copy: Path, entry: str, expected: str) -> None:
    _write(bank_copy / "costs.yaml", f"topic: costs\nquestions:\n  - {entry}\n")
    message = _error(bank_copy)
    assert expected in message
    assert re.search(r"costs\.yaml, line \d+", message), message


def test_unknown_topic_file_is_refused(bank_copy: Path) -> None:
    _write(bank_copy / "extra.yaml", "topic: money\nquestions: []\n")
    message = _error(bank_copy)
    assert "extra.yaml" in message and "topic 'money' is not in topics.yaml" in message


def test_missing_topics_file_is_refused(bank_copy: Path) -> None:
    (bank_copy / "topics.yaml").unlink()
    assert "has no topics.yaml" in _error(bank_copy)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    assert "no such folder" in _error(tmp_path / "nowhere")


def test_a_clinic_bank_with_its_own_question_loads(bank_copy: Path) -> None:
    path = bank_copy / "costs.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: cost-parking\n    text: Is parking free for patients?\n    recurrence: all\n"
        "    source: {file: 002_232169e8006b1272.txt, section: Costs}\n"), encoding="utf-8")
    clinic = load_bank(bank_copy)
    assert clinic.question("cost-parking").text == "Is parking free for patients?"
    assert clinic.question("cost-parking").core is False  # not on the short list unless marked
