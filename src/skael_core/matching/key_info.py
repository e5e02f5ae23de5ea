"""Key requirements and years of experience, read from a Markdown job description.

Regular expressions run here, once per stored job, never while scoring.
"""

from __future__ import annotations

import re

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


def min_years(description: str | None) -> int | None:
    """The years of experience a description asks for ("5+ years", "at least 3 years").

    The largest figure wins (a posting may ask "5+ years overall, 2+ with Kafka");
    figures above 20 are taken for something else (company age) and ignored.
    """
    if not description:
        return None
    found = [_years_value(m) for m in _YEARS.finditer(description)]
    plausible = [y for y in found if 0 < y <= 20]
    return max(plausible) if plausible else None


def mentions_degree(text: str) -> bool:
    """True when ``text`` names a degree, diploma, licence or certification."""
    return bool(_DEGREE.search(text))


def _years_value(match: re.Match[str]) -> int:
    text = next(g for g in match.groups() if g is not None).lower()
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)


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
    return _choose(_candidates(description))


def _candidates(description: str) -> list[tuple[str, int]]:
    """(text, priority) of each candidate item in order; priority 0 is kept first."""
    found: list[tuple[str, int]] = []
    in_requirements = False
    for line in description.splitlines():
        heading = _heading_text(line)
        if heading is not None:
            in_requirements = bool(_WANTED.search(heading)) and not _NOT_WANTED.search(heading)
            continue
        bullet = _BULLET.match(line)
        pieces = [bullet["text"]] if bullet else _SENTENCE_END.split(line.strip())
        for piece in pieces:
            text = _clean(piece)
            if len(text) < 3 or _NOT_AN_ITEM.match(text):
                continue
            if _is_key_fact(text):
                found.append((text, 0))
            elif in_requirements:
                found.append((text, 1))
    return found


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


def _heading_text(line: str) -> str | None:
    for pattern in (_HEADING, _BOLD_HEADING, _COLON_HEADING):
        match = pattern.match(line)
        if match:
            return match["text"]
    return None


def _is_key_fact(text: str) -> bool:
    if _YEARS.search(text) or _DEGREE.search(text):
        return True
    return bool(_LANGUAGE.search(text) and _FLUENCY.search(text))


def _clean(text: str) -> str:
    text = _MARKUP.sub("", _LINK.sub(r"\1", text))
    text = " ".join(text.split()).strip(" ;,.:")
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _choose(candidates: list[tuple[str, int]]) -> tuple[str, ...]:
    unique: dict[str, tuple[str, int]] = {}
    for text, priority in candidates:
        unique.setdefault(text.casefold(), (text, priority))
    items = list(unique.values())
    if len(items) > MAX_ITEMS:
        ranked = sorted(range(len(items)), key=lambda i: (items[i][1], i))[:MAX_ITEMS]
        items = [items[i] for i in sorted(ranked)]
    return tuple(text for text, _ in items)
