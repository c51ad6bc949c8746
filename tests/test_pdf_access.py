"""What reportlab can give a PDF for assistive technology, read back with pypdf: the
document language, the title in the viewer's title bar, and a tooltip on every form field."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from visitprep.handout import make_handout
from visitprep.layout import builtin_names
from visitprep.models import Clinic, Profile, QuestionBank

LONG = ("When I go back to work after this round of treatment, how should I plan my days, "
        "my rest and my meals, and who at the clinic should I call first if something "
        "feels wrong at night or on the weekend while I am away from home?")


def reader(profile: Profile, bank: QuestionBank, clinic: Clinic | None = None) -> PdfReader:
    return PdfReader(io.BytesIO(make_handout(profile, bank, clinic=clinic, invariant=True)))


@pytest.mark.parametrize("fillable", [False, True])
def test_language_and_title_in_the_title_bar(bank: QuestionBank, fillable: bool) -> None:
    pdf = reader(Profile(recurrence="local", name="Ana <B> & C", fillable=fillable), bank)
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en-US"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Questions about my cancer coming back: Ana <B> & C"


@pytest.mark.parametrize("template", builtin_names())
def test_every_form_field_has_a_tooltip_matching_its_printed_label(
        bank: QuestionBank, template: str) -> None:
    profile = Profile(recurrence="distant", concerns=("symptoms", "costs"), template=template,
                      custom_questions=("Is x<y & z a problem?", LONG),
                      top_questions=("tx-choices",), doctor="Dr. Ng", fillable=True)
    fields = reader(profile, bank).get_fields() or {}
    assert len(fields) > 50
    tips = {name: str(field.get("/TU", "")) for name, field in fields.items()}
    assert all(tips.values()), [name for name, tip in tips.items() if not tip]
    assert tips["name"] == "Name"
    assert tips["visit_date"] == "Visit date"
    pair = "What are my treatment choices? Which do you suggest for me?"  # a linked pair
    assert tips["top_1_done"] == pair
    assert tips["top_1_answer_1"] == f"Answer to: {pair}"
    assert tips["top_2_done"] == tips["top_2_question"] == "My top questions 2"
    if template != "large-print":  # (there, the steps on page 1 take the top lines' room)
        assert tips["top_2_answer_1"] == "Answer to: My top questions 2"
    assert tips["own_1_done"] == "Is x<y & z a problem?"
    assert tips["own_2_done"] == LONG  # whole, however long
    assert "tx-choices_done" not in tips  # it is a top question here
    (checklist,) = bank.checklists
    assert tips["symptom_1"] == checklist.items[0]
    assert tips["symptom_1_when"] == f"When it started: {checklist.items[0]}"
    assert {tip for name, tip in tips.items() if name.startswith("notes_")} == {"Notes"}
    for name, tip in tips.items():
        if name.endswith("_done") and not name.startswith("top_"):
            question = name.removesuffix("_done")
            if not question.startswith("own_"):
                assert tip == bank.question(question).text


def test_blank_clinic_lines_are_called_by_the_block_title(bank: QuestionBank) -> None:
    fields = reader(Profile(recurrence="local", template="navigator", fillable=True),
                    bank).get_fields() or {}
    clinic = [name for name in fields if name.startswith("clinic_")]
    assert clinic
    for name in clinic:
        assert fields[name]["/TU"] == "For more local information, please contact:"
