"""Facts drawn from the plain text of a resume, for a profile the person may accept.

Pure logic over text: no files, no libraries. The text is cut into lines, the lines
into sections by their headings ("Experience", "EDUCATION", "Skills:", "## Languages"),
and each section read by its own rules:

- the lines before the first heading hold the name, a headline, and contact details
  (e-mail, telephone, a "City, Country" place);
- experience entries are anchored on their date ranges ("Jan 2020 - Present",
  "03/2018 - 12/2019", "2016 - 2018"); the lines next to a range name the title and
  the employer, the bullets after it describe the work;
- education entries are found by degree words (Bachelor, M.Sc., PhD, ...) and
  institution words (University, College, Institute, ...), with their years;
- skills are the vocabulary's (:mod:`.matching.vocab`), wherever the resume names them,
  spelled as the resume spells them, plus the short items of a skills section the
  vocabulary does not know;
- languages are the items of a languages section.

Total years of experience count the months the date ranges cover, overlaps once.
Nothing is guessed beyond the text: a field the text does not show stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

import msgspec

from .matching.vocab import canonical_skill, skills_in_text, tokens, vocabulary
from .model import Education, WorkExperience

MAX_SKILLS = 100
MAX_ENTRIES = 50
MAX_LIST_ITEM = 200
MAX_WORD = 320
"""Longer words and lines are not searched for addresses and numbers."""

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "profile",
        "professional summary",
        "career summary",
        "about",
        "about me",
        "objective",
        "career objective",
        "personal profile",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
    ),
    "education": (
        "education",
        "academic background",
        "education and training",
        "qualifications",
        "academic qualifications",
    ),
    "skills": (
        "skills",
        "technical skills",
        "key skills",
        "core skills",
        "skills and tools",
        "competencies",
        "core competencies",
        "technologies",
        "tech stack",
        "tools",
    ),
    "languages": ("languages", "language skills", "spoken languages"),
    "certifications": ("certifications", "certificates", "licenses and certifications"),
    "other": (
        "projects",
        "interests",
        "hobbies",
        "references",
        "awards",
        "publications",
        "volunteering",
        "achievements",
        "contact",
        "personal details",
    ),
}
_HEADING_OF = {tokens(name): kind for kind, names in _HEADINGS.items() for name in names}

_BULLET = re.compile(r"^\s*(?:[-*•▪◦●■♦➤►‣∙·]|\d{1,2}[.)])\s+")
_MARKDOWN = re.compile(r"^\s*#{1,6}\s+|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().\-/]{6,}\d(?!\w)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com)/\S+", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januar", "janv"),
            ("feb", "february", "februar", "fev", "fevr", "fév", "févr", "février"),
            ("mar", "march", "marz", "mars", "mär", "märz"),
            ("apr", "april", "avr", "avril"),
            ("may", "mai"),
            ("jun", "june", "juni", "juin"),
            ("jul", "july", "juli", "juil", "juillet"),
            ("aug", "august", "aout", "aoû", "août"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november"),
            ("dec", "december", "dez", "dezember", "déc", "décembre"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:jan|feb|f[eé]v|m[aä]r|apr|avr|ma[iy]|jun|jui|jul|aug|ao[uû]|sep|o[ck]t|nov|de[cz]|"
    r"d[eé]c)[a-zäéû]*\.?"
)
_POINT = (
    rf"(?:{_MONTH}\s*,?\s*(?:19|20)\d\d|(?:0?[1-9]|1[0-2])[/.](?:19|20)\d\d"
    r"|(?:19|20)\d\d[-/.](?:0[1-9]|1[0-2])(?!\d)|(?:19|20)\d\d)"
)
_NOW = r"(?:present|current|currently|now|today|ongoing|date|heute)"
_RANGE = re.compile(
    rf"(?P<start>{_POINT})\s*(?:-|–|—|to|until|till|bis)\s*(?P<end>{_POINT}|{_NOW})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_SEPARATORS = re.compile(r"\s+(?:—|–|-|\||·|•|@|at)\s+|,\s+|\s{3,}|\t")
_YEARS_STATED = re.compile(r"(\d{1,2})\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)

_DEGREE = re.compile(
    r"\b(?:bachelor|master|doctor|ph\.?\s?d|m\.?\s?sc|b\.?\s?sc|b\.?\s?tech|m\.?\s?tech|"
    r"b\.?\s?e\b|m\.?\s?e\b|b\.?\s?a\b|m\.?\s?a\b|mba|bba|b\.?\s?com|m\.?\s?com|"
    r"diploma|associate|degree|abitur|licence|licenciatura|magister|diplom|msc|bsc|beng|meng)",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"\b(?:university|universit[äa]t|universidad|universit[eé]|college|institute|school|"
    r"academy|polytechnic|hochschule|iit|nit|iiit|bits|ecole|école|conservatory)\b",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"\b(?:gmbh|inc|ltd|llc|ag|corp|corporation|co|plc|limited|pvt|sa|sas|bv|oy|ab|"
    r"technologies|labs)\b\.?",
    re.IGNORECASE,
)
_TITLE_WORDS = frozenset(
    {
        "intern",
        "head",
        "director",
        "programmer",
        "cto",
        "ceo",
        "cfo",
        "founder",
        "co-founder",
        "vp",
        "president",
        "accountant",
        "nurse",
        "writer",
        "editor",
        "marketer",
        "recruiter",
        "trainee",
        "tester",
        "devops",
        "sre",
        "chef",
        "student",
    }
)


class ResumeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a resume says about its author; empty where it says nothing."""

    user_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    location: str | None = None
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the location's country, when the resolver knew it."""
    headline: str | None = None
    professional_summary: str | None = None
    skills: tuple[str, ...] = ()
    experience_years: int | None = None
    work_experiences: tuple[WorkExperience, ...] = ()
    educations: tuple[Education, ...] = ()
    languages: tuple[str, ...] = ()
    links: tuple[str, ...] = ()

    @property
    def desired_job_role(self) -> str | None:
        """The headline when it names a role, else the most recent title."""
        if self.headline:
            return self.headline
        return self.work_experiences[0].job_title if self.work_experiences else None


class _Line(msgspec.Struct, frozen=True):
    text: str
    bullet: bool


# --------------------------------------------------------------------------- entry point


def draw_facts(
    text: str, today: date, country_of: Callable[[str], str | None] | None = None
) -> ResumeFacts:
    """The facts of a resume's plain ``text``; ``today`` ends ranges that run "to present";
    ``country_of`` names the country code of a place name (``None``: not known)."""
    header, sections = _sections(_lines(text))
    name, headline, place = _header(header)
    everything = "\n".join(line.text for line in header + [x for s in sections for x in s[1]])
    works = _experience(_section(sections, "experience"), today)
    country = None
    if place and country_of is not None:
        country = country_of(place.rsplit(",", 1)[-1].strip())
    return ResumeFacts(
        user_name=name,
        email=_email(everything),
        phone_number=_phone(header) or _phone([x for _, lines in sections for x in lines]),
        location=place,
        country=country,
        headline=headline,
        professional_summary=_paragraph(_section(sections, "summary")),
        skills=_skills(_section(sections, "skills"), everything),
        experience_years=_total_years(works, today) or _stated_years(everything),
        work_experiences=tuple(w for w, _ in works),
        educations=_educations(_section(sections, "education")),
        languages=_items(_section(sections, "languages")),
        links=tuple(dict.fromkeys(m.rstrip(".,;)") for m in _URL.findall(everything))),
    )


# --------------------------------------------------------------------------- lines


def _clean(raw: str) -> str:
    text = _MARKDOWN.sub("", raw.replace("\u00a0", " ").replace("\u200b", ""))
    return re.sub(r"\s{2,}", "   ", text.strip().strip("|").strip())


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.splitlines():
        bullet = bool(_BULLET.match(raw))
        cleaned = _clean(_BULLET.sub("", raw, count=1) if bullet else raw)
        if cleaned and set(cleaned) - set("-–—_=*·•|"):
            lines.append(_Line(cleaned, bullet))
    return lines


def _heading(line: _Line) -> tuple[str, str] | None:
    """The section kind a line opens, and what follows the heading on the same line."""
    if line.bullet:
        return None
    head, colon, rest = line.text.partition(":")
    kind = _HEADING_OF.get(tokens(head.replace("&", " and ")))
    if kind is None or (not colon and len(head) > 40):
        return None
    return kind, rest.strip()


def _sections(lines: list[_Line]) -> tuple[list[_Line], list[tuple[str, list[_Line]]]]:
    header: list[_Line] = []
    sections: list[tuple[str, list[_Line]]] = []
    for line in lines:
        found = _heading(line)
        if found is not None:
            kind, rest = found
            sections.append((kind, [_Line(rest, False)] if rest else []))
        elif sections:
            sections[-1][1].append(line)
        else:
            header.append(line)
    return header, sections


def _section(sections: list[tuple[str, list[_Line]]], kind: str) -> list[_Line]:
    return [line for name, lines in sections if name == kind for line in lines]


def _email(text: str) -> str | None:
    """The first e-mail address, looked for in words holding "@" only (the pattern on
    long runs of letters would take time quadratic in their length)."""
    for word in text.split():
        if "@" in word and len(word) <= MAX_WORD:
            found = _EMAIL.search(word)
            if found:
                return found.group(0)
    return None


# --------------------------------------------------------------------------- header


def _phone(lines: Sequence[_Line]) -> str | None:
    for line in lines:
        if len(line.text) > MAX_WORD:
            continue
        for found in _PHONE.finditer(_URL.sub(" ", line.text)):
            number = found.group(0).strip()
            digits = sum(c.isdigit() for c in number)
            if digits >= 8 and not _RANGE.search(number) and not _YEAR.fullmatch(number):
                return number
    return None


def _segments(line: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s+[|·•]\s+|\s{3,}|\t", line) if s.strip()]


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 5
        and len(text) <= 100
        and not any(c.isdigit() for c in text)
        and "@" not in text
        and not _URL.search(text)
        and "," not in text
        and all(w[0].isalpha() for w in words)
        and not looks_like_title(text)
    )


def looks_like_title(text: str) -> bool:
    """Whether ``text`` names a job: a role noun ("Engineer") or a seniority word."""
    words = set(tokens(text))
    vocab = vocabulary()
    return bool(words & (vocab.role_nouns | _TITLE_WORDS)) or bool(
        words & set(vocab.seniority_words) - {"graduate", "entry", "member"}
    )


def _header(lines: list[_Line]) -> tuple[str | None, str | None, str | None]:
    name = headline = place = None
    for line in lines:
        for segment in _segments(line.text):
            if name is None and _is_name(segment):
                name = segment
            elif headline is None and looks_like_title(segment) and len(segment) <= 80:
                headline = segment
            elif place is None and _is_place(segment):
                place = segment
    if name is not None and name.isupper():
        name = name.title()
    return name, headline, place


def _is_place(text: str) -> bool:
    parts = [p.strip() for p in text.split(",")]
    return (
        2 <= len(parts) <= 3
        and len(text) <= 120
        and all(p and p[0].isalpha() and len(p.split()) <= 3 for p in parts)
        and not any(c.isdigit() or c == "@" for c in text)
    )


# --------------------------------------------------------------------------- experience


def _point(text: str, today: date, end: bool) -> tuple[date, str] | None:
    """A date of a range as (first of its month, as the profile writes it)."""
    folded = text.strip().lower().rstrip(".")
    if re.fullmatch(_NOW, folded):
        return (date(today.year, today.month, 1), "") if end else None
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", folded):
        year, month = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{1,2})[/.](\d{4})", folded):
        year, month = int(match[2]), int(match[1])
    elif match := re.fullmatch(r"([^\W\d_]+)\.?\s*,?\s*(\d{4})", folded):
        month_number = _MONTHS.get(match[1]) or _MONTHS.get(match[1][:3])
        if month_number is None:
            return None
        year, month = int(match[2]), month_number
    elif re.fullmatch(r"\d{4}", folded):
        return date(int(folded), 1, 1), folded
    else:
        return None
    return date(year, month, 1), f"{year:04d}-{month:02d}"


def _split_entry(parts: Iterable[str]) -> tuple[str | None, str | None]:
    """(title, employer) among the text next to a date range."""
    title = company = None
    pieces: list[str] = []
    for part in parts:
        joined = re.split(r"\s+(?:at|@)\s+", part, maxsplit=1)
        if len(joined) == 2:
            return joined[0].strip(" ,-–—"), joined[1].strip(" ,-–—")
        pieces += [p.strip(" ,-–—()") for p in _SEPARATORS.split(part) if p.strip(" ,-–—()")]
    for piece in pieces:
        if title is None and looks_like_title(piece) and not _COMPANY.search(piece):
            title = piece
        elif company is None and not _is_place(piece) and not _YEAR.search(piece):
            company = piece
    if title is None and company is not None and len(pieces) > 1:
        rest = [p for p in pieces if p != company and not _YEAR.search(p)]
        title = rest[0] if rest else None
    return title, company


_Work = tuple[WorkExperience, tuple[date, date]]


def _experience(lines: list[_Line], today: date) -> list[_Work]:
    anchors = [i for i, line in enumerate(lines) if not line.bullet and _RANGE.search(line.text)]
    works: list[_Work] = []
    for n, i in enumerate(anchors):
        found = _RANGE.search(lines[i].text)
        assert found is not None
        start = _point(found["start"], today, end=False)
        end = _point(found["end"], today, end=True)
        if start is None or end is None or end[0] < start[0]:
            continue
        before = _header_lines(lines, i, anchors[n - 1] if n else -1)
        after, body_from = _following_header(lines, i, before)
        rest = lines[i].text.replace(found.group(0), " ").strip(" ,|-–—()")
        title, company = _split_entry([*before, *([rest] if rest else []), *after])
        stop = anchors[n + 1] if n + 1 < len(anchors) else len(lines)
        next_header = len(_header_lines(lines, stop, i)) if stop < len(lines) else 0
        body = [line.text for line in lines[body_from : stop - next_header]]
        works.append(
            (
                WorkExperience(
                    company_name=company or "",
                    job_title=title or "",
                    start_date=start[1],
                    end_date=end[1] or None,
                    description="\n".join(f"- {b}" for b in body) or None,
                ),
                (start[0], end[0]),
            )
        )
    return [w for w in works if w[0].company_name or w[0].job_title][:MAX_ENTRIES]


def _is_header_text(line: _Line) -> bool:
    return not line.bullet and len(line.text.split()) <= 12 and not line.text.endswith(".")


def _header_lines(lines: list[_Line], at: int, after: int) -> list[str]:
    """Up to two short lines right before an anchor that are not another entry's body."""
    taken: list[str] = []
    i = at - 1
    while i > after and len(taken) < 2 and _is_header_text(lines[i]):
        taken.insert(0, lines[i].text)
        i -= 1
    return taken


def _following_header(lines: list[_Line], at: int, before: list[str]) -> tuple[list[str], int]:
    """Short lines right after an anchor that complete its title and employer."""
    wanted = 2 - len(before) - (1 if _RANGE.sub("", lines[at].text).strip(" ,|-–—()") else 0)
    taken: list[str] = []
    i = at + 1
    while len(taken) < wanted and i < len(lines) and _is_header_text(lines[i]):
        if _RANGE.search(lines[i].text):
            break
        taken.append(lines[i].text)
        i += 1
    return taken, i


def _total_years(works: list[_Work], today: date) -> int | None:
    spans = sorted(span for _, span in works)
    if not spans:
        return None
    months = 0
    current_start, current_end = spans[0]
    for start, end in spans[1:]:
        if start <= current_end:
            current_end = max(current_end, end)
            continue
        months += _months(current_start, current_end)
        current_start, current_end = start, end
    months += _months(current_start, current_end)
    return months // 12


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _stated_years(text: str) -> int | None:
    found = [int(m[1]) for m in _YEARS_STATED.finditer(text) if int(m[1]) <= 60]
    return max(found) if found else None


# --------------------------------------------------------------------------- education


class _School:
    """An education entry while its lines are read."""

    def __init__(self) -> None:
        self.degree: str | None = None
        self.institution: str | None = None
        self.years: list[int] = []

    def empty(self) -> bool:
        return self.degree is None and self.institution is None and not self.years

    def entry(self) -> Education:
        years = sorted(self.years)
        return Education(
            institution=self.institution or "",
            degree=self.degree,
            start_year=years[0] if len(years) > 1 else None,
            end_year=years[-1] if years else None,
        )


def _educations(lines: list[_Line]) -> tuple[Education, ...]:
    schools: list[_School] = []
    current = _School()
    for line in lines:
        degree, institution = _degree_and_school(line.text)
        years = [int(y) for y in _YEAR.findall(line.text)]
        clash = (degree and current.degree) or (institution and current.institution)
        if clash or (current.empty() and not (degree or institution)):
            if not current.empty():
                schools.append(current)
            current = _School()
        if not (degree or institution or not current.empty()):
            continue
        current.degree = degree or current.degree
        current.institution = institution or current.institution
        current.years += years
    if not current.empty():
        schools.append(current)
    found = [s.entry() for s in schools if s.institution or s.degree]
    return tuple(found[:MAX_ENTRIES])


def _is_field_of(piece: str) -> bool:
    """A short capitalised phrase after a degree: its subject ("Applied Mathematics")."""
    short = len(piece.split()) <= 5 and piece[0].isupper()
    return short and not _is_place(piece) and not _DEGREE.search(piece)


def _degree_and_school(text: str) -> tuple[str | None, str | None]:
    degree = institution = None
    for piece in re.split(r"\s+(?:—|–|-|\||·|@|at)\s+|,\s+|\s{3,}|\t|\s+\(", text):
        piece = _YEAR.sub("", piece).strip(" ,-–—()")
        if not piece or piece.isdigit():
            continue
        if institution is None and _INSTITUTION.search(piece):
            institution = piece
        elif degree is None and _DEGREE.search(piece):
            degree = piece
        elif degree is not None and institution is None and _is_field_of(piece):
            degree = f"{degree}, {piece}"
    return degree, institution


# --------------------------------------------------------------------------- lists


def _items(lines: list[_Line]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for line in lines:
        for item in re.split(r"\s*[,;•·|]\s*|\s{3,}", line.text):
            item = item.strip(" .-–—")
            if item and len(item) <= MAX_LIST_ITEM and not item.isdigit():
                found.setdefault(item.casefold(), item)
    return tuple(found.values())[:MAX_SKILLS]


def _skills(section: list[_Line], everything: str) -> tuple[str, ...]:
    listed = _items(section)
    known = skills_in_text("\n".join(listed)) + skills_in_text(everything)
    spelled = _spellings(everything)
    found: dict[str, str] = {}
    for item in listed:
        key = canonical_skill(item)
        if key in known or (len(item.split()) <= 3 and not _YEAR.search(item)):
            found.setdefault(key, item)
    for key in known:
        found.setdefault(key, spelled.get(key, key))
    return tuple(found.values())[:MAX_SKILLS]


_TOKEN_SPAN = re.compile(r"[^\W_]+[+#]*")


def _spellings(text: str) -> dict[str, str]:
    """Each known skill's first spelling in ``text`` ("Node.js" for ``node-js``)."""
    spans = [m.span() for m in _TOKEN_SPAN.finditer(text)]
    known = set(vocabulary().skill_phrases.values())
    spelled: dict[str, str] = {}
    for i in range(len(spans)):
        for size in (4, 3, 2, 1):
            if i + size > len(spans):
                continue
            words = text[spans[i][0] : spans[i + size - 1][1]]
            if "\n" in words:
                continue
            key = canonical_skill(words)
            if key in known:
                spelled.setdefault(key, words)
                break
    return spelled


def _paragraph(lines: list[_Line]) -> str | None:
    text = " ".join(" ".join(line.text.split()) for line in lines).strip()
    return text[:10_000] or None
