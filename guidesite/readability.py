"""Readability figures that teachers know: LIX for Swedish, Flesch reading ease for English.

Both are rough, formula-based measures; the site shows them with a plain-words level so that a
reader or educator can judge at a glance whether a text suits a student.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;…]+(?=\s|$)|\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"(?<=[aeiouy])[^aeiouy\s]+(?<![l])e\b|(?<=[aeiouy][^aeiouy\s])e\b(?<!le)")
_NO_VOWEL = re.compile(r"\b[^aeiouy\s]+\b")


@dataclass(frozen=True, slots=True)
class Readability:
    method: str
    """'lix' or 'flesch'."""
    score: int
    level: str
    """'easy', 'medium' or 'demanding'."""


def measure(text: str, lang: str) -> Readability | None:
    """The figure for `lang`, or None for a language without a known formula."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    if lang.startswith("sv"):
        return _lix(words, sentences)
    if lang.startswith("en"):
        return _flesch(words, sentences)
    return None


def _lix(words: list[str], sentences: int) -> Readability:
    """LIX = words per sentence + percentage of words longer than six letters."""
    long_words = sum(len(w) > 6 for w in words)
    score = round(len(words) / sentences + 100 * long_words / len(words))
    level = "easy" if score < 40 else "medium" if score < 50 else "demanding"
    return Readability("lix", score, level)


def _flesch(words: list[str], sentences: int) -> Readability:
    """Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    syllables = _syllables(words)
    score = round(206.835 - 1.015 * len(words) / sentences - 84.6 * syllables / len(words))
    level = "easy" if score >= 70 else "medium" if score >= 50 else "demanding"
    return Readability("flesch", score, level)


def _syllables(words: list[str]) -> int:
    """English syllables by vowel groups, with the usual silent-e correction.

    Counted over all words at once (one regex pass), since this runs for every article.
    """
    text = " ".join(words).lower()
    groups = len(_VOWEL_GROUPS.findall(text))
    silent = len(_SILENT_E.findall(text))
    without_vowels = len(_NO_VOWEL.findall(text))
    return groups - silent + without_vowels
