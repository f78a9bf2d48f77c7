"""Readability figures that teachers know: LIX for Swedish, Flesch reading ease for English.

Both are rough, formula-based measures; the site shows them with a plain-words level so that a
reader or educator can judge at a glance whether a text suits a student.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;…]+(?=\s|$)|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"(?<=[aeiouy])[^aeiouy\s]+(?<![l])e\b|(?<=[aeiouy][^aeiouy\s])e\b(?<!le)")
_NO_VOWEL = re.compile(r"\b[^aeiouy\s]+\b")
_LETTER = re.compile(r"[^\W\d_]")
"""Whatever holds a letter holds a word (see `_WORD`)."""


@dataclass(frozen=True, slots=True)
class Readability:
    method: str
    """'lix' or 'flesch'."""
    score: int
    level: str
    """'easy', 'medium' or 'demanding'."""


def measure(text: str, lang: str) -> Readability | None:
    """The figure for `lang`, or None for a language without a known formula."""
    words = Counter(_WORD.findall(text))
    if not words:
        return None
    sentences = max(1, sum(1 for s in _SENTENCE_END.split(text) if _LETTER.search(s)))
    if lang.startswith("sv"):
        return _lix(words, sentences)
    if lang.startswith("en"):
        return _flesch(words, sentences)
    return None


def _lix(words: Counter[str], sentences: int) -> Readability:
    """LIX = words per sentence + percentage of words longer than six letters."""
    total = words.total()
    long_words = sum(count for word, count in words.items() if len(word) > 6)
    score = round(total / sentences + 100 * long_words / total)
    level = "easy" if score < 40 else "medium" if score < 50 else "demanding"
    return Readability("lix", score, level)


def _flesch(words: Counter[str], sentences: int) -> Readability:
    """Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    total = words.total()
    syllables = sum(count * _syllables(word) for word, count in words.items())
    score = round(206.835 - 1.015 * total / sentences - 84.6 * syllables / total)
    level = "easy" if score >= 70 else "medium" if score >= 50 else "demanding"
    return Readability("flesch", score, level)


@lru_cache(maxsize=1 << 16)
def _syllables(word: str) -> int:
    """English syllables of a word by vowel groups, with the usual silent-e correction.

    Remembered per word: a language has few words, and texts repeat them.
    """
    word = word.lower()
    return (len(_VOWEL_GROUPS.findall(word)) - len(_SILENT_E.findall(word))
            + len(_NO_VOWEL.findall(word)))
