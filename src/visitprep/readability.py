"""Flesch-Kincaid grade level, computed the way textstat 0.7.4 does.

textstat itself is not a dependency: 0.7.5 and later download a dictionary on first
use (visitprep runs offline) and 0.7.4 needs the deprecated ``pkg_resources``.
This module reproduces 0.7.4's counting (pyphen syllables, its sentence and word
rules and its rounding) so clinics can compare figures with that tool.
"""

from __future__ import annotations

import math
import re
from functools import cache

import pyphen

_PUNCTUATION = re.compile(r"[^\w\s]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def _round(number: float, points: int) -> float:
    scale = 10**points
    return float(math.floor(number * scale + math.copysign(0.5, number)) / scale)


def _word_count(text: str) -> int:
    return len(_PUNCTUATION.sub("", text).split())


def _syllable_count(text: str) -> int:
    words = _PUNCTUATION.sub("", text.lower()).split()
    return sum(len(_hyphenator().positions(word)) + 1 for word in words)


def _sentence_count(text: str) -> int:
    sentences = _SENTENCE.findall(text)
    short = sum(1 for sentence in sentences if _word_count(sentence) <= 2)
    return max(1, len(sentences) - short)


def grade_level(text: str) -> float:
    """Return the Flesch-Kincaid grade level of a text, rounded to one decimal.

    Args:
        text: One or more sentences.
    """
    words = _word_count(text)
    if words == 0:
        return 0.0
    sentence_length = _round(words / _sentence_count(text), 1)
    syllables_per_word = _round(_syllable_count(text) / words, 1)
    return _round(0.39 * sentence_length + 11.8 * syllables_per_word - 15.59, 1)


# --- Spanish ---------------------------------------------------------------------------
#
# Fernández-Huerta (1959) and Szigriszt-Pazos (1993, read on the INFLESZ scale of
# Barrio-Cantalejo et al., 2008) are Flesch's reading ease refitted for Spanish: higher is
# easier. Both need syllables counted the Spanish way; pyphen's hyphenation points (what
# textstat counts) miss a syllable in words like "día" or "opinión", so the count here
# follows the rules of Spanish syllables: one syllable per vowel nucleus, where a weak
# vowel (i, u, ü) next to another vowel joins it in one syllable (diphthongs "ie", "ua",
# "ui", triphthongs "uay") unless it carries the accent ("día", "país", "reír"), and two
# strong vowels (a, e, o) are two syllables ("le-er", "po-e-ta"). The u of "que", "qui",
# "gue", "gui" is silent, and a final y after a vowel sounds as i ("muy", "hoy").

_STRONG = frozenset("aeoáéó")
_ACCENTED_WEAK = frozenset("íú")
_VOWELS = frozenset("aeiouáéíóúü")
_SPANISH_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SPANISH_SENTENCE = re.compile(r"[.!?]+")


def spanish_syllables(word: str) -> int:
    """Count the syllables of one Spanish word ("tratamiento" 4, "día" 2, "país" 2)."""
    letters = word.lower()
    letters = re.sub(r"(?<=[qg])u(?=[eiéí])", "", letters)  # que, qui, gue, gui
    letters = re.sub(r"(?<=[aeiouáéíóú])y$", "i", letters)  # muy, hoy, ley
    if letters == "y":
        return 1
    count = 0
    previous = ""
    for char in letters:
        if char not in _VOWELS:
            previous = ""
            continue
        if not previous or _hiatus(previous, char):
            count += 1
        previous = char
    return max(count, 1)


def _hiatus(first: str, second: str) -> bool:
    """True when two vowels side by side are two syllables."""
    if first in _STRONG and second in _STRONG:
        return True
    if first in _ACCENTED_WEAK or second in _ACCENTED_WEAK:
        return True
    return first == second  # "chiita", "duunviro"


def _spanish_counts(text: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) of a Spanish text."""
    words = _SPANISH_WORD.findall(text)
    sentences = max(1, len([part for part in _SPANISH_SENTENCE.split(text)
                            if _SPANISH_WORD.search(part)]))
    syllables = sum(spanish_syllables(part) for word in words
                    for part in re.split(r"[-'’]", word) if part)
    return len(words), sentences, syllables


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta reading ease of a Spanish text, rounded to one decimal.

    206.84 - 60 x (syllables per word) - 1.02 x (words per sentence); 100 is very easy,
    60 to 70 is plain, below 50 is hard.
    """
    words, sentences, syllables = _spanish_counts(text)
    if words == 0:
        return 0.0
    return _round(206.84 - 60 * syllables / words - 1.02 * words / sentences, 1)


def szigriszt_pazos(text: str) -> float:
    """Szigriszt-Pazos perspicuity of a Spanish text (the INFLESZ scale), one decimal.

    206.835 - 62.3 x (syllables per word) - (words per sentence).
    """
    words, sentences, syllables = _spanish_counts(text)
    if words == 0:
        return 0.0
    return _round(206.835 - 62.3 * syllables / words - words / sentences, 1)


INFLESZ_SCALE: tuple[tuple[float, str], ...] = (
    (80.0, "muy fácil"), (65.0, "bastante fácil"), (55.0, "normal"),
    (40.0, "algo difícil"), (float("-inf"), "muy difícil"))


def inflesz(score: float) -> str:
    """The INFLESZ band of a Szigriszt-Pazos score: 'muy difícil' to 'muy fácil'."""
    return next(name for floor, name in INFLESZ_SCALE if score > floor)
