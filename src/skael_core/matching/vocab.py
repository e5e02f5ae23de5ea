"""The matching vocabulary: skill aliases, role synonyms and seniority words.

Everything the matcher knows about words lives in ``data/vocabulary.json``, read once on
first use. Text is compared as *tokens*: case-folded, accent-free runs of letters and
digits (a trailing ``+`` or ``#`` kept, so ``c++`` and ``c#`` survive); every other
character separates tokens, so "Node.js", "node js" and "node-js" are the same phrase.

Speed matters here: every stored job runs through :func:`skills_in_text` and
:func:`tokens`. ASCII text (the usual case, and what most other text becomes once its
accents and punctuation are dealt with) is tokenised with byte tables instead of the
token regex, and phrases are looked up only where a known first token stands. The
regular expressions above remain the definition; the fast paths give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import compress

import msgspec

_TOKEN = re.compile(r"[^\W_]+[+#]*")
_DOTNET = re.compile(r"(?<![\w.])\.net\b", re.IGNORECASE)

Phrase = tuple[str, ...]
# What may start at a token: longer phrases by second token, the one-token phrase.
_SkillStart = tuple[
    dict[str, tuple[tuple[int, Phrase, str, frozenset[str] | None], ...]] | None,
    str | None,
    frozenset[str] | None,
]


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
        # Lookup by first token: (by second token, the longer phrases as (length,
        # phrase, canonical key, spellings that count or None), longest first; the
        # canonical key of the one-token phrase; its spellings that count). Phrases
        # never to be counted in free text are left out.
        longer: dict[str, dict[str, list[tuple[int, Phrase, str, frozenset[str] | None]]]] = {}
        single: dict[str, tuple[str, frozenset[str] | None]] = {}
        for phrase, canonical in self.skill_phrases.items():
            forms = self.exact_forms.get(phrase)
            if forms == frozenset():
                continue
            if len(phrase) == 1:
                single[phrase[0]] = (canonical, forms)
            else:
                entry = (len(phrase), phrase, canonical, forms)
                longer.setdefault(phrase[0], {}).setdefault(phrase[1], []).append(entry)
        self.skill_index: dict[str, _SkillStart] = {
            first: (
                {
                    second: tuple(sorted(found, reverse=True))
                    for second, found in longer[first].items()
                }
                if first in longer
                else None,
                *single.get(first, (None, None)),
            )
            for first in {*longer, *single}
        }
        self.role_phrases: dict[Phrase, Phrase] = {}
        for group in raw.roles:
            canonical_role = tokens(group[0])
            for synonym in group:
                self.role_phrases.setdefault(tokens(synonym), canonical_role)
        self.role_span = max(len(p) for p in self.role_phrases)
        self.role_sizes = _sizes_by_first_token(self.role_phrases)
        self.seniority_words = dict(raw.seniority)
        self.seniority_levels = {k.casefold(): v for k, v in raw.seniority_levels.items()}
        self.stopwords = frozenset(raw.stopwords)
        self.role_nouns = frozenset(raw.role_nouns)


def _sizes_by_first_token(phrases: Iterable[Phrase]) -> dict[str, tuple[int, ...]]:
    sizes: dict[str, set[int]] = {}
    for phrase in phrases:
        if phrase:
            sizes.setdefault(phrase[0], set()).add(len(phrase))
    return {first: tuple(sorted(found, reverse=True)) for first, found in sizes.items()}


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded on first use and kept."""
    data = resources.files(__package__).joinpath("data", "vocabulary.json").read_bytes()
    return Vocabulary(msgspec.json.decode(data, type=_VocabularyFile))


def fold(text: str) -> str:
    """Case-folded text without accents ("São Paulo" -> "sao paulo")."""
    return _strip_accents(text).casefold()


def re_fold(text: str) -> str:
    """``text`` lower-cased the way ``re.IGNORECASE`` compares characters.

    One character for one character, so positions carry over; a case-sensitive pattern
    with lower-case literals matches the folded text exactly where the same pattern with
    ``re.IGNORECASE`` matches the original (``str.lower`` alone differs for the dotted
    capital I, the dotless i and the long s, which the engine equates with "i", "i" and
    "s"; ``tests/core/test_matching_fast_paths.py`` checks every character).
    """
    if text.isascii():
        return text.lower()
    return text.replace("İ", "i").lower().replace("ı", "i").replace("ſ", "s")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    for mark in [c for c in set(decomposed) if unicodedata.combining(c)]:
        decomposed = decomposed.replace(mark, "")
    return decomposed


def tokens(text: str) -> Phrase:
    """The folded tokens of ``text``."""
    if text.isascii() and "+" not in text and "#" not in text and "." not in text:
        return tuple(text.encode("ascii").translate(_LOWER_SPACED).decode("ascii").split())
    plain = _plain_ascii(text)
    if plain is None:
        return tuple(_TOKEN.findall(fold(_DOTNET.sub(" dotnet ", text))))
    return tuple(_spaced(plain).lower().split())


def _raw_tokens(text: str) -> list[str]:
    """Tokens with their original case (accents stripped), aligned with :func:`tokens`."""
    return _TOKEN.findall(_strip_accents(_DOTNET.sub(" dotnet ", text)))


# ASCII tokenising: every byte but letters, digits, "+" and "#" becomes a blank; then
# "+"/"#" runs that follow a blank are dropped and a blank goes after runs that a letter
# or digit follows ("5+years"), so splitting on blanks gives exactly what _TOKEN finds.
_SPACED = bytes(b if chr(b).isalnum() or chr(b) in "+#" else 32 for b in range(128)) + bytes(
    b" " * 128
)
_LOWER_SPACED = _SPACED.lower()  # the same, lower-cased (for text without "+" or "#")
_PLACE_SPACED = _LOWER_SPACED[:44] + b"," + _LOWER_SPACED[45:]  # ... keeping ","
SEPARATOR = "\x01"  # kept as a token of its own by _SEPARATED (see section_tokens)
_SEPARATED = _SPACED[:1] + SEPARATOR.encode() + _SPACED[2:]
_GLUED_MARKS = re.compile(r"[+#]+(?=[A-Za-z0-9])")


def _spaced(text: str, table: bytes = _SPACED) -> str:
    """ASCII ``text`` reduced to its tokens (original case) and blanks."""
    spaced = text.encode("ascii").translate(table).decode("ascii")
    for mark in "+#":
        at = spaced.find(mark)
        while at >= 0:
            if not at or spaced[at - 1] == " " or spaced[at + 1 : at + 2].isalnum():
                spaced = " " + spaced
                while " #" in spaced or " +" in spaced:
                    spaced = spaced.replace(" #", "  ").replace(" +", "  ")
                return _GLUED_MARKS.sub(r"\g<0> ", spaced)
            at = spaced.find(mark, at + 1)
    return spaced


def _plain_ascii(text: str, dotnet: bool = True) -> str | None:
    """``text`` as ASCII with the same tokens (".net" spelled out, accents stripped,
    other characters that cannot be part of a token blanked), or None when it keeps
    letters or digits outside ASCII. ``dotnet`` False: ".net" is known not to occur."""
    if text.isascii():
        if dotnet and "." in text and ".net" in text.lower():
            return _DOTNET.sub(" dotnet ", text)
        return text
    if ".net" in text.lower():
        text = _DOTNET.sub(" dotnet ", text)
    text = _strip_accents(text)
    if text.isascii():
        return text
    for char in set(text):
        if not char.isascii():
            if char.isalnum():
                return None
            text = text.replace(char, " ")
    return text


def _text_tokens(text: str, dotnet: bool = True) -> tuple[list[str], Callable[[], list[str]]]:
    """Lower-case tokens of ``text`` and a function giving them in their original case.

    The same as ``[t.casefold() for t in _raw_tokens(text)]`` and ``_raw_tokens(text)``.
    """
    plain = _plain_ascii(text, dotnet)
    if plain is None:
        raw = _raw_tokens(text)
        joined = "\n".join(raw).casefold()
        return (joined.split("\n") if raw else []), lambda: raw
    spaced = _spaced(plain)
    return spaced.lower().split(), spaced.split


def section_tokens(
    text: str, dotnet: bool = True
) -> tuple[list[str], Callable[[], list[str]]] | None:
    """:func:`_text_tokens` of ``text``, sections of it joined by :data:`SEPARATOR` lines
    (which stay as tokens); None when ``text`` keeps letters or digits outside ASCII
    (the separators would not survive the regular-expression tokenising)."""
    plain = _plain_ascii(text, dotnet)
    if plain is None:
        return None
    spaced = _spaced(plain, _SEPARATED)
    return spaced.lower().split(), spaced.split


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
    seen = dict.fromkeys(map(_canonical_skill, names))
    seen.pop("", None)
    return tuple(seen)


def skills_in_text(text: str | None) -> tuple[str, ...]:
    """Canonical skills named in free text, in order of first mention.

    The longest known phrase wins at each position ("react native" before "react");
    ambiguous words count only in their listed spellings ("Go", not "go ahead").
    """
    if not text:
        return ()
    low, raw = _text_tokens(text)
    return tuple(_skills_in_tokens(vocabulary(), low, raw))


def _skills_in_tokens(
    vocab: Vocabulary, low: Sequence[str], raw: Callable[[], Sequence[str]]
) -> dict[str, None]:
    """Skills in token order: at each position the longest known phrase, if any.

    Only positions holding a known first token are looked at, and longer phrases only
    where the next token fits; ``raw`` (the tokens in their original case) is asked for
    only when an ambiguous phrase needs its spelling.
    """
    found: dict[str, None] = {}
    spelled: Sequence[str] | None = None
    index = vocab.skill_index
    n = len(low)
    after = 0
    for i in compress(range(n), map(index.__contains__, low)):
        if i < after:
            continue
        longer, canonical, forms = index[low[i]]
        if longer is not None and i + 1 < n:
            for size, phrase, key, spellings in longer.get(low[i + 1], ()):
                if i + size > n or (size > 2 and tuple(low[i : i + size]) != phrase):
                    continue
                if spellings is not None:
                    if spelled is None:
                        spelled = raw()
                    if " ".join(spelled[i : i + size]) not in spellings:
                        continue
                found[key] = None
                after = i + size
                break
            if after > i:
                continue
        if canonical is not None:
            if forms is not None:
                if spelled is None:
                    spelled = raw()
                if spelled[i] not in forms:
                    continue
            found[canonical] = None
            after = i + 1
    return found


def title_tokens(title: str | None) -> tuple[frozenset[str], int | None]:
    """Normalised words of a job title and the seniority its words signal.

    Role synonyms fold into their group's canonical words ("Software Developer" and
    "Programmer" both give {"software", "engineer"}); seniority words ("Senior",
    "Head", ...) set the rank and are dropped, as are stopwords.
    """
    if not title:
        return frozenset(), None
    return _title_words(vocabulary(), tokens(title))


def title_features(title: str) -> tuple[frozenset[str], int | None, dict[str, None]]:
    """:func:`title_tokens` and :func:`skills_in_text` of a title, tokenised once."""
    vocab = vocabulary()
    if title.isascii() and "+" not in title and "#" not in title and "." not in title:
        spaced = title.encode("ascii").translate(_SPACED).decode("ascii")
    else:
        plain = _plain_ascii(title) if title else None
        if plain is None:
            return (*title_tokens(title), dict.fromkeys(skills_in_text(title)))
        spaced = _spaced(plain)
    low = spaced.lower().split()
    return (*_title_words(vocab, tuple(low)), _skills_in_tokens(vocab, low, spaced.split))


def _title_words(vocab: Vocabulary, words: Phrase) -> tuple[frozenset[str], int | None]:
    out: set[str] = set()
    rank: int | None = None
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        sizes = vocab.role_sizes.get(word)
        if sizes is not None:
            size, role = _longest_role_at(vocab, words, i, sizes)
            if role is not None:
                out.update(role)
                i += size
                continue
        level = vocab.seniority_words.get(word)
        if level is not None:
            rank = level if rank is None else max(rank, level)
        elif word not in vocab.stopwords:
            out.add(word)
        i += 1
    return frozenset(out), rank


def _longest_role_at(
    vocab: Vocabulary, words: Phrase, i: int, sizes: tuple[int, ...]
) -> tuple[int, Phrase | None]:
    for size in sizes:
        if i + size <= len(words):
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
    text = ",".join(filter(None, places))  # the same parts as each place's
    if text.isascii() and "+" not in text and "#" not in text and "." not in text:
        # tokens() of every part at once: the table keeps "," (see _LOWER_SPACED).
        parts = [p.split() for p in text.encode().translate(_PLACE_SPACED).decode().split(",")]
    else:
        parts = [list(tokens(part)) for part in text.split(",")]
    for words in parts:
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
