"""The matching vocabulary: skill aliases, role synonyms and seniority words.

Everything the matcher knows about words lives in ``data/vocabulary.json``, read once on
first use. Text is compared as *tokens*: case-folded, accent-free runs of letters and
digits (a trailing ``+`` or ``#`` kept, so ``c++`` and ``c#`` survive); every other
character separates tokens, so "Node.js", "node js" and "node-js" are the same phrase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources

import msgspec

_TOKEN = re.compile(r"[^\W_]+[+#]*")
_DOTNET = re.compile(r"(?<![\w.])\.net\b", re.IGNORECASE)

Phrase = tuple[str, ...]


class _VocabularyFile(msgspec.Struct, frozen=True):
    skills: dict[str, list[str]]
    ambiguous: dict[str, list[str]]
    roles: list[list[str]]
    seniority: dict[str, int]
    seniority_levels: dict[str, int]
    stopwords: list[str]
    role_nouns: list[str]


class Vocabulary:
    """The vocabulary file turned into lookup tables keyed by token phrases."""

    def __init__(self, raw: _VocabularyFile) -> None:
        self.skill_phrases: dict[Phrase, str] = {}
        for key, aliases in raw.skills.items():
            canonical = "-".join(tokens(key))
            for alias in (key, *aliases):
                self.skill_phrases.setdefault(tokens(alias), canonical)
        # Phrases that are also everyday words count in free text only when spelled
        # one of the listed ways; an empty list means never from free text.
        self.exact_forms: dict[Phrase, frozenset[str]] = {
            tokens(phrase): frozenset(forms) for phrase, forms in raw.ambiguous.items()
        }
        self.skill_span = max(len(p) for p in self.skill_phrases)
        self.role_phrases: dict[Phrase, Phrase] = {}
        for group in raw.roles:
            canonical_role = tokens(group[0])
            for synonym in group:
                self.role_phrases.setdefault(tokens(synonym), canonical_role)
        self.role_span = max(len(p) for p in self.role_phrases)
        self.seniority_words = dict(raw.seniority)
        self.seniority_levels = {k.casefold(): v for k, v in raw.seniority_levels.items()}
        self.stopwords = frozenset(raw.stopwords)
        self.role_nouns = frozenset(raw.role_nouns)


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded on first use and kept."""
    data = resources.files(__package__).joinpath("data", "vocabulary.json").read_bytes()
    return Vocabulary(msgspec.json.decode(data, type=_VocabularyFile))


def fold(text: str) -> str:
    """Case-folded text without accents ("São Paulo" -> "sao paulo")."""
    return _strip_accents(text).casefold()


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> Phrase:
    """The folded tokens of ``text``."""
    return tuple(_TOKEN.findall(fold(_DOTNET.sub(" dotnet ", text))))


def _raw_tokens(text: str) -> list[str]:
    """Tokens with their original case (accents stripped), aligned with :func:`tokens`."""
    return _TOKEN.findall(_strip_accents(_DOTNET.sub(" dotnet ", text)))


def canonical_skill(name: str) -> str:
    """The canonical key of a skill name, in technology-slug form.

    Known names and aliases resolve through the vocabulary ("JS" -> "javascript",
    "k8s" -> "kubernetes"); any other name becomes its lower-case tokens joined by
    hyphens ("Apache Airflow" -> "apache-airflow"). Idempotent; "" for a blank name.
    """
    return _canonical_skill(name)


@lru_cache(maxsize=8192)
def _canonical_skill(name: str) -> str:
    phrase = tokens(name)
    known = vocabulary().skill_phrases.get(phrase)
    if known is not None:
        return known
    return "-".join(phrase)


def canonical_skills(names: Iterable[str]) -> tuple[str, ...]:
    """Canonical keys of ``names``, first occurrence kept, blanks dropped."""
    seen = dict.fromkeys(canonical_skill(n) for n in names)
    seen.pop("", None)
    return tuple(seen)


def skills_in_text(text: str | None) -> tuple[str, ...]:
    """Canonical skills named in free text, in order of first mention.

    The longest known phrase wins at each position ("react native" before "react");
    ambiguous words count only in their listed spellings ("Go", not "go ahead").
    """
    if not text:
        return ()
    vocab = vocabulary()
    raw = _raw_tokens(text)
    low = [t.casefold() for t in raw]
    found: dict[str, None] = {}
    i, n = 0, len(low)
    while i < n:
        size = _longest_skill_at(vocab, raw, low, i)
        if size:
            found.setdefault(vocab.skill_phrases[tuple(low[i : i + size])])
            i += size
        else:
            i += 1
    return tuple(found)


def _longest_skill_at(vocab: Vocabulary, raw: Sequence[str], low: Sequence[str], i: int) -> int:
    for size in range(min(vocab.skill_span, len(low) - i), 0, -1):
        phrase = tuple(low[i : i + size])
        if phrase not in vocab.skill_phrases:
            continue
        forms = vocab.exact_forms.get(phrase)
        if forms is None or " ".join(raw[i : i + size]) in forms:
            return size
    return 0


def title_tokens(title: str | None) -> tuple[frozenset[str], int | None]:
    """Normalised words of a job title and the seniority its words signal.

    Role synonyms fold into their group's canonical words ("Software Developer" and
    "Programmer" both give {"software", "engineer"}); seniority words ("Senior",
    "Head", ...) set the rank and are dropped, as are stopwords.
    """
    if not title:
        return frozenset(), None
    vocab = vocabulary()
    words = tokens(title)
    out: set[str] = set()
    rank: int | None = None
    i, n = 0, len(words)
    while i < n:
        size, role = _longest_role_at(vocab, words, i)
        if role is not None:
            out.update(role)
            i += size
            continue
        word = words[i]
        level = vocab.seniority_words.get(word)
        if level is not None:
            rank = level if rank is None else max(rank, level)
        elif word not in vocab.stopwords:
            out.add(word)
        i += 1
    return frozenset(out), rank


def _longest_role_at(vocab: Vocabulary, words: Phrase, i: int) -> tuple[int, Phrase | None]:
    for size in range(min(vocab.role_span, len(words) - i), 0, -1):
        role = vocab.role_phrases.get(words[i : i + size])
        if role is not None:
            return size, role
    return 0, None


def title_weight(words: frozenset[str]) -> float:
    """The weight of title words: generic role nouns ("engineer") count half."""
    return len(words) - 0.5 * len(words & vocabulary().role_nouns)


def seniority_level(label: str | None) -> int | None:
    """The rank of a provider seniority label ("mid_level" -> 1), None if unknown."""
    if not label:
        return None
    return vocabulary().seniority_levels.get(label.strip().casefold())


def place_keys(*places: str | None) -> frozenset[str]:
    """Folded place names and their words: "São Paulo, SP" -> {"sao paulo", "sao", ...}."""
    keys: set[str] = set()
    for place in places:
        for part in (place or "").split(","):
            words = tokens(part)
            if words and words[0] not in _NOT_PLACES:
                keys.add(" ".join(words))
                keys.update(words)
    return frozenset(keys)


def place_phrases(places: Iterable[str]) -> frozenset[str]:
    """Whole folded place names (no single words): what a person's preference names."""
    out: set[str] = set()
    for place in places:
        for part in place.split(","):
            words = tokens(part)
            if words and words[0] not in _NOT_PLACES:
                out.add(" ".join(words))
    return frozenset(out)


_NOT_PLACES = frozenset({"remote", "anywhere", "worldwide", "global", "hybrid"})
