"""The fast paths of the matching package give what its rules (the patterns) define.

``key_info`` and ``vocab`` apply their regular expressions and token rules the fast way
(case-folded text, byte tables, a trie of heading words, years tried only near year
words, sections read at a glance). Each fast path is compared here with a plain reading
of the rule on seeded random text built from the words the rules care about; the golden
test (``test_prepare_golden.py``) does the same for whole postings.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from skael_core.matching import key_info as K
from skael_core.matching import vocab as V

PIECES = [
    # years
    "at least", "a minimum of", "minimum of", "min.", "more than", "over", "mindestens",
    "pelo menos", "al menos", "mínimo de", "one", "two", "five", "twelve", "fifteen", "ſix",
    "SEVEN", "nıne", "1", "3", "5", "10", "12", "20", "25", "123", "٣", "５", "+", "plus",
    "-", "–", "to", "years", "year", "yrs", "yr", "Jahre", "Jahren", "anos", "años",
    "YEARS", "Years'", "years’", "yearly", "payroll", "of", "de", "experience", "Erfahrung",
    "experiência", "experiencia",
    # degrees, languages, fluency
    "Bachelor's", "degree", "PhD", "Ph. D", "B.Sc", "M. Tech", "B.Com", "b. ed", "MBA",
    "licensed", "certification", "English", "englischkenntnisse", "German", "Español",
    "inglês", "fluent", "native", "business-level", "spoken", "C1", "B2", "JLPT", "N2",
    # headings and markup
    "## Requirements", "### What you'll bring", "**Benefits**", "What we offer:", "# Skills #",
    "Nice to have", "About us", "About the role", "Company", "Bonus", "plus", "Über uns",
    "- ", "* ", "• ", "1. ", "12) ", "**", "__", "`", "[link](https://example.com)", "_",
    # skills
    "Python", "React Native", "react", "GO", "go", "Go", "Excel", "excel", ".NET", "C++",
    "C#", "c+e licence", "Node.js", "A/B testing", "Customer support", "SAP", "k8s", "İ", "ı",
    "ß", "ﬁ", "é", "São Paulo", "Σ", "x5", "5x", "(", ")", ":", ";", ",", ".", "!", "?",
]  # fmt: skip
BLANKS = [" ", " ", " ", "", "  ", "\t", "\n", "\n", "\r\n", "\u00a0", "\u2028", " \n "]


def texts(seed: int, count: int, size: int = 30) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rng.choice(PIECES) + rng.choice(BLANKS) for _ in range(rng.randint(0, size))]
        if rng.random() < 0.1:
            parts.insert(0, " " * rng.randint(40, 90))
        out.append("".join(parts))
    return out


# --------------------------------------------------------------------------- folding


def test_re_fold_folds_every_character_the_way_ignorecase_compares() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    folded = V.re_fold(every)
    assert len(folded) == len(every)
    for category in (r"\w", r"\s", r"\d"):
        pattern = re.compile(category)
        assert [m.start() for m in pattern.finditer(folded)] == [
            m.start() for m in pattern.finditer(every)
        ]
    patterns = [
        K._YEARS, K._DEGREE, K._LANGUAGE, K._FLUENCY, K._WANTED, K._NOT_WANTED, K._OPTIONAL,
        K._NOT_AN_ITEM, V._DOTNET,
    ]  # fmt: skip
    letters = {c for p in patterns for c in p.pattern if c.isalpha()}
    for letter in letters:
        assert letter == letter.lower()
        ignoring_case = {m.start() for m in re.finditer(re.escape(letter), every, re.I)}
        exactly = {m.start() for m in re.finditer(re.escape(letter), folded)}
        assert ignoring_case == exactly, letter


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize("seed", range(4))
def test_year_matches_are_what_finditer_finds(seed: int) -> None:
    for text in texts(seed, 1500):
        folded = V.re_fold(text)
        numbered = K._numbered_year_words(folded)
        fast = [(m.span(), m.lastindex) for m in K._year_matches(folded, numbered)]
        assert fast == [(m.span(), m.lastindex) for m in K._YEARS.finditer(text)], text


def test_min_years_of_tricky_texts() -> None:
    assert K.min_years("5+ years") == 5
    assert K.min_years("At least five years of experience") == 5
    assert K.min_years("3-5 years; founded 45 years ago, 123 years") == 3
    assert K.min_years("x" * 60 + " 7 " + " " * 70 + "years of experience") == 7
    assert K.min_years("Payroll and yearly reviews") is None


# --------------------------------------------------------------------------- key facts


def slow_is_key_fact(text: str) -> bool:
    if K._YEARS.search(text) or K._DEGREE.search(text):
        return True
    return bool(K._LANGUAGE.search(text) and K._FLUENCY.search(text))


@pytest.mark.parametrize("seed", range(3))
def test_is_key_fact_is_the_rule(seed: int) -> None:
    for text in texts(seed + 10, 1500, size=12):
        try:
            expected: object = slow_is_key_fact(text)
        except ValueError as error:  # a long-s number word fails int(): the rule fails too
            expected = type(error)
        try:
            got: object = K._is_key_fact(text)
        except ValueError as error:
            got = type(error)
        assert got == expected, text


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize("seed", range(3))
def test_heading_kind_is_what_the_heading_patterns_say(seed: int) -> None:
    rng = random.Random(seed)
    words = [*K._HEADING_BITS, "what", "you", "we", "'ll", " will", "the", "role", "us", "x"]
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            word = rng.choice(words)
            roll = rng.random()
            if roll < 0.2:
                word = word.upper()
            elif roll < 0.3 and len(word) > 2:
                cut = rng.randrange(len(word))
                word = word[:cut] + word[cut + 1 :]
            parts.append(word)
        heading = rng.choice(["", " ", "  "]).join(parts) + rng.choice(["", " ", "\t"])
        wanted = bool(K._WANTED.search(heading)) and not K._NOT_WANTED.search(heading)
        optional = bool(K._OPTIONAL.search(heading.strip()))
        assert K._heading_kind(heading) == (wanted, optional), heading


@pytest.mark.parametrize("seed", range(2))
def test_heading_and_bullet_text_are_the_patterns(seed: int) -> None:
    rng = random.Random(seed)
    starts = ["#", "##", "###", "#######", "  #", "    #", "**", "__", "- ", "-", "12) ", "1.", ""]
    for _ in range(5000):
        line = rng.choice(starts) + rng.choice(BLANKS[:6]) + rng.choice(PIECES)
        line += rng.choice(["", " ", "#", " ##", ":", " :", "**", "  "])
        if not line.strip() or "\n" in line or "\u2028" in line:
            continue
        assert K._heading_of(line) == K._heading_text(line), line
        bullet = K._BULLET.match(line)
        assert K._bullet_text(line.strip()) == (bullet["text"] if bullet else None), line


# --------------------------------------------------------------------------- tokens


def slow_tokens(text: str) -> V.Phrase:
    return tuple(V._TOKEN.findall(V.fold(V._DOTNET.sub(" dotnet ", text))))


def slow_skills(text: str) -> tuple[str, ...]:
    """skills_in_text as first written: the longest phrase at every token."""
    vocab = V.vocabulary()
    raw = V._raw_tokens(text)
    low = [t.casefold() for t in raw]
    found: dict[str, None] = {}
    i = 0
    while i < len(low):
        for size in range(min(vocab.skill_span, len(low) - i), 0, -1):
            phrase = tuple(low[i : i + size])
            forms = vocab.exact_forms.get(phrase)
            if phrase in vocab.skill_phrases and (
                forms is None or " ".join(raw[i : i + size]) in forms
            ):
                found.setdefault(vocab.skill_phrases[phrase])
                i += size
                break
        else:
            i += 1
    return tuple(found)


@pytest.mark.parametrize("seed", range(3))
def test_tokens_and_skills_are_the_token_rules(seed: int) -> None:
    rng = random.Random(seed)
    aliases = [a for k, v in V.vocabulary().skill_phrases.items() for a in (" ".join(k), v)]
    for text in texts(seed + 20, 800, size=20):
        words = rng.sample(aliases, 4)
        text = text + " " + rng.choice(["", "-", "/", "+", "#", "."]).join(words)
        assert V.tokens(text) == slow_tokens(text), text
        low, raw = V._text_tokens(text)
        assert raw() == V._raw_tokens(text), text
        assert low == [t.casefold() for t in V._raw_tokens(text)], text
        assert V.skills_in_text(text) == slow_skills(text), text
        assert dict.fromkeys(slow_skills(text)) == V.title_features(text)[2], text


@pytest.mark.parametrize("seed", range(3))
def test_read_description_tokens_are_those_of_the_required_text(seed: int) -> None:
    for text in texts(seed + 30, 600, size=40):
        if not text:
            continue
        try:
            _, low, raw, _ = K.read_description(text)
        except ValueError:  # a long-s number word: min_years fails, as the rule does
            continue
        required = K.required_text(text)
        assert raw() == V._raw_tokens(required), text
        assert low == [t.casefold() for t in V._raw_tokens(required)], text
