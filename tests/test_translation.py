"""The bank in Spanish: translations beside the English, stale and missing ones caught,
the review marking, and what a Spanish handout takes from the bank."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from visitprep.bank import load_bank, spanish_reading_report
from visitprep.document import build_document
from visitprep.errors import BankError, TranslationError
from visitprep.handout import make_document, make_handout
from visitprep.layout import load_layout
from visitprep.models import Profile, QuestionBank
from visitprep.selection import select_questions
from visitprep.translation import (
    english_hash,
    english_items,
    translate_bank,
    translation_path,
    translation_problems,
)

from conftest import Result, read_pdf

CISN_IDS = ("tx-choices", "tx-suggest", "tx-same-or-different", "tx-how-successful",
            "tx-things-i-enjoy", "tx-how-long", "tx-side-effects", "tx-manage-side-effects",
            "tx-hospital", "tx-trial-available", "tx-trial-costs", "tx-if-it-doesnt-work")


@pytest.fixture(scope="module")
def spanish(bank: QuestionBank) -> QuestionBank:
    return bank.in_language("es")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the built-in translation ------------------------------------------------------------

def test_every_item_of_the_bank_has_an_up_to_date_spanish_translation(
        bank: QuestionBank, spanish: QuestionBank) -> None:
    assert translation_problems(bank, "es") == []
    assert spanish.untranslated == frozenset()
    assert spanish.language == "es"
    assert len(spanish.glossary) == len(bank.glossary)
    english = {q.id: q.text for q in bank.questions}
    for question in spanish.questions:
        assert question.text != english[question.id], question.id


def test_in_language_keeps_ids_order_and_sources(bank: QuestionBank,
                                                 spanish: QuestionBank) -> None:
    assert [q.id for q in spanish.questions] == [q.id for q in bank.questions]
    assert [(q.source, q.core, q.recurrence) for q in spanish.questions] == [
        (q.source, q.core, q.recurrence) for q in bank.questions]
    assert bank.in_language("en") is bank
    assert spanish.in_language("es") is spanish
    assert bank.language == "en" and bank.questions[0].text.isascii()


def test_spanish_texts_read_as_spanish(spanish: QuestionBank) -> None:
    for question in spanish.questions:
        # a Spanish question opens with ¿ for every sentence that asks
        asks = question.text.count("?")
        assert question.text.count("¿") == asks, question.id
    assert spanish.topic("coping").title == "Cómo sobrellevarlo y recibir apoyo"
    assert spanish.recurrence("unsure").label == "Todavía no lo sé"
    assert spanish.checklists[0].items[0].startswith("Un síntoma")
    assert len(spanish.checklists[0].items) == 11
    assert spanish.support is not None and spanish.support.items[0] == "Familiares y amigos"


def test_the_cisn_twelve_are_translated_whole(bank: QuestionBank,
                                              spanish: QuestionBank) -> None:
    for qid in CISN_IDS:
        english, translated = bank.question(qid).text, spanish.question(qid).text
        # as many sentences and questions as the English: nothing dropped or merged
        assert translated.count("?") == english.count("?"), qid
        assert len(re.findall(r"[.?!]", translated)) == len(re.findall(r"[.?!]", english))
    assert spanish.question("tx-choices").text == "¿Cuáles son mis opciones de tratamiento?"
    assert spanish.question("tx-if-it-doesnt-work").text == (
        "Si el tratamiento no funciona, ¿entonces qué haré?")


def test_nci_terms_are_used_and_both_given_on_first_use(spanish: QuestionBank) -> None:
    # the heading does not presume a recurrence (a person may not know yet): the term
    # itself comes with the glossary, both names given
    assert spanish.topic("my-recurrence").title == "Sobre el regreso de mi cáncer"
    assert spanish.glossary[0].term == "recidiva o recurrencia"
    assert spanish.topic("clinical-trials").title == "Estudios clínicos (ensayos clínicos)"
    # the first clinical-trial question each kind prints names both
    assert "estudio clínico (ensayo clínico)" in spanish.question("tx-trial-available").text
    assert "estudios clínicos (ensayos clínicos)" in spanish.question("ct-learn-more").text
    texts = " ".join(q.text for q in spanish.questions).lower()
    assert "ensayo clínico" not in texts.replace("(ensayo clínico)", "").replace(
        "(ensayos clínicos)", "")


def test_topic_aliases_take_spanish_words_too(bank: QuestionBank,
                                              spanish: QuestionBank) -> None:
    costs = spanish.topic("costs")
    assert "seguro" in costs.aliases and "insurance" in costs.aliases
    assert bank.topic("costs").aliases == tuple(a for a in costs.aliases if a.isascii()
                                                and a in bank.topic("costs").aliases)


def test_sources_keep_their_english_titles_and_say_they_are_in_english(
        bank: QuestionBank, spanish: QuestionBank) -> None:
    for english, translated in zip(bank.sources, spanish.sources, strict=True):
        assert english.title in translated.citation or english.file.startswith("000")
        assert "inglés" not in translated.citation  # said once, in the line's title
    assert spanish.sources[2].citation.startswith("What Is Cancer Recurrence? (")
    assert "21 de octubre de 2025" in spanish.sources[2].citation
    document, _ = make_document(Profile(recurrence="local", language="es"), bank)
    assert document.sources_title == "De dónde vienen estas preguntas (fuentes en inglés)"


def test_glossary_words_are_found_in_the_spanish_questions(spanish: QuestionBank) -> None:
    from visitprep.bank import glossary_for

    texts = [q.text for q in spanish.questions] + [k.meaning for k in spanish.recurrences]
    used = glossary_for(spanish, texts)
    assert [e.id for e in used] == [e.id for e in spanish.glossary]


# --- stale and missing translations ------------------------------------------------------

def test_check_bank_fails_when_an_english_question_changes(
        bank_copy: Path, run: Callable[..., Result]) -> None:
    assert run("check-bank", str(bank_copy)).code == 0
    _replace(bank_copy / "costs.yaml",
             "How much of the cost of my treatment will I have to pay myself?",
             "How much will I have to pay myself?")
    result = run("check-bank", str(bank_copy))
    new_hash = english_hash({"text": "How much will I have to pay myself?"})
    assert result.code == 1
    assert (f"es: question 'cost-how-much' is stale: its English changed since it was "
            f"translated (now: 'How much will I have to pay myself?'); update the "
            f"translation, then write en: {new_hash}") in result.out
    assert "123 of 124 texts translated" in result.out
    # the translator updates the Spanish and the hash: the bank is whole again
    es = translation_path(bank_copy, "es")
    _replace(es, "¿Qué parte del costo de mi tratamiento tendré que pagar yo?",
             "¿Cuánto tendré que pagar yo?")
    old_hash = english_hash(
        {"text": "How much of the cost of my treatment will I have to pay myself?"})
    _replace(es, f"en: {old_hash}", f"en: {new_hash}")
    assert run("check-bank", str(bank_copy)).code == 0


def test_stale_and_missing_translations_are_each_named(bank_copy: Path) -> None:
    _replace(bank_copy / "topics.yaml", "hint: Asking another doctor, and where to go.",
             "hint: Asking another doctor.")
    es = translation_path(bank_copy, "es")
    text = es.read_text(encoding="utf-8")
    text = re.sub(r"  so-who:\n    en: \w+\n    text: [^\n]+\n", "", text)
    text = text.replace("  tx-hospital:\n", "  tx-hospital:\n    reviewed: {by: Dr. Ruiz, "
                        "on: 2027-01-15}\n")
    text = text.replace("  rec-why:\n", "  old-question:\n    en: 0123456789ab\n    text: "
                        "¿Vieja?\n  rec-why:\n")
    es.write_text(text, encoding="utf-8")
    _replace(bank_copy / "treatment-choices.yaml", "text: Will I have to stay in the hospital?",
             "text: Will I have to stay in a hospital?")
    problems = translation_problems(load_bank(bank_copy), "es")
    joined = "\n".join(problems)
    assert "es: topic 'second-opinion' is stale" in joined
    assert ("es: question 'so-who' has no translation (English: 'Can you suggest a doctor I "
            "could see for a second opinion?'); add it with en: ") in joined
    assert ("its review by Dr. Ruiz on 2027-01-15 was of the old text: remove 'reviewed' "
            "unless reviewed again") in joined
    assert "es: question 'old-question' is not in the bank; remove its translation" in joined
    assert len(problems) == 4, problems


def test_a_translation_of_an_unknown_id_is_named(bank_copy: Path) -> None:
    es = translation_path(bank_copy, "es")
    _replace(es, "  rec-why:\n", "  rec-whyy:\n")
    problems = translation_problems(load_bank(bank_copy), "es")
    assert any("question 'rec-whyy' is not in the bank; remove its translation from "
               "es.yaml. Did you mean 'rec-why'?" in p for p in problems), problems
    assert any("question 'rec-why' has no translation" in p for p in problems)


def test_a_checklist_with_a_line_too_few_is_named(bank_copy: Path) -> None:
    _replace(translation_path(bank_copy, "es"),
             "      - Bajar de peso sin intentarlo\n", "")
    problems = translation_problems(load_bank(bank_copy), "es")
    assert problems == ["es: the translation of checklist 'symptoms' 'items' has 10 lines, "
                        "the English 11"]


def test_a_spanish_handout_needing_missing_texts_names_every_id(bank_copy: Path) -> None:
    _replace(bank_copy / "treatment-choices.yaml", "text: Will I have to stay in the hospital?",
             "text: Will I have to stay in a hospital?")
    _replace(bank_copy / "topics.yaml", "title: Costs and insurance", "title: Costs")
    clinic = load_bank(bank_copy)
    profile = Profile(recurrence="local", concerns=("costs",), language="es")
    with pytest.raises(TranslationError) as caught:
        make_handout(profile, clinic)
    message = str(caught.value)
    assert message.startswith(f"The question bank {bank_copy} has no up-to-date Spanish for "
                              "2 texts this handout needs: topic costs; question tx-hospital.")
    assert f"Add their Spanish to {translation_path(bank_copy, 'es')}" in message
    assert "or print this handout in English (--language en)." in message
    # English still prints, and a Spanish handout that does not need them does too
    make_handout(Profile(recurrence="local", concerns=("costs",)), clinic)
    make_handout(Profile(recurrence="unsure", language="es"), clinic)


def test_a_bank_without_spanish_lists_what_a_spanish_handout_needs(bank_copy: Path) -> None:
    translation_path(bank_copy, "es").unlink()
    clinic = load_bank(bank_copy)
    assert clinic.in_language("es").untranslated == frozenset(english_items(clinic))
    with pytest.raises(TranslationError) as caught:
        make_document(Profile(recurrence="unsure", language="es"), clinic)
    message = str(caught.value)
    assert "questions rec-why-suspect, rec-tests-to-find-out, rec-watch-while-waiting" in message
    assert f"The bank has no {translation_path(bank_copy, 'es')}" in message


def test_check_bank_on_a_bank_without_translations(bank_copy: Path,
                                                   run: Callable[..., Result]) -> None:
    translation_path(bank_copy, "es").unlink()
    result = run("check-bank", str(bank_copy))
    assert result.code == 0
    assert "Translations: none; handouts from this bank print in English only" in result.out


@pytest.mark.parametrize(("old", "new", "message"), [
    ("language: es\n", "language: fr\n",
     "says 'language: fr', but the file name says es"),
    ("  rec-why:\n    en: ", "  rec-why:\n    tex: oops\n    en: ",
     "the translation of question 'rec-why' has an unknown key 'tex'. Did you mean 'text'?"),
    ("    text: ¿Sabe usted por qué regresó mi cáncer?\n",
     "    text: ¿Sabe usted por qué regresó mi cáncer?\n    reviewed: {by: Dra. Ruiz, on: enero}\n",
     "'on' of 'reviewed' of question 'rec-why' must be a date like 2027-01-15, not 'enero'"),
    ("      - Bajar de peso sin intentarlo\n", "      - {a: b}\n",
     "'items' of the translation of checklist 'symptoms' must be a list of text"),
])
def test_a_broken_translation_file_is_named_with_its_line(bank_copy: Path, old: str,
                                                          new: str, message: str) -> None:
    _replace(translation_path(bank_copy, "es"), old, new)
    clinic = load_bank(bank_copy)  # English never reads the file
    with pytest.raises(BankError) as caught:
        clinic.in_language("es")
    assert message in str(caught.value)
    assert str(translation_path(bank_copy, "es")) in str(caught.value)


# --- not yet reviewed --------------------------------------------------------------------

NOTE = ("Estas preguntas se tradujeron de fuentes en inglés. Todavía no las ha revisado un "
        "profesional de la salud.")


def _document_note(bank: QuestionBank, profile: Profile) -> str:
    translated = bank.in_language(profile.language)
    selection = select_questions(translated, profile)
    return build_document(translated, profile, selection,
                          load_layout(profile.template)).translation_note


def test_every_item_is_unreviewed_and_a_spanish_handout_says_so(bank: QuestionBank,
                                                                 spanish: QuestionBank) -> None:
    assert spanish.unreviewed == frozenset(english_items(bank))
    assert spanish.translation_note == NOTE
    profile = Profile(recurrence="distant", concerns=("costs",), language="es")
    assert _document_note(bank, profile) == NOTE
    assert _document_note(bank, Profile(recurrence="distant")) == ""
    pdf = read_pdf(make_handout(profile, bank, invariant=True))
    assert NOTE in pdf.pages[-1]
    assert all(NOTE not in page for page in pdf.pages[:-1])
    html = make_handout(profile, bank, fmt="html").decode()
    assert f'<p class="translation-note">{NOTE}</p>' in html


def test_the_note_goes_away_once_a_clinic_records_its_review(bank_copy: Path) -> None:
    es = translation_path(bank_copy, "es")
    text = es.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+)en: (\w+)$",
                  r"\1en: \2\n\1reviewed: {by: 'Dra. Ana Ruiz, oncóloga', on: 2027-01-15}",
                  text)
    es.write_text(text, encoding="utf-8")
    clinic = load_bank(bank_copy)
    assert clinic.in_language("es").unreviewed == frozenset()
    profile = Profile(recurrence="regional", concerns=("symptoms", "coping"), language="es")
    assert _document_note(clinic, profile) == ""
    assert NOTE not in read_pdf(make_handout(profile, clinic)).text
    # one item printed and not reviewed brings the line back
    text = es.read_text(encoding="utf-8")
    text = re.sub(r"(  pc-pain:\n    en: \w+\n)    reviewed: [^\n]+\n", r"\1", text)
    es.write_text(text, encoding="utf-8")
    clinic = load_bank(bank_copy)
    assert clinic.in_language("es").unreviewed == frozenset({"questions:pc-pain"})
    assert _document_note(clinic, profile) == ""  # pc-pain is not on this handout
    cared = Profile(recurrence="regional", concerns=("supportive-care",), language="es")
    assert _document_note(clinic, cared) == NOTE


# --- a Spanish handout takes no English from the bank ------------------------------------

def _english_bank_sentences(bank: QuestionBank) -> list[str]:
    texts: list[str] = []
    for fields in english_items(bank).values():
        for value in fields.values():
            texts.extend(value if isinstance(value, tuple) else (value,))
    titles = {s.title for s in bank.sources} | {s.publisher for s in bank.sources}
    return [t for t in texts if t and t not in titles and len(t.split()) >= 3]


@pytest.mark.parametrize("recurrence", ["local", "regional", "distant", "unsure"])
def test_a_spanish_handout_prints_no_english_text_of_the_bank(bank: QuestionBank,
                                                              recurrence: str) -> None:
    profile = Profile(recurrence=recurrence, concerns=bank.concern_ids, length="full",
                      language="es", template="navigator")
    text = " ".join(read_pdf(make_handout(profile, bank)).text.split())
    for sentence in _english_bank_sentences(bank):
        assert " ".join(sentence.split()) not in text, sentence


def test_the_fingerprint_follows_the_translation(bank_copy: Path) -> None:
    profile = Profile(recurrence="local", language="es")
    before = make_handout(profile, load_bank(bank_copy), invariant=True)
    _replace(translation_path(bank_copy, "es"), "¿Sabe usted por qué regresó mi cáncer?",
             "¿Por qué volvió mi cáncer?")
    after = make_handout(profile, load_bank(bank_copy), invariant=True)
    assert before != after
    assert re.search(rb"visitprep-made-from:(\w+)", before) != re.search(
        rb"visitprep-made-from:(\w+)", after)


# --- reading level -----------------------------------------------------------------------

def test_the_spanish_questions_meet_the_reading_targets(spanish: QuestionBank) -> None:
    report = spanish_reading_report(spanish)
    assert report.ok
    assert report.mean >= 75
    assert min(score for _, score in report.scores) >= 60
    assert len(report.scores) == len(spanish.questions)


def test_translate_bank_refuses_a_translated_bank(spanish: QuestionBank) -> None:
    with pytest.raises(ValueError):
        translate_bank(spanish, "fr")


# --- the review file ---------------------------------------------------------------------

def _review_module() -> object:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "docs" / "translation-review" / "review.py"
    spec = importlib.util.spec_from_file_location("translation_review", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_review_file_has_every_item_back_translated_and_is_up_to_date(
        bank: QuestionBank) -> None:
    review = _review_module()
    assert review.problems(bank) == []  # type: ignore[attr-defined]
    rows = review.rows(bank)  # type: ignore[attr-defined]
    questions = [row for row in rows if row[0].startswith("questions:")]
    assert len(questions) == len(bank.questions)
    page = review.PAGE.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for question in bank.questions:
        assert f"| {question.text} |" in page


def test_the_back_translator_gets_no_english(bank: QuestionBank) -> None:
    review = _review_module()
    given = review.SPANISH_ONLY.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    for sentence in _english_bank_sentences(bank):
        assert sentence not in given, sentence


def test_a_changed_spanish_text_needs_a_new_back_translation(
        bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    review = _review_module()
    rows = review.rows(bank)  # type: ignore[attr-defined]
    changed = [(k, f, en, es + " ¿Sí?" if k == "questions:rec-why" else es, r)
               for k, f, en, es, r in rows]
    monkeypatch.setattr(review, "rows", lambda _bank: changed)
    found = review.problems(bank)  # type: ignore[attr-defined]
    assert any(line.startswith("questions:rec-why text: no back-translation of its Spanish "
                               "(new or changed: ") for line in found), found


def test_check_bank_names_a_spanish_text_the_handout_could_not_print(
        bank_copy: Path, run: Callable[..., Result]) -> None:
    _replace(translation_path(bank_copy, "es"), "¿Sabe usted por qué regresó mi cáncer?",
             "¿Sabe usted por qué regresó mi cáncer?\u200b")
    result = run("check-bank", str(bank_copy))
    assert result.code == 1
    assert "Cannot print 1 Spanish text (every handout that uses them would fail):" in result.out
    assert "question 'rec-why': '¿Sabe usted por qué regresó mi cáncer?" in result.out
    assert "U+200B" in result.out


@pytest.mark.parametrize(("typed", "topic"), [
    ("costos", "costs"), ("Seguro médico", "costs"), ("síntomas", "symptoms"),
    ("sintomas", "symptoms"), ("Estudios clínicos (ensayos clínicos)", "clinical-trials"),
    ("segunda opinion", "second-opinion"), ("cuidados paliativos", "supportive-care"),
    ("insurance", "costs")])
def test_a_concern_may_be_named_in_spanish(bank: QuestionBank, typed: str,
                                           topic: str) -> None:
    from visitprep.profile import parse_concern

    assert parse_concern(typed, bank, "row 2: 'concerns'") == topic


def test_a_broken_translation_never_hides_an_unknown_concern(bank_copy: Path) -> None:
    from visitprep.errors import ProfileError
    from visitprep.profile import parse_concern

    _replace(translation_path(bank_copy, "es"), "language: es\n", "language: fr\n")
    with pytest.raises(ProfileError, match="unknown concern 'nada'"):
        parse_concern("nada", load_bank(bank_copy), "x")
