"""The built-in bank: complete, sourced, plain; and broken banks refused with their file name."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from visitprep.bank import (
    MAX_MEAN_GRADE,
    MAX_QUESTION_GRADE,
    citation_problems,
    citations,
    core_problems,
    duplicate_problems,
    glossary_for,
    glossary_problems,
    load_bank,
    near_duplicates,
    read_sources,
    reading_report,
    uses_word,
)
from visitprep.document import Document, build_document
from visitprep.errors import BankError
from visitprep.handout import make_handout
from visitprep.layout import load_layout
from visitprep.models import RECURRENCES, Profile, Question, QuestionBank
from visitprep.readability import grade_level
from visitprep.selection import select_questions

from conftest import PASSAGES, SEEDS, Result, read_pdf

REQUIRED_CONCERNS = ("side-effects", "clinical-trials", "costs", "second-opinion")
SUBJECTS = (
    "my-recurrence", "treatment-choices", "deciding", "symptoms", "follow-up",
    "lowering-risk", "supportive-care", "coping", "chronic-illness",
)
Run = Callable[..., Result]


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


CISN = "001_b2190112f8bf0724.txt"
ACS = "002_232169e8006b1272.txt"
GAP = "[...]"


def _passages(name: str) -> str:
    """The kept lines of one source document (tests/data/seeds), without the header."""
    lines = (PASSAGES / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("# "))


def _all_passages(bank: QuestionBank) -> dict[str, str]:
    return {s.file: _passages(s.file) for s in bank.sources}


def _section(text: str, start: str, end: str) -> list[str]:
    """The lines from the one holding `start` to the one before the line holding `end`."""
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if start in line)
    last = next(n for n, line in enumerate(lines) if n > first and end in line)
    return lines[first:last]


def test_the_twelve_cisn_questions_are_used_word_for_word(bank: QuestionBank) -> None:
    lines = _section(_passages(CISN), "Questions about Treatment Choices for a Recurrence",
                     "Cancer as a Chronic Illness")
    seed_questions = [line.strip(" •\t") for line in lines if line.strip().startswith("•")]
    assert len(seed_questions) == 12
    by_text = {q.text: q for q in bank.questions}
    for question in seed_questions:
        assert question in by_text, question
        cisn = by_text[question]
        assert cisn.core and cisn.needs_confirmed, cisn.id
        assert cisn.recurrence == {"local", "regional", "distant"}, cisn.id
        assert cisn.source.quote == question


def test_every_citation_is_in_its_source(bank: QuestionBank) -> None:
    """Every section and quote is in the kept passages, the quote after its section."""
    assert {s.file for s in bank.sources} == {p.name for p in PASSAGES.glob("*.txt")}
    assert citation_problems(bank, _all_passages(bank)) == []
    for what, ref in citations(bank):
        assert ref.quote, f"{what} has no quote"


def test_the_kept_passages_are_the_sources_own_lines(bank: QuestionBank) -> None:
    """Each passage file names its source's checksum; with the sources at hand (beside the
    repository, or VISITPREP_SEEDS), its lines are checked against them, in order."""
    for source in bank.sources:
        header = (PASSAGES / source.file).read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(rf"# Passages of {re.escape(source.file)} \(sha256 ([0-9a-f]{{64}})\)"
                             r", kept for the citation tests\.", header)
        assert match, header
        if not SEEDS.is_dir():
            continue
        seed = SEEDS / source.file
        assert hashlib.sha256(seed.read_bytes()).hexdigest() == match.group(1), (
            f"{source.file} changed: run tests/data/seeds/refresh.py")
        lines = seed.read_text(encoding="utf-8").splitlines()
        at = 0
        for line in _passages(source.file).splitlines():
            if line == GAP:
                continue
            at = lines.index(line, at) + 1  # ValueError: not the source's own line
        assert citation_problems(bank, read_sources(SEEDS, bank)) == []


def test_a_wrong_citation_is_reported(bank_copy: Path) -> None:
    path = bank_copy / "costs.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Many health insurance", "Most health insurance")
                    .replace("section: \"How is cancer recurrence treated?\"",
                             "section: \"How cancer is cured\"", 1), encoding="utf-8")
    bank = load_bank(bank_copy)
    problems = citation_problems(bank, _all_passages(bank))
    assert problems == [
        "question 'cost-coverage': section \"How cancer is cured\" is not in " + ACS
        + " (as a heading, at the start of a line)"]
    problems = citation_problems(bank, {})
    assert f"{ACS}: not found, so its" in " ".join(problems)


def test_a_quote_outside_its_section_is_reported(bank_copy: Path) -> None:
    path = bank_copy / "costs.yaml"
    text = path.read_text(encoding="utf-8")
    # The quote is in seed 002, but before this section, not in it.
    path.write_text(text.replace(
        "quote: \"It’s very important to check on your insurance coverage along with the "
        "medical care options you are thinking about.\"}",
        "quote: \"Weight loss without trying\"}", 1), encoding="utf-8")
    bank = load_bank(bank_copy)
    (problem,) = citation_problems(bank, _all_passages(bank))
    assert problem == (
        "question 'cost-coverage': quote \"Weight loss without trying\" is in "
        f"{ACS}, but under \"Signs and symptoms of a recurrence\", "
        "not \"How is cancer recurrence treated?\"")


def test_symptom_checklist_covers_the_seed_list_and_says_tell_the_team(
        bank: QuestionBank) -> None:
    (checklist,) = bank.checklists
    assert checklist.topic == "symptoms"
    lines = _passages(ACS).splitlines()
    start = lines.index("There are a few symptoms that could mean serious problems. If you have "
                        "any of the problems listed below, tell your cancer care team:")
    seed_items = list(itertools.takewhile(lambda line: line.startswith("- "), lines[start + 1:]))
    assert len(seed_items) == 11 == len(checklist.items)
    # What the source says: the listed symptoms are "a few symptoms that could mean serious
    # problems" (not a few of the list), many can also have other causes (colds,
    # infections), and tell the care team: now, not at the visit. Whose numbers to call.
    assert checklist.intro == ("These could mean serious problems. Many can also have other "
                               "causes, like a cold or an infection.")
    assert not checklist.intro.lower().startswith(("a few", "some of these"))
    assert checklist.act_now == ("Do not wait for your visit. If you have any of these, call "
                                 "your cancer care team now.")
    assert checklist.how_to == ("Check Yes for each one you have, write when it started, and "
                                "show this page to your care team.")
    assert checklist.columns == ("Yes", "Problem")
    assert checklist.call_line == "My care team's number:"
    assert checklist.after_hours_line == "After hours:"
    assert not re.search(r"\b(tick|noticed)\b", " ".join(
        (checklist.title, checklist.intro, checklist.how_to)), re.IGNORECASE)
    # the last item keeps the source's "unusual", so it is not an invitation to judge alone
    assert checklist.items[-1].startswith("Any other unusual symptom")


def test_resources_carry_the_numbers_from_seed_004(bank: QuestionBank) -> None:
    seed = _passages("004_7cb2ee495880c826.txt")
    phones = " ".join(r.phone for r in bank.resources)
    for number in ("1-800-422-6237", "888-651-3038"):
        assert number in phones and number in seed


def test_sources_are_named_as_the_documents_name_themselves(bank: QuestionBank) -> None:
    named = {s.file: s.citation for s in bank.sources}
    # seed 001 names itself only "CISN": the handout says no more than the seed does
    assert named[CISN] == "Cancer 101: Cancer Recurrence (CISN, no date)"
    assert "Information & Support" not in " ".join(named.values())
    assert "American Cancer Society" in named[ACS] and "October 21, 2025" in named[ACS]
    assert "NCI" in named["004_7cb2ee495880c826.txt"]  # "a handout adapted from the NCI"
    assert "January 2017" in named["004_7cb2ee495880c826.txt"]
    for unsigned in ("000_6087e03643a4c49b.txt", "003_4b90977765187626.txt"):
        assert named[unsigned].endswith("(no author or date given)")
    for line in named.values():
        assert "general health article" not in line and "health information website" not in line


def test_named_publishers_carry_most_citations(bank: QuestionBank) -> None:
    unsigned = [q.id for q in bank.questions
                if q.source.file in ("000_6087e03643a4c49b.txt", "003_4b90977765187626.txt")]
    # each where only an unsigned article says it (palliative care, tumor markers, drug
    # interactions, new or changing symptoms during treatment, visits in the care plan)
    assert len(unsigned) <= 12, unsigned
    # Seed 000's list of the site's other articles is a teaser: only its mention of drug
    # interactions (named in the seeds' README as what seed 000 gives) backs a question.
    teaser = [what for what, ref in citations(bank)
              if "Many of the posts below" in ref.section or "posts below" in ref.quote]
    assert teaser == ["question 'tx-other-medicines'"]


# --- fitting the question to where the person is ------------------------------------------

def _unsure_profiles(bank: QuestionBank) -> list[Profile]:
    concerns = [t.id for t in bank.topics if not t.always]
    return ([Profile(recurrence="unsure")]
            + [Profile(recurrence="unsure", concerns=(c,)) for c in concerns]
            + [Profile(recurrence="unsure", concerns=tuple(concerns))])


def _printed(bank: QuestionBank, profile: Profile) -> list[Question]:
    selection = select_questions(bank, profile)
    return [bank.question(i.id) for s in selection.sections for i in s.items if i.id]


def _full(profile: Profile) -> Profile:
    """The profile's full list, where the short/full choice exists."""
    fields = {f.name for f in dataclasses.fields(Profile)}
    return dataclasses.replace(profile, **({"length": "full"} if "length" in fields else {}))


def test_unsure_never_gets_a_question_that_needs_a_confirmed_recurrence(
        bank: QuestionBank) -> None:
    tagged = {q.id for q in bank.questions if q.needs_confirmed}
    assert {"tx-how-long", "tx-if-it-doesnt-work", "rec-outlook", "dec-how-long",
            "se-harder", "cope-hard-talks"} <= tagged
    for profile in _unsure_profiles(bank):
        printed = _printed(bank, _full(profile))
        assert printed, profile
        assert [q.id for q in printed if q.needs_confirmed] == [], profile.concerns
        # A second net: no treatment, side-effect or prognosis wording reaches 'unsure'.
        for question in printed:
            assert not re.search(r"treatment|side effect|outlook|prognosis|cured|remission",
                                 question.text, re.IGNORECASE), question.id


def test_unsure_gets_its_own_set_from_the_sources(bank: QuestionBank) -> None:
    own = [q for q in bank.questions if q.recurrence == {"unsure"}]
    texts = " ".join(q.text for q in own).lower()
    for words in ("tests", "biopsy", "results", "watch for", "who should i call"):
        assert words in texts, words
    core = [q.id for q in own if q.core and q.topic == "my-recurrence"]
    # what is known so far, the tests, what to watch for and whom to call while waiting,
    # and what happens if it is back: five, the most a kind has about the recurrence itself
    assert core == ["rec-why-suspect", "rec-tests-to-find-out", "rec-watch-while-waiting",
                    "rec-who-to-call", "rec-if-it-is-back"]
    # waiting is for tests or results, said where it is asked
    for qid in ("rec-watch-while-waiting", "rec-who-to-call"):
        assert re.search(r"tests or results|the results", bank.question(qid).text), qid


def test_confirmed_kinds_are_not_asked_what_they_told_us(bank: QuestionBank) -> None:
    for kind in ("local", "regional", "distant"):
        meaning = bank.recurrence(kind).meaning
        for question in bank.questions:
            if kind in question.recurrence:
                assert not re.search(r"what type of recurrence", question.text, re.IGNORECASE)
                assert not near_duplicates(question.text, meaning), (kind, question.id)


def test_the_about_my_cancer_line_would_catch_a_repeat() -> None:
    assert near_duplicates("Is the cancer in the same place as before, or very close to it?",
                           "The cancer has come back in the same place it first started, "
                           "or very close to it.")


def test_distant_staying_well_is_not_framed_as_slowing_the_cancer(bank: QuestionBank) -> None:
    distant = [q for q in bank.questions
               if q.topic == "lowering-risk" and "distant" in q.recurrence]
    assert distant
    for question in distant:
        assert not re.search(r"\b(lower|risk|chance|comes? back|grows?)\b", question.text,
                             re.IGNORECASE), question.id
    assert "lowering" not in bank.topic("lowering-risk").title.lower()


def test_treatment_goal_lists_control_before_cure_as_the_source_does(
        bank: QuestionBank) -> None:
    text = bank.question("tx-goal").text
    assert text.index("control") < text.index("cure") < text.index("comfortable")


# --- one question, once ------------------------------------------------------------------

def test_no_two_questions_in_one_handout_are_near_duplicates(bank: QuestionBank) -> None:
    assert duplicate_problems(bank) == []
    # The check covers every profile: with every concern and the full list, a kind prints
    # every question fitting it.
    for kind in RECURRENCES:
        every = _printed(bank, _full(Profile(recurrence=kind, concerns=bank.concern_ids)))
        assert {q.id for q in every} == {q.id for q in bank.questions if kind in q.recurrence}


def test_the_merged_duplicates_are_gone(bank: QuestionBank) -> None:
    ids = {q.id for q in bank.questions}
    for gone in ("rec-type", "rec-same-place", "rec-biopsy", "ct-insurance",
                 "se-call-right-away", "se-which", "se-what-helped", "pc-during-treatment",
                 "se-daily-life", "dec-who-helps", "cost-check-first", "cost-who-to-ask",
                 "pc-team", "chr-support-places", "dec-what-shapes-choice",
                 # the second pass (issue 18)
                 "tx-same-again", "se-keep-track", "risk-feel-well", "pc-comfort",
                 "rec-what-it-means", "ct-chances", "dec-worried-waiting", "rec-results",
                 "chr-how-often", "risk-long-term-medicine",
                 # the independent review of the second pass
                 "cope-medicine", "cope-counselor", "cope-support-places"):
        assert gone not in ids, gone


# What one question asks, asked once on any full list (the independent review found each
# asked twice or three times: counseling and medicine, support groups, a faith community).
ONE_ASK = {"counseling or a referral": r"\bcounsel|\brefer\b",
           "medicine for low mood": r"\bmedicine\b",
           "where to find support groups": r"support groups\b",
           "a faith community or place of worship": r"faith community|place of worship"}


@pytest.mark.parametrize("kind", RECURRENCES)
def test_each_ask_prints_once_on_the_full_list(bank: QuestionBank, kind: str) -> None:
    printed = _printed(bank, _full(Profile(recurrence=kind, concerns=bank.concern_ids)))
    for ask, pattern in ONE_ASK.items():
        asking = [q.id for q in printed if re.search(pattern, q.text, re.IGNORECASE)]
        assert len(asking) <= 1, (kind, ask, asking)
    # the risks of each choice, not again how well it works or its side effects (CISN's
    # own questions ask those)
    risks = bank.question("tx-benefits-risks").text
    assert not re.search(r"benefit|side effect|success", risks, re.IGNORECASE), risks


# Four pairs that printed together, asking one thing in words the overlap check passed.
SAME_ASK_PAIRS = (
    ("tx-same-again", "treatment-choices",
     "Can I have the same treatment I had the first time, or will it work less well now?",
     "How is this treatment the same as or different from my last treatment?"),
    ("se-keep-track", "side-effects",
     "How should I tell you about side effects, or about symptoms that are new or changing?",
     "Who should I call if I notice a new symptom, or a change in one?"),
    ("risk-feel-well", "lowering-risk",
     "Besides my treatment, what can I do to feel as well as I can?",
     "How can I live as well as I can over a long time with cancer?"),
    ("pc-comfort", "supportive-care", "What care can help keep me comfortable?",
     "What is palliative care? Is there a team here that could help me while I am being "
     "treated?"),
)


@pytest.mark.parametrize(("qid", "topic", "first", "second"), SAME_ASK_PAIRS)
def test_two_ways_of_asking_one_thing_are_caught(qid: str, topic: str, first: str,
                                                 second: str, bank_copy: Path) -> None:
    assert near_duplicates(first, second) and near_duplicates(second, first)
    # and in a bank: the old question put back beside the one it duplicates
    path = bank_copy / f"{topic}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        f"  - id: {qid}\n    text: \"{first}\"\n    recurrence: [local, regional, distant]\n"
        "    source: {file: 002_232169e8006b1272.txt, section: x}\n"), encoding="utf-8")
    bank = load_bank(bank_copy)
    problems = duplicate_problems(bank)
    assert any(f"'{qid}'" in problem for problem in problems), problems


def test_the_same_ask_check_passes_distinct_questions(bank: QuestionBank) -> None:
    assert duplicate_problems(bank) == []
    for first, second in (
            ("What is the goal of my treatment? Is it to control the cancer, cure it, or make "
             "me more comfortable?", "What is palliative care? Could it ease my symptoms and "
             "side effects during treatment?"),
            ("Which symptoms mean I should call you right away?",
             "Who should I call if I have a side effect, or a symptom that is new or changing?"),
            ("If I feel afraid about my cancer, who can I talk with?",
             "Has my cancer come back, or has it been growing all along (progression)?"),
            ("Will the side effects I had before change which treatment I get now?",
             "Who should I call if I have a side effect, or a symptom that is new or changing?"),
            ("What should I eat to stay as healthy as I can?",
             "How can I live as well as I can over a long time with cancer?")):
        assert not near_duplicates(first, second), (first, second)


def test_a_reworded_copy_is_caught(bank_copy: Path) -> None:
    path = bank_copy / "side-effects.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: se-call-right-away\n"
        "    text: Which side effects should I call you about right away?\n"
        "    recurrence: all\n"
        "    source: {file: 002_232169e8006b1272.txt, section: x}\n"), encoding="utf-8")
    problems = duplicate_problems(load_bank(bank_copy))
    assert any("'se-call-right-away' and 'sym-right-away'" in p for p in problems), problems
    assert near_duplicates("How long will I be on this treatment?",
                           "How long will I be on the treatment?")
    assert not near_duplicates("What is the goal of this clinical trial?",
                               "Where can I learn more about clinical trials?")


# --- the short list ------------------------------------------------------------------------

def test_short_list_counts(bank: QuestionBank) -> None:
    for kind in RECURRENCES:
        mine = [q for q in bank.questions if q.is_core(kind) and q.topic == "my-recurrence"]
        assert 1 <= len(mine) <= 5, (kind, [q.id for q in mine])
        for topic in bank.topics:
            if not topic.always:
                count = sum(q.is_core(kind) and q.topic == topic.id for q in bank.questions)
                assert count <= 4, (kind, topic.id)
    treatment = [q for q in bank.questions if q.topic == "treatment-choices" and q.core]
    cisn = [q for q in treatment if q.source.section.startswith("Questions about")]
    assert len(cisn) == 12
    # Besides CISN's twelve: the goal of treatment and whom to call on every confirmed short
    # list, palliative care on the distant one; nothing else takes a slot.
    assert sorted(q.id for q in treatment if q not in cisn) == [
        "sym-who-to-call", "tx-goal", "tx-palliative"]
    for kind in ("local", "regional", "distant"):
        default = _printed(bank, Profile(recurrence=kind))
        ids = [q.id for q in default]
        assert "tx-goal" in ids and "sym-who-to-call" in ids, kind
        assert ("tx-palliative" in ids) == (kind == "distant"), kind
        assert len(default) <= 17, (kind, ids)


# --- glossary --------------------------------------------------------------------------------

def test_glossary_terms_are_cited_plain_and_used(bank: QuestionBank) -> None:
    assert len(bank.glossary) >= 4
    assert glossary_problems(bank) == []
    for entry in bank.glossary:
        assert entry.source.quote, entry.term
        assert grade_level(entry.meaning) <= MAX_QUESTION_GRADE, entry.term
    terms = [e.term for e in glossary_for(bank, ["What is palliative care?",
                                                 "Is it METASTATIC now?"])]
    assert terms == ["metastatic", "palliative care"]  # in glossary order
    assert glossary_for(bank, ["Is it metastatically?", "A recurrence-free time?"]) == ()


def test_an_unused_glossary_term_is_reported(bank_copy: Path) -> None:
    path = bank_copy / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - term: oncologist\n    words: [oncologist]\n    meaning: A cancer doctor.\n"
        "    source: {file: 004_7cb2ee495880c826.txt, section: Nowhere at all}\n"),
        encoding="utf-8")
    assert glossary_problems(load_bank(bank_copy)) == [
        "glossary: no question uses 'oncologist' (words: oncologist)"]


def test_check_bank_reports_problems_and_checks_citations(run: Run, bank_copy: Path) -> None:
    result = run("check-bank", "--seeds", str(PASSAGES))
    assert result.code == 0, result.out
    assert "Citations: every section and quote is in its source" in result.out
    assert re.search(r"unsure: \d+ full, \d+ short", result.out)
    path = bank_copy / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - term: oncologist\n    words: [oncologist]\n    meaning: A cancer doctor.\n"
        "    source: {file: 004_7cb2ee495880c826.txt, section: Nowhere at all}\n"),
        encoding="utf-8")
    result = run("check-bank", str(bank_copy), "--seeds", str(PASSAGES))
    assert result.code == 1
    assert "no question uses 'oncologist'" in result.out
    assert "the glossary term 'oncologist': section \"Nowhere at all\" is not in" in result.out
    assert run("check-bank", "--seeds", str(bank_copy / "nowhere")).code == 2


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


# --- premise tags in a clinic's bank ------------------------------------------------------

def _one_question(bank_copy: Path, extra: str, recurrence: str = "all") -> Path:
    _write(bank_copy / "costs.yaml",
           f"topic: costs\nquestions:\n  - id: cost-x\n    text: Will it cost much?\n"
           f"    recurrence: {recurrence}\n{extra}"
           "    source: {file: 001_b2190112f8bf0724.txt, section: Second Opinions}\n")
    return bank_copy


def test_needs_confirmed_keeps_a_question_from_unsure(bank_copy: Path) -> None:
    bank = load_bank(_one_question(bank_copy, "    needs_confirmed: true\n"))
    question = bank.question("cost-x")
    assert question.needs_confirmed and question.recurrence == {"local", "regional", "distant"}
    unsure = _printed(bank, _full(Profile(recurrence="unsure", concerns=("costs",))))
    assert "cost-x" not in [q.id for q in unsure]
    local = _printed(bank, _full(Profile(recurrence="local", concerns=("costs",))))
    assert "cost-x" in [q.id for q in local]


def test_needs_confirmed_with_unsure_listed_is_refused(bank_copy: Path) -> None:
    message = _error(_one_question(bank_copy, "    needs_confirmed: true\n", "[local, unsure]"))
    assert "question 'cost-x' needs a confirmed recurrence but lists 'unsure'" in message
    assert re.search(r"costs\.yaml, line \d+", message)


def test_needs_confirmed_must_be_true_or_false(bank_copy: Path) -> None:
    message = _error(_one_question(bank_copy, "    needs_confirmed: maybe\n"))
    assert "'needs_confirmed' of question 'cost-x' must be true or false" in message


# --- what prints: the glossary box, the cited sources, the call line -----------------------

def _document(bank: QuestionBank, profile: Profile) -> Document:
    return build_document(bank, profile, select_questions(bank, profile),
                          load_layout("standard"))


def test_the_handout_prints_only_the_glossary_words_it_uses(bank: QuestionBank) -> None:
    distant = _document(bank, Profile(recurrence="distant"))
    # "metastatic" is in the About-my-cancer line of a distant recurrence.
    assert "Metastatic" in [term for term, _ in distant.glossary]
    unsure = _document(bank, Profile(recurrence="unsure", concerns=("symptoms",)))
    assert "Metastatic" not in [term for term, _ in unsure.glossary]
    for document in (distant, unsure):
        texts = " ".join(text for _, text in document.texts())
        assert document.figure is not None
        for term, _ in document.glossary:
            entry = next(e for e in bank.glossary if e.term.lower() == term.lower())
            assert any(uses_word(t, entry) for t in
                       [document.situation, *document.figure.caption_lines()]
                       + [s.title for s in document.sections]
                       + [i.text for s in document.sections for i in s.items]), term
        assert ("Words you may hear" in texts) == bool(document.glossary)


def test_the_glossary_box_checks_headings_too(bank: QuestionBank) -> None:
    """A word a heading alone uses is explained (the box looked at questions only)."""
    topics = tuple(t if t.id != "costs" else
                   type(t)(t.id, "Costs of palliative care", t.hint, t.always, t.aliases)
                   for t in bank.topics)
    from dataclasses import replace
    changed = replace(bank, topics=topics)
    document = _document(changed, Profile(recurrence="local", concerns=("costs",)))
    assert "Palliative care" in [term for term, _ in document.glossary]


def test_the_last_page_names_only_the_sources_the_handout_cites(bank: QuestionBank) -> None:
    document = _document(bank, Profile(recurrence="local"))
    named = {s.file: s.citation for s in bank.sources}
    assert document.sources[0] == named[CISN]
    assert named["004_7cb2ee495880c826.txt"] in document.sources  # the phone numbers
    assert named["000_6087e03643a4c49b.txt"] not in document.sources  # no question cites it


def test_the_pdf_has_the_glossary_box_and_the_number_to_call(bank: QuestionBank) -> None:
    profile = Profile(recurrence="unsure", concerns=("symptoms", "follow-up"), length="full")
    text = read_pdf(make_handout(profile, bank)).text
    assert "Words you may hear" in text and "Second cancer:" in text
    assert "My care team's number:" in text and "After hours:" in text
    assert "call your cancer care team now" in text
    assert "American Cancer Society" in text.split("Where these questions come from")[1]


def test_a_bank_without_a_glossary_loads(bank_copy: Path) -> None:
    (bank_copy / "glossary.yaml").unlink()
    clinic = load_bank(bank_copy)
    assert clinic.glossary == () and glossary_problems(clinic) == []
    assert _document(clinic, Profile(recurrence="distant")).glossary == ()


def test_a_bad_glossary_entry_is_located(bank_copy: Path) -> None:
    _write(bank_copy / "glossary.yaml",
           "glossary:\n  - term: biopsy\n    words: biopsy\n    meaning: A test.\n"
           "    source: {file: 002_232169e8006b1272.txt, section: x}\n")
    message = _error(bank_copy)
    assert "glossary.yaml" in message and "'words' must be a list" in message


def test_questions_lists_each_source_with_its_quote(run: Run) -> None:
    result = run("questions", "--recurrence", "local")
    assert result.code == 0
    assert ('      which says: "When cancer comes back, it does not always show up in the '
            'same part of the body."' in result.out)
    whole = run("questions").out
    assert "      for: local, regional, distant; short list; from " in whole


# --- linked pairs, short lists of some kinds, counts ----------------------------------------

def test_linked_pairs_never_split(bank: QuestionBank) -> None:
    followers = [q for q in bank.questions if q.follows]
    assert [(q.follows, q.id) for q in followers] == [("tx-choices", "tx-suggest")]
    for kind in RECURRENCES:
        for qid in ("tx-choices", "tx-suggest"):
            for profile in (Profile(recurrence=kind, top_questions=(qid,)),
                            Profile(recurrence=kind, exclude=(qid,)),
                            Profile(recurrence=kind, length="full"),
                            Profile(recurrence=kind, concerns=tuple(bank.concern_ids))):
                selection = select_questions(bank, profile)
                printed = [i.id for s in selection.sections for i in s.items]
                for follower in followers:
                    if follower.id in printed:
                        at = printed.index(follower.id)
                        assert at > 0 and printed[at - 1] == follower.follows, profile
                    assert (follower.id in printed) == (follower.follows in printed), profile
                if profile.top_questions and kind != "unsure":
                    (top,) = selection.top
                    assert top.text == ("What are my treatment choices? "
                                        "Which do you suggest for me?")


def test_a_follower_that_could_print_alone_is_refused(bank_copy: Path) -> None:
    path = bank_copy / "treatment-choices.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    follows: tx-choices", "    follows: tx-hospital"),
                    encoding="utf-8")
    assert "follows 'tx-hospital' but is not right after it" in _error(bank_copy)
    path.write_text(text.replace("    follows: tx-choices", "    follows: tx-choice"),
                    encoding="utf-8")
    assert "Did you mean 'tx-choices'?" in _error(bank_copy)


def test_core_can_name_the_kinds_whose_short_list_holds_a_question(bank: QuestionBank) -> None:
    tests = bank.question("cost-tests")
    assert tests.is_core("unsure") and not tests.is_core("local")
    short = [i.id for s in select_questions(
        bank, Profile(recurrence="unsure", concerns=("costs",))).sections for i in s.items]
    assert "cost-tests" in short and "cost-how-much" not in short
    local = [i.id for s in select_questions(
        bank, Profile(recurrence="local", concerns=("costs",))).sections for i in s.items]
    assert "cost-tests" not in local and "cost-how-much" in local


def test_check_bank_counts_what_the_handout_prints(run: Run, bank: QuestionBank) -> None:
    result = run("check-bank")
    every = tuple(bank.concern_ids)
    for kind in RECURRENCES:
        full = _printed(bank, Profile(recurrence=kind, concerns=every, length="full"))
        short = _printed(bank, Profile(recurrence=kind, concerns=every))
        none = _printed(bank, Profile(recurrence=kind))
        assert (f"    {kind}: {len(full)} full, {len(short)} short "
                f"({len(none)} short with no concern)") in result.out
    assert "    unsure: 34 full, 18 short (5 short with no concern)" in result.out


def test_nothing_on_an_unsure_handout_presumes_a_recurrence(bank: QuestionBank) -> None:
    for profile in _unsure_profiles(bank):
        selection = select_questions(bank, _full(profile))
        for section in selection.sections:
            assert "recurrence" not in section.title.lower(), section.title
        for question in (bank.question(i.id) for s in selection.sections for i in s.items):
            assert not re.search(r"\b(this trial|why do you think|follow-up care plan|"
                                 r"hormone blocker|how much of the cost)", question.text,
                                 re.IGNORECASE), question.id
    unsure = [i.id for s in select_questions(bank, _full(Profile(
        recurrence="unsure", concerns=tuple(bank.concern_ids)))).sections for i in s.items]
    assert "rec-second-cancer" in unsure and "cost-tests" in unsure


def test_no_question_states_a_feeling_or_a_fact_the_person_has_not_given(
        bank: QuestionBank) -> None:
    for question in bank.questions:
        assert not re.match(r"I (am|get|feel)\b", question.text), question.id
        assert "for a long time" not in question.text, question.id
    assert bank.question("rec-where-now").text.count("spread") == 0
    assert "even if it cannot be cured" not in bank.question("chr-control").text
    assert bank.question("risk-after-treatment").recurrence == {"local", "regional"}
    assert "again" not in bank.question("risk-what-can-i-do").text
    # the independent review: no insurance, fear, symptom or cancer growing is assumed
    for question in bank.questions:
        assert not re.search(r"\bmy insurance\b", question.text), question.id
    assert not re.search(r"\bmy fear|\bgrow", bank.question("cope-fear").text)
    assert bank.question("cope-fear").text.startswith("If I feel")
    assert "my symptoms" not in bank.question("tx-palliative").text
    assert "test results" in bank.question("rec-other-cause").text
    assert bank.question("rec-why-suspect").text.startswith("What do you know so far?")
    # the source's "if you'd like to know": whether to hear it is the person's choice
    assert bank.question("rec-how-much-detail").text == (
        "Can I choose how much I want to know about my cancer?")


# Citations the independent review found loose, each pointed at the passage that carries
# its question: (file, section, the quote's first words).
RECITED = {
    "rec-why-suspect": (ACS, "Signs and symptoms of a recurrence",
                        "Whenever you have a symptom"),
    "rec-where-now": (CISN, "Cancer Recurrence", "When cancer comes back, it does not always"),
    "pc-pain": ("003_4b90977765187626.txt", "Making treatment choices for recurrent cancer.",
                "relieving symptoms and side effects"),
    "fu-plan": (ACS, "How is a cancer recurrence diagnosed?",
                "you will receive a follow-up care plan"),
    "dec-no-treatment": (ACS, "How long can I wait to decide whether to treat a recurrence?",
                         "You don’t always need to rush to decide whether to treat"),
    "cost-money-shapes-choice": (CISN, "Cancer as a Chronic Illness", "Every situation is unique"),
    "tx-come-back-again": (ACS, "How likely is cancer recurrence?",
                           "There are methods that can help estimate the chance"),
    "cope-low-mood": (ACS, "Emotional reactions to when cancer recurs",
                      "Treatment through medicine, counseling, or both"),
}


@pytest.mark.parametrize("qid", sorted(RECITED))
def test_a_loose_citation_points_at_the_passage_that_carries_it(bank: QuestionBank,
                                                                 qid: str) -> None:
    file, section, quote = RECITED[qid]
    source = bank.question(qid).source
    assert (source.file, source.section) == (file, section)
    assert source.quote.startswith(quote), source.quote
    # (that it stands in its source under that section: check-bank --seeds, tested below)


def test_the_treatment_goal_is_said_simply(bank: QuestionBank) -> None:
    goal = bank.question("tx-goal")
    assert grade_level(goal.text) <= 5.0
    assert all(goal.is_core(kind) for kind in ("local", "regional", "distant"))
