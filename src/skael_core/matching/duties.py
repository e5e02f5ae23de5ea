"""Duties as evidence: what a posting asks people to do, for postings without tags.

A posting with no technology tags often names its work only in its duties ("Run hiring
processes from sourcing to offer"). Its description's words, crudely stemmed, are kept
with its features when it is stored (:func:`duty_words`), and a person's skills count
as evidence where all their words appear there (:func:`skill_words`): "Sourcing" and
"Interviewing" for that posting, though neither is a skill the vocabulary knows.
"""

from __future__ import annotations

from collections.abc import Iterable

from .vocab import tokens, vocabulary

MAX_DUTY_WORDS = 150
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "e", "s")
_SHORTEST = 3
_STEM = 6


def stem(word: str) -> str:
    """``word`` without a common English ending, when at least four letters remain, cut
    to six letters: "negotiation", "negotiate" and "negotiating" are all "negoti"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)][:_STEM]
    return word[:_STEM]


def _content(words: Iterable[str]) -> list[str]:
    stop = vocabulary().stopwords
    return [stem(w) for w in words if len(w) >= _SHORTEST and w.isalpha() and w not in stop]


def duty_words(low_tokens: Iterable[str]) -> frozenset[str]:
    """The stemmed content words of a description's tokens (lower-case, in order), at
    most :data:`MAX_DUTY_WORDS` of them, the first ones."""
    found: dict[str, None] = {}
    for word in _content(low_tokens):
        found[word] = None
        if len(found) >= MAX_DUTY_WORDS:
            break
    return frozenset(found)


def skill_words(skills: Iterable[str]) -> tuple[frozenset[str], ...]:
    """For each skill a person lists, its stemmed content words (skills without any
    left out)."""
    found = (frozenset(_content(tokens(skill))) for skill in skills)
    return tuple(words for words in found if words)
