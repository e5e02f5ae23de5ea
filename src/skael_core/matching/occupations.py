"""Occupations: which ESCO occupations a job title or a desired role names.

``data/occupations.json.gz`` is built by ``python -m skael_adapters.occupations_data``
from ESCO, the European Commission's classification of occupations (CC BY 4.0), with
the alternative titles of each occupation and its ISCO-08 unit group; its ``source``
and ``licence`` fields name them. Titles are read once, when a job is stored (and once
per ranking request for the person's desired role); scoring compares sets of ids.

A title names the occupations one of whose label texts holds its longest run of words
(seniority words and noise such as "(m/f/d)" left out) as a phrase: "Talent
Acquisition Partner" is ESCO's talent acquisition manager, "Recruiter" the occupations
with a "... recruiter" title. A single word counts only when it is no generic noun
("manager", "assistant", ...) and few occupations carry it; otherwise the title names
none and only its words are compared. Occupations whose titles end in the same noun
("talent acquisition recruiter", "employee recruiter") are related.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Final

import msgspec

_MAX_SINGLE_WORD = 6  # occupations a lone word may name
_MAX_NAMED = 8  # occupations a title may name; more means it is too vague
GENERIC: Final = frozenset(
    [
        "manager",
        "assistant",
        "officer",
        "worker",
        "technician",
        "operator",
        "consultant",
        "coordinator",
        "specialist",
        "representative",
        "analyst",
        "engineer",
        "developer",
        "director",
        "head",
        "lead",
        "leader",
        "supervisor",
        "administrator",
        "advisor",
        "adviser",
        "agent",
        "associate",
        "executive",
        "clerk",
        "designer",
        "teacher",
        "professional",
        "expert",
        "partner",
        "staff",
        "member",
        "team",
        "trainee",
        "intern",
        "apprentice",
        "principal",
        "chief",
        "general",
        "of",
        "and",
        "de",
    ]
)
"""Words that name no occupation alone."""
NOISE: Final = frozenset(
    [
        "senior",
        "junior",
        "sr",
        "jr",
        "mid",
        "level",
        "entry",
        "lead",
        "principal",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "m",
        "f",
        "d",
        "w",
        "x",
        "h",
        "remote",
        "hybrid",
        "onsite",
        "on",
        "site",
        "full",
        "part",
        "time",
        "temporary",
        "permanent",
        "contract",
        "the",
        "a",
        "an",
        "in",
        "for",
        "with",
        "to",
        "at",
    ]
)
"""Words left out of a title before it is looked up (seniority, "(m/f/d)", ...)."""


class _OccupationsFile(msgspec.Struct, frozen=True):
    source: str
    licence: str
    occupations: list[tuple[int, int, str, str]]


class Occupations:
    """The occupation file as lookup tables: word -> occupations holding it, and each
    occupation's ISCO unit group and label text."""

    def __init__(self, raw: _OccupationsFile) -> None:
        self.source = raw.source
        self.licence = raw.licence
        self.group: dict[int, int] = {}
        self.label: dict[int, str] = {}
        self.text: dict[int, str] = {}
        self.heads: dict[int, frozenset[str]] = {}
        postings: dict[str, set[int]] = {}
        for key, isco, preferred, text in raw.occupations:
            self.group[key] = isco
            self.label[key] = preferred
            heads = {label.rsplit(" ", 1)[-1] for label in text.split(" | ")}
            self.heads[key] = frozenset(heads - GENERIC)
            self.text[key] = f", {text.replace(' | ', ' , ')} ,"
            for word in set(text.split()):
                postings.setdefault(word, set()).add(key)
        self.postings = {word: frozenset(keys) for word, keys in postings.items()}


@cache
def occupations() -> Occupations:
    """The packaged occupations, loaded on first use and kept."""
    data = resources.files(__package__).joinpath("data", "occupations.json.gz").read_bytes()
    return Occupations(msgspec.json.decode(gzip.decompress(data), type=_OccupationsFile))


Named = tuple[frozenset[int], frozenset[int], frozenset[str]]
"""The occupations a title names (ids), their ISCO-08 unit groups and the head nouns
of their titles ("recruiter", "driver"; generic nouns left out)."""
NO_OCCUPATION: Named = (frozenset(), frozenset(), frozenset())


@lru_cache(maxsize=8192)
def occupations_named(words: Sequence[str]) -> Named:
    """The occupations a title names (:data:`Named`), given the title's folded words in
    order (as :func:`.vocab.tokens` gives them).

    The longest runs of words are tried first; occupations with a label that is the
    run itself win over those whose labels merely hold it. A lone word is tried last,
    and only the title's last (its head noun: "recruiter" in "Technical Recruiter").
    """
    table = occupations()
    content = [w for w in words if w not in NOISE]
    while content and content[-1] in _KEPT:  # "sales and" -> "sales"
        content.pop()
    for size in range(len(content), 0, -1):
        starts = range(len(content) - size + 1) if size > 1 else [len(content) - 1]
        exact: set[int] = set()
        found: set[int] = set()
        for start in starts:
            window = content[start : start + size]
            if size == 1 and (window[0] in GENERIC or not window[0].isalpha()):
                continue
            holding = _holding(table, window)
            found |= holding
            label = f", {' '.join(window)} ,"
            exact |= {key for key in holding if label in table.text[key]}
        named = exact or found
        limit = _MAX_NAMED if size > 1 or exact else _MAX_SINGLE_WORD
        if named:
            if len(named) > limit:
                return NO_OCCUPATION
            keys = frozenset(named)
            groups = frozenset(table.group[k] for k in keys if table.group[k])
            return keys, groups, frozenset().union(*(table.heads[k] for k in keys))
    return NO_OCCUPATION


_KEPT = frozenset(("of", "and", "de"))  # inside a run: "head of", "chef de partie"


def _holding(table: Occupations, window: Sequence[str]) -> set[int]:
    """The occupations whose label text holds ``window`` as a phrase."""
    postings = [table.postings.get(word) for word in window]
    if any(p is None for p in postings):
        return set()
    candidates = frozenset.intersection(*[p for p in postings if p is not None])
    phrase = f" {' '.join(window)} "
    return {key for key in candidates if phrase in table.text[key]}
