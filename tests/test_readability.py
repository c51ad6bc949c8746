"""The grade level matches textstat 0.7.4, whose figures clinics may compare with."""

import pytest

from visitprep.readability import grade_level


@pytest.mark.parametrize(
    ("text", "grade"),
    [  # values computed with textstat 0.7.4's flesch_kincaid_grade
        ("Will I have to stay in the hospital?", 2.9),
        ("What are my treatment choices?", 2.9),
        ("How is this treatment the same as or different from my last treatment?", 4.8),
        ("Will I have side effects? If so, how long will they last?", -0.4),
        ("Is palliative care right for me?", 2.1),
        ("What is the goal of this treatment: to cure the cancer, to control it, "
         "or to make me more comfortable?", 7.6),
        ("Nausea, vomiting, diarrhea, loss of appetite, or trouble swallowing.", 11.5),
        ("Ok.", -3.5),
    ],
)
def test_grade_level_matches_textstat(text: str, grade: float) -> None:
    assert grade_level(text) == grade


def test_empty_text_has_grade_zero() -> None:
    assert grade_level("") == 0.0
    assert grade_level("?!") == 0.0
