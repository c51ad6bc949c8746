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
