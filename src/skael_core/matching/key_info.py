"""Key requirements and years of experience, read from a Markdown job description.

Regular expressions run here, once per stored job, never while scoring.

The patterns below are the rules. Every stored job goes through here, so they are
applied the fast way, with the same results (``tests/core/test_prepare_golden.py`` and
``tests/core/test_matching_fast_paths.py`` hold them to that):

* case-sensitive twins of the ``re.IGNORECASE`` patterns run on
  :func:`~.vocab.re_fold`-ed text, where the engine can skip an alternative on its
  first letter;
* the years pattern is tried only where a match can start: a number or a word like
  "at least" in the few chunks before a year word that follows a number;
* the alternatives of the heading patterns are looked up in one trie-shaped pattern;
* the description is read section by section (a heading starts one) and tokenised once;
  lines outside requirement sections are read closely only when their tokens say one
  of them may name years, a degree or a language.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from .vocab import SEPARATOR, _text_tokens, re_fold, section_tokens

MAX_ITEMS = 8
MAX_CHARS = 120

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15,
}  # fmt: skip
_NUM = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_YRS = r"(?:years?|yrs?|jahren?|anos|años)\b"
_YEARS = re.compile(
    rf"\b{_NUM}\s*(?:\+|plus)\s*{_YRS}"
    rf"|\b(?:at\s+least|a\s+minimum\s+of|minimum(?:\s+of)?|min\.?|more\s+than|over"
    rf"|mindestens|pelo\s+menos|al\s+menos|m[ií]nimo\s+de)\s+"
    rf"{_NUM}\s*\+?\s*{_YRS}"
    rf"|\b{_NUM}\s*(?:-|–|to)\s*\d{{1,2}}\s*\+?\s*{_YRS}"
    rf"|\b{_NUM}\s+{_YRS}(?:['’]s?)?\s+(?:of\s+|de\s+)?(?:[\w/+#.-]+\s+){{0,4}}?"
    rf"(?:experience|erfahrung|experi[eê]ncia|experiencia)",
    re.IGNORECASE,
)
_DEGREE = re.compile(
    r"\b(?:bachelor|master|ph\.?\s?d|doctorate|degree|diploma|mba|b\.?\s?sc|m\.?\s?sc|"
    r"b\.?\s?tech|m\.?\s?tech|b\.?com|m\.?com|b\.\s?ed|bsn|msn|pgce|qts|cpa|acca|cfa|"
    r"licen[cs]e[ds]?|registration|certified|certification)\b",
    re.IGNORECASE,
)
_LANGUAGE = re.compile(
    r"\b(?:english|german|french|spanish|portuguese|italian|dutch|japanese|mandarin|"
    r"chinese|cantonese|hindi|arabic|korean|russian|polish|swedish|danish|norwegian|"
    r"finnish|turkish|hebrew|tamil|telugu|marathi|kannada|bengali|vietnamese|thai|"
    r"indonesian|malay|tagalog|greek|czech|romanian|hungarian|ukrainian|deutsch|englisch\w*|"
    r"französisch|spanisch|ingl[eêé]s|portugu[eê]s|espanhol|español)\b",
    re.IGNORECASE,
)
_FLUENCY = re.compile(
    r"\b(?:fluen\w*|proficien\w*|native|business[- ]level|speak\w*|spoken|written|verbal|"
    r"bilingual|command\s+of|[abc][12]\b|jlpt|n[12]\b|language)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(?P<text>.+?)\s*#*\s*$")
_BOLD_HEADING = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]{2,80})(?:\*\*|__)\s*:?\s*$")
_COLON_HEADING = re.compile(r"^\s*(?P<text>[^\s\-*•+][^:]{1,60}):\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•+·▪◦–]|\d{1,2}[.)])\s+(?P<text>.*\S)\s*$")
_WANTED = re.compile(
    r"requirement|qualification|must[- ]haves?|what you(?:['’]ll| will)? (?:bring|need|have)"
    r"|what we(?:['’]re| are)? looking for|what we look for|looking for|skills|about you"
    r"|who you are|your profile|you have|you bring|you are|experience|we expect"
    r"|ideal candidate|competenc|your background|anforderungen|dein profil|ihr profil"
    r"|was du mitbringst|requisitos|qualifica|応募資格|必須",
    re.IGNORECASE,
)
_NOT_WANTED = re.compile(
    r"nice[- ]to[- ]have|bonus|\bplus\b|benefit|perk|we offer|what we offer|responsibilit"
    r"|what you(?:['’]ll| will) do|about (?:us|the)|day[- ]to[- ]day|your role|the role",
    re.IGNORECASE,
)
_OPTIONAL = re.compile(
    r"nice[- ]to[- ]have|bonus|\bplus\b|benefit|perk|we offer|what we offer"
    r"|about (?:us|the company)|^company$|wir bieten|was wir bieten|über uns|sobre n[oó]s",
    re.IGNORECASE,
)
_NOT_AN_ITEM = re.compile(
    r"^(?:salary|compensation|pay|benefits?|location|contract|start date|apply|how to apply)\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


# --------------------------------------------------------------------------- public


Years = tuple[int | None, int | None]
"""Years of experience a posting asks for: the floor and, for a range, its top."""


def min_years(description: str | None) -> int | None:
    """The years of experience a description asks for ("5+ years", "at least 3 years").

    The floor of :func:`years_asked`.
    """
    return years_asked(description)[0]


def years_asked(description: str | None) -> Years:
    """The floor and top of the years of experience a description asks for.

    "8+ years", "at least 5 years", "minimum of 3 years", "5 years of experience": a
    floor and no top; "5-7 years", "0-1 years", "3 to 5 years": a floor and a top. The
    largest floor wins (a posting may ask "5+ years overall, 2+ with Kafka"), with its
    range's top; figures above 20 are taken for something else (company age) and
    ignored. With no figure, an entry-level phrase ("no prior experience needed",
    "fresh graduates", "entry-level", "freshers") asks 0-1 years.
    """
    if not description:
        return None, None
    folded = re_fold(description)
    return _years(description, folded, _numbered_year_words(folded))


def mentions_degree(text: str) -> bool:
    """True when ``text`` names a degree, diploma, licence or certification."""
    return bool(_DEGREE.search(text))


def extract_key_info(description: str | None) -> tuple[str, ...]:
    """Key requirements of a Markdown job description, in the order they appear.

    Items are the bullets (and sentences) under a "Requirements"/"Qualifications"/
    "What you bring"-style heading, plus any sentence elsewhere that asks for years of
    experience, a degree or licence, or a spoken language. Markup is removed, items
    are cut to about 120 characters and deduplicated; at most 8 are kept, the
    years/degree/language ones first when there are more.
    """
    if not description:
        return ()
    folded = re_fold(description)
    return _read(description, folded, _numbered_year_words(folded))[0]


def required_text(description: str | None) -> str:
    """The description without its optional sections ("Nice to have", "Benefits",
    "About us"): the part whose skills a job actually asks for."""
    if not description:
        return ""
    kept: list[str] = []
    optional = False
    for line in description.splitlines():
        heading = _heading_text(line)
        if heading is not None:
            optional = bool(_OPTIONAL.search(heading.strip()))
        if not optional:
            kept.append(line)
    return "\n".join(kept)


def read_description(
    description: str,
) -> tuple[tuple[str, ...], list[str], Callable[[], list[str]], Years]:
    """What a stored job needs from a non-empty description, read once:
    :func:`extract_key_info`, the tokens of :func:`required_text` (lower-case, and a
    function giving them in their original case, as :func:`.vocab._text_tokens`) and
    :func:`years_asked`."""
    folded = re_fold(description)
    numbered = _numbered_year_words(folded)
    key_info, low, raw = _read(description, folded, numbered)
    return key_info, low, raw, _years(description, folded, numbered)


# --------------------------------------------------------------------------- years


def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without IGNORECASE: the same matches on re_fold()-ed text."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_YEARS_CS = _case_sensitive(_YEARS)
_DEGREE_CS = _case_sensitive(_DEGREE)
_LANGUAGE_CS = _case_sensitive(_LANGUAGE)
_FLUENCY_CS = _case_sensitive(_FLUENCY)

# Every _YEARS match holds one of the year words (folded) right after a number word, a
# digit, "+" or "plus" (blanks aside). Before its year word it spans at most _CHUNKS
# blank-separated chunks ("a minimum of 5 +") and it starts a \w run that is one of
# _LEAD_WORDS or starts with a digit or a number word.
_YEAR_WORDS = ("year", "yr", "jahr", "anos", "años")
_YEAR_OR_YR = re.compile(r"y(?:ea)?r")  # one quick pass for the usual two
_BEFORE_YEAR_WORD = (*_NUMBER_WORDS, "plus", "+", *"0123456789")
_CHUNKS = 5
_LOOK_BACK = 48
_NUMBER_START = tuple(_NUMBER_WORDS)
_LEAD_WORDS = frozenset(
    ("at", "a", "minimum", "min", "more", "over", "mindestens", "pelo", "al", "mínimo", "minimo")
)  # fmt: skip
_RUN = re.compile(r"\w+")

# A year word right after a number: where the text looked at starts, that text (up to
# the word) and its last _CHUNKS chunks.
_YearWord = tuple[int, str, list[str]]


def _numbered_year_words(folded: str) -> list[_YearWord]:
    """The year words of ``folded`` right after a number, "+" or "plus": the only ones
    a _YEARS match can hold (a superset of them)."""
    ends = [m.start() for m in _YEAR_OR_YR.finditer(folded)]
    for word in _YEAR_WORDS[2:4] if folded.isascii() else _YEAR_WORDS[2:]:
        at = folded.find(word)
        while at >= 0:
            ends.append(at)
            at = folded.find(word, at + 1)
    numbered = []
    for end in ends:
        low = end - _LOOK_BACK if end > _LOOK_BACK else 0
        head = folded[low:end]
        chunks = head.rsplit(None, _CHUNKS)
        if low and len(chunks) <= _CHUNKS:  # the window may cut a chunk: look further
            low = 0
            head = folded[:end]
            chunks = head.rsplit(None, _CHUNKS)
        if chunks and (chunks[-1][-1].isdecimal() or chunks[-1].endswith(_BEFORE_YEAR_WORD)):
            numbered.append((low, head, chunks[-_CHUNKS:]))
    return numbered


def _may_start_years(word: str) -> bool:
    return word[0].isdecimal() or word.startswith(_NUMBER_START) or word in _LEAD_WORDS


def _year_matches(
    folded: str, numbered: list[_YearWord], *, first_only: bool = False
) -> list[re.Match[str]]:
    """What ``_YEARS.finditer`` finds in the original of ``folded`` (the same spans and
    groups): ``match`` tried at each place a match can start, in order and past the
    previous match, which is what ``finditer`` does."""
    starts: set[int] = set()
    for low, head, chunks in numbered:
        at = len(head)
        for chunk in reversed(chunks):
            at = head.rfind(chunk, 0, at)
            core = chunk.rstrip("+")
            if core.isalnum():
                if _may_start_years(core):
                    starts.add(low + at)
            elif len(core) > 1:  # runs after punctuation: "(5", "3-5", "min."
                starts.update(
                    low + at + run.start()
                    for run in _RUN.finditer(chunk)
                    if _may_start_years(run[0])
                )
    found: list[re.Match[str]] = []
    after = 0
    for start in sorted(starts):
        if start >= after:
            match = _YEARS_CS.match(folded, start)
            if match:
                found.append(match)
                if first_only:
                    break
                after = match.end()
    return found


# The top of a range, right after its floor ("5-7", "0 - 1", "3 to 5"; en dash too).
_RANGE_TOP = re.compile(r"\s*(?:-|–|to)\s*(\d{1,2})")
# Postings for people without experience (matched on re_fold()-ed text).
_ENTRY_LEVEL = re.compile(
    r"\bno (?:prior |previous |professional |work )?experience (?:is )?"
    r"(?:needed|required|necessary)|\bfresh(?:ers?| graduates?)\b|\brecent graduates?\b"
    r"|\bentry[- ]level\b|\bgraduates? (?:are )?welcome\b"
)
ENTRY_YEARS: Years = (0, 1)


def _years(description: str, folded: str, numbered: list[_YearWord]) -> Years:
    most: Years = (None, None)
    for match in _year_matches(folded, numbered) if numbered else ():
        group = match.lastindex or 0  # each branch of _YEARS has one group: the number
        text = description[match.start(group) : match.end(group)].lower()
        years = _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)
        top_match = _RANGE_TOP.match(folded, match.end(group))
        top = int(top_match[1]) if top_match else None
        if top is not None and not years <= top <= 20:
            top = None
        if (years > 0 or top) and years <= 20 and (most[0] is None or years > most[0]):
            most = (years, top)
    if most[0] is None and _ENTRY_LEVEL.search(folded):
        return ENTRY_YEARS
    return most


# --------------------------------------------------------------------------- key facts

# Words (folded) one of which every _DEGREE or _LANGUAGE match is; "b", "m" and "ph"
# stand for "B.Sc", "M. Tech", "Ph.D" and the like; "englisch\w*" is looked for apart.
_DEGREE_WORDS = frozenset((
    "bachelor", "master", "ph", "phd", "doctorate", "degree", "diploma", "mba", "bsc", "msc",
    "btech", "mtech", "bcom", "mcom", "b", "m", "bsn", "msn", "pgce", "qts", "cpa", "acca",
    "cfa", "licence", "license", "licenced", "licensed", "licences", "licenses",
    "registration", "certified", "certification",
))  # fmt: skip
_LANGUAGE_WORDS = frozenset((
    "english", "german", "french", "spanish", "portuguese", "italian", "dutch", "japanese",
    "mandarin", "chinese", "cantonese", "hindi", "arabic", "korean", "russian", "polish",
    "swedish", "danish", "norwegian", "finnish", "turkish", "hebrew", "tamil", "telugu",
    "marathi", "kannada", "bengali", "vietnamese", "thai", "indonesian", "malay", "tagalog",
    "greek", "czech", "romanian", "hungarian", "ukrainian", "deutsch", "französisch",
    "spanisch", "ingles", "inglês", "inglés", "portugues", "português", "espanhol", "español",
))  # fmt: skip
_FACT_WORDS = _DEGREE_WORDS | _LANGUAGE_WORDS
# The same as skill tokens (accents stripped: "español" is "espanol" there).
_FACT_TOKENS = _FACT_WORDS | {"franzosisch", "espanol"}
_ENGLISCH = "englisch"
# ASCII bytes to \w runs, lower-cased.
_WORD_BYTES = bytes(
    (b | 32 if chr(b).isalpha() else b) if chr(b).isalnum() or chr(b) == "_" else 32
    for b in range(128)
) + bytes(b" " * 128)
_FACT_BYTES = frozenset(word.encode() for word in _FACT_WORDS if word.isascii())


def _words(folded: str) -> set[str]:
    """The ``\\w+`` runs of ``folded``."""
    if not folded.isascii():
        for char in set(folded):
            if not char.isascii() and not char.isalnum():
                folded = folded.replace(char, " ")
        if not folded.isascii():
            return set(_RUN.findall(folded))
    return set(folded.encode("ascii").translate(_WORD_BYTES).decode("ascii").split())


def _is_key_fact(text: str) -> bool:
    """``text`` names years of experience, a degree or licence, or a spoken language:
    ``_YEARS`` or ``_DEGREE`` or (``_LANGUAGE`` and ``_FLUENCY``) search it."""
    folded = re_fold(text)
    if _year_matches(folded, _numbered_year_words(folded), first_only=True):
        return True
    words = _words(folded)
    if not words.isdisjoint(_DEGREE_WORDS) and _DEGREE_CS.search(folded):
        return True
    if words.isdisjoint(_LANGUAGE_WORDS) and _ENGLISCH not in folded:
        return False
    return bool(_LANGUAGE_CS.search(folded) and _FLUENCY_CS.search(folded))


def _may_hold_key_fact(text: str, longest: int, *, year_words: bool = True) -> bool:
    """False only when no sentence or bullet of the lines ``text`` is a key fact
    (``longest``: the longest line's length; ``year_words`` False: the lines are known
    to hold no year word a _YEARS match can hold).

    A cleaned item keeps the characters of its line but markup and link targets, with
    blanks squeezed, so a year word or a fact word it holds is in the lines once markup
    is dropped; lines with links are not judged, nor lines cut mid-word (a blank-free
    run of MAX_CHARS characters).
    """
    if "](" in text:
        return True
    if text.isascii():
        words = text.encode("ascii").translate(_WORD_BYTES, b"*_`")
        if year_words and (
            b"yr" in words or b"year" in words or b"jahr" in words or b"anos" in words
        ):
            return True
        if b"englisch" in words or not _FACT_BYTES.isdisjoint(words.split()):
            return True
    else:
        folded = re_fold(text).replace("*", "").replace("_", "").replace("`", "")
        if year_words and any(map(folded.__contains__, _YEAR_WORDS)):
            return True
        if _ENGLISCH in folded or not _words(folded).isdisjoint(_FACT_WORDS):
            return True
    return longest > MAX_CHARS and _cut_mid_word(text)


def _cut_mid_word(text: str) -> bool:
    """Whether a line of ``text`` has a blank-free run long enough to be cut mid-word."""
    bare = text.replace("*", "").replace("_", "").replace("`", "")
    return max(map(len, bare.split())) >= MAX_CHARS


# --------------------------------------------------------------------------- headings

# The alternatives of _WANTED, _NOT_WANTED and _OPTIONAL spelled out (folded): a heading
# matches a pattern exactly when it holds one of them, bar "\bplus\b" and "^company$".
_WANTED_WORDS = (
    "requirement", "qualifica", "must-have", "must have", "looking for", "what we look for",
    "skills", "experience", "we expect", "ideal candidate", "competenc", "anforderungen",
    "dein profil", "ihr profil", "was du mitbringst", "requisitos", "応募資格", "必須",
    "about you", "who you are", "your profile", "you have", "you bring", "you are",
    "your background", "what you need", "what you'll need", "what you’ll need",
    "what you will need", "what you'll bring", "what you’ll bring", "what you will bring",
    "what you'll have", "what you’ll have", "what you will have",
)  # fmt: skip
_TO_HAVE = ("nice-to-have", "nice to-have", "nice-to have", "nice to have")
_NOT_WANTED_WORDS = (
    *_TO_HAVE, "bonus", "benefit", "perk", "we offer", "responsibilit", "what you'll do",
    "what you’ll do", "what you will do", "about us", "about the", "day-to-day",
    "day to-day", "day-to day", "day to day", "your role", "the role",
)  # fmt: skip
_OPTIONAL_WORDS = (
    *_TO_HAVE, "bonus", "benefit", "perk", "we offer", "about us", "about the company",
    "wir bieten", "über uns", "sobre nos", "sobre nós",
)  # fmt: skip
_PLUS = re.compile(r"\bplus\b")
_WANTED_BIT, _NOT_WANTED_BIT, _OPTIONAL_BIT, _PLUS_BIT, _COMPANY_BIT = 1, 2, 4, 8, 16


def _literal_trie(words: list[str]) -> str:
    """A pattern matching the longest of ``words`` that starts where it is tried,
    shaped as a trie (the engine skips a branch on its first character)."""
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


def _heading_bits() -> dict[str, int]:
    bits: dict[str, int] = {"plus": _PLUS_BIT, "company": _COMPANY_BIT}
    for words, bit in (
        (_WANTED_WORDS, _WANTED_BIT),
        (_NOT_WANTED_WORDS, _NOT_WANTED_BIT),
        (_OPTIONAL_WORDS, _OPTIONAL_BIT),
    ):
        for word in words:
            bits[word] = bits.get(word, 0) | bit
    # The longest word found somewhere stands for the shorter ones starting there.
    return {
        word: sum({b for shorter, b in bits.items() if word.startswith(shorter)}) for word in bits
    }


_HEADING_BITS = _heading_bits()
_HEADING_WORD = re.compile(_literal_trie(sorted(_HEADING_BITS)))


def _heading_kind(heading: str) -> tuple[bool, bool]:
    """(``_WANTED`` and not ``_NOT_WANTED`` search it, ``_OPTIONAL`` searches it
    stripped) for a heading's text, from the listed words found at each position."""
    folded = heading.lower() if heading.isascii() else re_fold(heading)
    match = _HEADING_WORD.search(folded)
    if match is None:
        return False, False
    bits = 0
    while match:
        bits |= _HEADING_BITS[match[0]]
        match = _HEADING_WORD.search(folded, match.start() + 1)
    if bits & _PLUS_BIT and not _PLUS.search(folded):
        bits ^= _PLUS_BIT
    if bits & _COMPANY_BIT and folded.strip() != "company":
        bits ^= _COMPANY_BIT
    return (
        bits & (_WANTED_BIT | _NOT_WANTED_BIT | _PLUS_BIT) == _WANTED_BIT,
        bits & (_OPTIONAL_BIT | _PLUS_BIT | _COMPANY_BIT) != 0,
    )


def _heading_text(line: str) -> str | None:
    for pattern in (_HEADING, _BOLD_HEADING, _COLON_HEADING):
        match = pattern.match(line)
        if match:
            return match["text"]
    return None


def _heading_of(line: str) -> str | None:
    """``_heading_text(line)``, without regular expressions for "## Text" lines."""
    if line[0] == "#":
        rest = line.lstrip("#")
        body = rest.strip()
        if len(line) - len(rest) <= 6 and body:
            # "#{1,6}\s*(.+?)\s*#*\s*$": the text ends before trailing blanks and "#"s.
            return body.rstrip("#").rstrip() or body[0]
    return _heading_text(line)


@lru_cache(maxsize=4096)
def _line_kind(line: str) -> tuple[bool, bool] | None:
    """:func:`_heading_kind` of the heading that ``line`` (not blank) is, or None when it
    is none. Headings repeat from posting to posting ("Requirements", "What we offer"),
    so the answers are remembered."""
    heading = _heading_of(line)
    return None if heading is None else _heading_kind(heading)


# --------------------------------------------------------------------------- reading


def _read(
    description: str, folded: str, numbered: list[_YearWord]
) -> tuple[tuple[str, ...], list[str], Callable[[], list[str]]]:
    """The key requirements of ``description`` and the tokens of its required text.

    A heading starts a section (the first has none). The lines of all sections are
    tokenised at once, SEPARATOR lines between sections: the tokens of the sections
    that are not optional are the required text's, and those of the sections outside
    requirements tell, at a glance, whether one of their lines may be a key fact.
    """
    lines = description.splitlines()
    stripped = list(map(str.strip, lines))
    firsts = [0]  # where each section starts; kinds: (lists requirements, is optional)
    kinds = [(False, False)]
    for i in [i for i, s in enumerate(stripped) if s and (s[0] in "#*_" or s[-1] == ":")]:
        kind = _line_kind(lines[i])
        if kind is not None:
            firsts.append(i)
            kinds.append(kind)
            stripped[i] = stripped[i].lstrip("#+")  # leading marks are no tokens
    firsts.append(len(lines))
    markup = "*" in description or "_" in description or "`" in description or "]" in description
    found: list[tuple[str, int | None]] = []  # priority None: worked out if needed
    elsewhere: list[tuple[int, int]] = []  # (place in found, section) outside requirements
    for k, (wanted, _) in enumerate(kinds):
        start = firsts[k] + 1 if k else 0
        end = firsts[k + 1]
        if not wanted:
            if start < end:
                elsewhere.append((len(found), k))
            continue
        for line in stripped[start:end]:
            if not line:
                continue
            if markup or line[1:2] != " " or line[0] not in _BULLET_MARKS:
                _add_items(found, line, markup)
                continue
            # The usual "- text" bullet, inline: what _add_items does.
            text = " ".join(line[2:].split()).strip(" ;,.:")
            if len(text) > MAX_CHARS:
                text = _clean(text, markup=False)
            if len(text) > 2 and not _not_an_item(text):
                found.append((text, None))
    tokens = _section_tokens(description, folded, stripped, firsts)
    if elsewhere:
        found = _with_facts_elsewhere(
            found, elsewhere, _Lines(description, lines, stripped, firsts, markup),
            tokens, _ENGLISCH in folded, [low + len(head) for low, head, _ in numbered],
        )  # fmt: skip
    if tokens is None:
        kept = [
            line
            for k, (_, optional) in enumerate(kinds)
            if not optional
            for line in stripped[firsts[k] : firsts[k + 1]]
        ]
        low, raw = _text_tokens("\n".join(kept))
    else:
        low, raw, cuts = tokens
        if len(cuts) > 2:
            kept_ranges = [
                (cuts[k] + 1, cuts[k + 1]) for k, (_, opt) in enumerate(kinds) if not opt
            ]
            low, raw = _only(low, raw, kept_ranges)
    return _choose(found), low, raw


class _Lines(NamedTuple):
    description: str
    lines: list[str]
    stripped: list[str]  # headings without their leading marks
    firsts: list[int]  # where each section starts, and the end
    markup: bool


_Tokens = tuple[list[str], Callable[[], list[str]], list[int]]


def _section_tokens(
    description: str, folded: str, stripped: list[str], firsts: list[int]
) -> _Tokens | None:
    """The tokens of all the lines (lower-case; a function for the original case),
    sections apart, and where each section's end (a SEPARATOR token, or the end). None
    when the description holds SEPARATOR or letters that only the token pattern reads."""
    if SEPARATOR in description:
        return None
    joined = stripped[:]
    for first in reversed(firsts[1:-1]):
        joined.insert(first, SEPARATOR)
    tokens = section_tokens("\n".join(joined), ".net" in folded)
    if tokens is None:
        return None
    low, raw = tokens
    cuts = [-1]
    for _ in range(len(firsts) - 2):
        cuts.append(low.index(SEPARATOR, cuts[-1] + 1))
    cuts.append(len(low))
    return low, raw, cuts


def _only(
    low: list[str], raw: Callable[[], list[str]], ranges: list[tuple[int, int]]
) -> tuple[list[str], Callable[[], list[str]]]:
    """The tokens in ``ranges`` (lower-case; a function for the original case)."""
    kept: list[str] = []
    for start, end in ranges:
        kept += low[start:end]

    def kept_raw() -> list[str]:
        every = raw()
        spelled: list[str] = []
        for start, end in ranges:
            spelled += every[start:end]
        return spelled

    return kept, kept_raw


def _with_facts_elsewhere(
    found: list[tuple[str, int | None]],
    elsewhere: list[tuple[int, int]],
    text: _Lines,
    tokens: _Tokens | None,
    englisch: bool,
    year_ends: list[int],
) -> list[tuple[str, int | None]]:
    """``found`` with the key facts of the sections ``elsewhere`` (outside requirement
    sections) put in their places.

    A section is read line by line only if it may hold one: judged from its tokens and
    where the year words after a number are (``year_ends``); else, when those do not
    tell (markup, which may join letters; lines not ended by one "\n"), by
    :func:`_may_hold_key_fact`.
    """
    description, lines, stripped, firsts, markup = text
    year_sections: set[int] | None = None
    if (
        tokens is not None
        and not markup
        and len(lines) == description.count("\n") + (description[-1] != "\n")
    ):
        year_sections = set()
        for at in year_ends:
            number = description.count("\n", 0, at)  # the line's
            section = bisect_right(firsts, number) - 1
            if number != firsts[section] or not section:  # not in its heading
                year_sections.add(section)
    facts: list[tuple[int, str]] = []
    for slot, k in elsewhere:
        body = stripped[firsts[k] + 1 if k else 0 : firsts[k + 1]]
        block = "\n".join(body)
        longest = max(map(len, body))
        if year_sections is None or tokens is None:
            maybe = _may_hold_key_fact(block, longest)
        elif englisch or k in year_sections:
            maybe = True
        else:
            # The section's tokens hold the fact words of its lines' \w runs, unless
            # "+"/"#" end a token or a dotless i (not folded to "i" there) is in one.
            low, _, cuts = tokens
            maybe = (
                "+" in block
                or "#" in block
                or "ı" in block
                or (longest > MAX_CHARS and _cut_mid_word(block))
                or not _FACT_TOKENS.isdisjoint(low[cuts[k] + 1 : cuts[k + 1]])
            ) and _may_hold_key_fact(block, longest, year_words=False)
        if maybe:
            for line in body:
                if line and _may_hold_key_fact(line, len(line)):
                    items: list[tuple[str, int | None]] = []
                    _add_items(items, line, markup)
                    facts.extend((slot, item) for item, _ in items if _is_key_fact(item))
    if not facts:
        return found
    merged: list[tuple[str, int | None]] = []
    taken = 0
    for slot, item in facts:
        merged.extend(found[taken:slot])
        taken = max(taken, slot)
        merged.append((item, 0))
    merged.extend(found[taken:])
    return merged


_BULLET_MARKS = frozenset("-*•+·▪◦–")
_NOT_AN_ITEM_FIRST = frozenset("sScCpPbBlLaAhHſ")  # what _NOT_AN_ITEM can start with
_NOT_AN_ITEM_STARTS = (
    "salary", "compensation", "pay", "benefit", "location", "contract", "start date",
    "apply", "how to apply",
)  # fmt: skip


def _not_an_item(text: str) -> bool:
    """``_NOT_AN_ITEM.match(text)``, mostly without running it."""
    return (
        text[0] in _NOT_AN_ITEM_FIRST
        and re_fold(text[:12]).startswith(_NOT_AN_ITEM_STARTS)
        and _NOT_AN_ITEM.match(text) is not None
    )


def _bullet_text(stripped: str) -> str | None:
    """``_BULLET.match(line)["text"]`` (None for no bullet), ``stripped`` the line stripped."""
    first = stripped[0]
    if first in _BULLET_MARKS:
        after = 1
    elif first.isdecimal():  # \d{1,2}[.)]
        after = 3 if stripped[1:2].isdecimal() else 2
        if stripped[after - 1 : after] not in (".", ")"):
            return None
    else:
        return None
    if not stripped[after : after + 1].isspace():
        return None
    return stripped[after:].lstrip()


def _add_items(found: list[tuple[str, int | None]], stripped: str, markup: bool) -> None:
    """Add the cleaned bullet or sentences of a line (``stripped``) that can be items."""
    bullet = _bullet_text(stripped)
    if bullet is not None:
        pieces = [bullet]
    elif "." in stripped or "!" in stripped or "?" in stripped:
        pieces = _SENTENCE_END.split(stripped)
    else:
        pieces = [stripped]
    for piece in pieces:
        text = _clean(piece, markup)
        if len(text) > 2 and not _not_an_item(text):
            found.append((text, None))


def _clean(text: str, markup: bool = True) -> str:
    if markup:
        text = _MARKUP.sub("", _LINK.sub(r"\1", text))
    text = " ".join(text.split()).strip(" ;,.:")
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _choose(candidates: list[tuple[str, int | None]]) -> tuple[str, ...]:
    if len(candidates) <= MAX_ITEMS and len({t.casefold() for t, _ in candidates}) == len(
        candidates
    ):
        return tuple(text for text, _ in candidates)  # nothing to drop
    unique: dict[str, tuple[str, int | None]] = {}
    for text, priority in candidates:
        unique.setdefault(text.casefold(), (text, priority))
    items = list(unique.values())
    if len(items) > MAX_ITEMS:
        ranks = [(0 if _is_key_fact(t) else 1) if p is None else p for t, p in items]
        ranked = sorted(range(len(items)), key=lambda i: (ranks[i], i))[:MAX_ITEMS]
        items = [items[i] for i in sorted(ranked)]
    return tuple(text for text, _ in items)
