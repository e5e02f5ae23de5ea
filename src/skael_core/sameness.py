"""When two postings are one job: the same company, the same normalised title, the same
place, posted within ``REPOST_WINDOW`` of each other, and either from two sources or
the later one marked a repost.

Within one source, two provider ids are two postings unless the source says the later
is a repost: a company may well advertise two openings of one title in one city, and
the provider already keeps one id per posting.

The same opening reaches Skael from several sources (a job board and the company's own
site, two providers) and again when it is reposted. Storage keeps the first posting
as the canonical job and lists the others among its sources (``Job.also_posted``), so
lists and rankings show it once. :func:`sameness_key` is what storage indexes; two
postings with equal keys are the same job when :func:`within_window` holds too.

Normalising is deliberately narrow: letter case, accents, punctuation, a company's
legal form ("Acme GmbH" is "ACME"), bracketed notes in titles ("(m/w/d)", "(Remote)")
and the common abbreviations of seniority ("Sr." is "Senior"). Anything else that
differs (the level, the city, the company) keeps two postings apart: merging two
different openings hides one of them, which costs a person more than seeing one twice.
"""

from __future__ import annotations

import re
import string
import unicodedata
from datetime import date, datetime, timedelta

from .model import Job, JobSourceLink

REPOST_WINDOW = timedelta(days=30)
"""The longest time between two postings of one job (a repost, or a slower source)."""

_LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "llp",
        "ltd",
        "limited",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ug",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "pvt",
        "private",
        "pte",
        "pty",
        "oy",
        "ab",
        "as",
        "asa",
        "aps",
        "spa",
        "srl",
        "sl",
        "kk",
    }
)
_TITLE_WORDS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "mgr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "and": "&",
}
_BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_NOT_WORD = re.compile(r"[^\w&+#]+|_+")
_KEPT_ASCII = frozenset(string.ascii_lowercase + string.digits + "&+#")
_ASCII_WORDS = bytes(
    ord(lower) if (lower := chr(code).lower()) in _KEPT_ASCII else ord(" ") for code in range(256)
)
"""The bytes of plain ASCII text as :func:`_words` splits them: letters lower-cased,
digits, ``&``, ``+`` and ``#`` kept, every other character a space (what ``_NOT_WORD``
does to ASCII)."""


def _words(text: str) -> list[str]:
    """The words of ``text`` in lower case, accents off, punctuation as spaces (``&``,
    ``+`` and ``#`` kept: C++ and C# are not C).

    Most postings are plain ASCII, which one ``bytes.translate`` turns into the same
    words as the general path below (casefold, accents off, ``_NOT_WORD``) at about a
    fifth of its cost; a test holds the two paths to the same answers."""
    if text.isascii():
        return text.encode().translate(_ASCII_WORDS).decode().split()
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", folded).split()


def _plain(text: str) -> str:
    """:func:`_words` joined by single spaces."""
    return " ".join(_words(text))


def company_key(company: str | None) -> str:
    """The company's name without case, accents, punctuation or legal form."""
    words = _words(company or "")
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def title_key(title: str) -> str:
    """The title without case, punctuation, bracketed notes or abbreviations."""
    if "(" in title or "[" in title or "{" in title:
        title = _BRACKETED.sub(" ", title)
    return " ".join([_TITLE_WORDS.get(word, word) for word in _words(title)])


def place_key(job: Job) -> str:
    """Where the job is: its location (or "remote") and its country."""
    return _place(job.location, job.remote, job.country_code)


def _place(location: str | None, remote: bool | None, country_code: str | None) -> str:
    where = _plain(location or "") or ("remote" if remote else "")
    return f"{where}/{(country_code or '').lower()}"


def sameness_key(job: Job) -> str | None:
    """The key two postings of one job share; None when the posting names no company
    (such a posting is never merged)."""
    return key_of(job.company, job.job_title, job.location, job.remote, job.country_code)


def key_of(
    company: str | None,
    title: str,
    location: str | None,
    remote: bool | None,
    country_code: str | None,
) -> str | None:
    """:func:`sameness_key` of a posting with these fields (storage computes it from a
    job's columns for jobs stored before keys were kept)."""
    company_part = company_key(company)
    title_part = title_key(title)
    if not company_part or not title_part:
        return None
    return f"{company_part}|{title_part}|{_place(location, remote, country_code)}"


def posted_on(job: Job) -> date | None:
    """The day a posting appeared: posted, else discovered."""
    if job.date_posted is not None:
        return job.date_posted
    moment: datetime | None = job.discovered_at
    return moment.date() if moment is not None else None


def within_window(first: date | None, second: date | None) -> bool:
    """Whether two postings' days are close enough to be one job (an unknown day does
    not keep two postings with the same key apart)."""
    if first is None or second is None:
        return True
    return abs(first - second) <= REPOST_WINDOW


class SameJobs:
    """The canonical jobs of keys seen so far, to find the one a posting is the same as.

    Storage fills it with the stored jobs it looked up and with each job it stores, in
    order, so postings of one batch merge with each other as with stored ones.
    """

    def __init__(self) -> None:
        self._known: dict[str, list[tuple[int, date | None, str]]] = {}

    def add(self, key: str | None, job_id: int, day: date | None, source: str) -> None:
        if key is not None:
            self._known.setdefault(key, []).append((job_id, day, source))

    def find(self, key: str | None, posting: Job) -> int | None:
        """The id of the job ``posting`` (whose key is ``key``) is the same as, the
        oldest-stored first; None when there is none."""
        if key is None:
            return None
        day = posted_on(posting)
        for job_id, known_day, source in self._known.get(key, ()):
            if within_window(known_day, day) and (source != posting.source or posting.reposted):
                return job_id
        return None

    def __contains__(self, key: str) -> bool:
        return key in self._known

    def __len__(self) -> int:
        """How many keys have a job."""
        return len(self._known)

    def entries(self, key: str) -> list[tuple[int, date | None, str]]:
        """The (job id, day, source) of the jobs known under ``key``, in the order added."""
        return list(self._known.get(key, ()))


def link_to(posting: Job) -> JobSourceLink:
    """How a job lists ``posting``, merged into it."""
    return JobSourceLink(
        source=posting.source,
        source_id=posting.source_id,
        url=posting.apply_url,
        date_posted=posted_on(posting),
    )


def merge_link(links: tuple[JobSourceLink, ...], posting: Job) -> tuple[JobSourceLink, ...]:
    """``links`` with ``posting``'s link in place of an older one of the same posting."""
    link = link_to(posting)
    kept = tuple(
        known for known in links if (known.source, known.source_id) != (link.source, link.source_id)
    )
    return (*kept, link)
