"""The grade level matches textstat 0.7.4, whose figures clinics may compare with."""

import pytest

from visitprep.readability import (
    fernandez_huerta,
    grade_level,
    inflesz,
    spanish_syllables,
    szigriszt_pazos,
)


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


# --- Spanish -------------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "syllables"), [
    # accented weak vowel beside another vowel: two syllables (pyphen counts one)
    ("día", 2), ("país", 2), ("reír", 2), ("oído", 3), ("todavía", 4), ("podría", 3),
    ("ayudaría", 5), ("cirugía", 4),
    # diphthongs and triphthongs: one syllable
    ("opinión", 3), ("tratamiento", 4), ("quimioterapia", 5), ("radiación", 3),
    ("cuidado", 3), ("ciudad", 2), ("biopsia", 2), ("estudios", 3), ("paliativos", 4),
    ("secundarios", 4), ("buey", 1), ("averiguáis", 4), ("cuánto", 2), ("tiempo", 2),
    # two strong vowels: two syllables
    ("leer", 2), ("poeta", 3), ("aéreo", 4), ("preocupa", 4), ("creo", 2),
    # silent u in que/qui/gue/gui; ü sounds
    ("que", 1), ("quimio", 2), ("guerra", 2), ("sigue", 2), ("pingüino", 3),
    ("vergüenza", 3),
    # y as a vowel at the end of a word, or alone; a consonant before a vowel
    ("muy", 1), ("hoy", 1), ("ley", 1), ("y", 1), ("ayuda", 3), ("apoyo", 3),
    # h between vowels, and plain words
    ("ahí", 2), ("búho", 2), ("cáncer", 2), ("usted", 2), ("médico", 3), ("síntomas", 3),
    ("metastásico", 5), ("recurrencia", 4), ("recidiva", 4), ("análisis", 4),
])
def test_spanish_syllables(word: str, syllables: int) -> None:
    assert spanish_syllables(word) == syllables
    assert spanish_syllables(word.upper()) == syllables


@pytest.mark.parametrize(("text", "huerta", "szigriszt"), [
    # ¿Cuáles son mis opciones de tratamiento?  6 words, 12 syllables, 1 sentence:
    # 206.84 - 60 x 2 - 1.02 x 6 = 80.72; 206.835 - 62.3 x 2 - 6 = 76.235
    ("¿Cuáles son mis opciones de tratamiento?", 80.7, 76.2),
    # ¿Debería pedir una segunda opinión?  5 words, 14 syllables
    ("¿Debería pedir una segunda opinión?", 33.7, 27.4),
    # two sentences, 9 words, 20 syllables (ten-dré e-fec-tos se-cun-da-rios si es a-sí
    # cuán-to tiem-po du-ra-rán): 206.84 - 133.33 - 4.59; 206.835 - 138.44 - 4.5
    ("¿Tendré efectos secundarios? Si es así, ¿cuánto tiempo durarán?", 68.9, 63.9),
])
def test_spanish_reading_ease(text: str, huerta: float, szigriszt: float) -> None:
    assert fernandez_huerta(text) == huerta
    assert szigriszt_pazos(text) == szigriszt


def test_spanish_reading_ease_of_nothing_is_zero() -> None:
    assert fernandez_huerta("") == 0.0
    assert szigriszt_pazos("¿?") == 0.0


@pytest.mark.parametrize(("score", "band"), [
    (90, "muy fácil"), (80.1, "muy fácil"), (70, "bastante fácil"), (60, "normal"),
    (45, "algo difícil"), (10, "muy difícil")])
def test_inflesz_bands(score: float, band: str) -> None:
    assert inflesz(score) == band
